"""The registry of trigger kinds for accountability before accidents (事前责任追究).

A trigger kind is code: how to find the cases (one query) and which parameters it reads. When
and how strictly it applies is data: the `TriggerRule` rows in force (parameters, measure,
approval level, on/off). Another app adds a kind with `register(TriggerKind(...))` in its
AppConfig.ready(); the rules screen then offers it.

Each finding carries a key that is the same on every run (the hazard and its deadline, the
accident …), so the daily job raises one proposal per case however often it runs.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.db.models import F
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Finding:
    key: str
    enterprise_id: int
    region_code: str
    summary: str
    evidence: dict
    hazard_id: int | None = None
    accident_id: int | None = None
    accountability_id: int | None = None


@dataclass(frozen=True)
class TriggerKind:
    code: str
    label: object
    # parameter name → "int" (a whole number ≥ 0)
    params: dict = field(default_factory=dict)
    find: Callable[[dict, date], Iterable[Finding]] = lambda params, today: ()
    # False while the data it reads is not kept yet (the rule stays registered and off)
    available: Callable[[], bool] = lambda: True
    note: object = ""


REGISTRY: dict[str, TriggerKind] = {}


def register(kind: TriggerKind) -> TriggerKind:
    REGISTRY[kind.code] = kind
    return kind


def param_errors(code: str, params) -> dict[str, str]:
    """What is wrong with a rule's parameters, per parameter name."""
    kind = REGISTRY.get(code)
    if kind is None:
        return {"kind": str(_("Unknown trigger."))}
    if not isinstance(params, dict):
        return {"params": str(_("Give the parameters as an object."))}
    errors = {}
    for name in set(params) - set(kind.params):
        errors[name] = str(_("Unknown parameter."))
    for name in kind.params:
        value = params.get(name)
        if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3650):
            errors[name] = str(_("Give a whole number from 0 to 3650."))
    return errors


# ------------------------------------------------------------------ the kinds built in
def _hazard_finding(
    hazard, prefix: str, summary: str, accountability: dict, today: date
) -> Finding:
    return Finding(
        key=f"{prefix}:{hazard.pk}:{hazard.deadline.isoformat()}",
        enterprise_id=hazard.enterprise_id,
        region_code=hazard.region_code,
        summary=summary,
        evidence={
            "hazard": hazard.number,
            "level": hazard.get_level_display(),
            "place": hazard.place,
            "description": hazard.description[:300],
            "deadline": hazard.deadline.isoformat(),
            "days_overdue": (today - hazard.deadline).days,
        },
        hazard_id=hazard.pk,
        accountability_id=accountability.get((hazard.pk, hazard.deadline)),
    )


def _accountability_ids(hazards) -> dict:
    from safeloop.hazards.models import Accountability

    rows = Accountability.objects.filter(hazard__in=[h.pk for h in hazards]).values_list(
        "hazard_id", "deadline", "pk"
    )
    return {(h, d): pk for h, d, pk in rows}


def find_overdue(params: dict, today: date) -> list[Finding]:
    """Open hidden dangers more than `days` days past their deadline."""
    from safeloop.hazards.choices import OPEN_STATES
    from safeloop.hazards.models import Hazard

    limit = today - timedelta(days=params["days"])
    hazards = list(
        Hazard.objects.filter(state__in=OPEN_STATES, deadline__lt=limit).select_related(
            "enterprise"
        )
    )
    ids = _accountability_ids(hazards)
    return [
        _hazard_finding(h, "overdue", f"{h.enterprise.name}：隐患{h.number}逾期未整改", ids, today)
        for h in hazards
    ]


def find_major(params: dict, today: date) -> list[Finding]:
    """Open major hidden dangers `grace_days` days or more past their deadline."""
    from safeloop.hazards.choices import OPEN_STATES, Level
    from safeloop.hazards.models import Hazard

    limit = today - timedelta(days=params["grace_days"])
    hazards = list(
        Hazard.objects.filter(
            state__in=OPEN_STATES, level=Level.MAJOR, deadline__lt=limit
        ).select_related("enterprise")
    )
    ids = _accountability_ids(hazards)
    return [
        _hazard_finding(
            h, "major", f"{h.enterprise.name}：重大隐患{h.number}到期未整改", ids, today
        )
        for h in hazards
    ]


def find_group_injury(params: dict, today: date) -> list[Finding]:
    """Accidents in the last `within_days` days with `min_injured` or more people injured
    (serious and minor injuries, deaths not counted here)."""
    from safeloop.accidents.choices import AccidentState
    from safeloop.accidents.models import Accident

    since = today - timedelta(days=params["within_days"])
    accidents = (
        Accident.objects.exclude(state=AccidentState.VOIDED)
        .annotate(injured=F("serious_injuries") + F("minor_injuries"))
        .filter(injured__gte=params["min_injured"], occurred_at__date__gte=since)
        .filter(occurred_at__date__lte=today)
        .select_related("enterprise")
    )
    return [
        Finding(
            key=f"accident:{a.pk}",
            enterprise_id=a.enterprise_id,
            region_code=a.enterprise.region_code,
            summary=f"{a.enterprise.name}：{a.occurred_at:%Y-%m-%d}事故{a.injured}人受伤",
            evidence={
                "occurred_at": a.occurred_at.isoformat(),
                "place": a.place,
                "deaths": a.deaths,
                "serious_injuries": a.serious_injuries,
                "minor_injuries": a.minor_injuries,
                "injured": a.injured,
                "grade": a.get_grade_display(),
            },
            accident_id=a.pk,
        )
        for a in accidents
    ]


def find_investment(params: dict, today: date) -> list[Finding]:
    """Enterprises whose safety expense of the year is not in place today (the investment
    app's `safety_investment_gaps`: extraction short of the accrual due, or money used
    outside the permitted categories)."""
    from safeloop.enterprises.models import Enterprise
    from safeloop.investment.selectors import safety_investment_gaps

    gaps = safety_investment_gaps(today.year, today=today)
    enterprises = Enterprise.objects.in_bulk([g.enterprise_id for g in gaps])
    found = []
    for g in gaps:
        e = enterprises.get(g.enterprise_id)
        if e is None:
            continue
        found.append(
            Finding(
                key=f"investment:{g.enterprise_id}:{g.year}:{g.reason}",
                enterprise_id=e.pk,
                region_code=e.region_code,
                summary=f"{e.name}：{g.year}年安全生产费用未按规定提取或使用",
                evidence={
                    "year": g.year,
                    "reason": g.reason,
                    "due": str(g.due),
                    "extracted": str(g.extracted),
                    "used_outside": str(g.used_outside),
                },
            )
        )
    return found


def _app_installed(label: str) -> Callable[[], bool]:
    return lambda: apps.is_installed(f"safeloop.{label}")


register(
    TriggerKind(
        "hazard_overdue",
        _("Hidden danger overdue beyond N days"),
        {"days": "int"},
        find_overdue,
    )
)
register(
    TriggerKind(
        "major_unrectified",
        _("Major hidden danger unrectified at its deadline"),
        {"grace_days": "int"},
        find_major,
    )
)
register(
    TriggerKind(
        "group_injury",
        _("Accident with N or more injured"),
        {"min_injured": "int", "within_days": "int"},
        find_group_injury,
    )
)
# Registered so the rules can be set now; they find nothing until the safety-investment and
# annual-indicator apps exist and replace these entries with their own finders.
register(
    TriggerKind(
        "investment_missing",
        _("Safety investment not in place"),
        {},
        find=find_investment,
        available=_app_installed("investment"),
        note=_("Reads the safety-expense records (extraction short or used outside its uses)."),
    )
)
register(
    TriggerKind(
        "indicator_exceeded",
        _("Annual accident indicator exceeded"),
        {},
        available=_app_installed("indicators"),
        note=_("Reads the annual control indicators once that module is installed."),
    )
)
