"""The dashboards' figures from the other loops: inspection coverage this quarter, self-check
completion this month, key units and open warnings (area dashboards); the self-check tasks
due (enterprise dashboard). Each figure is one aggregate query in the user's scope, narrowed
to the focus; each is a table (tables.py) shown without a chart and exported like the rest."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from safeloop.accidents import statistics
from safeloop.alerts import selectors as alerts
from safeloop.alerts.choices import OPEN_WARNING_STATES, KeyReason, RuleCode
from safeloop.dashboards.tables import Cell, Table, link
from safeloop.enterprises.models import Enterprise
from safeloop.inspections import selectors as inspections
from safeloop.orgs.models import region_prefix
from safeloop.orgs.roles import REGULATORS
from safeloop.selfchecks import selectors as selfchecks
from safeloop.selfchecks import standings
from safeloop.selfchecks.choices import TaskState


def quarter(today: date) -> tuple[date, date]:
    """The calendar quarter of `today` (the coverage report's default period)."""
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    return start, end


def month_so_far(today: date) -> tuple[date, date]:
    """The first of the month to today (the completion screen's default window)."""
    return today.replace(day=1), today


def _rate(part: int, whole: int):
    return None if not whole else round(100 * part / whole, 1)


def _supervises(user) -> bool:
    return bool(user.roles & REGULATORS)


def area_tables(user, focus, today: date) -> list[Table]:
    return [
        _accidents(user, focus, today),
        _inspection_coverage(user, focus, today),
        _selfcheck_completion(user, focus, today),
        _key_units(user, focus, today),
        _open_warnings(user, focus),
    ]


def _accidents(user, focus, today) -> Table:
    """The year's accidents so far against the same days of last year (the accident
    statistics' own figures), each linking to the statistics page of the year."""
    base = statistics.accidents_in_scope(user).filter(
        enterprise__in=Enterprise.objects.filter(focus.enterprise_where())
    )
    total = statistics.breakdown(base, year=today.year, by="month", today=today)[-1]
    report = link("accident-statistics", {}, year=today.year) if _supervises(user) else ""
    table = Table(
        "accidents",
        _("Accidents this year"),
        [str(today.year), _("same days of %(year)s") % {"year": today.year - 1}, _("change %")],
    )
    for measure in statistics.MEASURES:
        now, before, change = (
            total.now.get(measure, 0) or 0,
            total.before.get(measure, 0) or 0,
            total.change(measure),
        )
        table.add(
            str(statistics.MEASURE_LABELS[measure]),
            [Cell(_number(now), report), Cell(_number(before), report), Cell(change)],
            measure,
        )
    table.note = _("Standing accidents (voided ones left out), from the accident statistics.")
    return table


def _number(value):
    return float(value) if isinstance(value, Decimal) else int(value)


def _inspection_coverage(user, focus, today) -> Table:
    start, end = quarter(today)
    visits = inspections.visits_for(user).filter(
        focus.hazard_where(), scheduled_on__range=(start, end)
    )
    figures = inspections.coverage_totals(visits)
    # the coverage report is the regulators' (an expert sees the numbers without the link)
    report = link("inspection-coverage", {}, start=start, end=end) if _supervises(user) else ""
    table = Table(
        "inspections",
        _("Inspection coverage this quarter"),
        [_("%(start)s – %(end)s") % {"start": start, "end": end}],
    )
    for key, label, value in [
        ("planned", _("visits planned"), figures["planned"]),
        ("done", _("visits done"), figures["done"]),
        ("share_done", _("share done %"), _rate(figures["done"], figures["planned"])),
        ("found", _("hidden dangers found"), figures["found"]),
        ("major", _("major hidden dangers found"), figures["major"]),
    ]:
        table.add(label, [Cell(value, report)], key)
    table.note = _("Each number links to the inspection coverage report of the quarter.")
    return table


def _selfcheck_completion(user, focus, today) -> Table:
    start, end = month_so_far(today)
    enterprises = Enterprise.objects.for_user(user).filter(focus.enterprise_where())
    figures = standings.total(enterprises, start, end)
    base = {**focus.hazard_params(), "due_from": start, "due_to": end}
    table = Table(
        "selfchecks",
        _("Self-check completion this month"),
        [_("%(start)s – %(end)s") % {"start": start, "end": end}],
    )
    for key, label, value, state in [
        ("total", _("tasks due"), figures.total, None),
        ("done", _("done"), figures.done, TaskState.DONE),
        ("missed", _("missed"), figures.missed, TaskState.MISSED),
        ("pending", _("still to do"), figures.pending, TaskState.PENDING),
    ]:
        table.add(label, [Cell(value, link("selfcheck-tasks", base, state=state))], key)
    completion = link("selfcheck-completion", {}, start=start, end=end)
    completion = completion if _supervises(user) else ""
    table.add(_("completion rate %"), [Cell(figures.rate, completion)], "rate")
    table.note = _("Completion rate: done ÷ (done + missed); tasks still to do count neither way.")
    return table


def _key_units(user, focus, today) -> Table:
    enterprises = Enterprise.objects.for_user(user).filter(focus.enterprise_where())
    counts = alerts.key_unit_counts(enterprises)
    base = focus.hazard_params()
    table = Table("key_units", _("Key units"), [_("enterprises")])
    table.add(_("any reason"), [Cell(counts["total"], link("key-unit-list", base))], "total")
    for code, label in KeyReason.choices:
        url = link("key-unit-list", base, reason=code)
        table.add(label, [Cell(counts[code], url)], code)
    table.note = _("An enterprise may have several reasons.")
    return table


def _open_warnings(user, focus) -> Table:
    warnings = alerts.warnings_for(user).filter(state__in=OPEN_WARNING_STATES)
    if focus.park:
        warnings = warnings.filter(Q(park_id=focus.park.pk) | Q(enterprise__park_id=focus.park.pk))
    elif focus.region:
        warnings = warnings.filter(region_code__startswith=region_prefix(focus.region.code))
    by_rule = dict(
        warnings.order_by()
        .values("rule__code")
        .annotate(n=Count("id"))
        .values_list("rule__code", "n")
    )
    base = focus.hazard_params()
    table = Table("warnings", _("Open warnings"), [_("warnings")])
    total = sum(by_rule.values())
    table.add(_("open or acknowledged"), [Cell(total, link("warning-list", base))], "total")
    for code, label in RuleCode.choices:
        url = link("warning-list", base, rule=code)
        table.add(label, [Cell(by_rule.get(code, 0), url)], code)
    return table


def enterprise_tasks(user, today: date) -> Table:
    """The enterprise's self-check tasks due: to do today and this week (the user's own
    tasks and the unassigned ones of their enterprise, as on "my tasks"), and missed this
    month. Inspection visits are not shown: the enterprise side sees a visit only once it is
    submitted (a planned or unannounced visit is not announced to it)."""
    start, end = month_so_far(today)
    today_todo = selfchecks.my_tasks(user, today, "today").filter(state=TaskState.PENDING)
    week_todo = selfchecks.my_tasks(user, today, "week").filter(state=TaskState.PENDING)
    missed = selfchecks.tasks_for(user).filter(state=TaskState.MISSED, due_date__range=(start, end))
    table = Table("tasks", _("Self-check tasks due"), [_("tasks")])
    table.add(_("to do today"), [Cell(today_todo.count(), link("selfcheck-mine", {}))], "today")
    table.add(
        _("to do this week"),
        [Cell(week_todo.count(), link("selfcheck-mine", {}, span="week"))],
        "week",
    )
    table.add(
        _("missed this month"),
        [
            Cell(
                missed.count(),
                link("selfcheck-tasks", {}, state=TaskState.MISSED, due_from=start, due_to=end),
            )
        ],
        "missed",
    )
    return table
