"""A public report's lifecycle. Actor kinds:
- public: whoever holds the report's tracking code (or sends a new report);
- regulator: a regulator whose scope covers the report's county, park or enterprise.
"""

from django.utils.translation import gettext_lazy as _

from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.public.choices import ArticleState as A
from safeloop.public.choices import ReportState as S
from safeloop.public.choices import RewardState as R

PUBLIC_REPORT_WORKFLOW = Workflow(
    "public_report",
    [
        t("submit", [CREATED], S.RECEIVED, ["public"], _("Send")),
        t("link_duplicate", [CREATED], S.DUPLICATE, ["public"], _("Link to an earlier report")),
        t("accept", [S.RECEIVED], S.ACCEPTED, ["regulator"], _("Accept as a hidden danger")),
        t("reject", [S.RECEIVED], S.REJECTED, ["regulator"], _("Reject")),
        t("confirm_fixed", [S.ACCEPTED], S.CONFIRMED, ["public"], _("Confirm it is fixed")),
        t("not_fixed", [S.ACCEPTED], None, ["public"], _("It is not fixed")),
        # Moved by the crackdown app's services with the case the report became.
        t(
            "refer",
            [S.RECEIVED],
            S.REFERRED,
            ["regulator"],
            _("Turn into an illegal-production case"),
        ),
        t("conclude", [S.REFERRED], S.HANDLED, ["regulator"], _("Conclude with the case")),
    ],
    model="public.PublicReport",
    kinds={
        "public": "whoever holds the report's tracking code",
        "regulator": "a regulator whose scope covers the report",
    },
)

# A reward for a verified report. regulator: proposes (in the report's scope);
# approver: an administrator in scope who did not propose it (four eyes), who also records
# the payment.
REWARD_WORKFLOW = Workflow(
    "public_reward",
    [
        t("propose", [CREATED], R.PROPOSED, ["regulator"], _("Propose a reward")),
        t("approve", [R.PROPOSED], R.APPROVED, ["approver"], _("Approve")),
        t("refuse", [R.PROPOSED], R.REFUSED, ["approver"], _("Refuse")),
        t("pay", [R.APPROVED], R.PAID, ["approver"], _("Record the payment")),
    ],
    model="public.Reward",
    kinds={
        "regulator": "a regulator whose scope covers the report",
        "approver": "an administrator whose scope covers the report, not the proposer",
    },
)

# An article of the public site. editor: a city or county regulator whose scope covers the
# article's region.
ARTICLE_WORKFLOW = Workflow(
    "public_article",
    [
        t("create", [CREATED], A.DRAFT, ["editor"], _("Save as a draft")),
        t(
            "publish",
            [A.DRAFT, A.WITHDRAWN],
            A.PUBLISHED,
            ["editor"],
            _("Publish on the public site"),
        ),
        t("withdraw", [A.PUBLISHED], A.WITHDRAWN, ["editor"], _("Withdraw")),
    ],
    model="public.Article",
    kinds={"editor": "a city or county regulator whose scope covers the article"},
)
