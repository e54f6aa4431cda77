"""Edges an outside test found: the real client address behind our trusted proxies (login
lockout, rate limits), private caching of signed-in responses, JSON nested too deep."""

import pytest
from django.test import RequestFactory

from safeloop.core import ratelimit
from safeloop.core.middleware import client_ip
from safeloop.orgs.roles import Role
from tests.conftest import PASSWORD

PROXY = "10.0.0.5"


def request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES, settings.TRUST_X_FORWARDED_FOR = [], False
    assert client_ip(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_behind_the_proxy_the_address_it_saw_counts_not_what_the_client_wrote(behind_proxy):
    assert client_ip(request(PROXY, "203.0.113.9")) == "203.0.113.9"
    # a client that writes its own header is still the address our proxy appended
    assert client_ip(request(PROXY, "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    # two of our proxies in a row are skipped
    assert client_ip(request(PROXY, "1.2.3.4, 203.0.113.9, 10.0.0.7")) == "203.0.113.9"
    # a request that did not come through our proxy cannot pose as anyone
    assert client_ip(request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"
    assert client_ip(request(PROXY, "garbage")) == PROXY


def test_one_trusted_proxy_by_the_old_switch(settings):
    settings.TRUSTED_PROXIES, settings.TRUST_X_FORWARDED_FOR = [], True
    assert client_ip(request(PROXY, "1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_rate_limits_count_the_real_client(behind_proxy):
    assert ratelimit.client_ip(request(PROXY, "203.0.113.9")) == "203.0.113.9"


def sign_in(client, username, password, forwarded):
    return client.post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_one_client_behind_the_proxy_cannot_lock_out_everyone(world, client, behind_proxy):
    for _ in range(5):
        sign_in(client, "city_admin", "wrong", "203.0.113.66")
    assert sign_in(client, "city_admin", PASSWORD, "203.0.113.66").status_code == 429
    # the same account from another client behind the same proxy still signs in
    assert sign_in(client, "city_admin", PASSWORD, "203.0.113.77").status_code == 302


def test_signed_in_responses_are_private_and_not_stored(world, client, api):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    for url in ("/", "/enterprises/", "/api/v1/enterprises/"):
        cache = client.get(url).get("Cache-Control", "")
        assert "private" in cache and "no-store" in cache, url


def test_json_nested_a_hundred_thousand_levels_is_a_400(world, client):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/enterprises/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN])
def test_the_import_template_lists_only_the_scope_s_counties_and_parks(world, client, role):
    from io import BytesIO

    from openpyxl import load_workbook

    from safeloop.enterprises import columns as C
    from safeloop.orgs.models import Park

    Park.objects.create(name="石嘴山园区", region=world.other_county)
    client.force_login(world.user(role))
    response = client.get("/enterprises/import/template/")
    assert response.status_code == 200
    values = {
        c for row in load_workbook(BytesIO(response.content))[C.OPTIONS_SHEET].values for c in row
    }
    assert "兴庆区" in values and "测试园区" in values
    other = {"大武口区", "石嘴山园区"} & values
    assert other == (other if role == Role.SYSTEM_ADMIN else set())
    if role == Role.COUNTY_ADMIN:
        assert "西夏区" not in values
