"""A public report's lifecycle. Actor kinds:
- public: whoever holds the report's tracking code (or sends a new report);
- regulator: a regulator whose scope covers the report's county, park or enterprise.
"""

from django.utils.translation import gettext_lazy as _

from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.public.choices import ReportState as S

PUBLIC_REPORT_WORKFLOW = Workflow(
    "public_report",
    [
        t("submit", [CREATED], S.RECEIVED, ["public"], _("Send")),
        t("link_duplicate", [CREATED], S.DUPLICATE, ["public"], _("Link to an earlier report")),
        t("accept", [S.RECEIVED], S.ACCEPTED, ["regulator"], _("Accept as a hidden danger")),
        t("reject", [S.RECEIVED], S.REJECTED, ["regulator"], _("Reject")),
        t("confirm_fixed", [S.ACCEPTED], S.CONFIRMED, ["public"], _("Confirm it is fixed")),
        t("not_fixed", [S.ACCEPTED], None, ["public"], _("It is not fixed")),
    ],
    model="public.PublicReport",
    kinds={
        "public": "whoever holds the report's tracking code",
        "regulator": "a regulator whose scope covers the report",
    },
)
