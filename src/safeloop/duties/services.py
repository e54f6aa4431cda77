"""Writes of the responsibility lists: templates (added, never edited), an enterprise's
lists issued from a template or written out (the one they replace is retired), the people
they bind and their acknowledgements, and the departments' duty lists. Nothing is deleted."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import Conflict
from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.duties.choices import ALL_SECTORS, DutyKind, ListKind
from safeloop.duties.models import (
    TEMPLATE_EDITORS,
    DepartmentDuty,
    DutyTemplate,
    ResponsibilityList,
    Signatory,
)
from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Department, User
from safeloop.orgs.roles import ENTERPRISE_STAFF

TEMPLATE_FIELDS = ("sector", "kind", "post", "items", "effective_from", "source", "confidence")
MAX_ITEMS = 10000


def _text(value, field, limit, message) -> str:
    value = (value or "").strip()
    require(value, message, field)
    require(len(value) <= limit, _("At most %(n)d characters.") % {"n": limit}, field)
    return value


def _kind_and_post(kind, post) -> tuple[str, str]:
    require(kind in ListKind.values, _("Choose the list."), "kind")
    post = (post or "").strip()
    require(len(post) <= 50, _("At most %(n)d characters.") % {"n": 50}, "post")
    if kind == ListKind.POST:
        require(post, _("Name the post."), "post")
    else:
        post = ""
    return kind, post


@service
def add_template(*, actor, **fields) -> DutyTemplate:
    """A new version of one sector's list for a post (or all staff); older versions stay."""
    allow(actor.roles & TEMPLATE_EDITORS, _("Only an administrator changes the templates."))
    sector = fields.get("sector") or ALL_SECTORS
    require(sector in (ALL_SECTORS, *Sector.values), _("Choose a sector."), "sector")
    kind, post = _kind_and_post(fields.get("kind"), fields.get("post"))
    items = _text(fields.get("items"), "items", MAX_ITEMS, _("Write the duties, one per line."))
    source = _text(fields.get("source"), "source", 300, _("Give the source."))
    effective_from: date = fields.get("effective_from")  # type: ignore[assignment]
    require(isinstance(effective_from, date), _("Give the day it takes effect."), "effective_from")
    require(
        not DutyTemplate.objects.filter(
            sector=sector, kind=kind, post=post, effective_from=effective_from
        ).exists(),
        _("A version from that day already exists."),
        "effective_from",
    )
    template = DutyTemplate(
        sector=sector,
        kind=kind,
        post=post,
        items=items,
        effective_from=effective_from,
        source=source,
        confidence=fields.get("confidence") or "unconfirmed",
    )
    template.full_clean()
    template.save(action="duties.template.add")
    return template


@service
def issue_list(*, actor, enterprise, kind, post="", items="", issued_on=None) -> ResponsibilityList:
    """Issue an enterprise's all-staff list or one post's list: the duties written out, or
    (left empty) the sector's template in force. The list it replaces is retired."""
    firm = lock(Enterprise, actor, getattr(enterprise, "pk", enterprise), action="view")
    allow(
        any(g.role in ENTERPRISE_STAFF and g.enterprise_id == firm.pk for g in actor.grants()),
        _("The enterprise issues its own lists."),
    )
    kind, post = _kind_and_post(kind, post)
    issued_on = issued_on or timezone.localdate()
    require(issued_on <= timezone.localdate(), _("A list is issued today or earlier."), "issued_on")
    template = None
    items = (items or "").strip()
    if not items:
        template = DutyTemplate.in_force(firm.sector, issued_on).get((kind, post))
        require(
            template is not None,
            _("There is no template for this post: write the duties out."),
            "items",
        )
        items = template.items  # type: ignore[union-attr]
    require(len(items) <= MAX_ITEMS, _("At most %(n)d characters.") % {"n": MAX_ITEMS}, "items")
    now = timezone.now()
    for old in ResponsibilityList.objects.select_for_update().filter(
        enterprise=firm, kind=kind, post=post, retired_at__isnull=True
    ):
        old.retired_at = now
        bump(old)
        old.save(action="duties.list.replace")
    rlist = ResponsibilityList(
        enterprise=firm, kind=kind, post=post, items=items, template=template, issued_on=issued_on
    )
    rlist.save(action="duties.list.issue")
    track(rlist)
    return rlist


@service
def add_signatory(*, actor, rlist, person_name, post_name="", user=None) -> Signatory:
    """A person the list binds; an account of the enterprise lets them acknowledge it
    themselves."""
    rlist = lock(ResponsibilityList, actor, getattr(rlist, "pk", rlist))
    require(rlist.retired_at is None, _("This list has been replaced."), "person_name")
    name = _text(person_name, "person_name", 50, _("Give the person's name."))
    post_name = (post_name or rlist.post or "").strip()
    require(len(post_name) <= 50, _("At most %(n)d characters.") % {"n": 50}, "post_name")
    if user is not None:
        require(
            isinstance(user, User)
            and user.role_assignments.filter(enterprise_id=rlist.enterprise_id).exists(),
            _("Choose an account of this enterprise."),
            "user",
        )
    require(
        not rlist.signatories.filter(person_name=name, post_name=post_name).exists(),
        _("This person is already on the list."),
        "person_name",
    )
    signatory = Signatory(rlist=rlist, person_name=name, post_name=post_name, user=user)
    signatory.save(action="duties.signatory.add")
    track(signatory)
    return signatory


@service
def acknowledge(*, actor, signatory) -> Signatory:
    """The person acknowledges the list: themselves when the row names their account; the
    enterprise's staff record a paper signature for a person without one."""
    pk = getattr(signatory, "pk", signatory)
    row = Signatory.objects.for_user(actor, "view").select_for_update().filter(pk=pk).first()
    if row is None:
        from safeloop.core.errors import NotFound

        raise NotFound()
    own = row.user_id is not None and row.user_id == actor.pk
    staff = row.user_id is None and any(
        g.role in ENTERPRISE_STAFF and g.enterprise_id == row.rlist.enterprise_id
        for g in actor.grants()
    )
    allow(own or staff, _("Only the person named acknowledges this list."))
    if row.acknowledged_at is not None:
        raise Conflict(_("Already acknowledged."))
    if row.rlist.retired_at is not None:
        raise Conflict(_("This list has been replaced."))
    row.acknowledged_at = timezone.now()
    row.on_paper = not own
    row.recorded_by = actor
    row.save(action="duties.signatory.acknowledge")
    return row


@service
def add_department_duty(
    *, actor, department, kind, position, person_name, duties, effective_from=None
) -> DepartmentDuty:
    """A leader's duty list in a department; the same position's earlier list of the same
    principle is retired."""
    dept = lock(Department, actor, getattr(department, "pk", department), action="view")
    allow(actor.roles & TEMPLATE_EDITORS, _("Administrators keep the departments' duty lists."))
    from safeloop.core.scoping import can

    allow(can(actor, "change", dept), _("Administrators keep the departments' duty lists."))
    require(kind in DutyKind.values, _("Choose the principle."), "kind")
    position = _text(position, "position", 50, _("Give the position."))
    person_name = _text(person_name, "person_name", 50, _("Give the person's name."))
    duties = _text(duties, "duties", MAX_ITEMS, _("Write the duties, one per line."))
    effective_from = effective_from or timezone.localdate()
    now = timezone.now()
    for old in DepartmentDuty.objects.select_for_update().filter(
        department=dept, kind=kind, position=position, retired_at__isnull=True
    ):
        old.retired_at = now
        bump(old)
        old.save(action="duties.department.replace")
    duty = DepartmentDuty(
        department=dept,
        kind=kind,
        position=position,
        person_name=person_name,
        duties=duties,
        effective_from=effective_from,
    )
    duty.save(action="duties.department.add")
    track(duty)
    return duty
