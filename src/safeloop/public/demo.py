"""Demo public reports: received at an enterprise found by name, a duplicate linked to it,
an unregistered site routed by county, and one rejected with a reply. None is accepted: the
demo's hidden dangers, and the figures other screens count of them, are the hazards side's.
One Open311 client (the city's 12345 hotline) has sent a report through /open311/v2/; its
key is not known to anyone (an administrator creates a new client to try the server).
Re-running adds nothing (keyed by the description and the client's name)."""

from datetime import timedelta
from decimal import Decimal

from django.apps import apps as django_apps
from django.utils import timezone

from safeloop.accidents.models import Accident
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Region, User
from safeloop.public import articles, open311, reference_data, services
from safeloop.public.models import Article, Open311Client, PublicReport
from safeloop.training.models import Campaign

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


# ------------------------------------------------------------------ articles
NOTICES = [
    "关于开展2026年安全生产月活动的通知",
    "关于做好岁末年初安全生产工作的通知",
    "关于开展危险化学品企业安全风险隐患排查整治的通知",
    "关于加强汛期安全生产工作的通知",
    "关于开展有限空间作业专项整治的通知",
    "关于做好高温天气安全生产工作的通知",
    "关于公布安全生产举报奖励发放情况的公告",
    "关于开展消防安全集中除患攻坚的通知",
    "关于加强冬季燃气安全管理的通知",
    "关于开展城镇燃气安全专项检查的通知",
    "关于做好节假日期间安全防范工作的通知",
    "关于开展安全生产执法检查“回头看”的通知",
]
KNOWLEDGE = [
    "有限空间作业“先通风、再检测、后作业”",
    "发现身边安全隐患怎么办",
    "家庭燃气使用安全常识",
    "电动自行车充电安全须知",
    "高温天气作业防中暑要点",
    "动火作业安全管理要点",
    "粉尘爆炸的预防措施",
    "灭火器的正确使用方法",
    "危险化学品储存基本要求",
    "高处作业安全防护要点",
    "冬季取暖防一氧化碳中毒",
    "企业全员安全生产责任制怎么落实",
]
CASES = [
    "某化工企业储罐检修爆炸事故",
    "某建材企业有限空间中毒窒息事故",
    "某钢铁企业煤气泄漏中毒事故",
    "某商场火灾事故",
    "某粉末冶金企业粉尘爆炸事故",
    "某建筑工地塔吊倒塌事故",
    "某仓库违规动火引发火灾事故",
    "某餐饮店液化气爆炸事故",
    "某机械厂冲压机械伤害事故",
    "某物流园区叉车撞人事故",
    "某污水处理站硫化氢中毒事故",
    "某煤矿顶板事故",
]
LAWS = [
    "中华人民共和国安全生产法",
    "中华人民共和国消防法",
    "中华人民共和国突发事件应对法",
    "危险化学品安全管理条例",
    "生产安全事故报告和调查处理条例",
    "生产安全事故应急条例",
    "安全生产许可证条例",
    "工贸企业有限空间作业安全规定",
    "生产经营单位安全培训规定",
    "安全生产事故隐患排查治理规定",
    "安全生产领域举报奖励办法",
    "宁夏回族自治区安全生产条例",
]
BODIES = {
    "notice": (
        "各县（区）应急管理局，各有关企业：",
        "为深入贯彻落实安全生产工作部署，切实防范化解重大安全风险，现就有关事项通知如下。",
        "一、压实责任。企业主要负责人要亲自组织开展隐患排查，做到排查到位、整改到位。",
        "二、强化检查。各县（区）要结合实际组织检查，对发现的问题建立台账、限期整改。",
        "三、畅通举报。欢迎社会公众通过本网站“我要举报”反映身边的安全隐患。",
    ),
    "knowledge": (
        "安全生产，人人有责。掌握基本的安全常识，是保护自己和他人的第一步。",
        "作业前要识别危险因素，确认防护措施落实到位；作业中严格遵守操作规程，不违章指挥、不违章作业。",
        "发现异常情况要立即停止作业、撤离到安全地点，并及时报告。",
        "遇到紧急情况，请拨打119、120或当地应急管理部门电话。",
    ),
    "case": (
        "一、事故经过。事发当日，作业人员在未进行有效通风和气体检测的情况下进入作业现场，发生事故。",
        "二、事故原因。企业安全生产主体责任不落实，作业审批流于形式，现场监护缺失，应急处置不当。",
        "三、事故教训。企业必须严格执行作业审批制度，落实“先通风、再检测、后作业”，严禁盲目施救。",
        "四、防范措施。各企业要举一反三，全面排查同类风险，加强从业人员安全培训和应急演练。",
    ),
    "law": (
        "为加强安全生产工作，防止和减少生产安全事故，保障人民群众生命和财产安全，制定本法规。",
        "本网站摘录其主要条款，供企业和公众学习参考，全文以正式发布文本为准。",
        "生产经营单位应当遵守有关安全生产的法律、法规，加强安全生产管理，建立健全全员安全生产责任制。",
    ),
}
DRAFT_TITLE = "关于开展2027年元旦春节期间安全检查的通知（草稿）"


def seed_articles() -> None:
    """A dozen published articles of each kind, by the city (and two by a county), spread
    over the last months; one typical case linked to a demo accident, one notice to a
    campaign; one draft. Re-running adds nothing (keyed by title)."""
    city_admin = User.objects.filter(username="city_admin").first()
    county_admin = User.objects.filter(username="county_admin").first()
    if city_admin is None or Article.objects.filter(title=DRAFT_TITLE).exists():
        return
    city = Region.objects.for_user(city_admin, "view").filter(level="city").first()
    county = (
        Region.objects.for_user(county_admin, "view").filter(level="county").first()
        if county_admin
        else None
    )
    if city is None:
        return
    accident = Accident.objects.for_user(city_admin, "view").order_by("occurred_at").first()
    campaign = Campaign.objects.for_user(city_admin, "view").order_by("starts_on").first()
    now = timezone.now()
    kinds = [("notice", NOTICES), ("knowledge", KNOWLEDGE), ("case", CASES), ("law", LAWS)]
    for k, (kind, titles) in enumerate(kinds):
        for n, title in enumerate(titles):
            by_county = county is not None and n in (3, 7) and kind != "law"
            actor, region = (county_admin, county) if by_county else (city_admin, city)
            body = BODIES[kind]
            article = articles.create_article(
                actor=actor,
                region=region,
                kind=kind,
                title=title,
                summary=body[1][:120],
                body="\n".join(body),
                accident=accident if kind == "case" and n == 0 else None,
                campaign=campaign if kind == "notice" and n == 0 else None,
            )
            article = articles.publish(actor=actor, article=article, version=article.version)
            # The demo's history: publication dates spread over the last months (the
            # service stamps the moment of publishing).
            Article.objects.filter(pk=article.pk).update(
                published_at=now - timedelta(days=n * 9 + k * 2, hours=n)
            )
    articles.create_article(
        actor=city_admin,
        region=city,
        kind="notice",
        title=DRAFT_TITLE,
        summary="待审核后发布",
        body="各县（区）应急管理局：\n请做好元旦春节期间安全检查工作。",
    )
