"""Reads that are more than a filter, always taking the user."""

import functools
import hashlib
import json
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise
from safeloop.risks.choices import LEVEL_RANK, Level
from safeloop.risks.models import EnterpriseRiskProfile, HazardUnit, RiskPoint

BOUNDARIES = Path(__file__).parent / "data" / "yinchuan-counties.geojson"

# Level codes of the map payload: 0 none, 1 blue … 4 red.
LEVEL_CODES = ["", Level.BLUE, Level.YELLOW, Level.ORANGE, Level.RED]


@functools.cache
def boundaries_json() -> bytes:
    return BOUNDARIES.read_bytes()


def county_boundaries() -> dict:
    return json.loads(boundaries_json())


def points_for(user, enterprise) -> list[RiskPoint]:
    """Live points, highest level first."""
    points = (
        RiskPoint.objects.for_user(user, "view")
        .filter(enterprise=enterprise, is_deleted=False)
        .select_related("current_assessment")
        .prefetch_related("accident_types")
        .order_by("name")
    )
    return sorted(points, key=lambda p: -LEVEL_RANK[p.level])


def units_for(user, enterprise):
    return HazardUnit.objects.for_user(user, "view").filter(enterprise=enterprise, is_deleted=False)


def rollup(user, by: str = "region") -> list[dict]:
    """Counts per colour (enterprises by their level, and risk points) by county or park."""
    key = {"park": "enterprise__park__name", "region": "enterprise__region__name"}[by]
    return [
        {"name": row.pop(key), **row}
        for row in EnterpriseRiskProfile.objects.for_user(user, "view")
        .values(key)
        .annotate(
            enterprises=Count("pk"),
            major_hazards=Count("pk", filter=Q(major_hazard=True)),
            **{f"{lv}_enterprises": Count("pk", filter=Q(level=lv)) for lv in Level.values},
            **{f"{lv}_points": Sum(lv) for lv in Level.values},
        )
        .order_by(key)
    ]


MAP_CACHE_SECONDS = 300


def map_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM risks_map_version")
        return cursor.fetchone()[0]


def bump_map_version(**_kwargs) -> None:
    """Called after any change to profiles or enterprises (also as a signal receiver)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('risks_map_version')")


def map_payload(user, *, sector: str | None = None, region_code: str | None = None) -> str:
    """The map data for the user's scope, cached until the data version moves (at most
    MAP_CACHE_SECONDS, for changes made behind the ORM's back such as bulk updates)."""
    grants = hashlib.sha256(repr(sorted(map(repr, user.grants()))).encode()).hexdigest()[:20]
    key = f"risks:map:{map_version()}:{grants}:{sector or ''}:{region_code or ''}"
    body = cache.get(key)
    if body is None:
        body = build_map_payload(user, sector=sector, region_code=region_code)
        cache.set(key, body, MAP_CACHE_SECONDS)
    return body


def build_map_payload(user, *, sector: str | None = None, region_code: str | None = None) -> str:
    """The four-colour map data as one compact columnar JSON string, built by PostgreSQL.

    `{"id": [...], "lat": [...], "lng": [...], "level": [0-4], "mh": [0/1], "sector": [index],
    "sectors": [[code, label], ...], "levels": ["", "blue", …]}` for the enterprises with
    coordinates the user may see. Scope comes from the same `for_user` queryset as every read.
    """
    qs = Enterprise.objects.for_user(user, "view").filter(
        latitude__isnull=False, longitude__isnull=False
    )
    if sector:
        qs = qs.filter(sector=sector)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    meta = {"sectors": [[c, str(label)] for c, label in Sector.choices], "levels": LEVEL_CODES}
    try:
        inner, params = (
            qs.order_by()
            .values(
                "id",
                "latitude",
                "longitude",
                "sector",
                "risk_profile__level",
                "risk_profile__major_hazard",
            )
            .query.sql_with_params()
        )
    except EmptyResultSet:  # no grant reaches any enterprise
        empty = {name: [] for name in ("id", "lat", "lng", "level", "mh", "sector")}
        return json.dumps({**empty, **meta}, ensure_ascii=False, separators=(",", ":"))
    # `inner` is the ORM's own SQL with placeholders; every value travels as a parameter.
    # The arrays are joined as text: they hold only numbers, and array_to_string is several
    # times faster than json_build_object on 100,000-element arrays. JIT is off: compiling
    # these expressions costs more than running them.
    sql = f"""
        SELECT '{{"id":[' || coalesce(array_to_string(array_agg(t.id), ','), '')
            || '],"lat":[' || coalesce(array_to_string(array_agg(round(t.latitude, 5)), ','), '')
            || '],"lng":[' || coalesce(array_to_string(array_agg(round(t.longitude, 5)), ','), '')
            || '],"level":[' || coalesce(array_to_string(array_agg(
                CASE t.level WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'yellow' THEN 2
                WHEN 'blue' THEN 1 ELSE 0 END), ','), '')
            || '],"mh":[' || coalesce(array_to_string(array_agg(
                CASE WHEN t.mh THEN 1 ELSE 0 END), ','), '')
            || '],"sector":[' || coalesce(array_to_string(array_agg(
                coalesce(array_position(%s::text[], t.sector::text), 0) - 1), ','), '')
            || ']}}'
        FROM ({inner}) AS t(id, latitude, longitude, sector, level, mh)
    """  # noqa: S608
    sectors = [code for code, _label in Sector.choices]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, [sectors, *params])
        body = cursor.fetchone()[0]
    tail = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
    return body[:-1] + "," + tail[1:]
