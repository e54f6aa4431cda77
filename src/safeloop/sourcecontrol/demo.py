"""Demo source-control history: the 兴庆区 expert-service contract with the demo expert and a
second expert (whose employer is recorded, so she is never sent there), visits with
findings (one registered as hidden dangers, one waiting), inventories matched against the
catalogue, an elimination list in every state, a lapsed licence proposed for cancellation
and stop-and-rectify orders at each step. Re-running adds nothing."""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from safeloop.enterprises.choices import Status
from safeloop.enterprises.models import Enterprise, Licence
from safeloop.enterprises.services import update_enterprise
from safeloop.orgs.models import RoleAssignment, User
from safeloop.orgs.roles import Role
from safeloop.sourcecontrol import orders, services
from safeloop.sourcecontrol.choices import RelationKind
from safeloop.sourcecontrol.models import (
    CatalogueEntry,
    EliminationItem,
    ExpertProfile,
    ExpertRelation,
    InventoryItem,
    ServiceContract,
    StopOrder,
)

CATALOGUE = Path(__file__).resolve().parent / "data" / "catalogue.json"
CONTRACT = "XQYJ-ZF-2026-03"


def ensure_catalogue() -> None:
    """The catalogue as migration 0002 loads it, again where a database was emptied since
    (tests that flush it); versions an administrator added are left as they are."""
    for row in json.loads(CATALOGUE.read_text(encoding="utf-8")):
        CatalogueEntry.objects.get_or_create(
            code=row["code"], effective_from=row["effective_from"], defaults=row
        )


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _staff_enterprise(username: str) -> Enterprise | None:
    grant = (
        RoleAssignment.objects.filter(user__username=username, enterprise__isnull=False)
        .select_related("enterprise")
        .first()
    )
    return grant.enterprise if grant else None


def seed_experts(today: date) -> None:
    admin, inspector = _user("city_admin"), _user("city_inspector")
    expert_user = _user("expert")
    advised = _staff_enterprise("expert")
    if not (admin and inspector and expert_user and advised):
        return
    if ServiceContract.objects.filter(number=CONTRACT).exists():
        return
    county = list(
        Enterprise.objects.filter(region_code=advised.region_code)
        .exclude(pk=advised.pk)
        .order_by("pk")[:4]
    )
    expert = ExpertProfile.objects.filter(user=expert_user).first() or ExpertProfile(
        user=expert_user,
        name="马建国",
        organisation="宁夏安科安全技术服务有限公司",
        specialty="冶金、粉尘防爆",
        title="高级工程师",
        region_code=advised.region_code,
    )
    expert.save(action="sourcecontrol.expert.add")
    second_user = User.objects.filter(username="expert_li").first()
    if second_user is None:
        second_user = User(username="expert_li", full_name="李文静")
        second_user.set_unusable_password()
        second_user.save()
        if county:
            RoleAssignment.objects.create(user=second_user, role=Role.EXPERT, enterprise=county[0])
    second = ExpertProfile(
        user=second_user,
        name="李文静",
        organisation="宁夏安科安全技术服务有限公司",
        specialty="危险化学品、有限空间",
        title="注册安全工程师",
        region_code=advised.region_code,
    )
    second.save(action="sourcecontrol.expert.add")
    if county:
        ExpertRelation(
            expert=second,
            enterprise=county[-1],
            kind=RelationKind.FORMER_EMPLOYEE,
            note="2024年前任该企业安全科科长",
            declared_on=today - timedelta(days=120),
        ).save(action="sourcecontrol.relation.declare")
    contract = ServiceContract(
        number=CONTRACT,
        title="兴庆区小微企业安全生产技术服务（政府购买服务）",
        provider="宁夏安科安全技术服务有限公司",
        region_code=advised.region_code,
        amount=Decimal("360000.00"),
        starts_on=today - timedelta(days=150),
        ends_on=today + timedelta(days=215),
        visits_per_enterprise=3,
        note="每家企业全年上门诊断不少于3次，出具诊断报告。",
    )
    contract.save(action="sourcecontrol.contract.create")
    first = services.assign_expert(
        actor=admin, contract=contract, expert=expert, enterprise=advised
    )
    for firm in county[:2]:
        services.assign_expert(actor=admin, contract=contract, expert=second, enterprise=firm)
    visit = services.record_visit(
        actor=expert_user,
        assignment=first,
        visited_on=today - timedelta(days=40),
        summary="检查除尘系统与有限空间作业管理，指导完善隐患排查台账。",
        findings=[
            {
                "place": "抛光车间除尘器",
                "description": "除尘器未设置泄爆装置，灰斗未设锁气卸灰装置",
                "level": "general",
                "deadline_days": 30,
            },
            {
                "place": "污水池",
                "description": "有限空间入口未设置安全警示标识",
                "level": "general",
                "deadline_days": 7,
            },
        ],
    )
    services.register_findings(actor=inspector, visit=visit)
    services.record_visit(
        actor=expert_user,
        assignment=first,
        visited_on=today - timedelta(days=3),
        summary="复查上次问题整改，检查配电室与消防通道。",
        findings=[
            {
                "place": "配电室",
                "description": "配电柜前未铺设绝缘胶垫",
                "level": "general",
                "deadline_days": 15,
            }
        ],
    )


def seed_inventory(today: date) -> None:
    inspector = _user("city_inspector")
    firms = list(Enterprise.objects.filter(region_code__startswith="6401").order_by("pk")[:3])
    if inspector is None or len(firms) < 2:
        return
    if InventoryItem.objects.filter(enterprise__in=firms).exists():
        return
    rows = [
        (firms[0], "equipment", "1号炼铁高炉", "350m³", Decimal("350"), "立方米", "炼铁车间"),
        (firms[0], "equipment", "2号炼铁高炉", "1080m³", Decimal("1080"), "立方米", "炼铁车间"),
        (firms[0], "equipment", "热处理铅浴炉", "RQ-45", None, "", "热处理车间"),
        (firms[0], "equipment", "数控车床", "CK6150", None, "", "机加工车间"),
        (firms[1], "equipment", "矿热炉", "6300kVA", Decimal("6300"), "千伏安", "冶炼车间"),
        (
            firms[1],
            "equipment",
            "矿热炉",
            "25500kVA 全密闭",
            Decimal("25500"),
            "千伏安",
            "冶炼车间",
        ),
        (firms[1], "process", "半封闭式矿热炉冶炼硅锰合金", "", None, "", "冶炼车间"),
    ]
    for firm, kind, name, spec, capacity, unit, place in rows:
        InventoryItem(
            enterprise=firm,
            kind=kind,
            name=name,
            model_spec=spec,
            capacity=capacity,
            capacity_unit=unit,
            quantity=1,
            location=place,
            in_use_since=today - timedelta(days=3650),
        ).save(action="sourcecontrol.item.add")
    for firm in firms[:2]:
        services.match_inventory(actor=inspector, enterprise=firm)


def seed_elimination(today: date) -> None:
    inspector, staff = _user("city_inspector"), _user("safety_manager")
    own = _staff_enterprise("safety_manager")
    firms = list(Enterprise.objects.filter(region_code__startswith="6401").order_by("pk")[:3])
    if not (inspector and staff and own and firms):
        return
    if EliminationItem.objects.exists():
        return
    entry = CatalogueEntry.objects.filter(code="CY2011-铁合金-小矿热炉").first()
    listed = services.list_elimination(
        actor=inspector,
        enterprise=own,
        year=today.year,
        capacity="1×6300kVA 半封闭矿热炉",
        reason="容量低于目录淘汰界限，烟气收集与炉前安全设施不足。",
        deadline=date(today.year, 12, 31),
        entry=entry,
    )
    first = services.add_milestone(
        actor=staff, item=listed, title="停炉并切断电源", due_on=today + timedelta(days=10)
    )
    services.add_milestone(
        actor=staff, item=listed, title="拆除炉体与变压器", due_on=date(today.year, 12, 15)
    )
    services.complete_milestone(actor=staff, milestone=first, done_on=today - timedelta(days=1))
    if len(firms) > 1:
        done = services.list_elimination(
            actor=inspector,
            enterprise=firms[1] if firms[1] != own else firms[0],
            year=today.year,
            capacity="热处理铅浴炉 1 台",
            reason="列入产业结构调整指导目录淘汰类。",
            deadline=date(today.year, 12, 31),
        )
        done = services.report_elimination(
            actor=inspector,
            item=done,
            version=done.version,
            report="已拆除并回收铅液，现场拍照存档。",
        )
        services.verify_elimination(
            actor=inspector, item=done, version=done.version, verification="现场核实设备已拆除。"
        )


def seed_licences(today: date) -> None:
    firm = Enterprise.objects.filter(region_code__startswith="6401").order_by("-pk").first()
    if firm is None:
        return
    if not Licence.objects.filter(enterprise=firm, number="(宁)WH安许证字[2022]0917").exists():
        Licence(
            enterprise=firm,
            number="(宁)WH安许证字[2022]0917",
            authority="宁夏回族自治区应急管理厅",
            valid_from=today - timedelta(days=3 * 365 + 20),
            valid_to=today - timedelta(days=20),
        ).save()
    orders.scan_lapsed(today=today)


def seed_stop_orders(today: date) -> None:
    inspector, admin, staff = _user("city_inspector"), _user("city_admin"), _user("principal")
    own = _staff_enterprise("principal")
    firms = list(
        Enterprise.objects.filter(region_code__startswith="6401")
        .exclude(pk=getattr(own, "pk", None))
        .order_by("pk")[:2]
    )
    city_admin = _user("city_admin")
    if not (inspector and admin and staff and own and city_admin) or StopOrder.objects.exists():
        return
    year = today.year
    order = orders.issue_stop_order(
        actor=inspector,
        enterprise=own,
        number=f"兴应急停〔{year}〕3号",
        issued_on=today - timedelta(days=12),
        scope="part",
        reason="抛光车间除尘系统采用正压吹送粉尘且未采取防范点燃源措施（重大事故隐患）。",
        requirements="改为负压除尘，加装泄爆与隔爆装置，经检测合格后申请复产。",
    )
    orders.apply_resumption(
        actor=staff,
        order=order,
        version=order.version,
        application="已改造为负压除尘系统，加装泄爆片和无焰泄爆装置，附检测报告。",
    )
    if firms:
        resumed = orders.issue_stop_order(
            actor=inspector,
            enterprise=firms[0],
            number=f"兴应急停〔{year}〕1号",
            issued_on=today - timedelta(days=60),
            scope="whole",
            reason="液氨制冷车间快速冻结装置未设置在单独作业间内。",
            requirements="设置独立作业间并配置氨泄漏报警与事故通风。",
        )
        # its history, as the moves left it (no staff account of that enterprise in the demo)
        resumed.application = "已设置独立速冻间，安装氨泄漏报警并与事故风机联锁。"
        resumed.applied_at = timezone.now() - timedelta(days=30)
        resumed.inspected_by, resumed.inspected_on = inspector, today - timedelta(days=25)
        resumed.inspection = "现场验收：独立作业间、报警联锁均已投用，具备复产条件。"
        resumed.decided_by, resumed.decided_at = city_admin, timezone.now() - timedelta(days=24)
        resumed.decision = "同意恢复生产。"
        resumed.state, resumed.rounds, resumed.version = "resumed", 1, resumed.version + 1
        resumed.save(action="sourcecontrol.stop.decide")
        firm = Enterprise.objects.get(pk=firms[0].pk)
        update_enterprise(
            actor=city_admin,
            enterprise=firm,
            data={"status": Status.OPERATING},
            expected_version=firm.version,
        )
    if len(firms) > 1:
        orders.issue_stop_order(
            actor=inspector,
            enterprise=firms[1],
            number=f"兴应急停〔{year}〕2号",
            issued_on=today - timedelta(days=5),
            scope="whole",
            reason="有限空间作业未执行先通风、再检测、后作业。",
            requirements="建立有限空间作业审批制度，配备检测报警仪与通风设备，全员培训。",
        )


def seed() -> None:
    ensure_catalogue()
    today = timezone.localdate()
    seed_experts(today)
    seed_inventory(today)
    seed_elimination(today)
    seed_licences(today)
    seed_stop_orders(today)
