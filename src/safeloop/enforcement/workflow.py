"""The enforcement lifecycles as transition tables (see core.workflow); docs/enforcement.md
renders them and the tests walk every (state, move, actor kind).

Actor kinds, decided per record and user in `actor_kinds`:
- enforcer: a city or county inspector or administrator (or the system administrator) whose
  scope covers the record;
- enterprise: staff of the record's enterprise;
- decider: an administrator whose scope covers the record (county, city or system);
- approver: an administrator at the level the measure's rule names (a county administrator
  approves county-level measures; the city and system administrators approve both);
- system: the daily trigger job.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.enforcement.choices import (
    ApprovalLevel,
    CaseState,
    DocumentState,
    ProposalState,
    SanctionState,
)
from safeloop.orgs.roles import Role

ENFORCER = "enforcer"
ENTERPRISE = "enterprise"
DECIDER = "decider"
APPROVER = "approver"
SYSTEM = "system"

D = DocumentState
DOCUMENT_WORKFLOW = Workflow(
    "enforcement_document",
    [
        t("issue", [CREATED], D.ISSUED, [ENFORCER], _("Issue")),
        t("serve", [D.ISSUED], D.SERVED, [ENFORCER], _("Record service")),
        t("acknowledge", [D.SERVED], D.ACKNOWLEDGED, [ENTERPRISE], _("Acknowledge receipt")),
        t("close", [D.SERVED, D.ACKNOWLEDGED], D.CLOSED, [ENFORCER], _("Close")),
        t("void", [D.ISSUED, D.SERVED, D.ACKNOWLEDGED], D.VOIDED, [ENFORCER], _("Void")),
    ],
    model="enforcement.Document",
    kinds={
        ENFORCER: "a city or county inspector or administrator over the enterprise",
        ENTERPRISE: "staff of the document's enterprise",
    },
)

C = CaseState
CASE_WORKFLOW = Workflow(
    "penalty_case",
    [
        t("file", [CREATED], C.FILED, [ENFORCER], _("File the case")),
        t("investigate", [C.FILED], C.INVESTIGATING, [ENFORCER], _("Start the investigation")),
        t("notify", [C.INVESTIGATING], C.NOTIFIED, [ENFORCER], _("Notify the party")),
        t("decide", [C.NOTIFIED], C.DECIDED, [DECIDER], _("Decide")),
        t("execute", [C.DECIDED], C.EXECUTED, [ENFORCER], _("Record execution")),
        t("close", [C.EXECUTED], C.CLOSED, [ENFORCER], _("Close the case")),
        t(
            "withdraw",
            [C.FILED, C.INVESTIGATING, C.NOTIFIED],
            C.WITHDRAWN,
            [ENFORCER],
            _("Withdraw"),
        ),
    ],
    model="enforcement.PenaltyCase",
    kinds={
        ENFORCER: "a city or county inspector or administrator over the enterprise",
        DECIDER: "a county, city or system administrator over the enterprise",
    },
)

P = ProposalState
PROPOSAL_WORKFLOW = Workflow(
    "accountability_proposal",
    [
        t("raise", [CREATED], P.OPEN, [SYSTEM], _("Raise")),
        t("accept", [P.OPEN], P.ACCEPTED, [ENFORCER], _("Draft the measure")),
        t("dismiss", [P.OPEN], P.DISMISSED, [ENFORCER], _("Dismiss")),
    ],
    model="enforcement.Proposal",
    kinds={
        SYSTEM: "the daily trigger job",
        ENFORCER: "a city or county inspector or administrator over the enterprise",
    },
)

S = SanctionState
SANCTION_WORKFLOW = Workflow(
    "sanction",
    [
        t("draft", [CREATED], S.DRAFTED, [ENFORCER], _("Draft")),
        t("approve", [S.DRAFTED], S.APPROVED, [APPROVER], _("Approve and issue")),
        t("reject", [S.DRAFTED], S.REJECTED, [APPROVER], _("Do not approve")),
        t(
            "record_interview",
            [S.APPROVED, S.RESPONDED],
            None,
            [ENFORCER],
            pgettext_lazy("interview", "Record"),
        ),
        t("respond", [S.APPROVED], S.RESPONDED, [ENTERPRISE, ENFORCER], _("Upload the response")),
        t("close", [S.APPROVED, S.RESPONDED], S.CLOSED, [ENFORCER], _("Close")),
    ],
    model="enforcement.Sanction",
    kinds={
        ENFORCER: "a city or county inspector or administrator over the target",
        APPROVER: "an administrator of the level the measure names, over the target",
        ENTERPRISE: "staff of the enterprise the measure is against",
    },
)

COUNTY_APPROVERS = frozenset({Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN})
CITY_APPROVERS = frozenset({Role.CITY_ADMIN, Role.SYSTEM_ADMIN})


def actor_kinds(user, obj) -> set[str]:
    """The kinds `user` is for `obj` (a document, case, proposal or measure, saved or not)."""
    from safeloop.enforcement.models import ENFORCERS
    from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF

    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    kinds = set()
    roles = user.roles
    if roles & ENFORCERS and _reaches(user, ENFORCERS, obj):
        kinds.add(ENFORCER)
    if roles & ADMINS and _reaches(user, ADMINS, obj):
        kinds.add(DECIDER)
        level = getattr(obj, "approval_level", None)
        approvers = CITY_APPROVERS if level == ApprovalLevel.CITY else COUNTY_APPROVERS
        if roles & approvers and _reaches(user, approvers, obj):
            kinds.add(APPROVER)
    enterprise_id = getattr(obj, "enterprise_id", None)
    if enterprise_id and roles & ENTERPRISE_STAFF and _reaches(user, ENTERPRISE_STAFF, obj):
        kinds.add(ENTERPRISE)
    return kinds


def _reaches(user, roles, obj) -> bool:
    """Does a grant of one of `roles` reach the object's region or enterprise (read from its
    own fields and its enterprise, so an unsaved object answers too)."""
    enterprise = obj.enterprise if getattr(obj, "enterprise_id", None) else None
    region = obj.region_code or (enterprise.region_code if enterprise else "")
    for grant in user.grants():
        if grant.role not in roles:
            continue
        if grant.everywhere:
            return True
        if grant.enterprise_id is not None:
            if enterprise is not None and enterprise.pk == grant.enterprise_id:
                return True
            continue
        if grant.grid_id is not None:
            if enterprise is not None and enterprise.grid_id == grant.grid_id:
                return True
            continue
        if grant.park_id is not None:
            if enterprise is not None and enterprise.park_id == grant.park_id:
                return True
            continue
        if grant.region_prefix and region.startswith(grant.region_prefix):
            return True
    return False
