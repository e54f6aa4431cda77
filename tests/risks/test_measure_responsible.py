"""A control measure may name the account of its responsible person: only an account of the
enterprise's principal or safety staff, through the service and the API alike."""

import pytest
from django.core.exceptions import ValidationError

from safeloop.orgs.roles import Role
from safeloop.risks import services
from tests.conftest import make_user


def measure_fields(**extra):
    return {
        "kind": "management",
        "description": "每日检查防护罩",
        "control_level": "team",
        "responsible": "张三",
        "inspection_frequency": "daily",
        **extra,
    }


def test_the_service_accepts_the_enterprises_staff(world, make_point, manager):
    point = make_point()
    principal = world.user(Role.ENTERPRISE_PRINCIPAL)
    measure = services.create_measure(
        actor=manager, point=point, **measure_fields(responsible_user=principal)
    )
    assert measure.responsible_user == principal


@pytest.mark.parametrize("role", [Role.EXPERT, Role.COUNTY_INSPECTOR, None])
def test_the_service_refuses_anyone_else(world, make_point, manager, role):
    point = make_point()
    with pytest.raises(ValidationError) as error:
        services.create_measure(
            actor=manager, point=point, **measure_fields(responsible_user=world.users[role])
        )
    assert "responsible_user" in error.value.message_dict


def test_staff_of_another_enterprise_are_refused(world, make_point, manager):
    other = make_user("other_manager", Role.SAFETY_MANAGER, enterprise=world.sibling)
    with pytest.raises(ValidationError):
        services.create_measure(
            actor=manager, point=make_point(), **measure_fields(responsible_user=other)
        )


def test_the_api_names_and_checks_the_account(world, make_point, manager, api):
    point = make_point()
    api.as_user(manager)
    principal = world.user(Role.ENTERPRISE_PRINCIPAL)
    ok = api.post(
        "/api/v1/control-measures/",
        measure_fields(risk_point=point.pk, responsible_user=principal.pk),
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["responsible_user"] == principal.pk
    outsider = make_user("outsider_manager", Role.SAFETY_MANAGER, enterprise=world.outside)
    for value in (outsider.pk, world.user(Role.EXPERT).pk, "abc"):
        refused = api.post(
            "/api/v1/control-measures/",
            measure_fields(risk_point=point.pk, responsible_user=value),
        )
        assert refused.status_code == 400, refused.content
        assert "responsible_user" in refused.json()["error"]["fields"]
