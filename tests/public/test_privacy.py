"""No personal data on any public page or feed: every page under /public/ and /open311/ is
fetched with reports, hidden dangers and requests whose free text carries a phone and an ID
number, and none appears. A new public page must be added here (the test lists them all)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.core.privacy import PERSONAL, contact_parts, mask
from safeloop.hazards import urls as hazards_urls
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import Role
from safeloop.public import articles, open311, services
from safeloop.public import urls as public_urls
from safeloop.public.choices import ArticleKind, ReportState
from safeloop.public.models import PublicReport
from safeloop.training import services as training
from safeloop.training import urls as training_urls
from safeloop.training.models import CampaignMaterial
from tests.public.conftest import solved
from tests.scope import assert_status

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER = "13912345678", "640104199001011234"
TEXT = f"老板王某电话{PHONE}，身份证{ID_NUMBER}，仓库堵了消防通道"


def test_the_masks_find_ids_and_phones_but_not_other_numbers():
    assert mask(TEXT) == "老板王某电话***，身份证***，仓库堵了消防通道"
    assert mask("座机 0951-6012345") == "座机 ***"
    assert mask("2026年3号库 储量 120 吨") == "2026年3号库 储量 120 吨"
    assert mask("来信 wang.xm+1@mail.example.cn 已收") == "来信 *** 已收"


def test_the_masks_blot_out_a_known_contact_but_not_single_characters():
    known = contact_parts("王 小明 wxm@example.cn 13912345678")
    assert mask("我是王小明，邮箱wxm@example.cn", known=known) == "我是***，邮箱***"
    assert mask("王 小明反映：小明家门口堵塞", known=known) == "***反映：***家门口堵塞"
    assert mask("王家庄的仓库", known=contact_parts("王")) == "王家庄的仓库"


def test_open311_never_shows_the_reporters_own_name_or_address(client, world):
    key = open311.add_client(actor=world.user(Role.CITY_ADMIN), name="12345热线")[1]
    made = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "other",
            "description": "我叫李建国，仓库消防通道被堵，回电 liguo@example.cn",
            "first_name": "建国",
            "last_name": "李",
            "email": "liguo@example.cn",
            "attribute[enterprise_name]": world.inside.name,
            "address_string": "工业园区三号路",
        },
    )
    assert_status(made, 201)
    report = PublicReport.objects.get(pk=made.json()[0]["service_request_id"])
    services.accept(
        report=report,
        actor=world.user(Role.COUNTY_INSPECTOR),
        version=report.version,
        reply="已联系李建国核实，正在整改",
    )
    for fmt in ("json", "xml"):
        body = client.get(f"/open311/v2/requests/{report.pk}.{fmt}").content.decode()
        assert "仓库消防通道被堵" in body and "正在整改" in body
        assert "建国" not in body and "liguo@" not in body
    assert open311.as_request(report, {})["description"] == "我叫***，仓库消防通道被堵，回电 ***"


def test_no_public_page_or_feed_shows_an_id_or_phone_number(client, world):
    report, code = services.submit(
        actor=None, description=TEXT, enterprise=world.inside, contact=f"王先生 {PHONE}"
    )
    services.accept(report=report, actor=world.user(Role.COUNTY_INSPECTOR), version=1)
    rejected, _code = services.submit(
        actor=None,
        description=f"举报人{PHONE}称某地非法生产",
        site_name="某地",
        address=f"某路{ID_NUMBER}号",
        county=world.county,
    )
    rejected = services.reject(
        report=rejected, actor=world.user(Role.COUNTY_INSPECTOR), version=1, reason="不属实"
    )
    Hazard.objects.create(
        enterprise=world.inside,
        region_code=world.inside.region_code,
        level=Level.MAJOR,
        state=State.RECTIFYING,
        place=f"联系人{PHONE}处",
        description=TEXT,
        category="8",
        source="1",
        found_at=timezone.now(),
        deadline=timezone.localdate() - timedelta(days=60),
    )
    campaign = training.create_campaign(
        actor=world.user(Role.COUNTY_ADMIN),
        region=world.county,
        title="安全生产月",
        description=TEXT,
        starts_on=timezone.localdate() - timedelta(days=10),
        ends_on=timezone.localdate(),
        enterprises=[world.inside],
        published=True,
    )
    training.add_material(
        actor=world.user(Role.COUNTY_ADMIN),
        campaign=campaign,
        title="活动方案",
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf"),
    )
    material = CampaignMaterial.objects.get(campaign=campaign)
    training.add_activity(
        actor=world.user(Role.COUNTY_ADMIN),
        campaign=campaign,
        held_on=timezone.localdate(),
        title=f"咨询日 联系人{PHONE}",
        enterprise=world.inside,
    )
    article = articles.create_article(
        actor=world.user(Role.COUNTY_ADMIN),
        region=world.county,
        kind=ArticleKind.CASE,
        title=f"事故案例 联系人{PHONE}",
        summary=TEXT,
        body=f"{TEXT}\n\n负责人身份证{ID_NUMBER}，邮箱 boss@example.cn",
        campaign=campaign,
    )
    article = articles.publish(actor=world.user(Role.COUNTY_ADMIN), article=article, version=1)
    attachment = articles.add_attachment(
        actor=world.user(Role.COUNTY_ADMIN),
        article=article,
        title=f"调查报告{PHONE}",
        file=SimpleUploadedFile("case.pdf", b"%PDF-1.4 case", content_type="application/pdf"),
    )
    pages = {
        "public-home": [client.get("/public/")],
        "public-articles": [
            client.get("/public/articles/"),
            *(client.get(f"/public/articles/?kind={kind}") for kind in ArticleKind.values),
        ],
        "public-article": [client.get(f"/public/articles/{article.pk}/")],
        "public-article-attachment": [client.get(f"/public/articles/attachments/{attachment.pk}/")],
        "public-article-feed": [
            client.get("/public/articles/feed.atom"),
            client.get("/public/articles/feed.atom?kind=case"),
        ],
        "public-report-new": [client.get("/public/reports/new/")],
        "public-report-sent": [client.get("/public/reports/sent/")],
        "public-track": [
            client.get("/public/track/"),
            client.post("/public/track/", {"code": code, **solved()}),
        ],
        "public-feedback": [client.get("/public/track/feedback/", follow=True)],
        "public-exposure": [client.get("/public/exposure/")],
        "open311-discovery": [client.get("/open311/discovery.json")],
        "open311-services": [client.get(f"/open311/v2/services.{f}") for f in ("json", "xml")],
        "open311-service": [client.get("/open311/v2/services/other.json")],
        "open311-requests": [client.get(f"/open311/v2/requests.{f}") for f in ("json", "xml")],
        "open311-request": [
            client.get(f"/open311/v2/requests/{r.pk}.{f}")
            for r in (report, rejected)
            for f in ("json", "xml")
        ],
        "open311-token": [client.get(f"/open311/v2/tokens/{code}.json")],
        "public-overdue": [client.get("/public/hazards/overdue/", follow=True)],
        "public-report": [client.get("/public/report/", follow=True)],
        "public-report-thanks": [client.get("/public/report/thanks/", follow=True)],
        "public-campaigns": [client.get("/public/campaigns/")],
        "public-campaign-material": [client.get(f"/public/campaigns/materials/{material.pk}/")],
    }
    every = {p.name for p in public_urls.public + public_urls.open311 + hazards_urls.public}
    every |= {p.name for p in training_urls.public}
    assert every <= set(pages), f"public pages not scanned: {every - set(pages)}"
    assert "事故案例" in pages["public-article-feed"][0].content.decode()
    exposed = pages["public-exposure"][0]
    assert exposed.context["page"].object_list  # the hidden danger is on the page
    assert rejected.state == ReportState.REJECTED
    for name, responses in pages.items():
        for response in responses:
            assert_status(response, 200, name)
            streamed = getattr(response, "streaming", False)
            body = b"".join(response.streaming_content) if streamed else response.content
            found = PERSONAL.findall(body.decode())
            assert not found, f"{name}: {found}"
    shown = open311.search({"service_request_id": str(report.pk)})
    assert shown and "仓库堵了消防通道" in shown[0].description
