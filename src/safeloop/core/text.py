"""Control characters on input (one guard for every text the platform accepts).

A C0 control character (U+0000–U+001F) has no business in an address, a place or a summary,
and a spreadsheet cannot even hold them. `NoControlCharacters` refuses them all but tab,
newline and carriage return, which text legitimately holds (a one-line input cannot send a
line break anyway, and imported or API text that holds one is kept as typed). The
`multiline` flag is kept on the validator to say which kind of field it guards.

`install()` (run once at start-up by `core.apps`) puts the guard on every model `CharField`
and `TextField` (so `full_clean`, model forms, model serializers and the imports that clean
their rows all refuse them) and on every form and serializer `CharField` of Django and Django
REST framework, so a text field declared outside a model is guarded too. A field that
already carries the guard gets no second copy."""

import re

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@deconstructible
class NoControlCharacters:
    message = _("Control characters are not allowed.")
    code = "control_characters"

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if isinstance(value, str) and has_control_characters(value, multiline=self.multiline):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether `value` holds a control character other than tab, newline or CR."""
    return bool(CONTROL.search(value))


def _guarded(validators) -> bool:
    return any(isinstance(v, NoControlCharacters) for v in validators)


def _guard_model_fields() -> None:
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField):
                continue
            # The field's own list (cached, holding its max length too): not `_validators`,
            # which the migrations would see.
            if not _guarded(field.validators):
                multiline = isinstance(field, models.TextField)
                field.validators.append(NoControlCharacters(multiline=multiline))


def _guard_init(cls, multiline_of) -> None:
    original = cls.__init__
    if getattr(original, "guards_control_characters", False):
        return

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if not _guarded(self.validators):
            self.validators.append(NoControlCharacters(multiline=multiline_of(self)))

    __init__.guards_control_characters = True  # type: ignore[attr-defined]
    cls.__init__ = __init__


def _guard_slugs(cls) -> None:
    """A related field looked up by a text slug refuses control characters before it
    queries: PostgreSQL cannot even hold a NUL in a literal (a 500 otherwise)."""
    original = cls.to_internal_value
    if getattr(original, "guards_control_characters", False):
        return

    def to_internal_value(self, data):
        if isinstance(data, str) and has_control_characters(data, multiline=True):
            self.fail("invalid")
        return original(self, data)

    to_internal_value.guards_control_characters = True  # type: ignore[attr-defined]
    cls.to_internal_value = to_internal_value


def install() -> None:
    from rest_framework import serializers

    _guard_model_fields()
    _guard_slugs(serializers.SlugRelatedField)
    _guard_init(forms.CharField, lambda f: isinstance(f.widget, forms.Textarea))
    _guard_init(
        serializers.CharField,
        lambda f: getattr(f, "style", {}).get("base_template") == "textarea.html",
    )
