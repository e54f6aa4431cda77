"""The targets screens: the year's control indicators and their consumption, the
responsibility letters (and the units missing one), the annual assessment with each unit's
traceable items, the rules (warning share, indicator kinds, scoring schemes), and the
award-eligibility list (评先评优)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeloop.core.documents import pdf_response
from safeloop.core.views import attempt, attempt_form, file_response, get_for_user_or_404
from safeloop.orgs.models import Region
from safeloop.targets import documents, selectors, services
from safeloop.targets.forms import (
    ApproveForm,
    ComputeForm,
    EntryForm,
    IndicatorForm,
    KindForm,
    LetterForm,
    RuleForm,
    SchemeForm,
    VoidForm,
)
from safeloop.targets.models import (
    CITY_ADMINS,
    Assessment,
    AssessmentResult,
    IndicatorKind,
    ResponsibilityLetter,
    ScoreEntry,
    ScoringScheme,
    TargetRule,
)
from safeloop.targets.workflow import ASSESSMENT_WORKFLOW, actor_kinds


def _year(request) -> int:
    this = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this)
    except ValueError:
        return this
    return year if 2000 <= year <= this + 1 else this


def _regulator(request):
    if not selectors.is_reader(request.user):
        raise PermissionDenied


def _city(request):
    cities = selectors.cities_for(request.user)
    if not cities:
        raise Http404
    code = request.GET.get("city")
    return next((c for c in cities if c.code == code), cities[0]), cities


def _city_admin(user) -> bool:
    return bool(user.roles & CITY_ADMINS)


@login_required
def indicators(request):
    _regulator(request)
    city, cities = _city(request)
    year = _year(request)
    form = None
    status = 200
    if _city_admin(request.user):
        form = IndicatorForm(city=city, initial={"year": year})
        if request.method == "POST":
            form = IndicatorForm(request.POST, city=city)
            existing_version = request.POST.get("version") or None
            done = attempt_form(
                request, form, services.set_indicator, actor=request.user, version=existing_version
            )
            if done:
                messages.success(request, _("Saved."))
                return redirect(f"{reverse('targets-indicators')}?year={form.cleaned_data['year']}")
            status = done.status
    elif request.method == "POST":
        raise PermissionDenied
    b = selectors.board(request.user, city, year)
    return render(
        request,
        "targets/indicators.html",
        {"board": b, "form": form, "year": year, "cities": cities, "months": range(1, 13)},
        status=status,
    )


@login_required
def letters(request):
    _regulator(request)
    city, cities = _city(request)
    year = _year(request)
    may_add = bool(request.user.roles & ResponsibilityLetter.scope_roles["change"])
    form = LetterForm(city=city, initial={"year": year}) if may_add else None
    status = 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        form = LetterForm(request.POST, request.FILES, city=city)
        done = attempt_form(request, form, services.record_letter, actor=request.user)
        if done:
            messages.success(request, _("Saved."))
            return redirect("targets-letter", done.value.pk)
        status = done.status
    rows = selectors.letters_for(request.user).filter(year=year)
    return render(
        request,
        "targets/letters.html",
        {
            "letters": rows,
            "missing": selectors.missing_letters(request.user, city, year),
            "form": form,
            "year": year,
            "names": dict(Region.objects.values_list("code", "name")),
        },
        status=status,
    )


@login_required
def letter(request, pk):
    item = get_for_user_or_404(ResponsibilityLetter, request.user, pk)
    from safeloop.core.scoping import can

    may_void = not item.voided_at and can(request.user, "change", item)
    form = VoidForm(initial={"version": item.version}) if may_void else None
    status = 200
    if request.method == "POST":
        item = get_for_user_or_404(ResponsibilityLetter, request.user, pk, "change")
        form = VoidForm(request.POST)
        done = attempt_form(request, form, services.void_letter, actor=request.user, letter=item)
        if done:
            messages.success(request, _("Voided."))
            return redirect("targets-letter", item.pk)
        status = done.status
    return render(request, "targets/letter.html", {"letter": item, "form": form}, status=status)


@login_required
def letter_scan(request, pk):
    item = get_for_user_or_404(ResponsibilityLetter, request.user, pk)
    return file_response(item.scan)


@login_required
def entry_evidence(request, pk):
    entry = get_for_user_or_404(ScoreEntry.objects.only("result_id", "evidence"), request.user, pk)
    return file_response(entry.evidence)


@login_required
def assessment(request):
    _regulator(request)
    city, cities = _city(request)
    year = _year(request)
    found = selectors.assessment_for(request.user, city, year)
    kinds = actor_kinds(request.user, city.code)
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "approve":
            if found is None:
                raise Http404
            form = ApproveForm(request.POST)
            done = attempt_form(
                request, form, services.approve, actor=request.user, assessment=found
            )
        else:
            done = attempt(
                request,
                services.compute_assessment,
                actor=request.user,
                region_code=city.code,
                year=year,
            )
        if done:
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('targets-assessment')}?year={year}")
        status = done.status
        found = selectors.assessment_for(request.user, city, year)
    results = list(selectors.results_for(request.user, found)) if found else []
    moves = (
        ASSESSMENT_WORKFLOW.moves_for(found.state, kinds)
        if found
        else (["compute"] if kinds else [])
    )
    return render(
        request,
        "targets/assessment.html",
        {
            "assessment": found,
            "counties": [r for r in results if not r.park_id],
            "parks": [r for r in results if r.park_id],
            "year": year,
            "city": city,
            "moves": moves,
            "compute_form": ComputeForm(initial={"year": year}),
        },
        status=status,
    )


INPUT_LABELS = {
    "major": gettext_lazy("major hidden dangers found"),
    "closed": gettext_lazy("of them closed"),
    "overdue": gettext_lazy("overdue"),
    "enterprises": gettext_lazy("enterprises"),
    "visited": gettext_lazy("inspected"),
    "done": gettext_lazy("self-checks done"),
    "missed": gettext_lazy("self-checks missed"),
    "items": gettext_lazy("namings on bulletins"),
    "deaths": gettext_lazy("deaths"),
    "injuries": gettext_lazy("injuries"),
    "direct_loss": gettext_lazy("direct loss"),
}


def shown_inputs(inputs: dict) -> list[tuple[str, str]]:
    """An item's figures as (label, value) in words: indicator names are already names;
    nested breakdowns (accidents by grade) are left out of the line."""
    shown = []
    for key, value in (inputs or {}).items():
        if isinstance(value, dict) and "used" in value:
            shown.append((key, f"{value['used']:g}/{value['limit']:g}"))
        elif not isinstance(value, dict) and key in INPUT_LABELS:
            shown.append(
                (str(INPUT_LABELS[key]), f"{value:g}" if isinstance(value, float) else value)
            )
    return shown


@login_required
def result(request, pk):
    row = get_for_user_or_404(AssessmentResult, request.user, pk)
    a = row.assessment
    kinds = actor_kinds(request.user, a.region_code)
    may_score = "score" in ASSESSMENT_WORKFLOW.moves_for(a.state, kinds)
    form = EntryForm(items=a.scheme.items, initial={"version": a.version}) if may_score else None
    status = 200
    if request.method == "POST":
        row = get_for_user_or_404(AssessmentResult, request.user, pk, "change")
        form = EntryForm(request.POST, request.FILES, items=a.scheme.items)
        done = attempt_form(request, form, services.score_entry, actor=request.user, result=row)
        if done:
            messages.success(request, _("Saved."))
            return redirect("targets-result", row.pk)
        status = done.status
    for item in row.items:
        item["shown_inputs"] = shown_inputs(item.get("inputs"))
    return render(
        request,
        "targets/result.html",
        {"row": row, "assessment": a, "form": form, "entries": row.entries.select_related("by")},
        status=status,
    )


def _visible_assessment(request, pk) -> Assessment:
    found = Assessment.objects.for_user(request.user).filter(pk=pk).distinct().first()
    if found is None:
        raise Http404
    return found


@login_required
def report_pdf(request, pk):
    a = _visible_assessment(request, pk)
    results = list(selectors.results_for(request.user, a))
    return pdf_response(documents.report_pdf(a, results), f"考核结果-{a.year}.pdf")


@login_required
def results_xlsx(request, pk):
    a = _visible_assessment(request, pk)
    return documents.results_workbook(a, list(selectors.results_for(request.user, a)))


@login_required
def rules(request):
    _regulator(request)
    editor = _city_admin(request.user)
    forms = {
        "rule": RuleForm(prefix="rule"),
        "kind": KindForm(prefix="kind"),
        "scheme": SchemeForm(prefix="scheme"),
    }
    current = ScoringScheme.in_force(timezone.localdate())
    if current:
        forms["scheme"].initial = {"items": current.items, "vetoes": current.vetoes}
    status = 200
    if request.method == "POST":
        if not editor:
            raise PermissionDenied
        which = request.POST.get("form")
        service = {
            "rule": services.add_target_rule,
            "kind": services.add_indicator_kind,
            "scheme": services.add_scheme,
        }.get(which)
        if service is None:
            status = 400
        else:
            form_class = {"rule": RuleForm, "kind": KindForm, "scheme": SchemeForm}[which]
            forms[which] = form_class(request.POST, prefix=which)
            done = attempt_form(request, forms[which], service, actor=request.user)
            if done:
                messages.success(request, _("Saved."))
                return redirect("targets-rules")
            status = done.status
    return render(
        request,
        "targets/rules.html",
        {
            "editor": editor,
            "forms": forms,
            "rules": TargetRule.objects.all(),
            "kinds": IndicatorKind.objects.all(),
            "schemes": ScoringScheme.objects.all(),
            "in_force": TargetRule.in_force(),
            "scheme_in_force": current,
        },
        status=status,
    )


@login_required
def awards(request):
    year = _year(request)
    rows = selectors.ineligible_rows(request.user, year)
    if request.GET.get("format") == "xlsx":
        return documents.awards_workbook(year, rows)
    return render(
        request,
        "targets/awards.html",
        {
            "rows": rows,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )
