from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATETIME, SearchableSelect
from safeloop.orgs.accounts import grantable_roles
from safeloop.orgs.models import GridCell, Park, Region, RegionLevel
from safeloop.orgs.roles import Role

REASON = forms.CharField(label=_("Reason"), max_length=200, required=True)


class UnitFields(forms.Form):
    """A role and the unit it is granted on, each list narrowed to the actor's scope."""

    role = forms.ChoiceField(label=_("Role"))
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), required=False, label=_("City or county")
    )
    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False, label=_("Park"))
    grid = forms.ModelChoiceField(
        queryset=GridCell.objects.none(),
        required=False,
        label=_("Grid cell"),
        widget=SearchableSelect,
    )
    enterprise = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Enterprise"), widget=SearchableSelect
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = grantable_roles(actor)
        self.fields["role"].choices = [("", "---------")] + [
            (r.value, r.label) for r in Role if r in allowed
        ]
        self.fields["region"].queryset = Region.objects.for_user(actor).filter(
            level__in=[RegionLevel.CITY, RegionLevel.COUNTY]
        )
        self.fields["park"].queryset = Park.objects.for_user(actor)
        self.fields["grid"].queryset = GridCell.objects.for_user(actor)
        Enterprise = apps.get_model("enterprises", "Enterprise")
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(actor).order_by("name")

    def unit_ids(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name].pk if data.get(name) else None
            for name in ("region", "park", "grid", "enterprise")
        }


class AccountForm(UnitFields):
    field_order = ["username", "full_name", "mobile", "email", "role"]

    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile"), max_length=11, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    reason = REASON


class AccountEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile"), max_length=11, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    reason = REASON


class GrantForm(UnitFields):
    reason = REASON


class ReasonForm(forms.Form):
    reason = REASON


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    expires_at = forms.DateTimeField(
        label=_("Expires at"), required=False, widget=DATETIME, help_text=_("Leave empty for none.")
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class ActivateForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=64)
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))
    apply = forms.BooleanField(
        label=_("Import now"),
        required=False,
        help_text=_("Unticked: only check the file and list every error."),
    )
