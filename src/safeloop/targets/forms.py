import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.accidents.choices import Grade
from safeloop.orgs.models import Park, Region
from safeloop.targets.choices import EntryKind, Measure
from safeloop.targets.models import IndicatorKind


def year_choices():
    this = timezone.localdate().year
    return [(y, str(y)) for y in range(this + 1, this - 6, -1)]


class UnitMixin:
    """A county and optionally one of its parks, limited to the city's units."""

    def unit_fields(self, city: Region):
        prefix = city.prefix
        self.fields["region_code"] = forms.ChoiceField(
            label=_("County"),
            choices=[("", _("Choose…"))]
            + [
                (r.code, r.name)
                for r in Region.objects.filter(code__startswith=prefix).order_by("code")
                if r.code != city.code
            ],
        )
        self.fields["park"] = forms.ModelChoiceField(
            label=_("Park (optional)"),
            queryset=Park.objects.filter(region_code__startswith=prefix).order_by("name"),
            required=False,
            empty_label=_("None: the county itself"),
        )


class IndicatorForm(UnitMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    kind = forms.ModelChoiceField(
        label=_("Indicator"), queryset=IndicatorKind.objects.filter(active=True), empty_label=None
    )
    limit = forms.DecimalField(label=_("Limit"), min_value=0, max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, city: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_fields(city)
        self.fields["region_code"].choices = [
            ("", _("Choose…")),
            (city.code, _("%(city)s (the city's total)") % {"city": city.name}),
            *self.fields["region_code"].choices[1:],
        ]
        self.order_fields(["year", "kind", "region_code", "park", "limit", "note"])


class LetterForm(UnitMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    issuer_signatory = forms.CharField(label=_("Signed for the issuer"), max_length=50)
    holder_signatory = forms.CharField(label=_("Signed for the unit"), max_length=50)
    signed_on = forms.DateField(
        label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    scan = forms.FileField(
        label=_("Signed scan (PDF or image)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, city: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_fields(city)
        self.order_fields(
            ["year", "region_code", "park", "issuer_signatory", "holder_signatory", "signed_on"]
        )


class VoidForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ComputeForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=EntryKind.choices)
    item = forms.ChoiceField(label=_("Manual item"), required=False)
    points = forms.DecimalField(label=_("Points"), max_digits=6, decimal_places=2)
    reason = forms.CharField(
        label=_("Reason or evidence"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("— (an adjustment)"))] + [
            (i["code"], f"{i['name']}（{i['weight']}）") for i in items if i["formula"] == "manual"
        ]


class RuleForm(forms.Form):
    warn_percent = forms.IntegerField(
        label=_("Warn at (% of the limit)"), min_value=1, max_value=100
    )
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=_("Source"), max_length=300)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class KindForm(forms.Form):
    code = forms.SlugField(label=pgettext_lazy("indicator code", "Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=60)
    measure = forms.ChoiceField(label=_("Counts"), choices=Measure.choices)
    grade = forms.ChoiceField(
        label=_("Only accidents of grade"),
        choices=[("", _("Every grade"))] + list(Grade.choices),
        required=False,
    )
    source = forms.CharField(label=_("Source"), max_length=300, required=False)


class JSONField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 10, "class": "mono"})

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return json.loads(value) if value else None
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None

    def prepare_value(self, value):
        if isinstance(value, list | dict):
            return json.dumps(value, ensure_ascii=False, indent=1)
        return value


class SchemeForm(forms.Form):
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    items = JSONField(label=_("Items"))
    vetoes = JSONField(label=_("Veto rules"))
    source = forms.CharField(label=_("Source"), max_length=300)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
