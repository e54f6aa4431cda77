"""The annual assessment's life (see core.workflow): computed as a draft, recomputed,
scored by hand and adjusted while it is a draft; approved, its figures are frozen.

Actor kind: assessor = the system administrator, or a city administrator of the
assessment's city."""

from django.utils.translation import gettext_lazy as _

from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.orgs.models import region_prefix
from safeloop.orgs.roles import Role
from safeloop.targets.choices import AssessmentState as S

ASSESSOR = "assessor"

ASSESSMENT_WORKFLOW = Workflow(
    "assessment",
    [
        t("compute", [CREATED], S.DRAFT, [ASSESSOR], _("Compute")),
        t("recompute", [S.DRAFT], None, [ASSESSOR], _("Recompute")),
        t("score", [S.DRAFT], None, [ASSESSOR], _("Score or adjust")),
        t("approve", [S.DRAFT], S.APPROVED, [ASSESSOR], _("Approve")),
    ],
    model="targets.Assessment",
    kinds={ASSESSOR: "the system administrator or a city administrator of the city"},
)


def actor_kinds(user, city_code: str) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    for g in user.grants():
        if g.role == Role.SYSTEM_ADMIN and g.everywhere:
            return {ASSESSOR}
        if (
            g.role == Role.CITY_ADMIN
            and g.region_prefix
            and city_code.startswith(g.region_prefix)
            and region_prefix(city_code).startswith(g.region_prefix)
        ):
            return {ASSESSOR}
    return set()
