"""Templates per sector in force, lists issued from them and replaced, acknowledgements."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeloop.core.errors import status_for
from safeloop.duties import services
from safeloop.duties.models import DutyTemplate, ResponsibilityList
from safeloop.orgs.roles import Role
from tests.duties.conftest import issued, signatory


def _status(call):
    try:
        call()
    except Exception as error:
        status = status_for(error)
        if status is None:
            raise
        return status
    return 200


def test_a_sector_template_overrides_the_general_one_from_its_day(world):
    general = DutyTemplate.in_force("metallurgy")[("post", "班组长")]
    assert general.sector == "metallurgy"
    assert DutyTemplate.in_force("machinery")[("post", "班组长")].sector == ""
    newer = services.add_template(
        actor=world.user(Role.CITY_ADMIN),
        sector="machinery",
        kind="post",
        post="班组长",
        items="机加工班组长职责一\n职责二",
        effective_from=timezone.localdate() + timedelta(days=10),
        source="市局文件",
        confidence="unconfirmed",
    )
    assert DutyTemplate.in_force("machinery")[("post", "班组长")].sector == ""
    later = timezone.localdate() + timedelta(days=10)
    assert DutyTemplate.in_force("machinery", later)[("post", "班组长")] == newer


def test_a_list_is_issued_from_the_template_and_replaces_the_last_one(world):
    manager = world.user(Role.SAFETY_MANAGER)
    first = services.issue_list(actor=manager, enterprise=world.inside, kind="all_staff")
    template = DutyTemplate.in_force(world.inside.sector)[("all_staff", "")]
    assert first.template == template and first.items == template.items and first.post == ""
    second = services.issue_list(
        actor=manager, enterprise=world.inside, kind="all_staff", items="本企业修订的职责"
    )
    first.refresh_from_db()
    assert first.retired_at is not None and second.retired_at is None and second.template is None
    assert ResponsibilityList.objects.filter(enterprise=world.inside).count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "nonsense"}, "kind"),
        ({"kind": "post", "post": ""}, "post"),
        ({"kind": "post", "post": "没有模板的岗位"}, "items"),
        ({"kind": "all_staff", "items": "x" * 10001}, "items"),
        ({"kind": "all_staff", "issued_on": date(2999, 1, 1)}, "issued_on"),
    ],
)
def test_a_bad_list_is_400_on_its_field(world, fields, field):
    from safeloop.core.errors import fields_for

    with pytest.raises(Exception) as caught:
        services.issue_list(
            actor=world.user(Role.SAFETY_MANAGER), enterprise=world.inside, **fields
        )
    assert status_for(caught.value) == 400 and field in fields_for(caught.value)
    assert not ResponsibilityList.objects.exists()


@pytest.mark.parametrize("role", [*Role, None])
def test_each_person_acknowledges_their_own(world, role):
    principal = world.user(Role.ENTERPRISE_PRINCIPAL)
    rlist = issued(world.inside)
    own = signatory(rlist, "企业主要负责人", user=principal)
    paper = signatory(rlist, "李四")
    user = world.users[role]
    got_own = _status(lambda: services.acknowledge(actor=user, signatory=own))
    got_paper = _status(lambda: services.acknowledge(actor=user, signatory=paper))
    if role is None:
        assert (got_own, got_paper) == (404, 404)
    elif role == Role.ENTERPRISE_PRINCIPAL:
        assert (got_own, got_paper) == (200, 200)
    elif role == Role.SAFETY_MANAGER:
        assert (got_own, got_paper) == (403, 200)
    elif role in (Role.EXPERT, Role.GRID_INSPECTOR, Role.PARK_OFFICER) or role:
        assert (got_own, got_paper) == (403, 403)
    own.refresh_from_db()
    paper.refresh_from_db()
    assert (own.acknowledged_at is not None) == (got_own == 200)
    assert paper.on_paper == (got_paper == 200)
    if got_own == 200:
        assert _status(lambda: services.acknowledge(actor=user, signatory=own)) == 409


def test_a_replaced_list_takes_no_acknowledgement(world):
    manager = world.user(Role.SAFETY_MANAGER)
    rlist = issued(world.inside)
    person = signatory(rlist)
    services.issue_list(actor=manager, enterprise=world.inside, kind="all_staff")
    assert _status(lambda: services.acknowledge(actor=manager, signatory=person)) == 409
