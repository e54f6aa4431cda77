from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.alerts.services import NOTE_MAX


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
