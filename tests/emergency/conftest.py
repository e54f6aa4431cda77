import pytest

from safeloop.emergency import services
from safeloop.emergency.choices import ResourceKind, TeamKind
from safeloop.orgs.roles import Role


@pytest.fixture
def make_resource(world):
    """A resource made through the service (by the system administrator unless `actor`)."""

    def make(actor=None, **fields):
        values = {
            "kind": ResourceKind.TEAM,
            "name": "测试救援队",
            "region": world.county,
            "team_kind": TeamKind.PROFESSIONAL,
            "duty_phone": "13912345678",
            "latitude": 38.47,
            "longitude": 106.28,
            **fields,
        }
        return services.create_resource(actor=actor or world.user(Role.SYSTEM_ADMIN), **values)

    return make


@pytest.fixture
def make_incident(world):
    def make(actor=None, **fields):
        values = {
            "title": "储罐泄漏",
            "place": "工业区",
            "commander": "区局局长",
            "grade": "general",
            "region": world.county,
            "latitude": 38.47,
            "longitude": 106.29,
            **fields,
        }
        return services.open_incident(actor=actor or world.user(Role.COUNTY_ADMIN), **values)

    return make
