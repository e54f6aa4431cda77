"""Changing parks and grid cells: the version read is required (409 when stale, 400 when
missing), and a park or grid cell does not move to another county while anything hangs
below it (docs/decisions.md, "Moving a park or grid cell to another county")."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from safeloop.core.errors import Invalid
from safeloop.core.services import check_version, require
from safeloop.orgs.models import Department, GridCell, Park, RoleAssignment


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
