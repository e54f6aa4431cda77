"""Excel exports of the hazard screens: openpyxl's write-only mode, so a long list streams
row by row, and every text cell that a spreadsheet would read as a formula is neutralised."""

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.documents import workbook_response


def hazard_sheets(queryset):
    """(filename, sheets) of a hazard list: answered at once, or built by the worker."""
    header = [
        _("number"),
        _("enterprise"),
        _("county"),
        _("state"),
        _("hazard level"),
        _("hazard source"),
        _("category"),
        _("where it was found"),
        _("description"),
        _("found at"),
        _("deadline"),
        _("days overdue"),
        _("responsible person"),
    ]

    def rows():
        for h in queryset.iterator(chunk_size=2000):
            yield [
                h.number or h.pk,
                h.enterprise.name,
                h.enterprise.region.name,
                h.get_state_display(),
                h.get_level_display(),
                h.get_source_display(),
                h.get_category_display(),
                h.place,
                h.description,
                h.found_at,
                h.deadline,
                h.overdue_days,
                h.responsible_person,
            ]

    stamp = timezone.localdate().isoformat()
    return f"hazards-{stamp}.xlsx", [(_("Hidden dangers"), header, rows())]


def stat_header(first: str) -> list[str]:
    return [
        first,
        _("total"),
        _("open"),
        _("closed"),
        _("rectification rate (%)"),
        _("major"),
        _("major closed"),
        _("major rectification rate (%)"),
        _("overdue"),
        _("average days to close"),
    ]


def stat_row(key, row: dict) -> list:
    return [
        key,
        row["total"],
        row["open"],
        row["closed"],
        row["rate"],
        row["major"],
        row["major_closed"],
        row["major_rate"],
        row["overdue"],
        row["avg_days"],
    ]


def stat_table(name: str, title: str, rows: list[dict]):
    stamp = timezone.localdate().isoformat()
    return workbook_response(
        f"hazard-statistics-{name}-{stamp}.xlsx",
        [(title, stat_header(title), (stat_row(r["key"], r) for r in rows))],
    )
