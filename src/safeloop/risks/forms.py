"""Forms of the risk screens. They only shape input: the services check every rule (value
lists, scope, versions) and their errors are put back on these forms' fields. Each form
carries the version of the record the user saw, so a save over someone else's change is
refused."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE
from safeloop.risks.choices import DirectReason, Method
from safeloop.risks.models import (
    AccidentType,
    ControlMeasure,
    HazardCategory,
    HazardousSubstance,
    HazardUnit,
    HazardUnitSubstance,
    LecValue,
    LsValue,
    RiskPoint,
)
from safeloop.risks.services import MEASURE_FIELDS, POINT_FIELDS

TEXT = forms.Textarea(attrs={"rows": 3})
MAX_SUBSTANCE_LINES = 50


def version_field(required: bool = False):
    """The integer version of the record the page showed (hidden). Required wherever an
    existing record is changed, so a screen never saves without the check."""
    return forms.IntegerField(widget=forms.HiddenInput, required=required, min_value=1)


class EditsARecord:
    """A model form whose version is required when it edits an existing record."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].required = True


class VersionForm(forms.Form):
    """Regrading and deleting: only the version of the record the user saw."""

    version = version_field(required=True)


class AccidentTypeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code_set}）"


class RiskPointForm(EditsARecord, forms.ModelForm):
    version = version_field()
    accident_types = AccidentTypeChoice(
        label=_("possible accident types"),
        queryset=AccidentType.objects.select_related("code_set").order_by(
            "-code_set__is_current", "code_set__code", "code"
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = RiskPoint
        fields = [*POINT_FIELDS, "accident_types"]
        widgets = {
            "hazard_factors": TEXT,
            "emergency_actions": TEXT,
            "review_due": DATE,
        }

    def service_arguments(self) -> dict:
        data = {name: self.cleaned_data[name] for name in POINT_FIELDS}
        data["accident_types"] = list(self.cleaned_data["accident_types"])
        return data


def _shown(value) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def _official(model, factor: str) -> list[tuple[str, str]]:
    rows = model.objects.filter(factor=factor).order_by("-value")
    choices = [(_shown(row.value), f"{_shown(row.value)} — {row.label}") for row in rows]
    return [("", "---------"), *choices]


class AssessmentForm(forms.Form):
    """The inputs are offered from the official lists; the service checks them again, so a
    hand-made request with another value gets the service's field error."""

    version = version_field(required=True)
    method = forms.ChoiceField(label=_("method"), choices=Method.choices, widget=forms.RadioSelect)
    lec_l = forms.CharField(label=_("L (likelihood)"), required=False, max_length=20)
    lec_e = forms.CharField(label=_("E (exposure)"), required=False, max_length=20)
    lec_c = forms.CharField(label=_("C (consequence)"), required=False, max_length=20)
    ls_l = forms.CharField(label=_("L (likelihood)"), required=False, max_length=20)
    ls_s = forms.CharField(label=_("S (severity)"), required=False, max_length=20)
    direct_reason = forms.ChoiceField(
        label=_("direct determination"),
        choices=[("", "---------"), *DirectReason.choices],
        required=False,
    )
    direct_note = forms.CharField(
        label=_("direct determination note"), required=False, max_length=300
    )

    LEC = ("lec_l", "lec_e", "lec_c")
    LS = ("ls_l", "ls_s")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model, factor in (
            ("lec_l", LecValue, "L"),
            ("lec_e", LecValue, "E"),
            ("lec_c", LecValue, "C"),
            ("ls_l", LsValue, "L"),
            ("ls_s", LsValue, "S"),
        ):
            self.fields[name].widget = forms.Select(choices=_official(model, factor))

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        inputs = {Method.LEC: self.LEC, Method.LS: self.LS}.get(data["method"], ())
        return {
            "method": data["method"],
            "direct_reason": data["direct_reason"],
            "direct_note": data["direct_note"],
            **{name: data[name] for name in inputs},
        }


class MeasureForm(EditsARecord, forms.ModelForm):
    version = version_field()

    class Meta:
        model = ControlMeasure
        fields = list(MEASURE_FIELDS)
        widgets = {"description": TEXT}

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in MEASURE_FIELDS}


class UnitForm(EditsARecord, forms.ModelForm):
    version = version_field()

    class Meta:
        model = HazardUnit
        fields = ["name", "kind", "people_within_500m"]


class SubstanceLineForm(forms.Form):
    """One line of a unit: a named substance or a hazard category, and its maximum quantity.
    The line is checked by the model it becomes, as the service does when saving."""

    substance = forms.ModelChoiceField(
        label=_("named substance"),
        queryset=HazardousSubstance.objects.order_by("name"),
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("or hazard category"),
        queryset=HazardCategory.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    label = forms.CharField(label=_("name on site"), required=False, max_length=80)
    quantity = forms.DecimalField(
        label=_("maximum quantity (t)"), required=False, max_digits=14, decimal_places=4
    )

    def clean(self):
        data = super().clean()
        if self.errors or is_blank(data):
            return data
        if data.get("quantity") is None:
            self.add_error("quantity", _("Give the maximum quantity in tonnes."))
            return data
        line = HazardUnitSubstance(
            substance=data.get("substance"),
            category=data.get("category"),
            label=data.get("label", ""),
            quantity=data["quantity"],
        )
        try:
            line.full_clean(exclude=["unit"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return data


def is_blank(data: dict) -> bool:
    """A line with nothing in it: an unused extra line, or one the user cleared to remove it."""
    return not any(data.get(name) not in (None, "") for name in SubstanceLineForm.base_fields)


class BaseSubstanceFormSet(forms.BaseFormSet):
    """The lines to save; that there is at least one is the service's rule."""

    def lines(self) -> list[dict]:
        return [
            {
                "substance": form.cleaned_data.get("substance"),
                "category": form.cleaned_data.get("category"),
                "label": form.cleaned_data.get("label", ""),
                "quantity": form.cleaned_data["quantity"],
            }
            for form in self.forms
            if form.cleaned_data and not is_blank(form.cleaned_data)
        ]


SubstanceFormSet = forms.formset_factory(
    SubstanceLineForm,
    formset=BaseSubstanceFormSet,
    extra=2,
    max_num=MAX_SUBSTANCE_LINES,
    validate_max=True,
)


def substance_initial(unit) -> list[dict]:
    return [
        {
            "substance": line.substance_id,
            "category": line.category.code if line.category_id else None,
            "label": line.label,
            "quantity": line.quantity.normalize(),
        }
        for line in unit.substances.order_by("pk")
    ]
