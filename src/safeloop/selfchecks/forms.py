from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.core.widgets import DATE
from safeloop.hazards.choices import Category, Level
from safeloop.selfchecks.choices import HazardAction, Result
from safeloop.selfchecks.services import MAX_PHOTOS, NOTE_MAX


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %d photos.") % MAX_PHOTOS)
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class RecordForm(forms.Form):
    """排查记录: the result, a note, photos; an abnormal result also says how the hidden
    danger is handled."""

    result = forms.ChoiceField(label=_("result"), choices=Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("note"), max_length=NOTE_MAX, required=False, widget=forms.Textarea({"rows": 3})
    )
    photos = MultiplePhotoField(
        label=_("photos"),
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    hazard_action = forms.ChoiceField(
        label=_("handling of the abnormality"),
        choices=[("", "—"), *HazardAction.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("category"), choices=Category.choices, initial=Category.OTHER, required=False
    )
    level = forms.ChoiceField(
        label=_("hazard level"), choices=Level.choices, initial=Level.GENERAL, required=False
    )
    deadline = forms.DateField(label=_("deadline"), required=False, widget=DATE)
    evidence = forms.CharField(
        label=_("how it was fixed"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("result") == Result.ABNORMAL:
            if not (data.get("note") or "").strip():
                self.add_error("note", _("Describe what is wrong."))
            action = data.get("hazard_action")
            if not action:
                self.add_error("hazard_action", _("Choose how the abnormality is handled."))
            elif action == HazardAction.REGISTER and not data.get("deadline"):
                self.add_error("deadline", _("Every hidden danger needs a deadline."))
            elif action == HazardAction.FIX_ON_SPOT and not (data.get("evidence") or "").strip():
                self.add_error("evidence", _("Describe how it was fixed."))
        data["category"] = data.get("category") or Category.OTHER
        data["level"] = data.get("level") or Level.GENERAL
        return data


class PeriodForm(forms.Form):
    """The completion table's window: tasks due from … to …"""

    start = forms.DateField(label=_("due from"), widget=DATE)
    end = forms.DateField(label=_("due to"), widget=DATE)

    MAX_DAYS = 731

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end is before the start."))
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("end", _("Choose at most two years."))
        return data
