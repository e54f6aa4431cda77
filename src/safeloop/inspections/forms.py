from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE
from safeloop.enterprises.models import Enterprise
from safeloop.enterprises.search import lookup
from safeloop.inspections.choices import PlanKind
from safeloop.inspections.models import TargetingPolicy
from safeloop.orgs.models import Region, User
from safeloop.orgs.roles import Role

INSPECTOR_ROLES = [Role.CITY_INSPECTOR, Role.COUNTY_INSPECTOR, Role.GRID_INSPECTOR]


class PlanForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[c for c in PlanKind.choices if c[0] != PlanKind.SELF]
    )
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    period_start = forms.DateField(label=_("from"), widget=DATE)
    period_end = forms.DateField(label=_("to"), widget=DATE)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        grants = user.grants()
        regions = Region.objects.all()
        if not any(g.everywhere for g in grants):
            prefixes = [g.region_prefix for g in grants if g.region_prefix]
            regions = regions.filter(
                code__in=[r.code for r in regions if any(r.code.startswith(p) for p in prefixes)]
            )
        self.fields["region"].queryset = regions.order_by("code")


def inspectors_of(plan):
    """The active inspectors of the plan's region (city, county or grid)."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__active=True,
            role_assignments__role__in=INSPECTOR_ROLES,
            role_assignments__region_code__startswith=plan.region.prefix,
        )
        .distinct()
        .order_by("username")
    )


class AddVisitForm(forms.Form):
    """One visit by hand: an unannounced 四不两直 visit or a follow-up. The enterprise is
    found by name, pinyin initials or credit code within the plan's region."""

    enterprise = forms.CharField(
        label=_("enterprise (name, pinyin initials or credit code)"), max_length=100
    )
    inspector = forms.ModelChoiceField(label=_("inspector"), queryset=User.objects.none())
    scheduled_on = forms.DateField(label=_("scheduled on"), widget=DATE)

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user
        self.matches: list[Enterprise] = []
        self.fields["inspector"].queryset = inspectors_of(plan)

    def candidates(self, text):
        return lookup(
            Enterprise.objects.for_user(self.user).filter(
                region_code__startswith=self.plan.region.prefix
            ),
            text,
        )

    def clean_enterprise(self):
        text = self.cleaned_data["enterprise"].strip()
        self.matches = list(self.candidates(text))
        exact = [e for e in self.matches if e.uscc == text.upper()]
        if exact or len(self.matches) == 1:
            self.cleaned_data["enterprise_found"] = (exact or self.matches)[0]
            return text
        if not self.matches:
            raise forms.ValidationError(_("No enterprise in the plan's region matches."))
        raise forms.ValidationError(
            _("%(n)d enterprises match: choose one below or type more of its name or code.")
            % {"n": len(self.matches)}
        )


def _sector_choices():
    from safeloop.enterprises.choices import Sector

    return [("", _("every sector")), *Sector.choices]


RISK_LEVEL_CHOICES = [
    ("", _("every risk level")),
    ("red", _("Major risk (red)")),
    ("orange", _("Considerable risk (orange)")),
    ("yellow", _("General risk (yellow)")),
    ("blue", _("Low risk (blue)")),
    ("none", _("Not graded")),
]


class DispatchForm(forms.Form):
    """The preview's filters; on dispatch also the preview's fingerprint and the plan's
    version."""

    sector = forms.ChoiceField(label=_("sector"), choices=_sector_choices, required=False)
    risk_level = forms.ChoiceField(
        label=_("risk level"), choices=RISK_LEVEL_CHOICES, required=False
    )
    fingerprint = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _applies_to_choices():
    from safeloop.enterprises.choices import RISK_FEATURES, Sector

    return [
        ("everyone", _("Every enterprise in the department's region")),
        (_("Sector"), [(f"sector:{v}", label) for v, label in Sector.choices]),
        (_("Key risk feature"), [(f"feature:{k}", label) for k, label in RISK_FEATURES.items()]),
    ]


def applies_to_value(checklist) -> str:
    rule = checklist.rules.order_by("id").first()
    if rule is None or rule.everyone:
        return "everyone"
    return f"sector:{rule.sector}" if rule.sector else f"feature:{rule.feature}"


class ChecklistForm(forms.Form):
    """A custom checklist: its name and, for a department's, where it applies."""

    name = forms.CharField(label=_("name"), max_length=200)
    applies_to = forms.ChoiceField(label=_("applies to"), choices=_applies_to_choices)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, for_enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        if for_enterprise:
            del self.fields["applies_to"]  # an enterprise's checklist applies to itself


class ChecklistItemForm(forms.Form):
    text = forms.CharField(
        label=_("wording"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    basis = forms.CharField(label=_("basis (regulation)"), max_length=200, required=False)
    clause = forms.CharField(label=_("clause"), max_length=60, required=False)
    category = forms.ChoiceField(label=_("default hazard category"))
    order = forms.IntegerField(label=_("order"), min_value=0, max_value=9999, initial=0)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from safeloop.hazards.choices import Category

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = Category.choices


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CancelVisitForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TargetingPolicyForm(forms.ModelForm):
    """A new version of the targeting policy: the credit grades' interval factors, from a
    day on. The model's validators give the factors' field errors (at least 0.1, at most 4)."""

    class Meta:
        model = TargetingPolicy
        fields = [
            "effective_from",
            "credit_factor_a",
            "credit_factor_b",
            "credit_factor_c",
            "credit_factor_d",
            "credit_source",
            "source",
        ]
        widgets = {"effective_from": DATE}

    FACTORS = ("credit_factor_a", "credit_factor_b", "credit_factor_c", "credit_factor_d")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.FACTORS:  # the bounds' own words, also beside "at most 4 digits"
            bounds = [
                v
                for v in getattr(TargetingPolicy._meta.get_field(name), "validators", [])
                if isinstance(v, MinValueValidator | MaxValueValidator)
            ]
            self.fields[name].validators = [*self.fields[name].validators, *bounds]

    def validate_unique(self):
        """The service says when a version already takes effect that day."""
