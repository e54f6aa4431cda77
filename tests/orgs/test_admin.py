"""The Django admin: for system administrators only, audited, and never deletes org units."""

import pytest

from safeloop.core.models import AuditEntry
from safeloop.orgs.models import Park
from safeloop.orgs.roles import Role
from tests.scope import assert_refused


@pytest.fixture
def staff(world):
    user = world.user(Role.SYSTEM_ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_other_roles_cannot_open_the_admin(world, client):
    client.force_login(world.user(Role.CITY_ADMIN))
    assert client.get("/admin/orgs/park/").status_code == 302


def test_an_admin_edit_is_audited_with_its_actor(world, client, staff):
    client.force_login(staff)
    url = f"/admin/orgs/park/{world.park.pk}/change/"
    response = client.post(
        url,
        {
            "name": world.park.name,
            "region": world.county.pk,
            "level": "national",
            "note": "后台修改",
            "verified": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    entry = AuditEntry.objects.filter(action="orgs.park.update").latest("id")
    assert entry.actor == staff and entry.changes["note"] == ["", "后台修改"]


def test_the_admin_never_deletes_org_units(world, client, staff):
    client.force_login(staff)
    response = client.post(f"/admin/orgs/park/{world.park.pk}/delete/", {"post": "yes"})
    assert_refused(response)
    assert Park.objects.filter(pk=world.park.pk).exists()


def test_the_admin_cannot_move_a_park_to_another_county(world, client, staff):
    client.force_login(staff)
    url = f"/admin/orgs/park/{world.park.pk}/change/"
    body = {"name": world.park.name, "region": world.sibling_county.pk, "level": "other"}
    assert client.post(url, body).status_code == 302
    park = Park.objects.get(pk=world.park.pk)
    assert park.region == world.county and park.version == 2
