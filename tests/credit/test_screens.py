"""The credit screens and API for every role (one exact status each), forms that keep what
was typed, and the public page without personal data."""

import pytest
from django.utils import timezone

from safeloop.credit import scoring, services
from safeloop.credit.models import CreditRecord, CreditRule, Listing
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from tests.scope import ROLES, assert_status

pytestmark = pytest.mark.django_db

VIEWERS = REGULATORS | ENTERPRISE_STAFF
DECIDERS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}


def listing_for(enterprise, source_id=1):
    return services.propose(
        actor=None,
        enterprise=enterprise,
        trigger="major_accident",
        source="accidents.accident",
        source_id=source_id,
        facts="2026-03-01 发生重大生产安全事故",
    )


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_on_the_pages(client, world, credit, role):
    scoring.run(timezone.localdate())
    inside = CreditRecord.objects.get(enterprise=world.inside, key="e")
    outside = CreditRecord.objects.get(enterprise=world.outside, key="e")
    listing = listing_for(world.inside)
    far = listing_for(world.outside)
    client.force_login(world.users[role])
    sees = role in VIEWERS
    assert_status(client.get("/credit/"), 200 if sees else 403)
    assert_status(client.get("/credit/listings/"), 200 if sees else 403)
    assert_status(client.get(f"/credit/records/{inside.pk}/"), 200 if sees else 403)
    assert_status(
        client.get(f"/credit/records/{outside.pk}/"),
        200 if role == Role.SYSTEM_ADMIN else 403 if not sees else 404,
    )
    assert_status(client.get(f"/credit/listings/{listing.pk}/"), 200 if sees else 403)
    assert_status(
        client.get(f"/credit/listings/{far.pk}/"),
        200 if role == Role.SYSTEM_ADMIN else 403 if not sees else 404,
    )
    posted = client.post(
        f"/credit/listings/{listing.pk}/", {"move": "notify", "version": listing.version}
    )
    assert_status(posted, 302 if role in DECIDERS else 403)
    assert Listing.objects.get(pk=listing.pk).state == (
        "notified" if role in DECIDERS else "proposed"
    )
    assert_status(client.get("/credit/rules/"), 200)
    posted = client.post("/credit/rules/", {"form": "rule", "rule-kind": "sanction"})
    assert_status(posted, 400 if role in ADMINS else 403)
    assert_status(client.get("/public/credit/"), 200)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_answers_each_role(api, world, credit, role):
    scoring.run(timezone.localdate())
    inside = CreditRecord.objects.get(enterprise=world.inside, key="e")
    outside = CreditRecord.objects.get(enterprise=world.outside, key="e")
    api.as_user(world.users[role])
    sees = role in VIEWERS
    listed = api.get("/api/v1/credit-records/")
    assert_status(listed, 200 if sees else 403)
    if sees:
        ids = {row["id"] for row in listed.json()["results"]}
        assert inside.pk in ids
        assert (outside.pk in ids) == (role == Role.SYSTEM_ADMIN)
    assert_status(
        api.get(f"/api/v1/credit-records/{outside.pk}/"),
        200 if role == Role.SYSTEM_ADMIN else 404 if sees else 403,
    )
    assert_status(api.get("/api/v1/credit-listings/"), 200 if sees else 403)
    assert_status(api.get("/api/v1/credit-exchange/"), 200 if sees else 403)


def test_a_rule_version_is_added_and_bad_input_is_refused(client, world, credit):
    client.force_login(world.user(Role.CITY_ADMIN))
    form = {
        "form": "rule",
        "rule-kind": "sanction",
        "rule-points": "-8",
        "rule-validity_months": "12",
        "rule-effective_from": "2026-12-01",
        "rule-source": "市应急局信用评价办法（2026年修订）",
    }
    bad = client.post("/credit/rules/", {**form, "rule-points": "many"})
    assert_status(bad, 400)
    assert "市应急局信用评价办法" in bad.content.decode()
    assert_status(client.post("/credit/rules/", {**form, "rule-points": "-500"}), 400)
    assert_status(client.post("/credit/rules/", form), 302)
    assert CreditRule.objects.filter(kind="sanction").count() == 2
    assert_status(client.post("/credit/rules/", form), 400)  # same day twice


def test_a_move_with_missing_input_is_400_and_keeps_the_text(client, world, credit, clock):
    clock.set("2026-03-02")
    listing = listing_for(world.inside)
    listing = services.notify(actor=world.user(Role.COUNTY_ADMIN), listing=listing)
    client.force_login(world.user(Role.ENTERPRISE_PRINCIPAL))
    page = client.post(f"/credit/listings/{listing.pk}/", {"move": "object", "text": ""})
    assert_status(page, 400)
    client.force_login(world.user(Role.COUNTY_ADMIN))
    page = client.post(
        f"/credit/listings/{listing.pk}/", {"move": "list", "text": "兴应急信〔2026〕9号<script>"}
    )
    assert_status(page, 400)  # the objection period has not ended
    assert "兴应急信〔2026〕9号&lt;script&gt;" in page.content.decode()
    assert Listing.objects.get().state == "notified"
    assert_status(client.post(f"/credit/listings/{listing.pk}/", {"move": "bogus"}), 404)


def test_the_public_page_and_feed_carry_no_personal_data(client, api, world, credit, clock):
    world.inside.principal_id_number = (
        "640104199001011234" if hasattr(world.inside, "principal_id_number") else ""
    )
    clock.set("2026-03-02")
    regulator = world.user(Role.COUNTY_ADMIN)
    listing = services.notify(actor=regulator, listing=listing_for(world.inside))
    clock.set("2026-03-10")
    listing = services.decide_list(
        actor=regulator, listing=listing, decision_number="兴应急信〔2026〕1号"
    )
    hidden = listing_for(world.sibling, 2)  # proposed only: not public
    page = client.get("/public/credit/")
    html = page.content.decode()
    assert "园区内企业" not in html  # decided but not yet published
    services.publish(actor=regulator, listing=listing)
    html = client.get("/public/credit/").content.decode()
    assert "园区内企业" in html and world.inside.uscc in html and "2029-03-09" in html
    assert hidden.enterprise.name not in html
    for personal in ("张主任", "李安全", "13900000001", "13900000002"):
        assert personal not in html
    api.as_user(regulator)
    feed = api.get("/api/v1/credit-exchange/").json()["results"]
    assert [row["XDR_MC"] for row in feed] == ["园区内企业"]
    text = str(feed)
    for personal in ("张主任", "李安全", "13900000001", "13900000002"):
        assert personal not in text


def test_the_home_page_shows_what_waits(client, world, credit, clock):
    clock.set("2026-03-02")
    listing = listing_for(world.inside)
    client.force_login(world.user(Role.COUNTY_ADMIN))
    assert "园区内企业" in client.get("/").content.decode()
    services.notify(actor=world.user(Role.COUNTY_ADMIN), listing=listing)
    client.force_login(world.user(Role.ENTERPRISE_PRINCIPAL))
    page = client.get("/").content.decode()
    assert f"/credit/listings/{listing.pk}/" in page


def overdue_event(enterprise):
    """A hidden danger five days past its deadline and the enterprise's event for it."""
    from safeloop.credit.models import CreditEvent
    from tests.enforcement.conftest import make_hazard

    hazard = make_hazard(enterprise, days_left=-5)
    scoring.run(timezone.localdate())
    event = CreditEvent.objects.get(
        record__enterprise=enterprise, record__key="e", kind="hazard_overdue"
    )
    return hazard, event


@pytest.mark.parametrize("role", ROLES)
def test_an_event_links_to_its_source_and_a_deciding_regulator_voids_it(
    client, world, credit, role
):
    from safeloop.credit.models import CreditEvent

    hazard, event = overdue_event(world.inside)
    _far_hazard, far = overdue_event(world.outside)
    client.force_login(world.users[role])
    sees, decides = role in VIEWERS, role in DECIDERS
    page = client.get(f"/credit/records/{event.record_id}/")
    if sees:
        html = page.content.decode()
        assert f'href="/credit/events/{event.pk}/source/"' in html
        assert (f'id="void-{event.pk}"' in html) is decides
    source = client.get(f"/credit/events/{event.pk}/source/")
    assert_status(source, 302 if sees else 403)
    if sees:
        assert source["Location"] == f"/hazards/{hazard.pk}/"
    assert_status(
        client.get(f"/credit/events/{far.pk}/source/"),
        302 if role == Role.SYSTEM_ADMIN else 404 if sees else 403,
    )
    posted = client.post(f"/credit/events/{event.pk}/void/", {"reason": "隐患登记错误，已撤销"})
    assert_status(posted, 302 if decides else 403)
    event.refresh_from_db()
    assert (event.voided_at is not None) is decides
    assert_status(
        client.post(f"/credit/events/{far.pk}/void/", {"reason": "越权"}),
        302 if role == Role.SYSTEM_ADMIN else 404 if sees else 403,
    )
    assert CreditEvent.objects.filter(voided_at__isnull=False).count() == (
        int(decides) + int(role == Role.SYSTEM_ADMIN)
    )
    if decides:
        record = CreditRecord.objects.get(pk=event.record_id)
        assert record.score == 100  # the voided event no longer counts
        page = client.get(f"/credit/records/{event.record_id}/").content.decode()
        assert "隐患登记错误，已撤销" in page and f'id="void-{event.pk}"' not in page


def test_voiding_without_a_reason_is_400_beside_the_field_and_changes_nothing(
    client, world, credit
):
    _hazard, event = overdue_event(world.inside)
    score = CreditRecord.objects.get(pk=event.record_id).score
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    page = client.post(f"/credit/events/{event.pk}/void/", {"reason": "  "})
    assert_status(page, 400)
    html = page.content.decode()
    assert '<ul class="errorlist" id="id_reason_error"><li>请填写原因。</li></ul>' in html
    assert '<details class="void" open' in html
    event.refresh_from_db()
    assert event.voided_at is None
    assert CreditRecord.objects.get(pk=event.record_id).score == score < 100
    assert_status(client.get(f"/credit/events/{event.pk}/void/"), 405)
    assert_status(client.post("/credit/events/999999/void/", {"reason": "x"}), 404)


def test_an_application_missing_its_commitment_keeps_the_reasons_and_says_so_beside_it(
    client, world, credit
):
    from datetime import timedelta

    from safeloop.credit.models import Repair

    listing = listing_for(world.inside)
    admin = world.user(Role.COUNTY_ADMIN)
    listing = services.notify(actor=admin, listing=listing)
    today = timezone.localdate()
    Listing.objects.filter(pk=listing.pk).update(objection_until=today - timedelta(days=1))
    listing = services.decide_list(
        actor=admin,
        listing=Listing.objects.get(pk=listing.pk),
        decision_number="兴应急信〔2026〕3号",
    )
    Listing.objects.filter(pk=listing.pk).update(starts_on=today - timedelta(days=400))
    client.force_login(world.user(Role.SAFETY_MANAGER))
    page = client.post(
        f"/credit/listings/{listing.pk}/",
        {"move": "apply", "text": "已全面整改并通过复查", "commitment": ""},
    )
    assert_status(page, 400)
    html = page.content.decode()
    assert "已全面整改并通过复查</textarea>" in html
    apply = html.split('data-move="apply"')[1].split("</form>")[0]
    assert apply.index("请填写信用承诺。") > apply.index('name="commitment"')
    assert not Repair.objects.exists()
