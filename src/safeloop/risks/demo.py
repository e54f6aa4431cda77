"""Demo risk data for the demo enterprises: graded risk points with measures and one major
hazard installation. Re-running changes nothing (points and units are keyed by name)."""

from datetime import timedelta
from decimal import Decimal

from django.apps import apps as django_apps
from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import RoleAssignment, User
from safeloop.risks import reference_data, services
from safeloop.risks.models import (
    AccidentType,
    GradingScheme,
    HazardousSubstance,
    HazardUnit,
    RiskPoint,
)


def ensure_reference_data() -> None:
    """The rule tables come with migration 0002; a database flushed since (tests that truncate
    tables) gets them back here."""
    if not GradingScheme.objects.exists():
        reference_data.load(django_apps)


# name, kind, post, accident type codes (GB 6441-2025), assessment, measure
POINTS = [
    (
        "高炉炉前作业",
        "operation",
        "炉前工",
        ["WSA10008", "WSA10022"],
        {"method": "lec", "lec_l": Decimal(3), "lec_e": Decimal(6), "lec_c": Decimal(40)},
        ("engineering", "炉前设挡火墙，出铁口周边保持干燥", "company", "daily"),
    ),
    (
        "行车吊运",
        "equipment",
        "行车工",
        ["WSA10005"],
        {"method": "ls", "ls_l": 3, "ls_s": 4},
        ("training", "持证上岗，吊运前检查钢丝绳和吊钩", "workshop", "daily"),
    ),
    (
        "煤气柜区域",
        "place",
        "煤气巡检工",
        ["WSA10023", "WSA10016"],
        {"method": "direct", "direct_reason": "people_30"},
        ("emergency", "配备空气呼吸器，煤气报警仪与排风联锁", "company", "shift"),
    ),
    (
        "机加工车间砂轮机",
        "equipment",
        "磨工",
        ["WSA10004", "WSA10001"],
        {"method": "lec", "lec_l": Decimal(1), "lec_e": Decimal(6), "lec_c": Decimal(3)},
        ("ppe", "佩戴防护眼镜，砂轮防护罩完好", "team", "weekly"),
    ),
]


def seed() -> None:
    ensure_reference_data()
    actor = User.objects.filter(username="sysadmin").first()
    # The enterprises the demo accounts belong to (principal: the first, expert: the second).
    ids = (
        RoleAssignment.objects.filter(user__username__in=("principal", "expert"))
        .exclude(enterprise=None)
        .values_list("enterprise_id", flat=True)
    )
    enterprises = list(Enterprise.objects.filter(pk__in=ids).order_by("pk"))
    types = {t.code: t for t in AccidentType.objects.filter(code_set__code="GB 6441-2025")}
    for i, (name, kind, post, codes, assessment, measure) in enumerate(POINTS):
        if not enterprises:
            return
        enterprise = enterprises[i % len(enterprises)]
        if RiskPoint.objects.filter(enterprise=enterprise, name=name, is_deleted=False).exists():
            continue
        point = services.create_risk_point(
            actor=actor,
            enterprise=enterprise,
            name=name,
            kind=kind,
            post=post,
            location="主厂区",
            hazard_factors="见岗位风险告知卡",
            emergency_actions="立即停止作业，撤离至安全区域，报告班长并拨打厂内应急电话",
            contacts="厂内应急 0951-0000000",
            review_due=timezone.localdate() + timedelta(days=(-10 if i == 3 else 180)),
            accident_types=[types[c] for c in codes if c in types],
        )
        services.assess_risk_point(actor=actor, point=point, **assessment)
        kind_, description, level, frequency = measure
        services.create_measure(
            actor=actor,
            point=point,
            kind=kind_,
            description=description,
            control_level=level,
            responsible="安全科",
            inspection_frequency=frequency,
        )
    enterprise = enterprises[0]
    if not HazardUnit.objects.filter(enterprise=enterprise, name="煤气柜及氧气站").exists():
        services.create_unit(
            actor=actor,
            enterprise=enterprise,
            name="煤气柜及氧气站",
            kind="storage",
            people_within_500m=60,
            substances=[
                {
                    "substance": HazardousSubstance.objects.get(name__startswith="煤气"),
                    "quantity": Decimal("30"),
                },
                {
                    "substance": HazardousSubstance.objects.get(name__startswith="氧"),
                    "quantity": Decimal("120"),
                },
            ],
        )
