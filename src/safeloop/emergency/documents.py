"""The after-action report of a closed incident as a 红头 PDF (core.documents), in Chinese,
written from the record: the incident, hand-overs, tasks and the whole timeline."""

from django.utils import timezone

from safeloop.core.documents import RedHeadDocument
from safeloop.emergency.choices import Level
from safeloop.emergency.models import Incident


def issuer_for(incident: Incident) -> str:
    if incident.level == Level.CITY:
        return "市生产安全事故应急指挥部"
    return f"{incident.region.name}生产安全事故应急指挥部"


def after_action_pdf(incident: Incident) -> bytes:
    issuer = issuer_for(incident)
    number = f"应急总结〔{timezone.localtime(incident.opened_at).year}〕{incident.pk}号"
    pdf = RedHeadDocument(issuer, "突发事件应急处置总结报告", number)
    opened = timezone.localtime(incident.opened_at)
    closed = timezone.localtime(incident.closed_at) if incident.closed_at else None
    pdf.paragraph(
        f"事件名称：{incident.title}；地点：{incident.place}；"
        f"等级：{incident.get_grade_display()}；指挥层级：{incident.get_level_display()}；"
        f"现场指挥：{incident.commander}。"
    )
    pdf.paragraph(
        f"响应时间：{opened:%Y-%m-%d %H:%M} 至 {closed:%Y-%m-%d %H:%M}。" if closed else ""
    )
    for handover in incident.handovers.all():
        pdf.paragraph(
            f"{timezone.localtime(handover.at):%m-%d %H:%M} 指挥权由{handover.from_commander}"
            f"移交{handover.to_commander}（{'按分级规则' if handover.by_rule else '经研究决定'}）："
            f"{handover.reason}"
        )
    pdf.paragraph("一、处置经过", indent=False)
    for entry in incident.timeline.all():
        pdf.paragraph(
            f"{timezone.localtime(entry.at):%m-%d %H:%M} 【{entry.get_kind_display()}】"
            f"{entry.author_label}：{entry.text}"
        )
    pdf.paragraph("二、调派力量", indent=False)
    for task in incident.tasks.select_related("resource"):
        pdf.paragraph(
            f"{task.resource.name}（{task.resource.get_kind_display()}，距离{task.distance_km}公里）："
            f"{task.instruction}；状态：{task.get_state_display()}。"
        )
    pdf.paragraph("三、总结评估", indent=False)
    pdf.paragraph(incident.summary)
    if incident.lessons:
        pdf.paragraph("四、经验教训与改进措施", indent=False)
        pdf.paragraph(incident.lessons)
    pdf.signature(issuer, closed or timezone.localtime())
    return bytes(pdf.output())
