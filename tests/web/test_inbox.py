"""The site-wide inbox: each user reads only their own notifications, the header counts the
unread ones, and opening one never leaves the site. It lives at /inbox/; the first addresses
under /hazards/inbox/ keep working."""

import re

import pytest

from safeloop.core.models import Notification
from safeloop.core.notify import notify
from safeloop.orgs.roles import Role
from tests.scope import ROLES, assert_hidden


@pytest.mark.parametrize("role", ROLES)
def test_each_user_reads_only_their_own_inbox(world, client, role):
    user = world.users[role]
    other = world.user(Role.CITY_ADMIN if role != Role.CITY_ADMIN else Role.COUNTY_ADMIN)
    notify([user], kind="hazard", title="整改期限将至：配电房", link="/hazards/1/")
    notify([other], kind="hazard", title="别人的消息")
    client.force_login(user)
    html = client.get("/inbox/").content.decode()
    assert "整改期限将至：配电房" in html and "别人的消息" not in html
    assert re.search(r'id="unread-count"[^>]*>1<', html)
    theirs = Notification.objects.get(recipient=other)
    assert_hidden(client.post(f"/inbox/{theirs.pk}/read/"))
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_header_counts_unread_and_marking_read_clears_it(world, client):
    user = world.user(Role.SAFETY_MANAGER)
    for i in range(3):
        notify([user], kind="hazard", title=f"消息{i}", link=f"/hazards/{i + 1}/")
    client.force_login(user)
    assert re.search(r'id="unread-count"[^>]*>3<', client.get("/").content.decode())
    first = Notification.objects.filter(recipient=user).order_by("pk").first()
    response = client.post(f"/inbox/{first.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/hazards/1/"
    assert re.search(r'id="unread-count"[^>]*>2<', client.get("/inbox/").content.decode())
    unread = client.get("/inbox/?unread=1").content.decode()
    assert "消息0" not in unread and "消息1" in unread
    client.post("/inbox/read/")
    assert 'id="unread-count"' not in client.get("/inbox/").content.decode()
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_a_notification_never_redirects_off_site(world, client):
    user = world.user(Role.SAFETY_MANAGER)
    notify([user], kind="hazard", title="x", link="https://evil.example/")
    client.force_login(user)
    note = Notification.objects.get(recipient=user)
    response = client.post(f"/inbox/{note.pk}/read/", {"open": "1"})
    assert response["Location"] == "/inbox/"


def test_the_first_addresses_keep_working(world, client):
    user = world.user(Role.SAFETY_MANAGER)
    notify([user], kind="hazard", title="旧地址的消息", link="/hazards/1/")
    client.force_login(user)
    assert "旧地址的消息" in client.get("/hazards/inbox/").content.decode()
    note = Notification.objects.get(recipient=user)
    assert client.post(f"/hazards/inbox/{note.pk}/read/").status_code == 302
    assert Notification.objects.get(pk=note.pk).read_at is not None
    notify([user], kind="hazard", title="再一条")
    assert client.post("/hazards/inbox/read/").status_code == 302
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_the_inbox_needs_a_sign_in(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/login/" in response["Location"]
