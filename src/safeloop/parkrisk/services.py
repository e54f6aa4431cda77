"""Writes of the park assessments: starting, editing and moving an assessment through its
table (the indicators frozen on approval), its measures added, followed up, closed and
reopened, and the due-day rule (added, never edited). Nothing is deleted."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import IllegalMove
from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.orgs.models import Park
from safeloop.parkrisk import selectors
from safeloop.parkrisk.choices import EDITABLE_STATES, AssessmentState, OverallLevel
from safeloop.parkrisk.models import (
    RULE_EDITORS,
    VIEWERS,
    AssessmentRule,
    FollowUp,
    Measure,
    ParkAssessment,
)
from safeloop.parkrisk.workflow import ASSESSMENT_WORKFLOW, MEASURE_WORKFLOW, actor_kinds

TEXT_FIELDS = ("experts", "expert_opinion", "overall_level", "conclusion")
RULE_FIELDS = (
    "due_month",
    "due_day",
    "due_year_offset",
    "warn_days",
    "effective_from",
    "source",
    "confidence",
    "notes",
)
LIMITS = {"experts": 300, "expert_opinion": 5000, "conclusion": 5000}


def _texts(assessment: ParkAssessment, fields: dict) -> None:
    for name in TEXT_FIELDS:
        if name in fields:
            value = fields[name]
            value = "" if value is None else str(value).strip()
            if name in LIMITS:
                require(
                    len(value) <= LIMITS[name],
                    _("At most %(n)d characters.") % {"n": LIMITS[name]},
                    name,
                )
            setattr(assessment, name, value)
    require(
        assessment.overall_level in ("", *OverallLevel.values),
        _("Choose an overall risk level."),
        "overall_level",
    )


@service
def start_assessment(*, actor, park, year, **fields) -> ParkAssessment:
    """A park officer starts the assessment of one year of their park (once per year)."""
    allow(actor.roles & VIEWERS, _("Only regulators take part in park risk assessments."))
    require(
        isinstance(park, Park)
        and Park.objects.for_user(actor, "view", roles=VIEWERS).filter(pk=park.pk).exists(),
        _("Select a valid choice. That choice is not one of the available choices."),
        "park",
    )
    today = timezone.localdate()
    require(
        isinstance(year, int) and 2000 <= year <= today.year,
        _("Give a year from 2000 to this year."),
        "year",
    )
    assessment = ParkAssessment(park=park, year=year, region_code=park.region_code)
    ASSESSMENT_WORKFLOW.apply(assessment, "start", actor_kinds(actor, assessment))
    require(
        not ParkAssessment.objects.filter(park=park, year=year).exists(),
        _("This park's assessment of that year already exists."),
        "year",
    )
    _texts(assessment, fields)
    assessment.created_by = actor
    assessment.save(action="parkrisk.assessment.start")
    track(assessment)
    return assessment


def _locked(actor, assessment, version) -> ParkAssessment:
    return lock(
        ParkAssessment,
        actor,
        getattr(assessment, "pk", assessment),
        version=version,
        queryset=ParkAssessment.objects.select_related("park"),
    )


@service
def edit_assessment(*, actor, assessment, version=None, **fields) -> ParkAssessment:
    assessment = _locked(actor, assessment, version)
    ASSESSMENT_WORKFLOW.apply(assessment, "edit", actor_kinds(actor, assessment))
    _texts(assessment, fields)
    bump(assessment)
    assessment.save(action="parkrisk.assessment.edit")
    return assessment


@service
def submit(*, actor, assessment, version=None) -> ParkAssessment:
    assessment = _locked(actor, assessment, version)
    ASSESSMENT_WORKFLOW.apply(assessment, "submit", actor_kinds(actor, assessment))
    require(assessment.experts, _("Name the experts who took part."), "experts")
    require(assessment.expert_opinion, _("Give the expert opinion."), "expert_opinion")
    require(assessment.overall_level, _("Choose an overall risk level."), "overall_level")
    require(assessment.conclusion, _("Give the conclusion."), "conclusion")
    assessment.submitted_at = timezone.now()
    bump(assessment)
    assessment.save(action="parkrisk.assessment.submit")
    return assessment


@service
def review(*, actor, assessment, version=None, note="") -> ParkAssessment:
    assessment = _locked(actor, assessment, version)
    ASSESSMENT_WORKFLOW.apply(assessment, "review", actor_kinds(actor, assessment))
    require(len(note or "") <= 1000, _("At most %(n)d characters.") % {"n": 1000}, "note")
    assessment.review_note = (note or "").strip()
    assessment.reviewed_at = timezone.now()
    bump(assessment)
    assessment.save(action="parkrisk.assessment.review")
    return assessment


@service
def return_assessment(*, actor, assessment, version=None, note="") -> ParkAssessment:
    """Back to the park with the reason: by the county from review, by the city from
    approval."""
    assessment = _locked(actor, assessment, version)
    move = "send_back" if assessment.state == AssessmentState.REVIEWED else "return"
    ASSESSMENT_WORKFLOW.apply(assessment, move, actor_kinds(actor, assessment))
    note = (note or "").strip()
    require(note, _("Say what must be revised."), "note")
    require(len(note) <= 1000, _("At most %(n)d characters.") % {"n": 1000}, "note")
    assessment.review_note = note
    bump(assessment)
    assessment.save(action="parkrisk.assessment.return")
    return assessment


@service
def approve(*, actor, assessment, version=None) -> ParkAssessment:
    """Approve a reviewed assessment; its indicators are counted once more and frozen."""
    assessment = _locked(actor, assessment, version)
    ASSESSMENT_WORKFLOW.apply(assessment, "approve", actor_kinds(actor, assessment))
    now = timezone.now()
    assessment.indicators = selectors.indicators(
        assessment.park, assessment.year, timezone.localdate()
    )
    assessment.frozen_at = assessment.approved_at = now
    assessment.approved_by = actor
    bump(assessment)
    assessment.save(action="parkrisk.assessment.approve")
    return assessment


# ---------------------------------------------------------------- measures
def _measure_text(text, owner) -> tuple[str, str]:
    text, owner = (text or "").strip(), (owner or "").strip()
    require(text, _("Say what is to be done."), "text")
    require(len(text) <= 300, _("At most %(n)d characters.") % {"n": 300}, "text")
    require(owner, _("Name who answers for it."), "owner")
    require(len(owner) <= 100, _("At most %(n)d characters.") % {"n": 100}, "owner")
    return text, owner


@service
def add_measure(*, actor, assessment, text, owner, deadline) -> Measure:
    """A measure set while the park writes the assessment."""
    assessment = _locked(actor, assessment, None)
    measure = Measure(assessment=assessment)
    MEASURE_WORKFLOW.apply(measure, "add", actor_kinds(actor, assessment))
    if assessment.state not in EDITABLE_STATES:
        raise IllegalMove(_("Measures are set while the assessment is a draft or returned."))
    measure.text, measure.owner = _measure_text(text, owner)
    require(isinstance(deadline, date), _("Give the deadline."), "deadline")
    require(deadline >= timezone.localdate(), _("A deadline lies ahead."), "deadline")
    measure.deadline = deadline
    measure.save(action="parkrisk.measure.add")
    track(measure)
    return measure


def _locked_measure(actor, measure, version) -> Measure:
    return lock(
        Measure,
        actor,
        getattr(measure, "pk", measure),
        version=version,
        queryset=Measure.objects.select_related("assessment__park"),
    )


def _note(note, field="note") -> str:
    note = (note or "").strip()
    require(note, _("Write what was done."), field)
    require(len(note) <= 500, _("At most %(n)d characters.") % {"n": 500}, field)
    return note


@service
def follow_up(*, actor, measure, note, version=None) -> FollowUp:
    measure = _locked_measure(actor, measure, version)
    MEASURE_WORKFLOW.apply(measure, "follow_up", actor_kinds(actor, measure.assessment))
    entry = FollowUp(measure=measure, note=_note(note), author=actor)
    entry.save(action="parkrisk.measure.follow_up")
    return entry


@service
def close_measure(*, actor, measure, note, version=None) -> Measure:
    measure = _locked_measure(actor, measure, version)
    MEASURE_WORKFLOW.apply(measure, "close", actor_kinds(actor, measure.assessment))
    measure.closing_note = _note(note)
    measure.closed_on = timezone.localdate()
    bump(measure)
    measure.save(action="parkrisk.measure.close")
    FollowUp(measure=measure, note=_("Closed: %s") % measure.closing_note, author=actor).save(
        action="parkrisk.measure.follow_up"
    )
    return measure


@service
def reopen_measure(*, actor, measure, note, version=None) -> Measure:
    measure = _locked_measure(actor, measure, version)
    MEASURE_WORKFLOW.apply(measure, "reopen", actor_kinds(actor, measure.assessment))
    reason = _note(note)
    measure.closed_on = None
    measure.closing_note = ""
    bump(measure)
    measure.save(action="parkrisk.measure.reopen")
    FollowUp(measure=measure, note=_("Reopened: %s") % reason, author=actor).save(
        action="parkrisk.measure.follow_up"
    )
    return measure


# ---------------------------------------------------------------- the rule
@service
def add_rule(*, actor, **fields) -> AssessmentRule:
    """A new version of the due-day rule; older versions stay."""
    allow(actor.roles & RULE_EDITORS, _("Only an administrator changes these rules."))
    rule = AssessmentRule(**{k: v for k, v in fields.items() if k in RULE_FIELDS})
    require((rule.source or "").strip(), _("Give the source."), "source")
    require(
        not AssessmentRule.objects.filter(effective_from=rule.effective_from).exists(),
        _("A version from that day already exists."),
        "effective_from",
    )
    try:
        date(2000, rule.due_month, rule.due_day)
    except (TypeError, ValueError):
        require(False, _("No such day."), "due_day")
    rule.full_clean()
    rule.save(action="parkrisk.rule.add")
    return rule
