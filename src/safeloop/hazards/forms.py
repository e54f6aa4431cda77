"""Forms of the hazard screens. They only shape input; every rule is checked by the
services, whose errors are put back on these forms' fields."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE, PhotosField, SearchableSelect, preselect_single_options
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import Category, Level, Source
from safeloop.hazards.models import Hazard, PhotoStage
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS

# On a phone this opens the camera; elsewhere it is an ordinary file choice.
CAMERA = forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})
TEXT = forms.Textarea(attrs={"rows": 3})
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def _text(label, required=True, max_length=5000, **kw):
    return forms.CharField(label=label, required=required, max_length=max_length, widget=TEXT, **kw)


def _model_label(name):
    return Hazard._meta.get_field(name).verbose_name


class VersionedForm(forms.Form):
    """Every move carries the version the user saw: a change meanwhile is a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmForm(VersionedForm):
    level = forms.ChoiceField(label=_("hazard level"), choices=Level.choices)
    deadline = forms.DateField(label=_("deadline"), required=False, widget=DATE)
    deadline_working_days = forms.IntegerField(
        label=_("or: deadline in working days"), required=False, min_value=1, max_value=999
    )


class ReasonForm(VersionedForm):
    reason = _text(_("reason"), max_length=2000)


class PlanForm(VersionedForm):
    measures = _text(_model_label("measures"), required=False)
    funds_budgeted = forms.DecimalField(
        label=_model_label("funds_budgeted"), required=False, **MONEY
    )
    responsible_person = forms.CharField(
        label=_model_label("responsible_person"), required=False, max_length=50
    )
    emergency_measures = _text(_model_label("emergency_measures"), required=False)
    plan_goals = _text(_model_label("plan_goals"), required=False)
    plan_methods = _text(_model_label("plan_methods"), required=False)
    plan_resources = _text(_model_label("plan_resources"), required=False)
    plan_organisation = _text(_model_label("plan_organisation"), required=False)
    plan_schedule = _text(_model_label("plan_schedule"), required=False)
    plan_safety = _text(_model_label("plan_safety"), required=False)
    production_stopped = forms.BooleanField(
        label=_model_label("production_stopped"), required=False
    )

    GOVERNANCE = [
        "plan_goals",
        "plan_methods",
        "plan_resources",
        "plan_organisation",
        "plan_schedule",
        "plan_safety",
        "production_stopped",
    ]

    def __init__(self, *args, hazard, **kwargs):
        super().__init__(*args, **kwargs)
        if hazard.level != Level.MAJOR:
            for name in self.GOVERNANCE:
                del self.fields[name]


class ListForm(VersionedForm):
    deadline = forms.DateField(label=_("listing deadline"), widget=DATE)


class SubmitForm(VersionedForm):
    evidence = _text(_("rectification evidence"))
    funds_spent = forms.DecimalField(label=_("actual cost (CNY)"), required=False, **MONEY)
    photos = PhotosField(label=_("photos after rectification"))


class ExtensionRequestForm(VersionedForm):
    new_deadline = forms.DateField(label=_("requested deadline"), widget=DATE)
    reason = _text(_("reason"), max_length=2000)


class ExtensionDecisionForm(VersionedForm):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = _text(_("decision note"), required=False, max_length=2000)


class AcceptForm(VersionedForm):
    opinion = _text(_("acceptance opinion"))
    expert_report = _text(_("expert or evaluation report"), required=False)

    def __init__(self, *args, hazard, **kwargs):
        super().__init__(*args, **kwargs)
        if hazard.level != Level.MAJOR:
            del self.fields["expert_report"]


MOVE_FORMS = {
    "confirm": ConfirmForm,
    "reject": ReasonForm,
    "plan": PlanForm,
    "list": ListForm,
    "submit": SubmitForm,
    "request_extension": ExtensionRequestForm,
    "decide_extension": ExtensionDecisionForm,
    "accept": AcceptForm,
    "return": ReasonForm,
    "void": ReasonForm,
}
NEEDS_HAZARD = {"plan", "accept"}


def move_form(move: str, hazard: Hazard, data=None, files=None):
    initial = {"version": hazard.version}
    if move == "confirm":
        initial["level"] = hazard.level
    elif move == "plan":
        initial.update({name: getattr(hazard, name) for name in PlanForm.base_fields})
        initial["version"] = hazard.version
    elif move == "submit":
        initial.update(evidence=hazard.evidence, funds_spent=hazard.funds_spent)
    form_class = MOVE_FORMS[move]
    kwargs = {"hazard": hazard} if move in NEEDS_HAZARD else {}
    return form_class(data, files, initial=initial, prefix=move, **kwargs)


# ---------------------------------------------------------------- registration
class RegisterForm(forms.Form):
    """Register a hidden danger, or record one fixed on the spot (general only)."""

    MOVES = [("register", _("Register for rectification")), ("fix_on_spot", _("Fixed on the spot"))]

    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    move = forms.ChoiceField(
        label=_("what to record"), choices=MOVES, initial="register", widget=forms.RadioSelect
    )
    enterprise = forms.ModelChoiceField(
        label=_("enterprise"), queryset=Enterprise.objects.none(), widget=SearchableSelect
    )
    level = forms.ChoiceField(label=_("hazard level"), choices=Level.choices, initial=Level.GENERAL)
    source = forms.ChoiceField(label=_("hazard source"), choices=[])
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    criterion = forms.CharField(label=_model_label("criterion"), required=False, max_length=100)
    place = forms.CharField(label=_("where it was found"), max_length=200)
    description = _text(_("description"))
    cause = _text(_("cause"), required=False)
    deadline = forms.DateField(label=_("deadline"), required=False, widget=DATE)
    deadline_working_days = forms.IntegerField(
        label=_("or: deadline in working days"), required=False, min_value=1, max_value=999
    )
    evidence = _text(_("how it was fixed (on the spot only)"), required=False)
    photo = forms.FileField(label=_("photo"), required=False, widget=CAMERA)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = register_enterprises(user)
        preselect_single_options(self)
        self.fields["source"].choices = [
            (v, label) for v, label in Source.choices if v != Source.PUBLIC_REPORT
        ]

    def clean(self):
        data = super().clean()
        if data.get("move") == "register":
            if data.get("deadline") is None and data.get("deadline_working_days") is None:
                self.add_error("deadline", _("Give a deadline, as a date or in working days."))
        elif data.get("move") == "fix_on_spot":
            if data.get("level") == Level.MAJOR:
                self.add_error("level", _("Only a general hidden danger can be fixed on the spot."))
            if not (data.get("evidence") or "").strip():
                self.add_error("evidence", _("Describe how it was fixed."))
        return data


def register_enterprises(user):
    """Enterprises the user may register a hidden danger for: their own (staff) or those
    in their scope (regulators)."""
    if not user.is_authenticated:
        return Enterprise.objects.none()
    ids = [g.enterprise_id for g in user.grants() if g.role in ENTERPRISE_STAFF]
    queryset = Enterprise.objects.filter(pk__in=ids)
    if user.roles & REGULATORS:
        queryset = queryset | Enterprise.objects.for_user(user, "view", roles=REGULATORS)
    return queryset.distinct().order_by("name")


def may_register(user) -> bool:
    return user.is_authenticated and bool(user.roles & (ENTERPRISE_STAFF | REGULATORS))


class PhotoForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("stage"), choices=PhotoStage.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(label=_("photo"), widget=CAMERA)

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [c for c in PhotoStage.choices if c[0] in stages]
        if len(stages) == 1:
            self.fields["stage"].initial = stages[0]
