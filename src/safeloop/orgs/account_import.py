"""Importing accounts from a spreadsheet, with the ledger's rules: a template to fill in, a
dry run that lists every error, and an import that writes all rows or none. Each row goes
through `accounts.create_account`, so the grant table, the scope and the audit apply as on
the screen; each new account gets its invitation."""

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from safeloop.core.errors import ServiceError
from safeloop.core.services import require, service
from safeloop.orgs.accounts import create_account
from safeloop.orgs.models import GridCell, Park, Region
from safeloop.orgs.roles import ROLE_UNIT, Role, Unit

FIELDS = ["username", "full_name", "mobile", "email", "role", "unit"]
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
MAX_CELL = 200


def headers() -> list[str]:
    return [
        _("Username"),
        _("Full name"),
        _("Mobile"),
        _("E-mail"),
        _("Role"),
        _("Unit (region code, park name, grid code or enterprise credit code)"),
    ]


def read_rows(upload) -> list[dict]:
    """The rows of the first sheet under the header row, as dicts of FIELDS."""
    require(upload.size <= MAX_BYTES, _("The file is larger than 2 MB."), "file")
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # any unreadable file is the user's input error
        raise ServiceError(_("This is not an .xlsx workbook."), field="file") from None
    sheet = book.worksheets[0]
    rows = []
    for n, values in enumerate(sheet.iter_rows(min_row=2, max_col=len(FIELDS), values_only=True)):
        require(n < MAX_ROWS, _("At most %(n)s rows at once.") % {"n": MAX_ROWS}, "file")
        cells = ["" if v is None else str(v).strip() for v in values]
        cells += [""] * (len(FIELDS) - len(cells))
        if not any(cells):
            continue
        rows.append({"row": n + 2, **dict(zip(FIELDS, cells, strict=True))})
    book.close()
    return rows


def _role(value: str) -> str:
    for role in Role:
        if value in (role.value, str(role.label)):
            return role.value
    return value


def _unit(actor, role: str, value: str) -> dict:
    """The unit named in a cell, looked up only among the units the actor can see."""
    unit = ROLE_UNIT.get(Role(role)) if role in Role.values else None
    if unit in (None, Unit.NONE):
        return {}
    if unit in (Unit.CITY, Unit.COUNTY):
        found = Region.objects.for_user(actor).filter(code=value).first()
        return {"region": found.pk if found else None}
    if unit == Unit.PARK:
        found = Park.objects.for_user(actor).filter(name=value).first()
        return {"park": found.pk if found else None}
    if unit == Unit.GRID:
        found = GridCell.objects.for_user(actor).filter(code=value).first()
        return {"grid": found.pk if found else None}
    Enterprise = apps.get_model("enterprises", "Enterprise")
    found = Enterprise.objects.for_user(actor).filter(uscc=value).first()
    return {"enterprise": found.pk if found else None}


@service
def import_accounts(*, actor, rows: list[dict], apply: bool) -> dict:
    """Check (and, with `apply` and no error at all, create) every row. Returns the errors
    by row and, when applied, the invitations: {"errors": [(row, message)], "created":
    [(account, code)]}. Nothing is written unless every row is right."""
    require(rows, _("The sheet has no rows."), "file")
    labels = dict(zip(FIELDS, headers(), strict=True))
    errors: list[tuple[int, str]] = []
    created = []
    for row in rows:
        too_long = [f for f in FIELDS if len(row[f]) > MAX_CELL]
        if too_long:
            errors.append((row["row"], _("A cell is longer than 200 characters.")))
            continue
        role = _role(row["role"])
        try:
            with transaction.atomic():
                user, code = create_account(
                    actor=actor,
                    username=row["username"],
                    full_name=row["full_name"],
                    mobile=row["mobile"],
                    email=row["email"],
                    role=role,
                    reason=_("Imported from a spreadsheet"),
                    **_unit(actor, role, row["unit"]),
                )
            created.append((user, code))
        except ServiceError as error:
            for field, messages in error.fields().items():
                label = labels.get(field, labels["unit"] if field in UNIT_FIELDS else "")
                errors.extend((row["row"], f"{label}：{m}" if label else m) for m in messages)
        except Exception as error:
            from django.core.exceptions import ValidationError

            if not isinstance(error, ValidationError):
                raise
            errors.extend((row["row"], m) for m in error.messages)
    if errors or not apply:
        transaction.set_rollback(True)
        created = []
    return {"errors": errors, "created": created, "rows": len(rows)}


UNIT_FIELDS = {"region", "park", "grid", "enterprise"}
