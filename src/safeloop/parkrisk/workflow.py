"""A park assessment's and its measures' lives as transition tables (see core.workflow).
docs/parkrisk.md renders them; the tests walk every (state, move, actor kind).

Actor kinds, decided per assessment and user in `actor_kinds`:
- park: a park officer of the assessment's park (writes and submits it);
- county: a county administrator or inspector of the park's county (reviews or returns it);
- city: a city administrator or inspector of the park's city, or the system administrator
  (approves a reviewed assessment, or returns it).
"""

from django.utils.translation import gettext_lazy as _

from safeloop.core.scoping import reaches
from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.orgs.roles import Role
from safeloop.parkrisk.choices import AssessmentState as S
from safeloop.parkrisk.choices import MeasureState as M

PARK, COUNTY, CITY = "park", "county", "city"
KIND_ROLES = {
    PARK: {Role.PARK_OFFICER},
    COUNTY: {Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR},
    CITY: {Role.CITY_ADMIN, Role.CITY_INSPECTOR, Role.SYSTEM_ADMIN},
}
KINDS = {
    PARK: "a park officer of the assessment's park",
    COUNTY: "a county administrator or inspector of the park's county",
    CITY: "a city administrator or inspector of the park's city, or the system administrator",
}

ASSESSMENT_WORKFLOW = Workflow(
    "park_assessment",
    [
        t("start", [CREATED], S.DRAFT, [PARK], _("Start the assessment")),
        t("edit", [S.DRAFT, S.RETURNED], None, [PARK], _("Edit")),
        t("submit", [S.DRAFT, S.RETURNED], S.SUBMITTED, [PARK], _("Submit for review")),
        t("review", [S.SUBMITTED], S.REVIEWED, [COUNTY], _("Pass the review")),
        t("return", [S.SUBMITTED], S.RETURNED, [COUNTY], _("Return for revision")),
        t("send_back", [S.REVIEWED], S.RETURNED, [CITY], _("Return for revision")),
        t("approve", [S.REVIEWED], S.APPROVED, [CITY], _("Approve")),
    ],
    model="parkrisk.ParkAssessment",
    kinds=KINDS,
)

# A measure is set while the park writes the assessment, followed up and closed by the park
# (or the county for it); a measure closed too early is reopened by the county or city.
MEASURE_WORKFLOW = Workflow(
    "park_measure",
    [
        t("add", [CREATED], M.OPEN, [PARK], _("Add a measure")),
        t("follow_up", [M.OPEN], None, [PARK, COUNTY], _("Record progress")),
        t("close", [M.OPEN], M.CLOSED, [PARK, COUNTY], _("Close the measure")),
        t("reopen", [M.CLOSED], M.OPEN, [COUNTY, CITY], _("Reopen")),
    ],
    model="parkrisk.Measure",
    kinds=KINDS,
)


def actor_kinds(user, assessment) -> set[str]:
    """The kinds `user` is for `assessment` (saved or not: read from its park and region)."""
    if user is None or not user.is_authenticated:
        return set()
    grants = user.grants()
    return {kind for kind, roles in KIND_ROLES.items() if reaches(grants, roles, assessment)}
