"""Demo emergency resources around Yinchuan (teams, experts, warehouses with stocks, one
expiring soon, vehicles, radios, one resource not confirmed for months) and one incident
under county command with its timeline and a dispatched team. Re-running adds nothing
(keyed by name and title)."""

from datetime import timedelta
from decimal import Decimal

from django.apps import apps as django_apps
from django.utils import timezone

from safeloop.emergency import reference_data
from safeloop.emergency.choices import (
    Availability,
    CommandPost,
    EntryKind,
    ResourceKind,
    TeamKind,
)
from safeloop.emergency.models import (
    CommandMember,
    EmergencyRule,
    Incident,
    Resource,
    Stock,
    StockType,
    Task,
    TimelineEntry,
)
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Region

T, X, W, V, C = (
    ResourceKind.TEAM,
    ResourceKind.EXPERT,
    ResourceKind.WAREHOUSE,
    ResourceKind.VEHICLE,
    ResourceKind.COMMS,
)
# kind, name, region code, team kind, specialities, headcount, leader, phone, lat, lng,
# days since confirmed
RESOURCES = [
    (T, "银川市危险化学品专业救援队", "640100", TeamKind.PROFESSIONAL, "危化品、有限空间", 46,
     "马建军", "13909510001", 38.4870, 106.2310, 3),
    (T, "宁东矿山救护大队银川中队", "640100", TeamKind.PROFESSIONAL, "矿山、冶金、有色", 38,
     "杨志刚", "13909510002", 38.4412, 106.1989, 10),
    (T, "兴庆区民爆应急救援队", "640104", TeamKind.PROFESSIONAL, "民爆、爆破", 22,
     "李文华", "13909510003", 38.4681, 106.2877, 5),
    (T, "西夏区综合应急救援队", "640105", TeamKind.PROFESSIONAL, "综合、火灾", 30,
     "王强", "13909510004", 38.4920, 106.1331, 120),
    (X, "张立新（化工安全专家）", "640100", "", "危险化学品、化工工艺", None,
     "", "13709510011", 38.4790, 106.2540, 7),
    (X, "刘芳（冶金安全专家）", "640104", "", "冶金、煤气", None,
     "", "13709510012", 38.4600, 106.2700, 15),
    (W, "银川市应急物资储备库", "640100", "", "", None,
     "赵红梅", "09516010001", 38.5012, 106.2204, 2),
    (W, "兴庆区应急物资仓库", "640104", "", "", None,
     "孙磊", "09516010002", 38.4655, 106.3010, 20),
    (V, "危化品抢险救援车（宁A·E0119）", "640100", "", "抢险", None,
     "", "", 38.4868, 106.2306, 3),
    (V, "应急通信指挥车（宁A·E0120）", "640104", "", "指挥通信", None,
     "", "", 38.4690, 106.2880, 5),
    (C, "370M 应急通信基站（兴庆）", "640104", "", "数字集群", None,
     "", "", 38.4750, 106.2900, 8),
    (C, "卫星便携站（市局）", "640100", "", "卫星通信", None,
     "", "", 38.4880, 106.2320, 40),
]  # fmt: skip

# warehouse name, stock code, quantity, expires in days, owner
STOCKS = [
    ("银川市应急物资储备库", "PPE-01", Decimal("40"), 900, "市应急管理局"),
    ("银川市应急物资储备库", "FIR-02", Decimal("12"), 20, "市应急管理局"),
    ("银川市应急物资储备库", "SAN-01", Decimal("5000"), None, "市应急管理局"),
    ("兴庆区应急物资仓库", "MED-01", Decimal("60"), 10, "兴庆区应急管理局"),
    ("兴庆区应急物资仓库", "LEA-01", Decimal("800"), 400, "兴庆区应急管理局"),
]


def seed() -> int:
    if not EmergencyRule.objects.exists():  # a flushed test database lost migration 0002
        reference_data.load(django_apps)
    regions = {r.code: r for r in Region.objects.filter(code__in={r[2] for r in RESOURCES})}
    if len(regions) < 2:
        return 0
    now = timezone.now()
    added = 0
    by_name = {}
    for (
        kind,
        name,
        code,
        team_kind,
        speciality,
        headcount,
        leader,
        phone,
        lat,
        lng,
        days,
    ) in RESOURCES:
        resource = Resource.objects.filter(name=name).first()
        if resource is None:
            resource = Resource(
                kind=kind,
                name=name,
                region=regions[code],
                team_kind=team_kind,
                specialities=speciality,
                headcount=headcount,
                leader=leader,
                duty_phone=phone,
                latitude=lat,
                longitude=lng,
                availability=Availability.AVAILABLE,
                confirmed_at=now - timedelta(days=days),
            )
            resource.place_owner()
            resource.save(action="emergency.resource.create")
            added += 1
        by_name[name] = resource
    enterprise = Enterprise.objects.filter(region__code="640104").order_by("pk").first()
    if enterprise is not None and not Resource.objects.filter(enterprise=enterprise).exists():
        team = Resource(
            kind=T,
            name=f"{enterprise.name}兼职救援队",
            region=enterprise.region,
            enterprise=enterprise,
            team_kind=TeamKind.ENTERPRISE,
            specialities="初期火灾、有限空间",
            headcount=12,
            leader="陈刚",
            duty_phone="13809510099",
            latitude=float(enterprise.latitude or 38.47),
            longitude=float(enterprise.longitude or 106.28),
            confirmed_at=now - timedelta(days=6),
        )
        team.place_owner()
        team.save(action="emergency.resource.create")
    types = {t.code: t for t in StockType.objects.all()}
    for warehouse, code, quantity, days, owner in STOCKS:
        w = by_name[warehouse]
        if Stock.objects.filter(warehouse=w, stock_type=types[code]).exists():
            continue
        Stock(
            warehouse=w,
            stock_type=types[code],
            quantity=quantity,
            unit=types[code].unit,
            expires_on=None if days is None else timezone.localdate() + timedelta(days=days),
            owner=owner,
        ).save(action="emergency.stock.create")
    _seed_incident(regions["640104"], by_name)
    return added + seed_plans() + seed_duty()


def _seed_incident(county, by_name) -> None:
    title = "兴庆区某化工企业储罐泄漏"
    if Incident.objects.filter(title=title).exists():
        return
    opened = timezone.now() - timedelta(minutes=50)
    incident = Incident(
        title=title,
        region=county,
        region_code=county.code,
        place="兴庆区掌政镇工业集中区",
        latitude=38.4702,
        longitude=106.2950,
        grade="general",
        commander="兴庆区应急管理局局长",
        opened_at=opened,
    )
    incident.save(action="emergency.incident.open")
    for minutes, kind, text in [
        (0, EntryKind.REPORT, "企业报告：储罐区阀门泄漏，现场已疏散，无人员伤亡。"),
        (8, EntryKind.DECISION, "启动区级Ⅳ级应急响应，设立现场指挥部。"),
        (12, EntryKind.DISPATCH, "调派银川市危险化学品专业救援队，距离约5.8公里。"),
    ]:
        TimelineEntry(
            incident=incident,
            at=opened + timedelta(minutes=minutes),
            kind=kind,
            text=text,
            author_label="兴庆区应急值班室",
        ).save()
    for minutes, post, name, unit, phone in [
        (8, CommandPost.COMMANDER, "赵建国", "兴庆区应急管理局", "13909510101"),
        (8, CommandPost.DEPUTY, "马文斌", "兴庆区消防救援大队", "13909510102"),
        (10, CommandPost.LIAISON, "杨静", "兴庆区应急值班室", "13909510103"),
    ]:
        CommandMember(
            incident=incident,
            post=post,
            name=name,
            unit=unit,
            phone=phone,
            added_at=opened + timedelta(minutes=minutes),
        ).save(action="emergency.roster.add")
    team = by_name["银川市危险化学品专业救援队"]
    Task(
        incident=incident,
        resource=team,
        instruction="处置泄漏，开展侦检和堵漏",
        distance_km=5.8,
        dispatched_at=opened + timedelta(minutes=12),
        moved_at=opened + timedelta(minutes=12),
    ).save(action="emergency.task.dispatch")
    team.availability = Availability.BUSY
    team.save(action="emergency.resource.dispatch")


# enterprise index in 兴庆区, kind, title, filed days ago (None: awaiting review), drills
# (days ago held, scenario, form, participants)
PLANS = [
    (0, "comprehensive", "生产安全事故综合应急预案", 400,
     [(95, "储罐区火灾事故综合演练", "live", 46)]),
    (0, "onsite", "液氨泄漏现场处置方案", 400, [(230, "液氨管线泄漏处置演练", "live", 18)]),
    (1, "comprehensive", "生产安全事故综合应急预案", 1160,
     [(300, "全厂停电应急桌面推演", "tabletop", 25)]),
    (2, "special", "有限空间作业事故专项应急预案", None, []),
]  # fmt: skip


def _plan_pdf(enterprise, title: str) -> bytes:
    from safeloop.core.documents import RedHeadDocument

    pdf = RedHeadDocument(enterprise.name, title, f"{enterprise.name[:4]}应急〔2026〕1号")
    pdf.paragraph("一、总则：为规范本单位生产安全事故应急管理和应急响应程序，制定本预案。")
    pdf.paragraph("二、应急组织机构及职责：成立应急救援指挥部，总指挥由主要负责人担任。")
    pdf.paragraph("三、应急响应：分级响应、信息报告、先期处置、扩大应急、应急结束。")
    pdf.signature(enterprise.name, timezone.localtime())
    return bytes(pdf.output())


def seed_plans() -> int:
    """Plans of the demo staff's enterprise and two of 兴庆区: two filed and drilled (one
    on-site plan now overdue for its half-yearly drill), one filed three years ago (its
    revision due), one awaiting the county's review. Keyed by enterprise and title."""
    import hashlib

    from django.core.files.base import ContentFile

    from safeloop.core.models import DocumentCounter
    from safeloop.emergency.choices import DrillState, PlanState
    from safeloop.emergency.models import Drill, Plan
    from safeloop.enterprises.choices import DocumentKind
    from safeloop.enterprises.models import Document
    from safeloop.orgs.models import RoleAssignment
    from safeloop.orgs.roles import ENTERPRISE_STAFF

    staffed = RoleAssignment.objects.filter(role__in=ENTERPRISE_STAFF).values("enterprise")
    enterprises = list(Enterprise.objects.filter(pk__in=staffed).order_by("pk")[:1])
    enterprises += (
        Enterprise.objects.filter(region__code="640104")
        .exclude(pk__in=[e.pk for e in enterprises])
        .order_by("pk")[:2]
    )
    added = 0
    today = timezone.localdate()
    for index, kind, title, filed_days, drills in PLANS:
        if index >= len(enterprises):
            continue
        enterprise = enterprises[index]
        if Plan.objects.filter(enterprise=enterprise, title=title).exists():
            continue
        content = _plan_pdf(enterprise, title)
        document = Document(
            enterprise=enterprise,
            kind=DocumentKind.EMERGENCY_PLAN,
            title=title,
            original_name=f"{title}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        document.file.save(f"{title}.pdf", ContentFile(content), save=False)
        document.save(action="enterprises.document.add")
        plan = Plan(enterprise=enterprise, kind=kind, title=title, document=document)
        if filed_days is not None:
            filed_on = today - timedelta(days=filed_days)
            number = DocumentCounter.take(
                enterprise.region_code, "emergency-plan-filing", filed_on.year
            )
            plan.state = PlanState.FILED
            plan.submitted_at = timezone.now() - timedelta(days=filed_days + 12)
            plan.reviewed_at = timezone.now() - timedelta(days=filed_days)
            plan.opinion = (
                "经审查，预案要素齐全，符合《生产安全事故应急预案管理办法》要求，予以备案。"
            )
            plan.filing_number = f"{enterprise.region_code}-{filed_on.year}-{number:04d}"
            plan.filed_on = filed_on
            plan.revise_by = filed_on.replace(year=filed_on.year + 3)
        plan.save(action="emergency.plan.submit")
        added += 1
        for held_days, scenario, form, participants in drills:
            held_on = today - timedelta(days=held_days)
            Drill(
                enterprise=enterprise,
                plan=plan,
                scenario=scenario,
                mode=form,
                planned_on=held_on,
                held_on=held_on,
                participants=participants,
                participants_note="应急指挥部成员、生产班组、兼职救援队",
                evaluation="响应及时，分工明确；通信联络和警戒疏散环节需加强。",
                state=DrillState.EVALUATED,
            ).save(action="emergency.drill.evaluate")
        if index == 0 and kind == "comprehensive":
            Drill(
                enterprise=enterprise,
                plan=plan,
                scenario="有限空间中毒窒息救援演练",
                mode="live",
                planned_on=today + timedelta(days=20),
            ).save(action="emergency.drill.plan")
    return added


def seed_duty() -> int:
    """Today's and tomorrow's shifts (08:30 to 08:30) for the city and 兴庆区 from the demo
    accounts, and a few duty log lines. Keyed by person and start."""
    from safeloop.emergency.choices import DutyEntryKind, DutyPost
    from safeloop.emergency.models import DutyLogEntry, DutyShift
    from safeloop.orgs.models import User

    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["city_admin", "city_inspector", "county_admin", "county_inspector"]
        )
    }
    regions = {r.code: r for r in Region.objects.filter(code__in=["640100", "640104"])}
    if len(people) < 4 or len(regions) < 2:
        return 0
    today = timezone.localtime().replace(hour=8, minute=30, second=0, microsecond=0)
    if timezone.localtime() < today:
        today -= timedelta(days=1)
    added = 0
    rows = [
        ("640100", DutyPost.LEADER, "city_admin", "0951-6010001", 0),
        ("640100", DutyPost.OFFICER, "city_inspector", "0951-6010002", 0),
        ("640104", DutyPost.LEADER, "county_admin", "0951-6010101", 0),
        ("640104", DutyPost.OFFICER, "county_inspector", "0951-6010102", 0),
        ("640104", DutyPost.OFFICER, "county_inspector", "0951-6010102", 2),
    ]
    for code, post, username, phone, day in rows:
        starts = today + timedelta(days=day)
        if DutyShift.objects.filter(person=people[username], starts_at=starts).exists():
            continue
        DutyShift(
            region=regions[code],
            region_code=code,
            post=post,
            person=people[username],
            phone=phone,
            starts_at=starts,
            ends_at=starts + timedelta(days=1),
        ).save(action="emergency.duty.add")
        added += 1
    if not DutyLogEntry.objects.filter(region_code="640104", kind=DutyEntryKind.HANDOVER).exists():
        for minutes, kind, text in [
            (
                0,
                DutyEntryKind.HANDOVER,
                "交接班：昨夜无突发事件，储罐泄漏事件处置中，已交代跟进事项。",
            ),
            (95, DutyEntryKind.CALL, "群众来电反映某企业夜间异味，已转园区安全办核实。"),
            (180, DutyEntryKind.INSTRUCTION, "市局通知：寒潮来临，督促企业做好防冻防凝。"),
        ]:
            DutyLogEntry(
                region=regions["640104"],
                region_code="640104",
                at=today + timedelta(minutes=minutes),
                kind=kind,
                text=text,
                author=people["county_inspector"],
                author_label=people["county_inspector"].full_name,
            ).save()
    return added
