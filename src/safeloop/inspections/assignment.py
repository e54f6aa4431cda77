"""Assigning a plan's visits to inspectors.

Who may inspect an enterprise: the grid inspectors of its grid cell; where the grid has none,
the county inspectors of its county; for a city plan with neither, the city's inspectors.
Never an inspector who also advises the enterprise: the "advises" relation is the expert
role assignment on that enterprise (orgs.RoleAssignment, role=expert), so a person who
holds both roles is excluded from that enterprise. Among the eligible, the one with the
fewest open visits gets the next visit (ties by user id), so workloads stay level.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count

from safeloop.inspections.choices import VisitState
from safeloop.inspections.models import Plan, PlanTarget, Visit
from safeloop.orgs.models import RoleAssignment
from safeloop.orgs.roles import Role


def advisers() -> set[tuple[int, int]]:
    """(user id, enterprise id) for every active expert assignment."""
    return set(
        RoleAssignment.objects.filter(role=Role.EXPERT, active=True).values_list(
            "user_id", "enterprise_id"
        )
    )


def _pools(prefix: str):
    by_grid, by_county, by_city = defaultdict(list), defaultdict(list), defaultdict(list)
    rows = RoleAssignment.objects.filter(
        active=True,
        user__is_active=True,
        role__in=[Role.GRID_INSPECTOR, Role.COUNTY_INSPECTOR, Role.CITY_INSPECTOR],
        region_code__startswith=prefix[:4],
    ).values_list("role", "user_id", "grid_id", "region__code", "region_code")
    for role, user_id, grid_id, region, region_code in rows:
        if role == Role.GRID_INSPECTOR:
            by_grid[grid_id].append(user_id)
        elif role == Role.COUNTY_INSPECTOR:
            by_county[region].append(user_id)
        else:
            by_city[(region or region_code)[:4]].append(user_id)
    return by_grid, by_county, by_city


def eligible(target, pools, conflicts) -> list[int]:
    by_grid, by_county, by_city = pools
    for pool in (
        by_grid.get(target["enterprise__grid_id"], []),
        by_county.get(target["region_code"], []),
        by_city.get(target["region_code"][:4], []),
    ):
        allowed = [u for u in pool if (u, target["enterprise_id"]) not in conflicts]
        if allowed:
            return allowed
    return []


def schedule(start: date, end: date, enterprise_id: int, k: int, n: int) -> date:
    """Visit k of n: one per equal slice of the period, on a day spread by enterprise."""
    days = (end - start).days + 1
    slice_days = max(1, days // n)
    return start + timedelta(days=min(days - 1, k * slice_days + enterprise_id % slice_days))


def build_visits(plan: Plan) -> tuple[list[Visit], int]:
    """The visits for the plan's targets not yet visited in it, and how many targets found
    no eligible inspector."""
    done = set(plan.visits.values_list("enterprise_id", flat=True))
    targets = [
        t
        for t in PlanTarget.objects.filter(plan=plan)
        .order_by("enterprise_id")
        .values("enterprise_id", "enterprise__grid_id", "region_code", "visits_planned")
        if t["enterprise_id"] not in done
    ]
    pools = _pools(plan.region.prefix)
    conflicts = advisers()
    load = defaultdict(
        int,
        Visit.objects.filter(state=VisitState.ASSIGNED)
        .values("inspector_id")
        .annotate(n=Count("id"))
        .values_list("inspector_id", "n"),
    )
    visits, unassigned = [], 0
    for target in targets:
        candidates = eligible(target, pools, conflicts)
        if not candidates:
            unassigned += 1
            continue
        n = target["visits_planned"]
        for k in range(n):
            inspector = min(candidates, key=lambda u: (load[u], u))
            load[inspector] += 1
            visits.append(
                Visit(
                    plan=plan,
                    enterprise_id=target["enterprise_id"],
                    region_code=target["region_code"],
                    inspector_id=inspector,
                    scheduled_on=schedule(
                        plan.period_start, plan.period_end, target["enterprise_id"], k, n
                    ),
                )
            )
    return visits, unassigned
