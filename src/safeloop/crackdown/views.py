"""The crackdown screens: cases (list, register, one case with the moves its reader may make),
a public report turned into a case, campaigns with targets against what was achieved, joint
operations, the statistics (and their Excel file) and the follow-up rules. Regulators only:
anyone else is refused (403) on the lists and does not find a case (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.documents import workbook_response
from safeloop.core.scoping import as_pk, can
from safeloop.core.views import attempt, attempt_form, file_response, get_for_user_or_404
from safeloop.crackdown import selectors, services
from safeloop.crackdown.choices import ActionKind, CaseState
from safeloop.crackdown.filters import CaseFilter
from safeloop.crackdown.forms import (
    ActionForm,
    CampaignForm,
    CaseForm,
    CloseForm,
    OperationForm,
    ReasonForm,
    RevisitForm,
    RuleForm,
    StatsForm,
    VerificationForm,
)
from safeloop.crackdown.models import (
    RULE_EDITORS,
    SUPERVISORS,
    Action,
    Case,
    CrackdownRule,
)
from safeloop.crackdown.workflow import CASE_WORKFLOW, actor_kinds
from safeloop.orgs.roles import REGULATORS
from safeloop.public.choices import ReportState
from safeloop.public.models import PublicReport

PAGE_SIZE = 50


def _regulator(user) -> None:
    if not user.roles & REGULATORS:
        raise PermissionDenied


@login_required
def case_list(request):
    _regulator(request.user)
    found = CaseFilter(request.GET or None, queryset=selectors.cases_for(request.user))
    page = Paginator(found.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    due = {d.case.pk: d for d in selectors.revisits_due(selectors.cases_for(request.user), today)}
    for case in page:
        case.due = due.get(case.pk)
    return render(
        request,
        "crackdown/case_list.html",
        {
            "filter": found,
            "page": page,
            "today": today,
            "overdue": [d for d in due.values() if d.due_on < today],
        },
    )


def _register(request, report=None):
    initial = {"found_on": timezone.localdate()}
    if report is not None:
        initial |= {
            "source": "public_report",
            "enterprise": report.enterprise_id,
            "subject_name": report.site_name,
            "subject_address": report.address,
            "location": report.address or report.site_name,
            "latitude": report.latitude,
            "longitude": report.longitude,
            "facts": report.description,
            "park": report.park_id,
            "found_on": timezone.localtime(report.created_at).date(),
        }
    form = CaseForm(request.POST or None, user=request.user, report=report, initial=initial)
    status = 200
    if request.method == "POST":
        extra = {"public_report": report} if report is not None else {}
        if report is not None:
            form.data = form.data.copy()
            form.data["source"] = "public_report"
        done = attempt_form(request, form, services.register_case, actor=request.user, **extra)
        if done:
            messages.success(request, _("Case registered."))
            return redirect("crackdown-case", done.value.pk)
        status = done.status
    return render(
        request, "crackdown/case_new.html", {"form": form, "report": report}, status=status
    )


@login_required
def case_new(request):
    _regulator(request.user)
    return _register(request)


@login_required
def from_report(request, pk):
    """A public report's case: opened when there is one, else registered from the report."""
    report = get_for_user_or_404(PublicReport, request.user, pk, "change")
    case = Case.objects.filter(public_report=report).first()
    if case is not None:
        return redirect("crackdown-case", case.pk)
    if report.state != ReportState.RECEIVED:
        raise Http404
    return _register(request, report)


MOVE_FORMS = {
    "decline": (ReasonForm, services.decline, _("Recorded as not filed.")),
    "file": (VerificationForm, services.file_case, _("Case filed.")),
    "add_action": (ActionForm, services.add_action, _("Action recorded.")),
    "revisit": (RevisitForm, services.add_revisit, _("Re-visit recorded.")),
    "close": (CloseForm, services.close_case, _("Case closed.")),
}
PLAIN_MOVES = {
    "verify": (services.verify, _("Verification started.")),
    "follow": (services.start_follow_up, _("Follow-up started.")),
}


@login_required
def action_document(request, pk):
    action = get_for_user_or_404(Action.objects.only("case_id", "document"), request.user, pk)
    return file_response(action.document)


@login_required
def case_detail(request, pk):
    case = get_for_user_or_404(
        Case.objects.select_related("campaign", "enterprise", "public_report", "hazard", "visit"),
        request.user,
        pk,
    )
    kinds = actor_kinds(request.user, case)
    moves = CASE_WORKFLOW.moves_for(case.state, kinds)
    forms = {
        move: MOVE_FORMS[move][0](
            initial={
                "visited_on": timezone.localdate(),
                "decided_on": timezone.localdate(),
                "still_closed": "1",
            }
        )
        for move in moves
        if move in MOVE_FORMS
    }
    status = 200
    if request.method == "POST":
        move = request.POST.get("move", "")
        if move == "void_action":
            action = get_for_user_or_404(
                Action.objects.filter(case=case), request.user, request.POST.get("action")
            )
            done = attempt(
                request,
                services.void_action,
                actor=request.user,
                action=action,
                reason=request.POST.get("reason", ""),
            )
            if done:
                messages.success(request, _("The action is void."))
                return redirect("crackdown-case", case.pk)
            status = done.status
        elif move in PLAIN_MOVES:
            func, said = PLAIN_MOVES[move]
            done = attempt(
                request, func, actor=request.user, case=case, version=request.POST.get("version")
            )
            if done:
                messages.success(request, said)
                return redirect("crackdown-case", case.pk)
            status = done.status
        elif move in MOVE_FORMS:
            form_class, func, said = MOVE_FORMS[move]
            form = form_class(request.POST, request.FILES)
            forms[move] = form
            extra = (
                {}
                if move in ("add_action", "revisit")
                else {"version": request.POST.get("version")}
            )
            done = attempt_form(request, form, func, actor=request.user, case=case, **extra)
            if done:
                messages.success(request, said)
                return redirect("crackdown-case", case.pk)
            status = done.status
        else:
            status = 400
            messages.error(request, _("Choose what to do."))
        case.refresh_from_db()
    actions = case.actions.all()
    due = [d for d in selectors.revisits_due(Case.objects.filter(pk=case.pk), timezone.localdate())]
    return render(
        request,
        "crackdown/case_detail.html",
        {
            "case": case,
            "moves": moves,
            "forms": forms,
            "panels": [
                (m, CASE_WORKFLOW.move_label(m), forms.get(m))
                for m in moves
                if m not in ("void_action", "relapse")
            ],
            "actions": actions,
            "follow_ups": case.follow_ups.select_related("visited_by"),
            "due": due[0] if due else None,
            "needed": services.visits_needed(case) if case.state == CaseState.TRACKING else 0,
            "may_void": "void_action" in moves,
            "fine": ActionKind.FINE,
        },
        status=status,
    )


@login_required
def campaign_list(request):
    _regulator(request.user)
    may_create = bool(request.user.roles & SUPERVISORS)
    form = CampaignForm(request.POST or None, user=request.user) if may_create else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = attempt_form(request, form, services.create_campaign, actor=request.user)
        if done:
            messages.success(request, _("Campaign saved."))
            return redirect("crackdown-campaign", done.value.pk)
        status = done.status
    page = Paginator(selectors.campaigns_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for campaign in page:
        campaign.progress = selectors.achieved(campaign)
    return render(
        request, "crackdown/campaign_list.html", {"page": page, "form": form}, status=status
    )


@login_required
def campaign_detail(request, pk):
    campaign = selectors.campaigns_for(request.user).filter(pk=as_pk(pk) or 0).first()
    if campaign is None:
        raise Http404
    may_edit = can(request.user, "change", campaign)
    fields = (
        "title",
        "starts_on",
        "ends_on",
        "focus",
        "target_cases",
        "target_stopped",
        "target_fines",
        "target_operations",
    )
    initial = {name: getattr(campaign, name) for name in fields}
    form = CampaignForm(initial=initial, user=request.user) if may_edit else None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = CampaignForm(request.POST, user=request.user)
        form.fields["region"].required = False
        done = attempt_form(
            request,
            form,
            services.update_campaign,
            actor=request.user,
            campaign=campaign,
            version=request.POST.get("version"),
        )
        if done:
            messages.success(request, _("Campaign saved."))
            return redirect("crackdown-campaign", campaign.pk)
        status = done.status
    if form is not None:
        del form.fields["region"]
    return render(
        request,
        "crackdown/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": selectors.achieved(campaign),
            "cases": selectors.cases_for(request.user).filter(campaign=campaign)[:200],
            "operations": campaign.operations.all(),
            "form": form,
        },
        status=status,
    )


@login_required
def operation_list(request):
    _regulator(request.user)
    may_create = bool(request.user.roles & SUPERVISORS)
    form = OperationForm(request.POST or None, user=request.user) if may_create else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = attempt_form(request, form, services.create_operation, actor=request.user)
        if done:
            messages.success(request, _("Joint operation recorded."))
            return redirect("crackdown-operations")
        status = done.status
    page = Paginator(
        selectors.operations_for(request.user).prefetch_related("cases"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request, "crackdown/operation_list.html", {"page": page, "form": form}, status=status
    )


@login_required
def statistics(request):
    _regulator(request.user)
    form = StatsForm(
        request.GET or None, user=request.user, initial={"year": timezone.localdate().year}
    )
    if request.GET and not form.is_valid():
        return render(request, "crackdown/stats.html", {"form": form}, status=400)
    data = form.cleaned_data if request.GET else {}
    year = data.get("year") or timezone.localdate().year
    stats = selectors.statistics(request.user, year, data.get("campaign"))
    if request.GET.get("format") == "xlsx":
        return _workbook(stats)
    return render(request, "crackdown/stats.html", {"form": form, "stats": stats})


def _workbook(stats):
    kinds = [label for _kind, label in ActionKind.choices]
    counts = [
        _("registered"),
        _("not filed"),
        _("cases open"),
        _("cases closed"),
        *kinds,
        _("fines (yuan)"),
    ]

    def rows(lines, label):
        for row in lines:
            yield [
                label(row["label"]),
                row["registered"],
                row["not_filed"],
                row["open"],
                row["closed"],
                *[row[k] for k in ActionKind.values],
                row["fines"],
            ]

    no_campaign = _("No campaign")
    return workbook_response(
        f"crackdown-{stats['year']}.xlsx",
        [
            (
                _("By campaign"),
                [_("crackdown campaign"), *counts],
                rows(stats["by_campaign"], lambda v: v or no_campaign),
            ),
            (_("By county"), [_("county"), *counts], rows(stats["by_county"], str)),
            (
                _("By month"),
                [_("month"), *counts],
                rows(stats["by_month"], lambda m: f"{stats['year']}-{m:02d}"),
            ),
            (
                _("By action"),
                [_("action taken"), _("count"), _("amount (yuan)")],
                ([r["label"], r["count"], r["amount"]] for r in stats["by_action"]),
            ),
        ],
    )


@login_required
def rules(request):
    _regulator(request.user)
    may_edit = bool(request.user.roles & RULE_EDITORS)
    form = RuleForm(request.POST or None) if may_edit else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only an administrator changes these rules."))
        done = attempt_form(request, form, services.add_rule, actor=request.user)
        if done:
            messages.success(request, _("Rule added."))
            return redirect("crackdown-rules")
        status = done.status
    return render(
        request,
        "crackdown/rules.html",
        {
            "form": form,
            "in_force": CrackdownRule.in_force(),
            "history": CrackdownRule.objects.all()[:60],
        },
        status=status,
    )
