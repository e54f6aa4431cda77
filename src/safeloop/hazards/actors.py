"""Which actor kinds a user is for one hazard (see workflow.py)."""

from safeloop.core.scoping import reaches
from safeloop.hazards.choices import Level, ListingLevel
from safeloop.hazards.models import Hazard, HazardPolicy
from safeloop.orgs.models import RegionLevel, region_prefix
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role

COUNTY_ROLES = {Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR}
CITY_ROLES = {Role.CITY_ADMIN, Role.CITY_INSPECTOR}


def _grants_at(user, roles, prefix: str) -> bool:
    """A grant of one of `roles` on exactly the region with this code prefix, or everywhere."""
    return any(
        g.everywhere or (g.role in roles and g.region_prefix == prefix) for g in user.grants()
    )


def supervises(user, hazard: Hazard) -> bool:
    """The supervising department of a listed major hazard: regulators of its region."""
    listing = getattr(hazard, "listing", None)
    if listing is None:
        return False
    region = listing.department.region
    roles = CITY_ROLES if region.level == RegionLevel.CITY else COUNTY_ROLES
    return _grants_at(user, roles, region.prefix)


def may_list(user, hazard: Hazard) -> bool:
    if HazardPolicy.current().listing_level == ListingLevel.CITY:
        return _grants_at(user, CITY_ROLES, region_prefix(hazard.region_code[:4] + "00"))
    return _grants_at(user, COUNTY_ROLES, hazard.region_code)


def acceptor_kind(hazard: Hazard) -> str:
    """Who accepts: the listing department for a major hazard, a regulator for one a
    regulator found, the enterprise's own principal or safety manager otherwise."""
    if hazard.level == Level.MAJOR:
        return "supervisor"
    return "regulator" if hazard.found_by_regulator else "enterprise"


def actor_kinds(user, hazard: Hazard | None, enterprise=None) -> set[str]:
    kinds = {"anyone"}
    if user is None or not user.is_authenticated:
        return kinds
    enterprise_id = hazard.enterprise_id if hazard else enterprise.pk
    if any(g.role in ENTERPRISE_STAFF and g.enterprise_id == enterprise_id for g in user.grants()):
        kinds.add("enterprise")
    if hazard is None:
        # A creation: the enterprise row is at hand (read through for_user by the caller),
        # so the regulator's reach is decided in memory rather than read again.
        is_regulator = bool(user.roles & REGULATORS) and reaches(
            user.grants(), REGULATORS, enterprise
        )
    else:
        is_regulator = bool(user.roles & REGULATORS) and (
            Hazard.objects.for_user(user, "view", roles=REGULATORS).filter(pk=hazard.pk).exists()
        )
    if is_regulator:
        kinds.add("regulator")
    if hazard is None:
        return kinds
    if is_regulator and may_list(user, hazard):
        kinds.add("lister")
    is_supervisor = supervises(user, hazard)
    if is_supervisor:
        kinds.add("supervisor")
    if hazard.level == Level.MAJOR:
        if is_supervisor:
            kinds.add("extension_decider")
    elif is_regulator:
        kinds.add("extension_decider")
    if acceptor_kind(hazard) in kinds and user.pk != hazard.submitted_by_id:
        kinds.add("acceptor")
    return kinds
