"""The audit log's changes in people's words (for the change log screens)."""


def _plain(field, value) -> str:
    """One stored value as a person reads it: a choice's label, 是/否, a plain number, — for
    nothing."""
    from decimal import Decimal, InvalidOperation

    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and getattr(field, "choices", None):
        labels = {str(k): v for k, v in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if field is not None and field.get_internal_type() == "DecimalField":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return (
            f"{number.to_integral_value():f}"
            if number == number.to_integral_value()
            else f"{number.normalize():f}"
        )
    if isinstance(value, list):
        return "、".join(_plain(None, v) for v in value)
    if isinstance(value, dict):
        # Structured data (a scheme item, a result's figures) keeps machine keys: name it
        # by its own name where it has one, else say how many entries it holds.
        if value.get("name"):
            return str(value["name"])
        return ngettext("%d entry", "%d entries", len(value)) % len(value)
    return str(value)


def readable_changes(model, changes: dict) -> list[tuple[str, str, str]]:
    """(label, before, after) for each changed field of `model`: the field's verbose name,
    never its code; a field the model no longer has keeps its name."""
    from django.core.exceptions import FieldDoesNotExist

    rows = []
    for name, pair in (changes or {}).items():
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        label = str(getattr(field, "verbose_name", name))
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((label, _plain(field, before), _plain(field, after)))
    return rows
