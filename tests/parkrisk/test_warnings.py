"""Missing, overdue and unapproved assessments and overdue measures warn (the alerts rule
`park_assessment`), once per park and year or per measure; the list page shows the gaps."""

from datetime import date, timedelta

from django.utils import timezone

from safeloop.alerts.evaluation import evaluate
from safeloop.alerts.models import EarlyWarning, WarningRule
from safeloop.orgs.models import Park
from safeloop.orgs.roles import Role
from safeloop.parkrisk import selectors
from safeloop.parkrisk.choices import AssessmentState, MeasureState
from safeloop.parkrisk.models import AssessmentRule
from tests.parkrisk.conftest import make, measure


def _rule(**fields):
    AssessmentRule.objects.all().delete()
    values = {
        "due_month": 3,
        "due_day": 31,
        "due_year_offset": 1,
        "warn_days": 30,
        "effective_from": date(2000, 1, 1),
        "source": "测试",
    }
    values.update(fields)
    return AssessmentRule.objects.create(**values)


def test_it_lists_the_latest_overdue_year_and_the_next_one_within_the_warning_days(world):
    _rule()
    second = Park.objects.create(name="第二园区", region=world.county)
    make(world.park, 2025, AssessmentState.APPROVED)
    make(second, 2025, AssessmentState.SUBMITTED)
    gaps = selectors.missing(date(2026, 4, 1))
    assert [(g.park.name, g.year, g.assessment is not None, g.overdue) for g in gaps] == [
        ("第二园区", 2025, True, True)
    ]
    # on 5 March 2027 the 2026 assessment is due within 30 days; 2025 is still the latest overdue
    gaps = selectors.missing(date(2027, 3, 5))
    assert {(g.park.name, g.year, g.due) for g in gaps} == {
        ("第二园区", 2025, date(2026, 3, 31)),
        ("测试园区", 2026, date(2027, 3, 31)),
        ("第二园区", 2026, date(2027, 3, 31)),
    }


def test_a_missing_or_unapproved_assessment_and_an_overdue_measure_warn_once(world):
    _rule()
    today = timezone.localdate()
    rule = WarningRule.objects.get(code="park_assessment")
    latest = max(y for y in range(today.year - 3, today.year + 1) if date(y + 1, 3, 31) < today)
    second = Park.objects.create(name="第二园区", region=world.county)
    make(second, latest, AssessmentState.REVIEWED)
    done = make(world.park, latest - 1, AssessmentState.APPROVED)
    late = measure(done, days=1)
    late.deadline = today - timedelta(days=1)
    late.save()
    closed = measure(done, days=1)
    closed.deadline = today - timedelta(days=5)
    closed.state = MeasureState.CLOSED
    closed.save()
    evaluate(rule, today)
    warnings = {(w.subject_id, w.period): w for w in EarlyWarning.objects.filter(rule=rule)}
    assert set(warnings) == {
        (world.park.pk, f"assessment:{latest}"),
        (second.pk, f"assessment:{latest}"),
        (world.park.pk, f"measure:{late.pk}"),
    }
    assert "尚未开展" in warnings[(world.park.pk, f"assessment:{latest}")].reason
    assert "未获批准" in warnings[(second.pk, f"assessment:{latest}")].reason
    assert "逾期未完成" in warnings[(world.park.pk, f"measure:{late.pk}")].reason
    assert warnings[(world.park.pk, f"measure:{late.pk}")].park_id == world.park.pk
    evaluate(rule, today)
    assert EarlyWarning.objects.filter(rule=rule).count() == 3
    # the park officer sees their park's warnings, the county all three
    for role, n in ((Role.PARK_OFFICER, 2), (Role.COUNTY_ADMIN, 3), (Role.GRID_INSPECTOR, 0)):
        seen = EarlyWarning.objects.for_user(world.user(role), "view").filter(rule=rule)
        assert seen.count() == n


def test_the_list_page_shows_the_gap_and_the_home_page_the_work(world, client):
    _rule(due_year_offset=0, due_month=1, due_day=1)
    client.force_login(world.user(Role.PARK_OFFICER))
    html = client.get("/parkrisk/").content.decode()
    year = timezone.localdate().year
    assert f'data-park="{world.park.pk}" data-year="{year}"' in html
    home = client.get("/").content.decode()
    assert f"{world.park.name}：开展{year}年度风险评估" in home
