"""The lifecycles of source control: the elimination list, licence cancellation (注销) and
stop-and-rectify orders (停产整顿) with their resumption. Actor kinds: `actors.py`."""

from django.utils.translation import gettext_lazy as _

from safeloop.core.workflow import CREATED, SYSTEM, Workflow, t
from safeloop.sourcecontrol.choices import CancellationState as C
from safeloop.sourcecontrol.choices import EliminationState as E
from safeloop.sourcecontrol.choices import StopState as S

REGULATOR, ENTERPRISE, APPROVER = "regulator", "enterprise", "approver"
KINDS = {
    REGULATOR: "a regulator whose scope reaches the enterprise",
    ENTERPRISE: "the enterprise's principal or safety manager",
    APPROVER: "an administrator whose scope reaches the enterprise and who did not inspect",
    SYSTEM: "the daily licence scan",
}

ELIMINATION_WORKFLOW = Workflow(
    "elimination",
    [
        t("list", [CREATED], E.LISTED, [REGULATOR], _("List for elimination")),
        t("report", [E.LISTED], E.REPORTED, [ENTERPRISE, REGULATOR], _("Report as eliminated")),
        t("verify", [E.REPORTED], E.VERIFIED, [REGULATOR], _("Verify")),
        t("send_back", [E.REPORTED], E.LISTED, [REGULATOR], _("Send back")),
    ],
    model="sourcecontrol.EliminationItem",
    kinds={k: KINDS[k] for k in (REGULATOR, ENTERPRISE)},
)

CANCELLATION_WORKFLOW = Workflow(
    "licence_cancellation",
    [
        t("propose", [CREATED], C.PROPOSED, [REGULATOR, SYSTEM], _("Propose cancellation")),
        t("notify", [C.PROPOSED], C.NOTIFIED, [REGULATOR], _("Notify the enterprise")),
        t("cancel", [C.NOTIFIED], C.CANCELLED, [REGULATOR], _("Cancel the licence")),
        t("withdraw", [C.PROPOSED, C.NOTIFIED], C.WITHDRAWN, [REGULATOR], _("Withdraw")),
    ],
    model="sourcecontrol.LicenceCancellation",
    kinds={k: KINDS[k] for k in (REGULATOR, SYSTEM)},
)

STOP_WORKFLOW = Workflow(
    "stop_order",
    [
        t("issue", [CREATED], S.ORDERED, [REGULATOR], _("Order to stop and rectify")),
        t("apply", [S.ORDERED], S.APPLIED, [ENTERPRISE], _("Apply to resume")),
        t("pass_inspection", [S.APPLIED], S.INSPECTED, [REGULATOR], _("Inspected: conditions met")),
        t("fail_inspection", [S.APPLIED], S.ORDERED, [REGULATOR], _("Inspected: not yet")),
        t("approve", [S.INSPECTED], S.RESUMED, [APPROVER], _("Approve resumption")),
        t("refuse", [S.INSPECTED], S.ORDERED, [APPROVER], _("Refuse resumption")),
    ],
    model="sourcecontrol.StopOrder",
    kinds={k: KINDS[k] for k in (REGULATOR, ENTERPRISE, APPROVER)},
)
