"""The creation path kept light: a compact answer pointing at the detail, a bounded number of
queries, rule rows remembered per process yet edits applied at once, one statement for the
notifications."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safeloop.core.models import Notification
from safeloop.hazards.models import Hazard, HazardPolicy
from safeloop.orgs.roles import Role
from safeloop.orgs.tokens import create_token
from tests.hazards.test_api import payload


def token_client(user) -> Client:
    _, secret = create_token(actor=user, name="测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def create(client, world, **extra):
    return client.post("/api/v1/hazards/", payload(world, **extra), content_type="application/json")


def test_creation_answers_compactly_and_points_at_the_detail(world, departments):
    client = token_client(world.user(Role.SAFETY_MANAGER))
    response = create(client, world)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "rectifying" and body["version"] == 1
    assert body["allowed_moves"] == ["plan", "submit", "request_extension"]
    assert "events" not in body and "photos" not in body
    detail = client.get(response["Location"]).json()
    assert detail["id"] == body["id"] and [e["move"] for e in detail["events"]] == ["register"]


@pytest.mark.parametrize("role", [Role.SAFETY_MANAGER, Role.GRID_INSPECTOR])
def test_a_creation_makes_a_bounded_number_of_queries(world, departments, role):
    client = token_client(world.user(role))
    create(client, world)  # rule rows are now remembered
    with CaptureQueriesContext(connection) as queries:
        assert create(client, world).status_code == 201
    # token, grants, enterprise, savepoint (inside the test's transaction), the hazard
    # number's counter (YC-year-serial), hazard, audit,
    # event, the scope re-check of the new hazard before commit, release; the notifications
    # follow the commit (next test). A regulator's notice number adds the issuing department
    # and its counter (savepoint, lock, update, release), and the answer's allowed moves
    # check their reach over the new hazard; their reach over the enterprise is decided in
    # memory, not read again.
    limit = 10 if role == Role.SAFETY_MANAGER else 15
    assert len(queries) <= limit, "\n".join(q["sql"][:120] for q in queries.captured_queries)


def test_enterprise_staff_are_notified_in_one_statement(
    world, departments, django_capture_on_commit_callbacks
):
    client = token_client(world.user(Role.COUNTY_INSPECTOR))
    with django_capture_on_commit_callbacks() as callbacks:
        create(client, world)
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    assert len(queries) == 1
    staff = {world.user(Role.SAFETY_MANAGER).pk, world.user(Role.ENTERPRISE_PRINCIPAL).pk}
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == staff


def test_a_policy_added_now_applies_to_the_next_creation(world, departments):
    client = token_client(world.user(Role.SAFETY_MANAGER))
    create(client, world)
    first = Hazard.objects.latest("id")
    assert first.escalation_due == HazardPolicy.current().escalation_due(first.deadline, 0)
    HazardPolicy.objects.create(
        effective_from=date.today(),
        source="测试：首次升级推迟",
        escalation=[{"after_days": 9, "notify": "grid"}],
    )
    create(client, world)
    second = Hazard.objects.latest("id")
    assert (second.escalation_due - second.deadline).days == 9
