from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE, SearchableSelect
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Region, User
from safeloop.orgs.roles import Role
from safeloop.sourcecontrol.choices import ItemKind, RelationKind, StopScope
from safeloop.sourcecontrol.models import CatalogueEntry, ExpertProfile

TEXT = forms.Textarea(attrs={"rows": 3})
LEVELS = [("general", _("General")), ("major", _("Major"))]


def _enterprises(user):
    return Enterprise.objects.for_user(user, "view").order_by("name")


class ExpertForm(forms.Form):
    user = forms.ModelChoiceField(label=_("account"), queryset=User.objects.none())
    name = forms.CharField(label=_("name"), max_length=50)
    region = forms.ModelChoiceField(label=_("kept by"), queryset=Region.objects.none())
    organisation = forms.CharField(label=_("service organisation"), max_length=200, required=False)
    specialty = forms.CharField(label=_("specialty"), max_length=200, required=False)
    title = forms.CharField(label=_("professional title"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(role_assignments__role=Role.EXPERT, expert_profile__isnull=True)
            .distinct()
            .order_by("username")
        )
        self.fields["user"].label_from_instance = lambda u: u.full_name or u.username
        self.fields["region"].queryset = Region.objects.for_user(user, "view").order_by("code")


class RelationForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"), queryset=Enterprise.objects.none(), widget=SearchableSelect
    )
    kind = forms.ChoiceField(label=_("relation"), choices=RelationKind.choices)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    declared_on = forms.DateField(label=_("declared on"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises(user)


class ContractForm(forms.Form):
    number = forms.CharField(label=_("contract number"), max_length=60)
    title = forms.CharField(label=_("title"), max_length=200)
    provider = forms.CharField(label=_("service organisation"), max_length=200)
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    amount = forms.DecimalField(
        label=_("amount (yuan)"), max_digits=12, decimal_places=2, min_value=0
    )
    starts_on = forms.DateField(label=_("from"), widget=DATE)
    ends_on = forms.DateField(label=_("to"), widget=DATE)
    visits_per_enterprise = forms.IntegerField(
        label=_("visits per enterprise"), min_value=0, max_value=52, initial=2
    )
    note = forms.CharField(label=_("note"), widget=TEXT, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(user, "view").order_by("code")


class AssignForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("expert"), queryset=ExpertProfile.objects.none())
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"), queryset=Enterprise.objects.none(), widget=SearchableSelect
    )

    def __init__(self, *args, user, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = ExpertProfile.objects.for_user(user, "view").filter(
            active=True
        )
        rows = _enterprises(user)
        prefix = contract.region_code
        rows = (
            rows.filter(region_code__startswith=prefix[:4])
            if prefix.endswith("00")
            else rows.filter(region_code=prefix)
        )
        self.fields["enterprise"].queryset = rows


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)


class VisitForm(forms.Form):
    """The visit and up to three findings (place and description each)."""

    ROWS = 3
    visited_on = forms.DateField(label=_("visited on"), widget=DATE)
    summary = forms.CharField(label=_("guidance given"), widget=TEXT, max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, self.ROWS + 1):
            self.fields[f"place_{i}"] = forms.CharField(
                label=_("finding %(n)s: where") % {"n": i}, max_length=200, required=False
            )
            self.fields[f"description_{i}"] = forms.CharField(
                label=_("finding %(n)s: description") % {"n": i},
                max_length=5000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"level_{i}"] = forms.ChoiceField(
                label=_("finding %(n)s: level") % {"n": i}, choices=LEVELS, initial="general"
            )
            self.fields[f"deadline_days_{i}"] = forms.IntegerField(
                label=_("finding %(n)s: days to rectify") % {"n": i},
                min_value=1,
                max_value=365,
                initial=30,
                required=False,
            )

    def clean(self):
        data = super().clean()
        findings = []
        for i in range(1, self.ROWS + 1):
            place = (data.get(f"place_{i}") or "").strip()
            description = (data.get(f"description_{i}") or "").strip()
            if not place and not description:
                continue
            if not place:
                self.add_error(f"place_{i}", _("Say where it is."))
            if not description:
                self.add_error(f"description_{i}", _("Describe it."))
            findings.append(
                {
                    "place": place,
                    "description": description,
                    "level": data.get(f"level_{i}") or "general",
                    "deadline_days": data.get(f"deadline_days_{i}") or 30,
                }
            )
        return {
            "visited_on": data.get("visited_on"),
            "summary": data.get("summary"),
            "findings": findings,
        }


class EntryForm(forms.ModelForm):
    class Meta:
        model = CatalogueEntry
        fields = [
            "code",
            "kind",
            "name",
            "keywords",
            "capacity_unit",
            "capacity_max",
            "action",
            "reason",
            "replacement",
            "sector",
            "hazard_level",
            "rectify_days",
            "source",
            "published_on",
            "effective_from",
            "confidence",
            "withdrawn",
        ]
        widgets = {"published_on": DATE, "effective_from": DATE, "reason": TEXT}

    def validate_unique(self):
        pass  # the service answers a duplicate on its field


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ItemKind.choices)
    name = forms.CharField(label=_("name"), max_length=200)
    model_spec = forms.CharField(label=_("model and specification"), max_length=200, required=False)
    capacity = forms.DecimalField(
        label=_("capacity"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    capacity_unit = forms.CharField(label=_("capacity unit"), max_length=20, required=False)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, max_value=100000, initial=1)
    location = forms.CharField(label=_("location"), max_length=200, required=False)
    in_use_since = forms.DateField(label=_("in use since"), widget=DATE, required=False)


class EliminationForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"), queryset=Enterprise.objects.none(), widget=SearchableSelect
    )
    year = forms.IntegerField(label=_("plan year"), min_value=2000, max_value=2100)
    capacity = forms.CharField(label=_("capacity to eliminate"), max_length=200)
    reason = forms.CharField(label=_("why it is listed"), widget=TEXT, max_length=5000)
    entry = forms.ModelChoiceField(
        label=_("catalogue entry"), queryset=CatalogueEntry.objects.none(), required=False
    )
    deadline = forms.DateField(label=_("eliminate by"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises(user)
        ids = [e.pk for e in CatalogueEntry.in_force()]
        self.fields["entry"].queryset = CatalogueEntry.objects.filter(pk__in=ids)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("milestone"), max_length=200)
    due_on = forms.DateField(label=_("due on"), widget=DATE)


class DoneForm(forms.Form):
    done_on = forms.DateField(label=_("done on"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class TextMoveForm(forms.Form):
    """A lifecycle move with its one text (report, notice, decision …)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("text"), widget=TEXT, max_length=5000)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class StopForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"), queryset=Enterprise.objects.none(), widget=SearchableSelect
    )
    number = forms.CharField(label=_("order number"), max_length=60)
    issued_on = forms.DateField(label=_("issued on"), widget=DATE)
    scope = forms.ChoiceField(label=_("stopped"), choices=StopScope.choices)
    reason = forms.CharField(label=_("reason"), widget=TEXT, max_length=5000)
    requirements = forms.CharField(label=_("rectification required"), widget=TEXT, max_length=5000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises(user)


class InspectForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(
        label=_("result"),
        choices=[("1", _("Conditions met")), ("0", _("Not yet met"))],
        coerce=lambda v: v == "1",
    )
    inspected_on = forms.DateField(label=_("inspected on"), widget=DATE)
    inspection = forms.CharField(label=_("inspection findings"), widget=TEXT, max_length=5000)


class DecideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("1", _("Approve resumption")), ("0", _("Refuse resumption"))],
        coerce=lambda v: v == "1",
    )
    decision = forms.CharField(label=_("reasons"), widget=TEXT, max_length=5000)
