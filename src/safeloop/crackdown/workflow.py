"""An illegal-production case's life as a transition table (see core.workflow). docs/crackdown.md
renders it; the tests walk every (state, move, actor kind) through the services.

Actor kinds, decided per case and user in `actor_kinds`:
- regulator: any regulator whose scope covers the case (registers, verifies, acts, re-visits);
- supervisor: a city or county administrator or inspector whose scope covers the case
  (decides not to file a case, closes it).

登记 → 核查 → 处置 → 跟踪 → 结案, with 不予立案 as a landing state; a re-visit that finds
the site working again sends the case back to 处置."""

from django.utils.translation import gettext_lazy as _

from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.crackdown.choices import CaseState as S

REGULATOR, SUPERVISOR = "regulator", "supervisor"

CASE_WORKFLOW = Workflow(
    "crackdown_case",
    [
        t("register", [CREATED], S.REGISTERED, [REGULATOR], _("Register the case")),
        t("verify", [S.REGISTERED], S.VERIFYING, [REGULATOR], _("Start verification")),
        t(
            "decline",
            [S.REGISTERED, S.VERIFYING],
            S.NOT_FILED,
            [SUPERVISOR],
            _("Do not file"),
        ),
        t("file", [S.VERIFYING], S.DISPOSING, [REGULATOR], _("File and deal with it")),
        t("add_action", [S.DISPOSING], None, [REGULATOR], _("Record an action")),
        t("void_action", [S.DISPOSING], None, [REGULATOR], _("Void an action")),
        t("follow", [S.DISPOSING], S.TRACKING, [REGULATOR], _("Start follow-up")),
        t("revisit", [S.TRACKING], None, [REGULATOR], _("Record a re-visit")),
        t("relapse", [S.TRACKING], S.DISPOSING, [REGULATOR], _("Found working again")),
        t("close", [S.TRACKING], S.CLOSED, [SUPERVISOR], _("Close the case")),
    ],
    model="crackdown.Case",
    kinds={
        REGULATOR: "a regulator whose scope covers the case",
        SUPERVISOR: "a city or county administrator or inspector whose scope covers the case",
    },
)


def actor_kinds(user, case) -> set[str]:
    """The kinds `user` is for `case`, read through the case's place (saved or not)."""
    from safeloop.core.scoping import reaches
    from safeloop.crackdown.models import SUPERVISORS
    from safeloop.orgs.roles import REGULATORS

    kinds: set[str] = set()
    if user is None or not user.is_authenticated:
        return kinds
    grants = user.grants()
    if reaches(grants, REGULATORS, case):
        kinds.add(REGULATOR)
    if reaches(grants, SUPERVISORS, case):
        kinds.add(SUPERVISOR)
    return kinds
