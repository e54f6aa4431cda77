"""Every write to risk points, assessments, measures and hazard units.

Each service takes keyword-only arguments and the acting user, locks what it changes, checks
the value lists, writes (audited by the models), re-checks that the result is inside the
actor's scope, and keeps the enterprise's roll-up current — all in one transaction.
"""

import functools
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from safeloop.core import audit
from safeloop.core.context import ActionContext, action_context, current
from safeloop.core.errors import Conflict
from safeloop.core.scoping import ensure_in_scope
from safeloop.risks import grading, selectors
from safeloop.risks.choices import DirectReason, Level, Method, highest
from safeloop.risks.models import (
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


def service(func):
    """One transaction; audit entries name the actor when no request or job already does."""

    @functools.wraps(func)
    def wrapper(*args, actor, **kwargs):
        with transaction.atomic():
            context = current()
            if context.user is None and actor is not None:
                with action_context(
                    ActionContext(actor=actor, request_id=context.request_id, ip=context.ip)
                ):
                    return func(*args, actor=actor, **kwargs)
            return func(*args, actor=actor, **kwargs)

    return wrapper


# --- versions --------------------------------------------------------------------------
# Points, measures and units carry no version column; their version is a digest of what a
# form shows and edits, so a save based on a stale page is refused whatever changed it.


def version_of(obj) -> str:
    if isinstance(obj, RiskPoint):
        state = [
            [getattr(obj, name) for name in POINT_FIELDS],
            sorted(obj.accident_types.values_list("pk", flat=True)),
            obj.current_assessment_id,
        ]
    elif isinstance(obj, ControlMeasure):
        state = [getattr(obj, name) for name in MEASURE_FIELDS]
    else:
        state = [
            [obj.name, obj.kind, obj.people_within_500m],
            list(
                obj.substances.order_by("pk").values_list(
                    "substance_id", "category_id", "label", "quantity"
                )
            ),
        ]
    return hashlib.sha256(repr([obj.pk, obj.is_deleted, state]).encode()).hexdigest()[:16]


def _check_version(obj, expected: str | None) -> None:
    """`expected` None: the caller does not ask for the check (API calls without a version)."""
    if expected is not None and version_of(obj) != expected:
        raise Conflict(_("Someone changed this record meanwhile; reload it and try again."))


def _save(obj, actor, **kwargs):
    obj.full_clean()
    obj.save(**kwargs)
    ensure_in_scope(actor, "change", obj)
    return obj


def _set_accident_types(point, accident_types) -> None:
    before = sorted(point.accident_types.values_list("code", flat=True))
    point.accident_types.set(accident_types)
    after = sorted(t.code for t in accident_types)
    if before != after:
        audit.record(
            "risks.riskpoint.accident_types", point, changes={"accident_types": [before, after]}
        )


# --- roll-up ---------------------------------------------------------------------------


def refresh_profile(enterprise) -> EnterpriseRiskProfile:
    """Recompute an enterprise's roll-up from its live points and units."""
    profile, _created = EnterpriseRiskProfile.objects.get_or_create(enterprise=enterprise)
    profile = EnterpriseRiskProfile.objects.select_for_update().get(pk=profile.pk)
    counts = dict(
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
    profile.major_hazard_grade = min(grades) if grades else None
    profile.save()
    selectors.bump_map_version()
    return profile


# --- risk points -----------------------------------------------------------------------


@service
def create_risk_point(*, actor, enterprise, accident_types=(), **fields) -> RiskPoint:
    point = RiskPoint(
        enterprise=enterprise, **{k: v for k, v in fields.items() if k in POINT_FIELDS}
    )
    _save(point, actor)
    _set_accident_types(point, list(accident_types))
    refresh_profile(enterprise)
    return point


@service
def update_risk_point(
    *, actor, point, accident_types=None, expected_version: str | None = None, **fields
) -> RiskPoint:
    point = RiskPoint.objects.select_for_update().get(pk=point.pk, is_deleted=False)
    ensure_in_scope(actor, "change", point)
    _check_version(point, expected_version)
    for name in POINT_FIELDS:
        if name in fields:
            setattr(point, name, fields[name])
    _save(point, actor)
    if accident_types is not None:
        _set_accident_types(point, list(accident_types))
    return point


@service
def delete_risk_point(*, actor, point, expected_version: str | None = None) -> None:
    """Soft delete: the point and its history stay for the record; roll-ups drop it."""
    point = RiskPoint.objects.select_for_update().get(pk=point.pk, is_deleted=False)
    ensure_in_scope(actor, "change", point)
    _check_version(point, expected_version)
    point.is_deleted = True
    point.save(action="delete")
    refresh_profile(point.enterprise)


# --- assessments -----------------------------------------------------------------------


def _from_list(model, factor: str, raw, field: str, *, integer: bool = False):
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


def grade(*, method, inputs: dict, thresholds: dict, direct_reason: str = "") -> dict:
    """Validate the inputs against the value lists and compute score and level."""
    errors = {}
    result = {"lec_l": None, "lec_e": None, "lec_c": None, "ls_l": None, "ls_s": None}
    if direct_reason and direct_reason not in DirectReason.values:
        errors["direct_reason"] = [_("Unknown direct determination reason.")]
    score = None
    level = None
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
    actor,
    point,
    method,
    direct_reason: str = "",
    direct_note: str = "",
    scheme: GradingScheme | None = None,
    supersedes: RiskAssessment | None = None,
    expected_version: str | None = None,
    **inputs,
) -> RiskAssessment:
    point = RiskPoint.objects.select_for_update().get(pk=point.pk, is_deleted=False)
    ensure_in_scope(actor, "change", point)
    _check_version(point, expected_version)
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
    _save(assessment, actor)
    point.current_assessment = assessment
    point.level = assessment.level
    point.save()
    refresh_profile(point.enterprise)
    return assessment


@service
def regrade_risk_point(
    *,
    actor,
    point,
    scheme: GradingScheme | None = None,
    expected_version: str | None = None,
) -> RiskAssessment:
    """The explicit re-grading under the active (or a given) scheme: a new assessment with the
    current one's inputs; the old one stays as it was."""
    point = RiskPoint.objects.select_for_update().get(pk=point.pk, is_deleted=False)
    ensure_in_scope(actor, "change", point)
    _check_version(point, expected_version)
    current = point.current_assessment
    if current is None:
        raise ValidationError({"risk_point": [_("The point has no assessment to re-grade.")]})
    inputs = {f: getattr(current, f) for f in ("lec_l", "lec_e", "lec_c", "ls_l", "ls_s")}
    return assess_risk_point(
        actor=actor,
        point=point,
        method=current.method,
        direct_reason=current.direct_reason,
        direct_note=current.direct_note,
        scheme=scheme,
        supersedes=current,
        **{k: v for k, v in inputs.items() if v is not None},
    )


# --- control measures ------------------------------------------------------------------


@service
def create_measure(*, actor, point, **fields) -> ControlMeasure:
    point = RiskPoint.objects.select_for_update().get(pk=point.pk, is_deleted=False)
    measure = ControlMeasure(
        enterprise=point.enterprise,
        risk_point=point,
        **{k: v for k, v in fields.items() if k in MEASURE_FIELDS},
    )
    return _save(measure, actor)


@service
def update_measure(
    *, actor, measure, expected_version: str | None = None, **fields
) -> ControlMeasure:
    measure = ControlMeasure.objects.select_for_update().get(pk=measure.pk, is_deleted=False)
    ensure_in_scope(actor, "change", measure)
    _check_version(measure, expected_version)
    for name in MEASURE_FIELDS:
        if name in fields:
            setattr(measure, name, fields[name])
    return _save(measure, actor)


@service
def delete_measure(*, actor, measure, expected_version: str | None = None) -> None:
    measure = ControlMeasure.objects.select_for_update().get(pk=measure.pk, is_deleted=False)
    ensure_in_scope(actor, "change", measure)
    _check_version(measure, expected_version)
    measure.is_deleted = True
    measure.save(action="delete")


# --- major hazard installations --------------------------------------------------------


def compute_unit(unit) -> grading.MajorHazardResult:
    """The GB 18218 calculation for a unit, step by step, from the current rule tables."""
    lines = [
        grading.Line(
            str(s.substance)
            if s.substance_id
            else f"{s.label or s.category.name} ({s.category.code})",
            s.quantity,
            s.critical_quantity,
            s.beta,
        )
        for s in unit.substances.select_related("substance__category", "category")
    ]
    alpha_bands = AlphaBand.objects.values_list("min_people", "max_people", "alpha")
    grade_bands = HazardGradeBand.objects.values_list("grade", "r_min")
    return grading.major_hazard(lines, unit.people_within_500m, alpha_bands, grade_bands)


def _recompute(unit) -> None:
    result = compute_unit(unit)
    unit.s_value = grading.dec(result.s)
    unit.r_value = grading.dec(result.r)
    unit.alpha = result.alpha
    unit.identified = result.identified
    unit.grade = result.grade
    unit.save()


def _replace_substances(unit, substances) -> None:
    if not substances:
        raise ValidationError({"substances": [_("List at least one substance.")]})
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


@service
def create_unit(*, actor, enterprise, name, kind, people_within_500m, substances=()) -> HazardUnit:
    unit = HazardUnit(
        enterprise=enterprise, name=name, kind=kind, people_within_500m=people_within_500m
    )
    _save(unit, actor)
    _replace_substances(unit, substances)
    _recompute(unit)
    refresh_profile(enterprise)
    return unit


@service
def update_unit(
    *, actor, unit, substances=None, expected_version: str | None = None, **fields
) -> HazardUnit:
    unit = HazardUnit.objects.select_for_update().get(pk=unit.pk, is_deleted=False)
    ensure_in_scope(actor, "change", unit)
    _check_version(unit, expected_version)
    for name in ("name", "kind", "people_within_500m"):
        if name in fields:
            setattr(unit, name, fields[name])
    _save(unit, actor)
    if substances is not None:
        _replace_substances(unit, substances)
    _recompute(unit)
    refresh_profile(unit.enterprise)
    return unit


@service
def delete_unit(*, actor, unit, expected_version: str | None = None) -> None:
    unit = HazardUnit.objects.select_for_update().get(pk=unit.pk, is_deleted=False)
    ensure_in_scope(actor, "change", unit)
    _check_version(unit, expected_version)
    unit.is_deleted = True
    unit.save(action="delete")
    refresh_profile(unit.enterprise)


@service
def recompute_all_units(*, actor) -> int:
    """After an administrator edits the GB 18218 tables: the explicit recomputation."""
    count = 0
    for unit in HazardUnit.objects.for_user(actor, "change").filter(is_deleted=False):
        _recompute(unit)
        refresh_profile(unit.enterprise)
        count += 1
    return count
