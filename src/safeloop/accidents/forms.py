"""Forms of the accident screens. They shape input; the services grade and check rights,
and their errors are put back on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.accidents.models import Accident
from safeloop.accidents.services import EDITABLE
from safeloop.core.widgets import SearchableSelect
from safeloop.enterprises.models import Enterprise
from safeloop.risks.models import AccidentType

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class AccidentForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("reason for the change (续报)"),
        required=False,
        max_length=2000,
        widget=TEXT,
        help_text=_("Required when the casualty or loss figures change."),
    )

    class Meta:
        model = Accident
        fields = ["enterprise", *EDITABLE]
        widgets = {
            "occurred_at": DATETIME,
            "summary": TEXT,
            "measures_taken": TEXT,
            "enterprise": SearchableSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["accident_type"].queryset = AccidentType.objects.filter(
            code_set__is_current=True
        ).order_by("position", "code")
        if self.instance.pk:
            del self.fields["enterprise"]
            self.initial["version"] = self.instance.version
        else:
            del self.fields["reason"]
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(
                user, "change"
            ).order_by("name")

    def changes(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("enterprise", "version")}
        return data


class VoidForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason for voiding"), max_length=2000, widget=TEXT)
