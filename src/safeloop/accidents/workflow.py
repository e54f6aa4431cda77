"""An accident record's life as a transition table (see core.workflow). docs/accidents.md
renders it; the tests walk every (state, move, actor kind) through the services.

Actor kinds, decided per accident and user in `actor_kinds`:
- enterprise: principal or safety manager of the accident's enterprise;
- regulator: a regulator whose scope covers the accident's enterprise.
A record is reported, corrected while it stands (casualty figures change within 30 days,
Art. 13 of 国务院令第493号) and voided when it was entered in error; nothing is deleted.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.accidents.choices import AccidentState, CaseState
from safeloop.core.workflow import CREATED, Workflow, t
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

REPORTED, VOIDED = AccidentState.REPORTED, AccidentState.VOIDED
ENTERPRISE, REGULATOR = "enterprise", "regulator"

ACCIDENT_WORKFLOW = Workflow(
    "accident",
    [
        t(
            "report",
            [CREATED],
            REPORTED,
            [ENTERPRISE, REGULATOR],
            pgettext_lazy("accident move", "Report"),
        ),
        t("correct", [REPORTED], None, [ENTERPRISE, REGULATOR], _("Correct")),
        t("void", [REPORTED], VOIDED, [REGULATOR], _("Void")),
    ],
    model="accidents.Accident",
    kinds={
        ENTERPRISE: "principal or safety manager of the accident's enterprise",
        REGULATOR: "a regulator whose scope covers the accident's enterprise",
    },
)


def actor_kinds(user, accident) -> set[str]:
    """The kinds `user` is for `accident` (saved or not: read through its enterprise)."""
    from safeloop.enterprises.models import Enterprise

    kinds: set[str] = set()
    if user is None or not user.is_authenticated:
        return kinds
    if any(
        g.role in ENTERPRISE_STAFF and g.enterprise_id == accident.enterprise_id
        for g in user.grants()
    ):
        kinds.add(ENTERPRISE)
    if user.roles & REGULATORS and (
        Enterprise.objects.for_user(user, "view", roles=REGULATORS)
        .filter(pk=accident.enterprise_id)
        .exists()
    ):
        kinds.add(REGULATOR)
    return kinds


# The investigation case (四不放过): opened by a regulator over the enterprise, completed while
# under investigation, each corrective measure a hidden danger; closed with the report (PDF)
# only when every measure's hidden danger is closed.
CASE_WORKFLOW = Workflow(
    "accident_case",
    [
        t("open", [CREATED], CaseState.INVESTIGATING, [REGULATOR], _("Open the investigation")),
        t("edit", [CaseState.INVESTIGATING], None, [REGULATOR], _("Edit")),
        t("add_measure", [CaseState.INVESTIGATING], None, [REGULATOR], _("Add a measure")),
        t("close", [CaseState.INVESTIGATING], CaseState.CLOSED, [REGULATOR], _("Close the case")),
    ],
    model="accidents.Investigation",
    kinds={REGULATOR: "a regulator whose scope covers the accident's enterprise"},
)
