"""The `safeloop` command and the demo data."""

import subprocess
import sys

import pytest

from safeloop.core.models import AuditEntry
from safeloop.demo.seed import ACCOUNTS, seed
from safeloop.orgs.models import GridCell, Park, Region, RoleAssignment, User


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "safeloop.cli", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("sub", ["demo", "serve", "worker"])
def test_each_command_has_help(sub):
    result = run_cli(sub, "--help")
    assert result.returncode == 0
    assert "usage: safeloop" in result.stdout


def test_top_level_help_lists_the_commands():
    out = run_cli("--help").stdout
    for sub in ["demo", "serve", "worker", "manage"]:
        assert sub in out


def test_manage_passes_commands_to_django():
    result = run_cli("manage", "check", "--deploy", "--fail-level", "CRITICAL")
    assert result.returncode == 0, result.stderr
    assert "prune_audit" in run_cli("manage", "help").stdout


def test_demo_seeding_is_idempotent(db):
    seed()
    counts = [m.objects.count() for m in (Region, Park, GridCell, User, RoleAssignment)]
    audit_count = AuditEntry.objects.count()
    seed()
    assert [m.objects.count() for m in (Region, Park, GridCell, User, RoleAssignment)] == counts
    assert AuditEntry.objects.count() == audit_count


def test_demo_seeds_yinchuan_with_real_codes_and_one_account_per_role(db):
    seed()
    city = Region.objects.get(code="640100")
    assert city.name == "银川市"
    assert set(city.children.values_list("code", flat=True)) == {
        "640104",
        "640105",
        "640106",
        "640121",
        "640122",
        "640181",
    }
    assert Park.objects.get(name="银川经济技术开发区").region.code == "640105"
    roles = set(
        RoleAssignment.objects.filter(user__username__in=[a[0] for a in ACCOUNTS]).values_list(
            "role", flat=True
        )
    )
    assert len(roles) == 10


SUPERVISOR = """
import sys
from safeloop.cli import run_children
sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]

def ready(main):
    print(" ".join(str(c.pid) for c in main_children), flush=True)

import subprocess
main_children = []
_popen = subprocess.Popen
def record(*args, **kwargs):
    child = _popen(*args, **kwargs)
    main_children.append(child)
    return child
subprocess.Popen = record
sys.exit(run_children([sleeper, sleeper], ready))
"""


def _alive(pid):
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is not serving
        return stat.read().split(")")[-1].split()[0] != "Z"


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_it_stops_the_web_server_and_worker_when_the_demo_is_stopped(how):
    import signal
    import time

    parent = subprocess.Popen([sys.executable, "-c", SUPERVISOR], stdout=subprocess.PIPE, text=True)
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(pids) == 2 and all(_alive(pid) for pid in pids)
    parent.send_signal(getattr(signal, how))
    assert parent.wait(timeout=15) == 0
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in pids)
