"""The credit screens: records across the reader's scope and one record's events, the
serious-dishonesty list and one listing with the moves its reader may make, the rules as
versioned data, and the public page of current listings."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.errors import fields_for
from safeloop.core.scoping import can
from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.credit import selectors, services
from safeloop.credit.choices import Grade, Subject
from safeloop.credit.forms import NoteForm, PolicyForm, ReasonForm, RuleForm, SchemeForm
from safeloop.credit.models import (
    CREDIT_VIEWERS,
    RULE_EDITORS,
    CreditEvent,
    CreditRecord,
    CreditRule,
    CreditScheme,
    Listing,
    ListingPolicy,
    Repair,
)
from safeloop.credit.workflow import LISTING_WORKFLOW, REPAIR_WORKFLOW

PAGE_SIZE = 50


def _viewer(user) -> None:
    if not user.roles & CREDIT_VIEWERS:
        raise PermissionDenied(
            _("Credit records are for regulators and the enterprise's own staff.")
        )


@login_required
def record_list(request):
    _viewer(request.user)
    rows = selectors.records_for(request.user)
    grade = request.GET.get("grade", "")
    subject = request.GET.get("subject", "")
    if grade in Grade.values:
        rows = rows.filter(grade=grade)
    if subject in Subject.values:
        rows = rows.filter(subject=subject)
    page = Paginator(rows.order_by("score", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "credit/record_list.html",
        {
            "page": page,
            "grades": Grade.choices,
            "subjects": Subject.choices,
            "grade": grade,
            "subject": subject,
        },
    )


def _record_page(request, record, void=None, status=200):
    """One record's events, each with the link to the row it came from; a regulator of a
    deciding department sees, on every counted event, the form that voids it."""
    events = record.events.select_related("rule").order_by("-occurred_on", "-id")
    return render(
        request,
        "credit/record_detail.html",
        {
            "record": record,
            "events": events,
            "may_void": can(request.user, "change", record),
            "void": void,  # (event id, the bound form) after an error
        },
        status=status,
    )


@login_required
def record_detail(request, pk):
    _viewer(request.user)
    record = get_for_user_or_404(CreditRecord, request.user, pk)
    return _record_page(request, record)


@login_required
@require_POST
def event_void(request, pk):
    """A wrong event stops counting, with the reason; it stays on the record."""
    _viewer(request.user)
    event = get_for_user_or_404(CreditEvent, request.user, pk, "change")
    form = ReasonForm(request.POST)
    done = attempt_form(request, form, services.void_event, actor=request.user, event=event)
    if done:
        messages.success(request, _("Event voided; the score is recomputed."))
        return redirect("credit-record", event.record_id)
    return _record_page(request, event.record, (event.pk, form), done.status)


def _source_url(event) -> str | None:
    """The page of the row an event was derived from or recorded for."""
    from safeloop.accidents.models import Investigation
    from safeloop.hazards.models import HazardEvent

    pages = {
        "hazards.hazard": ("hazard-detail", lambda: event.source_id),
        "hazards.hazardevent": (
            "hazard-detail",
            lambda: (
                HazardEvent.objects.filter(pk=event.source_id)
                .values_list("hazard_id", flat=True)
                .first()
            ),
        ),
        "accidents.accident": ("accident-detail", lambda: event.source_id),
        "accidents.investigation": (
            "accident-investigation",
            lambda: (
                Investigation.objects.filter(pk=event.source_id)
                .values_list("accident_id", flat=True)
                .first()
            ),
        ),
        "enterprises.licence": ("enterprise-detail", lambda: event.enterprise_id),
        "enterprises.enterprise": ("enterprise-detail", lambda: event.enterprise_id),
        "inspections.visit": ("inspection-visit", lambda: event.source_id),
        "enforcement.penaltycase": ("enforcement-case", lambda: event.source_id),
        "enforcement.sanction": ("enforcement-sanction", lambda: event.source_id),
    }
    if event.source not in pages:
        return None
    name, target = pages[event.source]
    found = target()
    return reverse(name, args=[found]) if found is not None else None


@login_required
def event_source(request, pk):
    """The record an event came from (that page checks who may read it)."""
    _viewer(request.user)
    event = get_for_user_or_404(CreditEvent, request.user, pk)
    url = _source_url(event)
    if url is None:
        raise Http404
    return redirect(url)


@login_required
def listing_list(request):
    _viewer(request.user)
    rows = selectors.listings_for(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/listing_list.html", {"page": page})


LISTING_MOVES = {
    "notify": (services.notify, None),
    "object": (services.object_to, "objection"),
    "list": (services.decide_list, "decision_number"),
    "reject": (services.reject, "decision_note"),
    "publish": (services.publish, None),
}
# The service's names for the one text a move asks for: its errors are shown beside it.
TEXT_FIELDS = {"objection", "decision_number", "decision_note", "reasons", "reason"}
REPAIR_MOVES = {
    "approve": (services.approve_repair, "decision_note"),
    "refuse": (services.refuse_repair, "decision_note"),
    "revoke": (services.revoke_repair, "reason"),
}


@login_required
def listing_detail(request, pk):
    _viewer(request.user)
    listing = get_for_user_or_404(Listing, request.user, pk)
    kinds = services.listing_kinds(request.user, listing)
    form = NoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        move = request.POST.get("move", "")
        if move == "apply":
            func, field, target = services.apply_repair, None, {"listing": listing}
        elif move in LISTING_MOVES:
            func, field = LISTING_MOVES[move]
            target = {"listing": listing}
        elif move in REPAIR_MOVES:
            func, field = REPAIR_MOVES[move]
            repair = get_for_user_or_404(Repair, request.user, request.POST.get("repair"))
            target = {"repair": repair}
        else:
            raise Http404
        if not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            if move == "apply":
                kwargs = {"reasons": data["text"], "commitment": data["commitment"]}
            else:
                kwargs = {"version": data.get("version")}
                if field:
                    kwargs[field] = data["text"]
            scratch = forms.Form({})  # the service names its fields; shown on the form's own
            scratch.is_valid()
            done = attempt(request, func, actor=request.user, form=scratch, **target, **kwargs)
            if done:
                messages.success(request, _("Saved."))
                return redirect("credit-listing", listing.pk)
            status = done.status
            for name, found in (fields_for(done.error) if done.error else {}).items():
                field = "text" if name in TEXT_FIELDS else name
                form.add_error(field if field in form.fields else None, found)
            if not form.errors and done.message:
                form.add_error(None, done.message)
    moves = LISTING_WORKFLOW.moves_for(listing.state, kinds)
    repairs = listing.repairs.all()
    repair_moves = {r.pk: REPAIR_WORKFLOW.moves_for(r.state, kinds) for r in repairs}
    may_apply = listing.state in ("listed", "published") and bool(kinds)
    return render(
        request,
        "credit/listing_detail.html",
        {
            "listing": listing,
            "moves": [(m, LISTING_WORKFLOW.move_label(m)) for m in moves if m in LISTING_MOVES],
            "repairs": [
                (r, [(m, REPAIR_WORKFLOW.move_label(m)) for m in repair_moves[r.pk]])
                for r in repairs
            ],
            "may_apply": may_apply,
            "form": form,
            "failed": request.POST.get("move", "") if status != 200 else "",
        },
        status=status,
    )


FORMS = {"rule": RuleForm, "scheme": SchemeForm, "policy": PolicyForm}
ADDERS = {"rule": services.add_rule, "scheme": services.add_scheme, "policy": services.add_policy}


@login_required
def rules(request):
    may_edit = bool(request.user.roles & RULE_EDITORS)
    which = request.POST.get("form", "")
    forms = {name: cls(prefix=name) for name, cls in FORMS.items()} if may_edit else {}
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only an administrator changes these rules."))
        if which not in FORMS:
            raise Http404
        form = FORMS[which](request.POST, prefix=which)
        forms[which] = form
        done = attempt_form(request, form, ADDERS[which], actor=request.user)
        if done:
            messages.success(request, _("Version added."))
            return redirect("credit-rules")
        status = done.status
    return render(
        request,
        "credit/rules.html",
        {
            "forms": forms,
            "in_force": list(CreditRule.in_force().values()),
            "history": CreditRule.objects.all()[:200],
            "schemes": CreditScheme.objects.all()[:20],
            "policies": ListingPolicy.objects.all()[:20],
        },
        status=status,
    )


def public_list(request):
    """Current listings for anyone: enterprise name, credit code, ground, decision and
    period; no personal names, ID numbers or phones."""
    page = Paginator(selectors.public_listings(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credit/public_list.html", {"page": page})
