"""Accident statistics: counts, deaths (with the missing, 死亡（含失踪）), injuries (serious and
minor) and direct loss, broken down by month, county, park, sector, type or grade, each with
the same period of the year before and the change. Voided records are not counted. Reads
through the user's scope (or a queryset a caller has scoped: a bulletin's county)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.accidents.choices import AccidentState, Grade
from safeloop.accidents.models import Accident
from safeloop.enterprises.choices import Sector

DIMENSIONS = {
    "month": (_("month"), ExtractMonth("occurred_at")),
    "county": (_("county"), F("enterprise__region__name")),
    "park": (_("park"), F("enterprise__park__name")),
    "sector": (_("sector"), F("enterprise__sector")),
    "type": (_("accident type"), F("accident_type__name")),
    "grade": (_("grade"), F("grade")),
}
MEASURES = ("count", "deaths", "injuries", "direct_loss")


@dataclass
class Row:
    key: object
    label: str
    now: dict = field(default_factory=dict)
    before: dict = field(default_factory=dict)

    def change(self, measure: str):
        """(now − before) / before as a percentage; None when there was nothing before."""
        old, new = self.before.get(measure, 0) or 0, self.now.get(measure, 0) or 0
        if not old:
            return None
        return round((Decimal(new) - Decimal(old)) * 100 / Decimal(old), 1)

    def cells(self):
        for measure in MEASURES:
            yield self.now.get(measure, 0), self.before.get(measure, 0), self.change(measure)


def _measures() -> dict:
    zero = Value(0)
    return {
        "count": Count("pk"),
        "deaths": Coalesce(Sum(F("deaths") + F("missing")), zero),
        "injuries": Coalesce(Sum(F("serious_injuries") + F("minor_injuries")), zero),
        "direct_loss": Coalesce(Sum("direct_loss"), Value(Decimal("0"))),
    }


def period(year: int, today: date | None = None) -> tuple[date, date]:
    """The year so far (to today) for the running year; else the whole year."""
    today = today or timezone.localdate()
    end = today if year == today.year else date(year, 12, 31)
    return date(year, 1, 1), end


def _label(by: str, key) -> str:
    if key is None or key == "":
        return str(_("(none)"))
    if by == "month":
        return str(key)
    if by == "sector":
        return str(dict(Sector.choices).get(key, key))
    if by == "grade":
        return str(dict(Grade.choices).get(key, key))
    return str(key)


def _window(base: QuerySet, start: date, end: date) -> QuerySet:
    return base.filter(occurred_at__date__gte=start, occurred_at__date__lte=end)


def breakdown(base: QuerySet, *, year: int, by: str, today: date | None = None) -> list[Row]:
    """One row per value of `by` seen in either year, and a total row last."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    standing = base.exclude(state=AccidentState.VOIDED)
    start, end = period(year, today)
    before = (start.replace(year=year - 1), _same_day(end, year - 1))
    expression = DIMENSIONS[by][1]
    rows: dict = {}
    for which, (a, b) in (("now", (start, end)), ("before", before)):
        grouped = (
            _window(standing, a, b).annotate(key=expression).values("key").order_by()
        ).annotate(**_measures())
        for entry in grouped:
            row = rows.setdefault(entry["key"], Row(entry["key"], _label(by, entry["key"])))
            setattr(row, which, {m: entry[m] for m in MEASURES})
    ordered = sorted(rows.values(), key=lambda r: (r.key is None, str(r.key).zfill(2)))
    total = Row("total", str(_("Total")))
    for which, (a, b) in (("now", (start, end)), ("before", before)):
        setattr(total, which, _window(standing, a, b).aggregate(**_measures()))
    return [*ordered, total]


def _same_day(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def accidents_in_scope(user) -> QuerySet:
    return Accident.objects.for_user(user, "view")


def as_sheet(rows: list[Row], *, by: str, year: int):
    """(title, header, rows) for core.documents.workbook_response."""
    header = [str(DIMENSIONS[by][0])]
    for measure in MEASURES:
        label = str(MEASURE_LABELS[measure])
        header += [f"{label} {year}", f"{label} {year - 1}", f"{label} %"]
    body = ([row.label, *[v for cell in row.cells() for v in cell]] for row in rows)
    return (str(_("Accident statistics")), header, body)


MEASURE_LABELS = {
    "count": _("accidents"),
    "deaths": _("deaths (incl. missing)"),
    "injuries": _("injured"),
    "direct_loss": _("direct loss (CNY)"),
}


def bulletin_figures(base: QuerySet, *, first: date, last: date) -> dict:
    """A monthly bulletin's accident figures (JSON-ready): the month and the year to its
    end, each with the same period of the year before, and the month's accidents."""
    standing = base.exclude(state=AccidentState.VOIDED)

    def totals(a: date, b: date) -> dict:
        values = _window(standing, a, b).aggregate(**_measures())
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}

    year_start = first.replace(month=1, day=1)
    rows = [
        {
            "id": a.pk,
            "enterprise": a.enterprise.name,
            "occurred_on": timezone.localdate(a.occurred_at).isoformat(),
            "place": a.place,
            "grade": a.grade,
            "deaths": a.deaths + a.missing,
            "injuries": a.serious_injuries + a.minor_injuries,
            "direct_loss": str(a.direct_loss),
        }
        for a in _window(standing, first, last)
        .select_related("enterprise")
        .order_by("occurred_at", "pk")[:200]
    ]
    return {
        "month": totals(first, last),
        "month_before": totals(_same_day(first, first.year - 1), _same_day(last, last.year - 1)),
        "ytd": totals(year_start, last),
        "ytd_before": totals(
            year_start.replace(year=year_start.year - 1), _same_day(last, last.year - 1)
        ),
        "rows": rows,
    }
