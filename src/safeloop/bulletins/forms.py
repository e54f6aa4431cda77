from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.orgs.models import Region, RegionLevel


class GenerateForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("region"))
    month = forms.DateField(
        label=_("month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Enter a month as YYYY-MM.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            Region.objects.for_user(user)
            .filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
            .order_by("code")
        )
