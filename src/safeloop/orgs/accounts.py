"""Accounts run from inside the product: who may see and manage whom, and the services that
create, edit, disable and re-enable accounts and grant and revoke their roles.

An administrator sees the accounts holding a role on a unit inside their scope; they manage
(edit, disable, reset, grant, revoke) an account only when every role it holds is one their
own role may grant (`roles.GRANTABLE`) on a unit inside their scope. Outside: 404; visible
but above them: 403. Every change is audited with the actor and the reason given.
"""

from datetime import timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core import audit
from safeloop.core.errors import Invalid, NotFound, NotPermitted
from safeloop.core.scoping import as_pk
from safeloop.core.services import require, service, track
from safeloop.orgs.models import (
    ApiToken,
    GridCell,
    Invitation,
    InvitationKind,
    Park,
    Region,
    RegionLevel,
    RoleAssignment,
    User,
    secret_hash,
)
from safeloop.orgs.roles import GRANTABLE, ROLE_UNIT, Role, Unit

INVITATION_DAYS = 7  # an invitation or reset link is valid this long, then asks for a new one
mobile_pattern = r"^1[3-9]\d{9}$"


# ---------------------------------------------------------------- who sees and manages whom
def grantable_roles(actor) -> frozenset:
    """The roles `actor` may grant, whatever the unit."""
    if actor is None or not actor.is_authenticated:
        return frozenset()
    roles: set = set()
    for role in actor.roles:
        roles |= GRANTABLE.get(role, frozenset())
    return frozenset(roles)


def accounts_for(actor) -> QuerySet:
    """The accounts `actor` may see: the holders of a role on a unit inside their scope."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return User.objects.none()
    if Role.SYSTEM_ADMIN in actor.roles:
        return User.objects.all()
    visible = RoleAssignment.objects.for_user(actor, "view").filter(
        role__in=grantable_roles(actor) | _peers(actor)
    )
    return User.objects.filter(pk__in=visible.values("user_id"))


def _peers(actor) -> set:
    """Administrators see (but do not manage) fellow administrators of their own level."""
    return {r for r in actor.roles if r in (Role.CITY_ADMIN, Role.COUNTY_ADMIN)} | (
        {Role.CITY_INSPECTOR} if Role.CITY_ADMIN in actor.roles else set()
    )


def may_manage(actor, user) -> bool:
    """Every role `user` holds is one `actor` may grant, on a unit inside their scope."""
    if actor is None or user.pk == actor.pk:
        return False
    if Role.SYSTEM_ADMIN in actor.roles:
        return True
    assignments = list(user.role_assignments.all())
    if not assignments:
        return False
    allowed = grantable_roles(actor)
    in_scope = set(
        RoleAssignment.objects.for_user(actor, "change")
        .filter(user=user)
        .values_list("pk", flat=True)
    )
    return all(a.role in allowed and a.pk in in_scope for a in assignments)


def get_account(actor, pk, *, manage: bool = False) -> User:
    """The account `pk`: 404 when `actor` cannot see it, 403 when `manage` and they may not."""
    pk = as_pk(pk)
    user = accounts_for(actor).filter(pk=pk).first() if pk else None
    if user is None:
        raise NotFound()
    if manage and not may_manage(actor, user):
        raise NotPermitted(_("This account holds a role you may not manage."))
    return user


def lock_account(actor, pk) -> User:
    user = get_account(actor, pk, manage=True)
    return User.objects.select_for_update().get(pk=user.pk)


# ---------------------------------------------------------------- units
UNIT_FIELD = {
    Unit.CITY: "region",
    Unit.COUNTY: "region",
    Unit.PARK: "park",
    Unit.GRID: "grid",
    Unit.ENTERPRISE: "enterprise",
}


def resolve_unit(actor, role: str, **ids) -> dict:
    """The unit a role is granted on, from the id given for it; an id the actor cannot see
    answers as one that does not exist (400 on that field)."""
    require(role in Role.values, _("Choose a role."), "role")
    require(role in grantable_roles(actor), _("Your role may not grant this role."), "role")
    unit = ROLE_UNIT[Role(role)]
    if unit == Unit.NONE:
        return {}
    field = UNIT_FIELD[unit]
    models: dict[str, Any] = {
        "region": Region,
        "park": Park,
        "grid": GridCell,
        "enterprise": apps.get_model("enterprises", "Enterprise"),
    }
    pk = as_pk(ids.get(field))
    require(pk is not None, _("Choose the unit this role is granted on."), field)
    rows = models[field].objects.for_user(actor, "view")
    if field == "region":
        level = RegionLevel.CITY if unit == Unit.CITY else RegionLevel.COUNTY
        rows = rows.filter(level=level)
    obj = rows.filter(pk=pk).first()
    require(obj is not None, _("No such unit."), field)
    return {field: obj}


def check_mobile(mobile: str, user: User | None = None) -> str:
    import re

    mobile = (mobile or "").strip()
    if not mobile:
        return ""
    require(
        re.match(mobile_pattern, mobile),
        _("Enter an 11-digit mainland mobile number, e.g. 13900000000."),
        "mobile",
    )
    taken = User.objects.filter(Q(mobile=mobile) | Q(username=mobile))
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    require(not taken.exists(), _("Another account already uses this mobile number."), "mobile")
    return mobile


def reasoned(verb: str, obj, reason: str, **changes) -> None:
    """The audit entry that says why, next to the entries of what changed."""
    audit.record(verb, obj, changes={"reason": [None, reason], **changes})


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    require(reason, _("Say why."), "reason")
    return reason[:200]


# ---------------------------------------------------------------- services
@service
def create_account(
    *,
    actor,
    username: str,
    full_name: str,
    role: str,
    mobile: str = "",
    email: str = "",
    reason: str = "",
    region=None,
    park=None,
    grid=None,
    enterprise=None,
) -> tuple[User, str]:
    """A new account holding one role on one unit, and its invitation: the one-time code
    the person sets their password with. Returns (account, code); the code is not stored."""
    reason = _require_reason(reason)
    username = (username or "").strip()
    require(username, _("Give a username."), "username")
    require(
        not User.objects.filter(Q(username__iexact=username) | Q(mobile=username)).exists(),
        _("This username is taken."),
        "username",
    )
    require((full_name or "").strip(), _("Give the person's name."), "full_name")
    unit = resolve_unit(actor, role, region=region, park=park, grid=grid, enterprise=enterprise)
    mobile = check_mobile(mobile)
    user = User(
        username=username,
        full_name=full_name.strip(),
        mobile=mobile,
        email=(email or "").strip(),
        must_change_password=True,
    )
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise Invalid(error.message_dict) from None
    user.save()
    assignment = RoleAssignment(user=user, role=role, **unit)
    assignment.full_clean()
    assignment.save()
    track(assignment)
    reasoned("orgs.user.create", user, reason, role=[None, role])
    code = _new_invitation(actor, user, InvitationKind.INVITE)
    return user, code


@service
def update_account(
    *, actor, user, full_name: str, mobile: str = "", email: str = "", reason: str = ""
) -> User:
    reason = _require_reason(reason)
    user = lock_account(actor, user.pk)
    require((full_name or "").strip(), _("Give the person's name."), "full_name")
    user.full_name = full_name.strip()
    user._mobile_before = user.mobile
    user.mobile = check_mobile(mobile, user)
    user.email = (email or "").strip()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise Invalid(error.message_dict) from None
    user.save()
    reasoned("orgs.user.edit", user, reason)
    _ledger_follows(user)
    return user


def _ledger_follows(user) -> None:
    """The ledger rows of this person take the account's mobile: one person, one number."""
    from safeloop.orgs.people import account_changed

    account_changed(user)


@service
def set_active(*, actor, user, active: bool, reason: str = "") -> User:
    """Disable (or re-enable) an account. Disabling keeps every record and role it has and
    ends its sessions and API tokens at once."""
    reason = _require_reason(reason)
    user = lock_account(actor, user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(action="orgs.user.enable" if active else "orgs.user.disable")
    reasoned("orgs.user.enable" if active else "orgs.user.disable", user, reason)
    if not active:
        end_sessions(user)
        revoke_all_tokens(user)
    return user


def end_sessions(user) -> int:
    """Delete every session of `user` (the session store is the database)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def revoke_all_tokens(user) -> None:
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
        token.revoked_at = timezone.now()
        token.save(action="orgs.apitoken.revoke")


@service
def grant_role(
    *, actor, user, role: str, reason: str = "", region=None, park=None, grid=None, enterprise=None
) -> RoleAssignment:
    reason = _require_reason(reason)
    user = lock_account(actor, user.pk)
    unit = resolve_unit(actor, role, region=region, park=park, grid=grid, enterprise=enterprise)
    existing = RoleAssignment.objects.filter(user=user, role=role, **unit).first()
    if existing is not None:
        assignment = existing
        assignment.active = True
    else:
        assignment = RoleAssignment(user=user, role=role, **unit)
        assignment.full_clean()
    assignment.save(action="orgs.roleassignment.grant")
    track(assignment)
    reasoned("orgs.roleassignment.grant", assignment, reason)
    return assignment


@service
def revoke_role(*, actor, assignment_pk, reason: str = "") -> RoleAssignment:
    """A role ends (kept inactive for the history); an account's last role may not go: the
    account is disabled instead."""
    reason = _require_reason(reason)
    assignment = RoleAssignment.objects.for_user(actor, "view").filter(pk=as_pk(assignment_pk))
    found = assignment.select_related("user").first()
    if found is None:
        raise NotFound()
    user = lock_account(actor, found.user_id)
    found = RoleAssignment.objects.select_for_update().get(pk=found.pk)
    others = user.role_assignments.filter(active=True).exclude(pk=found.pk)
    require(
        others.exists(),
        _("This is the account's last role: disable the account instead."),
        "role",
    )
    found.active = False
    found.save(action="orgs.roleassignment.revoke")
    reasoned("orgs.roleassignment.revoke", found, reason)
    return found


# ---------------------------------------------------------------- invitations and resets
def _new_invitation(actor, user, kind: str) -> str:
    # A new link makes older unused ones of the same person useless.
    for old in Invitation.objects.filter(user=user, used_at__isnull=True):
        old.used_at = timezone.now()
        old.save(action="orgs.invitation.replace")
    code = Invitation.new_code()
    Invitation.objects.create(
        user=user,
        kind=kind,
        code_hash=secret_hash(code),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    return code


@service
def invite_again(*, actor, user, reason: str = "") -> str:
    """A fresh invitation (or, for an account that has signed in, a reset link)."""
    reason = _require_reason(reason)
    user = lock_account(actor, user.pk)
    kind = InvitationKind.RESET if user.last_login else InvitationKind.INVITE
    if kind == InvitationKind.RESET:
        user.set_unusable_password()
        user.must_change_password = True
        user.save(action="orgs.user.reset")
        end_sessions(user)
    reasoned(f"orgs.user.{kind}", user, reason)
    return _new_invitation(actor, user, kind)


def invitation_for(code: str) -> Invitation | None:
    """The usable invitation of `code` (None: unknown, used or expired — all alike)."""
    if not code:
        return None
    found = Invitation.objects.select_related("user").filter(code_hash=secret_hash(code)).first()
    if found is None or not found.usable or not found.user.is_active:
        return None
    return found


@service
def activate(*, actor=None, code: str, password: str) -> User:
    """The person sets their password with a one-time code; the code is then used up."""
    invitation = invitation_for(code)
    if invitation is None:
        raise Invalid(_("This link is unknown, used or expired: ask for a new one."), field="code")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    require(invitation.used_at is None, _("This link has already been used."), "code")
    user = invitation.user
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise Invalid({"password": list(error.messages)}) from None
    user.set_password(password)
    user.must_change_password = False
    user.save(action="orgs.user.activate", actor=user)
    invitation.used_at = timezone.now()
    invitation.save(action="orgs.invitation.use", actor=user)
    return user


@service
def change_password(*, actor, old_password: str, new_password: str) -> User:
    user = User.objects.select_for_update().get(pk=actor.pk)
    require(
        user.check_password(old_password or ""), _("The current password is wrong."), "old_password"
    )
    require(old_password != new_password, _("Choose a new password."), "new_password")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        raise Invalid({"new_password": list(error.messages)}) from None
    user.set_password(new_password)
    user.must_change_password = False
    user.save(action="orgs.user.password")
    return user


def ledger_accounts(actor, enterprise, people: list[tuple[str, str, str]]) -> dict:
    """For each ledger person (role, name, mobile) of `enterprise`: the account that is that
    person (holding the role on the enterprise with the mobile) and, when there is none and
    `actor` may grant the role there, the address of a new-account form filled in from the
    ledger row. Keyed by (role, mobile)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from safeloop.orgs.models import RoleAssignment

    mobiles = [mobile for _, _, mobile in people if mobile]
    holders = {
        (grant.role, grant.user.mobile): grant.user
        for grant in RoleAssignment.objects.filter(
            enterprise=enterprise, active=True, user__mobile__in=mobiles
        ).select_related("user")
    }
    visible = set(accounts_for(actor).filter(mobile__in=mobiles).values_list("pk", flat=True))
    may_grant = grantable_roles(actor)
    found = {}
    for role, name, mobile in people:
        if not mobile:
            continue
        user = holders.get((role, mobile))
        invite = None
        if user is None and role in may_grant:
            invite = (
                reverse("account-new")
                + "?"
                + urlencode(
                    {
                        "role": role,
                        "enterprise": enterprise.pk,
                        "full_name": name,
                        "mobile": mobile,
                        "username": mobile,
                    }
                )
            )
        found[(role, mobile)] = {
            "user": user,
            "visible": user is not None and user.pk in visible,
            "invite": invite,
        }
    return found
