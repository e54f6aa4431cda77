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
