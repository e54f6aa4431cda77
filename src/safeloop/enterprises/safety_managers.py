"""The list of an enterprise's safety managers: how a wanted list is laid over the current
rows. The forms, the API (through the services) and the import all use it, so a list
means the same thing whichever way it arrives."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safeloop.enterprises.models import SafetyManager, mask

FIELDS = SafetyManager.VALUE_FIELDS


def values_of(entry: dict) -> tuple:
    """A safety manager as a tuple in `FIELDS` order, blanks as the model stores them."""
    return tuple(
        entry.get(name) or (None if name == "certificate_valid_to" else "") for name in FIELDS
    )


def pair(current: list[SafetyManager], entries: list[dict], make_row):
    """The rows that make the list equal `entries` (in order) and the rows to remove, or None
    when it already is. A current row equal to an entry keeps its identity and history; the
    others are rewritten in order; `make_row()` gives a new one when none is left."""
    wanted = [values_of(entry) for entry in entries]
    if [row.values for row in current] == wanted:
        return None
    free = list(current)
    placed = []
    for values in wanted:
        same = next((row for row in free if row.values == values), None)
        if same is not None:
            free.remove(same)
        placed.append(same)
    rows = []
    for position, (values, row) in enumerate(zip(wanted, placed, strict=True)):
        if row is None:
            row = free.pop(0) if free else make_row()
            for name, value in zip(FIELDS, values, strict=True):
                setattr(row, name, value)
        row.position = position
        rows.append(row)
    return rows, free


def problems(row: SafetyManager, n: int) -> list[str]:
    """Field errors of one manager, each naming the person (n from 1) and the field."""
    try:
        row.full_clean(exclude=["enterprise"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [
            _("Safety manager %(n)s, %(field)s: %(message)s")
            % {"n": n, "field": SafetyManager._meta.get_field(name).verbose_name, "message": m}
            for name, messages in error.message_dict.items()
            for m in messages
        ]
    return []


def check_count(entries: list) -> None:
    if len(entries) > SafetyManager.MAX_PER_ENTERPRISE:
        raise ValidationError(
            {
                "safety_managers": _("At most %(n)s safety managers.")
                % {"n": SafetyManager.MAX_PER_ENTERPRISE}
            }
        )


def unmask(entries: list[dict], current: list[SafetyManager]) -> list[str]:
    """An export masks certificate numbers for readers who may not see them; when such a
    file comes back, a masked number that matches a current manager's stands for it.
    Returns the problems (a masked number that matches nobody)."""
    errors = []
    for n, entry in enumerate(entries, start=1):
        number = entry.get("certificate_number") or ""
        if "*" not in number:
            continue
        known = [
            row.certificate_number for row in current if mask(row.certificate_number) == number
        ]
        same_name = [
            row.certificate_number
            for row in current
            if row.name == entry.get("name") and mask(row.certificate_number) == number
        ]
        if same_name or known:
            entry["certificate_number"] = (same_name or known)[0]
        else:
            errors.append(
                _("Safety manager %(n)s: write the certificate number in full, without “*”.")
                % {"n": n}
            )
    return errors
