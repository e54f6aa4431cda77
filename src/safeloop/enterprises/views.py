"""The ledger's pages: list (filters, search, sort, counts, bulk edit), detail with tabs,
create/edit, personnel, licences, documents and change requests. Reads through
`for_user`; writes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeloop.core.scoping import can
from safeloop.core.views import attempt, get_for_user_or_404
from safeloop.enterprises import selectors, services
from safeloop.enterprises.choices import Scale, Sector, Status
from safeloop.enterprises.filters import EnterpriseFilter
from safeloop.enterprises.forms import (
    BulkForm,
    ChangeRequestForm,
    DocumentForm,
    EnterpriseForm,
    LicenceForm,
    OperatorForm,
    safety_manager_formset,
)
from safeloop.enterprises.models import ChangeRequest, Document, Enterprise
from safeloop.orgs.accounts import ledger_accounts
from safeloop.orgs.roles import REGULATORS, Role

TABS = [
    ("basic", gettext_lazy("Basic")),
    ("permits", gettext_lazy("Permits")),
    ("personnel", gettext_lazy("Personnel")),
    ("documents", gettext_lazy("Documents")),
    ("history", gettext_lazy("History")),
]


def _enterprise(request, pk, action="view") -> Enterprise:
    return get_for_user_or_404(selectors.enterprises_for(request.user), request.user, pk, action)


def _form_errors(form) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


def _labelled(counts: dict, choices) -> list[tuple[str, str, int]]:
    return [(value, label, counts[value]) for value, label in choices if counts.get(value)]


@login_required
def enterprise_list(request):
    base = selectors.enterprises_for(request.user)
    filterset = EnterpriseFilter(request.GET, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    if not request.GET.get("sort"):
        queryset = queryset.order_by("name", "pk")
    counts, total = selectors.facet_counts(queryset)
    paginator = Paginator(queryset, 25)
    paginator.count = total  # known from the counts: spares a second scan
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    regulator = bool(request.user.roles & REGULATORS)
    return render(
        request,
        "enterprises/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "facets": [
                (_("sector"), _labelled(counts["sector"], Sector.choices), "sector"),
                (_("status"), _labelled(counts["status"], Status.choices), "status"),
                (_("scale"), _labelled(counts["scale"], Scale.choices), "scale"),
            ],
            "bulk_form": BulkForm(user=request.user) if regulator else None,
            "may_create": regulator,
        },
    )


@login_required
@require_POST
def bulk_edit(request):
    if not request.user.roles & REGULATORS:
        raise PermissionDenied
    form = BulkForm(request.POST, user=request.user)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if not ids:
        messages.error(request, _("Select at least one enterprise."))
    elif form.is_valid():
        done = attempt(
            request,
            services.bulk_update,
            actor=request.user,
            enterprise_ids=ids,
            data=form.changes(),
        )
        if done:
            messages.success(request, _("%(n)s enterprises changed.") % {"n": done.value})
    else:
        messages.error(request, _form_errors(form))
    return redirect(request.POST.get("next") or "enterprise-list")


@login_required
def enterprise_detail(request, pk):
    enterprise = _enterprise(request, pk)
    tab = request.GET.get("tab", "basic")
    if tab not in dict(TABS):
        tab = "basic"
    user = request.user
    may_change = can(user, "change", enterprise)
    regulator = services.is_regulator_for(user, enterprise)
    context = {
        "e": enterprise,
        "tab": tab,
        "tabs": TABS,
        "may_change": may_change,
        "regulator": regulator,
        "history": selectors.history(enterprise, "all" if tab == "history" else tab),
    }
    if tab == "basic":
        managers = list(enterprise.safety_managers.all())
        accounts = ledger_accounts(
            user,
            enterprise,
            [(Role.ENTERPRISE_PRINCIPAL, enterprise.principal, enterprise.principal_mobile)]
            + [(Role.SAFETY_MANAGER, m.name, m.mobile) for m in managers],
        )
        for m in managers:
            m.account = accounts.get((Role.SAFETY_MANAGER, m.mobile))
        context["safety_managers"] = managers
        context["principal_account"] = accounts.get(
            (Role.ENTERPRISE_PRINCIPAL, enterprise.principal_mobile)
        )
        context["reveal"] = selectors.can_see_id_numbers(user, enterprise)
        context["requests"] = ChangeRequest.objects.for_user(user).filter(enterprise=enterprise)
        if may_change and not regulator:
            context["request_form"] = ChangeRequestForm(enterprise=enterprise)
    elif tab == "permits":
        context["licences"] = enterprise.licences.all()
        context["licence_form"] = LicenceForm() if may_change else None
    elif tab == "personnel":
        context["operators"] = enterprise.operators.all()
        context["reveal"] = selectors.can_see_id_numbers(user, enterprise)
        context["operator_form"] = OperatorForm() if may_change else None
    elif tab == "documents":
        context["documents"] = enterprise.documents.all()
        context["document_form"] = DocumentForm() if may_change else None
    return render(request, "enterprises/detail.html", context)


@login_required
def enterprise_create(request):
    if not request.user.roles & REGULATORS:
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, user=request.user, regulator=True)
    managers = safety_manager_formset(request.POST or None, None)
    status = 200
    if request.method == "POST" and _valid(form, managers):
        done = attempt(
            request,
            services.create_enterprise,
            actor=request.user,
            data=form.changes(),
            safety_managers=managers.entries(),
            form=form,
        )
        if done:
            messages.success(request, _("Enterprise created."))
            return redirect("enterprise-detail", pk=done.value.pk)
        status = done.status
    context = {"form": form, "managers": managers, "e": None}
    return render(request, "enterprises/form.html", context, status=status)


def _valid(form, managers) -> bool:
    form_ok = form.is_valid()  # both validated, so that every error shows at once
    return managers.is_valid() and form_ok


@login_required
def enterprise_edit(request, pk):
    enterprise = _enterprise(request, pk, "change")
    regulator = services.is_regulator_for(request.user, enterprise)
    form = EnterpriseForm(
        request.POST or None, instance=enterprise, user=request.user, regulator=regulator
    )
    managers = safety_manager_formset(
        request.POST or None,
        enterprise,
        reveal=selectors.can_see_id_numbers(request.user, enterprise),
    )
    status = 200
    if request.method == "POST" and _valid(form, managers):
        version = form.cleaned_data.get("version")
        done = attempt(
            request,
            services.update_enterprise,
            actor=request.user,
            enterprise=enterprise,
            data=form.changes(),
            expected_version=version if version is not None else -1,
            safety_managers=managers.entries(),
            form=form,
        )
        if done:
            messages.success(request, _("Saved."))
            return redirect("enterprise-detail", pk=enterprise.pk)
        status = done.status
    context = {"form": form, "managers": managers, "e": enterprise}
    return render(request, "enterprises/form.html", context, status=status)


def _add_part(request, pk, form_class, tab):
    enterprise = _enterprise(request, pk, "change")
    form = form_class(request.POST)
    if form.is_valid():
        part = form.save(commit=False)
        attempt(
            request,
            services.add_part,
            actor=request.user,
            enterprise=enterprise,
            part=part,
            form=form,
        )
    if form.errors:
        messages.error(
            request,
            "; ".join(
                f"{form.fields[n].label if n in form.fields else ''} {' '.join(e)}".strip()
                for n, e in form.errors.items()
            ),
        )
    else:
        messages.success(request, _("Saved."))
    return redirect(f"/enterprises/{enterprise.pk}/?tab={tab}")


@login_required
@require_POST
def operator_add(request, pk):
    return _add_part(request, pk, OperatorForm, "personnel")


@login_required
@require_POST
def licence_add(request, pk):
    return _add_part(request, pk, LicenceForm, "permits")


@login_required
@require_POST
def document_add(request, pk):
    enterprise = _enterprise(request, pk, "change")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        done = attempt(
            request,
            services.add_document,
            actor=request.user,
            enterprise=enterprise,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )
        if done:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _form_errors(form))
    return redirect(f"/enterprises/{enterprise.pk}/?tab=documents")


@login_required
def document_download(request, pk, doc_pk):
    enterprise = _enterprise(request, pk)
    document = get_for_user_or_404(
        Document.objects.filter(enterprise=enterprise), request.user, doc_pk
    )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@login_required
@require_POST
def change_request_create(request, pk):
    enterprise = _enterprise(request, pk, "change")
    form = ChangeRequestForm(request.POST, enterprise=enterprise)
    if form.is_valid():
        done = attempt(
            request,
            services.request_change,
            actor=request.user,
            enterprise=enterprise,
            proposed=form.proposed(),
            reason=form.cleaned_data["reason"],
        )
        if done:
            messages.success(request, _("Your request was sent to the regulator."))
    else:
        messages.error(request, _form_errors(form))
    return redirect("enterprise-detail", pk=enterprise.pk)


@login_required
@require_POST
def change_request_decide(request, pk, request_pk):
    enterprise = _enterprise(request, pk)
    change_request = get_for_user_or_404(
        ChangeRequest.objects.filter(enterprise=enterprise), request.user, request_pk, "change"
    )
    approve = request.POST.get("decision") == "approve"
    done = attempt(
        request,
        services.decide_change_request,
        actor=request.user,
        change_request=change_request,
        approve=approve,
        note=request.POST.get("note", "")[:500],
    )
    if done:
        messages.success(request, _("Approved.") if approve else _("Refused."))
    return redirect("enterprise-detail", pk=enterprise.pk)
