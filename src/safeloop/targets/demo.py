"""Demo history of the targets app: this year's and last year's indicators (the city's
total split to the counties), signed letters for most counties (one missing), last year's
assessment approved and this year's computed as a draft."""

from datetime import date

from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.utils import timezone

from safeloop.core.documents import RedHeadDocument
from safeloop.orgs.models import Region, RegionLevel, RoleAssignment
from safeloop.orgs.roles import Role
from safeloop.targets import reference_data, services
from safeloop.targets.choices import EntryKind
from safeloop.targets.models import (
    Assessment,
    Indicator,
    IndicatorKind,
    ResponsibilityLetter,
    ScoringScheme,
)

CITY_LIMITS = {"accidents": 6, "deaths": 3, "serious": 0, "injuries": 10}


def _letter_pdf(county: Region, year: int) -> ContentFile:
    pdf = RedHeadDocument("银川市工业和信息化局", f"{year}年度安全生产目标责任书", "（扫描件）")
    pdf.paragraph(f"责任单位：{county.name}工业主管部门")
    pdf.paragraph("一、年度控制指标：事故起数、死亡人数不超过下达指标；重大事故隐患整改率100%。")
    pdf.signature("银川市工业和信息化局", date(year, 1, 15))
    return ContentFile(bytes(pdf.output()), name=f"letter-{county.code}-{year}.pdf")


def seed() -> int:
    if not ScoringScheme.objects.exists():  # a flushed test database lost migration 0002
        reference_data.load(django_apps)
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()
    admin = RoleAssignment.objects.filter(role=Role.CITY_ADMIN).select_related("user").first()
    if city is None or admin is None or Indicator.objects.exists():
        return 0
    actor = admin.user
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    this = timezone.localdate().year
    added = 0
    for year in (this - 1, this):
        for kind in IndicatorKind.objects.filter(code__in=CITY_LIMITS):
            limit = CITY_LIMITS[kind.code]
            services.set_indicator(
                actor=actor, year=year, kind=kind, region_code=city.code, limit=limit
            )
            base, extra = divmod(limit, len(counties) or 1)
            for i, county in enumerate(counties):
                services.set_indicator(
                    actor=actor,
                    year=year,
                    kind=kind,
                    region_code=county.code,
                    limit=base + (1 if i < extra else 0),
                )
                added += 1
        for county in counties[:-1] if year == this else counties:
            services.record_letter(
                actor=actor,
                year=year,
                region_code=county.code,
                issuer_signatory="市工信局局长",
                holder_signatory=f"{county.name}分管负责人",
                signed_on=date(year, 1, 15),
                scan=_letter_pdf(county, year),
            )
    last = services.compute_assessment(actor=actor, region_code=city.code, year=this - 1)
    for result in last.results.all():
        if result.vetoes:
            continue
        last.refresh_from_db()
        services.score_entry(
            actor=actor,
            result=result,
            kind=EntryKind.MANUAL,
            item="work",
            points=8 + (result.pk % 3),
            reason="年度督查：责任书落实、例会记录齐全",
            version=last.version,
        )
    last.refresh_from_db()
    services.approve(actor=actor, assessment=last, version=last.version)
    services.compute_assessment(actor=actor, region_code=city.code, year=this)
    return added + Assessment.objects.count() + ResponsibilityLetter.objects.count()
