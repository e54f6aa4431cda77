"""The investigation case: each measure a hidden danger tracked in the hazards app, the case
closed with its report (PDF) only when every measure is closed (四不放过), 瞒报/谎报 recorded."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.accidents import investigation as cases
from safeloop.core.errors import IllegalMove, Invalid, NotFound, NotPermitted
from safeloop.hazards import services as hazards
from safeloop.hazards.choices import State
from safeloop.orgs.roles import Role
from tests.photos import photo

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(content=PDF, name="调查报告.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def complete(world, accident, **extra):
    return cases.open_case(
        actor=world.user(Role.COUNTY_ADMIN),
        accident=accident,
        team="县应急管理局、县总工会、县公安局",
        findings="冲床光电保护装置被短接",
        direct_causes="违规短接安全装置",
        indirect_causes="安全培训不到位",
        responsibility="车间主任负直接管理责任",
        lessons="安全装置不得擅自拆除",
        **extra,
    )


def close_hazard(world, hazard):
    manager = world.user(Role.SAFETY_MANAGER)
    hazards.plan(hazard=hazard, actor=manager, funds_budgeted=2000, responsible_person="张工",
                 emergency_measures="停机挂牌")  # fmt: skip
    hazards.submit(
        hazard=hazard,
        actor=world.user(Role.SAFETY_MANAGER),
        evidence="已恢复保护装置",
        photos=[photo()],
    )
    return hazards.accept(hazard=hazard, actor=world.user(Role.COUNTY_INSPECTOR), opinion="合格")


@pytest.mark.django_db
def test_closure_is_refused_while_a_measure_is_open(world, make_accident):
    case = complete(world, make_accident())
    county = world.user(Role.COUNTY_ADMIN)
    first = cases.add_measure(actor=county, investigation=case, description="恢复光电保护",
                              deadline=timezone.localdate() + timedelta(days=10))  # fmt: skip
    second = cases.add_measure(actor=county, investigation=case, description="全员复训",
                               deadline=timezone.localdate() + timedelta(days=20))  # fmt: skip
    assert first.hazard.state == State.RECTIFYING
    assert first.hazard.enterprise == world.inside
    close_hazard(world, first.hazard)
    case.refresh_from_db()
    with pytest.raises(Invalid) as error:
        cases.close_case(actor=county, investigation=case, report=pdf(), version=case.version)
    assert "report" in error.value.fields()
    assert cases.checklist(case)["measures"] is False
    close_hazard(world, second.hazard)
    closed = cases.close_case(actor=county, investigation=case, report=pdf(), version=case.version)
    assert closed.state == "closed" and closed.report.name.endswith(".pdf")
    assert all(cases.checklist(closed).values())
    with pytest.raises(IllegalMove):
        cases.add_measure(actor=county, investigation=closed, description="x",
                          deadline=timezone.localdate())  # fmt: skip


@pytest.mark.django_db
def test_a_case_without_measures_or_causes_does_not_close(world, make_accident):
    county = world.user(Role.COUNTY_ADMIN)
    case = cases.open_case(actor=county, accident=make_accident(), team="调查组")
    with pytest.raises(Invalid) as error:
        cases.close_case(actor=county, investigation=case, report=pdf(), version=1)
    assert "direct_causes" in error.value.fields()


@pytest.mark.django_db
def test_the_report_must_be_a_pdf(world, make_accident):
    case = complete(world, make_accident())
    county = world.user(Role.COUNTY_ADMIN)
    measure = cases.add_measure(actor=county, investigation=case, description="恢复光电保护",
                                deadline=timezone.localdate() + timedelta(days=10))  # fmt: skip
    close_hazard(world, measure.hazard)
    case.refresh_from_db()
    for bad in (pdf(b"GIF89a not a pdf"), pdf(b""), None):
        with pytest.raises(Invalid) as error:
            cases.close_case(actor=county, investigation=case, report=bad, version=case.version)
        assert "report" in error.value.fields()
    case.refresh_from_db()
    assert case.state == "investigating"


@pytest.mark.django_db
def test_concealment_is_recorded_with_what_was_hidden(world, make_accident):
    with pytest.raises(Invalid) as error:
        complete(world, make_accident(), concealment="concealed")
    assert "concealment_note" in error.value.fields()
    case = complete(world, make_accident(place="三号车间"), concealment="concealed",
                    concealment_note="企业隐瞒一名重伤人员")  # fmt: skip
    assert case.concealment == "concealed"
    assert "瞒报" in case.get_concealment_display()


OPEN_STATUS = {
    Role.SYSTEM_ADMIN: 201, Role.CITY_ADMIN: 201, Role.CITY_INSPECTOR: 201,
    Role.COUNTY_ADMIN: 201, Role.COUNTY_INSPECTOR: 201, Role.PARK_OFFICER: 201,
    Role.GRID_INSPECTOR: 201, Role.ENTERPRISE_PRINCIPAL: 403, Role.SAFETY_MANAGER: 403,
    Role.EXPERT: 403, None: 404,
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(OPEN_STATUS))
def test_who_opens_an_investigation_on_the_api(world, api, make_accident, role):
    accident = make_accident()
    response = api.as_user(world.users[role]).post(
        f"/api/v1/accidents/{accident.pk}/investigation/", {"team": "调查组"}
    )
    assert response.status_code == OPEN_STATUS[role], response.content
    if role is not None:
        seen = api.get(f"/api/v1/accidents/{accident.pk}/investigation/")
        assert seen.status_code == (200 if OPEN_STATUS[role] == 201 else 404)


@pytest.mark.django_db
def test_outside_the_scope_it_is_404(world, make_accident):
    accident = make_accident(enterprise=world.outside, actor=world.user(Role.SYSTEM_ADMIN))
    with pytest.raises(NotFound):
        cases.open_case(actor=world.user(Role.COUNTY_ADMIN), accident=accident, team="调查组")
    with pytest.raises(NotPermitted):
        cases.open_case(actor=world.user(Role.SAFETY_MANAGER), accident=make_accident(),
                        team="调查组")  # fmt: skip
