"""The roles, the kind of org unit each is assigned to, and the role groups apps grant to.

A role assignment is valid for its unit and everything below it (city → county → park →
grid → enterprise). Experts are assigned enterprise by enterprise.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    CITY_ADMIN = "city_admin", _("City administrator")
    CITY_INSPECTOR = "city_inspector", _("City inspector")
    COUNTY_ADMIN = "county_admin", _("County administrator")
    COUNTY_INSPECTOR = "county_inspector", _("County inspector")
    PARK_OFFICER = "park_officer", _("Park officer")
    GRID_INSPECTOR = "grid_inspector", _("Grid inspector")
    ENTERPRISE_PRINCIPAL = "enterprise_principal", _("Enterprise principal")
    SAFETY_MANAGER = "safety_manager", _("Enterprise safety manager")
    EXPERT = "expert", _("Expert")


class Unit(models.TextChoices):
    NONE = "none", _("Whole system")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    PARK = "park", _("Park")
    GRID = "grid", _("Grid cell")
    ENTERPRISE = "enterprise", _("Enterprise")


ROLE_UNIT = {
    Role.SYSTEM_ADMIN: Unit.NONE,
    Role.CITY_ADMIN: Unit.CITY,
    Role.CITY_INSPECTOR: Unit.CITY,
    Role.COUNTY_ADMIN: Unit.COUNTY,
    Role.COUNTY_INSPECTOR: Unit.COUNTY,
    Role.PARK_OFFICER: Unit.PARK,
    Role.GRID_INSPECTOR: Unit.GRID,
    Role.ENTERPRISE_PRINCIPAL: Unit.ENTERPRISE,
    Role.SAFETY_MANAGER: Unit.ENTERPRISE,
    Role.EXPERT: Unit.ENTERPRISE,
}

ALL_ROLES = frozenset(Role)
ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN})
REGULATORS = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.CITY_ADMIN,
        Role.CITY_INSPECTOR,
        Role.COUNTY_ADMIN,
        Role.COUNTY_INSPECTOR,
        Role.PARK_OFFICER,
        Role.GRID_INSPECTOR,
    }
)
ENTERPRISE_STAFF = frozenset({Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER})

# Which roles each role may grant (and so create, edit, disable and reset accounts holding
# them), always on a unit inside its own scope. Nobody grants their own role or one above it;
# park officers and grid inspectors manage no accounts; an enterprise principal invites and
# removes the enterprise's own safety managers. docs/roles-and-scope.md shows the same table.
GRANTABLE: dict[str, frozenset] = {
    Role.SYSTEM_ADMIN: frozenset(Role),
    Role.CITY_ADMIN: frozenset(
        {
            Role.CITY_INSPECTOR,
            Role.COUNTY_ADMIN,
            Role.COUNTY_INSPECTOR,
            Role.PARK_OFFICER,
            Role.GRID_INSPECTOR,
            Role.ENTERPRISE_PRINCIPAL,
            Role.SAFETY_MANAGER,
            Role.EXPERT,
        }
    ),
    Role.COUNTY_ADMIN: frozenset(
        {
            Role.COUNTY_INSPECTOR,
            Role.PARK_OFFICER,
            Role.GRID_INSPECTOR,
            Role.ENTERPRISE_PRINCIPAL,
            Role.SAFETY_MANAGER,
            Role.EXPERT,
        }
    ),
    Role.ENTERPRISE_PRINCIPAL: frozenset({Role.SAFETY_MANAGER}),
}
# The roles that manage accounts at all.
ACCOUNT_MANAGERS = frozenset(GRANTABLE)
