"""The warnings screens (list, detail with the allowed moves) and the key units list with its
Excel export. Reads go through the selectors (scoped); changes through `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeloop.alerts import selectors, services
from safeloop.alerts.choices import KeyReason, WarningState
from safeloop.alerts.filters import WarningFilter, filtered_key_units
from safeloop.alerts.forms import BulkAcknowledgeForm, MoveForm
from safeloop.alerts.workflow import WARNING_WORKFLOW
from safeloop.core import exports as core_exports
from safeloop.core.views import attempt, get_for_user_or_404
from safeloop.enterprises.models import Enterprise

PAGE_SIZE = 25
MOVE_LABELS = {t.move: t.label for t in WARNING_WORKFLOW.transitions}


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# ---------------------------------------------------------------- warnings
@login_required
def warning_list(request):
    base = selectors.warnings_for(request.user)
    data = request.GET.copy()
    if "state" not in data and not request.GET.get("all"):
        data.setlist("state", [WarningState.OPEN, WarningState.ACKNOWLEDGED])
    filterset = WarningFilter(data, queryset=base, request=request)
    warnings = filterset.qs if filterset.is_valid() else base.none()
    page = Paginator(warnings.order_by("-raised_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    group = request.GET.get("group", "rule")
    group = group if group in selectors.GROUPINGS else "rule"
    groups = selectors.warning_groups(warnings, group)
    for row in groups:
        query = request.GET.copy()
        for name in ("page", "group", *row["query"]):
            query.pop(name, None)
        query.update(row["query"])
        row["url"] = query.urlencode()
    may_acknowledge = {
        w.pk for w in page if "acknowledge" in services.allowed_moves(w, request.user)
    }
    return render(
        request,
        "alerts/warning_list.html",
        {
            "page": page,
            "filter": filterset,
            "query": _query(request),
            "group": group,
            "groups": groups if len(groups) > 1 else [],
            "groupings": GROUPINGS,
            "may_acknowledge": may_acknowledge,
            "bulk_form": BulkAcknowledgeForm(),
        },
        status=200 if filterset.is_valid() else 400,
    )


GROUPINGS = [
    ("rule", gettext_lazy("by rule")),
    ("enterprise", gettext_lazy("by enterprise")),
    ("region", gettext_lazy("by area")),
]


@login_required
@require_POST
def warning_acknowledge_many(request):
    """Acknowledge the warnings ticked on the list with one note (all or none)."""
    form = BulkAcknowledgeForm(request.POST)
    back = reverse("warning-list") + "?" + form.data.get("back", "")[:2000]
    if form.is_valid():
        done = attempt(
            request,
            services.acknowledge_many,
            form=form,
            items=form.cleaned_data["items"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
        if done:
            messages.success(
                request, _("Acknowledged: %d warnings.") % len(form.cleaned_data["items"])
            )
            return redirect(back)
    errors = [str(m) for field in form.errors.values() for m in field]
    messages.error(request, " ".join(errors) or _("Nothing was acknowledged."))
    return redirect(back)


def _warning(request, pk):
    return get_for_user_or_404(selectors.warnings_for(request.user), request.user, pk)


def _detail(request, warning, failed=None, status=200):
    moves = []
    for move in services.allowed_moves(warning, request.user):
        form = failed[1] if failed and failed[0] == move else None
        form = form or MoveForm(move=move, initial={"version": warning.version})
        moves.append({"move": move, "label": MOVE_LABELS[move], "form": form})
    return render(
        request,
        "alerts/warning_detail.html",
        {"w": warning, "moves": moves, "failed": failed[0] if failed else ""},
        status=status,
    )


@login_required
def warning_detail(request, pk):
    return _detail(request, _warning(request, pk))


@login_required
@require_POST
def warning_move(request, pk, move):
    if move not in services.MOVES:
        raise Http404
    warning = _warning(request, pk)
    form = MoveForm(request.POST, move=move)
    status = 400
    if form.is_valid():
        done = attempt(
            request,
            services.MOVES[move],
            form=form,
            warning=warning,
            actor=request.user,
            note=form.cleaned_data["note"],
            version=form.cleaned_data["version"],
        )
        if done:
            messages.success(request, _("Done: %s.") % MOVE_LABELS[move])
            return redirect("warning-detail", pk=warning.pk)
        status = done.status
    warning = _warning(request, pk)
    if move not in services.allowed_moves(warning, request.user):
        messages.error(
            request, " ".join(form.non_field_errors()) or _("This move is no longer possible.")
        )
        return _detail(request, warning, status=status)
    return _detail(request, warning, failed=(move, form), status=status)


# ---------------------------------------------------------------- key units
def _rows(enterprises):
    for e in enterprises:
        yield (
            e,
            [
                {"code": code, "label": label, "link": selectors.reason_link(code, e.pk)}
                for code, label in selectors.reasons_of(e)
            ],
        )


def _reason_choices():
    return KeyReason.choices


@login_required
def key_unit_list(request):
    filterset, units = filtered_key_units(request)
    if units is None:
        page = Paginator([], PAGE_SIZE).get_page(1)
        status = 400
    else:
        page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
        status = 200
    return render(
        request,
        "alerts/key_units.html",
        {
            "page": page,
            "rows": list(_rows(page)),
            "filter": filterset,
            "query": _query(request),
        },
        status=status,
    )


@core_exports.register("key-units", lambda: _("Key units"))
def _key_unit_export(request):
    _filterset, units = filtered_key_units(request)
    return (units if units is not None else Enterprise.objects.none()), _key_unit_sheets


def _key_unit_sheets(units):
    header = [
        _("enterprise"),
        _("unified social credit code"),
        _("county"),
        _("park"),
        _("grid cell"),
        *[label for _code, label in _reason_choices()],
        _("listed since"),
    ]
    codes = [code for code, _label in _reason_choices()]

    def rows():
        for e in units.iterator(chunk_size=2000):
            found = e.key_unit.reasons
            yield [
                e.name,
                e.uscc,
                e.region.name,
                e.park.name if e.park_id else "",
                e.grid.name if e.grid_id else "",
                *["✓" if code in found else "" for code in codes],
                timezone.localtime(e.key_unit.listed_at).date(),
            ]

    stamp = timezone.localdate().isoformat()
    return f"key-units-{stamp}.xlsx", [(_("Key units"), header, rows())]


@login_required
def key_unit_export(request):
    """The list as filtered: at once, or built by the worker when it is long (core.exports)."""
    _filterset, units = filtered_key_units(request)
    if units is None:
        return key_unit_list(request)
    return core_exports.respond(request, "key-units")
