"""Dashboard and report reads from a streaming replica (core/replica.py), against a real pair
started by scripts/pg-pair.sh: served by the standby while it keeps up, by the primary when its
replay is paused past the bound, when it is stopped, and inside a write transaction; the
pages give the same figures from either server.

The module points the `default` alias at the pair's primary for its duration (and adds
`replica`), then puts the test database back. The primary's database is a copy of the
migrated test database (pg_dump | psql, seconds instead of a long migration from scratch);
`migrate` then checks that nothing is left to apply."""

import re
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from openpyxl import load_workbook

from safeloop.core import exports, replica
from safeloop.core.models import ExportFile
from safeloop.core.replica import PRIMARY, REPLICA, reporting_reads
from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services as hazards
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import Region, RegionLevel
from safeloop.orgs.roles import Role
from tests.conftest import database_url, make_user, valid_uscc

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pg-pair.sh"
BIN = Path("/usr/lib/postgresql/15/bin")
NAME = "replica_pair_test"
FIELDS = {
    "source": "1",
    "category": "1",
    "place": "冲压车间",
    "description": "防护罩缺失",
    "measures": "更换防护罩",
    "funds_budgeted": Decimal("5000.00"),
    "responsible_person": "张三",
    "emergency_measures": "设置警戒区",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pair(*args) -> str:
    done = subprocess.run(  # noqa: S603 — our own script
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _server(port: int, sql: str, dbname: str = "postgres"):
    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True
    ) as c:
        cursor = c.execute(sql)
        return cursor.fetchone() if cursor.description else None


class Pair:
    def __init__(self, folder: str, primary: int, standby: int):
        self.folder, self.primary, self.standby = folder, primary, standby

    def standby_sql(self, sql: str):
        return _server(self.standby, sql)

    def caught_up(self, timeout: float = 30) -> None:
        """Wait until the standby has replayed everything the primary has written."""
        (target,) = _server(self.primary, "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            (done,) = self.standby_sql(
                f"SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '{target}') >= 0"
            )
            if done:
                return
            time.sleep(0.05)
        raise AssertionError("the standby did not catch up")


@pytest.fixture(scope="module")
def pair(django_db_setup, django_db_blocker):
    folder = tempfile.mkdtemp(prefix="replica-", dir="/tmp")
    ports = _free_port(), _free_port()
    default = connections[PRIMARY]
    saved = dict(default.settings_dict)
    try:
        _pair("start", folder, *map(str, ports))
        the_pair = Pair(folder, *ports)
        with django_db_blocker.unblock():
            _server(ports[0], f"CREATE DATABASE {NAME}")
            dump = subprocess.run(  # noqa: S603 — the server's own tools
                [str(BIN / "pg_dump"), "--no-owner", "--no-privileges", "-d", database_url()],
                capture_output=True,
                check=False,
            )
            assert dump.returncode == 0, dump.stderr.decode()
            subprocess.run(  # noqa: S603
                [str(BIN / "psql"), "-Xq", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"]
                + ["-p", str(ports[0]), "-U", "postgres", "-d", NAME],
                input=dump.stdout,
                capture_output=True,
                check=True,
            )
            default.close()
            default.settings_dict.update(
                NAME=NAME, HOST="127.0.0.1", PORT=ports[0], USER="postgres", PASSWORD=""
            )
            connections.settings[REPLICA] = {
                **default.settings_dict,
                "PORT": ports[1],
                "TEST": {**default.settings_dict["TEST"], "MIRROR": PRIMARY},
            }
            call_command("migrate", verbosity=0)  # nothing left to apply
            the_pair.caught_up()
            replica.forget()
            yield the_pair
    finally:
        replica.forget()
        for alias in (REPLICA, PRIMARY):
            if alias in connections.settings:
                connections[alias].close()
        if REPLICA in connections.settings:
            del connections.settings[REPLICA]
            del connections[REPLICA]
        default.settings_dict.clear()
        default.settings_dict.update(saved)
        subprocess.run([str(SCRIPT), "stop", folder], capture_output=True, check=False)  # noqa: S603
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def area(pair):
    """A city, a county with one enterprise, the city's inspector and two hazards: committed on
    the primary, replayed by the standby."""
    city = Region.objects.create(code="640100", name="银川市", level=RegionLevel.CITY)
    county = Region.objects.create(code="640104", name="兴庆区", level="county", parent=city)
    enterprise = Enterprise.objects.create(
        name="复制测试企业", uscc=valid_uscc("640104", 1), region=county
    )
    inspector = make_user("replica_inspector", Role.CITY_INSPECTOR, region=city)
    for level in ("general", "major"):
        register(inspector, enterprise, level)
    pair.caught_up()
    return inspector, enterprise


def register(actor, enterprise, level="general") -> Hazard:
    hazard, _ = hazards.register(
        actor=actor,
        enterprise=enterprise,
        level=level,
        deadline=timezone.localdate() + timedelta(days=30),
        **FIELDS,
    )
    return hazard


def _figures(html: str) -> dict:
    """The page's totals and chart data: what the reader sees, without per-request tokens."""
    totals = dict(re.findall(r'data-total="([a-z_]+)"[^>]*>\s*<span class="n">([^<]*)<', html))
    charts = dict(re.findall(r'id="chart-data-([a-z_]+)"[^>]*>(.*?)</script>', html, re.S))
    assert totals and charts
    return {"totals": totals, "charts": charts}


def _reads(queries) -> list[str]:
    """The application's queries among those captured (not the lag check's)."""
    return [q["sql"] for q in queries if "FROM" in q["sql"] and "pg_" not in q["sql"]]


def _get(client, url: str, alias: str):
    """GET `url`, asserting which server answered its figures' queries."""
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = client.get(url)
    assert response.status_code == 200
    if alias == REPLICA:
        assert _reads(on_replica), f"no figure was read from the replica for {url}"
        assert not _hazard_reads(on_primary)
    else:
        assert _hazard_reads(on_primary)
        assert not _reads(on_replica)
    return response


def _hazard_reads(queries) -> list[str]:
    """The reads of hidden-danger figures: the hazards themselves or their tallies."""
    return [q for q in _reads(queries) if "hazards_hazard" in q or "dashboards_hazard" in q]


@pytest.mark.django_db  # also has the session's test database made, which `pair` copies
def test_without_a_replica_every_read_goes_to_the_primary():
    """The usual case, no `replica` configured: the block changes nothing (this runs before
    the module's pair is started)."""
    assert not replica.configured()
    with reporting_reads() as alias:
        assert alias == PRIMARY
        assert replica.ReportingReadsRouter().db_for_read(Hazard) == PRIMARY


def test_the_pair_streams_and_only_the_primary_is_migrated(pair):
    assert pair.standby_sql("SELECT pg_is_in_recovery()") == (True,)
    (state,) = _server(pair.primary, "SELECT state FROM pg_stat_replication")
    assert state == "streaming"
    assert "standby: running" in _pair("status", pair.folder)
    router = replica.ReportingReadsRouter()
    assert router.allow_migrate(REPLICA, "hazards") is False
    assert router.allow_migrate(PRIMARY, "hazards") is None


def test_a_dashboard_read_is_served_by_the_replica(pair, area):
    with reporting_reads() as alias, connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        assert cursor.fetchone() == (True, pair.standby)
        assert Hazard.objects.filter(enterprise=area[1]).count() == 2
    assert alias == REPLICA and replica.health().reason == "ok"
    # Outside the block, and for writes inside it, the primary.
    with connections[replica.read_alias()].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (False,)
    router = replica.ReportingReadsRouter()
    with reporting_reads():
        assert router.db_for_read(Hazard) == REPLICA
        assert router.db_for_write(Hazard) == PRIMARY


@override_settings(REPLICA_MAX_LAG_SECONDS=600)
def test_a_fresh_write_is_read_from_the_primary_at_once(pair, area):
    inspector, enterprise = area
    pair.standby_sql("SELECT pg_wal_replay_pause()")
    try:
        hazard = register(inspector, enterprise)
        assert Hazard.objects.filter(pk=hazard.pk).exists()  # not a reporting read
        with reporting_reads() as alias:  # a reporting read, still within the bound
            assert alias == REPLICA
            assert not Hazard.objects.filter(pk=hazard.pk).exists()  # not replayed yet
            Hazard.objects.filter(pk=hazard.pk).update(place="二号车间")  # writes: primary
        assert Hazard.objects.get(pk=hazard.pk).place == "二号车间"
        # Inside a transaction, never the replica.
        with transaction.atomic(), reporting_reads() as alias:
            assert alias == PRIMARY
            assert Hazard.objects.filter(pk=hazard.pk).exists()
    finally:
        pair.standby_sql("SELECT pg_wal_replay_resume()")
    pair.caught_up()


@override_settings(REPLICA_MAX_LAG_SECONDS=1)
def test_a_lagging_replica_sends_reporting_reads_to_the_primary(pair, area, client):
    inspector, enterprise = area
    client.force_login(inspector)
    before = Hazard.objects.filter(enterprise=enterprise).count()
    pair.standby_sql("SELECT pg_wal_replay_pause()")
    try:
        register(inspector, enterprise)
        time.sleep(1.3)  # the standby's last replayed transaction is now older than the bound
        replica.forget()
        health = replica.health()
        assert (health.usable, health.reason) == (False, "lagging") and health.lag > 1
        response = _get(client, "/dashboards/", PRIMARY)
        assert _figures(response.content.decode())["totals"]["recorded"] == str(before + 1)
    finally:
        pair.standby_sql("SELECT pg_wal_replay_resume()")
    pair.caught_up()
    replica.forget()
    response = _get(client, "/dashboards/", REPLICA)
    assert _figures(response.content.decode())["totals"]["recorded"] == str(before + 1)


def test_pages_give_the_same_figures_from_either_server(pair, area, client):
    client.force_login(area[0])
    replica.forget()
    from_replica = _get(client, "/dashboards/", REPLICA).content.decode()
    activity_replica = _get(client, "/dashboards/activity/", REPLICA).content
    sheet_replica = _get(client, "/dashboards/export/level.xlsx", REPLICA).content
    replica.mark_down()  # as after a failure: the primary answers for a while
    from_primary = _get(client, "/dashboards/", PRIMARY).content.decode()
    activity_primary = _get(client, "/dashboards/activity/", PRIMARY).content
    sheet_primary = _get(client, "/dashboards/export/level.xlsx", PRIMARY).content
    replica.forget()
    assert _figures(from_replica) == _figures(from_primary)
    assert _figures(from_replica)["totals"]["recorded"] == str(
        Hazard.objects.filter(enterprise=area[1]).count()
    )

    def cells(content):
        return list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))

    assert cells(sheet_replica) == cells(sheet_primary)
    assert len(cells(sheet_replica)) > 1
    assert activity_replica == activity_primary


def test_a_background_export_is_built_from_the_replica(pair, area, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspector, enterprise = area
    export = ExportFile.objects.create(
        owner=inspector, kind="hazards", title="隐患", language="zh-hans"
    )
    pair.caught_up()
    replica.forget()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        done = exports.run(export.pk)
    assert done.state == "done"
    assert done.rows == Hazard.objects.filter(enterprise=enterprise).count()
    assert [q for q in _reads(on_replica) if "hazards_hazard" in q]
    ExportFile.objects.get(pk=export.pk)  # its record was written on the primary


@override_settings(REPLICA_CHECK_SECONDS=600)
def test_a_stopped_replica_sends_reads_to_the_primary_and_pages_answer(pair, area, client):
    client.force_login(area[0])
    replica.forget()
    with reporting_reads() as alias, connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")  # the replica's connection is open and believed healthy
    assert alias == REPLICA
    _pair("stop", pair.folder, "standby")
    try:
        # The remembered health still says usable: the page's reads fail on the replica and
        # are made again on the primary.
        response = client.get("/dashboards/")
        assert response.status_code == 200
        recorded = Hazard.objects.filter(enterprise=area[1]).count()
        assert _figures(response.content.decode())["totals"]["recorded"] == str(recorded)
        assert replica.health().reason == "unreachable"
        replica.forget()  # measured afresh: the connection is refused
        assert replica.choose() == PRIMARY
        assert replica.health().reason == "unreachable"
        assert client.get("/dashboards/activity/").status_code == 200
    finally:
        _pair("start", pair.folder)
    replica.forget()
    pair.caught_up()
    assert replica.choose() == REPLICA
