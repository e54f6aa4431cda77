"""Form widgets every app's forms and filters share."""

from django import forms

# The browser's own date picker; the value is always ISO, whatever the interface language.
# A widget instance can be shared: every form field deep-copies the one it is given.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The browser's own date-and-time picker, ISO like DATE.
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PhotosInput(forms.ClearableFileInput):
    """A file input that takes several photos (the phone's camera offered first)."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", "capture": "environment", **(attrs or {})})


class PhotosField(forms.FileField):
    """Several photos in one field, at most `max_photos`; each is then cleaned by
    `core.photos.attach_photo` in the service."""

    widget = PhotosInput

    def __init__(self, *, max_photos: int = 5, **kwargs):
        self.max_photos = max_photos
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        from django.utils.translation import gettext as _

        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > self.max_photos:
            raise forms.ValidationError(_("At most %d photos.") % self.max_photos)
        return [super().clean(f, initial) for f in files]


def preselect_single_options(form) -> None:
    """A required select with one real option comes chosen (an enterprise user's only
    enterprise), without the empty "---------" line."""
    from django.forms import ModelChoiceField

    for name, field in form.fields.items():
        if not isinstance(field, ModelChoiceField) or not field.required:
            continue
        options = list(field.queryset[:2]) if field.queryset is not None else []
        if len(options) == 1:
            field.empty_label = None
            form.initial.setdefault(name, options[0].pk)
