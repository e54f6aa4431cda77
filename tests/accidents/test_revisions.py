"""续报 (Art. 13): casualty changes within the follow-up window (30 days; 7 for road and fire
accidents, as rule data) re-grade the accident, every version kept with its reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.accidents import services
from safeloop.accidents.models import Revision
from safeloop.core.errors import Invalid
from safeloop.orgs.roles import Role
from safeloop.risks.models import AccidentType

T0 = timezone.now().replace(microsecond=0) - timedelta(days=60)


def correct(world, accident, reason="续报", **fields):
    accident.refresh_from_db()
    return services.update(
        actor=world.user(Role.COUNTY_ADMIN),
        accident=accident,
        version=accident.version,
        reason=reason,
        **fields,
    )


@pytest.mark.django_db
def test_every_version_is_kept_with_its_reason_and_grade(world, make_accident):
    accident = make_accident(serious_injuries=4)
    correct(world, accident, reason="两名伤者经抢救无效死亡", deaths=2, serious_injuries=2)
    correct(world, accident, reason="又一名伤者死亡", deaths=3, serious_injuries=1)
    correct(world, accident, reason="核减直接经济损失", direct_loss=500)
    rows = list(
        Revision.objects.filter(accident=accident).values_list(
            "number", "reason", "deaths", "grade", "regraded"
        )
    )
    assert rows == [
        (1, rows[0][1], 0, "general", False),
        (2, "两名伤者经抢救无效死亡", 2, "general", False),
        (3, "又一名伤者死亡", 3, "serious", True),
        (4, "核减直接经济损失", 3, "serious", False),
    ]
    assert rows[0][1] in {"First report", "首报"}
    accident.refresh_from_db()
    assert accident.grade == "serious"


@pytest.mark.django_db
def test_a_text_correction_adds_no_revision_and_figures_need_a_reason(world, make_accident):
    accident = make_accident()
    correct(world, accident, reason="", place="三号车间")
    assert accident.revisions.count() == 1
    with pytest.raises(Invalid) as error:
        correct(world, accident, reason=" ", deaths=1)
    assert "reason" in error.value.fields()
    assert accident.revisions.count() == 1


@pytest.mark.django_db
def test_revisions_are_append_only(world, make_accident):
    revision = make_accident().revisions.get()
    with pytest.raises(ValueError):
        revision.save()
    with pytest.raises(ValueError):
        revision.delete()


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "allowed"), [(30, True), (30.0001, False)])
def test_casualties_change_for_thirty_days(world, make_accident, clock, days, allowed):
    clock.set(T0 + timedelta(minutes=30))
    accident = make_accident(occurred_at=T0)
    clock.set(T0 + timedelta(days=days))
    if allowed:
        assert correct(world, accident, deaths=3).grade == "serious"
    else:
        with pytest.raises(Invalid) as error:
            correct(world, accident, deaths=3)
        assert "deaths" in error.value.fields()
        correct(world, accident, direct_loss=9000)  # the loss estimate may still change


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["火灾", "车辆伤害"])
@pytest.mark.parametrize(("days", "allowed"), [(7, True), (7.0001, False)])
def test_road_and_fire_accidents_have_seven_days(world, make_accident, clock, name, days,
                                                 allowed):  # fmt: skip
    kind = AccidentType.objects.filter(name=name).first()
    assert kind is not None
    clock.set(T0 + timedelta(minutes=30))
    accident = make_accident(occurred_at=T0, accident_type=kind)
    clock.set(T0 + timedelta(days=days))
    if allowed:
        correct(world, accident, serious_injuries=10)
        assert accident.revisions.last().regraded
    else:
        with pytest.raises(Invalid):
            correct(world, accident, serious_injuries=10)
