"""The loop's rules beyond the table: separation of duties, plans, extensions, listing,
deadlines in working days, idempotency, concurrency, and the monitoring jobs."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from safeloop.core.errors import Conflict, IllegalMove, Invalid, NotPermitted
from safeloop.core.models import AuditEntry, CalendarOverride, Notification
from safeloop.hazards import services, tasks
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Accountability, Hazard, HazardPolicy, Listing
from safeloop.orgs.roles import Role
from tests.photos import photo

R = Role


def test_the_submitter_can_never_accept_their_own_rectification(world, make_hazard):
    manager, principal = world.user(R.SAFETY_MANAGER), world.user(R.ENTERPRISE_PRINCIPAL)
    hazard = make_hazard(state=State.RECTIFYING)
    services.submit(hazard=hazard, actor=manager, evidence="已整改", photos=[photo()])
    with pytest.raises(NotPermitted):
        services.accept(hazard=hazard, actor=manager, opinion="合格")
    with pytest.raises(NotPermitted):
        services.return_for_rectification(hazard=hazard, actor=manager, reason="x")
    closed = services.accept(hazard=hazard, actor=principal, opinion="合格")
    assert closed.state == State.CLOSED and closed.accepted_by == principal


def test_a_regulator_who_fixes_on_the_spot_needs_another_to_accept(world, departments):
    inspector = world.user(R.COUNTY_INSPECTOR)
    hazard, _ = services.fix_on_spot(
        actor=inspector,
        enterprise=world.inside,
        level=Level.GENERAL,
        source="enforcement",
        category="5",
        place="配电室",
        description="灭火器过期",
        evidence="当场更换",
    )
    assert hazard.state == State.AWAITING and hazard.found_by_regulator
    with pytest.raises(NotPermitted):
        services.accept(hazard=hazard, actor=inspector, opinion="合格")
    with pytest.raises(NotPermitted):  # the enterprise does not accept a regulator's finding
        services.accept(hazard=hazard, actor=world.user(R.ENTERPRISE_PRINCIPAL), opinion="合格")
    services.accept(hazard=hazard, actor=world.user(R.COUNTY_ADMIN), opinion="合格")


def test_a_major_hazard_cannot_be_fixed_on_the_spot(world, departments):
    with pytest.raises(Invalid) as error:
        services.fix_on_spot(
            actor=world.user(R.SAFETY_MANAGER),
            enterprise=world.inside,
            level=Level.MAJOR,
            source="1",
            category="1",
            place="x",
            description="y",
            evidence="z",
        )
    assert error.value.field == "level"
    assert not Hazard.objects.exists()


def test_submission_needs_the_whole_plan_and_for_major_the_governance_plan(world, make_hazard):
    hazard = make_hazard(state=State.RECTIFYING, level=Level.MAJOR, plan_safety="")
    with pytest.raises(Invalid) as error:
        services.submit(
            hazard=hazard, actor=world.user(R.SAFETY_MANAGER), evidence="done", photos=[photo()]
        )
    assert "safety measures" in str(error.value.message) or "安全" in str(error.value.message)
    services.plan(hazard=hazard, actor=world.user(R.SAFETY_MANAGER), plan_safety="应急预案")
    services.submit(
        hazard=hazard, actor=world.user(R.SAFETY_MANAGER), evidence="done", photos=[photo()]
    )


def test_a_major_hazard_must_be_listed_before_submission(world, make_hazard):
    hazard = make_hazard(state=State.RECTIFYING, level=Level.MAJOR, listed=False)
    with pytest.raises(IllegalMove):
        services.submit(
            hazard=hazard, actor=world.user(R.SAFETY_MANAGER), evidence="done", photos=[photo()]
        )


def test_listing_numbers_notices_per_department_and_year(world, make_hazard):
    admin = world.user(R.COUNTY_ADMIN)
    first = make_hazard(level=Level.MAJOR, listed=False)
    second = make_hazard(level=Level.MAJOR, listed=False)
    deadline = timezone.localdate() + timedelta(days=60)
    a = services.list_hazard(hazard=first, actor=admin, deadline=deadline)
    b = services.list_hazard(hazard=second, actor=admin, deadline=deadline)
    year = timezone.localdate().year
    assert a.notice_number == f"兴庆区工信局督〔{year}〕第1号"
    assert b.notice_number == f"兴庆区工信局督〔{year}〕第2号"
    with pytest.raises(IllegalMove):
        services.list_hazard(hazard=first, actor=admin, deadline=deadline)


def test_the_city_lists_when_the_policy_says_so(world, make_hazard):
    HazardPolicy.objects.create(
        effective_from=date(2020, 1, 1), source="test", listing_level="city"
    )
    hazard = make_hazard(level=Level.MAJOR, listed=False)
    deadline = timezone.localdate() + timedelta(days=60)
    with pytest.raises(NotPermitted):
        services.list_hazard(hazard=hazard, actor=world.user(R.COUNTY_ADMIN), deadline=deadline)
    listing = services.list_hazard(hazard=hazard, actor=world.user(R.CITY_ADMIN), deadline=deadline)
    assert listing.department.name == "银川市工信局" and listing.level == "city"


def test_acceptance_of_a_major_hazard_delists_it_and_needs_the_report(world, make_hazard):
    hazard = make_hazard(state=State.AWAITING, level=Level.MAJOR)
    county = world.user(R.COUNTY_INSPECTOR)
    with pytest.raises(Invalid):
        services.accept(hazard=hazard, actor=county, opinion="合格", expert_report="")
    services.accept(hazard=hazard, actor=county, opinion="合格", expert_report="专家组意见")
    assert Listing.objects.get(hazard=hazard).delisted_at == timezone.localdate()
    with pytest.raises(NotPermitted):  # the city did not list it: it does not accept it
        services.accept(
            hazard=make_hazard(state=State.AWAITING, level=Level.MAJOR),
            actor=world.user(R.CITY_ADMIN),
            opinion="合格",
            expert_report="r",
        )


def test_returns_are_counted(world, make_hazard):
    hazard = make_hazard(state=State.AWAITING)
    principal, manager = world.user(R.ENTERPRISE_PRINCIPAL), world.user(R.SAFETY_MANAGER)
    services.return_for_rectification(hazard=hazard, actor=principal, reason="未彻底")
    services.submit(hazard=hazard, actor=manager, evidence="再次整改", photos=[photo()])
    hazard = services.return_for_rectification(hazard=hazard, actor=principal, reason="仍未")
    assert hazard.returns_count == 2
    assert [e.move for e in hazard.events.all()] == ["return", "submit", "return"]


def test_a_general_hazard_gets_one_extension(world, make_hazard):
    manager, county = world.user(R.SAFETY_MANAGER), world.user(R.COUNTY_ADMIN)
    hazard = make_hazard()
    later = hazard.deadline + timedelta(days=10)
    services.request_extension(hazard=hazard, actor=manager, new_deadline=later, reason="缺件")
    with pytest.raises(IllegalMove):  # one request at a time
        services.request_extension(hazard=hazard, actor=manager, new_deadline=later, reason="x")
    services.decide_extension(hazard=hazard, actor=county, approve=True)
    hazard.refresh_from_db()
    assert hazard.deadline == later and hazard.extensions_count == 1
    with pytest.raises(IllegalMove):
        services.request_extension(
            hazard=hazard, actor=manager, new_deadline=later + timedelta(days=5), reason="again"
        )


def test_a_refused_extension_keeps_the_deadline(world, make_hazard):
    hazard = make_hazard()
    old = hazard.deadline
    services.request_extension(
        hazard=hazard,
        actor=world.user(R.SAFETY_MANAGER),
        new_deadline=old + timedelta(days=3),
        reason="缺件",
    )
    services.decide_extension(
        hazard=hazard, actor=world.user(R.GRID_INSPECTOR), approve=False, note="理由不足"
    )
    hazard.refresh_from_db()
    assert hazard.deadline == old and hazard.extensions_count == 0


def test_a_major_extension_needs_twenty_working_days_notice(world, make_hazard):
    today = timezone.localdate()
    near = services.calendar.add_working_days(today, 19).day
    far = services.calendar.add_working_days(today, 20).day
    manager = world.user(R.SAFETY_MANAGER)
    late = make_hazard(level=Level.MAJOR, deadline=near)
    with pytest.raises(IllegalMove, match="20"):
        services.request_extension(
            hazard=late, actor=manager, new_deadline=near + timedelta(days=30), reason="x"
        )
    timely = make_hazard(level=Level.MAJOR, deadline=far)
    services.request_extension(
        hazard=timely, actor=manager, new_deadline=far + timedelta(days=30), reason="x"
    )
    with pytest.raises(NotPermitted):  # only the listing department decides
        services.decide_extension(hazard=timely, actor=world.user(R.GRID_INSPECTOR), approve=True)
    services.decide_extension(hazard=timely, actor=world.user(R.COUNTY_ADMIN), approve=True)
    assert Listing.objects.get(hazard=timely).deadline == far + timedelta(days=30)


# ---------------------------------------------------------------- calendar
def test_working_days_skip_the_spring_festival_and_count_make_up_days(db):
    from safeloop.core.calendar import add_working_days, working_days_between

    # 2026: Spring Festival holiday 15–23 Feb; Saturday 14 Feb and 28 Feb are workdays.
    assert add_working_days(date(2026, 2, 13), 1).day == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1).day == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 27), 1).day == date(2026, 2, 28)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert not add_working_days(date(2026, 2, 13), 5).fell_back


def test_years_without_statutory_data_fall_back_and_overrides_win(db):
    from safeloop.core.calendar import add_working_days

    result = add_working_days(date(2031, 1, 30), 1)  # a Thursday
    assert result.day == date(2031, 1, 31) and result.fell_back
    CalendarOverride.objects.create(day=date(2031, 1, 31), is_workday=False, note="春节")
    assert add_working_days(date(2031, 1, 30), 1).day == date(2031, 2, 3)


def test_a_deadline_in_working_days_is_computed_and_recorded(world, departments):
    hazard, _ = services.register(
        actor=world.user(R.SAFETY_MANAGER),
        enterprise=world.inside,
        level=Level.GENERAL,
        source="1",
        category="7",
        place="空压站",
        description="安全阀未校验",
        deadline_working_days=10,
    )
    expected = services.calendar.add_working_days(timezone.localdate(), 10).day
    assert hazard.deadline == expected and hazard.deadline_working_days == 10


def test_registration_needs_a_deadline_and_valid_choices(world, departments):
    manager = world.user(R.SAFETY_MANAGER)
    with pytest.raises(Invalid) as error:
        services.register(
            actor=manager,
            enterprise=world.inside,
            level=Level.GENERAL,
            source="1",
            category="1",
            place="x",
            description="y",
        )
    assert error.value.field == "deadline"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as invalid:
        services.register(
            actor=manager,
            enterprise=world.inside,
            level="catastrophic",
            source="99",
            category="1",
            place="x",
            description="y",
            deadline_working_days=3,
        )
    assert {"level", "source"} <= set(invalid.value.message_dict)
    assert not Hazard.objects.exists()


# ---------------------------------------------------------------- idempotency, audit
def test_a_retried_creation_with_the_same_key_makes_no_duplicate(world, departments):
    manager = world.user(R.SAFETY_MANAGER)
    fields = dict(
        actor=manager,
        enterprise=world.inside,
        level=Level.GENERAL,
        source="1",
        category="1",
        place="x",
        description="y",
        deadline_working_days=3,
        idempotency_key="phone-123",
    )
    first, created = services.register(**fields)
    again, created_again = services.register(**fields)
    assert created and not created_again and again.pk == first.pk
    assert Hazard.objects.count() == 1


def test_every_move_leaves_an_audit_entry_and_a_timeline_event(world, make_hazard):
    hazard = make_hazard(state=State.AWAITING)
    services.accept(hazard=hazard, actor=world.user(R.ENTERPRISE_PRINCIPAL), opinion="合格")
    entry = AuditEntry.objects.filter(action="hazards.hazard.accept").get()
    assert entry.changes["state"] == ["awaiting", "closed"]
    assert entry.actor == world.user(R.ENTERPRISE_PRINCIPAL)
    assert hazard.events.get().to_state == "closed"


def test_a_stale_version_is_a_conflict(world, make_hazard):
    hazard = make_hazard(state=State.AWAITING)
    with pytest.raises(Conflict):
        services.accept(
            hazard=hazard,
            actor=world.user(R.ENTERPRISE_PRINCIPAL),
            opinion="合格",
            version=hazard.version - 1 if hazard.version else 99,
        )


@pytest.mark.django_db(transaction=True)
def test_two_people_accepting_at_once_exactly_one_wins(world, make_hazard):
    hazard = make_hazard(state=State.AWAITING, by_regulator=True)
    actors = [world.user(R.COUNTY_ADMIN), world.user(R.GRID_INSPECTOR)]
    barrier, outcomes = threading.Barrier(2), []

    def act(user):
        try:
            barrier.wait()
            services.accept(hazard=hazard, actor=user, opinion=f"{user} 验收")
            outcomes.append("won")
        except IllegalMove:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(u,)) for u in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "won"]
    assert Hazard.objects.get(pk=hazard.pk).events.filter(move="accept").count() == 1


# ---------------------------------------------------------------- monitoring jobs
def test_overdue_scan_marks_escalates_and_is_idempotent(world, make_hazard):
    hazard = make_hazard(deadline=timezone.localdate() + timedelta(days=5))
    tasks.scan_overdue()
    assert not Accountability.objects.exists()
    day_10_late = hazard.deadline + timedelta(days=10)  # the clock moved on
    first = tasks.scan_overdue(today=day_10_late)
    hazard.refresh_from_db()
    assert hazard.escalation_step == 3  # enterprise, grid, county — the city waits for day 15
    assert first["accountability"] == 1
    recipients = set(
        Notification.objects.filter(kind="hazard.overdue").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {
        "enterprise_principal",
        "safety_manager",
        "grid_inspector",
        "county_admin",
        "county_inspector",
    }  # not yet the city (15 days)
    second = tasks.scan_overdue(today=day_10_late)
    assert second == {"escalated": 0, "accountability": 0, "notified": 0}
    tasks.scan_overdue(today=hazard.deadline + timedelta(days=15))
    assert Notification.objects.filter(recipient__username="city_admin").count() == 1


def test_closed_hazards_are_never_overdue(world, make_hazard):
    hazard = make_hazard(state=State.CLOSED, deadline=timezone.localdate() - timedelta(days=3))
    tasks.scan_overdue()
    hazard.refresh_from_db()
    assert hazard.escalation_step == 0 and not Accountability.objects.exists()


def test_reminders_go_out_once_three_working_days_ahead(world, make_hazard):
    today = date(2026, 3, 2)  # a Monday
    make_hazard(deadline=date(2026, 3, 5))
    make_hazard(deadline=date(2026, 3, 20))
    assert tasks.send_reminders(today=today) == 2  # principal and safety manager, once
    assert tasks.send_reminders(today=today) == 0


def test_notifications_wait_for_the_commit(world, departments):
    with transaction.atomic():
        services.register(
            actor=world.user(R.COUNTY_INSPECTOR),
            enterprise=world.inside,
            level=Level.GENERAL,
            source="enforcement",
            category="1",
            place="x",
            description="y",
            deadline_working_days=5,
        )
        assert not Notification.objects.exists()


def test_money_is_decimal(world, make_hazard):
    hazard = make_hazard()
    hazard.refresh_from_db()
    assert hazard.funds_budgeted == Decimal("5000.00")


def test_an_approved_extension_restarts_escalation(world, make_hazard):
    hazard = make_hazard(deadline=timezone.localdate() - timedelta(days=4))
    tasks.scan_overdue()
    hazard.refresh_from_db()
    assert hazard.escalation_step == 2 and hazard.overdue_days == 4
    services.request_extension(
        hazard=hazard,
        actor=world.user(R.SAFETY_MANAGER),
        new_deadline=timezone.localdate() + timedelta(days=10),
        reason="设备到货延迟",
    )
    services.decide_extension(hazard=hazard, actor=world.user(R.COUNTY_ADMIN), approve=True)
    hazard.refresh_from_db()
    assert hazard.escalation_step == 0 and not hazard.is_overdue


def test_hazards_follow_their_enterprise_to_another_county(world, make_hazard):
    hazard = make_hazard()
    assert hazard.region_code == "640104"
    county_admin = world.user(R.COUNTY_ADMIN)
    assert Hazard.objects.for_user(county_admin).filter(pk=hazard.pk).exists()
    world.inside.region = world.sibling_county
    world.inside.park = world.inside.grid = None
    world.inside.save()
    hazard.refresh_from_db()
    assert hazard.region_code == "640105"
    assert not Hazard.objects.for_user(county_admin).filter(pk=hazard.pk).exists()
