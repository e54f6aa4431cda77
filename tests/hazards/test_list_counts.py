"""The list's counts never scan a whole scope: saved views without DISTINCT that repeat no
row, counts exact up to the cap and "cap+" beyond (a tiny cap here, through the setting),
and the API list's pagination fields."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.core.counts import capped_count
from safeloop.hazards import selectors, services
from safeloop.hazards.choices import ExtensionStatus, Level, State
from safeloop.hazards.models import Extension, Hazard
from safeloop.orgs.roles import Role
from tests.hazards.test_views import hazard_on, ids_on
from tests.scope import ROLES


@pytest.fixture
def loop(world, make_hazard):
    """Hazards of every kind the saved views pick, one of them with several extension rows
    (refused ones and the one waiting): a join to them would repeat it."""
    today = timezone.localdate()
    waiting = make_hazard(extension=True)
    for days in (5, 9):
        Extension.objects.create(
            hazard=waiting,
            requested_by=world.user(Role.SAFETY_MANAGER),
            old_deadline=waiting.deadline,
            new_deadline=waiting.deadline + timedelta(days=days),
            reason="设备到货延迟",
            status=ExtensionStatus.REFUSED,
        )
    reported, _ = services.report(enterprise=world.inside, place="东门", description="占道")
    return {
        "rectifying": make_hazard(),
        "awaiting": make_hazard(state=State.AWAITING),
        "awaiting_regulator": make_hazard(state=State.AWAITING, by_regulator=True),
        "awaiting_major": make_hazard(state=State.AWAITING, level=Level.MAJOR),
        "major_unlisted": make_hazard(level=Level.MAJOR, listed=False),
        "major_waiting": make_hazard(level=Level.MAJOR, extension=True),
        "waiting": waiting,
        "reported": reported,
        "late": make_hazard(deadline=today - timedelta(days=1)),
        "closed": make_hazard(state=State.CLOSED),
        "sibling": hazard_on(world.sibling, state=State.AWAITING, found_by_regulator=True),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", selectors.SAVED_VIEWS)
def test_a_saved_view_repeats_no_row_and_counts_its_rows(world, loop, role, name):
    user = world.users[role]
    rows = selectors.saved_view(Hazard.objects.for_user(user), user, name)
    assert not rows.query.distinct
    ids = list(rows.values_list("pk", flat=True))
    assert len(ids) == len(set(ids))
    assert selectors.saved_view_counts(user)[name] == capped_count(rows)
    assert capped_count(rows).n == len(ids)


@pytest.mark.parametrize("role", ROLES)
def test_awaiting_acceptance_is_what_the_user_may_accept(world, loop, role):
    user = world.users[role]
    rows = selectors.saved_view(Hazard.objects.for_user(user), user, "acceptance")
    visible = Hazard.objects.for_user(user)
    expected = {h.pk for h in visible if "accept" in services.allowed_moves(h, user)}
    assert set(rows.values_list("pk", flat=True)) == expected


def test_the_to_do_views_are_the_same_rows_as_before(world, loop, client):
    def todo(role):
        user = world.users[role]
        rows = selectors.saved_view(Hazard.objects.for_user(user), user, "todo")
        return {name for name, h in loop.items() if rows.filter(pk=h.pk).exists()}

    # to confirm, to list, extensions to decide, the accepting the county does
    assert todo(Role.COUNTY_ADMIN) == {
        "reported",
        "major_unlisted",
        "major_waiting",
        "waiting",
        "awaiting_regulator",
        "awaiting_major",
    }
    assert todo(Role.GRID_INSPECTOR) == {"reported", "waiting", "awaiting_regulator"}
    assert todo(Role.SAFETY_MANAGER) == {
        "rectifying",
        "major_unlisted",
        "major_waiting",
        "waiting",
        "reported",
        "late",
    }
    assert todo(Role.ENTERPRISE_PRINCIPAL) == todo(Role.SAFETY_MANAGER) | {"awaiting"}
    assert todo(Role.EXPERT) == set()
    assert todo(None) == set()
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get("/hazards/?view=todo").content.decode()
    assert ids_on(html) == {loop[n].pk for n in todo(Role.COUNTY_ADMIN)}
    assert 'data-view="todo" aria-current="page">我的待办 <span class="n">6</span>' in html


def test_counts_beyond_the_cap_show_the_cap_and_a_plus(world, client, settings):
    settings.LIST_COUNT_CAP = 2
    for i in range(3):
        hazard_on(world.inside, place=f"点{i}")
    hazard_on(world.inside, state=State.CLOSED)
    # a grid's scope is no tally key: the list counts its rows per state, capped
    client.force_login(world.user(Role.GRID_INSPECTOR))
    html = client.get("/hazards/").content.decode()
    assert 'data-count="rectifying">整改中 <span class="n">2+</span>' in html
    assert 'data-count="closed">已销号 <span class="n">1</span>' in html
    assert "4 条隐患" in html  # page 1 counts its 25 rows
    # a county's counts per state come exact from the dashboards' tallies
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get("/hazards/").content.decode()
    assert 'data-count="rectifying">整改中 <span class="n">3</span>' in html


def test_a_long_list_pages_without_its_full_count(world, client, settings):
    settings.LIST_COUNT_CAP = 2
    for i in range(30):
        hazard_on(world.inside, place=f"点{i}")
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get("/hazards/").content.decode()
    assert "25+ 条隐患" in html and "第 1 页<" in html and "共" not in html
    assert "page=2" in html and len(ids_on(html)) == 25
    html = client.get("/hazards/?page=2").content.decode()
    assert len(ids_on(html)) == 5 and "30 条隐患" in html and "第 2 / 2 页" in html


def test_the_api_list_says_whether_its_count_is_capped(world, api, settings):
    hazard_on(world.inside)
    api.as_user(world.user(Role.COUNTY_ADMIN))
    body = api.get("/api/v1/hazards/").json()
    assert body["count"] == 1 and body["count_capped"] is False
    assert body["next"] is None and body["previous"] is None and len(body["results"]) == 1

    settings.LIST_COUNT_CAP = 10
    today = timezone.localdate()
    Hazard.objects.bulk_create(
        Hazard(
            enterprise=world.inside,
            region_code=world.inside.region_code,
            state=State.RECTIFYING,
            level=Level.GENERAL,
            source="1",
            category="1",
            place=f"点{i}",
            description="防护罩缺失",
            deadline=today + timedelta(days=30),
        )
        for i in range(59)
    )
    first = api.get("/api/v1/hazards/").json()
    # page 1 of 50 counts to its end and one row past it: at least 50, and a next page
    assert first["count"] == 50 and first["count_capped"] is True
    assert len(first["results"]) == 50 and "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert second["count"] == 60 and second["count_capped"] is False
    assert len(second["results"]) == 10 and second["next"] is None
    assert api.get("/api/v1/hazards/?page=3").status_code == 404


def test_the_schema_describes_the_capped_count(db, client):
    schema = client.get("/api/v1/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedHazardListList"]
    assert page["properties"]["count_capped"]["type"] == "boolean"
    assert "count_capped" in page["required"]
