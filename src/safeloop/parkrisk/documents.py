"""The assessment report as a 红头 PDF (core.documents), in Chinese, written from the record:
the indicators (frozen ones once approved), the expert opinion, the conclusion and the
measures with their owners, deadlines and states."""

from django.utils import timezone

from safeloop.core.documents import RedHeadDocument, chinese_date
from safeloop.parkrisk.choices import AssessmentState, MeasureState
from safeloop.parkrisk.models import ParkAssessment
from safeloop.parkrisk.selectors import figures_of

LEVEL_NAMES = {"red": "重大风险", "orange": "较大风险", "yellow": "一般风险", "blue": "低风险"}


def issuer_for(assessment: ParkAssessment) -> str:
    return f"{assessment.park.name}管理机构"


def report_pdf(assessment: ParkAssessment) -> bytes:
    issuer = issuer_for(assessment)
    number = f"园区风险评估〔{assessment.year}〕{assessment.pk}号"
    pdf = RedHeadDocument(issuer, f"{assessment.year}年度园区整体安全风险评估报告", number)
    figures = figures_of(assessment)
    if assessment.state != AssessmentState.APPROVED:
        pdf.paragraph(
            f"（本报告尚未批准，当前状态：{assessment.get_state_display()}；"
            f"指标为{figures['as_of']}的实时统计。）"
        )
    pdf.paragraph(
        f"园区：{assessment.park.name}；所在区县：{assessment.park.region.name}；"
        f"评估年度：{assessment.year}年；参加评估专家：{assessment.experts or '—'}。"
    )
    pdf.paragraph("一、园区风险指标", indent=False)
    levels = figures["enterprise_levels"]
    pdf.paragraph(
        f"园区内在产（含停产整改）企业{figures['enterprises']}家，其中"
        + "、".join(f"{LEVEL_NAMES[c]}{levels[c]}家" for c in LEVEL_NAMES)
        + f"，尚未评定风险等级{levels['none']}家。"
    )
    points = figures["risk_points"]
    pdf.paragraph(
        "风险点：" + "、".join(f"{LEVEL_NAMES[c]}{points[c]}处" for c in LEVEL_NAMES) + "。"
    )
    grades = figures["major_hazard_grades"]
    pdf.paragraph(
        f"重大危险源{figures['major_hazard_units']}处（一级{grades['1']}、二级{grades['2']}、"
        f"三级{grades['3']}、四级{grades['4']}），分布于{figures['major_hazard_enterprises']}家企业。"
    )
    pdf.paragraph(
        f"本年度排查事故隐患{figures['hazards_found']}项，其中重大事故隐患"
        f"{figures['hazards_major']}项，已整改销号{figures['hazards_closed']}项；"
        f"截至{figures['as_of']}，未销号隐患{figures['hazards_open']}项，"
        f"其中超期{figures['hazards_overdue']}项。"
    )
    pdf.paragraph(
        f"本年度发生生产安全事故{figures['accidents']}起，死亡{figures['deaths']}人，"
        f"重伤{figures['serious_injuries']}人，轻伤{figures['minor_injuries']}人。"
    )
    pdf.paragraph("二、专家意见", indent=False)
    pdf.paragraph(assessment.expert_opinion or "—")
    pdf.paragraph("三、评估结论", indent=False)
    level = assessment.get_overall_level_display() if assessment.overall_level else "—"
    pdf.paragraph(f"园区整体安全风险等级：{level}。")
    pdf.paragraph(assessment.conclusion or "—")
    pdf.paragraph("四、管控措施", indent=False)
    measures = list(assessment.measures.all())
    if not measures:
        pdf.paragraph("无。")
    for n, measure in enumerate(measures, 1):
        state = (
            f"已于{chinese_date(measure.closed_on)}完成"
            if measure.state == MeasureState.CLOSED and measure.closed_on
            else "未完成"
        )
        pdf.paragraph(
            f"{n}. {measure.text}（责任人：{measure.owner}；"
            f"完成时限：{chinese_date(measure.deadline)}；{state}）"
        )
    signed = assessment.approved_at or timezone.now()
    pdf.signature(issuer, signed)
    return bytes(pdf.output())
