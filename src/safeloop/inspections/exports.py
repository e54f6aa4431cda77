"""Excel exports of the inspection lists, through the hazards app's writer (streaming
write-only workbooks, formula injection neutralised)."""

from django.db.models import Count
from django.utils.translation import gettext as _

from safeloop.core.documents import workbook_response


def plans(queryset):
    header = [
        _("title"),
        _("kind"),
        _("region"),
        _("from"),
        _("to"),
        _("state"),
        _("targets"),
        _("visits"),
    ]
    rows = (
        (
            p.title,
            p.get_kind_display(),
            p.region.name,
            p.period_start,
            p.period_end,
            p.get_state_display(),
            p.n_targets,
            p.n_visits,
        )
        for p in queryset.annotate(
            n_targets=Count("targets", distinct=True), n_visits=Count("visits", distinct=True)
        ).iterator()
    )
    return workbook_response("inspection-plans.xlsx", [(_("Inspection plans"), header, rows)])


def targets(plan, queryset):
    header = [
        _("enterprise"),
        _("region code"),
        _("risk level"),
        _("reason codes"),
        _("why it was chosen"),
        _("visits planned"),
    ]
    rows = (
        (
            t.enterprise.name,
            t.region_code,
            t.risk_level,
            ",".join(t.reasons),
            t.reason_text,
            t.visits_planned,
        )
        for t in queryset.iterator(chunk_size=2000)
    )
    return workbook_response(f"plan-{plan.pk}-targets.xlsx", [(_("Targets"), header, rows)])


def visits(queryset):
    """(filename, sheets) of a visit list: answered at once, or built by the worker."""
    header = [
        _("scheduled on"),
        _("enterprise"),
        _("region code"),
        _("plan"),
        _("inspector"),
        _("state"),
        _("submitted at"),
        _("hidden dangers found"),
        _("major"),
    ]
    rows = (
        (
            v.scheduled_on,
            v.enterprise.name,
            v.region_code,
            v.plan.title,
            str(v.inspector),
            v.get_state_display(),
            v.submitted_at,
            getattr(v, "found", None),
            getattr(v, "found_major", None),
        )
        for v in queryset.select_related("enterprise", "plan", "inspector").iterator(
            chunk_size=2000
        )
    )
    return "inspection-visits.xlsx", [(_("Inspection visits"), header, rows)]


def coverage(rows, start, end):
    header = [
        _("county"),
        _("code"),
        _("visits planned"),
        _("visits done"),
        _("share done (%)"),
        _("enterprises visited"),
        _("hidden dangers found"),
        _("per visit"),
        _("major"),
    ]
    data = (
        (
            r["name"],
            r["region_code"],
            r["planned"],
            r["done"],
            r["share_done"],
            r["enterprises"],
            r["found"],
            r["per_visit"],
            r["major"],
        )
        for r in rows
    )
    return workbook_response(
        f"inspection-coverage-{start}-{end}.xlsx", [(_("Coverage"), header, data)]
    )
