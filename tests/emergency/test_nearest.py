"""The nearest search equals a brute-force order by great-circle distance, for points near
and far, every kind, a reader's scope, and fewer rows than asked for."""

import math
import random

import pytest

from safeloop.emergency.choices import Availability, ResourceKind
from safeloop.emergency.models import Resource
from safeloop.emergency.nearest import box_around, haversine_km, nearest
from safeloop.emergency.selectors import nearest_for
from safeloop.orgs.roles import Role
from tests.scope import assert_status


@pytest.fixture
def scattered(world):
    rng = random.Random(17)
    rows = []
    for i in range(400):
        region = rng.choice([world.county, world.sibling_county, world.other_county])
        rows.append(
            Resource(
                kind=rng.choice(ResourceKind.values),
                name=f"资源{i}",
                region=region,
                region_code=region.code,
                latitude=38.2 + rng.random() * 0.8 + (5 if i % 50 == 0 else 0),
                longitude=105.8 + rng.random() * 1.0,
                availability=rng.choice([Availability.AVAILABLE] * 3 + [Availability.BUSY]),
            )
        )
    Resource.objects.bulk_create(rows)
    return list(Resource.objects.all())


def brute(rows, lat, lng, n):
    ranked = sorted(rows, key=lambda r: (haversine_km(lat, lng, r.latitude, r.longitude), r.pk))
    return [r.pk for r in ranked[:n]]


POINTS = [(38.47, 106.28), (38.9, 106.7), (38.2, 105.8), (43.5, 106.3), (-33.9, 151.2)]


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("n", [1, 5, 30])
def test_it_equals_brute_force_for_every_kind(scattered, point, n):
    lat, lng = point
    for kind in ResourceKind.values:
        rows = [r for r in scattered if r.kind == kind]
        found = nearest(Resource.objects.filter(kind=kind), lat, lng, n)
        assert [r.pk for r in found] == brute(rows, lat, lng, n)
        for r in found:
            assert r.distance_km == pytest.approx(
                haversine_km(lat, lng, r.latitude, r.longitude), abs=1e-6
            )


def test_it_searches_only_the_readers_available_resources(world, scattered):
    user = world.user(Role.COUNTY_ADMIN)
    rows = [
        r
        for r in scattered
        if r.kind == ResourceKind.TEAM
        and r.region_code == world.county.code
        and r.availability == Availability.AVAILABLE
    ]
    found = nearest_for(user, kind=ResourceKind.TEAM, latitude=38.5, longitude=106.3, n=500)
    assert [r.pk for r in found] == brute(rows, 38.5, 106.3, 500)  # fewer than asked: all


def test_it_boxes_every_point_within_the_radius():
    rng = random.Random(3)
    for _ in range(2000):
        lat, lng = rng.uniform(-80, 80), rng.uniform(-170, 170)
        radius = rng.choice([5, 20, 80, 320])
        box = box_around(lat, lng, radius)
        # a point at the radius in a random direction lies in the box
        bearing = rng.uniform(0, 360)
        d = radius / 6371.0088
        p1, l1, b = math.radians(lat), math.radians(lng), math.radians(bearing)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        l2 = l1 + math.atan2(
            math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
        )
        plat, plng = math.degrees(p2), math.degrees(l2)
        assert box.south - 1e-9 <= plat <= box.north + 1e-9
        assert box.wraps or box.west - 1e-9 <= plng <= box.east + 1e-9


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.EXPERT])
def test_it_answers_the_api_with_distances_and_400_on_bad_input(api, world, scattered, role):
    api.as_user(world.user(role))
    response = api.get("/api/v1/emergency-nearest/?kind=team&latitude=38.47&longitude=106.28&n=3")
    assert_status(response, 200)
    distances = [row["distance_km"] for row in response.json()]
    assert distances == sorted(distances)
    assert len(distances) == (3 if role == Role.CITY_ADMIN else 0)
    bad = api.get("/api/v1/emergency-nearest/?kind=team&latitude=98&longitude=106.28")
    assert_status(bad, 400)
    assert "latitude" in bad.json()["error"]["fields"]
    page = api.client.get("/emergency/nearest/?kind=team&latitude=98&longitude=1&n=3")
    assert_status(page, 400)


def test_it_searches_from_an_enterprise_in_scope_only(api, world, scattered):
    world.inside.latitude, world.inside.longitude = 38.47, 106.28
    world.inside.save()
    api.as_user(world.user(Role.CITY_ADMIN))
    by_point = api.get("/api/v1/emergency-nearest/?kind=team&latitude=38.47&longitude=106.28")
    by_enterprise = api.get(f"/api/v1/emergency-nearest/?kind=team&enterprise={world.inside.pk}")
    assert_status(by_enterprise, 200)
    assert by_enterprise.json() == by_point.json()
    far = api.get(f"/api/v1/emergency-nearest/?kind=team&enterprise={world.outside.pk}")
    assert_status(far, 400)
    assert "enterprise" in far.json()["error"]["fields"]
    assert_status(api.get("/api/v1/emergency-nearest/?kind=team"), 400)
    page = api.client.get(f"/emergency/nearest/?kind=team&enterprise={world.inside.pk}&n=5")
    assert_status(page, 200)
