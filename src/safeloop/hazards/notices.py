"""Official notices as PDF, in the layout of a government document, with the Chinese font
shipped in core/fonts embedded: the 隐患整改通知书 for a hidden danger a regulator found, and the
挂牌督办通知书 for a listed major one."""

from django.utils import timezone

from safeloop.core.documents import RedHeadDocument, chinese_date
from safeloop.hazards.models import Hazard, Listing
from safeloop.orgs.models import Department, DepartmentKind


def issuing_department(hazard: Hazard) -> Department | None:
    """The county industry department of the hazard's enterprise."""
    return (
        Department.objects.filter(
            region__code=hazard.region_code, kind=DepartmentKind.COUNTY_DEPARTMENT
        )
        .order_by("pk")
        .first()
    )


def rectification_notice(hazard: Hazard) -> bytes:
    department = issuing_department(hazard)
    issuer = department.name if department else "安全生产监管部门"
    pdf = RedHeadDocument(issuer, "事故隐患整改通知书", hazard.notice_number)
    pdf.paragraph(f"{hazard.enterprise.name}：", indent=False)
    pdf.paragraph(
        f"经{chinese_date(timezone.localtime(hazard.found_at).date())}检查，发现你单位存在下列"
        f"{hazard.get_level_display()}事故隐患："
    )
    pdf.paragraph(f"地点：{hazard.place}")
    pdf.paragraph(f"隐患描述：{hazard.description}")
    if hazard.criterion:
        pdf.paragraph(f"判定依据：{hazard.criterion}")
    pdf.paragraph(
        "依据《中华人民共和国安全生产法》的规定，现责令你单位落实整改措施、资金、时限、责任人和"
        f"应急预案，于{chinese_date(hazard.deadline)}前整改完毕，并将整改情况书面报告我单位。"
        "逾期未整改或整改不到位的，将依法予以处理。"
    )
    pdf.signature(issuer, timezone.localdate())
    return bytes(pdf.output())


def listing_notice(listing: Listing) -> bytes:
    hazard = listing.hazard
    issuer = listing.department.name
    pdf = RedHeadDocument(issuer, "重大事故隐患挂牌督办通知书", listing.notice_number)
    pdf.paragraph(f"{hazard.enterprise.name}：", indent=False)
    pdf.paragraph(
        f"你单位存在的重大事故隐患（地点：{hazard.place}；{hazard.description}），"
        f"经研究，自{chinese_date(listing.listed_at)}起由我单位挂牌督办。"
    )
    pdf.paragraph(
        "请你单位主要负责人亲自组织，制定并落实治理方案，做到治理目标、措施、资金、时限、责任、"
        "应急预案“五落实”；治理期间采取有效的安全防范措施，必要时局部或全部停产停业。"
    )
    pdf.paragraph(
        f"整改期限至{chinese_date(listing.deadline)}。整改完成后，请向我单位提出验收申请，并提交"
        "专家或评价机构的评估报告；经验收合格后予以摘牌销号。逾期未完成整改的，将依法予以处理。"
    )
    pdf.signature(issuer, listing.listed_at)
    return bytes(pdf.output())
