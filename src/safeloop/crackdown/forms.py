from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.widgets import DATE, SearchableSelect, SearchableSelectMultiple
from safeloop.crackdown.choices import ActionKind, Confidence, Source
from safeloop.crackdown.models import Campaign, Case
from safeloop.crackdown.selectors import campaigns_for
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.models import Hazard
from safeloop.inspections.models import Visit
from safeloop.orgs.models import GridCell, Park, Region

TEXT = forms.Textarea(attrs={"rows": 3})


class CaseForm(forms.Form):
    source = forms.ChoiceField(label=_("case source"), choices=Source.choices)
    campaign = forms.ModelChoiceField(
        label=_("crackdown campaign"), queryset=Campaign.objects.none(), required=False
    )
    hazard = forms.ModelChoiceField(
        label=_("hidden danger"),
        queryset=Hazard.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    visit = forms.ModelChoiceField(
        label=_("inspection visit"),
        queryset=Visit.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    referred_by = forms.CharField(label=_("referred by"), max_length=200, required=False)
    enterprise = forms.ModelChoiceField(
        label=_("enterprise in the ledger"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=SearchableSelect,
        help_text=_("Leave empty for an unregistered operator and name it below."),
    )
    subject_name = forms.CharField(label=_("operator"), max_length=200, required=False)
    subject_address = forms.CharField(label=_("operator's address"), max_length=200, required=False)
    region = forms.ModelChoiceField(
        label=_("county"), queryset=Region.objects.none(), required=False
    )
    park = forms.ModelChoiceField(label=_("park"), queryset=Park.objects.none(), required=False)
    grid = forms.ModelChoiceField(
        label=_("grid cell"),
        queryset=GridCell.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    location = forms.CharField(label=_("place found"), max_length=200)
    latitude = forms.DecimalField(
        label=_("latitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
    )
    longitude = forms.DecimalField(
        label=_("longitude"),
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
    )
    found_on = forms.DateField(label=_("found on"), widget=DATE)
    facts = forms.CharField(label=_("facts found"), max_length=4000, widget=TEXT)

    def __init__(self, *args, user, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields
        f["campaign"].queryset = campaigns_for(user).order_by("-starts_on")
        f["hazard"].queryset = (
            Hazard.objects.for_user(user).select_related("enterprise").order_by("-pk")
        )
        f["visit"].queryset = (
            Visit.objects.for_user(user).select_related("enterprise").order_by("-pk")
        )
        f["enterprise"].queryset = Enterprise.objects.for_user(user).order_by("name")
        f["region"].queryset = Region.objects.for_user(user).filter(level="county").order_by("code")
        f["park"].queryset = Park.objects.for_user(user).order_by("name")
        f["grid"].queryset = GridCell.objects.for_user(user).order_by("code")
        if report is not None:
            for name in ("source", "hazard", "visit", "referred_by"):
                f[name].widget = forms.HiddenInput()
            f["source"].initial = Source.PUBLIC_REPORT


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("action taken"), choices=ActionKind.choices)
    decided_on = forms.DateField(label=_("decided on"), widget=DATE)
    document_number = forms.CharField(label=_("document number"), max_length=100)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("For a fine."),
    )
    transferred_to = forms.CharField(
        label=_("transferred to"),
        max_length=200,
        required=False,
        help_text=_("For a transfer: the authority receiving the case."),
    )
    document = forms.FileField(label=_("document (PDF)"), required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class RevisitForm(forms.Form):
    visited_on = forms.DateField(label=pgettext_lazy("follow-up visit", "visited on"), widget=DATE)
    still_closed = forms.TypedChoiceField(
        label=_("the site stays closed"),
        choices=[("1", _("Yes, still closed")), ("0", _("No, it is working again"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("what was seen"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=2000, widget=TEXT)


class VerificationForm(forms.Form):
    verification = forms.CharField(
        label=_("what the verification found"), max_length=4000, widget=TEXT
    )


class CloseForm(forms.Form):
    note = forms.CharField(label=_("closing note"), max_length=2000, widget=TEXT, required=False)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    region = forms.ModelChoiceField(label=_("run by"), queryset=Region.objects.none())
    starts_on = forms.DateField(label=_("from"), widget=DATE)
    ends_on = forms.DateField(label=_("to"), widget=DATE)
    focus = forms.CharField(
        label=_("focus of the crackdown"), max_length=2000, widget=TEXT, required=False
    )
    target_cases = forms.IntegerField(label=_("target: cases"), min_value=0, max_value=10**6)
    target_stopped = forms.IntegerField(
        label=_("target: sites banned or closed"), min_value=0, max_value=10**6
    )
    target_fines = forms.DecimalField(
        label=_("target: fines (yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
    target_operations = forms.IntegerField(
        label=_("target: joint operations"), min_value=0, max_value=10**6
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(user).order_by("code")


class OperationForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    region = forms.ModelChoiceField(label=_("county"), queryset=Region.objects.none())
    campaign = forms.ModelChoiceField(
        label=_("crackdown campaign"), queryset=Campaign.objects.none(), required=False
    )
    held_on = forms.DateField(label=_("held on"), widget=DATE)
    departments = forms.CharField(
        label=_("departments taking part"),
        max_length=500,
        help_text=_("For example: 市场监管局、公安分局、生态环境局"),
    )
    staff = forms.IntegerField(label=_("officers deployed"), min_value=0, max_value=100000)
    cases = forms.ModelMultipleChoiceField(
        label=_("cases"),
        queryset=Case.objects.none(),
        required=False,
        widget=SearchableSelectMultiple,
    )
    summary = forms.CharField(
        label=_("operation summary"), max_length=4000, widget=TEXT, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(user).order_by("code")
        self.fields["campaign"].queryset = campaigns_for(user).order_by("-starts_on")
        self.fields["cases"].queryset = Case.objects.for_user(user).order_by("-created_at")


class RuleForm(forms.Form):
    first_visit_days = forms.IntegerField(
        label=_("first re-visit within (days)"), min_value=1, max_value=365
    )
    visit_every_days = forms.IntegerField(
        label=_("then one re-visit every (days)"), min_value=1, max_value=365
    )
    visits_required = forms.IntegerField(
        label=_("re-visits finding the site closed before the case is closed"),
        min_value=1,
        max_value=24,
    )
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    source = forms.CharField(label=_("source"), max_length=300)
    confidence = forms.ChoiceField(label=_("confidence"), choices=Confidence.choices)
    notes = forms.CharField(label=_("notes"), widget=TEXT, required=False)


class StatsForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)
    campaign = forms.ModelChoiceField(
        label=_("crackdown campaign"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns_for(user).order_by("-starts_on")
