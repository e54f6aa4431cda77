"""Scoped reads: `Model.objects.for_user(user, action)` is the only way to read scoped rows.

A user's role assignments are reduced to Grants. Each scoped model says, per action, which
roles may act (`scope_roles`) and how its rows reach each kind of org unit (`scope_paths`).
A grant on a unit is valid for everything below it: a region grant matches every row whose
region code starts with the region's prefix (640100 → "6401"), a park grant the park's rows,
and so on down to one enterprise.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Lookup, Q

from safeloop.core.errors import OutOfScope

EVERYTHING = "*"


@dataclass(frozen=True)
class Grant:
    role: str
    region_prefix: str | None = None  # "" would match all; EVERYTHING grants use `everywhere`
    park_id: int | None = None
    grid_id: int | None = None
    enterprise_id: int | None = None
    everywhere: bool = False


def grant_q(model, grant: Grant) -> Q | None:
    """The rows of `model` one grant reaches, or None when the grant reaches none."""
    if grant.everywhere:
        return Q()
    paths = model.scope_paths
    for unit, value in (
        ("enterprise", grant.enterprise_id),
        ("grid", grant.grid_id),
        ("park", grant.park_id),
    ):
        if value is not None:
            if unit not in paths:
                return None
            if unit == "enterprise":
                return Q(**{paths[unit]: value})
            return _through(model, paths[unit], value)
    if grant.region_prefix and "region" in paths:
        if len(grant.region_prefix) == 6:  # a county-level code: equality uses plain indexes
            return Q(**{paths["region"]: grant.region_prefix})
        return Q(**{f"{paths['region']}__startswith": grant.region_prefix})
    return None


def _through(model, path: str, value) -> Q:
    """A park's or a grid cell's rows where the unit is a field of a row this one points to
    (`enterprise__grid_id`): read as the ids of those rows (`enterprise__any=[…]`), found by
    the unit's index first. As a join, PostgreSQL walked the whole table in the list's order
    looking for the few rows of a small unit (a grid's hidden dangers: 528 ms for 101 of
    1,000,000; by the ids, 0.3 ms). Only through foreign keys; a path of the row's own field
    stays a plain condition."""
    if "__" not in path:
        return Q(**{path: value})
    relation, field = path.rsplit("__", 1)
    target = model
    for part in relation.split("__"):
        link = target._meta.get_field(part)
        if not (link.many_to_one and link.concrete):
            return Q(**{path: value})
        target = link.related_model
    ids = target._base_manager.filter(**{field: value}).values_list("pk", flat=True)
    return Q(**{f"{relation}__any": list(ids)})


@models.ForeignObject.register_lookup
class AnyOf(Lookup):
    """`fk = ANY(%s::bigint[])`: the ids as one array parameter, typed as the keys are (left
    untyped, the driver sends small integers, and PostgreSQL compared every row's key by a
    cast: a park officer's to-do page 800 ms). One parameter to build and adapt instead of
    one per id: the page repeats its 1,667 enterprises in two dozen counts, and building
    those IN lists cost more than the queries (about 400 ms). On foreign keys only (`_through`
    reads a unit's rows by them); every key here is a big integer."""

    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, list(self.rhs))


def reaches(grants, roles, obj) -> bool:
    """In memory, what `for_user` decides in SQL: does a grant of one of `roles` reach `obj`?
    Only for models whose scope paths are the object's own fields (no joins), and an object
    whose fields are loaded: it spares a query where the row is already at hand."""
    paths = type(obj).scope_paths
    for grant in grants:
        if grant.role not in roles and EVERYTHING not in roles:
            continue
        if grant.everywhere:
            return True
        for unit, value in (
            ("enterprise", grant.enterprise_id),
            ("grid", grant.grid_id),
            ("park", grant.park_id),
        ):
            if value is not None:
                if unit in paths and getattr(obj, paths[unit]) == value:
                    return True
                break
        else:
            region = getattr(obj, paths["region"]) if "region" in paths else None
            if grant.region_prefix and (region or "").startswith(grant.region_prefix):
                return True
    return False


def scope_q(model, user, action: str = "view", *, roles=None) -> Q | None:
    """The condition `for_user` filters by: None when the user reaches no row, an empty Q
    when every row. For composing a scope into a larger condition (an OR of clauses) without
    a self-join on the primary key."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    allowed = set(getattr(model, "scope_roles", {}).get(action, ()))
    if roles is not None:
        allowed = allowed & set(roles) if EVERYTHING not in allowed else set(roles)
    condition = None
    for grant in user.grants():
        if grant.role not in allowed and EVERYTHING not in allowed:
            continue
        q = grant_q(model, grant)
        if q is None:
            continue
        if not q:  # an unrestricted grant
            return Q()
        condition = q if condition is None else condition | q
    return condition


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view", *, roles=None):
        """Rows `user` may act on; `roles` narrows to grants of those roles only."""
        condition = scope_q(self.model, user, action, roles=roles)
        if condition is None:
            return self.none()
        return self.filter(condition) if condition else self.all()


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


PK_MAX = 2**63 - 1  # PostgreSQL's bigint


def as_pk(value) -> int | None:
    """A primary key from a URL or a request body, or None when it cannot name a row (not a
    whole number, or outside the database's key range): the caller answers 404."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= PK_MAX else None


_UNKNOWN = object()


def _loaded(obj, path: str):
    """The value at `path` ("enterprise__park_id") read from what is in memory, or _UNKNOWN
    when a relation on the way is not loaded (reading it would cost a query)."""
    *relations, last = path.split("__")
    for name in relations:
        field = obj._meta.get_field(name)
        if not field.is_relation or not field.is_cached(obj):
            return _UNKNOWN
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj.__dict__.get(last, _UNKNOWN)


def decides_in_memory(user, action: str, obj) -> bool | None:
    """`can(user, action, obj)` without a query where every scope value of `obj` is in
    memory and its model's rows are not filtered by its manager; None when it cannot tell."""
    model = type(obj)
    if obj.pk is None or model._default_manager.get_queryset().query.where:
        return None
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    values = {unit: _loaded(obj, path) for unit, path in model.scope_paths.items()}
    if any(value is _UNKNOWN for value in values.values()):
        return None
    roles = set(getattr(model, "scope_roles", {}).get(action, ()))
    for grant in user.grants():
        if grant.role not in roles and EVERYTHING not in roles:
            continue
        if grant.everywhere:
            return True
        for unit, wanted in (
            ("enterprise", grant.enterprise_id),
            ("grid", grant.grid_id),
            ("park", grant.park_id),
        ):
            if wanted is not None:
                if unit in values and values[unit] == wanted:
                    return True
                break
        else:
            region = values.get("region")
            if (
                grant.region_prefix
                and "region" in values
                and (region or "").startswith(grant.region_prefix)
            ):
                return True
    return False


def can(user, action: str, obj) -> bool:
    return type(obj)._default_manager.for_user(user, action).filter(pk=obj.pk).exists()


def ensure_in_scope(user, action: str, obj) -> None:
    """Call after a write, inside its transaction: a write may not move a row out of reach."""
    if not can(user, action, obj):
        raise OutOfScope(f"{type(obj).__name__} {obj.pk} is outside the actor's scope")
