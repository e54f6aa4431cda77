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
