from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE, SearchableSelect
from safeloop.enterprises.choices import DocumentKind, Status
from safeloop.enterprises.models import (
    Enterprise,
    Licence,
    SafetyManager,
    SpecialOperator,
    normalise_uscc,
)
from safeloop.orgs.models import GridCell, Park, Region

EDITABLE = [
    "name",
    "former_names",
    "uscc",
    "legal_representative",
    "legal_representative_mobile",
    "principal",
    "principal_mobile",
    "principal_duties",
    "address",
    "latitude",
    "longitude",
    "region",
    "park",
    "grid",
    "industry_code",
    "scale",
    "employees",
    "status",
    *Enterprise.RISK_FEATURES,
    "standard_grade",
    "standard_expiry",
    "injury_insured",
    "liability_policy",
    "liability_insurer",
    "liability_expiry",
    "deposit_amount",
    "deposit_date",
    "has_safety_body",
    "safety_body_headcount",
]


class EnterpriseForm(forms.ModelForm):
    """The record's form. The model validates (here, and again in the service that writes);
    `version` travels with the form so that a stale save is refused. Enterprise staff get the
    form without the regulated fields."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Enterprise
        fields = EDITABLE
        widgets = {
            "former_names": forms.Textarea(attrs={"rows": 2}),
            "standard_expiry": DATE,
            "liability_expiry": DATE,
            "deposit_date": DATE,
            "grid": SearchableSelect,
        }

    def _clean_fields(self):
        # A code typed in lower case or full-width is stored in its compact form, not refused.
        if self.is_bound and "uscc" in self.fields:
            key = self.add_prefix("uscc")
            if key in self.data:
                self.data = self.data.copy()
                self.data[key] = normalise_uscc(self.data[key])
        super()._clean_fields()

    def __init__(self, *args, user, regulator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not regulator:
            for name in Enterprise.REGULATED_FIELDS:
                self.fields.pop(name, None)
        if "region" in self.fields:
            # what the user may choose, plus the record's current units (a park officer
            # sees no region, yet keeps the park's)
            current = self.instance
            for name, model, extra in (
                ("region", Region, {"level": "county"}),
                ("park", Park, {}),
                ("grid", GridCell, {}),
            ):
                mine = model.objects.for_user(user).filter(**extra).values("pk")
                key = getattr(current, f"{name}_id", None)
                self.fields[name].queryset = model.objects.filter(Q(pk__in=mine) | Q(pk=key))
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class SafetyManagerForm(forms.ModelForm):
    """One row of the safety-manager list on the record's form."""

    class Meta:
        model = SafetyManager
        fields = list(SafetyManager.VALUE_FIELDS)
        widgets = {
            "mobile": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "certificate_valid_to": DATE,
        }


class BaseSafetyManagerFormSet(forms.BaseFormSet):
    def entries(self) -> list[dict]:
        """The rows kept, in their order, as the service takes them."""
        return [
            {name: form.cleaned_data[name] for name in SafetyManager.VALUE_FIELDS}
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


SafetyManagerFormSet = forms.formset_factory(
    SafetyManagerForm,
    formset=BaseSafetyManagerFormSet,
    extra=1,
    can_delete=True,
    max_num=SafetyManager.MAX_PER_ENTERPRISE,
    validate_max=True,
)


def safety_manager_formset(
    data, enterprise: Enterprise | None, *, reveal: bool = True
) -> SafetyManagerFormSet:
    """Shown with the current rows, certificate numbers masked unless `reveal` (a masked
    number sent back stands for the one on record); a posted list is read as sent (every
    filled row is checked, blank ones are dropped), never compared with what was shown."""
    initial = []
    if data is None and enterprise is not None and enterprise.pk:
        initial = [
            {
                **{name: getattr(m, name) for name in SafetyManager.VALUE_FIELDS},
                "certificate_number": m.certificate_number
                if reveal
                else m.masked_certificate_number,
            }
            for m in enterprise.safety_managers.all()
        ]
    return SafetyManagerFormSet(data, initial=initial, prefix="managers")


class OperatorForm(forms.ModelForm):
    class Meta:
        model = SpecialOperator
        fields = ["name", "id_number", "certificate_type", "certificate_number", "valid_to"]
        widgets = {"valid_to": DATE}


class LicenceForm(forms.ModelForm):
    class Meta:
        model = Licence
        fields = ["kind", "number", "authority", "valid_from", "valid_to", "status"]
        widgets = {"valid_from": DATE, "valid_to": DATE}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    file = forms.FileField(label=_("file"))


class ChangeRequestForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("county"), queryset=Region.objects.none(), required=False
    )
    park = forms.ModelChoiceField(label=_("park"), queryset=Park.objects.none(), required=False)
    industry_code = forms.CharField(
        label=_("industry class (GB/T 4754)"), max_length=4, required=False
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "---------"), *Status.choices], required=False
    )
    reason = forms.CharField(
        label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        # An enterprise sees its own county and park only; it may propose any in the city.
        self.fields["region"].queryset = Region.objects.filter(
            level="county", code__startswith=enterprise.region_code[:4]
        )
        self.fields["park"].queryset = Park.objects.filter(
            region_code__startswith=enterprise.region_code[:4]
        )

    def proposed(self) -> dict:
        data = self.cleaned_data
        out = {}
        for name in ("region", "park", "industry_code", "status"):
            if data.get(name):
                out[name] = data[name]
        return out


class BulkForm(forms.Form):
    ACTIONS = [("grid", _("Assign grid cell")), ("status", _("Change status"))]

    action = forms.ChoiceField(label=_("Bulk action"), choices=ACTIONS)
    grid = forms.ModelChoiceField(
        label=_("grid cell"),
        queryset=GridCell.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "---------"), *Status.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = GridCell.objects.for_user(user)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "status" and not data.get("status"):
            self.add_error("status", _("Choose the new status."))
        return data

    def changes(self) -> dict:
        action = self.cleaned_data["action"]
        return {action: self.cleaned_data[action] or None}
