"""The lifecycles of a serious-dishonesty listing and of a credit repair."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.workflow import CREATED, SYSTEM, Workflow, t
from safeloop.credit.choices import ListingState as L
from safeloop.credit.choices import RepairState as R

DECIDER = "decider"
PARTY = "party"

LISTING_WORKFLOW = Workflow(
    "credit_listing",
    [
        t("propose", [CREATED], L.PROPOSED, [SYSTEM, DECIDER], _("Propose")),
        t("notify", [L.PROPOSED], L.NOTIFIED, [DECIDER], _("Serve notice")),
        t("object", [L.NOTIFIED], None, [PARTY], _("Object")),
        t("list", [L.NOTIFIED], L.LISTED, [DECIDER], _("Decide to list")),
        t("reject", [L.PROPOSED, L.NOTIFIED], L.REJECTED, [DECIDER], _("Decide not to list")),
        t("publish", [L.LISTED], L.PUBLISHED, [DECIDER], _("Publish")),
        t("expire", [L.LISTED, L.PUBLISHED], L.REMOVED, [SYSTEM], _("Remove at the end")),
        t("repair", [L.LISTED, L.PUBLISHED], L.REPAIRED, [SYSTEM], _("Remove after repair")),
        t("restore", [L.REPAIRED], L.PUBLISHED, [SYSTEM], _("Restore")),
    ],
    model="credit.Listing",
    kinds={
        SYSTEM: "the daily job and the trigger evaluation; repair decisions",
        DECIDER: "a county or city regulator in scope (deciding department)",
        PARTY: "the listed enterprise's principal or safety manager",
    },
)

REPAIR_WORKFLOW = Workflow(
    "credit_repair",
    [
        t("apply", [CREATED], R.APPLIED, [PARTY, DECIDER], pgettext_lazy("credit repair", "Apply")),
        t("approve", [R.APPLIED], R.APPROVED, [DECIDER], _("Approve")),
        t("refuse", [R.APPLIED], R.REFUSED, [DECIDER], _("Refuse")),
        t("revoke", [R.APPROVED], R.REVOKED, [DECIDER], _("Revoke (fraud)")),
    ],
    model="credit.Repair",
    kinds={
        DECIDER: "a county or city regulator in scope (deciding department)",
        PARTY: "the listed enterprise's principal or safety manager",
    },
)
