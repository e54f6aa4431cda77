"""Demo crackdown history: the city's year-long campaign and a county's 百日 campaign with
targets, cases in every state (an unregistered workshop banned and re-visited, a ledger
enterprise fined, a case transferred to the police, one not filed, one from a public report),
a joint operation, and a re-visit overdue. Re-running adds nothing (keyed by title and
operator)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from safeloop.crackdown import services
from safeloop.crackdown.models import Campaign, Case, CrackdownRule, JointOperation
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import GridCell, Region, User

DEFAULT_RULE = {
    "first_visit_days": 15,
    "visit_every_days": 30,
    "visits_required": 2,
    "effective_from": date(2017, 1, 1),
    "source": (
        "银川市工业领域安全生产工作要点（2017）“突出打击非法生产经营建设行为”；"
        "回访周期取各地打非“回头看”的常见做法，待市局确认"
    ),
    "confidence": "unconfirmed",
    "notes": (
        "跟踪开始后15日内首次回访，此后每30日回访一次，"
        "连续两次回访确认取缔或关闭的场所未复产后方可结案。"
    ),
}


def ensure_rule() -> None:
    """The follow-up rule as migration 0002 loads it, again where a database was emptied."""
    CrackdownRule.objects.get_or_create(
        effective_from=DEFAULT_RULE["effective_from"], defaults=DEFAULT_RULE
    )


def _campaign(actor, region, title, starts, ends, **targets) -> Campaign:
    found = Campaign.objects.filter(title=title).first()
    if found:
        return found
    return services.create_campaign(
        actor=actor, region=region, title=title, starts_on=starts, ends_on=ends, **targets
    )


def _case(actor, subject, **fields) -> Case | None:
    if Case.objects.filter(subject_name=subject).exists():
        return None
    return services.register_case(actor=actor, subject_name=subject, **fields)


def _back(case: Case, days_ago: int, today: date) -> None:
    """Demo history: the follow-up started `days_ago` (the services date it today)."""
    Case.objects.filter(pk=case.pk).update(tracking_since=today - timedelta(days=days_ago))
    case.refresh_from_db()


def seed() -> None:
    ensure_rule()
    inspector = User.objects.filter(username="county_inspector").first()
    city = User.objects.filter(username="city_admin").first()
    county = Region.objects.filter(code="640104").first()
    city_region = Region.objects.filter(code="640100").first()
    if not (inspector and city and county and city_region):
        return
    today = timezone.localdate()
    year_start = date(today.year, 1, 1)
    big = _campaign(
        city,
        city_region,
        f"{today.year}年打击非法违法生产经营建设行为专项行动",
        year_start,
        date(today.year, 12, 31),
        focus="无证无照生产经营、关闭取缔后擅自恢复生产、违法分包转包、非法储存危险化学品。",
        target_cases=20,
        target_stopped=8,
        target_fines=Decimal("300000"),
        target_operations=4,
    )
    hundred = _campaign(
        inspector,
        county,
        "兴庆区“打非治违”百日攻坚",
        today - timedelta(days=60),
        today + timedelta(days=40),
        focus="城乡结合部小作坊、小仓库、小加工点。",
        target_cases=6,
        target_stopped=3,
        target_fines=Decimal("50000"),
        target_operations=2,
    )
    firms = list(Enterprise.objects.filter(region_code="640104").order_by("pk")[:3])
    grid = GridCell.objects.filter(region_code="640104").order_by("pk").first()
    place = {"grid": grid} if grid else {"region": county}
    d = lambda n: today - timedelta(days=n)  # noqa: E731

    workshop = _case(
        inspector,
        "无名塑料颗粒加工点",
        source="patrol",
        facts="租用民房无证从事废旧塑料熔融造粒，现场存放液化气钢瓶4只，无任何安全设施。",
        location="掌政镇强家庙村三队民房",
        subject_address="掌政镇强家庙村三队",
        found_on=d(58),
        campaign=hundred,
        latitude=Decimal("38.452100"),
        longitude=Decimal("106.352800"),
        **place,
    )
    if workshop:
        services.verify(actor=inspector, case=workshop)
        services.file_case(
            actor=inspector, case=workshop, verification="无营业执照、无安全生产条件，属非法生产。"
        )
        services.add_action(
            actor=inspector,
            case=workshop,
            kind="ban",
            decided_on=d(55),
            document_number="兴应急取字〔2026〕3号",
        )
        services.start_follow_up(actor=inspector, case=workshop)
        _back(workshop, 50, today)
        services.add_revisit(
            actor=inspector,
            case=workshop,
            visited_on=d(40),
            still_closed=True,
            note="设备已拆除，门窗封闭。",
        )
        services.add_revisit(
            actor=inspector,
            case=workshop,
            visited_on=d(10),
            still_closed=True,
            note="无生产迹象。",
        )
        services.close_case(actor=inspector, case=workshop, note="连续两次回访未复产，结案。")

    warehouse = _case(
        inspector,
        "个体户马某（无证仓库）",
        source="referral",
        referred_by="兴庆区市场监督管理局",
        facts="在居民区旁仓库内非法储存油漆、稀释剂约3吨。",
        location="丽景街东侧简易仓库",
        found_on=d(50),
        campaign=hundred,
        **place,
    )
    if warehouse:
        services.verify(actor=inspector, case=warehouse)
        services.file_case(
            actor=inspector, case=warehouse, verification="储存危险化学品未取得许可。"
        )
        services.add_action(
            actor=inspector,
            case=warehouse,
            kind="shut",
            decided_on=d(45),
            document_number="兴应急关字〔2026〕5号",
        )
        services.add_action(
            actor=inspector,
            case=warehouse,
            kind="fine",
            decided_on=d(45),
            amount=Decimal("20000"),
            document_number="兴应急罚〔2026〕12号",
        )
        services.start_follow_up(actor=inspector, case=warehouse)
        _back(warehouse, 40, today)  # first re-visit was due 25 days ago: overdue

    if firms:
        fined = _case(
            inspector,
            firms[0].name,
            source="patrol",
            enterprise=firms[0],
            facts="超出许可范围擅自新建生产线并投入使用，未进行安全设施“三同时”。",
            location=firms[0].address or firms[0].name,
            found_on=d(30),
            campaign=big,
        )
        if fined:
            services.verify(actor=inspector, case=fined)
            services.file_case(
                actor=inspector, case=fined, verification="新建生产线未经安全设施设计审查。"
            )
            services.add_action(
                actor=inspector,
                case=fined,
                kind="fine",
                decided_on=d(20),
                amount=Decimal("50000"),
                document_number="兴应急罚〔2026〕18号",
            )
    police = _case(
        inspector,
        "非法加油点（流动罐车）",
        source="patrol",
        facts="利用改装罐车在路边非法销售柴油。",
        location="银横路与丽子园南街交叉口",
        found_on=d(20),
        campaign=big,
        **place,
    )
    if police:
        services.verify(actor=inspector, case=police)
        services.file_case(
            actor=inspector, case=police, verification="无危险化学品经营许可，涉嫌非法经营。"
        )
        services.add_action(
            actor=inspector,
            case=police,
            kind="transfer",
            decided_on=d(18),
            document_number="兴应急移〔2026〕2号",
            transferred_to="银川市公安局兴庆区分局",
        )
    declined = _case(
        inspector,
        "某建材门市部",
        source="patrol",
        facts="群众反映夜间有切割作业。",
        location="胜利街建材市场",
        found_on=d(10),
        **place,
    )
    if declined:
        services.decline(
            actor=inspector, case=declined, reason="核查为门市正常装卸，无生产加工行为。"
        )
    _case(
        inspector,
        "无证小作坊（待核查）",
        source="patrol",
        facts="网格员巡查发现夜间有焊接火花。",
        location="大新镇燕鸽村",
        found_on=d(2),
        campaign=hundred,
        **place,
    )
    _from_report(inspector, hundred, today)
    if not JointOperation.objects.filter(title="城乡结合部打非联合执法行动").exists():
        services.create_operation(
            actor=inspector,
            region=county,
            title="城乡结合部打非联合执法行动",
            held_on=d(45),
            departments="兴庆区应急管理局、市场监督管理局、公安分局、生态环境分局",
            staff=24,
            campaign=hundred,
            cases=[c for c in Case.objects.filter(subject_name__in=["个体户马某（无证仓库）"])],
            summary="联合检查城乡结合部小仓库12处，查封1处，罚款2万元。",
        )


def _from_report(inspector, campaign, today) -> None:
    from safeloop.public import services as public_services
    from safeloop.public.models import PublicReport

    text = "小区地下室有人违规生产烟花爆竹配件，经常闻到火药味。"
    if PublicReport.objects.filter(description=text).exists():
        return
    county = Region.objects.filter(code="640104").first()
    report, _code = public_services.submit(
        actor=None,
        description=text,
        site_name="丽景花园12号楼地下室",
        address="丽景花园12号楼",
        county=county,
    )
    if not PublicReport.objects.for_user(inspector, "change").filter(pk=report.pk).exists():
        return
    case = services.register_case(
        actor=inspector,
        source="public_report",
        public_report=report,
        subject_name="丽景花园地下室作坊",
        subject_address="丽景花园12号楼",
        location="丽景花园12号楼地下室",
        facts=text,
        found_on=today - timedelta(days=1),
        campaign=campaign,
        region=county,
    )
    services.verify(actor=inspector, case=case)
