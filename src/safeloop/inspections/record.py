"""The 检查记录 (inspection record) of a submitted visit as PDF, with the Chinese font shipped
in core/fonts embedded and both signatures drawn in."""

import io

from django.utils import timezone
from fpdf import FontFace

from safeloop.core.documents import CjkPdf, chinese_date
from safeloop.inspections.choices import Outcome

MARKS = {Outcome.PASS: "符合", Outcome.FAIL: "不符合", Outcome.NOT_APPLICABLE: "不适用"}


class Record(CjkPdf):
    def footer(self):
        self.set_y(-15)
        self.set_font("cjk", size=9)
        self.cell(0, 8, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")


def _line(pdf, label: str, value: str) -> None:
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 7, f"{label}：{value}", new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")


def inspection_record(visit) -> bytes:
    pdf = Record(margins=(18, 18, 18), bottom=20)
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    pdf.cell(0, 12, "安全生产检查记录", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    enterprise = visit.enterprise
    _line(pdf, "被检查单位", enterprise.name)
    _line(pdf, "地址", enterprise.address or "—")
    _line(pdf, "检查计划", f"{visit.plan.title}（{visit.plan.get_kind_display()}）")
    when = timezone.localtime(visit.submitted_at) if visit.submitted_at else timezone.now()
    _line(pdf, "检查时间", f"{chinese_date(when)} {when:%H:%M}")
    _line(pdf, "检查人员", str(visit.inspector))
    _line(pdf, "企业陪同人员", visit.representative or "—")
    pdf.ln(3)
    results = list(visit.results.select_related("hazard").order_by("id"))
    failed = [r for r in results if r.outcome == Outcome.FAIL]
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(
        0,
        7,
        f"共检查 {len(results)} 项，不符合 {len(failed)} 项"
        f"（其中重大事故隐患 {sum(r.is_major for r in failed)} 项）。",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    with pdf.table(
        col_widths=(10, 92, 22, 50),
        text_align=("CENTER", "LEFT", "CENTER", "LEFT"),
        line_height=6,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis=None, fill_color=(232, 238, 245)),
    ) as table:
        pdf.set_font("cjk", size=9)
        header = table.row()
        for title in ("序号", "检查内容及依据", "结论", "说明 / 隐患"):
            header.cell(title)
        for n, r in enumerate(results, start=1):
            row = table.row()
            row.cell(str(n))
            row.cell(f"{r.item_text}\n依据：{r.basis or '—'}")
            row.cell(
                MARKS[r.outcome]
                + ("\n（重大）" if r.outcome == Outcome.FAIL and r.is_major else "")
            )
            detail = r.note
            if r.hazard_id:
                detail = (
                    f"{detail}\n已登记隐患 #{r.hazard_id}，整改期限 {r.hazard.deadline}".strip()
                )
            row.cell(detail or "")
    if visit.summary:
        pdf.ln(3)
        _line(pdf, "检查意见", visit.summary)
    pdf.ln(6)
    y = pdf.get_y()
    if y > pdf.h - 60:
        pdf.add_page()
        y = pdf.get_y()
    pdf.set_font("cjk", size=11)
    for x, label, data in (
        (18, "检查人员签名：", visit.inspector_signature),
        (110, "企业代表签名：", visit.representative_signature),
    ):
        pdf.set_xy(x, y)
        pdf.cell(40, 8, label)
        if data:
            pdf.image(io.BytesIO(bytes(data)), x=x, y=y + 9, w=70, h=28)
    return bytes(pdf.output())
