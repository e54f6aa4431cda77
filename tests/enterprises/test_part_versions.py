"""Licences and special operators carry a version: a change names the one read (400 when
missing, 409 when stale); a duplicate licence is a field error, never a database error."""

from datetime import date, timedelta

import pytest

from safeloop.enterprises.models import Licence, SpecialOperator
from safeloop.orgs.roles import Role

LICENCE = {
    "kind": "safety_production",
    "number": "(宁)WH安许证字[2025]017",
    "authority": "宁夏回族自治区应急管理厅",
    "valid_from": "2025-01-01",
    "valid_to": "2028-01-01",
}


@pytest.fixture
def licence(world):
    return Licence.objects.create(enterprise=world.inside, **LICENCE)


@pytest.fixture
def operator(world):
    return SpecialOperator.objects.create(
        enterprise=world.inside,
        name="电工乙",
        id_number="11010519491231002X",
        certificate_type="electrician",
        certificate_number="T11010519491231002X",
        valid_to=date.today() + timedelta(days=365),
    )


def test_a_licence_change_needs_the_version_read(world, api, licence):
    client = api.as_user(world.user(Role.COUNTY_ADMIN))
    url = f"/api/v1/enterprises/{world.inside.pk}/licences/{licence.pk}/"
    assert client.get(url).json()["version"] == 1
    missing = client.patch(url, {"authority": "别处"})
    assert missing.status_code == 400 and "version" in missing.json()["error"]["fields"]
    assert client.patch(url, {"authority": "别处", "version": 7}).status_code == 409
    done = client.patch(url, {"authority": "银川市应急管理局", "version": 1})
    assert done.status_code == 200 and done.json()["version"] == 2
    assert client.patch(url, {"authority": "第三处", "version": 1}).status_code == 409
    licence.refresh_from_db()
    assert (licence.authority, licence.version) == ("银川市应急管理局", 2)


def test_an_operator_change_needs_the_version_read(world, api, operator):
    client = api.as_user(world.user(Role.SAFETY_MANAGER))
    url = f"/api/v1/enterprises/{world.inside.pk}/personnel/{operator.pk}/"
    assert client.patch(url, {"name": "电工丙"}).status_code == 400
    assert client.patch(url, {"name": "电工丙", "version": 2}).status_code == 409
    done = client.patch(url, {"name": "电工丙", "version": 1})
    assert done.status_code == 200 and done.json()["version"] == 2


def test_a_change_by_a_reader_is_403_whatever_the_version(world, api, licence):
    client = api.as_user(world.user(Role.EXPERT))
    url = f"/api/v1/enterprises/{world.inside.pk}/licences/{licence.pk}/"
    assert client.patch(url, {"authority": "x", "version": 1}).status_code == 403


def test_a_duplicate_licence_is_a_field_error(world, api, licence):
    client = api.as_user(world.user(Role.COUNTY_ADMIN))
    base = f"/api/v1/enterprises/{world.inside.pk}/licences/"
    again = client.post(base, LICENCE)
    assert again.status_code == 400, again.content
    other = client.post(base, {**LICENCE, "number": "(宁)WH安许证字[2025]018"})
    assert other.status_code == 201
    clash = client.patch(
        f"{base}{other.json()['id']}/", {"number": LICENCE["number"], "version": 1}
    )
    assert clash.status_code == 400, clash.content
    assert Licence.objects.filter(enterprise=world.inside).count() == 2
