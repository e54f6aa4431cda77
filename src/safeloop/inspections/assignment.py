"""Assigning a plan's visits to inspectors: the proposal shown before dispatch.

Who may inspect an enterprise: the grid inspectors of its grid cell and the county
inspectors of its county; for a city plan where neither exists, the city's inspectors.
Never an inspector who also advises the enterprise: the "advises" relation is the expert
role assignment on that enterprise (orgs.RoleAssignment, role=expert), so a person who
holds both roles is excluded from that enterprise.

`propose(plan, filters)` chooses the plan's targets not yet visited (narrowed by sector and
risk level), gives each visit to the eligible inspector with the fewest visits in this
proposal (then the fewest open visits elsewhere, then the grid's own inspector, then id), so
the plan's inspectors get level shares, and puts each visit on a statutory working day of
the plan's period (core.calendar): a target's k-th of n visits in the k-th of n equal parts
of the working days, on the day of that part where its inspector has the fewest visits.
The dispatch recomputes the proposal and compares its `fingerprint` with the one shown.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from safeloop.core.calendar import working_days_in
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


@dataclass(frozen=True)
class Filters:
    """Which targets a dispatch takes: a sector ("" all) and a risk level ("" all, "none"
    not graded)."""

    sector: str = ""
    risk_level: str = ""


RISK_LEVELS = ["red", "orange", "yellow", "blue", "none"]


@dataclass(frozen=True)
class Proposed:
    enterprise_id: int
    region_code: str
    inspector_id: int
    day: date


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
    """The grid's and the county's inspectors (the grid's first); the city's where neither
    may."""
    by_grid, by_county, by_city = pools
    local = list(
        dict.fromkeys(
            by_grid.get(target["enterprise__grid_id"], [])
            + by_county.get(target["region_code"], [])
        )
    )
    for pool in (local, by_city.get(target["region_code"][:4], [])):
        allowed = [u for u in pool if (u, target["enterprise_id"]) not in conflicts]
        if allowed:
            return allowed
    return []


def plan_days(plan: Plan, today: date | None = None) -> list[date]:
    """The working days visits go on: those of the plan's period, from today on while the
    period is running."""
    days = working_days_in(plan.period_start, plan.period_end)
    if today is not None:
        return [d for d in days if d >= today] or days
    return days


def propose(
    plan: Plan, filters: Filters = Filters(), today: date | None = None
) -> tuple[list[Proposed], int]:
    """The visits a dispatch would create now, and how many chosen targets found no
    eligible inspector. Nothing is written."""
    done = set(plan.visits.values_list("enterprise_id", flat=True))
    rows = PlanTarget.objects.filter(plan=plan)
    if filters.sector:
        rows = rows.filter(enterprise__sector=filters.sector)
    if filters.risk_level:
        rows = rows.filter(risk_level="" if filters.risk_level == "none" else filters.risk_level)
    targets = [
        t
        for t in rows.order_by("enterprise_id").values(
            "enterprise_id", "enterprise__grid_id", "region_code", "visits_planned"
        )
        if t["enterprise_id"] not in done
    ]
    days = plan_days(plan, today)
    if not days:
        return [], len(targets)
    pools = _pools(plan.region.prefix)
    conflicts = advisers()
    elsewhere = defaultdict(
        int,
        Visit.objects.filter(state=VisitState.ASSIGNED)
        .values("inspector_id")
        .annotate(n=Count("id"))
        .values_list("inspector_id", "n"),
    )
    candidates = {t["enterprise_id"]: eligible(t, pools, conflicts) for t in targets}
    unassigned = sum(1 for t in targets if not candidates[t["enterprise_id"]])
    # the most constrained first, so the free ones can level the shares
    targets = [t for t in targets if candidates[t["enterprise_id"]]]
    targets.sort(key=lambda t: (len(candidates[t["enterprise_id"]]), t["enterprise_id"]))
    load: dict[int, int] = defaultdict(int)
    shares: dict[tuple[int, int, int], list[dict]] = defaultdict(list)  # (inspector, n, k)
    for target in targets:
        pool = candidates[target["enterprise_id"]]
        grid_first = {u: i for i, u in enumerate(pool)}
        n = max(1, target["visits_planned"])
        for k in range(n):
            inspector = min(pool, key=lambda u: (load[u], elsewhere[u], grid_first[u], u))
            load[inspector] += 1
            shares[(inspector, n, k)].append(target)
    # each share evenly over its part of the working days, on the inspector's least busy day
    per_day: dict[tuple[int, date], int] = defaultdict(int)
    proposal = []
    for (inspector, n, k), share in sorted(shares.items()):
        part = days[k * len(days) // n : (k + 1) * len(days) // n] or days[-1:]
        share.sort(key=lambda t: t["enterprise_id"])
        for i, target in enumerate(share):
            ideal = part[i * len(part) // len(share)]
            day = min(part, key=lambda d: (per_day[(inspector, d)], abs((d - ideal).days), d))
            per_day[(inspector, day)] += 1
            proposal.append(
                Proposed(target["enterprise_id"], target["region_code"], inspector, day)
            )
    proposal.sort(key=lambda p: (p.inspector_id, p.day, p.enterprise_id))
    return proposal, unassigned


def fingerprint(plan: Plan, proposal: list[Proposed]) -> str:
    """Names one proposal: the dispatch answers 409 when what it would create now differs
    from what was shown."""
    text = ";".join(f"{p.enterprise_id},{p.inspector_id},{p.day:%Y%m%d}" for p in proposal)
    return hashlib.sha256(f"{plan.pk}|{text}".encode()).hexdigest()[:16]


def build_visits(
    plan: Plan, filters: Filters = Filters(), today: date | None = None
) -> tuple[list[Visit], int, str]:
    """The visits of the proposal, unsaved; targets without an eligible inspector; the
    proposal's fingerprint."""
    proposal, unassigned = propose(plan, filters, today)
    visits = [
        Visit(
            plan=plan,
            enterprise_id=p.enterprise_id,
            region_code=p.region_code,
            inspector_id=p.inspector_id,
            scheduled_on=p.day,
        )
        for p in proposal
    ]
    return visits, unassigned, fingerprint(plan, proposal)
