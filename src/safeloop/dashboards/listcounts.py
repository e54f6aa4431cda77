"""The hidden-danger list's counts per state from the tallies (registered with
`core.counts.register_summary` in the app's ready): exact, one small statement, where the
user's scope and the list's criteria are tally keys (region, park, sector, level, state);
None otherwise, and the list counts with capped counts."""

from django.db.models import Q

from safeloop.dashboards import tallies
from safeloop.dashboards.models import HazardCount
from safeloop.orgs.models import Park, region_prefix
from safeloop.orgs.roles import REGULATORS

KEYS = {"state", "level", "sector", "region", "park"}
NO_PARK = "null"  # django-filter's value for "not in a park"


def _tallied_scope(user) -> bool:
    """Every grant a region, a park or everything, of a role the tallies serve."""
    grants = user.grants()
    return bool(grants) and all(
        g.everywhere
        or (
            g.role in REGULATORS
            and not (g.grid_id or g.enterprise_id)
            and (g.park_id or g.region_prefix)
        )
        for g in grants
    )


def hazard_state_counts(user, criteria: dict) -> dict[str, int] | None:
    if set(criteria) - KEYS or not _tallied_scope(user):
        return None
    where = Q()
    if criteria.get("state"):
        where &= Q(state__in=criteria["state"])
    if criteria.get("level"):
        where &= Q(level=criteria["level"])
    if criteria.get("sector"):
        where &= Q(sector=criteria["sector"])
    if criteria.get("region") is not None:
        prefix = region_prefix(criteria["region"].code)
        where &= Q(region_code=prefix) if len(prefix) == 6 else Q(region_code__startswith=prefix)
    park = criteria.get("park")
    if isinstance(park, Park):
        where &= Q(park_id=park.pk)
    elif park == NO_PARK:
        where &= Q(park_id=0)
    elif park is not None:
        return None
    rows = tallies.read(HazardCount, ["state"], user=user, where=where)
    return {row["state"]: row["n"] for row in rows}
