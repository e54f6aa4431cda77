"""Writes of custom checklists: an enterprise's own, or a regulator department's.

Official, sector, feature and general checklists are the administrator's (Django admin) and
read-only here. Nothing is deleted: a checklist or an item is retired (`active = False`), and
an item that a visit result already cites is never rewritten — editing it retires it and adds
its successor, so the old result keeps pointing at the item it was judged by.
Every change bumps the checklist's `version`; a stale version is a conflict (409). A
checklist outside the actor's scope is not found (404); one they see but do not keep is
refused (403); a retired one takes no change (409).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safeloop.core import audit
from safeloop.core.errors import IllegalMove, Invalid
from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import Category
from safeloop.inspections.choices import ChecklistKind
from safeloop.inspections.models import ApplicabilityRule, Checklist, ChecklistItem, VisitResult
from safeloop.inspections.models.plans import PLANNERS
from safeloop.orgs.roles import ENTERPRISE_STAFF

ITEM_FIELDS = ("text", "basis", "clause", "category", "order")


def staff_enterprises(actor):
    """The enterprises whose custom checklists `actor` keeps (as principal or safety manager)."""
    return Enterprise.objects.for_user(actor, roles=ENTERPRISE_STAFF)


def owned_department(actor):
    """The department whose custom checklists `actor` keeps: their own department, when they
    plan inspections (administrators and city/county inspectors)."""
    if actor.department_id and actor.roles & PLANNERS:
        return actor.department
    return None


def may_keep(actor, checklist) -> bool:
    """Whether `actor` may change this checklist: a custom one of their enterprise or their
    department. Scope is checked on top of this by the lock."""
    if checklist.kind != ChecklistKind.CUSTOM:
        return False
    if checklist.enterprise_id:
        return staff_enterprises(actor).filter(pk=checklist.enterprise_id).exists()
    department = owned_department(actor)
    return department is not None and checklist.department_id == department.pk


def _lock(checklist: Checklist, actor, version: int | None) -> Checklist:
    locked = lock(Checklist, actor, checklist.pk, version=version)
    allow(may_keep(actor, locked), _("You may not change this checklist."))
    return locked


def _open(checklist: Checklist) -> None:
    if not checklist.active:
        raise IllegalMove(_("This checklist is retired."))


def _text(value, field: str, limit: int) -> str:
    value = (value or "").strip()
    require(value, _("This field is required."), field)
    require(len(value) <= limit, _("At most %d characters.") % limit, field)
    return value


def rule_from(applies_to: str | dict | None) -> dict | None:
    """ "everyone", "sector:<sector>" or "feature:<flag>" (the forms' and the API's value)
    as the fields of an applicability rule; checked when the rule is saved."""
    if not applies_to:
        return None
    if isinstance(applies_to, dict):
        return applies_to
    if applies_to == "everyone":
        return {"everyone": True}
    kind, _sep, name = applies_to.partition(":")
    require(
        kind in ("sector", "feature") and name,
        _("Choose where the checklist applies."),
        "applies_to",
    )
    return {kind: name}


def _set_rule(checklist, rule, actor):
    """A department's checklist applies where its one rule says (every enterprise, a sector
    or a risk feature) within the department's region; an enterprise's applies to itself."""
    if checklist.enterprise_id:
        return
    rule = rule_from(rule) or {"everyone": True}
    current = checklist.rules.order_by("id").first() or ApplicabilityRule(checklist=checklist)
    current.everyone = bool(rule.get("everyone"))
    current.sector = rule.get("sector", "")
    current.feature = rule.get("feature", "")
    current.source = current.source or checklist.department.name
    try:
        current.full_clean(exclude=["checklist"])
    except ValidationError as error:
        raise Invalid({"applies_to": error.messages}) from None
    current.save(actor=actor)


@service
def create_checklist(
    *, actor, name, enterprise=None, department=None, rule: str | dict | None = None
) -> Checklist:
    """A custom checklist of an enterprise (its staff) or of the actor's own department;
    `rule` ("everyone", "sector:<sector>", "feature:<flag>" or their fields) says where a
    department's applies."""
    require(
        (enterprise is None) != (department is None),
        _("A custom checklist has exactly one owner."),
        "owner",
    )
    allow(
        enterprise is None or staff_enterprises(actor).filter(pk=enterprise.pk).exists(),
        _("Only the enterprise's own staff keep its checklists."),
    )
    allow(
        department is None or department == owned_department(actor),
        _("You keep only your own department's checklists."),
    )
    checklist = Checklist(
        name=_text(name, "name", 200),
        kind=ChecklistKind.CUSTOM,
        enterprise=enterprise,
        department=department,
    )
    checklist.save(actor=actor)
    _set_rule(checklist, rule, actor)
    track(checklist, "change")
    return checklist


@service
def update_checklist(
    *,
    checklist: Checklist,
    actor,
    version: int | None = None,
    name,
    rule: str | dict | None = None,
) -> Checklist:
    checklist = _lock(checklist, actor, version)
    _open(checklist)
    checklist.name = _text(name, "name", 200)
    bump(checklist)
    checklist.save(actor=actor)
    _set_rule(checklist, rule, actor)
    return checklist


@service
def retire_checklist(
    *, checklist: Checklist, actor, version: int | None = None, reason
) -> Checklist:
    """Stop using the checklist on new visits; visits that used it keep their results."""
    checklist = _lock(checklist, actor, version)
    _open(checklist)
    reason = _text(reason, "reason", 500)
    checklist.active = False
    bump(checklist)
    checklist.save(action="inspections.checklist.retire", actor=actor)
    audit.record(
        "inspections.checklist.retire.reason",
        checklist,
        changes={"reason": [None, reason]},
        actor=actor,
    )
    return checklist


def _clean_item(fields) -> dict:
    values = {
        "text": _text(fields.get("text"), "text", 2000),
        "basis": (fields.get("basis") or "").strip(),
        "clause": (fields.get("clause") or "").strip(),
        "category": fields.get("category"),
        "order": fields.get("order") or 0,
    }
    errors = {}
    if len(values["basis"]) > 200:
        errors["basis"] = [_("At most %d characters.") % 200]
    if len(values["clause"]) > 60:
        errors["clause"] = [_("At most %d characters.") % 60]
    if values["category"] not in Category.values:
        errors["category"] = [_("Choose a category.")]
    if not isinstance(values["order"], int) or not 0 <= values["order"] <= 9999:
        errors["order"] = [_("Enter a whole number from 0 to 9999.")]
    if errors:
        raise Invalid(errors)
    return values


def _touch(checklist: Checklist, actor) -> None:
    bump(checklist)
    checklist.save(action="inspections.checklist.items", actor=actor)


@service
def add_item(*, checklist: Checklist, actor, version: int | None = None, **fields) -> ChecklistItem:
    """A custom item is never major: only an item citing an official criterion is (the
    model's constraint), and custom items cite none."""
    checklist = _lock(checklist, actor, version)
    _open(checklist)
    values = _clean_item(fields)
    item = ChecklistItem(checklist=checklist, is_major=False, criterion=None, **values)
    item.save(actor=actor)
    _touch(checklist, actor)
    return item


def _lock_item(item: ChecklistItem, actor, version: int | None) -> tuple[Checklist, ChecklistItem]:
    """The item's checklist through the kit's lock (scope, keeper, version), then the item,
    which has no scope of its own but its checklist's."""
    checklist = _lock(item.checklist, actor, version)
    item = lock(
        ChecklistItem, None, item.pk, queryset=ChecklistItem.objects.filter(checklist=checklist)
    )
    if not checklist.active or not item.active:
        raise IllegalMove(_("This item is retired."))
    return checklist, item


@service
def edit_item(*, item: ChecklistItem, actor, version: int | None = None, **fields) -> ChecklistItem:
    """Edit in place while no result cites the item; once one does, retire it and add its
    successor with the new values, so the old result keeps its item. Returns the item now
    in use."""
    checklist, item = _lock_item(item, actor, version)
    values = _clean_item(fields)
    if VisitResult.objects.filter(checklist_item=item).exists():
        item.active = False
        item.save(action="inspections.checklist_item.supersede", actor=actor)
        item = ChecklistItem(checklist=checklist, is_major=False, criterion=None, **values)
    else:
        for name, value in values.items():
            setattr(item, name, value)
    item.save(actor=actor)
    _touch(checklist, actor)
    return item


@service
def retire_item(*, item: ChecklistItem, actor, version: int | None = None) -> ChecklistItem:
    checklist, item = _lock_item(item, actor, version)
    item.active = False
    item.save(action="inspections.checklist_item.retire", actor=actor)
    _touch(checklist, actor)
    return item
