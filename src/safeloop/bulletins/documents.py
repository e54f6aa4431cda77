"""A bulletin's two files, made from its stored figures: the Excel workbook (one sheet per
part) and the PDF in the layout of an official notice, with the shipped Chinese font.
Both are in Chinese, the language of the document, whatever the reader's interface."""

from io import BytesIO
from itertools import zip_longest

from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from safeloop.alerts.choices import KeyReason
from safeloop.core.documents import RedHeadDocument, safe_cell

LEVELS = {"general": "一般", "major": "重大"}
STATUS = {"closed": "本月销号", "overdue": "逾期未整改", "rectifying": "整改中"}
CASE_KINDS = {"closed_major": "重大隐患按期销号", "long_overdue": "长期逾期未整改"}
REASONS = {
    KeyReason.RED_RISK.value: "重大风险（红色）",
    KeyReason.MAJOR_OPEN.value: "重大隐患未销号",
    KeyReason.OVERDUE.value: "隐患逾期未整改",
    KeyReason.ACCIDENT.value: "本年度发生事故",
    KeyReason.LICENCE_EXPIRED.value: "许可证过期",
    KeyReason.NO_PLAN.value: "无有效备案应急预案",
    KeyReason.UNDRILLED.value: "应急预案未按期演练",
    KeyReason.TRAINING_GAP.value: "三项岗位人员培训学时不足或证书过期",
    KeyReason.EXPENSE_GAP.value: "安全费用未按规定提取使用",
    KeyReason.INSURANCE_GAP.value: "保险或风险抵押金未落实",
}
TOTAL_LINES = [
    ("found", "本月排查隐患（项）"),
    ("closed", "本月整改销号（项）"),
    ("rate", "本月排查隐患整改率（%）"),
    ("found_ytd", "本年累计排查隐患（项）"),
    ("rate_ytd", "本年累计整改率（%）"),
    ("open_at_end", "月末未整改（项）"),
    ("overdue_at_end", "月末逾期未整改（项）"),
    ("major_found", "本月新增重大隐患（项）"),
    ("major_closed", "本月重大隐患销号（项）"),
    ("major_open_at_end", "月末重大隐患未销号（项）"),
    ("major_overdue_at_end", "月末重大隐患逾期（项）"),
    ("major_rate_ytd", "本年重大隐患整改率（%）"),
]
RANK_HEADER = ["名次", "单位", "本月排查", "本月销号", "本年整改率（%）", "月末逾期", "重大未销号"]
HAZARD_HEADER = ["企业", "县（区）", "隐患部位", "隐患描述", "等级", "整改期限", "逾期天数"]


def _rank_row(r):
    return [
        _num(r["rank"]),
        r["name"],
        r["found"],
        r["closed"],
        _num(r["rate_ytd"]),
        r["overdue_at_end"],
        r["major_open_at_end"],
    ]


def _hazard_row(h):
    return [
        h["enterprise"],
        h["region"],
        h["place"],
        h["description"],
        LEVELS.get(h["level"], ""),
        h["deadline"] or "",
        h["days_overdue"] if h["days_overdue"] and h["days_overdue"] > 0 else "",
    ]


def _num(value):
    return "—" if value is None else value


def _pct(value) -> str:
    """A rate in running text: "85.0%", or "—" alone when nothing was there to rectify (never
    "—%"). The target is said in words, so no line break falls between a number and its %."""
    return "—" if value is None else f"{value}%"


def _sheets(f: dict):
    t = f["totals"]
    yield "概况", ["指标", "数值"], [[label, _num(t[key])] for key, label in TOTAL_LINES]
    yield "排名", RANK_HEADER, [_rank_row(r) for r in f["ranking"]]
    yield "逾期隐患", HAZARD_HEADER, [_hazard_row(h) for h in f["overdue"]["rows"]]
    yield (
        "重大隐患",
        [*HAZARD_HEADER, "挂牌督办文号", "状态"],
        [[*_hazard_row(h), h["listing"], STATUS[h["status"]]] for h in f["major"]["rows"]],
    )
    yield (
        "重点监管单位",
        ["企业", "县（区）", "原因"],
        [
            [u["name"], u["region"], "、".join(REASONS[c] for c in u["reasons"])]
            for u in f["key_units"]["rows"]
        ],
    )
    yield (
        "典型案例",
        ["类别", *HAZARD_HEADER],
        [[CASE_KINDS[c["kind"]], *_hazard_row(c)] for c in f["typical"]],
    )
    if "accidents" in f:  # bulletins generated before accident figures have none
        a = f["accidents"]
        rows = [*_accident_lines(a), [], ACCIDENT_HEADER, *(_accident_row(r) for r in a["rows"])]
        yield "生产安全事故", ACCIDENT_TOTALS_HEADER, rows


GRADES = {"extraordinary": "特别重大", "major": "重大", "serious": "较大", "general": "一般"}
ACCIDENT_MEASURES = [
    ("count", "事故起数"),
    ("deaths", "死亡（含失踪）人数"),
    ("injuries", "受伤人数"),
    ("direct_loss", "直接经济损失（元）"),
]
ACCIDENT_HEADER = [
    "企业",
    "发生日期",
    "地点",
    "等级",
    "死亡（含失踪）",
    "受伤",
    "直接经济损失（元）",
]


def _change(now, before) -> str:
    now, before = float(now or 0), float(before or 0)
    return "—" if not before else f"{(now - before) * 100 / before:.1f}%"


def _accident_lines(a: dict) -> list[list]:
    return [
        [
            label,
            a["month"][key],
            a["month_before"][key],
            _change(a["month"][key], a["month_before"][key]),
            a["ytd"][key],
            a["ytd_before"][key],
            _change(a["ytd"][key], a["ytd_before"][key]),
        ]
        for key, label in ACCIDENT_MEASURES
    ]


def _accident_row(r: dict) -> list:
    return [
        r["enterprise"],
        r["occurred_on"],
        r["place"],
        GRADES.get(r["grade"], r["grade"]),
        r["deaths"],
        r["injuries"],
        r["direct_loss"],
    ]


ACCIDENT_TOTALS_HEADER = ["指标", "本月", "去年同月", "同比", "本年累计", "去年同期", "同比"]


def _width(value) -> int:
    """Display width of a cell: a CJK character takes two columns."""
    if value is None:
        return 0
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))


def workbook(title: str, figures: dict) -> bytes:
    book = Workbook(write_only=True)
    for name, header, rows in _sheets(figures):
        sheet = book.create_sheet(title=name)
        # "—" is for the printed page; in a spreadsheet a missing figure is an empty cell,
        # so the numeric columns stay numbers for sums and sorting.
        cells = [[None if v == "—" else v for v in row] for row in rows]
        for index, column in enumerate(zip_longest(header, *cells), 1):
            width = max((_width(v) for v in column), default=8)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A3" if name == "概况" else "A2"  # the header stays in view
        if name == "概况":
            sheet.append([safe_cell(title)])
        sheet.append([safe_cell(h) for h in header])
        for row in cells:
            sheet.append([safe_cell(v) for v in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# The shipped font has one weight: headings are shaded rather than bold.
HEADINGS = FontFace(emphasis="", fill_color=(232, 238, 245))


class BulletinPdf(RedHeadDocument):
    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font("cjk", size=15)
        self.cell(0, 10, text, new_x="LMARGIN", new_y="NEXT")

    def grid(self, header: list[str], rows: list[list], widths: tuple) -> None:
        if not rows:
            self.paragraph("无。")
            return
        self.set_font("cjk", size=9)
        with self.table(
            col_widths=widths,
            line_height=5.5,
            text_align="LEFT",
            first_row_as_headings=True,
            headings_style=HEADINGS,
        ) as table:
            for row in [header, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(str(value))
        self.ln(3)


def pdf(issuer: str, title: str, number: str, figures: dict, issued_on) -> bytes:
    t = figures["totals"]
    doc = BulletinPdf(issuer, title, number)
    name = figures["region"]["name"]
    doc.paragraph(
        f"{figures['month'][:4]}年{int(figures['month'][5:])}月，{name}工业领域共排查事故隐患"
        f"{t['found']}项，当月整改销号{t['closed']}项，本月排查隐患整改率{_pct(t['rate'])}；"
        f"本年累计排查{t['found_ytd']}项，累计整改率{_pct(t['rate_ytd'])}。月末尚有"
        f"{t['open_at_end']}项未整改，其中逾期{t['overdue_at_end']}项。本月新增重大事故隐患"
        f"{t['major_found']}项，销号{t['major_closed']}项，月末未销号{t['major_open_at_end']}项"
        f"（逾期{t['major_overdue_at_end']}项），本年重大隐患整改率{_pct(t['major_rate_ytd'])}"
        "（目标：全部销号）。"
    )
    unit = "县（市）区" if figures["region"]["level"] == "city" else "园区"
    doc.heading(f"一、各{unit}排名")
    doc.grid(RANK_HEADER, [_rank_row(r) for r in figures["ranking"]], (8, 30, 14, 14, 18, 14, 16))
    parts = [
        ("二、逾期未整改隐患", figures["overdue"]),
        ("三、重大事故隐患治理情况", figures["major"]),
    ]
    widths = (26, 14, 20, 36, 9, 18, 11)
    doc.heading(f"{parts[0][0]}（共{parts[0][1]['total']}项）")
    doc.grid(HAZARD_HEADER, [_hazard_row(h) for h in parts[0][1]["rows"]], widths)
    doc.heading(f"{parts[1][0]}（共{parts[1][1]['total']}项）")
    doc.grid(
        [*HAZARD_HEADER[:4], "整改期限", "状态"],
        [
            [*_hazard_row(h)[:4], h["deadline"] or "", STATUS[h["status"]]]
            for h in parts[1][1]["rows"]
        ],
        (28, 14, 22, 44, 18, 18),
    )
    keys = figures["key_units"]
    doc.heading(f"四、重点监管单位（共{keys['total']}家）")
    doc.grid(
        ["企业", "县（区）", "原因"],
        [
            [u["name"], u["region"], "、".join(REASONS[c] for c in u["reasons"])]
            for u in keys["rows"]
        ],
        (60, 24, 60),
    )
    doc.heading("五、典型案例")
    doc.grid(
        ["类别", "企业", "隐患部位", "隐患描述", "整改期限"],
        [
            [
                CASE_KINDS[c["kind"]],
                c["enterprise"],
                c["place"],
                c["description"],
                c["deadline"] or "",
            ]
            for c in figures["typical"]
        ],
        (26, 32, 24, 44, 18),
    )
    if "accidents" in figures:
        a = figures["accidents"]
        doc.heading("六、生产安全事故情况")
        doc.paragraph(
            f"本月{name}共发生生产安全事故{a['month']['count']}起，死亡（含失踪）"
            f"{a['month']['deaths']}人，受伤{a['month']['injuries']}人，直接经济损失"
            f"{a['month']['direct_loss']}元；本年累计{a['ytd']['count']}起，死亡（含失踪）"
            f"{a['ytd']['deaths']}人，同比"
            f"{_change(a['ytd']['count'], a['ytd_before']['count'])}（起数）。"
        )
        doc.grid(ACCIDENT_TOTALS_HEADER, _accident_lines(a), (36, 18, 20, 16, 20, 20, 16))
        doc.grid(
            ACCIDENT_HEADER, [_accident_row(r) for r in a["rows"]], (36, 20, 26, 14, 18, 12, 20)
        )
    doc.heading("七、工作要求" if "accidents" in figures else "六、工作要求")
    doc.paragraph(
        "各单位要对照本通报，督促逾期未整改隐患所在企业立即落实整改措施、资金、时限、责任人和"
        "应急预案；对重大事故隐患严格落实挂牌督办，确保整改率达到100%；对重点监管单位实行跟踪"
        "监管、直接指导，确保风险可防可控。"
    )
    doc.signature(issuer, issued_on)
    return bytes(doc.output())


__all__ = ["workbook", "pdf"]
