"""Rewards for verified public reports: amounts from the rules in effect, proposal by a
regulator, approval by another person (an administrator), payment, what the reporter sees
with the tracking code, and the audit trail."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from safeloop.core.errors import Invalid, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import ADMINS, REGULATORS, Role
from safeloop.public import rewards, services
from safeloop.public.choices import RewardState
from safeloop.public.models import PublicRules, Reward
from tests.public.conftest import solved
from tests.scope import ROLES, assert_status, ids_in

pytestmark = pytest.mark.django_db


def _verified(
    world, level=Level.MAJOR, state=State.RECTIFYING, text="储罐区可燃气体报警器全部关闭"
):
    report, code = services.submit(actor=None, description=text, enterprise=world.inside)
    report = services.accept(report=report, actor=world.user(Role.COUNTY_INSPECTOR), version=1)
    Hazard.objects.filter(pk=report.hazard_id).update(state=state, level=level)
    report.refresh_from_db()
    return report, code


def _track(client, code):
    return client.post("/public/track/", {"code": code, **solved()})


def test_a_reward_goes_from_proposal_to_payment_and_the_reporter_sees_it(client, world):
    report, code = _verified(world)
    inspector, admin = world.user(Role.COUNTY_INSPECTOR), world.user(Role.COUNTY_ADMIN)
    client.force_login(inspector)
    page = client.get(f"/public-reports/{report.pk}/")
    assert b'id="reward-propose"' in page.content
    assert_status(
        client.post(f"/public-reports/{report.pk}/reward/", {"version": report.version}), 302
    )
    reward = Reward.objects.get()
    assert (reward.state, reward.level, reward.amount) == (
        RewardState.PROPOSED,
        Level.MAJOR,
        Decimal("3000.00"),
    )
    assert reward.rules == PublicRules.current() and reward.proposed_by == inspector
    # the proposer is no approver; an inspector is no approver
    assert_status(
        client.post(f"/public-reports/rewards/{reward.pk}/", {"move": "approve", "version": 1}),
        403,
    )
    client.logout()
    assert "待审批" in _track(client, code).content.decode()

    client.force_login(admin)
    assert_status(client.get("/public-reports/rewards/?state=proposed"), 200)
    url = f"/public-reports/rewards/{reward.pk}/"
    assert_status(client.post(url, {"move": "approve", "version": 1}), 302)
    stale = client.post(url, {"move": "pay", "version": 1, "payment_reference": "X1"})
    assert_status(stale, 409)
    missing = client.post(url, {"move": "pay", "version": 2, "payment_reference": " "})
    assert_status(missing, 400)
    assert missing.context["form"].errors["payment_reference"]
    assert_status(client.post(url, {"move": "pay", "version": 2, "payment_reference": "Z7"}), 302)
    reward.refresh_from_db()
    assert (reward.state, reward.decided_by, reward.payment_reference) == (
        RewardState.PAID,
        admin,
        "Z7",
    )
    actions = set(
        AuditEntry.objects.filter(
            object_id=str(reward.pk), action__startswith="public.reward"
        ).values_list("action", flat=True)
    )
    assert actions == {"public.reward.propose", "public.reward.approve", "public.reward.pay"}
    client.logout()
    shown = _track(client, code).content.decode()
    assert "已发放" in shown and "3000" in shown


def test_only_verified_reports_are_rewarded_once_with_the_rules_amount(world):
    inspector = world.user(Role.COUNTY_INSPECTOR)
    pending, _code = _verified(world, state=State.PENDING)
    with pytest.raises(Invalid):
        rewards.propose(report=pending, actor=inspector, version=pending.version)
    services.add_rules(
        actor=world.user(Role.CITY_ADMIN),
        **{
            f: getattr(PublicRules.current(), f)
            for f in ["exposed_levels", "exposed_after_days", "duplicate_hours"]
            + ["duplicate_metres", "duplicate_similarity", "reports_per_hour", "lookups_per_hour"]
        },
        effective_from=timezone.localdate() - timedelta(days=1),
        source="市应急管理局 举报奖励标准（2026年修订）",
        reward_general=Decimal("500"),
        reward_major=Decimal("5000"),
    )
    general, _code = _verified(
        world, level=Level.GENERAL, state=State.CLOSED, text="配电室门口堆满纸箱，灭火器被挡住"
    )
    reward = rewards.propose(report=general, actor=inspector, version=general.version)
    assert reward.amount == Decimal("500")
    with pytest.raises(Invalid):
        rewards.propose(report=general, actor=inspector, version=general.version)
    with pytest.raises(Invalid):
        rewards.refuse(reward=reward, actor=world.user(Role.CITY_ADMIN), version=1, note="")
    refused = rewards.refuse(
        reward=reward, actor=world.user(Role.CITY_ADMIN), version=1, note="举报人系企业员工"
    )
    assert refused.state == RewardState.REFUSED


def test_the_proposer_cannot_approve_even_as_an_administrator(world):
    report, _code = _verified(world)
    admin = world.user(Role.COUNTY_ADMIN)
    reward = rewards.propose(report=report, actor=admin, version=report.version)
    with pytest.raises(NotPermitted):
        rewards.approve(reward=reward, actor=admin, version=1)


@pytest.mark.parametrize("role", ROLES)
def test_approval_answers_one_status_per_role(client, world, role):
    report, _code = _verified(world)
    reward = rewards.propose(
        report=report, actor=world.user(Role.COUNTY_INSPECTOR), version=report.version
    )
    client.force_login(world.users[role])
    expected = 302 if role in ADMINS else 403 if role in REGULATORS else 404
    url = f"/public-reports/rewards/{reward.pk}/"
    assert_status(client.post(url, {"move": "approve", "version": 1}), expected)
    reward.refresh_from_db()
    assert reward.state == (RewardState.APPROVED if role in ADMINS else RewardState.PROPOSED)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_runs_the_same_moves_with_the_same_statuses(api, world, role):
    report, _code = _verified(world)
    url = "/api/v1/public-rewards/"
    user = world.users[role]
    proposed = api.as_user(user).post(
        f"{url}propose/", {"report": report.pk, "version": report.version}
    )
    expected = 201 if role in REGULATORS else 404
    assert_status(proposed, expected)
    if role not in REGULATORS:
        return
    reward = Reward.objects.get()
    assert_status(api.post(f"{url}{reward.pk}/approve/", {"version": 1}), 403)  # the proposer
    again = {"report": report.pk, "version": report.version}
    assert_status(api.post(f"{url}propose/", again), 400)
    approver = world.user(Role.SYSTEM_ADMIN if role != Role.SYSTEM_ADMIN else Role.CITY_ADMIN)
    api.as_user(approver)
    assert_status(api.post(f"{url}{reward.pk}/pay/", {"version": 1, "payment_reference": "A"}), 409)
    assert_status(api.post(f"{url}{reward.pk}/approve/", {"version": 1}), 200)
    assert_status(api.post(f"{url}{reward.pk}/pay/", {"version": 2}), 400)
    paid = api.post(f"{url}{reward.pk}/pay/", {"version": 2, "payment_reference": "A1"})
    assert_status(paid, 200)
    assert paid.json()["state"] == RewardState.PAID
    assert ids_in(api.get(url)) == {reward.pk}


@pytest.mark.parametrize(
    ("fine", "amount"),
    [
        (None, "3000.00"),  # no fine: the floor
        (Decimal("0"), "3000.00"),
        (Decimal("19999.99"), "3000.00"),  # 15 % = 2,999.9985: still the floor
        (Decimal("20000"), "3000.00"),  # 15 % = 3,000 exactly
        (Decimal("20000.10"), "3000.02"),  # 3,000.015 rounds half up
        (Decimal("1000000"), "150000.00"),
        (Decimal("2000000"), "300000.00"),  # 15 % = 300,000 exactly: the cap
        (Decimal("2000000.01"), "300000.00"),
    ],
)
def test_a_major_hidden_dangers_reward_is_fifteen_percent_of_the_fine_between_floor_and_cap(
    world, fine, amount
):
    """安全生产领域举报奖励办法 (应急〔2018〕19号) art. 12: 15 % of the fine, at least 3,000
    and at most 300,000 yuan; the figures are the rules' data."""
    report, _code = _verified(world)
    reward = rewards.propose(
        report=report, actor=world.user(Role.COUNTY_INSPECTOR), version=report.version, fine=fine
    )
    assert reward.amount == Decimal(amount) and reward.fine == fine


def test_a_general_hidden_dangers_reward_is_the_citys_amount_whatever_the_fine(world):
    report, _code = _verified(world, level=Level.GENERAL)
    inspector = world.user(Role.COUNTY_INSPECTOR)
    reward = rewards.propose(
        report=report, actor=inspector, version=report.version, fine=Decimal("50000")
    )
    assert reward.amount == Decimal("200")


@pytest.mark.parametrize("fine", ["-1", "abc", "1e30", "100000000.01", "12.345", ""])
def test_a_bad_fine_is_refused_on_its_field_and_nothing_is_proposed(api, world, fine):
    report, _code = _verified(world)
    client = api.as_user(world.user(Role.COUNTY_INSPECTOR))
    body = {"report": report.pk, "version": report.version, "fine": fine}
    response = client.post("/api/v1/public-rewards/propose/", body)
    if fine == "":  # an empty field is no fine
        assert_status(response, 201)
        assert response.json()["amount"] == "3000.00"
        return
    assert_status(response, 400)
    assert "fine" in response.json()["error"]["fields"]
    assert not Reward.objects.exists()


def test_the_screen_proposes_with_the_fine_and_keeps_the_page_on_a_bad_one(client, world):
    report, _code = _verified(world)
    client.force_login(world.user(Role.COUNTY_INSPECTOR))
    url = f"/public-reports/{report.pk}/reward/"
    page = client.get(f"/public-reports/{report.pk}/").content.decode()
    assert 'name="fine"' in page
    bad = client.post(url, {"version": report.version, "fine": "-5"}, follow=True)
    assert not Reward.objects.exists() and "0" in bad.content.decode()
    done = client.post(url, {"version": report.version, "fine": "100000"}, follow=True)
    reward = Reward.objects.get()
    assert reward.amount == Decimal("15000.00")
    assert "15000.00" in done.content.decode() and "100000.00" in done.content.decode()
