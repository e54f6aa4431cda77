"""Accounts inside the product: the role × scope matrix on every account endpoint and
screen, invitations, disabling, login by mobile, forced password change."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from safeloop.core.models import AuditEntry
from safeloop.orgs.models import Invitation, RoleAssignment, User
from safeloop.orgs.roles import ADMINS, Role
from tests.conftest import PASSWORD, make_user
from tests.scope import ROLES, assert_status

NEW_PASSWORD = "Neu#Passwort2026"
MANAGERS = ADMINS | {Role.ENTERPRISE_PRINCIPAL}


@pytest.fixture
def people(world):
    """One account per kind of target, besides the world's users."""
    return {
        "county_inspector": make_user("t_ci", Role.COUNTY_INSPECTOR, region=world.county),
        "sibling_inspector": make_user("t_si", Role.COUNTY_INSPECTOR, region=world.sibling_county),
        "other_city_inspector": make_user("t_oi", Role.COUNTY_INSPECTOR, region=world.other_county),
        "county_admin": make_user("t_ca", Role.COUNTY_ADMIN, region=world.county),
        "city_admin": make_user("t_cya", Role.CITY_ADMIN, region=world.city),
        "manager": make_user("t_sm", Role.SAFETY_MANAGER, enterprise=world.inside),
        "sibling_manager": make_user("t_ssm", Role.SAFETY_MANAGER, enterprise=world.sibling),
    }


# (target, role) → status of GET /api/v1/accounts/<id>/ ; anything unlisted is 404
VISIBLE = {
    "county_inspector": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN},
    "sibling_inspector": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN},
    "other_city_inspector": {Role.SYSTEM_ADMIN},
    "county_admin": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN},
    "city_admin": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN},
    "manager": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.ENTERPRISE_PRINCIPAL},
    "sibling_manager": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN},
}
# … and of the writes: 200 when managed, 403 when visible but above the caller, else 404
MANAGED = {
    "county_inspector": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN},
    "sibling_inspector": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN},
    "other_city_inspector": {Role.SYSTEM_ADMIN},
    "county_admin": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN},
    "city_admin": {Role.SYSTEM_ADMIN},
    "manager": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.ENTERPRISE_PRINCIPAL},
    "sibling_manager": {Role.SYSTEM_ADMIN, Role.CITY_ADMIN},
}


def expected(target, role, write=False):
    if role in (MANAGED if write else VISIBLE)[target]:
        return 200
    return 403 if write and role in VISIBLE[target] else 404


@pytest.mark.parametrize("target", list(VISIBLE))
@pytest.mark.parametrize("role", ROLES)
def test_it_shows_an_account_only_inside_the_scope(world, people, api, role, target):
    user = world.users[role]
    account = people[target]
    response = api.as_user(user).get(f"/api/v1/accounts/{account.pk}/")
    assert_status(response, expected(target, role))
    screen = api.client.get(f"/accounts/{account.pk}/")
    assert_status(screen, expected(target, role))


@pytest.mark.parametrize("target", list(VISIBLE))
@pytest.mark.parametrize("role", ROLES)
def test_it_disables_only_accounts_the_role_may_manage(world, people, api, role, target):
    account = people[target]
    response = api.as_user(world.users[role]).post(
        f"/api/v1/accounts/{account.pk}/disable/", {"reason": "离职"}
    )
    assert_status(response, expected(target, role, write=True))
    account.refresh_from_db()
    assert account.is_active is (response.status_code != 200)


@pytest.mark.parametrize("role", ROLES)
def test_the_account_list_holds_only_the_scope(world, people, api, role):
    response = api.as_user(world.users[role]).get("/api/v1/accounts/")
    assert_status(response, 200)
    seen = {row["username"] for row in response.json()["results"]}
    wanted = {people[t].username for t, roles in VISIBLE.items() if role in roles}
    assert wanted <= seen
    assert not ({p.username for p in people.values()} - wanted) & seen
    screen = api.client.get("/accounts/")
    assert_status(screen, 200 if role in MANAGERS else 404)


ROLE_ON = {
    Role.CITY_ADMIN: "city",
    Role.COUNTY_ADMIN: "county",
    Role.COUNTY_INSPECTOR: "county",
    Role.SAFETY_MANAGER: "inside",
    Role.ENTERPRISE_PRINCIPAL: "inside",
}
UNIT_FIELD = {"city": "region", "county": "region", "inside": "enterprise"}
# who may create an account holding which role (on a unit inside their scope): 201, else 400
MAY_GRANT = {
    Role.CITY_ADMIN: {Role.SYSTEM_ADMIN},
    Role.COUNTY_ADMIN: {Role.SYSTEM_ADMIN, Role.CITY_ADMIN},
    Role.COUNTY_INSPECTOR: {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN},
    Role.ENTERPRISE_PRINCIPAL: {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN},
    Role.SAFETY_MANAGER: set(MANAGERS),
}


@pytest.mark.parametrize("granted", list(ROLE_ON))
@pytest.mark.parametrize("role", ROLES)
def test_it_creates_accounts_only_with_roles_the_creator_may_grant(world, api, role, granted):
    unit = getattr(world, ROLE_ON[granted])
    body = {
        "username": "newbie",
        "full_name": "新人",
        "mobile": "13900000077",
        "role": granted.value,
        UNIT_FIELD[ROLE_ON[granted]]: unit.pk,
        "reason": "新岗位",
    }
    response = api.as_user(world.users[role]).post("/api/v1/accounts/", body)
    if role not in MANAGERS:
        assert_status(response, 404)
    elif role in MAY_GRANT[granted]:
        assert_status(response, 201)
        assert response.json()["code"]
        assert "/activate/" in response.json()["link"]
    else:
        assert_status(response, 400)
        assert "role" in response.json()["error"]["fields"]
    assert User.objects.filter(username="newbie").exists() is (response.status_code == 201)


@pytest.mark.parametrize("enterprise", ["inside", "sibling", "outside"])
@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.ENTERPRISE_PRINCIPAL])
def test_it_refuses_a_unit_outside_the_scope_as_unknown(world, api, role, enterprise):
    body = {
        "username": "newbie",
        "full_name": "新人",
        "role": "safety_manager",
        "enterprise": getattr(world, enterprise).pk,
        "reason": "新岗位",
    }
    response = api.as_user(world.users[role]).post("/api/v1/accounts/", body)
    if enterprise == "inside":
        assert_status(response, 201)
    else:
        assert_status(response, 400)
        assert response.json()["error"]["fields"]["enterprise"]


def test_a_county_admin_cannot_elevate_an_account(world, people, api):
    admin = world.user(Role.COUNTY_ADMIN)
    target = people["county_inspector"]
    response = api.as_user(admin).post(
        f"/api/v1/accounts/{target.pk}/grant/",
        {"role": "city_admin", "region": world.city.pk, "reason": "升职"},
    )
    assert_status(response, 400)
    response = api.as_user(admin).post(
        f"/api/v1/accounts/{target.pk}/grant/",
        {"role": "park_officer", "park": world.park.pk, "reason": "兼任"},
    )
    assert_status(response, 201)
    assert target.role_assignments.filter(role="park_officer", active=True).exists()


def test_it_asks_for_a_reason_and_audits_it(world, people, api):
    admin = world.user(Role.COUNTY_ADMIN)
    target = people["county_inspector"]
    response = api.as_user(admin).post(f"/api/v1/accounts/{target.pk}/disable/", {})
    assert_status(response, 400)
    assert "reason" in response.json()["error"]["fields"]
    api.post(f"/api/v1/accounts/{target.pk}/disable/", {"reason": "调离"})
    entry = AuditEntry.objects.get(action="orgs.user.disable", changes__has_key="reason")
    assert entry.actor == admin and entry.changes["reason"] == [None, "调离"]
    assert entry.region_code == "640104"
    # the county administrator reads it in the audit log
    html = api.client.get("/audit/?action=orgs.user.disable").content.decode()
    assert "调离" in html or "t_ci" in html


def test_a_mobile_number_belongs_to_one_account(world, people, api):
    admin = world.user(Role.COUNTY_ADMIN)
    people["county_inspector"].mobile = "13900000001"
    people["county_inspector"].save()
    body = {
        "username": "twin",
        "full_name": "重号",
        "mobile": "13900000001",
        "role": "safety_manager",
        "enterprise": world.inside.pk,
        "reason": "新岗位",
    }
    response = api.as_user(admin).post("/api/v1/accounts/", body)
    assert_status(response, 400)
    assert response.json()["error"]["fields"]["mobile"]


def _invite(world, api, username="sm_new", mobile="13900000055"):
    response = api.as_user(world.user(Role.COUNTY_ADMIN)).post(
        "/api/v1/accounts/",
        {
            "username": username,
            "full_name": "安全员",
            "mobile": mobile,
            "role": "safety_manager",
            "enterprise": world.inside.pk,
            "reason": "企业申请",
        },
    )
    assert_status(response, 201)
    return response.json()["code"]


def _signs_in(username, password) -> bool:
    response = Client().post("/login/", {"username": username, "password": password})
    return response.status_code == 302


def _activate(code, password=NEW_PASSWORD):
    return Client().post(
        f"/activate/{code}/", {"code": code, "password": password, "password2": password}
    )


def test_an_invitation_works_once_and_login_by_mobile_follows(world, api):
    code = _invite(world, api)
    assert not Invitation.objects.filter(code_hash=code).exists()  # stored hashed
    assert Client().get(f"/activate/{code}/").status_code == 200
    assert_status(_activate(code), 302)
    assert_status(_activate(code, "Anders#Pass2026"), 400)  # reused
    assert _signs_in("13900000055", NEW_PASSWORD)
    assert _signs_in("sm_new", NEW_PASSWORD)
    assert not User.objects.get(username="sm_new").must_change_password


def test_an_expired_invitation_is_refused(world, api):
    code = _invite(world, api)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert_status(Client().get(f"/activate/{code}/"), 400)
    assert_status(_activate(code), 400)
    assert not User.objects.get(username="sm_new").has_usable_password()


def test_a_weak_password_is_refused_on_activation(world, api):
    code = _invite(world, api)
    response = _activate(code, "12345678")
    assert_status(response, 400)
    assert "activate-form" in response.content.decode()


def test_disabling_ends_sessions_and_tokens_at_once(world, people, api):
    target = people["county_inspector"]
    session_client = Client()
    session_client.force_login(target)
    assert_status(session_client.get("/api/v1/me/"), 200)
    token_client = Client()
    token_client.force_login(target)
    secret = token_client.post(
        "/api/v1/tokens/", {"name": "脚本"}, content_type="application/json"
    ).json()["secret"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert_status(bearer.get("/api/v1/me/"), 200)
    api.as_user(world.user(Role.COUNTY_ADMIN)).post(
        f"/api/v1/accounts/{target.pk}/disable/", {"reason": "离职"}
    )
    assert_status(session_client.get("/api/v1/me/"), 401)
    assert_status(bearer.get("/api/v1/me/"), 401)
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(target.pk) for s in Session.objects.all()
    )
    # history kept: the account and its roles stay
    assert RoleAssignment.objects.filter(user=target).exists()
    api.post(f"/api/v1/accounts/{target.pk}/enable/", {"reason": "返岗"})
    assert User.objects.get(pk=target.pk).is_active


def test_a_reset_is_a_link_and_forces_a_new_password(world, people, api):
    target = people["county_inspector"]
    assert _signs_in("t_ci", PASSWORD)
    response = api.as_user(world.user(Role.COUNTY_ADMIN)).post(
        f"/api/v1/accounts/{target.pk}/invite/", {"reason": "忘记密码"}
    )
    assert_status(response, 200)
    assert PASSWORD not in response.content.decode()
    assert not _signs_in("t_ci", PASSWORD)
    assert_status(_activate(response.json()["code"]), 302)
    assert _signs_in("t_ci", NEW_PASSWORD)


def test_first_login_is_sent_to_the_password_change(world, client):
    user = make_user("fresh")
    user.must_change_password = True
    user.save()
    client.force_login(user)
    response = client.get("/hazards/")
    assert_status(response, 302)
    assert response["Location"] == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert_status(response, 302)
    assert client.get("/inbox/").status_code == 200


def test_a_wrong_current_password_keeps_the_form(world, client):
    client.force_login(world.user(Role.GRID_INSPECTOR))
    response = client.post(
        "/accounts/password/",
        {"old_password": "falsch", "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert_status(response, 400)


def _token(user, **extra):
    client = Client()
    client.force_login(user)
    response = client.post(
        "/api/v1/tokens/", {"name": "脚本", **extra}, content_type="application/json"
    )
    return response


def test_a_token_is_shown_once_stored_hashed_and_revoked_from_the_next_request(world):
    user = world.user(Role.GRID_INSPECTOR)
    response = _token(user)
    assert_status(response, 201)
    secret = response.json()["secret"]
    from safeloop.orgs.models import ApiToken

    token = ApiToken.objects.get()
    assert secret not in (token.key_hash, token.prefix) and token.key_hash != secret
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert_status(bearer.get("/api/v1/me/"), 200)
    token.refresh_from_db()
    assert token.last_used_at is not None
    owner = Client()
    owner.force_login(user)
    listed = owner.get("/api/v1/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["脚本"] and "secret" not in listed[0]
    assert_status(owner.post(f"/api/v1/tokens/{token.pk}/revoke/"), 200)
    assert_status(bearer.get("/api/v1/me/"), 401)


def test_an_expired_token_is_refused(world):
    user = world.user(Role.GRID_INSPECTOR)
    soon = (timezone.now() + timedelta(days=1)).isoformat()
    secret = _token(user, expires_at=soon).json()["secret"]
    from safeloop.orgs.models import ApiToken

    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_status(Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me/"), 401)
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert_status(_token(user, expires_at=past), 400)
    assert_status(_token(user, name=""), 400)


@pytest.mark.parametrize("role", ROLES)
def test_administrators_revoke_tokens_of_accounts_they_manage(world, people, api, role):
    target = people["county_inspector"]
    secret = _token(target).json()["secret"]
    from safeloop.orgs.models import ApiToken

    token = ApiToken.objects.get(user=target)
    response = api.as_user(world.users[role]).post(
        f"/api/v1/tokens/{token.pk}/revoke/", {"reason": "泄露"}
    )
    assert_status(response, expected("county_inspector", role, write=True))
    revoked = response.status_code == 200
    status = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me/").status_code
    assert status == (401 if revoked else 200)


def test_the_token_page_shows_the_secret_once(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    response = client.post("/accounts/tokens/", {"name": "对接系统"})
    assert_status(response, 200)
    html = response.content.decode()
    assert 'id="token-secret"' in html
    assert 'id="token-secret"' not in client.get("/accounts/tokens/").content.decode()


def test_the_ledger_person_and_the_account_are_one(world, api):
    from safeloop.enterprises import services as ledger
    from safeloop.enterprises.models import Enterprise, SafetyManager

    inside = world.inside
    SafetyManager.objects.create(enterprise=inside, name="安全员", mobile="13900000055")
    Enterprise.objects.filter(pk=inside.pk).update(principal="李总", principal_mobile="13900000066")
    _invite(world, api)  # safety manager account with 13900000055
    principal = world.user(Role.ENTERPRISE_PRINCIPAL)
    principal.mobile = "13900000066"
    principal.save()
    account = User.objects.get(username="sm_new")
    admin = world.user(Role.COUNTY_ADMIN)
    # the account's number changes: the ledger row follows
    response = api.as_user(admin).patch(
        f"/api/v1/accounts/{account.pk}/",
        {"full_name": "安全员", "mobile": "13900000056", "reason": "换号"},
    )
    assert_status(response, 200)
    assert SafetyManager.objects.get(enterprise=inside).mobile == "13900000056"
    # the ledger's numbers change: the accounts follow
    inside = Enterprise.objects.get(pk=inside.pk)
    ledger.update_enterprise(
        actor=admin,
        enterprise=inside,
        data={"principal_mobile": "13900000067"},
        expected_version=inside.version,
        safety_managers=[{"name": "安全员", "mobile": "13900000057"}],
    )
    assert User.objects.get(pk=account.pk).mobile == "13900000057"
    assert User.objects.get(pk=principal.pk).mobile == "13900000067"


def test_older_keys_become_tokens_that_expire_and_no_other_key_authenticates(world):
    """The rest_framework.authtoken keys never expired: the migration adopts each as a named
    token of the same account expiring in 90 days, and nothing else reads those keys."""
    from importlib import import_module

    from django.apps import apps
    from rest_framework.authtoken.models import Token

    from safeloop.orgs.models import ApiToken

    user = world.user(Role.COUNTY_INSPECTOR)
    old = Token.objects.create(user=user)
    assert_status(Client(HTTP_AUTHORIZATION=f"Token {old.key}").get("/api/v1/me/"), 401)
    import_module("safeloop.orgs.migrations.0004_adopt_legacy_keys").adopt(apps, None)
    assert not Token.objects.exists()
    token = ApiToken.objects.get(user=user)
    left = token.expires_at - timezone.now()
    assert timedelta(days=89) < left <= timedelta(days=90)
    assert_status(Client(HTTP_AUTHORIZATION=f"Token {old.key}").get("/api/v1/me/"), 200)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_status(Client(HTTP_AUTHORIZATION=f"Token {old.key}").get("/api/v1/me/"), 401)


@pytest.mark.parametrize("role", ROLES)
def test_the_ledger_rows_invite_their_people_or_show_their_account(world, people, role):
    """The principal and safety managers on an enterprise page: an invite button for whoever
    may grant that role, filled in from the row; the account once the person has one."""
    from safeloop.enterprises.models import SafetyManager

    enterprise = world.inside
    enterprise.principal, enterprise.principal_mobile = "马建国", "13900000001"
    enterprise.save()
    SafetyManager.objects.create(enterprise=enterprise, name="李安全", mobile="13900000002")
    holder = make_user("t_li", Role.SAFETY_MANAGER, enterprise=enterprise)
    holder.mobile = "13900000002"
    holder.save()
    client = Client()
    client.force_login(world.users[role])
    response = client.get(f"/enterprises/{enterprise.pk}/")
    if role is None:  # an account without a role sees no enterprise
        assert_status(response, 404)
        return
    assert_status(response, 200)
    html = response.content.decode()
    invite = "/accounts/new/?role=enterprise_principal&amp;enterprise=" + str(enterprise.pk)
    may_invite_principal = role in (Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN)
    assert (invite in html) == may_invite_principal
    assert "已开通账号" in html
    linked = f'href="/accounts/{holder.pk}/"' in html
    assert linked == (
        role in (Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN)
        or (role == Role.ENTERPRISE_PRINCIPAL)
    )
    if may_invite_principal:
        form = client.get(invite.replace("&amp;", "&") + "&full_name=马建国&mobile=13900000001")
        assert_status(form, 200)
        page = form.content.decode()
        assert 'value="13900000001"' in page and 'value="马建国"' in page
