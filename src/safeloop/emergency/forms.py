"""Forms of the emergency screens. They shape input; the services check the rules and the
rights, and their errors are put back on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.accidents.choices import Grade
from safeloop.accidents.models import Accident
from safeloop.core.widgets import DATE, DATETIME, PhotosField, SearchableSelect
from safeloop.emergency.choices import (
    Availability,
    CommandPost,
    DrillForm,
    DutyEntryKind,
    DutyPost,
    EntryKind,
    PlanKind,
    ResourceKind,
)
from safeloop.emergency.models import EmergencyRule, Plan, Resource, Stock, StockType
from safeloop.emergency.services import RESOURCE_FIELDS, STOCK_FIELDS
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Region

TEXT = forms.Textarea(attrs={"rows": 3})


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ResourceForm(VersionedForm):
    class Meta:
        model = Resource
        fields = list(RESOURCE_FIELDS)
        widgets = {"note": TEXT, "enterprise": SearchableSelect}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].required = False
        self.fields["region"].queryset = Region.objects.for_user(user, "view").exclude(
            level="province"
        )
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user, "change").order_by(
            "name"
        )
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def _post_clean(self):
        # The service runs the model's rules once the owner is placed.
        pass


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    availability = forms.ChoiceField(label=_("availability"), choices=Availability.choices)


class StockForm(VersionedForm):
    class Meta:
        model = Stock
        fields = list(STOCK_FIELDS)
        widgets = {"expires_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = False
        self.fields["stock_type"].queryset = StockType.objects.all()
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def _post_clean(self):
        pass


class RuleForm(forms.ModelForm):
    city_grades = forms.MultipleChoiceField(
        label=_("grades commanded by the city"),
        choices=Grade.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = EmergencyRule
        fields = [
            "expiry_warning_days",
            "confirm_within_days",
            "city_grades",
            "plan_revision_years",
            "drill_months",
            "onsite_drill_months",
            "effective_from",
            "source",
        ]
        widgets = {"effective_from": DATE}

    def _post_clean(self):
        pass


class NearestForm(forms.Form):
    """From a point, or from an enterprise's location (the enterprise wins when given)."""

    kind = forms.ChoiceField(label=_("kind"), choices=ResourceKind.choices)
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    latitude = forms.FloatField(
        label=_("latitude (WGS-84)"), min_value=-90, max_value=90, required=False
    )
    longitude = forms.FloatField(
        label=_("longitude (WGS-84)"), min_value=-180, max_value=180, required=False
    )
    n = forms.IntegerField(label=_("how many"), min_value=1, max_value=50, initial=5)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user, "view").order_by(
            "name"
        )

    def clean(self):
        data = super().clean()
        enterprise = data.get("enterprise")
        if enterprise is not None:
            if enterprise.latitude is None or enterprise.longitude is None:
                self.add_error("enterprise", _("This enterprise has no location in the ledger."))
            else:
                data["latitude"] = float(enterprise.latitude)
                data["longitude"] = float(enterprise.longitude)
        elif (data.get("latitude") is None or data.get("longitude") is None) and not (
            {"latitude", "longitude"} & set(self.errors)
        ):
            self.add_error("latitude", _("Give a point or an enterprise."))
        return data

    def query(self) -> dict:
        data = self.cleaned_data
        return {k: data[k] for k in ("kind", "latitude", "longitude", "n")}


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=150)
    accident = forms.ModelChoiceField(
        label=_("accident"), queryset=Accident.objects.none(), required=False
    )
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    region = forms.ModelChoiceField(
        label=_("county"), queryset=Region.objects.none(), required=False
    )
    place = forms.CharField(label=_("place"), max_length=200)
    latitude = forms.FloatField(
        label=_("latitude (WGS-84)"), min_value=-90, max_value=90, required=False
    )
    longitude = forms.FloatField(
        label=_("longitude (WGS-84)"), min_value=-180, max_value=180, required=False
    )
    grade = forms.ChoiceField(label=_("grade"), choices=Grade.choices)
    commander = forms.CharField(label=_("commander"), max_length=50)
    report = forms.CharField(label=_("first report"), widget=TEXT, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accident"].queryset = Accident.objects.for_user(user, "view").order_by(
            "-occurred_at"
        )
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user, "view").order_by(
            "name"
        )
        self.fields["region"].queryset = Region.objects.for_user(user, "view").filter(
            level="county"
        )


class LogForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            (k.value, k.label) for k in (EntryKind.REPORT, EntryKind.DECISION, EntryKind.MESSAGE)
        ],
    )
    text = forms.CharField(label=_("text"), widget=TEXT, max_length=4000)


class MemberForm(forms.Form):
    post = forms.ChoiceField(label=_("post"), choices=CommandPost.choices)
    name = forms.CharField(label=_("name"), max_length=50)
    unit = forms.CharField(
        label=pgettext_lazy("organisation", "unit"), max_length=100, required=False
    )
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)


class EscalateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_commander = forms.CharField(label=_("city commander"), max_length=50)
    reason = forms.CharField(label=_("reason"), widget=TEXT, max_length=2000)


class DispatchForm(forms.Form):
    resource = forms.IntegerField(widget=forms.HiddenInput)
    instruction = forms.CharField(label=_("instruction"), max_length=300)


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(label=_("after-action summary"), widget=TEXT, max_length=8000)
    lessons = forms.CharField(
        label=_("lessons and improvements"), widget=TEXT, max_length=8000, required=False
    )


class TaskMoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    move = forms.ChoiceField(
        choices=[("set_off", "set_off"), ("arrive", "arrive"), ("release", "release")]
    )


# Plans and drills -----------------------------------------------------------------------


class PlanDocumentChoice(forms.ModelChoiceField):
    widget = SearchableSelect

    def label_from_instance(self, obj):
        return f"{obj.enterprise.name} · {obj.title}"


def _plan_documents(user):
    from safeloop.enterprises.choices import DocumentKind
    from safeloop.enterprises.models import Document

    return (
        Document.objects.for_user(user, "change")
        .filter(kind=DocumentKind.EMERGENCY_PLAN)
        .select_related("enterprise")
        .order_by("enterprise__name", "-uploaded_at")
    )


class PlanForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"), queryset=Enterprise.objects.none(), widget=SearchableSelect
    )
    kind = forms.ChoiceField(label=_("kind"), choices=PlanKind.choices)
    title = forms.CharField(label=_("title"), max_length=150)
    document = PlanDocumentChoice(
        label=_("plan document"),
        queryset=Enterprise.objects.none(),
        help_text=_("Upload the plan to the enterprise's ledger (documents) first."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user, "change").order_by(
            "name"
        )
        self.fields["document"].queryset = _plan_documents(user)


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("decision"), choices=[("file", _("File")), ("return", _("Return"))]
    )
    opinion = forms.CharField(label=_("review opinion"), widget=TEXT, max_length=4000)


class ReviseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    document = PlanDocumentChoice(label=_("plan document"), queryset=Enterprise.objects.none())
    change_reason = forms.CharField(
        label=_("reason for the revision"), widget=TEXT, max_length=4000, required=False
    )

    def __init__(self, *args, user, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = _plan_documents(user).filter(enterprise=enterprise)


class DrillPlanForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("plan drilled"), queryset=Plan.objects.none())
    scenario = forms.CharField(label=_("scenario"), max_length=200)
    mode = forms.ChoiceField(label=_("form"), choices=DrillForm.choices)
    planned_on = forms.DateField(label=_("planned for"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = (
            Plan.objects.for_user(user, "change")
            .select_related("enterprise")
            .order_by("enterprise__name", "kind")
        )
        self.fields["plan"].label_from_instance = lambda p: f"{p.enterprise.name} · {p.title}"


class HoldForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label=_("held on"), widget=DATE)
    participants = forms.IntegerField(label=_("participants"), min_value=1, max_value=100000)
    participants_note = forms.CharField(
        label=_("who took part"), widget=TEXT, max_length=4000, required=False
    )
    photos = PhotosField(label=_("photos"))


class EvaluateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    evaluation = forms.CharField(label=_("evaluation"), widget=TEXT, max_length=8000)
    improvements = forms.CharField(
        label=_("improvements"),
        widget=TEXT,
        max_length=8000,
        required=False,
        help_text=_("One per line; each becomes a hidden danger to rectify."),
    )
    deadline = forms.DateField(label=_("rectify by"), widget=DATE, required=False)

    def clean_improvements(self):
        return [line for line in self.cleaned_data["improvements"].splitlines() if line.strip()]


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason for cancelling"), widget=TEXT, max_length=2000)


# Duty roster and log --------------------------------------------------------------------


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.get_username()


def duty_regions(user):
    return (
        Region.objects.for_user(user, "view").filter(level__in=["city", "county"]).order_by("code")
    )


class ShiftForm(forms.Form):
    region = forms.ModelChoiceField(label=_("duty of"), queryset=Region.objects.none())
    post = forms.ChoiceField(label=_("post"), choices=DutyPost.choices)
    person = PersonChoice(label=_("person on duty"), queryset=Region.objects.none())
    phone = forms.CharField(label=_("duty phone"), max_length=30)
    starts_at = forms.DateTimeField(label=_("from"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("to"), widget=DATETIME)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        from django.contrib.auth import get_user_model

        from safeloop.emergency.models import DUTY_STAFF

        super().__init__(*args, **kwargs)
        regions = duty_regions(user)
        self.fields["region"].queryset = regions
        self.fields["person"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                role_assignments__active=True,
                role_assignments__role__in=DUTY_STAFF,
                role_assignments__region__in=regions,
            )
            .distinct()
            .order_by("full_name", "pk")
        )


class DutyLogForm(forms.Form):
    region = forms.ModelChoiceField(label=_("duty of"), queryset=Region.objects.none())
    kind = forms.ChoiceField(
        label=_("kind"), choices=[c for c in DutyEntryKind.choices if c[0] != "incident"]
    )
    text = forms.CharField(label=_("text"), widget=TEXT, max_length=4000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = duty_regions(user)
