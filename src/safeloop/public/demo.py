"""Demo public reports and two overdue hidden dangers for the exposure page. Reports:
received at an enterprise found by name, a duplicate linked to it, an unregistered site
routed by county, one accepted into the hidden-danger loop and one rejected with a reply.
Re-running adds nothing (keyed by the description and the place)."""

from datetime import timedelta
from decimal import Decimal

from django.apps import apps as django_apps
from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services as hazard_services
from safeloop.hazards.choices import Level, Source
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import Region, User
from safeloop.public import reference_data, services
from safeloop.public.models import PublicReport

REPORTS = [
    # description, enterprise index (None: a site), site, address, county, lat, lng, then
    ("厂区北门消防通道被成品钢卷堵塞，消防车进不去", 0, "", "", None, None, None, ""),
    ("厂区北门消防通道被钢卷堵塞，消防车进不去", 0, "", "", None, None, None, ""),
    (
        "村口废弃厂房里有人私自灌装液化气，气味很重",
        None,
        "无名灌装点",
        "兴庆区掌政镇村口废弃厂房",
        "640104",
        Decimal("38.452100"),
        Decimal("106.339800"),
        "",
    ),
    ("仓库里电线私拉乱接，插线板上接了好几台电暖器", 1, "", "", None, None, None, "accept"),
    ("门口有人抽烟", 2, "", "", None, None, None, "reject"),
]


OVERDUE = [
    # place, description, level, days past the deadline
    ("液氨制冷机房", "液氨泄漏报警装置失效，未与事故排风联锁", Level.MAJOR, 45),
    ("粉尘作业车间", "除尘系统未按规定清灰，积尘厚度超标", Level.GENERAL, 35),
]


def seed_overdue(enterprise, officer) -> None:
    """Hidden dangers whose deadline passed weeks ago, for the exposure page. Registered
    through the service, then dated back as if found months ago (demo history only)."""
    today = timezone.localdate()
    for place, description, level, late in OVERDUE:
        if Hazard.objects.filter(enterprise=enterprise, place=place).exists():
            continue
        hazard, _created = hazard_services.register(
            actor=officer,
            enterprise=enterprise,
            deadline_working_days=10,
            level=level,
            source=Source.DAILY,
            category="3",
            place=place,
            description=description,
            found_at=timezone.now() - timedelta(days=late + 20),
        )
        Hazard.objects.filter(pk=hazard.pk).update(deadline=today - timedelta(days=late))


def seed() -> None:
    reference_data.load(django_apps)
    enterprises = list(Enterprise.objects.order_by("id")[:3])
    officer = User.objects.filter(username="county_inspector").first()
    if len(enterprises) < 3 or officer is None:
        return
    seed_overdue(enterprises[1], officer)
    for description, index, site, address, county, lat, lng, then in REPORTS:
        if PublicReport.objects.filter(description=description).exists():
            continue
        report, _code = services.submit(
            actor=None,
            description=description,
            enterprise=enterprises[index] if index is not None else None,
            site_name=site,
            address=address,
            county=Region.objects.get(code=county) if county else None,
            latitude=lat,
            longitude=lng,
        )
        if not PublicReport.objects.for_user(officer, "change").filter(pk=report.pk).exists():
            continue
        if then == "accept":
            services.accept(report=report, actor=officer, version=1, reply="已转企业核实整改")
        elif then == "reject":
            services.reject(
                report=report,
                actor=officer,
                version=1,
                reason="经核实为员工在吸烟区吸烟，不构成隐患",
            )
