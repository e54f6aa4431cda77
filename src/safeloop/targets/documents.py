"""The assessment's report (红头 PDF) and its workbook; the award-eligibility export."""

from django.utils import timezone

from safeloop.bulletins.services import issuer_of
from safeloop.core.documents import RedHeadDocument, chinese_date, workbook_response
from safeloop.orgs.models import Region


def _line(r) -> str:
    if r.vetoes:
        return f"{r.rank}. {r.label}：一票否决（{'；'.join(v['reason'] for v in r.vetoes)}）"
    return f"{r.rank}. {r.label}：{r.total} 分"


def report_pdf(assessment, results) -> bytes:
    city = Region.objects.get(code=assessment.region_code)
    issuer = issuer_of(city)
    number = f"{city.name}安全生产考核〔{assessment.year}〕号"
    pdf = RedHeadDocument(issuer, f"{assessment.year}年度安全生产目标责任考核结果", number)
    state = "已审定" if assessment.frozen else "草稿（未审定）"
    pdf.paragraph(
        f"依据{assessment.scheme.effective_from}起施行的考核评分办法（{assessment.scheme.source}），"
        f"对各县（市、区）和园区{assessment.year}年度安全生产目标责任完成情况进行了考核，结果{state}如下。"
    )
    pdf.paragraph("一、县（市、区）", indent=False)
    for r in [r for r in results if not r.park_id]:
        pdf.paragraph(_line(r))
    parks = [r for r in results if r.park_id]
    if parks:
        pdf.paragraph("二、园区", indent=False)
        for r in parks:
            pdf.paragraph(_line(r))
    pdf.paragraph("各项得分及其依据数据见附表（Excel）。", indent=True)
    pdf.signature(issuer, (assessment.approved_at or timezone.now()).date())
    return bytes(pdf.output())


def results_workbook(assessment, results):
    items = assessment.scheme.items
    header = [
        "名次",
        "单位",
        *[f"{i['name']}（{i['weight']}）" for i in items],
        "调整",
        "一票否决",
        "总分",
    ]

    def rows():
        for r in results:
            points = {i["code"]: i["points"] for i in r.items}
            yield [
                r.rank,
                r.label,
                *[points.get(i["code"]) for i in items],
                r.adjustment,
                "；".join(v["reason"] for v in r.vetoes),
                r.total,
            ]

    def figures():
        for r in results:
            for i in r.items:
                yield [r.label, i["name"], i.get("value"), str(i.get("inputs") or ""), i["points"]]

    return workbook_response(
        f"考核结果-{assessment.year}.xlsx",
        [
            ("考核结果", header, rows()),
            ("得分依据", ["单位", "考核项", "指标值", "依据数据", "得分"], figures()),
        ],
    )


def awards_workbook(year: int, rows):
    return workbook_response(
        f"评先评优资格-{year}.xlsx",
        [
            (
                "不得参评企业",
                [
                    "企业",
                    "统一社会信用代码",
                    "县（市、区）",
                    "事故起数",
                    "最近事故时间",
                    "事故等级",
                    "地点",
                    "不得参评至",
                ],
                (
                    [
                        r["enterprise"].name,
                        r["enterprise"].uscc,
                        r["enterprise"].region.name,
                        r["count"],
                        r["accident"].occurred_at,
                        r["accident"].get_grade_display(),
                        r["accident"].place,
                        chinese_date(r["until"]),
                    ]
                    for r in rows
                ),
            )
        ],
    )
