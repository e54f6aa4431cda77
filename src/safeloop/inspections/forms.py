from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.enterprises.models import Enterprise
from safeloop.inspections.choices import PlanKind
from safeloop.orgs.models import Region, User
from safeloop.orgs.roles import Role

INSPECTOR_ROLES = [Role.CITY_INSPECTOR, Role.COUNTY_INSPECTOR, Role.GRID_INSPECTOR]


class PlanForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[c for c in PlanKind.choices if c[0] != PlanKind.SELF]
    )
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    period_start = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))
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


class AddVisitForm(forms.Form):
    """One visit by hand: an unannounced 四不两直 visit or a follow-up."""

    uscc = forms.CharField(label=_("enterprise (unified social credit code)"), max_length=18)
    inspector = forms.ModelChoiceField(label=_("inspector"), queryset=User.objects.none())
    scheduled_on = forms.DateField(
        label=_("scheduled on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user
        self.fields["inspector"].queryset = (
            User.objects.filter(
                is_active=True,
                role_assignments__active=True,
                role_assignments__role__in=INSPECTOR_ROLES,
                role_assignments__region_code__startswith=plan.region.prefix,
            )
            .distinct()
            .order_by("username")
        )

    def clean_uscc(self):
        code = self.cleaned_data["uscc"].strip().upper()
        enterprise = (
            Enterprise.objects.for_user(self.user)
            .filter(uscc=code, region_code__startswith=self.plan.region.prefix)
            .first()
        )
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise with this code in the plan's region."))
        self.cleaned_data["enterprise"] = enterprise
        return code
