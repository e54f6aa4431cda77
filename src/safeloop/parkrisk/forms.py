from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE
from safeloop.orgs.models import Park
from safeloop.parkrisk.choices import Confidence, OverallLevel
from safeloop.parkrisk.models import AssessmentRule

TEXT = forms.Textarea(attrs={"rows": 4})
LEVELS = [("", _("Not chosen yet")), *OverallLevel.choices]


class StartForm(forms.Form):
    park = forms.ModelChoiceField(label=_("park"), queryset=Park.objects.none())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        self.fields["park"].empty_label = _("Choose a park")
        if not self.is_bound:
            # the year whose assessment falls due next under the rule in force
            rule = AssessmentRule.in_force()
            offset = rule.due_year_offset if rule else 0
            self.initial.setdefault("year", timezone.localdate().year - offset)


class AssessmentForm(forms.Form):
    experts = forms.CharField(
        label=_("experts"),
        max_length=300,
        required=False,
        help_text=_("Names and units of the experts who took part."),
    )
    expert_opinion = forms.CharField(
        label=_("expert opinion"), widget=TEXT, max_length=5000, required=False
    )
    overall_level = forms.ChoiceField(label=_("overall risk level"), choices=LEVELS, required=False)
    conclusion = forms.CharField(
        label=_("conclusion"), widget=TEXT, max_length=5000, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=1000, required=False, widget=TEXT)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MeasureForm(forms.Form):
    text = forms.CharField(label=_("measure to take"), max_length=300)
    owner = forms.CharField(label=_("responsible person or unit"), max_length=100)
    deadline = forms.DateField(label=_("complete by"), widget=DATE)


class MeasureNoteForm(forms.Form):
    note = forms.CharField(label=_("progress"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RuleForm(forms.Form):
    due_month = forms.IntegerField(label=_("due month"), min_value=1, max_value=12)
    due_day = forms.IntegerField(label=_("due day"), min_value=1, max_value=31)
    due_year_offset = forms.TypedChoiceField(
        label=_("due in"),
        coerce=int,
        choices=[(0, _("the assessed year")), (1, _("the year after it"))],
    )
    warn_days = forms.IntegerField(
        label=_("warn before the due day (days)"), min_value=0, max_value=365
    )
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    source = forms.CharField(label=_("source"), max_length=300)
    confidence = forms.ChoiceField(label=_("confidence"), choices=Confidence.choices)
    notes = forms.CharField(label=_("notes"), widget=TEXT, required=False)
