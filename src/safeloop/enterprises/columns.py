"""The spreadsheet format of the ledger: one column per fact, with Chinese headers. The
template, the import and the export all use this table, so an exported file imports back."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import translation

from safeloop.enterprises.choices import Scale, StandardGrade, Status

SHEET = "企业台账"
OPTIONS_SHEET = "选项"
HELP_SHEET = "填写说明"
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    key: str  # model field, or licence_* for the safety production licence
    header: str
    kind: str = "text"  # text uscc region park grid code int decimal date bool choice managers
    required: bool = False
    choices: type | None = None
    help: str = ""
    example: str = ""


def _risk(key, header):
    return Column(key, header, "bool", help="填“是”或“否”，空白为否", example=NO)


COLUMNS = [
    Column(
        "uscc",
        "统一社会信用代码",
        "uscc",
        True,
        help="18位，按此代码新增或更新",
        example="91640104MA76XXXX0X",
    ),
    Column("name", "企业名称", "text", True, example="银川示范机械制造有限公司"),
    Column("former_names", "曾用名", help="多个曾用名用“；”分隔"),
    Column("region", "所属县区", "region", True, help="下拉选择县（市、区）名称", example="兴庆区"),
    Column("park", "所属园区", "park", help="下拉选择，不在园区内留空"),
    Column("grid", "网格编码", "grid", help="网格编码，例如 640104-G01"),
    Column("address", "地址"),
    Column(
        "longitude",
        "经度",
        "decimal",
        help="WGS-84；国内网络地图坐标为GCJ-02，须先转换",
        example="106.230909",
    ),
    Column("latitude", "纬度", "decimal", help="WGS-84", example="38.487193"),
    Column("legal_representative", "法定代表人"),
    Column("legal_representative_mobile", "法定代表人手机", "code", example="13900000000"),
    Column("principal", "主要负责人"),
    Column("principal_mobile", "主要负责人手机", "code"),
    Column("principal_duties", "主要负责人职责"),
    Column(
        "safety_managers",
        "安全管理人员",
        "managers",
        help="每人一段，多人用“；”或换行分隔；每段为 姓名/手机/职责/证书编号/证书有效期至，"
        "后几项可省略，日期写成 2027-12-31",
        example="张三/13900000000/专职安全员/640104198001010011/2027-12-31；李四/13900000001",
    ),
    Column(
        "industry_code",
        "行业代码",
        "code",
        True,
        help="GB/T 4754-2017 四位小类代码，行业由此推导",
        example="3311",
    ),
    Column("scale", "规模", "choice", choices=Scale, example="小型"),
    Column("employees", "从业人数", "int", example="50"),
    Column("status", "状态", "choice", choices=Status, example="正常生产"),
    _risk("dust_explosion", "涉爆粉尘"),
    _risk("ammonia_refrigeration", "液氨制冷"),
    _risk("confined_space", "有限空间作业"),
    _risk("metal_smelting", "金属冶炼"),
    _risk("major_hazard", "重大危险源"),
    _risk("hazardous_chemicals", "危险化学品使用"),
    _risk("explosives_production", "民爆生产储存"),
    Column("standard_grade", "标准化等级", "choice", choices=StandardGrade, example="三级"),
    Column("standard_expiry", "标准化有效期至", "date", example="2027-12-31"),
    Column("injury_insured", "工伤保险参保人数", "int"),
    Column("liability_policy", "安责险保单号"),
    Column("liability_insurer", "安责险承保机构"),
    Column("liability_expiry", "安责险有效期至", "date"),
    Column("deposit_amount", "风险抵押金（元）", "decimal"),
    Column("deposit_date", "风险抵押金缴存日期", "date"),
    Column("has_safety_body", "设安全管理机构", "bool", help="填“是”或“否”"),
    Column("safety_body_headcount", "安全管理机构人数", "int"),
    Column("licence_number", "安全生产许可证编号", help="有许可证时填写以下四列"),
    Column("licence_authority", "许可证发证机关"),
    Column("licence_from", "许可证有效期起", "date"),
    Column("licence_to", "许可证有效期止", "date"),
]
HEADERS = [c.header for c in COLUMNS]
BY_HEADER = {c.header: c for c in COLUMNS}
LICENCE_KEYS = ("licence_number", "licence_authority", "licence_from", "licence_to")


def choice_maps(choices) -> tuple[dict[str, str], dict[str, str]]:
    """(Chinese label or code → value, value → Chinese label)."""
    with translation.override("zh-hans"):
        to_label = {value: str(label) for value, label in choices.choices}
    to_value = {label: value for value, label in to_label.items()}
    to_value.update({value: value for value in to_label})
    return to_value, to_label


class CellError(ValueError):
    pass


DATE_TEXT = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def normalise(value):
    """Full-width characters to half-width (NFKC), outer spaces removed, formulas refused."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).replace("\u200b", "").strip()
        if value.startswith("="):
            raise CellError("不接受公式，请粘贴为数值")
        return value or None
    return value


def to_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        raise CellError("此处应为文字，不是日期")
    return str(value)


def to_int(value) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        raise CellError("应为整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    raise CellError("应为整数")


def to_decimal(value):
    if value is None:
        return None
    if isinstance(value, (bool, dt.date, dt.datetime)):
        raise CellError("应为数字")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise CellError("应为数字") from None


def to_date(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        for pattern in DATE_TEXT:
            m = pattern.match(value)
            if m:
                try:
                    return dt.date(*(int(g) for g in m.groups()))
                except ValueError:
                    raise CellError(f"日期不存在：{value}") from None
        raise CellError(f"无法识别的日期“{value}”，请写成 2027-12-31")
    raise CellError("应为日期，请写成 2027-12-31")


def to_bool(value) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"是", "有", "y", "yes", "true", "1", "√"}:
        return True
    if text in {"否", "无", "n", "no", "false", "0"}:
        return False
    raise CellError("请填“是”或“否”")


def to_code(value) -> str:
    """Digits kept as typed: a number cell 3311 or 13900000000 becomes text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError("应为代码")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellError("此处应为代码，不是日期")
    return str(value).replace(" ", "")


def display(value) -> str | int | float | dt.date | None:
    """A model value as a cell shows it."""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Decimal):
        return float(value)
    return value


# Safety managers share one cell: people separated by "；" (or ";" or a line break), each
# person's parts by "/" in this order; trailing parts may be left out.
MANAGER_PARTS = ("姓名", "手机", "职责", "证书编号", "证书有效期至")
MANAGER_SPLIT = re.compile(r"[;；\n\r]+")


def to_managers(value) -> list[dict]:
    """ "张三/139…/安全员；李四" → [{name, mobile, duties, certificate_number,
    certificate_valid_to}, …]. Errors name the person and the part."""
    if value is None:
        return []
    if not isinstance(value, str):
        raise CellError("应为文字：姓名/手机/职责/证书编号/证书有效期至")
    people = [p.strip() for p in MANAGER_SPLIT.split(value) if p.strip()]
    out, problems = [], []
    for n, person in enumerate(people, start=1):
        parts = [p.strip() for p in person.split("/")]
        if len(parts) > len(MANAGER_PARTS):
            problems.append(
                f"第{n}名安全管理人员“{person}”多于{len(MANAGER_PARTS)}项"
                "（各项用“/”分隔，日期请写成 2027-12-31）"
            )
            continue
        parts += [""] * (len(MANAGER_PARTS) - len(parts))
        name, mobile, duties, number, valid_to = parts
        if not name:
            problems.append(f"第{n}名安全管理人员缺少姓名")
        try:
            day = to_date(valid_to or None)
        except CellError as error:
            problems.append(f"第{n}名安全管理人员的证书有效期至：{error}")
            day = None
        out.append(
            {
                "name": name,
                "mobile": mobile.replace(" ", ""),
                "duties": duties,
                "certificate_number": number,
                "certificate_valid_to": day,
            }
        )
    if problems:
        raise CellError("；".join(problems))
    return out


def from_managers(managers) -> str:
    """The cell text of a list of safety managers, trailing blanks left out."""
    people = []
    for m in managers:
        day = m.certificate_valid_to
        parts = [
            m.name,
            m.mobile,
            m.duties,
            m.certificate_number,
            day.isoformat() if day else "",
        ]
        while parts and not parts[-1]:
            parts.pop()
        people.append("/".join(parts))
    return "；".join(people)
