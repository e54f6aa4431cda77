"""The reporting chain of one accident (Art. 9 and 11 of 国务院令第493号): the steps laid
down from the rules in force on the day of the accident, the enterprise's step done by the
record itself, each level's onward report a timed step, and the county department and the
city told at once when the accident is recorded."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.accidents.choices import ReportLevel
from safeloop.accidents.grading import steps_on
from safeloop.accidents.models import Accident, ReportStep
from safeloop.core.errors import Invalid, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.core.notify import notify
from safeloop.core.services import after_commit, lock, service
from safeloop.hazards.recipients import CITY_ROLES, COUNTY_ROLES, recipients

# The roles that make each level's onward report.
REPORTERS = {ReportLevel.COUNTY: set(COUNTY_ROLES), ReportLevel.CITY: set(CITY_ROLES)}


def lay_down(accident: Accident, actor) -> list[ReportStep]:
    """Create the steps of a just recorded accident; the first (the enterprise's) is done by
    the record: due one rule-length after the accident, late when recorded after that."""
    steps = []
    for position, rule in enumerate(steps_on(timezone.localdate(accident.occurred_at))):
        steps.append(
            ReportStep(
                accident=accident,
                level=rule.level,
                position=position,
                within_minutes=rule.within_minutes,
                source=rule.source,
            )
        )
    if steps:
        first = steps[0]
        first.due_at = accident.occurred_at + timedelta(minutes=first.within_minutes)
        first.reported_at = accident.reported_at
        first.reported_by = actor
        first.late = first.reported_at > first.due_at
        if len(steps) > 1:
            steps[1].due_at = first.reported_at + timedelta(minutes=steps[1].within_minutes)
    ReportStep.objects.bulk_create(steps)
    return steps


def tell_supervisors(accident: Accident) -> None:
    """After commit: the county department and the city hear of the accident at once."""

    def send():
        title = _("Accident reported: %(enterprise)s, %(place)s") % {
            "enterprise": accident.enterprise.name,
            "place": accident.place,
        }
        body = _("Occurred %(when)s; deaths %(deaths)s, serious injuries %(injured)s.") % {
            "when": timezone.localtime(accident.occurred_at).strftime("%Y-%m-%d %H:%M"),
            "deaths": accident.deaths,
            "injured": accident.serious_injuries,
        }
        for audience in ("county", "city"):
            notify(
                recipients(accident, audience),
                kind="accident",
                title=title,
                body=body,
                link=f"/accidents/{accident.pk}/",
                dedupe_key=f"accident-{accident.pk}-recorded",
            )

    after_commit(send)


@service
def report_onward(*, actor, accident: Accident, level: str, note: str = "") -> ReportStep:
    """The `level` reports the accident to the next level up: its step is done now (late
    when after its due time) and the next step's clock starts. 403 for a user who is not of
    that level; 400 for a step already done or whose turn has not come."""
    accident = lock(Accident, actor, accident.pk, action="view")
    allowed = REPORTERS.get(level)
    if allowed is None:
        raise Invalid(_("Unknown reporting step."), field="level")
    if not actor.roles & allowed:
        raise NotPermitted(_("Only that level reports this step."))
    steps = list(accident.steps.select_for_update().order_by("position"))
    step = next((s for s in steps if s.level == level), None)
    if step is None:
        raise Invalid(_("This accident has no such reporting step."), field="level")
    if step.reported_at is not None:
        raise Invalid(_("This step was reported already."), field="level")
    if step.due_at is None:
        raise Invalid(_("The level below has not reported yet."), field="level")
    now = timezone.now()
    step.reported_at, step.reported_by, step.note = now, actor, (note or "").strip()
    step.late = now > step.due_at
    step.save()
    following = [s for s in steps if s.position == step.position + 1]
    if following:
        following[0].due_at = now + timedelta(minutes=following[0].within_minutes)
        following[0].save(update_fields=["due_at"])
    AuditEntry.write(
        "accidents.accident.report_onward",
        accident,
        changes={"level": [None, level], "late": [None, step.late]},
        actor=actor,
    )
    return step


def levels_for(user, steps: list[ReportStep]) -> list[str]:
    """The onward steps `user` may mark now: their level's, when its clock runs."""
    return [
        s.level
        for s in steps
        if s.reported_at is None
        and s.due_at is not None
        and user.roles & REPORTERS.get(s.level, set())
    ]
