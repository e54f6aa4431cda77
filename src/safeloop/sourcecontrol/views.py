"""The source-control screens: the expert service (pool, contracts, assignments, visits),
the obsolete catalogue, an enterprise's inventory and its matches, the elimination list,
licence cancellations and stop-and-rectify orders. Every write runs the service the API
runs; each record's page offers only the moves its reader may make."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.scoping import can
from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS
from safeloop.sourcecontrol import orders, selectors, services
from safeloop.sourcecontrol.actors import actor_kinds
from safeloop.sourcecontrol.filters import CancellationFilter, EliminationFilter, StopFilter
from safeloop.sourcecontrol.forms import (
    AssignForm,
    ContractForm,
    DecideForm,
    DoneForm,
    EliminationForm,
    EntryForm,
    ExpertForm,
    InspectForm,
    ItemForm,
    MilestoneForm,
    ReasonForm,
    RelationForm,
    StopForm,
    TextMoveForm,
    VisitForm,
)
from safeloop.sourcecontrol.models import (
    CATALOGUE_EDITORS,
    POOL_KEEPERS,
    CatalogueEntry,
    CatalogueMatch,
    EliminationItem,
    ExpertAssignment,
    ExpertProfile,
    ExpertRelation,
    ExpertVisit,
    InventoryItem,
    LicenceCancellation,
    Milestone,
    ServiceContract,
    StopOrder,
)
from safeloop.sourcecontrol.workflow import (
    CANCELLATION_WORKFLOW,
    ELIMINATION_WORKFLOW,
    STOP_WORKFLOW,
)

PAGE_SIZE = 50


def _render(request, template, context, status=200):
    """The page with the part tabs this reader may open."""
    roles = request.user.roles
    context["tabs"] = {
        "regulator": bool(roles & REGULATORS),
        "enterprise": bool(roles & (REGULATORS | ENTERPRISE_STAFF)),
    }
    return render(request, template, context, status=status)


def _regulator(user) -> None:
    if not user.roles & REGULATORS:
        raise PermissionDenied


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def home(request):
    """What waits for this user in source control, and where each part lives."""
    return _render(
        request,
        "sourcecontrol/home.html",
        {
            "todo": selectors.todo_for(request.user),
            "regulator": bool(request.user.roles & REGULATORS),
            "keeper": bool(request.user.roles & POOL_KEEPERS),
            "assignments": selectors.assignments_for(request.user)[:50],
            "staff_of": selectors.staff_enterprises(request.user),
            "counts": selectors.counts(request.user),
        },
    )


# ---------------------------------------------------------------- the expert pool
@login_required
def experts(request):
    _regulator(request.user)
    keeper = bool(request.user.roles & POOL_KEEPERS)
    form = ExpertForm(request.POST or None, user=request.user) if keeper else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = attempt_form(request, form, services.add_expert, actor=request.user)
        if done:
            messages.success(request, _("Expert added to the pool."))
            return redirect("source-expert", done.value.pk)
        status = done.status
    rows = ExpertProfile.objects.for_user(request.user, "view").order_by("name", "id")
    return _render(
        request,
        "sourcecontrol/experts.html",
        {"page": _page(request, rows), "form": form},
        status=status,
    )


@login_required
def expert(request, pk):
    profile = get_for_user_or_404(ExpertProfile, request.user, pk)
    may_edit = can(request.user, "change", profile)
    form = RelationForm(user=request.user) if may_edit else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = RelationForm(request.POST, user=request.user)
        done = attempt_form(
            request, form, services.declare_relation, actor=request.user, expert=profile
        )
        if done:
            messages.success(request, _("Relation recorded; the expert is excluded from it."))
            return redirect("source-expert", profile.pk)
        status = done.status
    return _render(
        request,
        "sourcecontrol/expert.html",
        {
            "expert": profile,
            "relations": profile.relations.select_related("enterprise").order_by(
                "-declared_on", "-id"
            ),
            "assignments": profile.assignments.select_related("enterprise", "contract"),
            "form": form,
            "may_edit": may_edit,
        },
        status=status,
    )


@login_required
@require_POST
def relation_void(request, pk):
    relation = get_for_user_or_404(ExpertRelation, request.user, pk, "change")
    done = attempt(
        request,
        services.void_relation,
        actor=request.user,
        relation=relation,
        reason=request.POST.get("reason", ""),
    )
    if done:
        messages.success(request, _("The relation is void."))
    return redirect("source-expert", relation.expert_id)


# ---------------------------------------------------------------- contracts and assignments
@login_required
def contracts(request):
    _regulator(request.user)
    keeper = bool(request.user.roles & POOL_KEEPERS)
    form = ContractForm(request.POST or None, user=request.user) if keeper else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = attempt_form(request, form, services.create_contract, actor=request.user)
        if done:
            messages.success(request, _("Contract saved."))
            return redirect("source-contract", done.value.pk)
        status = done.status
    rows = ServiceContract.objects.for_user(request.user, "view").order_by("-starts_on", "-id")
    return _render(
        request,
        "sourcecontrol/contracts.html",
        {"page": _page(request, rows), "form": form},
        status=status,
    )


@login_required
def contract(request, pk):
    record = get_for_user_or_404(ServiceContract, request.user, pk)
    may_edit = can(request.user, "change", record)
    form = AssignForm(user=request.user, contract=record) if may_edit else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = AssignForm(request.POST, user=request.user, contract=record)
        done = attempt_form(
            request, form, services.assign_expert, actor=request.user, contract=record
        )
        if done:
            messages.success(request, _("Expert assigned."))
            return redirect("source-contract", record.pk)
        status = done.status
    return _render(
        request,
        "sourcecontrol/contract.html",
        {
            "contract": record,
            "assignments": record.assignments.select_related("expert", "enterprise").order_by(
                "withdrawn_at", "enterprise__name"
            ),
            "form": form,
        },
        status=status,
    )


@login_required
def assignment(request, pk):
    record = get_for_user_or_404(ExpertAssignment, request.user, pk)
    is_expert = record.expert.user_id == request.user.pk
    form = VisitForm() if is_expert and record.active else None
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "withdraw":
            get_for_user_or_404(ExpertAssignment, request.user, pk, "change")
            reason = ReasonForm(request.POST)
            if reason.is_valid():
                done = attempt(
                    request,
                    services.withdraw_assignment,
                    actor=request.user,
                    assignment=record,
                    version=request.POST.get("version"),
                    reason=reason.cleaned_data["reason"],
                )
                if done:
                    messages.success(request, _("Assignment withdrawn."))
            else:
                messages.error(request, _("Say why."))
            return redirect("source-assignment", record.pk)
        form = VisitForm(request.POST)
        done = attempt_form(
            request, form, services.record_visit, actor=request.user, assignment=record
        )
        if done:
            messages.success(request, _("Visit recorded."))
            return redirect("source-visit", done.value.pk)
        status = done.status
    return _render(
        request,
        "sourcecontrol/assignment.html",
        {
            "assignment": record,
            "visits": record.visits.prefetch_related("findings"),
            "form": form,
            "may_withdraw": record.active and can(request.user, "change", record),
        },
        status=status,
    )


@login_required
def visit(request, pk):
    record = get_for_user_or_404(ExpertVisit, request.user, pk)
    kinds = actor_kinds(request.user, record.enterprise)
    may_register = bool(kinds & {"enterprise", "regulator"})
    findings = list(record.findings.select_related("hazard"))
    if request.method == "POST":
        if not may_register:
            raise PermissionDenied
        done = attempt(request, services.register_findings, actor=request.user, visit=record)
        if done:
            messages.success(
                request, _("%(n)s hidden dangers registered.") % {"n": len(done.value)}
            )
        return redirect("source-visit", record.pk)
    return _render(
        request,
        "sourcecontrol/visit.html",
        {
            "visit": record,
            "findings": findings,
            "may_register": may_register and any(f.hazard_id is None for f in findings),
        },
    )


# ---------------------------------------------------------------- the catalogue
@login_required
def catalogue(request):
    may_edit = bool(request.user.roles & CATALOGUE_EDITORS)
    form = EntryForm(request.POST or None) if may_edit else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only an administrator changes the catalogue."))
        done = attempt_form(request, form, services.add_entry, actor=request.user)
        if done:
            messages.success(request, _("Catalogue entry added."))
            return redirect("source-catalogue")
        status = done.status
    return _render(
        request,
        "sourcecontrol/catalogue.html",
        {
            "form": form,
            "in_force": CatalogueEntry.in_force(),
            "history": CatalogueEntry.objects.all()[:100],
        },
        status=status,
    )


# ---------------------------------------------------------------- inventory
@login_required
def inventory(request, pk):
    firm = get_for_user_or_404(Enterprise, request.user, pk)
    kinds = actor_kinds(request.user, firm)
    may_edit = bool(kinds & {"enterprise", "regulator"})
    form = ItemForm() if may_edit else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if request.POST.get("form") == "match":
            done = attempt(request, services.match_inventory, actor=request.user, enterprise=firm)
            if done:
                messages.success(
                    request,
                    _("%(n)s new matches, each registered as a hidden danger.")
                    % {"n": len(done.value)},
                )
            return redirect("source-inventory", firm.pk)
        if request.POST.get("form") == "retire":
            item = get_for_user_or_404(
                InventoryItem.objects.filter(enterprise=firm),
                request.user,
                request.POST.get("item"),
                "change",
            )
            done = attempt(
                request,
                services.retire_item,
                actor=request.user,
                item=item,
                version=request.POST.get("version"),
            )
            if done:
                messages.success(request, _("Item retired."))
            return redirect("source-inventory", firm.pk)
        form = ItemForm(request.POST)
        done = attempt_form(request, form, services.add_item, actor=request.user, enterprise=firm)
        if done:
            messages.success(request, _("Item added."))
            return redirect("source-inventory", firm.pk)
        status = done.status
    return _render(
        request,
        "sourcecontrol/inventory.html",
        {
            "enterprise": firm,
            "items": InventoryItem.objects.filter(enterprise=firm).order_by(
                "retired_at", "kind", "name"
            ),
            "matches": CatalogueMatch.objects.filter(enterprise=firm).select_related(
                "item", "entry", "hazard"
            ),
            "form": form,
            "may_edit": may_edit,
        },
        status=status,
    )


# ---------------------------------------------------------------- elimination list
@login_required
def eliminations(request):
    regulator = bool(request.user.roles & REGULATORS)
    if not regulator and not request.user.roles & ENTERPRISE_STAFF:
        raise PermissionDenied
    form = EliminationForm(request.POST or None, user=request.user) if regulator else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = attempt_form(request, form, services.list_elimination, actor=request.user)
        if done:
            messages.success(request, _("Listed for elimination."))
            return redirect("source-elimination", done.value.pk)
        status = done.status
    rows = EliminationFilter(
        request.GET or None,
        queryset=EliminationItem.objects.for_user(request.user, "view").select_related(
            "enterprise"
        ),
    )
    return _render(
        request,
        "sourcecontrol/eliminations.html",
        {"filter": rows, "page": _page(request, rows.qs), "form": form},
        status=status,
    )


ELIMINATION_MOVES = {
    "report": (services.report_elimination, "report", _("how it was eliminated")),
    "verify": (services.verify_elimination, "verification", _("verified on site")),
    "send_back": (services.send_back_elimination, "verification", _("what is still missing")),
}


@login_required
def elimination(request, pk):
    item = get_for_user_or_404(EliminationItem, request.user, pk)
    kinds = actor_kinds(request.user, item.enterprise)
    moves = ELIMINATION_WORKFLOW.moves_for(item.state, kinds)
    plans = bool(kinds & {"enterprise", "regulator"}) and item.state == "listed"
    status = 200
    forms_ = {
        m: TextMoveForm(initial={"version": item.version}, label=ELIMINATION_MOVES[m][2])
        for m in moves
    }
    milestone_form = MilestoneForm() if plans else None
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which == "milestone":
            if not plans:
                raise PermissionDenied
            milestone_form = MilestoneForm(request.POST)
            done = attempt_form(
                request, milestone_form, services.add_milestone, actor=request.user, item=item
            )
        elif which == "done":
            if not plans:
                raise PermissionDenied
            milestone = get_for_user_or_404(
                Milestone.objects.filter(item=item), request.user, request.POST.get("milestone")
            )
            done_form = DoneForm(request.POST)
            done = attempt_form(
                request,
                done_form,
                services.complete_milestone,
                actor=request.user,
                milestone=milestone,
            )
            if not done:
                for errors in done_form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect("source-elimination", item.pk)
        elif which in ELIMINATION_MOVES:
            func, field, label = ELIMINATION_MOVES[which]
            form = TextMoveForm(request.POST, label=label)
            forms_[which] = form
            if form.is_valid():
                done = attempt(
                    request,
                    func,
                    actor=request.user,
                    item=item,
                    version=form.cleaned_data["version"],
                    form=form,
                    **{field: form.cleaned_data["text"]},
                )
                if done is not None and not done:
                    _field_to_text(form, field)
            else:
                done = None
        else:
            raise PermissionDenied
        if done:
            messages.success(request, _("Saved."))
            return redirect("source-elimination", item.pk)
        status = done.status if done is not None else 400
    return _render(
        request,
        "sourcecontrol/elimination.html",
        {
            "item": item,
            "milestones": item.milestones.all(),
            "move_forms": [(m, ELIMINATION_WORKFLOW.move_label(m), forms_[m]) for m in moves],
            "milestone_form": milestone_form,
            "done_form": DoneForm(initial={"done_on": timezone.localdate()}) if plans else None,
        },
        status=status,
    )


def _field_to_text(form, field: str) -> None:
    """A service error on its own field name shown on the form's one text field."""
    if field in form.errors:
        form.errors["text"] = form.errors.pop(field)


# ---------------------------------------------------------------- licence cancellations
@login_required
def cancellations(request):
    regulator = bool(request.user.roles & REGULATORS)
    if not regulator and not request.user.roles & ENTERPRISE_STAFF:
        raise PermissionDenied
    if request.method == "POST":
        if not regulator:
            raise PermissionDenied
        count = orders.scan_lapsed(actor=request.user)
        messages.success(request, _("%(n)s cancellations proposed.") % {"n": count})
        return redirect("source-cancellations")
    rows = CancellationFilter(
        request.GET or None,
        queryset=LicenceCancellation.objects.for_user(request.user, "view").select_related(
            "enterprise", "licence"
        ),
    )
    return _render(
        request,
        "sourcecontrol/cancellations.html",
        {"filter": rows, "page": _page(request, rows.qs), "regulator": regulator},
    )


CANCELLATION_MOVES = {
    "notify": (orders.notify_cancellation, "notice", _("notice to the enterprise")),
    "cancel": (orders.cancel_licence, "decision_number", _("decision number")),
    "withdraw": (orders.withdraw_cancellation, "note", _("reason")),
}


@login_required
def cancellation(request, pk):
    record = get_for_user_or_404(LicenceCancellation, request.user, pk)
    kinds = actor_kinds(request.user, record.enterprise)
    moves = CANCELLATION_WORKFLOW.moves_for(record.state, kinds)
    forms_ = {
        m: TextMoveForm(
            initial={"version": record.version, "text": _notice(record) if m == "notify" else ""},
            label=CANCELLATION_MOVES[m][2],
        )
        for m in moves
    }
    status = 200
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which not in CANCELLATION_MOVES:
            raise PermissionDenied
        func, field, label = CANCELLATION_MOVES[which]
        form = TextMoveForm(request.POST, label=label)
        forms_[which] = form
        done = None
        if form.is_valid():
            done = attempt(
                request,
                func,
                actor=request.user,
                cancellation=record,
                version=form.cleaned_data["version"],
                form=form,
                **{field: form.cleaned_data["text"]},
            )
            if done:
                messages.success(request, _("Saved."))
                return redirect("source-cancellation", record.pk)
            _field_to_text(form, field)
        status = done.status if done is not None else 400
    return _render(
        request,
        "sourcecontrol/cancellation.html",
        {
            "record": record,
            "move_forms": [(m, CANCELLATION_WORKFLOW.move_label(m), forms_[m]) for m in moves],
        },
        status=status,
    )


def _notice(record: LicenceCancellation) -> str:
    return _(
        "Your %(kind)s No. %(number)s lapsed on %(day)s and no renewal was applied for. Under the "
        "licence rules it will be cancelled. Submit any objection within 10 days."
    ) % {
        "kind": record.licence.get_kind_display(),
        "number": record.licence.number,
        "day": record.lapsed_on.isoformat(),
    }


# ---------------------------------------------------------------- stop-and-rectify orders
@login_required
def stop_orders(request):
    regulator = bool(request.user.roles & REGULATORS)
    if not regulator and not request.user.roles & ENTERPRISE_STAFF:
        raise PermissionDenied
    form = (
        StopForm(
            request.POST or None, user=request.user, initial={"issued_on": timezone.localdate()}
        )
        if regulator
        else None
    )
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = attempt_form(request, form, orders.issue_stop_order, actor=request.user)
        if done:
            messages.success(request, _("Order issued."))
            return redirect("source-stop-order", done.value.pk)
        status = done.status
    rows = StopFilter(
        request.GET or None,
        queryset=StopOrder.objects.for_user(request.user, "view").select_related("enterprise"),
    )
    return _render(
        request,
        "sourcecontrol/stop_orders.html",
        {"filter": rows, "page": _page(request, rows.qs), "form": form},
        status=status,
    )


@login_required
def stop_order(request, pk):
    order = get_for_user_or_404(StopOrder, request.user, pk)
    kinds = actor_kinds(request.user, order.enterprise, inspected_by_id=order.inspected_by_id)
    moves = set(STOP_WORKFLOW.moves_for(order.state, kinds))
    today = timezone.localdate()
    apply_form = (
        TextMoveForm(initial={"version": order.version}, label=_("rectification done"))
        if "apply" in moves
        else None
    )
    inspect_form = (
        InspectForm(initial={"version": order.version, "inspected_on": today})
        if moves & {"pass_inspection", "fail_inspection"}
        else None
    )
    decide_form = (
        DecideForm(initial={"version": order.version}) if moves & {"approve", "refuse"} else None
    )
    status = 200
    if request.method == "POST":
        which = request.POST.get("form", "")
        done = None
        if which == "apply" and apply_form is not None:
            apply_form = TextMoveForm(request.POST, label=_("rectification done"))
            if apply_form.is_valid():
                done = attempt(
                    request,
                    orders.apply_resumption,
                    actor=request.user,
                    order=order,
                    version=apply_form.cleaned_data["version"],
                    application=apply_form.cleaned_data["text"],
                    form=apply_form,
                )
                if not done:
                    _field_to_text(apply_form, "application")
        elif which == "inspect" and inspect_form is not None:
            inspect_form = InspectForm(request.POST)
            done = attempt_form(
                request, inspect_form, orders.inspect_resumption, actor=request.user, order=order
            )
        elif which == "decide" and decide_form is not None:
            decide_form = DecideForm(request.POST)
            done = attempt_form(
                request, decide_form, orders.decide_resumption, actor=request.user, order=order
            )
        else:
            # a move this reader may not make from here: the table answers (409 or 403)
            move = {"apply": "apply", "inspect": "pass_inspection", "decide": "approve"}.get(which)
            if move is None:
                raise PermissionDenied
            done = attempt(request, STOP_WORKFLOW.check, order.state, move, kinds)
            if done:
                raise PermissionDenied
        if done:
            messages.success(request, _("Saved."))
            return redirect("source-stop-order", order.pk)
        status = done.status if done is not None else 400
    return _render(
        request,
        "sourcecontrol/stop_order.html",
        {
            "order": order,
            "apply_form": apply_form,
            "inspect_form": inspect_form,
            "decide_form": decide_form,
        },
        status=status,
    )
