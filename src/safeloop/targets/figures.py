"""The platform figures of the targets app, one set-based SQL statement per figure for every
county and park of a city at once (GROUPING SETS: a county's row counts its parks too, a
park's row only the park). No loop over enterprises: the bench runs this over ten million
hidden dangers (bench/targets)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone

from safeloop.accidents.choices import Grade
from safeloop.hazards.choices import OPEN_STATES, Level, State
from safeloop.orgs.models import Park, Region, region_prefix

# Most serious last: a veto "this grade or worse" is a rank comparison.
GRADE_RANK = {Grade.GENERAL: 1, Grade.SERIOUS: 2, Grade.MAJOR: 3, Grade.EXTRAORDINARY: 4}


@dataclass
class Unit:
    """A county (park None) or a park (with its county's code)."""

    region_code: str
    park_id: int | None
    label: str

    @property
    def key(self) -> tuple[str, int | None]:
        return ("p", self.park_id) if self.park_id else ("r", self.region_code)  # type: ignore[return-value]


@dataclass
class AccidentTotals:
    accidents: int = 0
    deaths: int = 0
    injuries: int = 0
    direct_loss: Decimal = Decimal(0)
    by_grade: dict = field(default_factory=dict)
    by_month: dict = field(default_factory=dict)  # month → {measure: value, grade:…}

    def add(self, row: dict) -> None:
        self.accidents += row["n"]
        self.deaths += row["deaths"]
        self.injuries += row["injuries"]
        self.direct_loss += row["loss"]
        self.by_grade[row["grade"]] = self.by_grade.get(row["grade"], 0) + row["n"]
        month = self.by_month.setdefault(row["month"], AccidentTotals())
        if month is not self:
            month.accidents += row["n"]
            month.deaths += row["deaths"]
            month.injuries += row["injuries"]
            month.direct_loss += row["loss"]
            month.by_grade[row["grade"]] = month.by_grade.get(row["grade"], 0) + row["n"]

    def value(self, measure: str, grade: str = "") -> Decimal:
        """What an indicator kind counts."""
        if grade:
            return Decimal(self.by_grade.get(grade, 0)) if measure == "accidents" else Decimal(0)
        return Decimal(
            {
                "accidents": self.accidents,
                "deaths": self.deaths,
                "injuries": self.injuries,
                "direct_loss": self.direct_loss,
            }[measure]
        )

    def worst_rank(self) -> int:
        return max((GRADE_RANK.get(g, 0) for g, n in self.by_grade.items() if n), default=0)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz),
        timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz),
    )


def cutoff(year: int, today: date | None = None) -> date:
    """The last day a year's figures look at: the year's end, or today in the running year."""
    today = today or timezone.localdate()
    return min(date(year, 12, 31), today)


def units(city: Region) -> list[Unit]:
    prefix = region_prefix(city.code)
    counties = [
        Unit(r.code, None, r.name)
        for r in Region.objects.filter(code__startswith=prefix).exclude(code=city.code)
    ]
    names = {u.region_code: u.label for u in counties}
    parks = [
        Unit(p.region_code, p.pk, f"{names.get(p.region_code, '')} · {p.name}")
        for p in Park.objects.filter(region_code__startswith=prefix).order_by("region_code", "name")
    ]
    return counties + parks


def _rows(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _key(row: dict) -> tuple:
    # a GROUPING SETS row is either a county's (park NULL) or a park's (region NULL)
    return ("p", row["park_id"]) if row.get("region_code") is None else ("r", row["region_code"])


def accidents(prefix: str, year: int) -> dict[tuple, AccidentTotals]:
    """Standing accidents of the year per county and park, with months and grades; the
    city's own totals under ("r", the city code)."""
    start, end = year_bounds(year)
    rows = _rows(
        """
        SELECT e.region_code, e.park_id, a.grade,
               extract(month FROM a.occurred_at AT TIME ZONE %(tz)s)::int AS month,
               count(*) AS n, sum(a.deaths + a.missing) AS deaths,
               sum(a.serious_injuries + a.minor_injuries) AS injuries,
               coalesce(sum(a.direct_loss), 0) AS loss
        FROM accidents_accident a JOIN enterprises_enterprise e ON e.id = a.enterprise_id
        WHERE a.state <> 'voided' AND a.occurred_at >= %(start)s AND a.occurred_at < %(end)s
          AND e.region_code LIKE %(like)s
        GROUP BY 1, 2, 3, 4
        """,
        {"tz": settings.TIME_ZONE, "start": start, "end": end, "like": prefix + "%"},
    )
    totals: dict[tuple, AccidentTotals] = defaultdict(AccidentTotals)
    for row in rows:
        totals[("r", row["region_code"])].add(row)
        totals[("city", None)].add(row)
        if row["park_id"]:
            totals[("p", row["park_id"])].add(row)
    return totals


def hazards(prefix: str, year: int, today: date | None = None) -> dict[tuple, dict]:
    """Hidden dangers found in the year (not voided): major ones and how many of them are
    closed (已销号); and how many went past their deadline — accepted after it, or still open
    past it on the cut-off day."""
    start, end = year_bounds(year)
    rows = _rows(
        """
        WITH per AS (  -- per enterprise first: the join and the grouping sets see ≤ 1 row each
          SELECT h.enterprise_id, h.region_code,
                 count(*) FILTER (WHERE h.level = %(major)s) AS major,
                 count(*) FILTER (WHERE h.level = %(major)s AND h.state = %(closed)s)
                     AS major_closed,
                 count(*) FILTER (WHERE h.deadline IS NOT NULL AND (
                     (h.state = %(closed)s
                      AND (h.accepted_at AT TIME ZONE %(tz)s)::date > h.deadline)
                     OR (h.state = ANY(%(open)s) AND h.deadline < %(cutoff)s))) AS overdue
          FROM hazards_hazard h
          WHERE h.found_at >= %(start)s AND h.found_at < %(end)s AND h.state <> %(voided)s
            AND h.region_code LIKE %(like)s
          GROUP BY h.enterprise_id, h.region_code)
        SELECT per.region_code, e.park_id, sum(per.major)::bigint AS major,
               sum(per.major_closed)::bigint AS major_closed,
               sum(per.overdue)::bigint AS overdue
        FROM per JOIN enterprises_enterprise e ON e.id = per.enterprise_id
        GROUP BY GROUPING SETS ((per.region_code), (e.park_id))
        """,
        {
            "major": Level.MAJOR,
            "closed": State.CLOSED,
            "voided": State.VOIDED,
            "open": list(OPEN_STATES),
            "tz": settings.TIME_ZONE,
            "cutoff": cutoff(year, today),
            "start": start,
            "end": end,
            "like": prefix + "%",
        },
    )
    return {_key(r): r for r in rows if r["region_code"] or r["park_id"]}


def inspections(prefix: str, year: int, today: date | None = None) -> dict[tuple, dict]:
    """Enterprises (not deleted) and those with a submitted inspection visit in the year."""
    rows = _rows(
        """
        WITH visited AS (
          SELECT DISTINCT enterprise_id FROM inspections_visit
          WHERE state = 'submitted' AND scheduled_on BETWEEN %(start)s AND %(end)s
            AND region_code LIKE %(like)s)
        SELECT e.region_code, e.park_id, count(*) AS enterprises,
               count(v.enterprise_id) AS visited
        FROM enterprises_enterprise e LEFT JOIN visited v ON v.enterprise_id = e.id
        WHERE e.deleted_at IS NULL AND e.region_code LIKE %(like)s
        GROUP BY GROUPING SETS ((e.region_code), (e.park_id))
        """,
        {"start": date(year, 1, 1), "end": cutoff(year, today), "like": prefix + "%"},
    )
    return {_key(r): r for r in rows if r["region_code"] or r["park_id"]}


def selfchecks(prefix: str, year: int, today: date | None = None) -> dict[tuple, dict]:
    """Self-check tasks due in the year up to the cut-off: done and missed."""
    rows = _rows(
        """
        SELECT t.region_code, e.park_id,
               count(*) FILTER (WHERE t.state = 'done') AS done,
               count(*) FILTER (WHERE t.state = 'missed') AS missed
        FROM selfchecks_selfchecktask t JOIN enterprises_enterprise e ON e.id = t.enterprise_id
        WHERE t.due_date BETWEEN %(start)s AND %(end)s AND t.region_code LIKE %(like)s
        GROUP BY GROUPING SETS ((t.region_code), (e.park_id))
        """,
        {"start": date(year, 1, 1), "end": cutoff(year, today), "like": prefix + "%"},
    )
    return {_key(r): r for r in rows if r["region_code"] or r["park_id"]}


def bulletins(prefix: str, year: int) -> dict[tuple, dict]:
    """Hidden dangers named on the overdue lists of the year's monthly bulletins (each
    naming counts)."""
    rows = _rows(
        """
        SELECT h.region_code, e.park_id, count(*) AS items
        FROM bulletins_bulletin b
        CROSS JOIN LATERAL jsonb_array_elements(
            coalesce(b.figures -> 'overdue' -> 'rows', '[]'::jsonb)) AS r(row)
        JOIN hazards_hazard h ON h.id = (r.row ->> 'id')::bigint
        JOIN enterprises_enterprise e ON e.id = h.enterprise_id
        WHERE b.month BETWEEN %(start)s AND %(end)s AND b.region_code LIKE %(like)s
          AND h.region_code LIKE %(like)s
        GROUP BY GROUPING SETS ((h.region_code), (e.park_id))
        """,
        {"start": date(year, 1, 1), "end": date(year, 12, 31), "like": prefix + "%"},
    )
    return {_key(r): r for r in rows if r["region_code"] or r["park_id"]}


def rate(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)
