"""Demo public reports: received at an enterprise found by name, a duplicate linked to it,
an unregistered site routed by county, and one rejected with a reply. None is accepted: the
demo's hidden dangers, and the figures other screens count of them, are the hazards side's.
One Open311 client (the city's 12345 hotline) has sent a report through /open311/v2/; its
key is not known to anyone (an administrator creates a new client to try the server).
Re-running adds nothing (keyed by the description and the client's name)."""

from decimal import Decimal

from django.apps import apps as django_apps

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Region, User
from safeloop.public import open311, reference_data, services
from safeloop.public.models import Open311Client, PublicReport

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
    ("仓库里电线私拉乱接，插线板上接了好几台电暖器", 1, "", "", None, None, None, ""),
    ("门口有人抽烟", 2, "", "", None, None, None, "reject"),
]


def seed() -> None:
    reference_data.load(django_apps)
    enterprises = list(Enterprise.objects.order_by("id")[:3])
    officer = User.objects.filter(username="county_inspector").first()
    if len(enterprises) < 3 or officer is None:
        return
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
        if then == "reject":
            services.reject(
                report=report,
                actor=officer,
                version=1,
                reason="经核实为员工在吸烟区吸烟，不构成隐患",
            )

    _open311(enterprises[1])


HOTLINE = "12345 政务服务便民热线"
HOTLINE_REPORT = "车间二楼的灭火器过期两年了，没人更换"


def _open311(enterprise) -> None:
    admin = User.objects.filter(username="city_admin").first()
    if admin is None or PublicReport.objects.filter(description=HOTLINE_REPORT).exists():
        return
    client = Open311Client.objects.filter(name=HOTLINE).first()
    if client is None:
        client, _key = open311.add_client(
            actor=admin, name=HOTLINE, contact="市政务服务中心", reports_per_hour=500
        )
    services.submit(
        actor=None,
        description=HOTLINE_REPORT,
        enterprise=enterprise,
        service_code="fire-safety",
        client=client,
    )
