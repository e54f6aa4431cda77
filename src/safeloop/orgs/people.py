"""An enterprise's principal and safety managers in the ledger and their accounts are one
person, joined by the mobile number: a number changed on the account changes the ledger rows
that carried the old one on the enterprises where the account holds its role, and a number
changed in the ledger changes the account that carried the old one (`ledger_changed`)."""

from django.apps import apps

from safeloop.orgs.roles import Role


def _enterprise_ids(user, role) -> list[int]:
    return list(
        user.role_assignments.filter(active=True, role=role, enterprise__isnull=False).values_list(
            "enterprise_id", flat=True
        )
    )


def account_changed(user) -> None:
    """After an account's mobile changed (its `_audit_before` holds the old one)."""
    old = (getattr(user, "_mobile_before", None) or "").strip()
    new = user.mobile
    if not old or old == new:
        return
    Enterprise = apps.get_model("enterprises", "Enterprise")
    SafetyManager = apps.get_model("enterprises", "SafetyManager")
    for enterprise in Enterprise.objects.filter(
        pk__in=_enterprise_ids(user, Role.ENTERPRISE_PRINCIPAL), principal_mobile=old
    ).select_for_update():
        enterprise.principal_mobile = new
        enterprise.version += 1
        enterprise.save(action="enterprises.enterprise.account_mobile")
    for row in SafetyManager.objects.filter(
        enterprise_id__in=_enterprise_ids(user, Role.SAFETY_MANAGER), mobile=old
    ).select_for_update():
        row.mobile = new
        row.save(action="enterprises.safetymanager.account_mobile")


def ledger_changed(enterprise_id: int, changes: list[tuple[str, str, str]]) -> None:
    """`changes` are (role, old mobile, new mobile) of the enterprise's ledger people: the
    account holding that role on the enterprise with the old number takes the new one."""
    from safeloop.orgs.models import User

    for role, old, new in changes:
        if not old or old == new:
            continue
        account = (
            User.objects.select_for_update()
            .filter(
                mobile=old,
                role_assignments__enterprise_id=enterprise_id,
                role_assignments__role=role,
            )
            .first()
        )
        if account is None or (new and User.objects.filter(mobile=new).exists()):
            continue
        account.mobile = new
        account.save(action="orgs.user.ledger_mobile")


def ledger_accounts(actor, enterprise, people: list[tuple[str, str, str]]) -> dict:
    """For each ledger person (role, name, mobile) of `enterprise`: the account that is that
    person (holding the role on the enterprise with the mobile) and, when there is none and
    `actor` may grant the role there, the address of a new-account form filled in from the
    ledger row. Keyed by (role, mobile)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from safeloop.orgs.accounts import accounts_for, grantable_roles
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
