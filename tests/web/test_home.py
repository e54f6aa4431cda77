"""The home page lists what waits for each role, most urgent first, in its scope only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.core.models import Notification
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role


def hazard(world, enterprise, state, days, **fields):
    return Hazard.objects.create(
        enterprise=enterprise,
        state=state,
        level=Level.GENERAL,
        source="1",
        category="1",
        place="冲压车间",
        deadline=timezone.localdate() + timedelta(days=days),
        found_by=world.user(Role.COUNTY_INSPECTOR),
        found_by_regulator=True,
        measures="更换防护罩",
        **fields,
    )


@pytest.fixture
def waiting(world):
    return {
        "later": hazard(world, world.inside, State.RECTIFYING, 20, description="消防通道堵塞"),
        "overdue": hazard(world, world.inside, State.RECTIFYING, -2, description="防护罩缺失"),
        "accept": hazard(
            world,
            world.inside,
            State.AWAITING,
            5,
            description="配电箱未上锁",
            submitted_by=world.user(Role.SAFETY_MANAGER),
            evidence="已上锁",
        ),
        "elsewhere": hazard(world, world.outside, State.RECTIFYING, 1, description="石嘴山隐患"),
    }


def todo_lines(client, user):
    client.force_login(user)
    html = client.get("/").content.decode()
    return re.findall(r'<li class="[^"]*" data-todo="/hazards/(\d+)/"', html), html


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_what_waits_for_it_most_urgent_first(world, client, waiting, role):
    shown, html = todo_lines(client, world.users[role])
    expected = []
    if role in ENTERPRISE_STAFF:  # the enterprise rectifies, earliest deadline first
        expected = [waiting["overdue"].pk, waiting["later"].pk]
    elif role in REGULATORS:  # the regulator who found it accepts it
        expected = [waiting["accept"].pk]
    assert [int(pk) for pk in shown] == expected
    assert "石嘴山隐患" not in html  # another city's hazard never shows
    if role in ENTERPRISE_STAFF:
        assert "整改隐患" in html
        assert re.search(r'class="overdue"[^>]*>.*?逾期', html, re.S)
        assert f"提出人 {world.user(Role.COUNTY_INSPECTOR)}" in html
    if role in REGULATORS:
        assert f"提出人 {world.user(Role.SAFETY_MANAGER)}" in html


def test_notices_received_wait_on_the_home_until_read(world, client):
    user = world.user(Role.SAFETY_MANAGER)
    Notification.objects.create(recipient=user, kind="x", title="请于周五前报送整改方案")
    client.force_login(user)
    assert "请于周五前报送整改方案" in client.get("/").content.decode()
    Notification.objects.update(read_at=timezone.now())
    assert "请于周五前报送整改方案" not in client.get("/").content.decode()


def test_nothing_waiting_is_said_plainly(world, client):
    client.force_login(world.user(Role.EXPERT))
    assert 'id="todo-empty"' in client.get("/").content.decode()
