"""The training screens: records across the reader's scope, one enterprise's 三项岗位
people with their hours and certificates (records and the annual figures entered there),
the statutory-hours rules, and publicity campaigns; the public campaigns page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.core.scoping import as_pk, can
from safeloop.core.views import attempt, attempt_form, file_response, get_for_user_or_404
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import REGULATORS
from safeloop.training import selectors, services
from safeloop.training.filters import RecordFilter
from safeloop.training.forms import (
    ActivityForm,
    AnnualForm,
    CampaignForm,
    MaterialForm,
    RecordForm,
    RuleForm,
)
from safeloop.training.models import (
    RULE_EDITORS,
    AnnualTraining,
    Campaign,
    CampaignMaterial,
    TrainingRecord,
    TrainingRule,
)

PAGE_SIZE = 50


@login_required
def record_list(request):
    records = RecordFilter(request.GET or None, queryset=selectors.records_for(request.user))
    page = Paginator(records.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/record_list.html",
        {"filter": records, "page": page, "regulator": bool(request.user.roles & REGULATORS)},
    )


@login_required
def enterprise(request, pk):
    """One enterprise's training: people and hours, records, the annual figures. Staff and
    regulators in scope add records and the year's figures here."""
    firm = get_for_user_or_404(Enterprise, request.user, pk)
    may_edit = can(request.user, "change", firm)
    today = timezone.localdate()
    record_form = annual_form = None
    status = 200
    if may_edit:
        record_form = RecordForm(enterprise=firm, initial={"kind": "refresher"})
        annual_form = AnnualForm(initial={"year": today.year - 1})
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if request.POST.get("form") == "annual":
            annual_form = AnnualForm(request.POST)
            done = attempt_form(
                request,
                annual_form,
                services.save_annual,
                actor=request.user,
                enterprise=firm,
            )
            if done:
                messages.success(request, _("Saved."))
                return redirect("training-enterprise", firm.pk)
            status = done.status
        else:
            record_form = RecordForm(request.POST, request.FILES, enterprise=firm)
            done = attempt_form(
                request,
                record_form,
                services.record_training,
                actor=request.user,
                enterprise=firm,
            )
            if done:
                messages.success(request, _("Training recorded."))
                return redirect("training-enterprise", firm.pk)
            status = done.status
    records = selectors.records_for(request.user).filter(enterprise=firm)
    annual = AnnualTraining.objects.filter(enterprise=firm).order_by("-year")
    return render(
        request,
        "training/enterprise.html",
        {
            "enterprise": firm,
            "people": selectors.people_of(firm, today),
            "records": records[:200],
            "annual": annual,
            "record_form": record_form,
            "annual_form": annual_form,
        },
        status=status,
    )


@login_required
def record_detail(request, pk):
    record = get_for_user_or_404(selectors.records_for(request.user), request.user, pk)
    return render(
        request,
        "training/record_detail.html",
        {"record": record, "may_edit": can(request.user, "change", record)},
    )


@login_required
def record_scan(request, pk):
    record = get_for_user_or_404(selectors.records_for(request.user), request.user, pk)
    return file_response(record.scan)


@login_required
def material_file(request, pk):
    material = get_object_or_404(
        CampaignMaterial.objects.select_related("campaign"), pk=as_pk(pk) or 0
    )
    get_for_user_or_404(Campaign, request.user, material.campaign_id)
    return file_response(material.file)


def public_material_file(request, pk):
    """No sign-in: a material of a campaign shown on the public site."""
    material = get_object_or_404(
        CampaignMaterial, pk=as_pk(pk) or 0, campaign__in=selectors.public_campaigns()
    )
    return file_response(material.file, public=True)


@login_required
@require_POST
def record_void(request, pk):
    record = get_for_user_or_404(TrainingRecord, request.user, pk, "change")
    done = attempt(
        request,
        services.void_training,
        actor=request.user,
        record=record,
        version=request.POST.get("version"),
        note=request.POST.get("note", ""),
    )
    if done:
        messages.success(request, _("The record is void."))
    return redirect("training-record", record.pk)


@login_required
def rules(request):
    may_edit = bool(request.user.roles & RULE_EDITORS)
    form = RuleForm(request.POST or None) if may_edit else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only an administrator changes these rules."))
        done = attempt_form(request, form, services.add_rule, actor=request.user)
        if done:
            messages.success(request, _("Rule added."))
            return redirect("training-rules")
        status = done.status
    return render(
        request,
        "training/rules.html",
        {
            "form": form,
            "in_force": list(TrainingRule.in_force().values()),
            "history": TrainingRule.objects.all()[:60],
        },
        status=status,
    )


def _regulator(user) -> None:
    if not user.roles & REGULATORS:
        raise PermissionDenied


@login_required
def campaign_list(request):
    _regulator(request.user)
    form = CampaignForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        done = attempt_form(request, form, services.create_campaign, actor=request.user)
        if done:
            return redirect("training-campaign", done.value.pk)
        status = done.status
    page = Paginator(selectors.campaigns_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "training/campaign_list.html", {"page": page, "form": form}, status=status
    )


@login_required
def campaign_detail(request, pk):
    campaign = get_for_user_or_404(Campaign, request.user, pk)
    may_edit = can(request.user, "change", campaign)
    activity = ActivityForm(campaign=campaign) if may_edit else None
    material = MaterialForm() if may_edit else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        status = 400
        if request.POST.get("form") == "material":
            material = MaterialForm(request.POST, request.FILES)
            form, service = material, services.add_material
        else:
            activity = ActivityForm(request.POST, campaign=campaign)
            form, service = activity, services.add_activity
        done = attempt_form(request, form, service, actor=request.user, campaign=campaign)
        if done:
            messages.success(request, _("Saved."))
            return redirect("training-campaign", campaign.pk)
        status = done.status
    return render(
        request,
        "training/campaign_detail.html",
        {
            "campaign": campaign,
            "activities": campaign.activities.select_related("enterprise"),
            "materials": campaign.materials.all(),
            "enterprises": campaign.enterprises.order_by("name"),
            "activity_form": activity,
            "material_form": material,
        },
        status=status,
    )


def public_campaigns(request):
    """No sign-in: campaigns with their period, materials, participating enterprises (names
    only) and activities. Nothing personal is kept on a campaign."""
    page = Paginator(selectors.public_campaigns(), 20).get_page(request.GET.get("page"))
    return render(request, "training/public_campaigns.html", {"page": page})
