"""Who hears about a hazard: the enterprise's staff, its grid inspector, its county, its city."""

from safeloop.orgs.models import User
from safeloop.orgs.roles import ENTERPRISE_STAFF, Role

COUNTY_ROLES = [Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR]
CITY_ROLES = [Role.CITY_ADMIN, Role.CITY_INSPECTOR]


def _users(**filters):
    return User.objects.filter(is_active=True, role_assignments__active=True, **filters)


def recipients(hazard, audience: str):
    """A query of the users (maybe repeated: notify keeps one message each)."""
    enterprise = hazard.enterprise
    if audience == "enterprise":
        return _users(
            role_assignments__enterprise=enterprise, role_assignments__role__in=ENTERPRISE_STAFF
        )
    if audience == "grid":
        if enterprise.grid_id is None:
            return User.objects.none()
        return _users(
            role_assignments__grid_id=enterprise.grid_id, role_assignments__role=Role.GRID_INSPECTOR
        )
    if audience == "county":
        return _users(
            role_assignments__region__code=enterprise.region_code,
            role_assignments__role__in=COUNTY_ROLES,
        )
    if audience == "city":
        return _users(
            role_assignments__region__code=enterprise.region_code[:4] + "00",
            role_assignments__role__in=CITY_ROLES,
        )
    raise ValueError(f"unknown audience {audience!r}")
