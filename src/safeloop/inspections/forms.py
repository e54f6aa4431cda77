from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.inspections.choices import PlanKind
from safeloop.orgs.models import Region


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
