"""The figures of one month's bulletin for one region, computed from the base rows.

Definitions (docs/bulletins.md): a voided hidden danger is not one and never counts; "open at
the month's end" means found before the end and not accepted by then; "overdue at the month's
end" means open then with a deadline on or before the month's last day. Deadlines, levels and
enterprises are read as they stand when the bulletin is generated.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from safeloop.accidents.models import Accident
from safeloop.accidents.statistics import bulletin_figures
from safeloop.alerts.selectors import key_units, reasons_of
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import OPEN_STATES, Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import Park, Region, RegionLevel

LIST_LIMIT = 200  # rows per list in a bulletin; the totals say how many there are in all
TYPICAL_OVERDUE = 5


def month_bounds(month: date) -> tuple[datetime, datetime, date]:
    """(start, end) as local midnights, end exclusive, and the month's last day."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(following, time.min, tzinfo=tz),
        following - timedelta(days=1),
    )


def _rate(part: int, whole: int):
    return None if not whole else round(100 * part / whole, 1)


def _conditions(month: date) -> dict[str, Q]:
    start, end, last_day = month_bounds(month)
    year_start = start.replace(month=1)
    # A closed one without its acceptance time (imported history) counts as closed from the
    # start, and as closed in no month.
    closed_by_end = Q(state=State.CLOSED) & (Q(accepted_at__isnull=True) | Q(accepted_at__lt=end))
    # the same as "not closed by the end", written so the open-state indexes apply
    open_at_end = Q(found_at__lt=end) & (
        Q(state__in=OPEN_STATES) | Q(state=State.CLOSED, accepted_at__gte=end)
    )
    found = Q(found_at__gte=start, found_at__lt=end)
    found_ytd = Q(found_at__gte=year_start, found_at__lt=end)
    major = Q(level=Level.MAJOR)
    return {
        "found": found,
        "found_closed": found & closed_by_end,
        "closed": Q(state=State.CLOSED, accepted_at__gte=start, accepted_at__lt=end),
        "found_ytd": found_ytd,
        "found_ytd_closed": found_ytd & closed_by_end,
        "open_at_end": open_at_end,
        "overdue_at_end": open_at_end & Q(deadline__lte=last_day),
        "major_found": major & found,
        "major_closed": major & Q(state=State.CLOSED, accepted_at__gte=start, accepted_at__lt=end),
        "major_found_ytd": major & found_ytd,
        "major_found_ytd_closed": major & found_ytd & closed_by_end,
        "major_open_at_end": major & open_at_end,
        "major_overdue_at_end": major & open_at_end & Q(deadline__lte=last_day),
    }


def _finish(row: dict) -> dict:
    row["rate"] = _rate(row["found_closed"], row["found"])
    row["rate_ytd"] = _rate(row["found_ytd_closed"], row["found_ytd"])
    row["major_rate_ytd"] = _rate(row["major_found_ytd_closed"], row["major_found_ytd"])
    return row


def counted_hazards(region: Region, month: date | None = None):
    """The region's hidden dangers that count: every one not voided. With `month`, only those
    a figure of that month can read: found this year, closed from the month on, or open now
    (the years of closed history are skipped)."""
    hazards = Hazard.objects.filter(region_code__startswith=region.prefix).exclude(
        state=State.VOIDED
    )
    if month is None:
        return hazards
    start, end, _last = month_bounds(month)
    return hazards.filter(
        Q(found_at__lt=end)
        & (
            Q(found_at__gte=start.replace(month=1))
            | Q(accepted_at__gte=start)
            | Q(state__in=OPEN_STATES)
        )
    )


def totals(hazards, month: date) -> dict:
    aggregates = {name: Count("pk", filter=q) for name, q in _conditions(month).items()}
    return _finish(hazards.order_by().aggregate(**aggregates))


def _ranked(rows: list[dict]) -> list[dict]:
    """Best first: highest year-to-date rectification rate, then fewest overdue."""
    rows.sort(
        key=lambda r: (
            -(r["rate_ytd"] if r["rate_ytd"] is not None else -1),
            r["overdue_at_end"],
            r["name"],
        )
    )
    # Equal figures share a rank (1, 1, 3); a unit with nothing found this year has no rate
    # and so no rank ("—"), rather than a place among others that found nothing either.
    previous, rank = None, None
    for position, row in enumerate(rows, 1):
        key = (row["rate_ytd"], row["overdue_at_end"])
        if row["rate_ytd"] is None:
            row["rank"] = None
            continue
        if key != previous:
            previous, rank = key, position
        row["rank"] = rank
    return rows


def ranking(region: Region, hazards, month: date) -> list[dict]:
    """The city's counties; or, in a county's bulletin, its parks (and enterprises outside
    any park as one row)."""
    aggregates = {name: Count("pk", filter=q) for name, q in _conditions(month).items()}
    if region.level == RegionLevel.CITY:
        units = {
            r.code: r.name
            for r in Region.objects.filter(parent=region, level=RegionLevel.COUNTY).order_by("code")
        }
        grouped = hazards.order_by().values("region_code").annotate(**aggregates)
        found = {row.pop("region_code"): row for row in grouped}
    else:
        units = dict(Park.objects.filter(region=region).order_by("name").values_list("pk", "name"))
        units[None] = "园区外"
        grouped = hazards.order_by().values("enterprise__park_id").annotate(**aggregates)
        found = {row.pop("enterprise__park_id"): row for row in grouped}
    empty = dict.fromkeys(aggregates, 0)
    rows = [
        _finish({"name": name, **found.get(key, empty)})
        for key, name in units.items()
        if key is not None or key in found
    ]
    return _ranked(rows)


def _hazard_row(h: Hazard, last_day: date) -> dict:
    return {
        "id": h.pk,
        "enterprise": h.enterprise.name,
        "region": h.enterprise.region.name,
        "place": h.place,
        "description": h.description[:100],
        "level": h.level,
        "deadline": h.deadline.isoformat() if h.deadline else None,
        "days_overdue": (last_day - h.deadline).days + 1 if h.deadline else None,
        "listing": getattr(getattr(h, "listing", None), "notice_number", ""),
    }


def _first(hazards, condition: Q, order: str, limit: int) -> tuple[int, list[Hazard]]:
    """How many rows match, and the first `limit` of them by (order, id), nulls last. The keys
    are read in one scan and sorted here: ordered by an index, PostgreSQL would walk years of
    closed rows to find the few that match."""
    keys = list(hazards.filter(condition).order_by().values_list(order, "pk"))
    keys.sort(key=lambda k: (k[0] is None, k[0] if k[0] is not None else 0, k[1]))
    chosen = [pk for _key, pk in keys[:limit]]
    found = Hazard.objects.filter(pk__in=chosen).select_related("enterprise__region", "listing")
    by_pk = {h.pk: h for h in found}
    return len(keys), [by_pk[pk] for pk in chosen]


def overdue_list(hazards, month: date) -> tuple[int, list[dict]]:
    _start, _end, last_day = month_bounds(month)
    total, rows = _first(hazards, _conditions(month)["overdue_at_end"], "deadline", LIST_LIMIT)
    return total, [_hazard_row(h, last_day) for h in rows]


def major_status(hazards, month: date) -> tuple[int, list[dict]]:
    """Major hidden dangers open at the month's end or closed during it."""
    _start, end, last_day = month_bounds(month)
    c = _conditions(month)
    total, rows = _first(
        hazards, c["major_open_at_end"] | c["major_closed"], "deadline", LIST_LIMIT
    )
    result = []
    for h in rows:
        row = _hazard_row(h, last_day)
        # the rows are open at the end or closed during the month: which one is this?
        closed = h.state == State.CLOSED and h.accepted_at is not None and h.accepted_at < end
        late = not closed and h.deadline is not None and h.deadline <= last_day
        row["status"] = "closed" if closed else ("overdue" if late else "rectifying")
        result.append(row)
    return total, result


def key_unit_list(region: Region, today: date) -> tuple[int, list[dict]]:
    scope = Enterprise.objects.filter(region_code__startswith=region.prefix)
    units = key_units(scope, today=today)
    return units.count(), [
        {
            "id": e.pk,
            "name": e.name,
            "region": e.region.name,
            "reasons": [code for code, _label in reasons_of(e)],
        }
        for e in units[:LIST_LIMIT]
    ]


def typical_cases(hazards, month: date) -> list[dict]:
    """The rule (docs/bulletins.md): every major hidden danger accepted and closed during the
    month, as good examples; then the longest-overdue hidden dangers open at the month's end,
    as warnings to others."""
    start, end, last_day = month_bounds(month)
    c = _conditions(month)
    _count, good = _first(hazards, c["major_closed"], "accepted_at", LIST_LIMIT)
    _count, bad = _first(hazards, c["overdue_at_end"], "deadline", TYPICAL_OVERDUE)
    return [{"kind": "closed_major", **_hazard_row(h, last_day)} for h in good] + [
        {"kind": "long_overdue", **_hazard_row(h, last_day)} for h in bad
    ]


def compute(region: Region, month: date, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    hazards = counted_hazards(region, month)
    overdue_total, overdue = overdue_list(hazards, month)
    major_total, major = major_status(hazards, month)
    key_total, keys = key_unit_list(region, today)
    first, _end, last_day = month_bounds(month)
    accidents = bulletin_figures(
        Accident.objects.filter(enterprise__region_code__startswith=region.prefix),
        first=first.date(),
        last=last_day,
    )
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "month": month.strftime("%Y-%m"),
        "computed_on": today.isoformat(),
        "totals": totals(hazards, month),
        "ranking": ranking(region, hazards, month),
        "overdue": {"total": overdue_total, "rows": overdue},
        "major": {"total": major_total, "rows": major},
        "key_units": {"total": key_total, "rows": keys},
        "typical": typical_cases(hazards, month),
        "list_limit": LIST_LIMIT,
        "accidents": accidents,
    }
