"""The public pages (no sign-in): report, track, give feedback, see the exposure list; and
the regulators' triage and the administrators' rules."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core import ratelimit
from safeloop.core.views import attempt, attempt_form, get_for_user_or_404
from safeloop.public import rewards, selectors, services
from safeloop.public.choices import ReportState
from safeloop.public.forms import (
    AcceptForm,
    FeedbackForm,
    RejectForm,
    ReportForm,
    RulesForm,
    TrackForm,
)
from safeloop.public.models import RULE_EDITORS, PublicRules, Reward, code_hash

PAGE_SIZE = 50
HOUR = 3600
SHOWN_CODE = "public:shown-code"


def _limited(request, kind: str, limit: int, *, per_network: bool = True):
    """None within the limit; the 429 page past it. Counted per client network, or per
    `kind` alone."""
    key = f"public:{kind}:{ratelimit.client_ip(request)}" if per_network else f"public:{kind}"
    try:
        ratelimit.check(key, limit=limit, per=HOUR)
    except ratelimit.RateLimited as error:
        return ratelimit.too_many(request, error)
    return None


def report(request):
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_robot:
            return redirect("public-report-sent")  # answer as if it worked, record nothing
        refused = _limited(request, "report", PublicRules.current().reports_per_hour)
        if refused:
            return refused
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            outcome = attempt(
                request,
                services.submit,
                actor=None,
                form=form,
                description=data["description"],
                enterprise=form.chosen,
                site_name=data["site_name"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                county=data["county"],
                contact=data["contact"],
                photos=data["photos"],
            )
            if outcome.ok:
                request.session[SHOWN_CODE] = outcome.value[1]
                return redirect("public-report-sent")
            status = outcome.status
    return render(request, "public/report.html", {"form": form}, status=status)


def report_sent(request):
    """The tracking code, shown once: it leaves the session as the page is drawn."""
    code = request.session.pop(SHOWN_CODE, "")
    return render(request, "public/sent.html", {"code": code})


def _status_page(request, report, form=None, feedback=None, status=200):
    shown = report.duplicate_of or report
    return render(
        request,
        "public/track.html",
        {
            "form": form or TrackForm(),
            "report": report,
            "shown": shown,
            "feedback": feedback,
            "reward": Reward.objects.filter(report=report).first(),
            "may_feedback": report.state == ReportState.ACCEPTED
            and report.hazard is not None
            and report.hazard.state == "closed",
        },
        status=status,
    )


def track(request):
    """The reporter's status page: found by tracking code (posted, never in the address)."""
    form = TrackForm(request.POST or None)
    if request.method != "POST":
        return render(request, "public/track.html", {"form": form})
    refused = _limited(request, "track", PublicRules.current().lookups_per_hour)
    if refused:
        return refused
    if not form.is_valid():
        return render(request, "public/track.html", {"form": form}, status=400)
    code = form.cleaned_data["code"]
    # per code too: guessing one code from many networks is limited as well
    limit = PublicRules.current().lookups_per_hour
    refused = _limited(request, f"code:{code_hash(code)}", limit, per_network=False)
    if refused:
        return refused
    found = services.by_code(code)
    if found is None:
        form.add_error("code", _("No report has this tracking code."))
        return render(request, "public/track.html", {"form": form}, status=404)
    feedback = FeedbackForm(initial={"code": form.cleaned_data["code"]})
    return _status_page(request, found, feedback=feedback)


def feedback(request):
    """The reporter confirms the fix or says it is not fixed."""
    if request.method != "POST":
        return redirect("public-track")
    refused = _limited(request, "track", PublicRules.current().lookups_per_hour)
    if refused:
        return refused
    form = FeedbackForm(request.POST, request.FILES)
    if not form.is_valid():
        found = services.by_code(request.POST.get("code", ""))
        if found is None:
            return render(request, "public/track.html", {"form": TrackForm()}, status=404)
        return _status_page(request, found, feedback=form, status=400)
    data = form.cleaned_data
    if data["answer"] == "fixed":
        outcome = attempt(
            request,
            services.confirm_fixed,
            code=data["code"],
            actor=None,
            note=data["note"],
            form=form,
        )
    else:
        outcome = attempt(
            request,
            services.not_fixed,
            code=data["code"],
            actor=None,
            note=data["note"],
            photos=data["photos"],
            form=form,
        )
    found = services.by_code(data["code"])
    assert found is not None  # the service answered 404 otherwise
    if not outcome.ok:
        return _status_page(request, found, feedback=form, status=outcome.status)
    return _status_page(request, found)


def exposure(request):
    rules = PublicRules.current()
    page = Paginator(selectors.exposed(rules), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/exposure.html",
        {"page": page, "rules": rules, "today": timezone.localdate()},
    )


# ---------------------------------------------------------------- regulators
@login_required
def triage_list(request):
    state = request.GET.get("state", ReportState.RECEIVED)
    if state not in ReportState.values:
        state = ""
    page = Paginator(selectors.triage(request.user, state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "public/triage_list.html",
        {
            "page": page,
            "state": state,
            "states": ReportState.choices,
            "may_edit_rules": bool(request.user.roles & RULE_EDITORS),
        },
    )


@login_required
def triage_detail(request, pk):
    report = get_for_user_or_404(services.PublicReport, request.user, pk)
    accept_form = AcceptForm(initial={"version": report.version}, user=request.user)
    reject_form = RejectForm(initial={"version": report.version})
    status = 200
    if request.method == "POST":
        move = request.POST.get("move")
        if move == "accept":
            accept_form = AcceptForm(request.POST, user=request.user)
            form = accept_form
        elif move == "reject":
            reject_form = RejectForm(request.POST)
            form = reject_form
        else:
            return render(request, "public/triage_detail.html", {"report": report}, status=400)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            func = services.accept if move == "accept" else services.reject
            outcome = attempt(request, func, report=report, actor=request.user, form=form, **data)
            if outcome.ok:
                return redirect("public-triage-detail", pk=report.pk)
            status = outcome.status
    return render(
        request,
        "public/triage_detail.html",
        {
            "report": report,
            "accept_form": accept_form,
            "reject_form": reject_form,
            "may_reward": report.state in (ReportState.ACCEPTED, ReportState.CONFIRMED)
            and report.hazard is not None
            and report.hazard.state in rewards.VERIFIED,
        },
        status=status,
    )


@login_required
def photo(request, pk, photo_pk):
    """A report's photo, to the regulators who see the report (never a public media URL)."""
    report = get_for_user_or_404(services.PublicReport, request.user, pk)
    stored = get_object_or_404(report.photos.all(), pk=photo_pk)
    file = stored.thumbnail if request.GET.get("size") == "thumb" else stored.image
    response = FileResponse(file.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def rules(request):
    if not request.user.roles & RULE_EDITORS:
        raise PermissionDenied(_("Only an administrator changes these rules."))
    current = PublicRules.current()
    form = RulesForm(
        request.POST or None,
        initial={
            **{f: getattr(current, f) for f in RulesForm._meta.fields or []},
            "effective_from": timezone.localdate(),
            "source": "",
        },
    )
    status = 200
    if request.method == "POST":
        outcome = attempt_form(request, form, services.add_rules, actor=request.user)
        if outcome.ok:
            return redirect("public-rules")
        status = outcome.status
    return render(
        request,
        "public/rules.html",
        {"form": form, "current": current, "history": PublicRules.objects.all()[:20]},
        status=status,
    )
