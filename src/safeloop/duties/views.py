"""The responsibility-list screens: the standing of the enterprises in the reader's scope,
one enterprise's lists (issued there by its staff), one list with the people it binds and
their acknowledgements, the templates per sector, and the departments' duty lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.duties import selectors, services
from safeloop.duties.forms import DepartmentDutyForm, IssueForm, SignatoryForm, TemplateForm
from safeloop.duties.models import TEMPLATE_EDITORS, DutyTemplate, ResponsibilityList, Signatory
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Department
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS

PAGE_SIZE = 50


def _staff_of(user, enterprise_id) -> bool:
    return any(
        g.role in ENTERPRISE_STAFF and g.enterprise_id == enterprise_id for g in user.grants()
    )


@login_required
def home(request):
    user = request.user
    if not user.roles:
        raise PermissionDenied
    own = [g.enterprise_id for g in user.grants() if g.role in ENTERPRISE_STAFF]
    if own and not user.roles & REGULATORS and len(set(own)) == 1:
        return redirect("duties-enterprise", own[0])
    firms = Enterprise.objects.for_user(user, "view")
    missing = request.GET.get("missing") == "1"
    rows = selectors.standing(firms)
    if missing:
        rows = rows.filter(has_all_staff=False)
    page = Paginator(rows.order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "duties/home.html",
        {
            "page": page,
            "missing": missing,
            "missing_count": selectors.standing(firms).filter(has_all_staff=False).count(),
            "regulator": bool(user.roles & REGULATORS),
        },
    )


@login_required
def enterprise(request, pk):
    firm = get_for_user_or_404(Enterprise, request.user, pk)
    may_issue = _staff_of(request.user, firm.pk)
    form = IssueForm(request.POST or None) if may_issue else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("The enterprise issues its own lists."))
        done = attempt_form(request, form, services.issue_list, actor=request.user, enterprise=firm)
        if done:
            messages.success(request, _("List issued."))
            return redirect("duties-list", done.value.pk)
        status = done.status
    templates = DutyTemplate.in_force(firm.sector)
    return render(
        request,
        "duties/enterprise.html",
        {
            "enterprise": firm,
            "lists": selectors.live_lists(firm),
            "form": form,
            "templates": sorted(templates.values(), key=lambda t: (t.kind, t.post)),
            "has_all_staff": selectors.live_lists(firm).filter(kind="all_staff").exists(),
        },
        status=status,
    )


@login_required
def list_detail(request, pk):
    rlist = get_for_user_or_404(
        ResponsibilityList.objects.select_related("enterprise"), request.user, pk
    )
    may_edit = _staff_of(request.user, rlist.enterprise_id) and rlist.retired_at is None
    form = SignatoryForm(request.POST or None, enterprise=rlist.enterprise) if may_edit else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("The enterprise keeps its own lists."))
        done = attempt_form(request, form, services.add_signatory, actor=request.user, rlist=rlist)
        if done:
            messages.success(request, _("Person added."))
            return redirect("duties-list", rlist.pk)
        status = done.status
    return _list_page(request, rlist, form, status)


def _list_page(request, rlist, form, status=200):
    may_edit = _staff_of(request.user, rlist.enterprise_id) and rlist.retired_at is None
    signatories = list(rlist.signatories.select_related("user"))
    for s in signatories:
        own = s.user_id == request.user.pk
        s.may_ack = (  # type: ignore[attr-defined]
            s.acknowledged_at is None
            and rlist.retired_at is None
            and (own or (s.user_id is None and may_edit))
        )
    return render(
        request,
        "duties/list.html",
        {"rlist": rlist, "signatories": signatories, "form": form},
        status=status,
    )


@login_required
@require_POST
def acknowledge(request, pk):
    signatory = get_for_user_or_404(Signatory.objects.select_related("rlist"), request.user, pk)
    done = attempt(request, services.acknowledge, actor=request.user, signatory=signatory)
    if done:
        messages.success(request, _("Acknowledged."))
        return redirect("duties-list", signatory.rlist_id)
    rlist = signatory.rlist
    form = None
    if _staff_of(request.user, rlist.enterprise_id) and rlist.retired_at is None:
        form = SignatoryForm(enterprise=rlist.enterprise)
    return _list_page(request, rlist, form, done.status)


@login_required
def templates(request):
    if not request.user.roles:
        raise PermissionDenied
    may_edit = bool(request.user.roles & TEMPLATE_EDITORS)
    form = TemplateForm(request.POST or None) if may_edit else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only an administrator changes the templates."))
        done = attempt_form(request, form, services.add_template, actor=request.user)
        if done:
            messages.success(request, _("Template version added."))
            return redirect("duties-templates")
        status = done.status
    return render(
        request,
        "duties/templates.html",
        {"form": form, "history": DutyTemplate.objects.all()[:200]},
        status=status,
    )


@login_required
def departments(request):
    user = request.user
    if not user.roles & REGULATORS:
        raise PermissionDenied
    depts = Department.objects.for_user(user, "change") if user.roles & ADMINS else None
    form = (
        DepartmentDutyForm(request.POST or None, departments=depts) if depts is not None else None
    )
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Administrators keep the departments' duty lists."))
        done = attempt_form(request, form, services.add_department_duty, actor=request.user)
        if done:
            messages.success(request, _("Duty list saved."))
            return redirect("duties-departments")
        status = done.status
    return render(
        request,
        "duties/departments.html",
        {
            "form": form,
            "duties": selectors.department_duties_for(user).filter(retired_at__isnull=True),
            "without": selectors.departments_without_duties(user),
        },
        status=status,
    )
