from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.credit.models import CreditRule, CreditScheme, ListingPolicy


class RuleForm(forms.ModelForm):
    class Meta:
        model = CreditRule
        fields = [
            "kind",
            "points",
            "validity_months",
            "charge_persons",
            "effective_from",
            "source",
            "notes",
        ]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}


class SchemeForm(forms.ModelForm):
    class Meta:
        model = CreditScheme
        fields = ["base_score", "a_min", "b_min", "c_min", "effective_from", "source"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}

    def validate_unique(self):
        """The service says when a version already takes effect that day."""


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ListingPolicy
        fields = [
            "period_years",
            "repair_after_months",
            "objection_days",
            "serious_count",
            "serious_window_months",
            "effective_from",
            "source",
        ]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}

    def validate_unique(self):
        """The service says when a version already takes effect that day."""


class NoteForm(forms.Form):
    """The one text a move asks for (decision number, objection, reasons …)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Text"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    commitment = forms.CharField(
        label=_("credit commitment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    """Why an event is voided (the service says when it is missing)."""

    reason = forms.CharField(
        label=_("reason for voiding"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
