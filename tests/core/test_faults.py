"""The fault drill (bench/faults/run.py) in small: two real web servers and a real worker on the
test database, a write load for 10 seconds, two of them killed with SIGKILL and restarted,
then every check of the drill: nothing half-written, no job left doing, every answered write
present, the audit chain sealed and intact."""

import pytest

from safeloop.orgs.roles import Role
from tests.conftest import database_url, free_ports


@pytest.mark.django_db(transaction=True)
def test_kill_9_under_a_write_load_leaves_nothing_half_written(world, tmp_path):
    from bench.faults import run

    lines: list[str] = []
    passed = run.drill(
        seconds=10,
        kills=2,
        creator=world.users[Role.SAFETY_MANAGER],
        regulator=world.users[Role.COUNTY_ADMIN],
        clients=2,
        rows=5,
        timeout=3,
        port=free_ports(2),  # web=2: two consecutive ports
        media=tmp_path / "media",
        work=tmp_path,
        database_url=database_url(),
        say=lines.append,
    )
    report = "\n".join(lines)
    assert passed, report
    assert "kill -9" in report
    assert "hazard create" in report  # the load did write
