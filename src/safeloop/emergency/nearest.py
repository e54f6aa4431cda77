"""The nearest resources of one kind to a point, in SQL, without PostGIS.

A box on latitude and longitude (the index `emergency_res_kind_geo`) around the point is
searched first; the rows in it are ordered by the exact great-circle (haversine) distance.
The box holds every point within `radius` km of the centre, so when the N-th row found is
within `radius`, no row outside the box can be nearer; otherwise the box widens (×4) and the
search runs again, until the box covers the earth."""

import math
from dataclasses import dataclass

from django.db.models import ExpressionWrapper, F, FloatField, QuerySet, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_KM / 180
FIRST_RADIUS_KM = 5.0
WHOLE_EARTH_KM = math.pi * EARTH_KM


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The same distance in Python (for checks and single pairs)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Box:
    south: float
    north: float
    west: float
    east: float
    wraps: bool  # crosses the antimeridian or a pole: no longitude bound


def box_around(lat: float, lng: float, radius_km: float) -> Box:
    """A box holding every point within `radius_km` of (lat, lng)."""
    dlat = radius_km / KM_PER_DEGREE
    south, north = lat - dlat, lat + dlat
    widest = max(abs(south), abs(north))
    if widest >= 89.9:
        return Box(max(south, -90), min(north, 90), -180, 180, True)
    dlng = radius_km / (KM_PER_DEGREE * math.cos(math.radians(widest)))
    if dlng >= 180 or lng - dlng < -180 or lng + dlng > 180:
        return Box(south, north, -180, 180, True)
    return Box(south, north, lng - dlng, lng + dlng, False)


def haversine_sql(lat: float, lng: float):
    """The distance in km from (lat, lng) to a row's (latitude, longitude), as SQL."""
    half_dlat = Radians(F("latitude") - Value(lat)) / 2
    half_dlng = Radians(F("longitude") - Value(lng)) / 2
    a = Power(Sin(half_dlat), 2) + Value(math.cos(math.radians(lat))) * Cos(
        Radians(F("latitude"))
    ) * Power(Sin(half_dlng), 2)
    return ExpressionWrapper(
        Value(2 * EARTH_KM) * ASin(Least(Value(1.0), Sqrt(a))), output_field=FloatField()
    )


def with_distance(rows: QuerySet, lat: float, lng: float) -> QuerySet:
    return rows.annotate(distance_km=haversine_sql(lat, lng))


def nearest(rows: QuerySet, lat: float, lng: float, n: int) -> list:
    """The `n` rows of `rows` (already narrowed to one kind, the reader's scope …) nearest
    to (lat, lng), nearest first, each with `distance_km`. Ties are ordered by id."""
    radius = FIRST_RADIUS_KM
    while True:
        box = box_around(lat, lng, radius)
        inside = rows.filter(latitude__gte=box.south, latitude__lte=box.north)
        if not box.wraps:
            inside = inside.filter(longitude__gte=box.west, longitude__lte=box.east)
        found = list(with_distance(inside, lat, lng).order_by(F("distance_km").asc(), "pk")[:n])
        complete = len(found) == n and found[-1].distance_km <= radius
        if complete or radius >= WHOLE_EARTH_KM:
            return found
        radius *= 4
