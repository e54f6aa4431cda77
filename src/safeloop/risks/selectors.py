"""Reads that are more than a filter, always taking the user."""

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Q, Sum, When

from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise
from safeloop.risks.choices import LEVEL_RANK, Level
from safeloop.risks.filters import MapFilter
from safeloop.risks.models import EnterpriseRiskProfile, HazardUnit, MapPoint, RiskPoint
from safeloop.risks.models.points import RISK_EDITORS

# Level codes of the map payload: 0 none, 1 blue … 4 red.
LEVEL_CODES = ["", Level.BLUE, Level.YELLOW, Level.ORANGE, Level.RED]


NO_BOUNDARIES = b'{"type":"FeatureCollection","features":[]}'


def boundaries_json() -> bytes:
    """The county boundaries a deployment supplies (`SAFELOOP_MAP_BOUNDARIES`), or none: no
    openly licensed county-level data could be found to ship (see data/BOUNDARIES.md)."""
    return _read_boundaries(getattr(settings, "MAP_BOUNDARIES_FILE", None) or "")


def county_boundaries() -> dict:
    return json.loads(boundaries_json())


@functools.cache
def _read_boundaries(path: str) -> bytes:
    if not path:
        return NO_BOUNDARIES
    body = Path(path).read_bytes()
    if json.loads(body).get("type") != "FeatureCollection":
        raise ValueError(f"{path} is not a GeoJSON FeatureCollection")
    return body


def may_edit_risks(user, enterprise: Enterprise) -> bool:
    """Whether `user` may record risks for `enterprise`: the risk models' change roles
    (`RISK_EDITORS`), reaching the enterprise through the same grants as its risk rows."""
    return (
        Enterprise.objects.for_user(user, "view", roles=RISK_EDITORS)
        .filter(pk=enterprise.pk)
        .exists()
    )


# The level's rank in SQL, so a page of an enterprise's points is sorted by the database.
LEVEL_ORDER = Case(
    *[When(level=level, then=rank) for level, rank in LEVEL_RANK.items()],
    default=0,
    output_field=IntegerField(),
)


def points_for(user, enterprise):
    """Live points, highest level first, then by name: a queryset, which the enterprise's
    page shows 50 at a time (a large plant records over a thousand)."""
    return (
        RiskPoint.objects.for_user(user, "view")
        .filter(enterprise=enterprise, is_deleted=False)
        .select_related("current_assessment")
        .annotate(level_rank=LEVEL_ORDER)
        .order_by("-level_rank", "name", "id")
    )


def units_for(user, enterprise):
    return HazardUnit.objects.for_user(user, "view").filter(enterprise=enterprise, is_deleted=False)


def rollup(user, by: str = "region") -> list[dict]:
    """Counts per colour (live enterprises by their level, and risk points) by county or
    park; cached like the map data, until a write of an enterprise or a risk profile moves
    the map version (`versioned`)."""
    return versioned(user, f"rollup:{by}", lambda: _rollup(user, by))


def _rollup(user, by: str) -> list[dict]:
    key = {"park": "enterprise__park__name", "region": "enterprise__region__name"}[by]
    return [
        {"name": row.pop(key), **row}
        for row in EnterpriseRiskProfile.objects.for_user(user, "view")
        .filter(enterprise__deleted_at__isnull=True)
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


def versioned(user, name: str, build):
    """`build()` for this user's grants, cached until the map version moves: the map points'
    triggers move it on every write of enterprises and risk profiles, whatever writes them.
    What else a result shows (a county's or park's name) is at most MAP_CACHE_SECONDS old."""
    grants = hashlib.sha256(repr(sorted(map(repr, user.grants()))).encode()).hexdigest()[:20]
    key = f"risks:{name}:{map_version()}:{grants}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, MAP_CACHE_SECONDS)
    return value


def map_payload(user, *, sector: str | None = None, region_code: str | None = None) -> str:
    """The map data for the user's scope and filters, cached (`versioned`)."""
    return versioned(
        user,
        f"map:{sector or ''}:{region_code or ''}",
        lambda: build_map_payload(user, sector=sector, region_code=region_code),
    )


# Coordinates travel as integers in units of 1e-5 degree (≈1 m): shorter than decimals and
# cheaper for PostgreSQL to print.
COORDINATE_SCALE = 100_000


MISSING_LISTED = 50


def _missing_coordinates(enterprises) -> dict:
    """The enterprises the map cannot draw (no coordinates): their count and the first ones,
    highest risk level first, as [id, name, level index], so the page can say so and link
    each to where its location is entered instead of letting it vanish."""
    missing = enterprises.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))
    rank = Case(
        *[When(risk_profile__level=code, then=i) for i, code in enumerate(LEVEL_CODES) if code],
        default=0,
        output_field=IntegerField(),
    )
    rows = (
        missing.annotate(rank=rank)
        .order_by("-rank", "name", "pk")
        .values_list("pk", "name", "rank")[:MISSING_LISTED]
    )
    return {"missing_count": missing.count(), "missing": [list(row) for row in rows]}


def build_map_payload(user, *, sector: str | None = None, region_code: str | None = None) -> str:
    """The four-colour map data as one compact JSON string, built by PostgreSQL in one query.

    `{"scale": 100000, "levels": ["", "blue", …], "sectors": [code, …],
    "groups": [[level, mh, sector, [id, lat, lng, id, lat, lng, …]], …]}`: the enterprises
    with coordinates the user may see, grouped by what colours and filters them (level index
    0–4, major hazard 0/1, index into `sectors`), each group a flat list of id and coordinates
    × `scale`. Sector labels stay in the page (in the user's language), so the cached
    payload is the same in every language. The points come from `MapPoint` (one narrow row
    per enterprise, its "id,lat,lng" already formatted), scoped by the same grant rules
    (`for_user`) and filtered by the same FilterSet as the enterprises they copy.
    """
    scoped = Enterprise.objects.for_user(user, "view")
    filterset = MapFilter({"sector": sector or "", "region": region_code or ""}, queryset=scoped)
    if not filterset.is_valid():  # the page's filters came through the same FilterSet
        raise ValueError(filterset.errors)
    points = MapFilter(filterset.data, queryset=MapPoint.objects.for_user(user, "view")).qs
    sectors = [str(code) for code, _label in Sector.choices]
    meta = {
        "scale": COORDINATE_SCALE,
        "levels": LEVEL_CODES,
        "sectors": sectors,
        **_missing_coordinates(filterset.qs),
    }
    head = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"groups":['
    try:
        inner, params = (
            points.order_by().values("level", "major_hazard", "sector", "point").query
        ).sql_with_params()
    except EmptyResultSet:  # no grant reaches any enterprise
        return head + "]}"
    # `inner` is the ORM's own SQL with placeholders; every value travels as a parameter.
    # Grouping puts level, flag and sector once per group instead of once per enterprise;
    # each enterprise is its stored "id,lat,lng". JIT is off: compiling these expressions
    # costs more than running them.
    sql = f"""
        SELECT %s || coalesce(string_agg(g.body, ',' ORDER BY g.level, g.mh, g.sector), '')
            || ']}}'
        FROM (
            SELECT '[' || t.level || ',' || CASE WHEN t.mh THEN 1 ELSE 0 END
                || ',' || (coalesce(array_position(%s::text[], t.sector::text), 0) - 1)
                || ',[' || string_agg(t.point, ',') || ']]' AS body,
                t.level, t.mh, t.sector
            FROM ({inner}) AS t(level, mh, sector, point)
            GROUP BY t.level, t.mh, t.sector
        ) AS g
    """  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, [head, sectors, *params])
        return cursor.fetchone()[0]
