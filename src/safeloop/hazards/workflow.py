"""The closed loop as transition tables: the hidden danger's and its deadline extension's.
docs/hazards.md carries both as rendered; the tests walk every (state, move, actor) of them.

Actor kinds (decided per hazard and user in `actors.py`):
- enterprise: the hazard's enterprise principal or safety manager;
- regulator: a regulator whose scope covers the hazard;
- lister: a regulator at the level the policy names for listing (county or city), in scope;
- acceptor: whoever accepts this hazard (see `actors.acceptor_kind`), never its submitter;
- extension_decider: a regulator in scope; for a major hazard, its supervising department;
- anyone: any signed-in user or the public (reports only).
"""

from django.utils.translation import gettext_lazy as _

from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.hazards.choices import ExtensionStatus, State

P, R, A, C, V = State.PENDING, State.RECTIFYING, State.AWAITING, State.CLOSED, State.VOIDED
ENTERPRISE, REGULATOR = "enterprise", "regulator"

KINDS = {
    ENTERPRISE: "the hazard's enterprise principal or safety manager",
    REGULATOR: "a regulator whose scope covers the hazard",
    "lister": "a regulator at the level the policy names for listing (county or city), in scope",
    "acceptor": "whoever accepts this hazard (the enterprise, a regulator for one a regulator "
    "found, the supervising department for a major one), never its submitter",
    "extension_decider": "a regulator in scope; for a major hazard, its supervising department",
    "anyone": "any signed-in user or the public (reports only)",
}

HAZARD_WORKFLOW = Workflow(
    "hazard",
    [
        t("register", [CREATED], R, [ENTERPRISE, REGULATOR], _("Register")),
        t("fix_on_spot", [CREATED], A, [ENTERPRISE, REGULATOR], _("Fixed on the spot")),
        t("report", [CREATED], P, ["anyone"], _("Report")),
        t("confirm", [P], R, [ENTERPRISE, REGULATOR], _("Confirm")),
        t("reject", [P], V, [ENTERPRISE, REGULATOR], _("Reject")),
        t("plan", [R], None, [ENTERPRISE], _("Record the plan")),
        t("list", [R], None, ["lister"], _("List for supervision")),
        t("submit", [R], A, [ENTERPRISE], _("Submit for acceptance")),
        t("request_extension", [R], None, [ENTERPRISE], _("Request an extension")),
        t("decide_extension", [R], None, ["extension_decider"], _("Decide the extension")),
        t("accept", [A], C, ["acceptor"], _("Accept and close")),
        t("return", [A], R, ["acceptor"], _("Return for rectification")),
        t("void", [P, R, A], V, [REGULATOR], _("Void")),
    ],
    model="hazards.Hazard",
    kinds=KINDS,
)

# A deadline extension: requested by the enterprise while its hazard is rectifying (the
# hazard's `request_extension`), then approved or refused once (its `decide_extension`). The
# actor kinds are the hazard's: an extension has no actors of its own.
EXTENSION_WORKFLOW = Workflow(
    "extension",
    [
        t("request", [CREATED], ExtensionStatus.REQUESTED, [ENTERPRISE], _("Request")),
        t(
            "approve",
            [ExtensionStatus.REQUESTED],
            ExtensionStatus.APPROVED,
            ["extension_decider"],
            _("Approve"),
        ),
        t(
            "refuse",
            [ExtensionStatus.REQUESTED],
            ExtensionStatus.REFUSED,
            ["extension_decider"],
            _("Refuse"),
        ),
    ],
    model="hazards.Extension",
    state_field="status",
    kinds={k: KINDS[k] for k in (ENTERPRISE, "extension_decider")},
)
