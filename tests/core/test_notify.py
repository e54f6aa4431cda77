"""Notifications: inbox always, once per dedupe key; email only when SMTP is configured."""

from django.core import mail

from safeloop.core.models import Notification
from safeloop.core.notify import notify
from safeloop.orgs.roles import Role


def test_the_inbox_gets_one_message_per_recipient_and_key(world):
    users = [world.user(Role.CITY_ADMIN), world.user(Role.CITY_ADMIN), world.users[None]]
    assert notify(users, kind="t", title="标题", dedupe_key="k") == 2
    assert notify(users, kind="t", title="标题", dedupe_key="k") == 0
    assert Notification.objects.count() == 2
    assert notify(users[:1], kind="t", title="无键") == 1  # no key: always sent


def test_email_goes_out_only_when_smtp_is_configured(world, settings):
    user = world.user(Role.CITY_ADMIN)
    user.email = "city@example.gov.cn"
    user.save()
    notify([user], kind="t", title="未配置")
    assert len(mail.outbox) == 0
    settings.NOTIFY_BY_EMAIL = True
    notify([user], kind="t", title="已配置", body="正文", link="/hazards/1/")
    assert [m.subject for m in mail.outbox] == ["已配置"]
    assert mail.outbox[0].to == ["city@example.gov.cn"]


def test_recipients_given_as_a_query_get_one_message_each_in_one_statement(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safeloop.orgs.models import User

    users = User.objects.filter(role_assignments__role__in=[Role.CITY_ADMIN, Role.COUNTY_ADMIN])
    with CaptureQueriesContext(connection) as queries:
        assert notify(users, kind="t", title="查询", dedupe_key="q") == 2
    assert len(queries) == 1
    assert notify(users, kind="t", title="查询", dedupe_key="q") == 0
    assert notify(User.objects.none(), kind="t", title="无人") == 0
