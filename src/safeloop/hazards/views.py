"""The hidden-danger screens: list with saved views and export, detail with the allowed
moves only, registration, statistics, and the public page and report form (the inbox is
the `web` app's).

Reads go through `selectors` and `get_for_user_or_404` (always `Hazard.objects.for_user`);
every change is one call of `safeloop.hazards.services` through `core.views.attempt`, which
answers its errors with the API's statuses: 400 bad input and 409 a stale version or a move
not possible in this state (both with the form shown again), 403 and 404 raised."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeloop.core import exports as core_exports
from safeloop.core.counts import CappedPaginator
from safeloop.core.documents import pdf_response
from safeloop.core.errors import Conflict, fields_for
from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.hazards import exports, selectors, services
from safeloop.hazards.actors import actor_kinds
from safeloop.hazards.choices import ExtensionStatus, Level, State
from safeloop.hazards.filters import HazardFilter
from safeloop.hazards.forms import (
    MOVE_FORMS,
    PhotoForm,
    RegisterForm,
    may_register,
    move_form,
)
from safeloop.hazards.models import Hazard
from safeloop.hazards.workflow import HAZARD_WORKFLOW

PAGE_SIZE = 25
VIEW_LABELS = {
    "todo": gettext_lazy("My to-do"),
    "acceptance": gettext_lazy("Awaiting my acceptance"),
    "overdue": gettext_lazy("Overdue in my scope"),
}
MOVE_LABELS = {t.move: t.label for t in HAZARD_WORKFLOW.transitions}
# the order the moves are offered in: the usual next step first, voiding last
MOVE_ORDER = [
    "confirm",
    "reject",
    "plan",
    "submit",
    "request_extension",
    "decide_extension",
    "list",
    "accept",
    "return",
    "void",
]


def _filtered(request):
    base = selectors.hazards_for(request.user)
    view = request.GET.get("view", "")
    if view in VIEW_LABELS:
        base = selectors.saved_view(base, request.user, view)
    filterset = HazardFilter(request.GET, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    return filterset, queryset.order_by(*ORDER.get(view, NEWEST_FIRST)), view


# Newest found first; the overdue view longest overdue first (the open hazards' deadline
# index serves it, where walking back by finding day passed every older hazard).
NEWEST_FIRST = ("-found_at", "-id")
ORDER = {"overdue": ("deadline", "id")}


@login_required
def hazard_list(request):
    filterset, queryset, view = _filtered(request)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.list_state_counts(request.user, filterset, queryset, view)
    view_counts = selectors.saved_view_counts(request.user)
    return render(
        request,
        "hazards/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "view": view,
            "views": [(key, label, view_counts[key]) for key, label in VIEW_LABELS.items()],
            "state_counts": [(v, label, counts.get(v, 0)) for v, label in State.choices],
            "may_register": may_register(request.user),
            "today": timezone.localdate(),
        },
    )


@core_exports.register("hazards", lambda: _("Hidden dangers"))
def _hazard_export(request):
    _filter, queryset, _view = _filtered(request)
    return queryset, exports.hazard_sheets


@login_required
def hazard_export(request):
    """The list as filtered, in Excel: at once, or built by the worker when it is long."""
    return core_exports.respond(request, "hazards")


def _hazard(request, pk) -> Hazard:
    """The hazard if the user can see it; 404 otherwise, whether or not it exists."""
    return get_for_user_or_404(
        Hazard.objects.select_related("found_by", "submitted_by", "accepted_by"),
        request.user,
        pk,
    )


def _offered(hazard, moves: list[str]) -> list[str]:
    """The allowed moves, less those whose object is plainly missing: listing a general or
    an already listed hazard, deciding an extension nobody requested, requesting a second
    one while one waits. The services check all of this again."""
    waiting = hazard.extensions.filter(status=ExtensionStatus.REQUESTED).exists()
    listed = getattr(hazard, "listing", None) is not None
    skip = set()
    if hazard.level != Level.MAJOR or listed:
        skip.add("list")
    if not waiting:
        skip.add("decide_extension")
    else:
        skip.add("request_extension")
    return sorted((m for m in moves if m not in skip), key=MOVE_ORDER.index)


def _photo_stages(hazard, user) -> list[str]:
    """The photo stages this user may add now (the service checks again)."""
    if not actor_kinds(user, hazard) & {"enterprise", "regulator"}:
        return []
    return [stage for stage, states in services.PHOTO_STATES.items() if hazard.state in states]


def _detail(request, hazard, failed=None, status=200, photo_form=None):
    """The detail page; `failed` is (move, bound form) to show again with its errors."""
    moves = _offered(hazard, services.allowed_moves(hazard, request.user))
    forms_ = []
    for move in moves:
        form = failed[1] if failed and failed[0] == move else move_form(move, hazard)
        forms_.append({"move": move, "label": MOVE_LABELS[move], "form": form})
    listing = getattr(hazard, "listing", None)
    states = dict(State.choices)
    stages = _photo_stages(hazard, request.user)
    if photo_form is None and stages:
        photo_form = PhotoForm(stages=stages)
    return render(
        request,
        "hazards/detail.html",
        {
            "h": hazard,
            "moves": forms_,
            "failed": failed[0] if failed else "",
            "listing": listing,
            "extensions": hazard.extensions.select_related("requested_by", "decided_by"),
            "events": [
                {
                    "e": event,
                    "label": MOVE_LABELS.get(event.move, event.move),
                    "from": states.get(event.from_state, ""),
                    "to": states.get(event.to_state, ""),
                }
                for event in selectors.timeline(hazard)
            ],
            "plan_missing": [
                Hazard._meta.get_field(name).verbose_name for name in hazard.plan_missing()
            ],
            "major": hazard.level == Level.MAJOR,
            "photos": hazard.photos.all(),
            "photo_form": photo_form,
        },
        status=status,
    )


@login_required
def hazard_detail(request, pk):
    return _detail(request, _hazard(request, pk))


@login_required
def hazard_notice(request, pk):
    """The 隐患整改通知书 of a regulator-found hazard, for everyone who may see the hazard."""
    from safeloop.hazards import notices

    hazard = get_for_user_or_404(Hazard.objects.exclude(notice_number=""), request.user, pk)
    return pdf_response(notices.rectification_notice(hazard), f"{hazard.notice_number}.pdf")


@login_required
def hazard_listing_notice(request, pk):
    """The 挂牌督办通知书 of a listed major hazard."""
    from safeloop.hazards import notices

    hazard = get_for_user_or_404(Hazard.objects.filter(listing__isnull=False), request.user, pk)
    listing = hazard.listing
    return pdf_response(notices.listing_notice(listing), f"{listing.notice_number}.pdf")


STALE = gettext_lazy(
    "Someone else changed this hidden danger while you were looking at it; nothing was "
    "saved. The page now shows the current state: check it and try again."
)


@login_required
@require_POST
def hazard_move(request, pk, move):
    if move not in MOVE_FORMS:
        raise Http404
    hazard = _hazard(request, pk)
    form = move_form(move, hazard, request.POST, request.FILES)
    done = attempt_form(request, form, services.MOVES[move], hazard=hazard, actor=request.user)
    if done:
        messages.success(request, _("Done: %s.") % MOVE_LABELS[move])
        return redirect("hazard-detail", pk=hazard.pk)
    status = done.status
    if isinstance(done.error, Conflict):
        # say what happened to this record, rather than the generic stale message
        form.errors.pop(NON_FIELD_ERRORS, None)
        form.add_error(None, str(STALE))
    # Show the current record; the failed form keeps what the user typed.
    hazard = _hazard(request, pk)
    if status == 409:
        # the form now carries the current version: sending it again is a fresh decision
        form.data = request.POST.copy()
        form.data[f"{move}-version"] = hazard.version
    if move not in _offered(hazard, services.allowed_moves(hazard, request.user)):
        messages.error(
            request, " ".join(form.non_field_errors()) or _("This move is no longer possible.")
        )
        return _detail(request, hazard, status=status)
    return _detail(request, hazard, failed=(move, form), status=status)


@login_required
@require_POST
def hazard_photo(request, pk):
    hazard = _hazard(request, pk)
    stages = _photo_stages(hazard, request.user)
    if not stages:
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES, stages=stages)
    status = 400
    if form.is_valid():
        done = attempt(
            request,
            services.add_photo,
            form=form,
            hazard=hazard,
            actor=request.user,
            upload=form.cleaned_data["file"],
            stage=form.cleaned_data["stage"],
        )
        if done:
            messages.success(request, _("Photo added."))
            return redirect("hazard-detail", pk=hazard.pk)
        status = done.status
    return _detail(request, _hazard(request, pk), status=status, photo_form=form)


@login_required
def hazard_register(request):
    if not may_register(request.user):
        raise PermissionDenied
    form = RegisterForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            key = data.pop("token")
            done = attempt(
                request,
                services.record_found,
                form=form,
                actor=request.user,
                idempotency_key=key,
                **data,
            )
            if done:
                hazard, created = done.value
                if created:
                    messages.success(request, _("Hidden danger recorded."))
                else:
                    messages.info(request, _("This form was already sent; nothing was added."))
                return redirect("hazard-detail", pk=hazard.pk)
            status = done.status
            photo_errors = fields_for(done.error).get("file") if done.error else None
            if photo_errors:
                # the photo service names its upload "file"; on this form it is "photo"
                form.errors.pop(NON_FIELD_ERRORS, None)
                form.add_error("photo", photo_errors)
    return render(request, "hazards/register.html", {"form": form}, status=status)


# ---------------------------------------------------------------- statistics
@login_required
def statistics(request):
    data = selectors.statistics(request.user)
    titles = selectors.stat_table_titles()
    return render(
        request,
        "hazards/statistics.html",
        {
            "t": data["totals"],
            "tables": [(name, titles[name], rows) for name, rows in data["tables"].items()],
        },
    )


@login_required
def statistics_export(request, table):
    if table not in selectors.STAT_TABLES:
        raise Http404
    title = selectors.stat_table_titles()[table]
    return exports.stat_table(table, title, selectors.stat_table(request.user, table))
