"""Bulletin screens, downloads and API for every role inside and outside its scope."""

import pytest

from safeloop.bulletins.models import BULLETIN_READERS, Bulletin
from safeloop.orgs.roles import Role
from tests.scope import ROLES, assert_refused


@pytest.fixture
def bulletins(world, generate):
    return {
        "city": generate(world.city),
        "county": generate(world.county),
        "sibling": generate(world.sibling_county),
        "other_city": generate(world.other_city),
    }


def visible(user):
    return set(Bulletin.objects.for_user(user).values_list("pk", flat=True))


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_the_scope_to_regulators_only(world, bulletins, client, role):
    client.force_login(world.users[role])
    response = client.get("/bulletins/")
    if role not in BULLETIN_READERS:
        assert_refused(response)
        return
    assert response.status_code == 200
    html = response.content.decode()
    shown = {b.pk for b in bulletins.values() if f'data-bulletin="{b.pk}"' in html}
    assert shown == visible(world.users[role])
    assert (bulletins["city"].pk in shown) is (
        role != Role.COUNTY_ADMIN and role != Role.COUNTY_INSPECTOR
    )
    assert bulletins["county"].pk in shown
    assert (bulletins["sibling"].pk in shown) is (
        role not in (Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR)
    )
    assert (bulletins["other_city"].pk in shown) is (role == Role.SYSTEM_ADMIN)


@pytest.mark.parametrize("role", ROLES)
def test_preview_downloads_and_regeneration_follow_the_scope(world, bulletins, client, role):
    client.force_login(world.users[role])
    seen = visible(world.users[role])
    for b in bulletins.values():
        inside = b.pk in seen
        expected = 200 if inside else (403 if role not in BULLETIN_READERS else 404)
        assert client.get(f"/bulletins/{b.pk}/").status_code == expected
        pdf = client.get(f"/bulletins/{b.pk}/bulletin.pdf")
        assert pdf.status_code == expected
        if inside:
            assert pdf["Content-Type"] == "application/pdf"
            assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"
        xlsx = client.get(f"/bulletins/{b.pk}/bulletin.xlsx")
        assert xlsx.status_code == expected
        response = client.post(f"/bulletins/{b.pk}/regenerate/")
        assert response.status_code == (302 if inside else expected)
        assert Bulletin.objects.get(pk=b.pk).generations == (2 if inside else 1)


@pytest.mark.parametrize("role", ROLES)
def test_generating_from_the_form(world, client, role, month):
    client.force_login(world.users[role])
    response = client.post(
        "/bulletins/generate/", {"region": world.county.pk, "month": month.strftime("%Y-%m")}
    )
    if role not in BULLETIN_READERS:
        assert_refused(response)
    else:
        assert response.status_code == 302
        assert Bulletin.objects.filter(region=world.county, month=month).exists()


def test_the_form_refuses_bad_input_in_chinese(world, client, month):
    client.force_login(world.user(Role.COUNTY_ADMIN))
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    cases = [
        {"region": world.county.pk, "month": "2026-13"},
        {"region": world.county.pk, "month": "<script>"},
        {"region": world.city.pk, "month": month.strftime("%Y-%m")},  # not in scope
        {"region": "x", "month": month.strftime("%Y-%m")},
        {"month": month.strftime("%Y-%m")},
        {"region": world.county.pk, "month": "2999-01"},
    ]
    for data in cases:
        response = client.post("/bulletins/generate/", data, **zh)
        assert response.status_code == 400, data
        assert 'class="error"' in response.content.decode()
    assert not Bulletin.objects.exists()


# ---------------------------------------------------------------- API
@pytest.mark.parametrize("role", ROLES)
def test_the_api_follows_the_scope(world, bulletins, api, role):
    user = world.users[role]
    api.as_user(user)
    body = api.get("/api/v1/bulletins/").json()
    assert {row["id"] for row in body["results"]} == visible(user)
    for b in bulletins.values():
        inside = b.pk in visible(user)
        detail = api.get(f"/api/v1/bulletins/{b.pk}/")
        assert detail.status_code == (200 if inside else 404)
        if inside:
            assert detail.json()["figures"]["totals"]["found"] == 0
        assert api.get(f"/api/v1/bulletins/{b.pk}/bulletin.pdf/").status_code == (
            200 if inside else 404
        )
        assert api.get(f"/api/v1/bulletins/{b.pk}/bulletin.xlsx/").status_code == (
            200 if inside else 404
        )
        assert api.post(f"/api/v1/bulletins/{b.pk}/regenerate/").status_code == (
            200 if inside else 404
        )


@pytest.mark.parametrize("role", ROLES)
def test_generation_over_the_api_is_idempotent(world, api, role, month):
    api.as_user(world.users[role])
    data = {"region": world.county.pk, "month": month.strftime("%Y-%m")}
    first = api.post("/api/v1/bulletins/", data)
    if role not in BULLETIN_READERS:
        assert first.status_code == 403
        return
    assert first.status_code == 201
    again = api.post("/api/v1/bulletins/", data)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["generations"] == 2


def test_the_api_refuses_bad_input(world, api, month):
    api.as_user(world.user(Role.COUNTY_ADMIN))
    for data, field in [
        ({"region": world.county.pk, "month": "nope"}, "month"),
        ({"region": world.city.pk, "month": month.strftime("%Y-%m")}, "region"),
        ({"region": world.county.pk, "month": "2999-01"}, "month"),
        ({"month": month.strftime("%Y-%m")}, "region"),
        ({"region": [1, 2], "month": 5}, "region"),
    ]:
        response = api.post("/api/v1/bulletins/", data)
        assert response.status_code == 400, data
        assert field in response.json()["error"]["fields"], data
    assert not Bulletin.objects.exists()
