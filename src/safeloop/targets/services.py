"""Writes of the targets app: indicators and their kinds, the warning share, responsibility
letters (voided, never deleted), scoring schemes (added, never edited) and the annual
assessment (computed, scored and adjusted with reasons, approved and then frozen)."""

from decimal import Decimal, InvalidOperation

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import Conflict, NotFound
from safeloop.core.images import clean_image
from safeloop.core.scoping import can, reaches
from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.core.uploads import clean_pdf
from safeloop.orgs.models import Park, Region, region_prefix
from safeloop.targets import scoring
from safeloop.targets.choices import AssessmentState, EntryKind, Formula
from safeloop.targets.models import (
    CITY_ADMINS,
    Assessment,
    AssessmentResult,
    Indicator,
    IndicatorKind,
    ResponsibilityLetter,
    ScoreEntry,
    ScoringScheme,
    TargetRule,
)
from safeloop.targets.workflow import ASSESSMENT_WORKFLOW, actor_kinds


def _is_city_admin(actor) -> bool:
    return bool(actor.roles & CITY_ADMINS)


def _unit_in_scope(actor, model, region_code: str, park) -> None:
    """A new row of `model` for the unit (a region code, optionally a park in it) must lie in
    the actor's scope: 404 when they cannot see the unit's rows, 403 when they may not
    change them."""
    probe = model(region_code=region_code, park=park)
    grants = actor.grants()
    if not reaches(grants, model.scope_roles["view"], probe):
        raise NotFound(_("Not found."))
    allow(
        reaches(grants, model.scope_roles["change"], probe),
        _("You may not change this unit's records."),
    )


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    require(region is not None, _("Choose a region."), "region_code")
    return region  # type: ignore[return-value]


@service
def add_target_rule(*, actor, warn_percent, effective_from, source, notes="") -> TargetRule:
    allow(_is_city_admin(actor), _("Only the city's administrators change the rules."))
    require(1 <= int(warn_percent) <= 100, _("Give a share from 1 to 100."), "warn_percent")
    require(source.strip(), _("Give the source."), "source")
    require(
        not TargetRule.objects.filter(effective_from=effective_from).exists(),
        _("A version from this day exists; choose another day."),
        "effective_from",
    )
    rule = TargetRule(
        warn_percent=warn_percent, effective_from=effective_from, source=source, notes=notes
    )
    rule.save(actor=actor)
    return rule


@service
def add_indicator_kind(*, actor, code, name, measure, grade="", source="") -> IndicatorKind:
    allow(_is_city_admin(actor), _("Only the city's administrators change the rules."))
    require(name.strip(), _("Give the name."), "name")
    require(
        not IndicatorKind.objects.filter(code=code).exists(),
        _("This code is taken."),
        "code",
    )
    require(
        not grade or measure == "accidents",
        _("A grade narrows the accident count only."),
        "grade",
    )
    last = IndicatorKind.objects.order_by("-position").first()
    kind = IndicatorKind(
        code=code,
        name=name.strip(),
        measure=measure,
        grade=grade,
        source=source,
        position=(last.position + 1) if last else 1,
    )
    kind.save(actor=actor)
    return kind


def _parent_limit(indicator: Indicator) -> tuple[Decimal | None, Decimal, str]:
    """The limit of the unit above (the city for a county, the county for a park) and the
    sum of the shares beside this one."""
    siblings = Indicator.objects.filter(year=indicator.year, kind=indicator.kind).exclude(
        pk=indicator.pk
    )
    if indicator.park_id:
        parent = siblings.filter(region_code=indicator.region_code, park__isnull=True).first()
        shared = siblings.filter(region_code=indicator.region_code, park__isnull=False)
        label = _("the county's limit")
    else:
        region = Region.objects.get(code=indicator.region_code)
        city = region.parent
        parent = siblings.filter(region_code=city.code, park__isnull=True).first() if city else None
        shared = siblings.filter(
            region_code__startswith=region_prefix(city.code) if city else "-",
            park__isnull=True,
        ).exclude(region_code=city.code if city else "")
        label = _("the city's limit")
    total = shared.aggregate(s=Sum("limit"))["s"] or Decimal(0)
    return (parent.limit if parent else None), total, label


@service
def set_indicator(
    *, actor, year, kind, region_code, park=None, limit, note="", version=None
) -> Indicator:
    """The limit of one kind for one unit and year, created or changed. The counties'
    shares may not exceed the city's limit, nor a county's parks the county's."""
    region = _region(region_code)
    if park is not None:
        require(park.region_code == region.code, _("Choose a park of this county."), "park")
    existing = Indicator.objects.filter(
        year=year, kind=kind, region_code=region.code, park=park
    ).first()
    try:
        limit = Decimal(limit)
    except (InvalidOperation, TypeError):
        limit = Decimal(-1)
    require(limit >= 0, _("Give a limit of 0 or more."), "limit")
    if existing:
        indicator = lock(Indicator, actor, existing.pk, version=version)
        indicator.limit, indicator.note = limit, note
        bump(indicator)
    else:
        _unit_in_scope(actor, Indicator, region.code, park)
        indicator = Indicator(
            year=year, kind=kind, region_code=region.code, park=park, limit=limit, note=note
        )
    if region.parent_id or park is not None:  # a share of the unit above
        parent, others, label = _parent_limit(indicator)
        if parent is not None:
            require(
                others + limit <= parent,
                _("The shares would add up to %(sum)s, more than %(what)s (%(limit)s).")
                % {"sum": others + limit, "what": label, "limit": parent},
                "limit",
            )
    indicator.save(actor=actor)
    track(indicator)
    return indicator


def _clean_scan(scan):
    require(scan is not None, _("Attach the signed scan (PDF or image)."), "scan")
    scan.seek(0)
    head = scan.read(8)
    scan.seek(0)
    if head.startswith(b"%PDF-"):
        return clean_pdf(scan, field="scan")
    from django.core.exceptions import ValidationError

    from safeloop.core.errors import Invalid

    try:
        clean = clean_image(scan, field="scan")
    except ValidationError:
        raise Invalid(
            _("Attach the signed scan as a PDF or a JPEG, PNG or WebP image."), field="scan"
        ) from None
    clean.content.name = scan.name
    return clean.content


@service
def record_letter(
    *,
    actor,
    year,
    region_code,
    park=None,
    issuer_signatory,
    holder_signatory,
    signed_on,
    scan,
    note="",
) -> ResponsibilityLetter:
    region = _region(region_code)
    require(bool(region.parent_id), _("Choose a county or a park."), "region_code")
    if park is not None:
        require(park.region_code == region.code, _("Choose a park of this county."), "park")
    _unit_in_scope(actor, ResponsibilityLetter, region.code, park)
    require(issuer_signatory.strip(), _("Give who signed for the issuer."), "issuer_signatory")
    require(holder_signatory.strip(), _("Give who signed for the unit."), "holder_signatory")
    require(
        signed_on <= timezone.localdate(), _("A letter is signed on or before today."), "signed_on"
    )
    require(
        abs(signed_on.year - int(year)) <= 1,
        _("The letter is signed in the year or the year before."),
        "signed_on",
    )
    require(
        not ResponsibilityLetter.objects.filter(
            year=year, region_code=region.code, park=park, voided_at__isnull=True
        ).exists(),
        _("This unit has a letter for the year; void it first to replace it."),
        "year",
    )
    upload = _clean_scan(scan)
    letter = ResponsibilityLetter(
        year=year,
        region_code=region.code,
        park=park,
        issuer_signatory=issuer_signatory.strip(),
        holder_signatory=holder_signatory.strip(),
        signed_on=signed_on,
        note=note,
    )
    letter.scan.save(upload.name or "letter", upload, save=False)
    letter.save(actor=actor)
    track(letter)
    return letter


@service
def void_letter(*, actor, letter, version, reason) -> ResponsibilityLetter:
    letter = lock(ResponsibilityLetter, actor, letter.pk, version=version)
    if letter.voided_at:
        raise Conflict(_("This letter is already voided."))
    require((reason or "").strip(), _("Give the reason."), "reason")
    letter.voided_at, letter.void_reason = timezone.now(), reason.strip()
    bump(letter)
    letter.save(actor=actor, action="targets.letter.void")
    return letter


@service
def add_scheme(*, actor, effective_from, items, vetoes, source, notes="") -> ScoringScheme:
    allow(_is_city_admin(actor), _("Only the city's administrators change the rules."))
    errors = scoring.check_scheme(items, vetoes)
    require(not errors, " ".join(errors), "items")
    require(source.strip(), _("Give the source."), "source")
    require(
        not ScoringScheme.objects.filter(effective_from=effective_from).exists(),
        _("A version from this day exists; choose another day."),
        "effective_from",
    )
    scheme = ScoringScheme(
        effective_from=effective_from, items=items, vetoes=vetoes, source=source, notes=notes
    )
    scheme.save(actor=actor)
    return scheme


# ---------------------------------------------------------------- the assessment
def _rank(results: list[AssessmentResult]) -> None:
    """Counties among counties, parks among parks; a vetoed unit after every other."""
    for parks in (False, True):
        group = [r for r in results if bool(r.park_id) == parks]
        group.sort(key=lambda r: (r.vetoed, -r.total, r.label))
        for i, r in enumerate(group, 1):
            r.rank = i


def _manual(result: AssessmentResult | None) -> tuple[dict, Decimal]:
    if result is None or not result.pk:
        return {}, Decimal(0)
    manual: dict = {}
    adjustment = Decimal(0)
    for e in result.entries.order_by("at", "id"):
        if e.kind == EntryKind.MANUAL:
            manual[e.item] = e.points
        else:
            adjustment += e.points
    return manual, adjustment


def _compute(assessment: Assessment, today=None) -> None:
    city = Region.objects.get(code=assessment.region_code)
    data = scoring.gather(city, assessment.year, today)
    indicators = Indicator.objects.filter(
        year=assessment.year, region_code__startswith=region_prefix(city.code)
    ).select_related("kind")
    uses = scoring.consumption(indicators, data["accidents"], city.code)
    existing = {(r.region_code, r.park_id): r for r in assessment.results.all()}
    results = []
    for unit in scoring.F.units(city):
        result = existing.get((unit.region_code, unit.park_id)) or AssessmentResult(
            assessment=assessment, region_code=unit.region_code, park_id=unit.park_id
        )
        manual, adjustment = _manual(result)
        s = scoring.score(assessment.scheme, unit.key, data, uses, manual, adjustment)
        result.label = unit.label
        result.items, result.figures, result.vetoes = s["items"], s["figures"], s["vetoes"]
        result.item_total, result.adjustment, result.total = (
            s["item_total"],
            s["adjustment"],
            s["total"],
        )
        results.append(result)
    _rank(results)
    for r in results:
        r.save(action="targets.result.compute")
    assessment.computed_at = timezone.now()


@service
def compute_assessment(*, actor, region_code, year, today=None, version=None) -> Assessment:
    """The year's assessment of the city's counties and parks: computed as a draft, or a
    draft recomputed from today's figures (409 when `version` is given and stale). An
    approved assessment is frozen (409)."""
    city = _region(region_code)
    require(not city.parent_id, _("Choose a city."), "region_code")
    require(2000 <= int(year) <= timezone.localdate().year, _("Choose a year."), "year")
    existing = Assessment.objects.filter(year=year, region_code=city.code).first()
    if existing:
        assessment = lock(Assessment, actor, existing.pk, version=version)
        ASSESSMENT_WORKFLOW.apply(assessment, "recompute", actor_kinds(actor, city.code))
    else:
        scheme = ScoringScheme.in_force(timezone.localdate())
        require(scheme is not None, _("No scoring scheme is in force."), "year")
        assessment = Assessment(year=year, region_code=city.code, scheme=scheme)
        kinds = actor_kinds(actor, city.code)
        if not kinds and not can(actor, "view", city):
            raise NotFound(_("Not found."))
        ASSESSMENT_WORKFLOW.apply(assessment, "compute", kinds)
        assessment.save(actor=actor)
    _compute(assessment, today)
    bump(assessment)
    assessment.save(actor=actor, action="targets.assessment.compute")
    return assessment


@service
def score_entry(
    *, actor, result, kind, points, reason, item="", evidence=None, version=None
) -> ScoreEntry:
    """A manual item's points with evidence, or an adjustment of the total with a reason;
    the draft is re-ranked. Nothing is entered once the assessment is approved (409)."""
    result = lock(AssessmentResult, actor, result.pk)
    assessment = lock(Assessment, actor, result.assessment_id, version=version)
    ASSESSMENT_WORKFLOW.apply(assessment, "score", actor_kinds(actor, assessment.region_code))
    require(kind in EntryKind.values, _("Choose what to enter."), "kind")
    require((reason or "").strip(), _("Give the reason or the evidence."), "reason")
    try:
        points = Decimal(points)
    except (InvalidOperation, TypeError):
        points = None
    require(points is not None and points.is_finite(), _("Give the points."), "points")
    if kind == EntryKind.MANUAL:
        item_row = next(
            (
                i
                for i in assessment.scheme.items
                if i["code"] == item and i["formula"] == Formula.MANUAL
            ),
            None,
        )
        require(item_row is not None, _("Choose a manual item."), "item")
        require(
            0 <= points <= Decimal(str(item_row["weight"])),  # type: ignore[index]
            _("Give 0 to %(w)s points.") % {"w": item_row["weight"]},  # type: ignore[index]
            "points",
        )
    else:
        item = ""
        require(
            points != 0 and abs(points) <= 100,
            _("Give an adjustment between −100 and 100, not 0."),
            "points",
        )
    if evidence is not None:
        clean_pdf(evidence, field="evidence")
    entry = ScoreEntry(
        result=result, kind=kind, item=item, points=points, reason=reason.strip(), by=actor
    )
    if evidence is not None:
        entry.evidence.save(evidence.name or "evidence.pdf", evidence, save=False)
    entry.save(actor=actor, action=f"targets.score.{kind}")
    _rescore(assessment)
    bump(assessment)
    assessment.save(actor=actor, action="targets.assessment.score")
    return entry


def _rescore(assessment: Assessment) -> None:
    """Totals from the stored item points (the figures stay as computed) plus the entries."""
    results = list(assessment.results.all())
    for r in results:
        manual, adjustment = _manual(r)
        total = Decimal(0)
        for row in r.items:
            if row["formula"] == Formula.MANUAL:
                value = manual.get(row["code"])
                row["points"] = float(scoring.q(value)) if value is not None else 0.0
                row["pending"] = value is None
            total += Decimal(str(row["points"]))
        r.item_total, r.adjustment = scoring.q(total), scoring.q(adjustment)
        r.total = (
            Decimal(0)
            if r.vetoes
            else scoring.q(max(Decimal(0), min(Decimal(100), total + adjustment)))
        )
    _rank(results)
    for r in results:
        r.save(action="targets.result.score")


@service
def approve(*, actor, assessment, version) -> Assessment:
    assessment = lock(Assessment, actor, assessment.pk, version=version)
    ASSESSMENT_WORKFLOW.apply(assessment, "approve", actor_kinds(actor, assessment.region_code))
    pending = [
        r.label
        for r in assessment.results.all()
        if any(i.get("pending") for i in r.items) and not r.vetoes
    ]
    require(
        not pending,
        _("Score the manual items first: %s.") % "、".join(pending[:5]),
        "version",
    )
    assessment.approved_at, assessment.approved_by = timezone.now(), actor
    bump(assessment)
    assessment.save(actor=actor, action="targets.assessment.approve")
    return assessment


__all__ = [
    "AssessmentState",
    "Park",
    "add_indicator_kind",
    "add_scheme",
    "add_target_rule",
    "approve",
    "compute_assessment",
    "record_letter",
    "score_entry",
    "set_indicator",
    "void_letter",
]
