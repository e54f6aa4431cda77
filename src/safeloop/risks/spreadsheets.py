"""Excel export and import of risk points.

Import follows the ledger's rules: only .xlsx, every row validated and every error listed by
row and column, a dry run that writes nothing, and an apply that writes all rows or none (one
transaction through the services, so each write is scoped, audited and rolled up). Rows are
keyed by (enterprise USCC, point name): an existing live point is updated, otherwise created.
"""

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from safeloop.core.bulk import TooLarge, XlsxLimits, inspect_xlsx
from safeloop.core.errors import Invalid, fields_for
from safeloop.core.scoping import can, grant_q
from safeloop.enterprises.models import Enterprise
from safeloop.risks import services
from safeloop.risks.choices import DirectReason, Method, PointKind
from safeloop.risks.models import AccidentType, GradingScheme, RiskPoint

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
LIMITS = XlsxLimits(
    max_rows=MAX_ROWS, max_sheet_bytes=256 * 1024 * 1024, max_shared_strings_bytes=32 * 1024 * 1024
)

# key, header (Chinese, as users exchange these files)
COLUMNS = [
    ("uscc", "统一社会信用代码"),
    ("name", "风险点名称"),
    ("kind", "风险点类型"),
    ("location", "位置"),
    ("post", "岗位"),
    ("accident_types", "可能导致的事故类型（代码，顿号分隔）"),
    ("hazard_factors", "危险有害因素"),
    ("emergency_actions", "应急处置措施"),
    ("contacts", "应急联系方式"),
    ("review_due", "下次评审日期"),
    ("method", "评价方法（LEC/LS/直接判定）"),
    ("l", "L"),
    ("e", "E"),
    ("c", "C"),
    ("s", "S"),
    ("direct_reason", "直接判定理由"),
]
HEADERS = [h for _k, h in COLUMNS]
KIND_LABELS = {"设备设施": "equipment", "作业活动": "operation", "场所区域": "place"}
KIND_NAMES = {v: k for k, v in KIND_LABELS.items()}
METHOD_LABELS = {"LEC": Method.LEC, "LS": Method.LS, "直接判定": Method.DIRECT}
METHOD_NAMES = {v: k for k, v in METHOD_LABELS.items()}
REASON_LABELS = {
    "存在重大事故隐患": DirectReason.MAJOR_HIDDEN_DANGER,
    "发生过死亡、重伤事故且条件依然存在": DirectReason.FATAL_ACCIDENT,
    "同一作业场所30人及以上": DirectReason.PEOPLE_30,
}
REASON_NAMES = {v: k for k, v in REASON_LABELS.items()}


class FileRefused(Exception):
    """The file as a whole cannot be read; nothing is written."""


def _num(value):
    return "" if value is None else f"{Decimal(value).normalize():f}"


def point_sheets(points):
    """The risk points in the import's own columns, `(filename, sheets)` for core.exports: a
    file exported here imports back unchanged."""
    return "risk-points.xlsx", [("风险点", HEADERS, _point_rows(points))]


def _point_rows(points):
    found = (
        points.select_related("enterprise", "current_assessment")
        .prefetch_related("accident_types")
        .iterator(chunk_size=2000)
    )
    for p in found:
        a = p.current_assessment
        yield (
            p.enterprise.uscc,
            p.name,
            KIND_NAMES[p.kind],
            p.location,
            p.post,
            "、".join(t.code for t in p.accident_types.all()),
            p.hazard_factors,
            p.emergency_actions,
            p.contacts,
            p.review_due,
            METHOD_NAMES.get(a.method, "") if a else "",
            (_num(a.lec_l) if a.method == Method.LEC else a.ls_l or "") if a else "",
            _num(a.lec_e) if a else "",
            _num(a.lec_c) if a else "",
            (a.ls_s or "") if a else "",
            REASON_NAMES.get(a.direct_reason, "") if a else "",
        )


@dataclass
class Result:
    errors: list = field(default_factory=list)  # (row, column header, message)
    rows: int = 0
    created: int = 0
    updated: int = 0
    assessed: int = 0
    applied: bool = False


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lstrip("'")


def _read(path) -> list[tuple[int, dict]]:
    try:
        if not zipfile.is_zipfile(path):
            raise FileRefused(_("The file is not an .xlsx workbook."))
        LIMITS.check(inspect_xlsx(path))  # before openpyxl unpacks anything
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError) as e:
        raise FileRefused(_("The file is not an .xlsx workbook.")) from e
    except TooLarge as e:
        raise FileRefused(str(e)) from e
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    missing = [h for h in HEADERS[:3] if h not in header]
    if missing:
        raise FileRefused(_("Missing columns: %(cols)s") % {"cols": "、".join(missing)})
    index = {key: header.index(h) for key, h in COLUMNS if h in header}
    out = []
    for number, row in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise FileRefused(_("More than %(n)s rows; split the file.") % {"n": MAX_ROWS})
        values = {key: row[i] if i < len(row) else None for key, i in index.items()}
        if any(_text(v) for v in values.values()):
            out.append((number, values))
    wb.close()
    return out


def import_points(*, actor, path, apply: bool) -> Result:
    """Validate every row; with `apply` and no errors, write them all in one transaction."""
    result = Result()
    rows = _read(path)
    result.rows = len(rows)
    header = dict(COLUMNS)
    types = {t.code: t for t in AccidentType.objects.select_related("code_set")}
    usccs = {_text(v.get("uscc")) for _n, v in rows}
    enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
    thresholds = GradingScheme.active().thresholds()
    writable = set(
        writable_enterprises(actor)
        .filter(pk__in=[e.pk for e in enterprises.values()])
        .values_list("pk", flat=True)
    )
    plans = []
    seen = set()
    for number, v in rows:
        errors = []

        def err(key, message, number=number, errors=errors):
            errors.append((number, header[key], str(message)))

        uscc = _text(v.get("uscc"))
        enterprise = enterprises.get(uscc)
        if enterprise is None or not can(actor, "view", enterprise):
            err("uscc", _("No enterprise with this code in your area."))
        elif enterprise.pk not in writable:
            err("uscc", _("You may not change this enterprise's risk points."))
        name = _text(v.get("name"))
        if not name:
            err("name", _("Required."))
        elif len(name) > 120:
            err("name", _("At most 120 characters."))
        if (uscc, name) in seen:
            err("name", _("The same point appears twice in the file."))
        seen.add((uscc, name))
        kind_text = _text(v.get("kind"))
        kind = KIND_LABELS.get(kind_text) or (kind_text if kind_text in PointKind.values else None)
        if kind is None:
            err("kind", _("One of: %(allowed)s") % {"allowed": "、".join(KIND_LABELS)})
        codes = [c for c in _text(v.get("accident_types")).replace(",", "、").split("、") if c]
        unknown = [c for c in codes if c not in types]
        if unknown:
            err("accident_types", _("Unknown codes: %(codes)s") % {"codes": "、".join(unknown)})
        review = v.get("review_due")
        if isinstance(review, datetime):
            review = review.date()
        elif review not in (None, "") and not isinstance(review, date):
            try:
                review = date.fromisoformat(_text(review))
            except ValueError:
                err("review_due", _("A date such as 2027-06-30."))
                review = None
        review = review or None
        method_text = _text(v.get("method"))
        method = METHOD_LABELS.get(method_text.upper() if method_text.isascii() else method_text)
        reason_text = _text(v.get("direct_reason"))
        reason = REASON_LABELS.get(
            reason_text, reason_text if reason_text in DirectReason.values else None
        )
        if reason_text and reason is None:
            err("direct_reason", _("One of: %(allowed)s") % {"allowed": "、".join(REASON_LABELS)})
        inputs = {}
        if method_text and method is None:
            err("method", _("One of: %(allowed)s") % {"allowed": "、".join(METHOD_LABELS)})
        elif method:
            if method == Method.LEC:
                inputs = {"lec_l": v.get("l"), "lec_e": v.get("e"), "lec_c": v.get("c")}
            elif method == Method.LS:
                inputs = {"ls_l": v.get("l"), "ls_s": v.get("s")}
            inputs = {k: _text(x) for k, x in inputs.items()}
            try:
                services.grade(
                    method=method, inputs=inputs, thresholds=thresholds, direct_reason=reason or ""
                )
            except ValidationError as e:
                to_column = {"lec_l": "l", "lec_e": "e", "lec_c": "c", "ls_l": "l", "ls_s": "s"}
                for key, messages in e.message_dict.items():
                    for message in messages:
                        err(to_column.get(key, key if key in header else "method"), message)
        result.errors.extend(errors)
        if not errors:
            fields = {
                "name": name,
                "kind": kind,
                "location": _text(v.get("location")),
                "post": _text(v.get("post")),
                "hazard_factors": _text(v.get("hazard_factors")),
                "emergency_actions": _text(v.get("emergency_actions")),
                "contacts": _text(v.get("contacts")),
                "review_due": review,
            }
            assessment = (
                {"method": method, "direct_reason": reason or "", **inputs} if method else None
            )
            plans.append((number, enterprise, fields, [types[c] for c in codes], assessment))
    if result.errors or not apply:
        return result
    with transaction.atomic():
        for number, enterprise, fields, accident_types, assessment in plans:
            try:
                _apply_row(actor, enterprise, fields, accident_types, assessment, result)
            except (ValidationError, Invalid) as e:  # a rule the row check could not see
                result.errors.extend((number, "", m) for ms in fields_for(e).values() for m in ms)
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.assessed = 0
            return result
    result.applied = True
    return result


def writable_enterprises(actor):
    """Enterprises whose risk points the actor may change (same grants as RiskPoint)."""
    roles = RiskPoint.scope_roles["change"]
    condition = None
    for grant in actor.grants():
        if grant.role not in roles:
            continue
        q = grant_q(Enterprise, grant)
        if q is None:
            continue
        if not q:  # an unrestricted grant
            return Enterprise.objects.all()
        condition = q if condition is None else condition | q
    return Enterprise.objects.none() if condition is None else Enterprise.objects.filter(condition)


def _apply_row(actor, enterprise, fields, accident_types, assessment, result) -> None:
    point = RiskPoint.objects.filter(
        enterprise=enterprise, name=fields["name"], is_deleted=False
    ).first()
    if point is None:
        point = services.create_risk_point(
            actor=actor, enterprise=enterprise, accident_types=accident_types, **fields
        )
        result.created += 1
    else:
        point = services.update_risk_point(
            actor=actor, point=point, accident_types=accident_types, **fields
        )
        result.updated += 1
    if assessment and _differs(point.current_assessment, assessment):
        inputs = {k: x for k, x in assessment.items() if x not in ("", None)}
        services.assess_risk_point(actor=actor, point=point, **inputs)
        result.assessed += 1


def _differs(current, wanted: dict) -> bool:
    if current is None:
        return True
    for key, value in wanted.items():
        have = getattr(current, key)
        if value in ("", None):
            if have not in ("", None):
                return True
        elif key in ("method", "direct_reason"):
            if have != value:
                return True
        elif have is None or Decimal(str(have)) != Decimal(str(value)):
            return True
    return False
