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


# The query parameters a picker sends back to the page that drew it: which select, what typed.
PICK, FIND = "_pick", "_find"
PICKED = 20  # options a search brings back


def take_pick(request) -> None:
    """Move a picker's question out of the query (`request.picking`: the select's name and
    the text typed), so that the page is drawn as it was: a form read from the query stays
    unbound, a list unfiltered (core.middleware.RequestContextMiddleware)."""
    if PICK not in request.GET:
        return
    query = request.GET.copy()
    name, text = query.pop(PICK)[-1], query.pop(FIND, [""])[-1]
    request.picking = (name, text.replace("\x00", "").strip()[:100])
    query._mutable = False
    request.GET = query


class SearchableSelect(forms.Select):
    """A select that a script turns into a type-to-find list (no CDN; without the script it
    stays an ordinary select). Each option carries `data-search`: the object's `search_text`
    (an enterprise: name, pinyin initials, USCC), else its label. Used by every form that
    picks an enterprise, so a regulator finds one of hundreds by 名称, 拼音首字母 or code.

    A model choice of more than `settings.PICKER_LISTED` rows whose model has
    `picker_search(queryset, text)` is not drawn whole: the select holds the chosen row only
    and `data-source` names the page that drew it. The script asks that page again with
    `_pick=<name>&_find=<text>` (`take_pick`), and this widget, drawing that select, draws
    the first `PICKED` rows `picker_search` (given the text stripped, never empty) finds in
    the form's own queryset — the same scope and the same narrowing the form validates
    against, on every page, without an endpoint per form."""

    def __init__(self, attrs=None, choices=()):
        from django.utils.translation import gettext_lazy as _

        defaults = {
            "data-searchable": "1",
            "data-placeholder": _("Find by name, pinyin initials or code"),
            "data-none": _("Nothing matches."),
        }
        super().__init__({**defaults, **(attrs or {})}, choices)

    def get_context(self, name, value, attrs):
        source = self._narrow(name, value)
        context = super().get_context(name, value, attrs)
        if source is not None:
            context["widget"]["attrs"]["data-source"] = source
        return context

    def _narrow(self, name, value) -> str | None:
        """Replace a long model choice by the rows this drawing needs; the page's address
        when the rest is to be searched for."""
        from django.conf import settings
        from django.forms.models import ModelChoiceIterator
        from django.http import HttpRequest

        from safeloop.core.context import current
        from safeloop.core.scoping import as_pk

        iterator = self.choices
        if not isinstance(iterator, ModelChoiceIterator) or iterator.queryset is None:
            return None
        queryset = iterator.queryset
        search = getattr(queryset.model, "picker_search", None)
        if search is None:
            return None
        request = current().request
        picking, text = getattr(request, "picking", (None, ""))
        head = [("", iterator.field.empty_label)] if iterator.field.empty_label is not None else []
        source = None
        if picking == name:
            rows = list((search(queryset, text) if text else queryset)[:PICKED])
        else:
            listed = settings.PICKER_LISTED
            rows = list(queryset[: listed + 1])
            if len(rows) > listed:  # the chosen rows only; the rest is searched
                chosen = {pk for v in self.format_value(value) if (pk := as_pk(v)) is not None}
                rows = list(queryset.filter(pk__in=chosen)) if chosen else []
                source = request.get_full_path() if isinstance(request, HttpRequest) else ""
        self.choices = head + [iterator.choice(row) for row in rows]
        return source

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        text = getattr(instance, "search_text", None) if instance is not None else None
        option["attrs"]["data-search"] = (text or str(label)).lower()
        return option


class SearchableSelectMultiple(SearchableSelect, forms.SelectMultiple):
    """`SearchableSelect` for choosing several (a campaign's enterprises): every chosen row
    stays while others are searched."""


def searchable(form, *names: str) -> None:
    """Give the named select fields of a form the `SearchableSelect` widget, keeping their
    choices and attributes (for fields a ModelForm or a filter set builds itself)."""
    for name in names:
        field = form.fields.get(name)
        if field is None:
            continue
        widget = SearchableSelect(attrs=field.widget.attrs)
        widget.choices = field.widget.choices
        widget.is_required = field.widget.is_required
        field.widget = widget
