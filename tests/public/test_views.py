"""The public pages without sign-in, their abuse controls, and the regulators' screens."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import ADMINS, REGULATORS, Role
from safeloop.public import services
from safeloop.public.choices import ReportState
from safeloop.public.models import PublicReport, PublicRules
from tests.public.conftest import solved
from tests.scope import ROLES, assert_hidden, assert_refused, assert_status

pytestmark = pytest.mark.django_db

NEW = "/public/reports/new/"


def _code(client) -> str:
    response = client.get("/public/reports/sent/")
    return response.context["code"]


def test_it_takes_a_report_without_sign_in_and_shows_the_code_once(client, world, report_data):
    page = client.get(NEW)
    assert_status(page, 200)
    assert b"<svg" in page.content and b"https://" not in page.content.split(b"<main")[-1]
    assert_status(client.post(NEW, {**report_data, "enterprise_name": "园区内"}), 302)
    code = _code(client)
    assert len(code) == 9
    assert client.get("/public/reports/sent/").context["code"] == ""
    report = PublicReport.objects.get()
    assert (report.enterprise, report.state) == (world.inside, ReportState.RECEIVED)


def test_it_asks_which_enterprise_when_several_match(client, world, report_data):
    response = client.post(NEW, {**report_data, "enterprise_name": "企业"})
    assert_status(response, 400)
    assert "enterprise_name" in response.context["form"].errors
    assert response.context["form"]["description"].value() == report_data["description"]
    picked = {**report_data, **solved(), "enterprise_name": "企业", "enterprise": world.sibling.pk}
    assert_status(client.post(NEW, picked), 302)
    assert PublicReport.objects.get().enterprise == world.sibling


def test_it_takes_an_unregistered_site_with_a_photo(client, world, report_data, tmp_path):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    photo = SimpleUploadedFile("a.jpg", buffer.getvalue(), "image/jpeg")
    data = {
        **report_data,
        "enterprise_name": "",
        "unregistered": "on",
        "site_name": "无证小作坊",
        "address": "西夏区某路",
        "county": world.sibling_county.pk,
        "photos": [photo],
    }
    assert_status(client.post(NEW, data), 302)
    report = PublicReport.objects.get()
    assert (report.enterprise, report.region_code, report.photos.count()) == (None, "640105", 1)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"captcha": "WRONG"}, "captcha"),
        ({"description": ""}, "description"),
        ({"enterprise_name": "不存在的名字XYZ"}, "enterprise_name"),
        ({"latitude": "north"}, "latitude"),
        ({"photos": [SimpleUploadedFile("a.jpg", b"not an image", "image/jpeg")]}, "photos"),
        ({"description": "x" * 2001}, "description"),
    ],
)
def test_it_refuses_bad_input_on_the_field_and_keeps_what_was_typed(
    client, world, report_data, change, field
):
    response = client.post(NEW, {**report_data, **change})
    assert_status(response, 400)
    assert field in response.context["form"].errors
    assert not PublicReport.objects.exists()


def test_it_accepts_a_captcha_answer_once(client, world, report_data):
    assert_status(client.post(NEW, report_data), 302)
    assert_status(client.post(NEW, report_data), 400)
    assert PublicReport.objects.count() == 1


def test_it_records_nothing_when_the_honeypot_is_filled(client, world, report_data):
    assert_status(client.post(NEW, {**report_data, "website": "http://spam"}), 302)
    assert not PublicReport.objects.exists()


def test_it_answers_429_in_chinese_past_the_rules_limit(client, world, report_data):
    limit = PublicRules.current().reports_per_hour
    for i in range(limit):
        data = {
            **report_data,
            **solved(),
            "description": f"第{i}个不同的问题 {'甲乙丙丁'[i % 4] * i}",
        }
        client.post(NEW, data)
    response = client.post(NEW, {**report_data, **solved()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_status(response, 429)
    assert "请求过多" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert PublicReport.objects.count() == limit


def test_it_tracks_by_code_and_hides_personal_data(client, world):
    report, code = services.submit(
        actor=None, enterprise=world.inside, description="通道堵塞", contact="13900001111"
    )
    response = client.post("/public/track/", {"code": code, **solved()})
    assert_status(response, 200)
    assert "13900001111" not in response.content.decode()
    wrong = client.post("/public/track/", {"code": "AAAA-AAAA", **solved()})
    assert_status(wrong, 404)
    assert_status(client.post("/public/track/", {"code": code, "captcha": "X"}), 400)


def test_it_walks_the_feedback_loop_on_the_tracking_page(client, world):
    report, code = services.submit(actor=None, enterprise=world.inside, description="通道堵塞")
    report = services.accept(report=report, actor=world.users[Role.COUNTY_INSPECTOR], version=1)
    not_yet = client.post("/public/track/feedback/", {"code": code, "answer": "fixed"})
    assert_status(not_yet, 409)
    Hazard.objects.filter(pk=report.hazard_id).update(state=State.CLOSED)
    page = client.post("/public/track/", {"code": code, **solved()})
    assert b"feedback-form" in page.content
    empty = client.post("/public/track/feedback/", {"code": code, "answer": "not_fixed"})
    assert_status(empty, 400)
    again = client.post(
        "/public/track/feedback/", {"code": code, "answer": "not_fixed", "note": "仍堵"}
    )
    assert_status(again, 200)
    assert PublicReport.objects.get().hazard.state == State.PENDING


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_triage_only_to_regulators_in_scope(client, world, role):
    inside, _ = services.submit(actor=None, enterprise=world.inside, description="通道堵塞")
    outside, _ = services.submit(actor=None, enterprise=world.outside, description="通道堵塞")
    client.force_login(world.users[role])
    listed = client.get("/public-reports/?state=")
    assert_status(listed, 200)
    shown = {r.pk for r in listed.context["page"]}
    assert outside.pk not in shown or role in (Role.SYSTEM_ADMIN,)
    assert_hidden(
        client.get(f"/public-reports/{outside.pk}/")
    ) if role != Role.SYSTEM_ADMIN else None
    if role in REGULATORS:
        assert inside.pk in shown
        response = client.post(
            f"/public-reports/{inside.pk}/", {"move": "reject", "version": 1, "reason": "查无"}
        )
        assert_status(response, 302)
        stale = client.post(
            f"/public-reports/{inside.pk}/", {"move": "reject", "version": 1, "reason": "查无"}
        )
        assert_status(stale, 409)
    else:
        assert inside.pk not in shown
        assert_hidden(client.get(f"/public-reports/{inside.pk}/"))


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_administrators_change_the_rules(client, world, role):
    client.force_login(world.users[role])
    if role not in ADMINS:
        assert_refused(client.get("/public-reports/rules/"))
        return
    assert_status(client.get("/public-reports/rules/"), 200)
    data = {
        "effective_from": timezone.localdate().isoformat(),
        "source": "市局2026年第3号通知",
        "exposed_levels": ["major"],
        "exposed_after_days": 10,
        "duplicate_hours": 48,
        "duplicate_metres": 100,
        "duplicate_similarity": "0.4",
        "reports_per_hour": 3,
        "lookups_per_hour": 30,
        "reward_general": "300",
        "reward_major": "3000",
        "reward_rate": "0.15",
        "reward_cap": "300000",
    }
    bad = client.post("/public-reports/rules/", {**data, "duplicate_similarity": "7"})
    assert_status(bad, 400)
    assert_status(client.post("/public-reports/rules/", data), 302)
    assert PublicRules.current().exposed_after_days == 10
    assert PublicRules.current().reward_general == 300


def test_it_exposes_overdue_hidden_dangers_by_the_rules(client, world):
    today = timezone.localdate()

    def hazard(level, days_late, state=State.RECTIFYING):
        return Hazard.objects.create(
            enterprise=world.inside,
            region_code=world.inside.region_code,
            level=level,
            state=state,
            place=f"{level}-{days_late}",
            description="某隐患",
            category="8",
            source="1",
            found_at=timezone.now(),
            deadline=today - timedelta(days=days_late),
        )

    late_major = hazard(Level.MAJOR, 40)
    late_general = hazard(Level.GENERAL, 31)
    recent = hazard(Level.MAJOR, 5)
    closed = hazard(Level.MAJOR, 60, State.CLOSED)
    response = client.get("/public/exposure/")
    assert_status(response, 200)
    shown = {h.pk for h in response.context["page"]}
    assert shown == {late_major.pk, late_general.pk}
    assert recent.pk not in shown and closed.pk not in shown


def _photo():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("a.jpg", buffer.getvalue(), "image/jpeg")


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_report_photos_only_to_regulators_in_scope(
    client, world, role, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    report, _ = services.submit(
        actor=None, enterprise=world.inside, description="通道堵塞", photos=[_photo()]
    )
    url = f"/public-reports/{report.pk}/photos/{report.photos.get().pk}/"
    client.force_login(world.users[role])
    if role in REGULATORS:
        assert_status(client.get(url + "?size=thumb"), 200)
        assert b"?size=thumb" in client.get(f"/public-reports/{report.pk}/").content
    else:
        assert_hidden(client.get(url))


PHONE_OR_ID = re.compile(r"(?<!\d)(1[3-9]\d{9}|\d{17}[\dXx])(?!\d)")


def test_it_shows_no_phone_or_id_number_on_any_public_page(client, world):
    world.inside.principal_mobile = "13912345678"
    world.inside.save()
    report, code = services.submit(
        actor=None,
        enterprise=world.inside,
        description="通道堵塞",
        contact="13800001111 身份证640104199001011234",
    )
    report = services.accept(report=report, actor=world.users[Role.COUNTY_INSPECTOR], version=1)
    Hazard.objects.filter(pk=report.hazard_id).update(
        state=State.RECTIFYING, deadline=timezone.localdate() - timedelta(days=90)
    )
    pages = [
        client.get("/public/reports/new/"),
        client.get("/public/exposure/"),
        client.post("/public/track/", {"code": code, **solved()}),
        client.get("/public/track/"),
    ]
    assert report.hazard_id in {h.pk for h in pages[1].context["page"]}
    for page in pages:
        assert_status(page, 200)
        assert not PHONE_OR_ID.findall(page.content.decode())


def test_it_limits_look_ups_of_one_code_from_many_networks(client, world):
    report, code = services.submit(actor=None, enterprise=world.inside, description="通道堵塞")
    limit = PublicRules.current().lookups_per_hour
    for n in range(limit):
        ok = client.post("/public/track/", {"code": code, **solved()}, REMOTE_ADDR=f"10.0.0.{n}")
        assert_status(ok, 200)
    over = client.post("/public/track/", {"code": code, **solved()}, REMOTE_ADDR="10.0.1.1")
    assert_status(over, 429)
