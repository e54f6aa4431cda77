"""The enforcement documents as PDF, in the 红头 layout of core.documents: 责令限期整改指令书,
现场处理措施决定书, 整改复查意见书, the 行政处罚决定书 and the notice of a measure of
accountability. Each shows its number and, once served, who signed for it or the refusal."""

from django.utils import timezone

from safeloop.core.documents import RedHeadDocument, chinese_date
from safeloop.enforcement.choices import (
    SANCTION_TITLES,
    DocumentKind,
    RecheckResult,
    SanctionKind,
)
from safeloop.enforcement.models import Document, PenaltyCase, Sanction


def _service_note(pdf: RedHeadDocument, document: Document) -> None:
    pdf.ln(6)
    if document.refused:
        pdf.paragraph(f"被检查单位拒绝签收。见证情况：{document.refusal_note}", indent=False)
    elif document.signed_by:
        served = chinese_date(timezone.localtime(document.served_at).date())
        pdf.paragraph(f"被检查单位签收人：{document.signed_by}　　{served}", indent=False)
    else:
        pdf.paragraph("被检查单位签收人：＿＿＿＿＿＿　　年　月　日", indent=False)


def document_pdf(document: Document) -> bytes:
    pdf = RedHeadDocument(document.issuer, document.title, document.number)
    issued = chinese_date(timezone.localtime(document.issued_at).date())
    pdf.paragraph(f"{document.enterprise.name}：", indent=False)
    if document.kind == DocumentKind.ORDER:
        pdf.paragraph(f"经{issued}检查，发现你单位存在下列问题：")
        pdf.paragraph(document.findings)
        basis = f"依据{document.legal_basis}的规定，" if document.legal_basis else "依据有关规定，"
        pdf.paragraph(
            f"{basis}现责令你单位于{chinese_date(document.deadline)}前整改完毕，"
            "达到有关法律法规、规章和标准规定的要求。整改期间应采取有效的安全防范措施。"
        )
        if document.requirements:
            pdf.paragraph(f"整改要求：{document.requirements}")
        pdf.paragraph(
            "逾期未整改或整改不到位的，将依法予以处理。如对本指令不服，可依法申请行政复议或者"
            "提起行政诉讼。"
        )
    elif document.kind == DocumentKind.MEASURES:
        pdf.paragraph(f"经{issued}检查，发现你单位存在下列重大事故隐患或违法行为：")
        pdf.paragraph(document.findings)
        pdf.paragraph(
            f"依据{document.legal_basis or '《中华人民共和国安全生产法》第六十五条'}的规定，"
            f"现作出如下现场处理决定：对{document.measure_scope}"
            f"{'、'.join(document.measure_labels())}。"
        )
        if document.requirements:
            pdf.paragraph(document.requirements)
        pdf.paragraph("重大事故隐患排除后，经审查同意，方可恢复生产经营和使用。")
    else:
        original = document.original
        assert original is not None
        pdf.paragraph(
            f"我单位于{chinese_date(timezone.localtime(original.issued_at).date())}"
            f"对你单位下达了《{original.title}》（{original.number}），"
            f"经{issued}复查，意见如下："
        )
        pdf.paragraph(document.findings)
        if document.result == RecheckResult.PASSED:
            pdf.paragraph("原指令书所列问题已整改完毕。")
        else:
            pdf.paragraph("原指令书所列问题未整改完毕，将依法予以处理。")
        if document.requirements:
            pdf.paragraph(document.requirements)
    pdf.signature(document.issuer, timezone.localtime(document.issued_at).date())
    _service_note(pdf, document)
    return bytes(pdf.output())


def decision_pdf(case: PenaltyCase) -> bytes:
    pdf = RedHeadDocument(case.issuer, "行政处罚决定书", case.decision_number)
    firm = case.enterprise
    pdf.paragraph(f"被处罚单位：{firm.name}", indent=False)
    pdf.paragraph(f"统一社会信用代码：{firm.uscc}", indent=False)
    pdf.paragraph(f"违法事实：{case.facts}")
    if case.findings:
        pdf.paragraph(f"调查认定：{case.findings}")
    if case.basis is not None:
        pdf.paragraph(
            f"以上事实违反了有关规定，依据{case.basis.title}的规定，决定给予罚款人民币"
            f"{case.fine}元的行政处罚。"
        )
    pdf.paragraph(
        "罚款自收到本决定书之日起十五日内缴至指定银行。逾期不缴纳的，每日按罚款数额的百分之三"
        "加处罚款。如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月"
        "内依法向人民法院提起行政诉讼。"
    )
    decided = timezone.localtime(case.decided_at).date() if case.decided_at else None
    pdf.signature(case.issuer, decided or timezone.localdate())
    return bytes(pdf.output())


def sanction_pdf(sanction: Sanction) -> bytes:
    title = SANCTION_TITLES[SanctionKind(sanction.kind)]
    pdf = RedHeadDocument(sanction.issuer, title, sanction.number)
    pdf.paragraph(f"{sanction.target_label}：", indent=False)
    pdf.paragraph(sanction.reason)
    if sanction.kind == "interview" and sanction.interview_at:
        when = timezone.localtime(sanction.interview_at)
        pdf.paragraph(
            f"经研究，定于{chinese_date(when.date())}{when:%H:%M}在{sanction.interview_place}"
            f"进行约谈。参加人员：{sanction.interview_parties or '主要负责人'}。"
        )
    else:
        pdf.paragraph(
            f"依据安全生产事前责任追究的有关规定，经研究决定给予{sanction.get_kind_display()}。"
        )
    if sanction.respond_by:
        pdf.paragraph(f"请于{chinese_date(sanction.respond_by)}前提交书面回复。")
    approved = timezone.localtime(sanction.approved_at).date() if sanction.approved_at else None
    pdf.signature(sanction.issuer, approved or timezone.localdate())
    return bytes(pdf.output())
