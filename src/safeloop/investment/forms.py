from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE
from safeloop.enterprises.choices import Sector
from safeloop.investment.choices import UseCategory
from safeloop.investment.models import InsuranceRule, RateTable

TEXT = forms.Textarea(attrs={"rows": 3})
MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}
MAX_REVENUE = Decimal("99999999999999.99")


class CalculatorForm(forms.Form):
    """The public calculator: a sector with a table in force and last year's revenue."""

    sector = forms.ChoiceField(label=_("sector"))
    revenue = forms.DecimalField(
        label=_("previous year's operating revenue (yuan)"), max_value=MAX_REVENUE, **MONEY
    )

    def __init__(self, *args, tables: dict[str, RateTable], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [(s.value, s.label) for s in Sector if s.value in tables]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    revenue = forms.DecimalField(
        label=_("previous year's operating revenue (yuan)"), max_value=MAX_REVENUE, **MONEY
    )
    extracted = forms.DecimalField(
        label=_("extracted so far (yuan)"), max_value=MAX_REVENUE, required=False, **MONEY
    )
    opening_balance = forms.DecimalField(
        label=_("balance brought in (yuan)"),
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text=_("Only for the first year recorded; later years carry the balance over."),
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UseForm(forms.Form):
    spent_on = forms.DateField(label=_("spent on"), widget=DATE)
    category = forms.ChoiceField(label=_("use category"), choices=UseCategory.choices)
    amount = forms.DecimalField(label=_("amount (yuan)"), max_value=MAX_REVENUE, **MONEY)
    description = forms.CharField(label=_("what was bought or done"), max_length=300)
    voucher = forms.FileField(label=_("voucher (PDF)"))


class VoidForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("why void"), max_length=300)


def parse_band_lines(text: str) -> list[dict]:
    """Band lines as typed ("upper-bound-in-yuan rate-percent", the last line the rate
    alone) → the stored form. Raises ValidationError on the field."""
    rows = []
    lines = [line.split() for line in (text or "").splitlines() if line.strip()]
    for i, parts in enumerate(lines):
        last = i == len(lines) - 1
        if len(parts) != (1 if last else 2):
            raise forms.ValidationError(
                _("Line %(n)s: give the upper bound and the rate; the last line only the rate.")
                % {"n": i + 1}
            )
        try:
            values = [Decimal(p.rstrip("%")) for p in parts]
        except InvalidOperation:
            raise forms.ValidationError(_("Line %(n)s: numbers only.") % {"n": i + 1}) from None
        rows.append({"up_to": None if last else str(values[0]), "rate": str(values[-1])})
    if not rows:
        raise forms.ValidationError(_("Give at least one band."))
    return rows


class TableForm(forms.ModelForm):
    bands = forms.CharField(
        label=_("bands"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One band a line: its upper bound in yuan and its rate in percent, e.g. "
            "“10000000 3”; the last line only the rate of the revenue above."
        ),
    )

    class Meta:
        model = RateTable
        fields = ["sector", "bands", "effective_from", "source", "confidence", "notes"]
        widgets = {"effective_from": DATE, "notes": TEXT}

    def clean_bands(self):
        return parse_band_lines(self.cleaned_data["bands"])

    def validate_unique(self):
        """The service says when the sector already has a table from that day."""


class InsuranceRuleForm(forms.ModelForm):
    guarantee_sectors = forms.MultipleChoiceField(
        label=_("sectors that need a risk deposit or liability insurance"),
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = InsuranceRule
        fields = [
            "coverage_percent",
            "guarantee_sectors",
            "warn_days",
            "effective_from",
            "source",
            "confidence",
            "notes",
        ]
        widgets = {"effective_from": DATE, "notes": TEXT}

    def validate_unique(self):
        """The service says when there is already a rule from that day."""
