"""Demo hidden dangers: six months of the closed loop, walked through the services.

Each hidden danger is registered, planned, submitted with an after-rectification photo,
returned, extended, listed and accepted by the people whose move it is, so its timeline, notices,
photos and audit entries are the real ones; afterwards the dates are spread over the last six
months (found, submitted, accepted, deadlines), so lists, overdue counts, charts and the monthly
bulletin have a history. Enterprises without demo accounts get a principal and a safety manager
who cannot sign in (no usable password), as every real enterprise has."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard, HazardEvent
from safeloop.orgs.models import RoleAssignment, User
from safeloop.orgs.roles import Role

COUNT = 72
KEY = "demo-hazard-{}"
PLACES = ["冲压车间", "熔炼车间", "原料库", "配电室", "锅炉房", "危化品库", "装卸区", "有限空间"]
PROBLEMS = [
    ("1", "安全防护罩缺失，转动部位外露"),
    ("3", "配电箱未接地，线路老化裸露"),
    ("5", "灭火器过期，消防通道被杂物占用"),
    ("2", "工艺参数报警值未按规程设定"),
    ("4", "可燃气体报警仪未定期检定"),
    ("6", "作业区与储存区防火间距不足"),
]
PLAN = {
    "measures": "停机更换防护设施并组织复查",
    "funds_budgeted": 8000,
    "responsible_person": "设备部负责人",
    "emergency_measures": "设置警戒区，专人监护",
    "plan_goals": "消除隐患，恢复正常生产",
    "plan_methods": "停机检修，更换部件",
    "plan_resources": "资金和备件已落实",
    "plan_organisation": "设备部牵头，安全部监督",
    "plan_schedule": "整改期限内分三步完成",
    "plan_safety": "作业前办理审批，落实应急措施",
}
# What becomes of hidden danger i (by i % 10), most closed as in a working year.
OUTCOMES = {
    0: "closed",
    1: "closed",
    2: "closed",
    3: "closed",
    4: "awaiting",
    5: "returned",
    6: "extension",
    7: "planned",
    8: "planned",
    9: "unplanned",
}


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 150, 70)).save(buffer, format="PNG")
    return SimpleUploadedFile("整改后.png", buffer.getvalue(), content_type="image/png")


def _staff(enterprise: Enterprise, role: str) -> User:
    """The enterprise's principal or safety manager: the demo account if it has one, otherwise a
    person who cannot sign in."""
    found = (
        User.objects.filter(
            role_assignments__enterprise=enterprise, role_assignments__role=role, is_active=True
        )
        .order_by("pk")
        .first()
    )
    if found:
        return found
    user = User(username=f"demo-{role}-{enterprise.pk}", full_name=enterprise.principal or "")
    user.set_unusable_password()
    user.save()
    RoleAssignment.objects.create(user=user, role=role, enterprise=enterprise)
    return user


def seed_hazards() -> int:
    """Walk COUNT hidden dangers through the loop (idempotent: does nothing once seeded)."""
    if Hazard.objects.filter(idempotency_key=KEY.format(0)).exists():
        return 0
    inspector = User.objects.get(username="city_inspector")
    county_admin = User.objects.get(username="county_admin")
    county_inspector = User.objects.get(username="county_inspector")
    enterprises = list(
        Enterprise.objects.filter(status="operating", deleted_at__isnull=True).order_by("pk")[:48]
    )
    xingqing = [e for e in enterprises if e.region_code == "640104"]
    today = timezone.localdate()
    now = timezone.now()
    for i in range(COUNT):
        enterprise = enterprises[0] if i % 8 == 0 else enterprises[i % len(enterprises)]
        if i % 12 == 3 and xingqing:  # majors where the demo county lists and supervises them
            enterprise = xingqing[i % len(xingqing)]
        manager = _staff(enterprise, Role.SAFETY_MANAGER)
        principal = _staff(enterprise, Role.ENTERPRISE_PRINCIPAL)
        major = i % 12 == 3 and enterprise.region_code == "640104"
        by_regulator = i % 2 == 0 or major
        finder = county_inspector if enterprise.region_code == "640104" else inspector
        category, problem = PROBLEMS[i % len(PROBLEMS)]
        hazard, _created = services.register(
            actor=finder if by_regulator else manager,
            enterprise=enterprise,
            level=Level.MAJOR if major else Level.GENERAL,
            source="1" if not by_regulator else "2",
            category=category,
            place=PLACES[i % len(PLACES)],
            description=problem,
            deadline=today + timedelta(days=45),
            idempotency_key=KEY.format(i),
        )
        outcome = OUTCOMES[i % 10]
        if major:
            services.list_hazard(hazard=hazard, actor=county_admin, deadline=today + timedelta(60))
        if outcome == "unplanned":
            continue
        services.plan(hazard=_fresh(hazard), actor=manager, **PLAN)
        if outcome in ("planned",):
            continue
        if outcome == "extension":
            services.request_extension(
                hazard=_fresh(hazard),
                actor=manager,
                new_deadline=today + timedelta(days=60),
                reason="备件到货延迟，需延长整改期限",
            )
            continue
        services.submit(
            hazard=_fresh(hazard), actor=manager, evidence="已按方案完成整改", photos=[_photo()]
        )
        if outcome == "awaiting":
            continue
        acceptor = county_inspector if major else (finder if by_regulator else principal)
        if outcome == "returned":
            services.return_for_rectification(
                hazard=_fresh(hazard), actor=acceptor, reason="整改不彻底，防护设施未固定"
            )
            continue
        services.accept(
            hazard=_fresh(hazard),
            actor=acceptor,
            opinion="整改到位，同意销号",
            expert_report="专家组评估报告：整改措施有效" if major else "",
        )
    _spread_over_six_months(now)
    return COUNT


def _fresh(hazard: Hazard) -> Hazard:
    return Hazard.objects.get(pk=hazard.pk)


def _spread_over_six_months(now) -> None:
    """Move each demo hidden danger back in time: closed ones found 0–180 days ago, open ones
    0–60 days ago; deadline 30 days after finding (so open ones older than that are overdue),
    submitted and accepted within the deadline."""
    for hazard in Hazard.objects.filter(idempotency_key__startswith="demo-hazard-"):
        i = int(hazard.idempotency_key.rsplit("-", 1)[1])
        days = (i * 37) % 180 if hazard.state == State.CLOSED else (i * 13) % 60
        found = now - timedelta(days=days, hours=i % 9)
        shift = found - hazard.found_at
        fields = {"found_at": found, "deadline": (found + timedelta(days=30)).date()}
        if hazard.submitted_at:
            fields["submitted_at"] = found + timedelta(days=12 + i % 10)
        if hazard.accepted_at:
            fields["accepted_at"] = found + timedelta(days=18 + i % 10)
        Hazard.objects.filter(pk=hazard.pk).update(**fields)
        for event in HazardEvent.objects.filter(hazard=hazard):
            HazardEvent.objects.filter(pk=event.pk).update(at=min(event.at + shift, now))
