"""Scores from figures: the scheme's items (formula as data) and veto rules for every unit,
each item keeping the figures it was computed from, so a total is traceable to its inputs.
The figures come from `figures` (set-based SQL); here only units are looped over."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from safeloop.accidents.choices import Grade
from safeloop.targets import figures as F
from safeloop.targets.choices import Figure, Formula, Measure, Veto

TWO = Decimal("0.01")


def q(value) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class Consumption:
    indicator_id: int
    key: tuple
    kind: str
    kind_name: str
    limit: Decimal
    used: Decimal
    share: float | None  # % of the limit used; None when the limit is 0 and nothing is used
    months: list

    @property
    def breached(self) -> bool:
        return self.used > self.limit

    def warned(self, warn_percent: int) -> bool:
        return self.share is not None and self.share >= warn_percent


def indicator_key(indicator, city_code: str) -> tuple:
    if indicator.park_id:
        return ("p", indicator.park_id)
    if indicator.region_code == city_code:
        return ("city", None)
    return ("r", indicator.region_code)


def consumption(indicators, totals: dict, city_code: str) -> list[Consumption]:
    """Each indicator's use from the accident totals, with its month-by-month use."""
    found = []
    for ind in indicators:
        key = indicator_key(ind, city_code)
        t = totals.get(key) or F.AccidentTotals()
        used = t.value(ind.kind.measure, ind.kind.grade)
        limit = Decimal(ind.limit)
        if limit:
            share: float | None = round(float(100 * used / limit), 1)
        else:
            share = 100.0 if used else None
        running, months = Decimal(0), []
        for m in range(1, 13):
            month = t.by_month.get(m)
            value = month.value(ind.kind.measure, ind.kind.grade) if month else Decimal(0)
            running += value
            months.append({"month": m, "used": float(value), "running": float(running)})
        found.append(
            Consumption(ind.pk, key, ind.kind.code, ind.kind.name, limit, used, share, months)
        )
    return found


def _points(item: dict, value) -> Decimal:
    weight = Decimal(str(item["weight"]))
    formula = item["formula"]
    if value is None:
        return q(Decimal(str(item.get("if_none", item["weight"]))))
    if formula == Formula.RATE:
        return q(min(weight, weight * Decimal(str(value)) / 100))
    if formula == Formula.DEDUCT:
        over = max(Decimal(0), Decimal(str(value)) - Decimal(str(item.get("above", 0))))
        return q(max(Decimal(0), weight - Decimal(str(item.get("per", 1))) * over))
    raise ValueError(formula)


def unit_figures(key, data: dict, uses: list[Consumption]) -> dict:
    """The figures of one unit with their inputs."""
    hz = data["hazards"].get(key, {})
    ins = data["inspections"].get(key, {})
    sc = data["selfchecks"].get(key, {})
    bl = data["bulletins"].get(key, {})
    acc = data["accidents"].get(key) or F.AccidentTotals()
    mine = [u for u in uses if u.key == key]
    shares = [u.share for u in mine if u.share is not None]
    return {
        Figure.INDICATOR_CONSUMPTION: {
            "value": max(shares) if shares else None,
            "inputs": {
                u.kind_name: {"used": float(u.used), "limit": float(u.limit), "share": u.share}
                for u in mine
            },
        },
        Figure.MAJOR_RECTIFICATION: {
            "value": F.rate(hz.get("major_closed", 0), hz.get("major", 0)),
            "inputs": {"major": hz.get("major", 0), "closed": hz.get("major_closed", 0)},
        },
        Figure.OVERDUE: {
            "value": hz.get("overdue", 0),
            "inputs": {"overdue": hz.get("overdue", 0)},
        },
        Figure.INSPECTION_COVERAGE: {
            "value": F.rate(ins.get("visited", 0), ins.get("enterprises", 0)),
            "inputs": {"enterprises": ins.get("enterprises", 0), "visited": ins.get("visited", 0)},
        },
        Figure.SELFCHECK_COMPLETION: {
            "value": F.rate(sc.get("done", 0), sc.get("done", 0) + sc.get("missed", 0)),
            "inputs": {"done": sc.get("done", 0), "missed": sc.get("missed", 0)},
        },
        Figure.BULLETIN_ITEMS: {
            "value": bl.get("items", 0),
            "inputs": {"items": bl.get("items", 0)},
        },
        "accidents": {
            "value": acc.accidents,
            "inputs": {
                "deaths": acc.deaths,
                "injuries": acc.injuries,
                "direct_loss": float(acc.direct_loss),
                "by_grade": acc.by_grade,
            },
        },
    }


def vetoes_for(scheme_vetoes: list, acc: F.AccidentTotals, uses: list[Consumption]) -> list:
    struck = []
    grade_names = dict(Grade.choices)
    for rule in scheme_vetoes:
        if rule["code"] == Veto.ACCIDENT_GRADE:
            floor = F.GRADE_RANK[rule["grade"]]
            worst = acc.worst_rank()
            if worst >= floor:
                struck.append(
                    {
                        "code": rule["code"],
                        "reason": _("An accident graded %(grade)s or worse in the area.")
                        % {"grade": grade_names[rule["grade"]]},
                    }
                )
        elif rule["code"] == Veto.INDICATOR_BREACH:
            broken = [u.kind_name for u in uses if u.breached]
            if broken:
                struck.append(
                    {
                        "code": rule["code"],
                        "reason": _("Indicator breached: %s.") % "、".join(broken),
                    }
                )
    return struck


def score(scheme, key, data: dict, uses: list[Consumption], manual: dict, adjustment) -> dict:
    """One unit's items, vetoes and totals. `manual`: {item code: points} of manual items."""
    figs = unit_figures(key, data, uses)
    mine = [u for u in uses if u.key == key]
    items, total = [], Decimal(0)
    for item in scheme.items:
        if item["formula"] == Formula.MANUAL:
            value = manual.get(item["code"])
            points = q(value) if value is not None else Decimal(0)
            row = {**item, "value": None, "points": float(points), "inputs": {}}
            row["pending"] = value is None
        else:
            fig = figs[item["figure"]]
            points = _points(item, fig["value"])
            row = {**item, "value": fig["value"], "points": float(points), "inputs": fig["inputs"]}
        total += points
        items.append(row)
    acc = data["accidents"].get(key) or F.AccidentTotals()
    struck = vetoes_for(scheme.vetoes, acc, mine)
    final = Decimal(0) if struck else max(Decimal(0), min(Decimal(100), total + adjustment))
    return {
        "items": items,
        "figures": {k: v for k, v in figs.items()},
        "vetoes": struck,
        "item_total": q(total),
        "adjustment": q(adjustment),
        "total": q(final),
    }


def gather(city, year: int, today: date | None = None) -> dict:
    """All the figures of a city's year: five statements."""
    prefix = F.region_prefix(city.code)
    return {
        "accidents": F.accidents(prefix, year),
        "hazards": F.hazards(prefix, year, today),
        "inspections": F.inspections(prefix, year, today),
        "selfchecks": F.selfchecks(prefix, year, today),
        "bulletins": F.bulletins(prefix, year),
    }


def check_scheme(items, vetoes) -> list[str]:
    """What is wrong with a scheme's items and veto rules, as messages."""
    errors: list[str] = []
    if not isinstance(items, list) or not items:
        return [_("Give the items as a list.")]
    codes = set()
    for item in items:
        if not isinstance(item, dict):
            errors.append(_("Each item is an object."))
            continue
        code, name = item.get("code"), item.get("name")
        if not isinstance(code, str) or not code or code in codes:
            errors.append(_("Each item needs its own code."))
        codes.add(code)
        if not isinstance(name, str) or not name.strip():
            errors.append(_("Each item needs a name."))
        weight = item.get("weight")
        if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 < weight <= 100:
            errors.append(_("Item %s: the weight is a number above 0, at most 100.") % code)
        if item.get("formula") not in Formula.values:
            errors.append(_("Item %s: unknown formula.") % code)
        elif item["formula"] != Formula.MANUAL and item.get("figure") not in Figure.values:
            errors.append(_("Item %s: unknown figure.") % code)
        for p in ("per", "above", "if_none"):
            if p in item and (not isinstance(item[p], int | float) or isinstance(item[p], bool)):
                errors.append(_("Item %(c)s: %(p)s is a number.") % {"c": code, "p": p})
    if not errors and sum(Decimal(str(i["weight"])) for i in items) != 100:
        errors.append(_("The weights add up to 100."))
    if not isinstance(vetoes, list):
        return [*errors, _("Give the veto rules as a list.")]
    for rule in vetoes:
        if not isinstance(rule, dict) or rule.get("code") not in Veto.values:
            errors.append(_("Unknown veto rule."))
        elif rule["code"] == Veto.ACCIDENT_GRADE and rule.get("grade") not in Grade.values:
            errors.append(_("A grade veto names a grade."))
    return errors


MEASURES = Measure
