from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.widgets import DATE, SearchableSelect, SearchableSelectMultiple
from safeloop.enterprises.models import Enterprise, SafetyManager, SpecialOperator
from safeloop.orgs.models import Region
from safeloop.training.choices import ExamResult, Kind, Post
from safeloop.training.models import TrainingRule

TEXT = forms.Textarea(attrs={"rows": 3})


class RecordForm(forms.Form):
    post = forms.ChoiceField(label=_("post"), choices=Post.choices)
    safety_manager = forms.ModelChoiceField(
        label=_("safety manager"), queryset=SafetyManager.objects.none(), required=False
    )
    operator = forms.ModelChoiceField(
        label=_("special-operation worker"),
        queryset=SpecialOperator.objects.none(),
        required=False,
    )
    person_name = forms.CharField(
        label=pgettext_lazy("person", "name"),
        max_length=50,
        required=False,
        help_text=_("Leave empty for the principal or a person chosen from the ledger."),
    )
    course = forms.CharField(label=_("course"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    hours = forms.DecimalField(label=_("hours"), max_digits=6, decimal_places=1, min_value=0)
    provider = forms.CharField(label=_("provider"), max_length=200, required=False)
    started_on = forms.DateField(label=_("from"), widget=DATE)
    ended_on = forms.DateField(label=_("to"), widget=DATE)
    exam_result = forms.ChoiceField(label=_("exam result"), choices=ExamResult.choices)
    certificate_number = forms.CharField(
        label=_("certificate number"), max_length=50, required=False
    )
    certificate_valid_to = forms.DateField(
        label=_("certificate valid to"), widget=DATE, required=False
    )
    scan = forms.FileField(label=_("scan (PDF)"), required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["safety_manager"].queryset = SafetyManager.objects.filter(enterprise=enterprise)
        self.fields["operator"].queryset = SpecialOperator.objects.filter(enterprise=enterprise)


class AnnualForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    staff_count = forms.IntegerField(label=_("staff"), min_value=0, max_value=10**6)
    trained_count = forms.IntegerField(label=_("staff trained"), min_value=0, max_value=10**6)
    total_hours = forms.DecimalField(
        label=_("total training hours"), max_digits=10, decimal_places=1, min_value=0
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RuleForm(forms.ModelForm):
    class Meta:
        model = TrainingRule
        fields = [
            "post",
            "initial_hours",
            "refresher_hours",
            "review_every_years",
            "certificate_valid_years",
            "warn_days",
            "effective_from",
            "source",
            "confidence",
            "notes",
        ]
        widgets = {"effective_from": DATE, "notes": TEXT}

    def validate_unique(self):
        """The service says when the post already has a rule from that day."""


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    theme = forms.CharField(label=_("theme"), max_length=200, required=False)
    region = forms.ModelChoiceField(label=_("run by"), queryset=Region.objects.none())
    starts_on = forms.DateField(label=_("from"), widget=DATE)
    ends_on = forms.DateField(label=_("to"), widget=DATE)
    description = forms.CharField(label=_("description"), widget=TEXT, required=False)
    enterprises = forms.ModelMultipleChoiceField(
        label=_("participating enterprises"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=SearchableSelectMultiple,
    )
    published = forms.BooleanField(
        label=_("shown on the public site"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(user, "view").order_by("code")
        self.fields["enterprises"].queryset = Enterprise.objects.for_user(user, "view").order_by(
            "name"
        )


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("held on"), widget=DATE)
    title = forms.CharField(label=_("activity"), max_length=200)
    participants = forms.IntegerField(label=_("participants"), min_value=0, max_value=10**6)
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = campaign.enterprises.all()


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    file = forms.FileField(label=_("document (PDF)"), required=False)
    link = forms.URLField(label=_("link"), required=False)
