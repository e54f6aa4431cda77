"""Excel exports of the self-check screens (write-only workbooks, formula-safe cells)."""

from django.utils import timezone
from django.utils.translation import gettext as _


def task_list(queryset):
    """(filename, sheets) of a task list: answered at once, or built by the worker."""
    header = [
        _("number"),
        _("enterprise"),
        _("risk point"),
        _("control measure"),
        _("frequency"),
        _("period from"),
        _("period to"),
        _("due"),
        _("assigned to"),
        _("person responsible"),
        _("state"),
        _("result"),
        _("recorded at"),
    ]

    def rows():
        tasks = queryset.select_related("enterprise", "risk_point", "measure", "assignee", "record")
        for t in tasks.iterator(chunk_size=2000):
            record = getattr(t, "record", None)  # absent until the task is done
            yield [
                t.pk,
                t.enterprise.name,
                t.risk_point.name,
                t.measure.description,
                t.get_frequency_display(),
                t.period_start,
                t.period_end,
                t.due_date,
                str(t.assignee or ""),
                t.responsible_name,
                t.get_state_display(),
                record.get_result_display() if record else "",
                record.recorded_at if record else None,
            ]

    stamp = timezone.localdate().isoformat()
    return f"selfcheck-tasks-{stamp}.xlsx", [(_("Self-check tasks"), header, rows())]


def completion(table, start, end):
    """(filename, sheets) of a completion table (`standings.Table`): answered at once, or
    built by the worker."""
    header = [
        _("enterprise"),
        _("county"),
        _("tasks due"),
        _("done"),
        _("missed"),
        _("to do"),
        _("completion (%)"),
        _("last self-check record"),
    ]
    title = _("Self-check completion %(start)s – %(end)s") % {"start": start, "end": end}
    rows = (
        [
            r["name"],
            r["county"],
            r["total"],
            r["done"],
            r["missed"],
            r["pending"],
            r["rate"],
            r["last_record"],
        ]
        for r in table
    )
    return f"selfcheck-completion-{start}-{end}.xlsx", [(title, header, rows)]
