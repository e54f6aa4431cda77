"""Which actor kinds of `workflow.py` a user is for one enterprise's record."""

from safeloop.core.scoping import reaches
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS


def actor_kinds(user, enterprise, *, inspected_by_id=None) -> set[str]:
    kinds: set[str] = set()
    if user is None or not user.is_authenticated:
        return kinds
    grants = user.grants()
    if any(g.role in ENTERPRISE_STAFF and g.enterprise_id == enterprise.pk for g in grants):
        kinds.add("enterprise")
    if user.roles & REGULATORS and reaches(grants, REGULATORS, enterprise):
        kinds.add("regulator")
        if reaches(grants, ADMINS, enterprise) and user.pk != inspected_by_id:
            kinds.add("approver")
    return kinds
