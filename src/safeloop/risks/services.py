"""Every write to risk points, assessments, measures and hazard units.

Each service is core's `@service` (one transaction, audited as `actor`, every locked or
tracked record re-checked in the actor's scope before commit): it takes keyword-only
arguments, locks what it changes with core's `lock` (404 outside scope, 403 seen but not
changeable, 409 stale integer version), checks the value lists (400 on the field), writes,
bumps the version of what changed, and keeps the enterprise's roll-up current.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _

from safeloop.core import audit
from safeloop.core.errors import NotFound
from safeloop.core.models import AuditedModel
from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import User
from safeloop.risks import grading, selectors
from safeloop.risks.choices import DirectReason, Level, Method, highest
from safeloop.risks.models import (
    AccidentType,
    AlphaBand,
    ControlMeasure,
    EnterpriseRiskProfile,
    GradingScheme,
    HazardGradeBand,
    HazardUnit,
    HazardUnitSubstance,
    LecValue,
    LsValue,
    RiskAssessment,
    RiskPoint,
)

SCORE_PLACES = Decimal("0.0001")
POINT_FIELDS = (
    "name",
    "kind",
    "location",
    "post",
    "hazard_factors",
    "emergency_actions",
    "contacts",
    "review_due",
)
MEASURE_FIELDS = (
    "kind",
    "description",
    "control_level",
    "responsible",
    "responsible_user",
    "responsible_phone",
    "inspection_frequency",
)


def _enterprise_for(actor, enterprise: Enterprise) -> Enterprise:
    """The enterprise a new record is for: NotFound (404) when the actor cannot see it,
    NotPermitted (403) when they see it but may not record its risks. None: the system."""
    if actor is None:
        return enterprise
    if not Enterprise.objects.for_user(actor, "view").filter(pk=enterprise.pk).exists():
        raise NotFound()
    allow(
        selectors.may_edit_risks(actor, enterprise),
        _("You may not record this enterprise's risks."),
    )
    return enterprise


def _changed(obj: AuditedModel) -> bool:
    """Whether any audited field differs from what was read (the audit's own comparison)."""
    before = getattr(obj, "_audit_before", None)
    if before is None:
        return True
    changes = obj._audit_diff(before, obj._audit_values())
    changes.pop("version", None)
    return bool(changes)


def _set_accident_types(point: RiskPoint, accident_types: Sequence[AccidentType]) -> bool:
    """Set the point's accident types; True (and audited) when they changed."""
    before = sorted(point.accident_types.values_list("code", flat=True))
    after = sorted(t.code for t in accident_types)
    if sorted(point.accident_types.values_list("pk", flat=True)) == sorted(
        t.pk for t in accident_types
    ):
        return False
    point.accident_types.set(accident_types)
    audit.record(
        "risks.riskpoint.accident_types", point, changes={"accident_types": [before, after]}
    )
    return True


# --- roll-up ---------------------------------------------------------------------------


def refresh_profile(enterprise: Enterprise) -> EnterpriseRiskProfile:
    """Recompute an enterprise's roll-up from its live points and units."""
    profile, _created = EnterpriseRiskProfile.objects.get_or_create(enterprise=enterprise)
    profile = EnterpriseRiskProfile.objects.select_for_update().get(pk=profile.pk)
    counts: dict[str, int] = dict(
        RiskPoint.objects.filter(enterprise=enterprise, is_deleted=False)
        .values_list("level")
        .annotate(n=Count("pk"))
    )
    for level in Level:
        setattr(profile, level.value, counts.get(level.value, 0))
    profile.unassessed = counts.get("", 0)
    profile.level = highest(level for level in Level if counts.get(level.value))
    grades = list(
        HazardUnit.objects.filter(
            enterprise=enterprise, is_deleted=False, identified=True
        ).values_list("grade", flat=True)
    )
    profile.major_hazard = bool(grades)
    profile.major_hazard_grade = min(g for g in grades if g is not None) if grades else None
    profile.save()
    return profile


# --- risk points -----------------------------------------------------------------------
# Points, measures and units carry an integer `version`: every change bumps it, and an edit
# that names the version it read is refused with 409 when the row has moved on (`lock`).
# `version=None` skips the check (API callers that send none, the Excel import, jobs).


def _live(model: type[Any]) -> Any:
    return model.objects.filter(is_deleted=False).select_related("enterprise")


@service
def create_risk_point(
    *,
    actor: User | None,
    enterprise: Enterprise,
    accident_types: Iterable[AccidentType] = (),
    **fields: Any,
) -> RiskPoint:
    _enterprise_for(actor, enterprise)
    point = RiskPoint(
        enterprise=enterprise, **{k: v for k, v in fields.items() if k in POINT_FIELDS}
    )
    point.full_clean()
    point.save()
    track(point)
    _set_accident_types(point, list(accident_types))
    refresh_profile(enterprise)
    return point


@service
def update_risk_point(
    *,
    actor: User | None,
    point: RiskPoint,
    accident_types: Iterable[AccidentType] | None = None,
    version: int | None = None,
    **fields: Any,
) -> RiskPoint:
    point = lock(RiskPoint, actor, point.pk, version=version, queryset=_live(RiskPoint))
    for name in POINT_FIELDS:
        if name in fields:
            setattr(point, name, fields[name])
    point.full_clean()
    types_changed = accident_types is not None and _set_accident_types(point, list(accident_types))
    if types_changed or _changed(point):
        bump(point)
        point.save()
    return point


@service
def delete_risk_point(*, actor: User | None, point: RiskPoint, version: int | None = None) -> None:
    """Soft delete: the point and its history stay for the record; roll-ups drop it."""
    point = lock(RiskPoint, actor, point.pk, version=version, queryset=_live(RiskPoint))
    point.is_deleted = True
    bump(point)
    point.save(action="delete")
    refresh_profile(point.enterprise)


# --- assessments -----------------------------------------------------------------------


def _from_list(model: Any, factor: str, raw: Any, field: str, *, integer: bool = False) -> Any:
    try:
        value = int(raw) if integer else Decimal(str(raw))
    except (TypeError, ValueError, InvalidOperation):
        raise ValidationError({field: [_("Choose a value from the official list.")]}) from None
    allowed = list(model.objects.filter(factor=factor).values_list("value", flat=True))
    if value not in allowed:
        shown = ", ".join(
            f"{v.normalize():f}" if isinstance(v, Decimal) else str(v) for v in allowed
        )
        raise ValidationError(
            {
                field: [
                    _("%(value)s is not in the official list (%(allowed)s).")
                    % {"value": raw, "allowed": shown}
                ]
            }
        )
    return value


def grade(
    *, method: str, inputs: dict[str, Any], thresholds: dict[str, Any], direct_reason: str = ""
) -> dict[str, Any]:
    """Validate the inputs against the value lists and compute score and level."""
    errors: dict[str, list[str]] = {}
    result: dict[str, Any] = {
        "lec_l": None,
        "lec_e": None,
        "lec_c": None,
        "ls_l": None,
        "ls_s": None,
    }
    if direct_reason and direct_reason not in DirectReason.values:
        errors["direct_reason"] = [_("Unknown direct determination reason.")]
    score: Decimal | None = None
    level: str | None = None
    if method == Method.LEC:
        for field, factor in (("lec_l", "L"), ("lec_e", "E"), ("lec_c", "C")):
            try:
                result[field] = _from_list(LecValue, factor, inputs.get(field), field)
            except ValidationError as e:
                errors.update(e.message_dict)
        if not errors:
            score = (result["lec_l"] * result["lec_e"] * result["lec_c"]).quantize(SCORE_PLACES)
            level = grading.lec_level(score, thresholds)
    elif method == Method.LS:
        for field, factor in (("ls_l", "L"), ("ls_s", "S")):
            try:
                result[field] = _from_list(LsValue, factor, inputs.get(field), field, integer=True)
            except ValidationError as e:
                errors.update(e.message_dict)
        if not errors:
            score = Decimal(result["ls_l"] * result["ls_s"])
            level = grading.ls_level(int(score), thresholds)
    elif method == Method.DIRECT:
        if not direct_reason:
            errors["direct_reason"] = [_("Direct determination needs its reason.")]
    else:
        errors["method"] = [_("Choose LEC, LS or direct determination.")]
    if errors:
        raise ValidationError(errors)
    if direct_reason:
        level = Level.RED  # 直接判定: forced to 重大 whatever the score
    return {**result, "score": score, "level": level}


@service
def assess_risk_point(
    *,
    actor: User | None,
    point: RiskPoint,
    method: str,
    direct_reason: str = "",
    direct_note: str = "",
    scheme: GradingScheme | None = None,
    supersedes: RiskAssessment | None = None,
    version: int | None = None,
    **inputs: Any,
) -> RiskAssessment:
    """A new assessment of the point, which becomes its current one (a change of the point:
    its version moves)."""
    point = lock(RiskPoint, actor, point.pk, version=version, queryset=_live(RiskPoint))
    scheme = scheme or GradingScheme.active()
    thresholds = scheme.thresholds()
    graded = grade(method=method, inputs=inputs, thresholds=thresholds, direct_reason=direct_reason)
    assessment = RiskAssessment(
        enterprise=point.enterprise,
        risk_point=point,
        method=method,
        direct_reason=direct_reason,
        direct_note=direct_note,
        scheme=scheme,
        thresholds=thresholds,
        supersedes=supersedes,
        assessed_by=actor,
        **graded,
    )
    assessment.full_clean()
    assessment.save()
    track(assessment)
    point.current_assessment = assessment
    point.level = assessment.level
    bump(point)
    point.save()
    refresh_profile(point.enterprise)
    return assessment


@service
def regrade_risk_point(
    *,
    actor: User | None,
    point: RiskPoint,
    scheme: GradingScheme | None = None,
    version: int | None = None,
) -> RiskAssessment:
    """The explicit re-grading under the active (or a given) scheme: a new assessment with the
    current one's inputs; the old one stays as it was."""
    point = lock(
        RiskPoint,
        actor,
        point.pk,
        version=version,
        queryset=_live(RiskPoint).select_related("current_assessment"),
    )
    current = point.current_assessment
    require(current is not None, _("The point has no assessment to re-grade."), "risk_point")
    assert current is not None  # for the type checker: `require` refused None
    inputs = {f: getattr(current, f) for f in ("lec_l", "lec_e", "lec_c", "ls_l", "ls_s")}
    result: RiskAssessment = assess_risk_point(
        actor=actor,
        point=point,
        method=current.method,
        direct_reason=current.direct_reason,
        direct_note=current.direct_note,
        scheme=scheme,
        supersedes=current,
        **{k: v for k, v in inputs.items() if v is not None},
    )
    return result


# --- control measures ------------------------------------------------------------------


@service
def create_measure(*, actor: User | None, point: RiskPoint, **fields: Any) -> ControlMeasure:
    """A measure of a point the actor may change (404 / 403 otherwise). Adding a measure is
    not a change of the point's own fields: its version stays."""
    point = lock(RiskPoint, actor, point.pk, queryset=_live(RiskPoint))
    measure = ControlMeasure(
        enterprise=point.enterprise,
        risk_point=point,
        **{k: v for k, v in fields.items() if k in MEASURE_FIELDS},
    )
    measure.full_clean()
    measure.save()
    return track(measure)


@service
def update_measure(
    *, actor: User | None, measure: ControlMeasure, version: int | None = None, **fields: Any
) -> ControlMeasure:
    measure = lock(
        ControlMeasure, actor, measure.pk, version=version, queryset=_live(ControlMeasure)
    )
    for name in MEASURE_FIELDS:
        if name in fields:
            setattr(measure, name, fields[name])
    measure.full_clean()
    if _changed(measure):
        bump(measure)
        measure.save()
    return measure


@service
def delete_measure(
    *, actor: User | None, measure: ControlMeasure, version: int | None = None
) -> None:
    measure = lock(
        ControlMeasure, actor, measure.pk, version=version, queryset=_live(ControlMeasure)
    )
    measure.is_deleted = True
    bump(measure)
    measure.save(action="delete")


# --- major hazard installations --------------------------------------------------------


def compute_unit(unit: HazardUnit) -> grading.MajorHazardResult:
    """The GB 18218 calculation for a unit, step by step, from the current rule tables."""
    lines = [
        grading.Line(_line_name(s), s.quantity, s.critical_quantity, s.beta)
        for s in unit.substances.select_related("substance__category", "category")
    ]
    alpha_bands = AlphaBand.objects.values_list("min_people", "max_people", "alpha")
    grade_bands = HazardGradeBand.objects.values_list("grade", "r_min")
    return grading.major_hazard(lines, unit.people_within_500m, alpha_bands, grade_bands)


def _line_name(line: HazardUnitSubstance) -> str:
    if line.substance is not None:
        return str(line.substance)
    category = line.category
    assert category is not None  # a line names a substance or a category (checked)
    return f"{line.label or category.name} ({category.code})"


def _set_result(unit: HazardUnit) -> None:
    """Put the calculation's S, R, α, identification and grade on the unit (not saved)."""
    result = compute_unit(unit)
    unit.s_value = grading.dec(result.s)
    unit.r_value = grading.dec(result.r)
    unit.alpha = result.alpha
    unit.identified = result.identified
    unit.grade = result.grade


LineKey = tuple[int | None, int | None, str, Decimal]


def _sorted(keys: Iterable[LineKey]) -> list[LineKey]:
    return sorted(keys, key=repr)


def _line_keys(unit: HazardUnit) -> list[LineKey]:
    return _sorted(
        (s.substance_id, s.category_id, s.label, Decimal(s.quantity).normalize())
        for s in unit.substances.all()
    )


def _wanted_keys(substances: Sequence[dict[str, Any]]) -> list[LineKey] | None:
    def pk(value: Any) -> int | None:
        return value.pk if value is not None else None

    try:
        return _sorted(
            (
                pk(row.get("substance")),
                pk(row.get("category")),
                row.get("label", ""),
                Decimal(str(row["quantity"])).normalize(),
            )
            for row in substances
        )
    except (InvalidOperation, KeyError, TypeError, AttributeError):
        return None  # not comparable: written (and checked line by line) as given


def _replace_substances(unit: HazardUnit, substances: Sequence[dict[str, Any]]) -> bool:
    """Make the unit's lines the given ones; True when they changed. At least one line."""
    require(bool(substances), _("List at least one substance."), "substances")
    if unit.pk is not None and _line_keys(unit) == _wanted_keys(substances):
        return False
    for old in unit.substances.all():
        old.delete()
    for row in substances:
        line = HazardUnitSubstance(
            unit=unit,
            substance=row.get("substance"),
            category=row.get("category"),
            label=row.get("label", ""),
            quantity=row["quantity"],
        )
        line.full_clean()
        line.save()
    return True


@service
def create_unit(
    *,
    actor: User | None,
    enterprise: Enterprise,
    name: str,
    kind: str,
    people_within_500m: int,
    substances: Sequence[dict[str, Any]] = (),
) -> HazardUnit:
    _enterprise_for(actor, enterprise)
    unit = HazardUnit(
        enterprise=enterprise, name=name, kind=kind, people_within_500m=people_within_500m
    )
    unit.full_clean()
    unit.save()
    track(unit)
    _replace_substances(unit, substances)
    _set_result(unit)
    unit.save()
    refresh_profile(enterprise)
    return unit


@service
def update_unit(
    *,
    actor: User | None,
    unit: HazardUnit,
    substances: Sequence[dict[str, Any]] | None = None,
    version: int | None = None,
    **fields: Any,
) -> HazardUnit:
    """The unit's fields and (when given) its substance lines, recomputed: one version step
    for whatever changed."""
    unit = lock(HazardUnit, actor, unit.pk, version=version, queryset=_live(HazardUnit))
    for name in ("name", "kind", "people_within_500m"):
        if name in fields:
            setattr(unit, name, fields[name])
    unit.full_clean()
    lines_changed = substances is not None and _replace_substances(unit, substances)
    _set_result(unit)
    if lines_changed or _changed(unit):
        bump(unit)
        unit.save()
        refresh_profile(unit.enterprise)
    return unit


@service
def delete_unit(*, actor: User | None, unit: HazardUnit, version: int | None = None) -> None:
    unit = lock(HazardUnit, actor, unit.pk, version=version, queryset=_live(HazardUnit))
    unit.is_deleted = True
    bump(unit)
    unit.save(action="delete")
    refresh_profile(unit.enterprise)


@service
def recompute_all_units(*, actor: User | None) -> int:
    """After an administrator edits the GB 18218 tables: the explicit recomputation of every
    unit the actor may change. A unit whose result moves gets a new version."""
    count = 0
    units = HazardUnit.objects.for_user(actor, "change").filter(is_deleted=False)
    for unit in units.select_related("enterprise").select_for_update(of=("self",)):
        _set_result(unit)
        if _changed(unit):
            bump(unit)
            unit.save()
            refresh_profile(unit.enterprise)
        count += 1
    return count
