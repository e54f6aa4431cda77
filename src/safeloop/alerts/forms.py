from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.alerts.services import BULK_MAX, NOTE_MAX


class MoveForm(forms.Form):
    note = forms.CharField(
        label=_("note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, move: str, **kwargs):
        super().__init__(*args, prefix=move, **kwargs)
        if move == "close":
            self.fields["note"].required = True
            self.fields["note"].label = _("what was done")


class WarningItemsField(forms.Field):
    """The warnings ticked on a list, each as `id:version` (the version read on the page)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Tick at least one warning."),
        "invalid": _("The list of warnings is not readable."),
    }

    def to_python(self, value) -> list[tuple[int, int]]:
        items = []
        for raw in value or []:
            pk, _sep, version = str(raw).partition(":")
            if not (pk.isdigit() and version.isdigit() and 0 < int(version) < 2**31):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            items.append((int(pk), int(version)))
        if len(items) > BULK_MAX:
            raise forms.ValidationError(_("At most %d warnings at a time.") % BULK_MAX)
        return items


class BulkAcknowledgeForm(forms.Form):
    items = WarningItemsField(label=_("warnings"))
    note = forms.CharField(
        label=_("note"), max_length=NOTE_MAX, required=False, widget=forms.TextInput
    )
    back = forms.CharField(required=False, widget=forms.HiddenInput)
