"""Parks and grid cells: optimistic versions, and no move to another county while records
hang below them (issue 20, item 2)."""

import pytest

from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import GridCell, Park
from safeloop.orgs.roles import Role
from tests.scope import assert_status

UNITS = {"park": ("parks", Park), "grid": ("grid-cells", GridCell)}


@pytest.mark.parametrize("unit", list(UNITS))
def test_an_edit_needs_the_version_read(world, api, unit):
    path, model = UNITS[unit]
    obj = getattr(world, unit)
    api.as_user(world.user(Role.COUNTY_ADMIN))
    url = f"/api/v1/{path}/{obj.pk}/"
    assert_status(api.patch(url, {"name": "新名称"}), 400)
    assert_status(api.patch(url, {"name": "新名称", "version": "x"}), 400)
    response = api.patch(url, {"name": "新名称", "version": 1})
    assert_status(response, 200)
    assert response.json()["version"] == 2
    assert_status(api.patch(url, {"name": "再改", "version": 1}), 409)
    assert model.objects.get(pk=obj.pk).name == "新名称"


@pytest.mark.parametrize("unit", list(UNITS))
def test_a_unit_with_enterprises_does_not_move_to_another_county(world, api, unit):
    path, model = UNITS[unit]
    obj = getattr(world, unit)
    api.as_user(world.user(Role.CITY_ADMIN))
    body = {"region": world.sibling_county.pk, "version": 1}
    if unit == "park":
        GridCell.objects.filter(park=obj).update(park=None)
    response = api.patch(f"/api/v1/{path}/{obj.pk}/", body)
    assert_status(response, 400)
    assert response.json()["error"]["fields"]["region"]
    assert model.objects.get(pk=obj.pk).region == world.county
    assert Enterprise.objects.get(pk=world.inside.pk).region_code == "640104"


@pytest.mark.parametrize("unit", list(UNITS))
def test_an_empty_unit_moves(world, api, unit):
    path, model = UNITS[unit]
    if unit == "park":
        obj = Park.objects.create(name="空园区", region=world.county)
    else:
        obj = GridCell.objects.create(code="640104-E", name="空网格", region=world.county)
    response = api.as_user(world.user(Role.CITY_ADMIN)).patch(
        f"/api/v1/{path}/{obj.pk}/", {"region": world.sibling_county.pk, "version": 1}
    )
    assert_status(response, 200)
    obj = model.objects.get(pk=obj.pk)
    assert obj.region_code == "640105"
