"""The UI shell: sign-in, lockout, sessions, menus per role, home pages, security headers."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeloop.bulletins.models import BULLETIN_READERS
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from tests.conftest import PASSWORD
from tests.scope import ROLES


def sign_in(client, username, password=PASSWORD, ip="192.0.2.10"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_signs_in_and_out(world, client):
    response = sign_in(client, "city_admin")
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_it_locks_an_account_and_ip_after_five_failures(world, client):
    for _ in range(4):
        assert sign_in(client, "city_admin", "wrong").status_code == 200
    assert sign_in(client, "city_admin", "wrong").status_code == 429  # the fifth failure locks
    locked = sign_in(client, "city_admin")
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    # another address, or another account from this address, is not locked
    assert sign_in(client, "city_admin", ip="192.0.2.99").status_code == 302
    client.post("/logout/")
    assert sign_in(client, "county_admin").status_code == 302


def test_the_lock_expires_after_fifteen_minutes(world, client):
    from axes.models import AccessAttempt

    for _ in range(5):
        sign_in(client, "city_admin", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "city_admin").status_code == 302


@pytest.mark.parametrize(
    "password, ok",
    [
        ("Short#1a", False),
        ("alllowercase", False),
        ("lowercase123456", False),
        ("Mixed#Case2026", True),
        ("lower-and-digits-42", True),
    ],
)
def test_the_password_policy(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_sessions_end_after_thirty_idle_minutes(world, client):
    client.force_login(world.user(Role.CITY_ADMIN))
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302


def test_each_request_extends_the_session(world, client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(world.user(Role.CITY_ADMIN))
    client.get("/")
    remaining = Session.objects.get().expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


MENU = {
    "home": set(ROLES) - {None},
    "org-tree": set(REGULATORS),
    "risk-overview": set(ROLES) - {None},
    "enterprise-list": set(ROLES) - {None},
    "hazard-list": set(ROLES) - {None},
    "accident-list": set(ROLES) - {None},
    "audit-log": set(ADMINS),
    "selfcheck-mine": set(ENTERPRISE_STAFF),
    "selfcheck-completion": set(REGULATORS),
    "inspection-plans": set(REGULATORS | ENTERPRISE_STAFF),
    "warning-list": set(ROLES) - {None},
    "key-unit-list": set(REGULATORS),
    "bulletin-list": set(BULLETIN_READERS),
    "dashboard": set(ROLES) - {None},
    "emergency-home": set(ROLES) - {None},
    "training-list": set(ROLES) - {None},
    "investment-home": set(ROLES) - {None},
    "source-home": set(ROLES) - {None},
    "parkrisk-list": set(REGULATORS) - {Role.GRID_INSPECTOR},
    "duties-home": set(ROLES) - {None},
    "crackdown-list": set(REGULATORS),
    "enforcement-documents": set(REGULATORS | ENTERPRISE_STAFF),
    "prediction-report": set(REGULATORS),
    "targets-indicators": set(REGULATORS) - {Role.GRID_INSPECTOR},
    "credit-list": set(REGULATORS | ENTERPRISE_STAFF),
    "public-triage": set(REGULATORS),
    "public-article-list": set(REGULATORS) - {Role.PARK_OFFICER, Role.GRID_INSPECTOR},
    "account-list": set(ADMINS) | {Role.ENTERPRISE_PRINCIPAL},
    "api-docs": set(REGULATORS),
    "my-tokens": set(REGULATORS),
}


@pytest.mark.parametrize("role", list(Role))
def test_the_menu_shows_each_role_only_what_it_may_use(world, client, role):
    client.force_login(world.users[role])
    html = client.get("/").content.decode()
    shown = set(re.findall(r'data-menu="([\w-]+)"', html))
    expected = {name for name, roles in MENU.items() if role in roles}
    assert shown == expected


@pytest.mark.parametrize("role", list(Role))
def test_phones_get_a_bottom_bar_of_the_roles_daily_work(world, client, role):
    client.force_login(world.users[role])
    html = client.get("/").content.decode()
    dock = re.findall(r'data-dock="([\w-]+)"', html)
    assert 3 <= len(dock) <= 5 and dock[0] == "home"
    assert set(dock) <= {name for name, roles in MENU.items() if role in roles}
    # the full menu folds behind a button on a phone
    assert 'id="menu-toggle"' in html and 'for="menu-toggle"' in html


@pytest.mark.parametrize("role", list(Role))
def test_the_audit_log_is_for_administrators_only(world, client, role):
    client.force_login(world.users[role])
    response = client.get("/audit/")
    assert response.status_code == (200 if role in ADMINS else 404)


def test_a_county_administrator_reads_only_the_county_audit(world, client):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get("/audit/?action=enterprise.create").content.decode()
    assert "园区内企业" in html
    assert "西夏企业" not in html and "石嘴山企业" not in html


def test_the_audit_log_filters(world, client):
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    html = client.get("/audit/?object_repr=石嘴山").content.decode()
    assert "石嘴山企业" in html and "园区内企业" not in html


def test_the_audit_log_offers_no_edit_or_delete(world, client):
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    assert client.post("/audit/", {"action": "x"}).status_code == 405
    from safeloop.core.models import AuditEntry

    assert not AuditEntry.objects.filter(action="x").exists()
    from django.contrib import admin

    assert AuditEntry not in admin.site._registry


@pytest.mark.parametrize("role", list(Role))
def test_home_counts_what_is_in_scope(world, client, role):
    client.force_login(world.users[role])
    html = client.get("/").content.decode()
    from safeloop.enterprises.models import Enterprise

    count = Enterprise.objects.for_user(world.users[role]).count()
    assert re.search(rf'<span class="n">{count}</span><span class="l">(企业|Enterprises)', html)


def test_the_ui_speaks_chinese_first_and_switches_to_english(world, client):
    client.force_login(world.user(Role.CITY_ADMIN))
    assert "退出" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Sign out" in client.get("/").content.decode()


def test_security_headers(world, client):
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'self'" in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_hsts_when_served_over_https(world, client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_load_no_asset_from_the_internet(world, client):
    client.force_login(world.user(Role.CITY_ADMIN))
    for url in ["/", "/org/", "/audit/", "/login/"]:
        html = client.get(url).content.decode()
        assert not re.search(r'(src|href)="(https?:)?//', html), url


def test_sign_ins_sign_outs_and_failures_are_audited(world, client):
    from safeloop.core.models import AuditEntry

    sign_in(client, "city_admin", "wrong", ip="192.0.2.7")
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.changes == {"username": [None, "city_admin"]} and failed.ip == "192.0.2.7"
    sign_in(client, "city_admin")
    client.post("/logout/")
    user = world.user(Role.CITY_ADMIN)
    assert AuditEntry.objects.filter(action="auth.login", actor=user).count() == 1
    assert AuditEntry.objects.filter(action="auth.logout", actor=user).count() == 1
    assert "wrong" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_select_boxes_offer_their_empty_choice_in_chinese():
    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
