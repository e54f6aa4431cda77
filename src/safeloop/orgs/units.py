"""Changing parks and grid cells: the version read is required (409 when stale, 400 when
missing), and a park or grid cell does not move to another county while anything hangs
below it (docs/decisions.md, "Moving a park or grid cell to another county")."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from safeloop.core.errors import Invalid
from safeloop.core.scoping import ensure_in_scope
from safeloop.core.services import allow, bump, check_version, lock, require, service, track
from safeloop.orgs.models import Department, GridCell, Park, RoleAssignment, User
from safeloop.orgs.roles import Role


def require_version(obj, version) -> None:
    require(version not in (None, ""), _("Send the version you read."), "version")
    check_version(obj, version)


def dependents(obj) -> list[str]:
    """What hangs below a park or grid cell, by name, for the refusal's message."""
    Enterprise = apps.get_model("enterprises", "Enterprise")
    enterprises = Enterprise._base_manager  # deleted enterprises keep their scope too
    found = []
    if isinstance(obj, Park):
        checks = [
            (enterprises.filter(park=obj), _("enterprises below it")),
            (GridCell.objects.filter(park=obj), _("grid cells")),
            (Department.objects.filter(park=obj), _("departments")),
            (RoleAssignment.objects.filter(park=obj), _("role assignments")),
        ]
    else:
        checks = [
            (enterprises.filter(grid=obj), _("enterprises below it")),
            (RoleAssignment.objects.filter(grid=obj), _("role assignments")),
        ]
    for rows, label in checks:
        if rows.exists():
            found.append(str(label))
    return found


def check_move(before_region_id, obj) -> None:
    """400 on `region` when the unit would leave its county with records below it."""
    if before_region_id is None or before_region_id == obj.region_id:
        return
    below = dependents(obj)
    if below:
        raise Invalid(
            _("It cannot move to another county while it holds %(what)s: move or close them first.")
            % {"what": "、".join(below)},
            field="region",
        )


def _department_dependents(department) -> list[str]:
    """What points at a department (its people, listings that name it …), by model name."""
    found = []
    for relation in department._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            rows = relation.related_model._base_manager.filter(**{relation.field.name: department})
            if rows.exists():
                found.append(str(relation.related_model._meta.verbose_name_plural))
    return found


# What a screen or the API may set on each org unit (region_code and version follow).
UNIT_FIELDS = {
    Park: ("name", "region", "level", "note", "verified"),
    GridCell: ("code", "name", "region", "park"),
    Department: ("name", "kind", "region", "park"),
}


def _assign(obj, data: dict) -> None:
    for name, value in data.items():
        require(name in UNIT_FIELDS[type(obj)], _("This field cannot be changed here."), name)
        setattr(obj, name, value)


@service
def create_unit(*, actor, model, data: dict):
    """A new park, grid cell or department, inside the actor's scope (403 outside it)."""
    allow(
        actor is None or bool(actor.roles & set(model.scope_roles["change"])),
        _("Only an administrator manages the organisation."),
    )
    obj = model()
    _assign(obj, data)
    obj.full_clean()
    obj.save()
    return track(obj)


@service
def update_unit(*, actor, model, pk, data: dict, version):
    """Change a park, grid cell or department: the version read is required (409 stale,
    400 missing); it does not move to another county while anything hangs below it."""
    obj = lock(model, actor, pk)
    require_version(obj, version)
    before_region = obj.region_id
    _assign(obj, data)
    bump(obj)
    obj.save()  # inside the service's transaction: refused below means rolled back
    if actor is not None:
        ensure_in_scope(actor, "change", obj)  # 403 before any word on dependents
    if isinstance(obj, Department):
        if before_region != obj.region_id and (below := _department_dependents(obj)):
            raise Invalid(
                _("It cannot move to another region while it holds %(what)s.")
                % {"what": "、".join(below)},
                field="region",
            )
    else:
        check_move(before_region, obj)
    obj.full_clean()  # after the scope and the move: those answers come first
    return obj


# Who decides extensions and listings for a department's area (hazards.actors.supervises):
# the regulators of the department's region, city or county by its level.
DECIDING_ROLES = {
    "city": (Role.CITY_ADMIN, Role.CITY_INSPECTOR),
    "county": (Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR),
}


def deciders(department):
    """The active accounts that decide extensions and listings for `department`."""
    roles = DECIDING_ROLES.get(department.region.level, ())
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__active=True,
            role_assignments__role__in=roles,
            role_assignments__region=department.region,
        )
        .distinct()
        .order_by("username")
    )


def inspectors_on_duty(cell):
    """The active accounts holding the grid-inspector role on `cell`."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__active=True,
            role_assignments__role=Role.GRID_INSPECTOR,
            role_assignments__grid=cell,
        )
        .distinct()
        .order_by("username")
    )
