"""Reads for the shell's pages; each takes the user and stays inside their scope."""

from typing import Any

from django.db.models import Q

from safeloop.core.models import AuditEntry, Notification
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import GridCell, Park, Region, RoleAssignment
from safeloop.orgs.roles import ADMINS, REGULATORS


def audit_entries_for(user):
    """Administrators read the audit log of their own area; the system administrator reads
    all of it, including entries about no region (accounts, settings)."""
    condition = None
    for grant in user.grants() if user.is_authenticated else []:
        if grant.role not in ADMINS:
            continue
        if grant.everywhere:
            return AuditEntry.objects.all()
        q = Q(region_code__startswith=grant.region_prefix)
        condition = q if condition is None else condition | q
    if condition is None:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(condition)


def home_counts(user) -> list[tuple[str, int, str]]:
    """What there is for this user now: (label, count, link name)."""
    from django.utils.translation import gettext as _

    counts = []
    if user.roles & REGULATORS:  # the area's units mean nothing to an enterprise
        counts += [
            (_("Regions"), Region.objects.for_user(user).count(), "org-tree"),
            (_("Industrial parks"), Park.objects.for_user(user).count(), "org-tree"),
            (_("Grid cells"), GridCell.objects.for_user(user).count(), "org-tree"),
        ]
    counts.append((_("Enterprises"), Enterprise.objects.for_user(user).count(), ""))
    if user.roles & ADMINS:
        counts.append((_("Role assignments"), RoleAssignment.objects.for_user(user).count(), ""))
    return counts


def org_tree_for(user) -> list[dict]:
    """Regions in scope nested under their parents, each with its parks and grid cells.
    Units whose region is outside the user's scope (a park officer's park) are listed at
    the top level."""
    regions = list(Region.objects.for_user(user).order_by("code"))
    nodes = {r.pk: {"region": r, "children": [], "parks": [], "cells": []} for r in regions}
    loose: dict[str, Any] = {"region": None, "children": [], "parks": [], "cells": []}
    by_code = {node["region"].code: node for node in nodes.values()}
    for park in Park.objects.for_user(user).order_by("name"):
        by_code.get(park.region_code, loose)["parks"].append(park)
    for cell in GridCell.objects.for_user(user).order_by("code"):
        by_code.get(cell.region_code, loose)["cells"].append(cell)
    roots: list[dict] = []
    for node in nodes.values():
        parent = nodes.get(node["region"].parent_id)
        (parent["children"] if parent else roots).append(node)
    if loose["parks"] or loose["cells"]:
        roots.append(loose)
    return roots


def notifications_for(user, *, unread_only: bool = False):
    """The user's own inbox, newest first; nobody reads another's."""
    notes = Notification.objects.filter(recipient=user)
    return notes.filter(read_at__isnull=True) if unread_only else notes


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def todo_for(user, limit: int = 30) -> list:
    """Everything waiting for this user, from every app, most urgent first."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from safeloop.alerts.selectors import todo_for as warnings_todo
    from safeloop.core.todo import Todo, most_urgent_first
    from safeloop.crackdown.selectors import todo_for as crackdown_todo
    from safeloop.credit.selectors import todo_for as credit_todo
    from safeloop.duties.selectors import todo_for as duties_todo
    from safeloop.enforcement.selectors import todo_for as enforcement_todo
    from safeloop.hazards.selectors import todo_for as hazards_todo
    from safeloop.inspections.selectors import todo_for as visits_todo
    from safeloop.investment.selectors import todo_for as investment_todo
    from safeloop.parkrisk.selectors import todo_for as parkrisk_todo
    from safeloop.selfchecks.selectors import todo_for as selfchecks_todo
    from safeloop.sourcecontrol.selectors import todo_for as source_todo

    notices = [
        Todo(
            kind=_("Notice received"),
            title=note.title,
            link=reverse("inbox"),
            asked_by=note.body[:60],
            since=timezone.localtime(note.created_at).date(),
        )
        for note in notifications_for(user, unread_only=True)[:10]
    ]
    items = [
        *hazards_todo(user),
        *selfchecks_todo(user),
        *visits_todo(user),
        *warnings_todo(user),
        *investment_todo(user),
        *source_todo(user),
        *parkrisk_todo(user),
        *duties_todo(user),
        *crackdown_todo(user),
        *enforcement_todo(user),
        *credit_todo(user),
        *notices,
    ]
    return most_urgent_first(items)[:limit]
