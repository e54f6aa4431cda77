"""The investigation of an accident and its case (the `accident_case` table): team,
findings, causes, responsibility, lessons, 瞒报/谎报 findings; each corrective measure is
registered as a hidden danger through the hazards services and tracked to closure there;
the case closes with the report (PDF) only when every measure's hidden danger is closed —
四不放过 made checkable."""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.accidents.choices import AccidentState
from safeloop.accidents.models import Accident, Investigation, Measure
from safeloop.accidents.workflow import CASE_WORKFLOW, actor_kinds
from safeloop.core.errors import IllegalMove
from safeloop.core.services import bump, lock, require, service, track
from safeloop.core.uploads import clean_pdf
from safeloop.hazards import services as hazards
from safeloop.hazards.choices import Category, Level, Source, State

FIELDS = (
    "team",
    "findings",
    "direct_causes",
    "indirect_causes",
    "responsibility",
    "lessons",
    "concealment",
    "concealment_note",
)


def _set(investigation: Investigation, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(investigation, name, value)
    require((investigation.team or "").strip(), _("Name the investigation team."), "team")
    require(
        not investigation.concealment or (investigation.concealment_note or "").strip(),
        _("Describe what was concealed or falsely reported."),
        "concealment_note",
    )
    investigation.full_clean(exclude=["accident", "report"])


@service
def open_case(*, actor, accident: Accident, **fields: Any) -> Investigation:
    """A regulator over the enterprise opens the investigation of a standing accident."""
    accident = lock(Accident, actor, accident.pk, action="void")
    if accident.state == AccidentState.VOIDED:
        raise IllegalMove(_("This accident record was voided."))
    if Investigation.objects.filter(accident=accident).exists():
        raise IllegalMove(_("This accident is already under investigation."))
    investigation = Investigation(accident=accident)
    CASE_WORKFLOW.apply(investigation, "open", actor_kinds(actor, accident))
    _set(investigation, fields)
    investigation.save(action="accidents.investigation.open", actor=actor)
    track(investigation, "change")
    return investigation


@service
def edit_case(
    *, actor, investigation: Investigation, version: int | None, **fields: Any
) -> Investigation:
    investigation = lock(Investigation, actor, investigation.pk, version=version)
    CASE_WORKFLOW.apply(investigation, "edit", actor_kinds(actor, investigation.accident))
    require(version is not None, _("Send the version you read."), "version")
    _set(investigation, fields)
    bump(investigation)
    investigation.save(action="accidents.investigation.edit", actor=actor)
    return investigation


@service
def add_measure(
    *, actor, investigation: Investigation, description: str, deadline: date, level=Level.GENERAL
) -> Measure:
    """The measure becomes a hidden danger of the accident's enterprise, registered by the
    regulator with its deadline, and is tracked to closure in the hazards app."""
    investigation = lock(Investigation, actor, investigation.pk)
    accident = investigation.accident
    CASE_WORKFLOW.apply(investigation, "add_measure", actor_kinds(actor, accident))
    description = (description or "").strip()
    require(description, _("Describe the corrective measure."), "description")
    hazard, _created = hazards.register(
        actor=actor,
        enterprise=accident.enterprise,
        level=level,
        source=Source.OTHER,
        category=Category.OTHER,
        place=accident.place,
        description=_("Corrective measure after the accident of %(day)s: %(text)s")
        % {"day": timezone.localdate(accident.occurred_at).isoformat(), "text": description},
        cause=investigation.direct_causes,
        measures=description,
        deadline=deadline,
    )
    measure = Measure(investigation=investigation, description=description, hazard=hazard)
    measure.save(action="accidents.measure.add", actor=actor)
    return measure


def open_measures(investigation: Investigation):
    """The measures whose hidden danger is not closed yet (what keeps the case open)."""
    return investigation.measures.exclude(hazard__state=State.CLOSED).select_related("hazard")


def checklist(investigation: Investigation) -> dict[str, bool]:
    """四不放过, each point as the platform can check it."""
    return {
        "causes": bool(
            investigation.direct_causes.strip() and investigation.indirect_causes.strip()
        ),
        "responsibility": bool(investigation.responsibility.strip()),
        "lessons": bool(investigation.lessons.strip()),
        "measures": investigation.measures.exists() and not open_measures(investigation).exists(),
    }


@service
def close_case(
    *, actor, investigation: Investigation, report, version: int | None
) -> Investigation:
    """Close with the investigation report (PDF): refused (400) while a point of 四不放过 is
    unmet — causes, responsibility, lessons, and every measure closed."""
    investigation = lock(Investigation, actor, investigation.pk, version=version)
    CASE_WORKFLOW.apply(investigation, "close", actor_kinds(actor, investigation.accident))
    require(version is not None, _("Send the version you read."), "version")
    points = checklist(investigation)
    require(points["causes"], _("Record the direct and indirect causes."), "direct_causes")
    require(points["responsibility"], _("Record the responsibility findings."), "responsibility")
    require(points["lessons"], _("Record the lessons."), "lessons")
    require(
        points["measures"],
        _("Every corrective measure must be closed first (%(n)s open).")
        % {"n": open_measures(investigation).count()},
        "report",
    )
    investigation.report = clean_pdf(report, field="report")
    investigation.closed_at = timezone.now()
    bump(investigation)
    investigation.save(action="accidents.investigation.close", actor=actor)
    return investigation


def case_moves(investigation: Investigation | None, accident: Accident, user) -> list[str]:
    if investigation is None:
        if accident.state == AccidentState.VOIDED:
            return []
        return [m for m in ["open"] if "regulator" in actor_kinds(user, accident)]
    return CASE_WORKFLOW.moves_for(
        CASE_WORKFLOW.current(investigation), actor_kinds(user, accident)
    )
