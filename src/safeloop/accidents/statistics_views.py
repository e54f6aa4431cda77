"""The statistics screen of accidents in the user's scope, its Excel export and the API."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.accidents import statistics
from safeloop.core.documents import workbook_response


class StatisticsForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)
    by = forms.ChoiceField(
        label=_("by"),
        choices=[(k, v[0]) for k, v in statistics.DIMENSIONS.items()],
        required=False,
    )

    def values(self) -> tuple[int, str]:
        data = self.cleaned_data
        return data.get("year") or timezone.localdate().year, data.get("by") or "month"


def _read(request):
    form = StatisticsForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None, None, None
    year, by = form.values() if form.is_bound else (timezone.localdate().year, "month")
    rows = statistics.breakdown(statistics.accidents_in_scope(request.user), year=year, by=by)
    return form, year, by, rows


@login_required
def statistics_page(request):
    form, year, by, rows = _read(request)
    return render(
        request,
        "accidents/statistics.html",
        {
            "form": form,
            "year": year,
            "by": by,
            "rows": rows,
            "measures": [statistics.MEASURE_LABELS[m] for m in statistics.MEASURES],
            "query": request.GET.urlencode(),
        },
        status=200 if rows is not None else 400,
    )


@login_required
def statistics_export(request):
    form, year, by, rows = _read(request)
    if rows is None:
        return statistics_page(request)
    sheet = statistics.as_sheet(rows, by=by, year=year)
    return workbook_response(f"accident-statistics-{year}-{by}.xlsx", [sheet])
