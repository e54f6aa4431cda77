"""The dashboards' figures, always within the user's scope.

A **focus** is the area a dashboard shows: the user's whole scope, or a county or park inside
it. Regulators whose grants are regions and parks read the tallies (summary + unfolded
changes); a grid inspector's or an expert's scope is not a tally key, so theirs is grouped
from the base tables with the same keys (tallies.hazard_counts …) — small scopes, same
numbers. Overdue figures depend on today, so they are always read live from the open
hazards (a partial index holds only those).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connections, transaction
from django.db.models import Count, Min, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safeloop.core.replica import read_alias
from safeloop.dashboards import activity, tallies
from safeloop.dashboards.models import HazardCount, HazardDue, HazardMonth, RiskTally
from safeloop.dashboards.tables import Cell, Table, link
from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import OPEN_STATES, Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import Park, Region, region_prefix
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS
from safeloop.risks.choices import Level as RiskLevel

RECORDED = [s for s in State.values if s != State.VOIDED]  # the rates' denominator
TREND_MONTHS = 24
AGE_BUCKETS = [(1, 7), (8, 30), (31, 90), (91, 365), (366, None)]
COLOURS = {
    "red": "#d9363e",
    "orange": "#f08c00",
    "yellow": "#f2c200",
    "blue": "#1c7ed6",
    "": "#adb5bd",
}
STATE_COLOURS = ["#868e96", "#f08c00", "#1c7ed6", "#2f9e44", "#ced4da"]


@dataclass
class Focus:
    kind: str  # scope (the user's whole scope) | county | park
    title: str
    region: Region | None = None
    park: Park | None = None

    def hazard_where(self) -> Q:
        if self.park:
            return Q(enterprise__park_id=self.park.pk)
        if self.region:
            return Q(region_code__startswith=region_prefix(self.region.code))
        return Q()

    def tally_where(self) -> Q:
        if self.park:
            return Q(park_id=self.park.pk)
        if self.region:
            return Q(region_code__startswith=region_prefix(self.region.code))
        return Q()

    def enterprise_where(self) -> Q:
        if self.park:
            return Q(park_id=self.park.pk)
        if self.region:
            return Q(region_code__startswith=region_prefix(self.region.code))
        return Q()

    def hazard_params(self) -> dict:
        if self.park:
            return {"park": self.park.pk}
        if self.region:
            return {"region": self.region.code}
        return {}

    def enterprise_params(self) -> dict:
        if self.park:
            return {"park": self.park.pk}
        if self.region and self.region.level == "county":
            return {"region": self.region.pk}
        return {}

    def query(self) -> str:
        if self.park:
            return f"park={self.park.pk}"
        if self.region:
            return f"region={self.region.code}"
        return ""


def is_regulator(user) -> bool:
    return bool(user.roles & REGULATORS)


def is_enterprise_user(user) -> bool:
    return bool(user.roles & ENTERPRISE_STAFF) and not is_regulator(user)


def focus_for(user, *, region: str = "", park: str = "") -> Focus:
    """The area asked for, if the user may see it (404 otherwise, as for any scoped row)."""
    if park:
        found = Park.objects.for_user(user).filter(pk=park if park.isdigit() else 0).first()
        if found is None:
            raise Http404
        return Focus("park", found.name, region=found.region, park=found)
    if region:
        found = Region.objects.for_user(user).filter(code=region).first()
        if found is None:
            raise Http404
        return Focus("county" if found.level == "county" else "scope", found.name, region=found)
    grants = user.grants()
    if len(grants) == 1 and grants[0].park_id:
        found = Park.objects.get(pk=grants[0].park_id)
        return Focus("park", found.name, region=found.region, park=found)
    regions = [g.region_prefix for g in grants if g.region_prefix]
    if len(grants) == 1 and regions:
        found = Region.objects.filter(code__startswith=regions[0]).order_by("code").first()
        kind = "county" if found and found.level == "county" else "scope"
        return Focus(kind, found.name if found else "", region=found)
    return Focus("scope", _("Your scope"))


def uses_tallies(user) -> bool:
    """True when every grant is a region, a park or everything: the tallies' keys."""
    return all(
        g.everywhere
        or (g.region_prefix and not (g.park_id or g.grid_id or g.enterprise_id))
        or (g.park_id and not (g.grid_id or g.enterprise_id))
        for g in user.grants()
    )


def counties_for(user, focus: Focus) -> list[Region]:
    """Counties to drill into from a city (or whole-scope) dashboard."""
    if focus.kind != "scope":
        return []
    regions = Region.objects.for_user(user).filter(level="county")
    if focus.region:
        regions = regions.filter(code__startswith=region_prefix(focus.region.code))
    return list(regions.order_by("code"))


def parks_for(user, focus: Focus) -> list[Park]:
    if focus.kind != "county":
        return []
    return list(Park.objects.for_user(user).filter(region=focus.region).order_by("name"))


# ---------------------------------------------------------------- reads
def _hazard_counts(user, focus: Focus, dims: list[str], tallied: bool) -> list[dict]:
    if tallied:
        return tallies.read(HazardCount, dims, user=user, where=focus.tally_where())
    hazards = Hazard.objects.for_user(user).filter(focus.hazard_where())
    return tallies.hazard_counts(hazards, dims)


def _months(user, focus: Focus, since: date, tallied: bool) -> list[dict]:
    if tallied:
        where = focus.tally_where() & Q(month__gte=since)
        return tallies.read(HazardMonth, ["month", "kind"], user=user, where=where)
    hazards = Hazard.objects.for_user(user).filter(focus.hazard_where())
    rows = tallies.hazard_months(hazards, ["month", "kind"])
    return [r for r in rows if r["month"] >= since]


def _risks(user, focus: Focus, dims: list[str], tallied: bool) -> list[dict]:
    if tallied:
        return tallies.read(RiskTally, dims, user=user, where=focus.tally_where())
    enterprises = Enterprise.objects.for_user(user).filter(focus.enterprise_where())
    return tallies.risk_tallies(enterprises, dims)


def _overdue(user, focus: Focus, group: str | None, today: date, tallied: bool) -> list[dict]:
    """Open hazards past their deadline, grouped by `group` (a county code, or the
    enterprise's park) and level, with the oldest deadline and the age bands: from the
    tally of open hidden dangers by deadline where the tallies serve, else from the base
    table (`_overdue_from_hazards`)."""
    if not tallied:
        return _overdue_from_hazards(user, focus, group, today)
    dim = {"region_code": "region_code", "enterprise__park_id": "park_id"}.get(group or "")
    dims = [d for d in (dim, "level", "deadline") if d]
    where = focus.tally_where() & Q(deadline__lt=today)
    merged: dict[tuple, dict] = {}
    for r in tallies.read(HazardDue, dims, user=user, where=where):
        area = r[dim] if dim else None
        if dim == "park_id" and not area:
            area = None  # "no park", as the base table's rows give it
        into = merged.get((area, r["level"]))
        if into is None:
            into = {"level": r["level"], "n": 0, "oldest": r["deadline"]}
            into |= {group: area} if group else {}
            into |= {f"b{i}": 0 for i in range(len(AGE_BUCKETS))}
            merged[(area, r["level"])] = into
        into["n"] += r["n"]
        into["oldest"] = min(into["oldest"], r["deadline"])
        late = (today - r["deadline"]).days
        for i, (low, high) in enumerate(AGE_BUCKETS):
            if low <= late and (high is None or late <= high):
                into[f"b{i}"] += r["n"]
                break
    return list(merged.values())


def _overdue_from_hazards(user, focus: Focus, group: str | None, today: date) -> list[dict]:
    """`_overdue` read from the open hidden dangers themselves (small scopes, and the
    tests' and benchmark's comparison with the tallies). Counting the
    deadline (never null here) keeps the scan index-only (sql.INDEXES)."""
    late = Hazard.objects.for_user(user).filter(
        focus.hazard_where(), state__in=OPEN_STATES, deadline__lt=today
    )
    buckets = {
        f"b{i}": Count(
            "deadline",
            filter=Q(deadline__lte=today - timedelta(days=low))
            & (Q(deadline__gte=today - timedelta(days=high)) if high else Q()),
        )
        for i, (low, high) in enumerate(AGE_BUCKETS)
    }
    if group != "enterprise__park_id":
        dims = [d for d in (group, "level") if d]
        return list(
            late.order_by()
            .values(*dims)
            .annotate(n=Count("deadline"), oldest=Min("deadline"), **buckets)
        )
    # By park: group the index-only scan by enterprise, then look up those enterprises' parks
    # (a join would hash the whole enterprise table for a few thousand rows).
    rows = list(
        late.order_by()
        .values("enterprise_id", "level")
        .annotate(n=Count("deadline"), oldest=Min("deadline"), **buckets)
    )
    # One array parameter, not thousands of IN items.
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            "SELECT id, park_id FROM enterprises_enterprise WHERE id = ANY(%s::bigint[])",
            [sorted({r["enterprise_id"] for r in rows})],
        )
        parks = dict(cursor.fetchall())
    merged: dict[tuple, dict] = {}
    for r in rows:
        key = (parks.get(r["enterprise_id"]), r["level"])
        into = merged.setdefault(
            key, {group: key[0], "level": key[1], "n": 0, "oldest": r["oldest"]}
        )
        into["oldest"] = min(into["oldest"], r["oldest"])
        for name in ["n", *buckets]:
            into[name] = into.get(name, 0) + r[name]
    return list(merged.values())


# ---------------------------------------------------------------- the area dashboard
def _fold(rows) -> dict[tuple[str, str], int]:
    """Count rows summed by (state, level): the few entries every figure is added up from
    (a city's rows number thousands; summing them again for each cell cost 35 ms a view)."""
    out: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["state"], r["level"])
        out[key] = out.get(key, 0) + r["n"]
    return out


def _sum(folded: dict, state, level=None) -> int:
    return sum(n for (s, lv), n in folded.items() if s in state and (level is None or lv in level))


def _rate(part: int, whole: int):
    return None if not whole else round(100 * part / whole, 1)


def _group(focus: Focus) -> tuple[str | None, str]:
    """The break-down by area: counties for a city, parks for a county, none for a park."""
    if focus.kind == "park":
        return None, ""
    if focus.kind == "county":
        return "park_id", _("Park")
    return "region_code", _("County")


def _area_labels(dim: str | None, keys) -> dict:
    if dim == "region_code":
        return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    if dim == "park_id":
        names = dict(Park.objects.filter(pk__in=keys).values_list("pk", "name"))
        return {k: names.get(k, _("not in a park")) for k in keys}
    return {}


def _area_params(dim: str | None, key) -> dict:
    if dim == "region_code":
        return {"region": key}
    if dim == "park_id":
        return {"park": key or "null"}
    return {}


def area_dashboard(user, focus: Focus, *, from_base_tables: bool = False) -> dict:
    """Every figure of a city, county or park dashboard, as tables (tables.py).
    `from_base_tables` groups the base tables even where the tallies serve (the benchmark's
    naive comparison, and the tests' proof that both give the same dashboard)."""
    today = timezone.localdate()
    tallied = uses_tallies(user) and not from_base_tables
    with _snapshot():
        group, group_title = _group(focus)
        dims = [d for d in (group, "sector", "level", "state") if d]
        counts = _hazard_counts(user, focus, dims, tallied)
        since = _month_start(today, TREND_MONTHS - 1)
        months = _months(user, focus, since, tallied)
        risk_rows = _risks(user, focus, [d for d in (group, "level") if d], tallied)
        overdue_rows = _overdue(user, focus, _overdue_dim(group), today, tallied)
    base = focus.hazard_params()
    totals = [
        {
            "key": "enterprises",
            "label": _("Enterprises"),
            "value": sum(r["enterprises"] for r in risk_rows),
            "url": _enterprises(focus),
        },
        *_totals(counts, overdue_rows, today, base),
    ]
    tables = [
        _by_state(counts, base),
        _by_level(counts, base),
        _by_sector(counts, base),
        _trend(months, since, today, base),
        _overdue_ages(overdue_rows, today, base),
        _risk_levels(risk_rows, focus),
        _risk_colours(risk_rows, focus),
    ]
    if group:
        tables.insert(3, _by_area(counts, overdue_rows, group, group_title, base))
    return {
        "focus": focus,
        "totals": totals,
        "tables": tables,
        "today": today,
    }


def area_activity(user, focus: Focus) -> list:
    """The figures from the other loops (inspections, self-checks, key units, warnings): a
    panel the page loads on its own, so the hidden-danger and risk figures never wait for
    the key-unit count, the slowest read at city scale (docs/dashboards.md)."""
    with _snapshot():
        return activity.area_tables(user, focus, timezone.localdate())


class _snapshot:
    """All figures from one snapshot (REPEATABLE READ), so they add up with each other: on the
    database the reads go to, the replica inside `reporting_reads()` (core/replica.py)."""

    def __enter__(self):
        alias = read_alias()
        self.atomic = transaction.atomic(using=alias)
        outermost = not connections[alias].in_atomic_block
        self.atomic.__enter__()
        if outermost:
            with connections[alias].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                # Each read is small; parallel workers per page view would only multiply the
                # processes competing for the cores when many regulators look at once.
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)


def _overdue_dim(group):
    return {"region_code": "region_code", "park_id": "enterprise__park_id"}.get(group)


def _month_start(today: date, back: int) -> date:
    month = today.year * 12 + today.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def _hazards(base, **params) -> str:
    return link("hazard-list", base, **params)


def _totals(counts, overdue_rows, today, base) -> list[dict]:
    counts = _fold(counts)
    recorded = _sum(counts, state=RECORDED)
    closed = _sum(counts, state=[State.CLOSED])
    major = _sum(counts, state=RECORDED, level=[Level.MAJOR])
    major_closed = _sum(counts, state=[State.CLOSED], level=[Level.MAJOR])
    open_ = _sum(counts, state=list(OPEN_STATES))
    overdue = sum(r["n"] for r in overdue_rows)
    major_overdue = sum(r["n"] for r in overdue_rows if r["level"] == Level.MAJOR)
    oldest = min((r["oldest"] for r in overdue_rows), default=None)
    return [
        {
            "key": "recorded",
            "label": pgettext("hidden dangers found", "recorded"),
            "value": recorded,
            "url": _hazards(base, state=RECORDED),
        },
        {
            "key": "open",
            "label": _("open"),
            "value": open_,
            "url": _hazards(base, state=list(OPEN_STATES)),
        },
        {
            "key": "closed",
            "label": _("closed"),
            "value": closed,
            "url": _hazards(base, state=State.CLOSED),
        },
        {
            "key": "rate",
            "label": _("rectification rate (target 100%)"),
            "value": _rate(closed, recorded),
            "percent": True,
            "url": _hazards(base, state=State.CLOSED),
        },
        {
            "key": "major_open",
            "label": _("major open"),
            "value": _sum(counts, state=list(OPEN_STATES), level=[Level.MAJOR]),
            "url": _hazards(base, state=list(OPEN_STATES), level=Level.MAJOR),
        },
        {
            "key": "major_rate",
            "label": _("major rectification rate (target 100%)"),
            "value": _rate(major_closed, major),
            "percent": True,
            "url": _hazards(base, state=State.CLOSED, level=Level.MAJOR),
        },
        {
            "key": "overdue",
            "label": _("overdue"),
            "value": overdue,
            "url": _hazards(base, overdue="true"),
        },
        {
            "key": "major_overdue",
            "label": _("major overdue"),
            "value": major_overdue,
            "url": _hazards(base, overdue="true", level=Level.MAJOR),
        },
        {
            "key": "oldest",
            "label": _("longest overdue (days)"),
            "value": (today - oldest).days if oldest else 0,
            "url": _hazards(base, overdue="true", deadline_to=oldest) if oldest else "",
        },
    ]


def _state_cells(rows, base, extra: dict) -> list[Cell]:
    recorded = _sum(rows, state=RECORDED)
    closed = _sum(rows, state=[State.CLOSED])
    open_ = _sum(rows, state=list(OPEN_STATES))
    return [
        Cell(recorded, _hazards(base, state=RECORDED, **extra)),
        Cell(open_, _hazards(base, state=list(OPEN_STATES), **extra)),
        Cell(closed, _hazards(base, state=State.CLOSED, **extra)),
        Cell(_rate(closed, recorded), _hazards(base, state=State.CLOSED, **extra)),
    ]


STATE_COLUMNS = ["recorded", "open", "closed", "rectification rate %"]


def _state_columns() -> list[str]:
    return [
        pgettext("hidden dangers found", "recorded"),
        _("open"),
        _("closed"),
        _("rectification rate %"),
    ]


def _by_state(counts, base) -> Table:
    table = Table(
        "state",
        _("Hidden dangers by state"),
        [_("hidden dangers")],
        chart="pie",
        colours=STATE_COLOURS,
    )
    counts = _fold(counts)
    for value, label in State.choices:
        table.add(label, [Cell(_sum(counts, state=[value]), _hazards(base, state=value))], value)
    return table


def _by_level(counts, base) -> Table:
    table = Table("level", _("Hidden dangers by level"), _state_columns(), chart="bar")
    buckets = _buckets(counts, "level")
    for value, label in Level.choices:
        table.add(label, _state_cells(buckets.get(value, {}), base, {"level": value}), value)
    return table


def _buckets(rows, dim) -> dict:
    """The rows folded (`_fold`) for each value of `dim`."""
    grouped: dict = {}
    for r in rows:
        grouped.setdefault(r[dim], []).append(r)
    return {value: _fold(part) for value, part in grouped.items()}


def _by_sector(counts, base) -> Table:
    table = Table("sector", _("Hidden dangers by sector"), _state_columns(), chart="bar")
    buckets = _buckets(counts, "sector")
    for value, label in Sector.choices:
        rows = buckets.get(value)
        if rows:
            table.add(label, _state_cells(rows, base, {"sector": value}), value)
    return table


def _by_area(counts, overdue_rows, group, title, base) -> Table:
    keys = sorted(
        {r[group] for r in counts} | {r[_overdue_dim(group)] or 0 for r in overdue_rows}, key=str
    )
    labels = _area_labels(group, keys)
    columns = [*_state_columns(), _("major"), _("major rectification rate %"), _("overdue")]
    table = Table("area", _("Hidden dangers by %(area)s") % {"area": title}, columns)
    odim = _overdue_dim(group)
    buckets = _buckets(counts, group)
    for key in keys:
        rows = buckets.get(key, {})
        params = _area_params(group, key)
        major = _sum(rows, state=RECORDED, level=[Level.MAJOR])
        major_closed = _sum(rows, state=[State.CLOSED], level=[Level.MAJOR])
        overdue = sum(r["n"] for r in overdue_rows if (r[odim] or 0) == key)
        table.add(
            labels.get(key, key),
            [
                *_state_cells(rows, base, params),
                Cell(major, _hazards(base, state=RECORDED, level=Level.MAJOR, **params)),
                Cell(
                    _rate(major_closed, major),
                    _hazards(base, state=State.CLOSED, level=Level.MAJOR, **params),
                ),
                Cell(overdue, _hazards(base, overdue="true", **params)),
            ],
            key,
        )
    return table


def _trend(months, since, today, base) -> Table:
    table = Table(
        "trend",
        _("Found and closed per month (24 months)"),
        [_("found"), _("closed")],
        chart="line",
    )
    by = {(r["month"], r["kind"]): r["n"] for r in months}
    for back in range(TREND_MONTHS - 1, -1, -1):
        start = _month_start(today, back)
        end = _month_start(today, back - 1) - timedelta(days=1)
        table.add(
            start.strftime("%Y-%m"),
            [
                Cell(
                    by.get((start, HazardMonth.FOUND), 0),
                    _hazards(base, state=RECORDED, found_from=start, found_to=end),
                ),
                Cell(
                    by.get((start, HazardMonth.CLOSED), 0),
                    _hazards(base, state=State.CLOSED, closed_from=start, closed_to=end),
                ),
            ],
        )
    return table


def _overdue_ages(overdue_rows, today, base) -> Table:
    table = Table(
        "overdue",
        _("Overdue hidden dangers by days overdue"),
        [_("general"), _("major")],
        chart="stacked",
    )
    for i, (low, high) in enumerate(AGE_BUCKETS):
        label = f"{low}–{high}" if high else f"> {low - 1}"
        window = {"deadline_to": today - timedelta(days=low)}
        if high:
            window["deadline_from"] = today - timedelta(days=high)
        cells = [
            Cell(
                sum(r[f"b{i}"] for r in overdue_rows if r["level"] == level),
                _hazards(base, overdue="true", level=level, **window),
            )
            for level in (Level.GENERAL, Level.MAJOR)
        ]
        table.add(_("%(days)s days") % {"days": label}, cells, f"b{i}")
    return table


def _enterprises(focus, **params) -> str:
    return link("enterprise-list", focus.enterprise_params(), **params)


def _risk_levels(rows, focus) -> Table:
    table = Table(
        "risk_levels",
        _("Enterprises by risk level"),
        [_("enterprises")],
        chart="pie",
        colours=[COLOURS[v] for v in [*RiskLevel.values, ""]],
    )
    for value, label in [*RiskLevel.choices, ("", _("Not graded"))]:
        n = sum(r["enterprises"] for r in rows if r["level"] == value)
        table.add(
            label, [Cell(n, _enterprises(focus, risk_level=value or "none"))], value or "none"
        )
    return table


def _risk_colours(rows, focus) -> Table:
    table = Table(
        "risk_colours",
        _("Risk points by colour"),
        [_("risk points")],
        chart="bar",
        colours=[COLOURS[v] for v in RiskLevel.values],
    )
    for value, label in RiskLevel.choices:
        n = sum(r[value] for r in rows)
        table.add(label, [Cell(n, _enterprises(focus, risk_colour=value))], value)
    table.note = _("Each number links to the enterprises that hold these risk points.")
    return table


# ---------------------------------------------------------------- the enterprise dashboard
def enterprise_dashboard(user) -> dict:
    """An enterprise's own loop: its open items by deadline, what falls due, its counts."""
    today = timezone.localdate()
    hazards = Hazard.objects.for_user(user)
    open_items = (
        hazards.filter(state__in=OPEN_STATES)
        .select_related("enterprise")
        .order_by("deadline", "pk")
    )
    counts = tallies.hazard_counts(hazards, ["level", "state"])
    base: dict = {}
    return {
        "today": today,
        "open_items": open_items[:50],
        "open_count": open_items.count(),
        "overdue": open_items.filter(deadline__lt=today).count(),
        "due_soon": open_items.filter(
            deadline__gte=today, deadline__lte=today + timedelta(days=14)
        ).count(),
        "tables": [
            _by_state(counts, base),
            _by_level(counts, base),
            activity.enterprise_tasks(user, today),
        ],
        "links": {
            "overdue": _hazards(base, overdue="true"),
            "due_soon": _hazards(
                base,
                state=list(OPEN_STATES),
                deadline_from=today,
                deadline_to=today + timedelta(days=14),
            ),
            "open": _hazards(base, state=list(OPEN_STATES)),
        },
    }
