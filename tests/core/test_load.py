"""The load test (bench/load) in small: the generator's organisation with a few enterprises and
hidden dangers on the test database, the load accounts and self-check tasks made, the app
served by real gunicorn and worker processes, and locust playing every kind of user for
30 seconds. Every request answers as expected: no failure, no server error."""

import pytest

from safeloop.demo.seed import seed_orgs
from safeloop.orgs.models import RoleAssignment, User
from safeloop.selfchecks.models import SelfCheckTask
from safeloop.selfchecks.rules_data import ensure_rules
from tests.conftest import database_url


@pytest.mark.django_db(transaction=True)
def test_the_mix_signs_in_reads_and_writes_without_an_error(tmp_path, monkeypatch):
    from bench.dashboards import generate

    monkeypatch.setenv("DATABASE_URL", database_url())
    for name, value in (("LOAD_CITY", "1"), ("LOAD_PER_COUNTY", "1"), ("LOAD_MANAGERS", "4")):
        monkeypatch.setenv(name, value)
    seed_orgs()
    ensure_rules()
    counties = generate.orgs()
    generate.enterprises(8, counties)
    generate.risk_points(40, 8)
    generate.hazards(400, 8, counties)

    from bench.load import run

    lines: list[str] = []
    results = run.load(
        users=[10],
        spawn_rate=10,
        duration="30s",
        port=5790,
        workers=2,
        out=tmp_path,
        prepare=["--tasks", "20"],
        say=lines.append,
    )
    report = "\n".join(lines)
    # The accounts the locustfile signs in with: 1 city, 6 county, 24 park, 4 managers.
    assert User.objects.filter(username__startswith="load_").count() == 35
    assert RoleAssignment.objects.filter(user__username="load_sm_1", role="safety_manager")
    assert SelfCheckTask.objects.filter(enterprise__uscc__startswith="BENCH").count() >= 80
    run10 = results[10]
    assert run10["failures"] == [], report
    assert run10["exceptions"] == [], report
    assert run10["server_errors"] == 0, report
    names = {row["Name"] for row in run10["stats"] if row["Type"]}
    assert "login" in names
    for kind in ("reg: ", "ent: ", "write: "):
        assert any(name.startswith(kind) for name in names), report
    if "write: self-check record" in names:  # recorded through the form: the task is done
        assert SelfCheckTask.objects.filter(state="done").exists()
