"""Demo history of the account screens, written through the account services as the demo
administrators would have: enterprise people invited from the ledger (some activated, one
invitation still open, one lapsed), an account disabled with its reason, and an API token
for a data screen. Idempotent: an account that exists is left alone."""

from datetime import timedelta

from django.utils import timezone

from safeloop.core.context import acting_as
from safeloop.enterprises.models import Enterprise
from safeloop.orgs import accounts, tokens
from safeloop.orgs.models import ApiToken, Invitation, User
from safeloop.orgs.roles import Role


def _ledger_people(county: str, count: int) -> list[tuple[Enterprise, str, str, str]]:
    """(enterprise, role, name, mobile) of ledger principals and safety managers in a county
    that have no account yet."""
    taken = set(User.objects.exclude(mobile="").values_list("mobile", flat=True))
    people = []
    for e in Enterprise.objects.filter(region_code=county, status="operating").order_by("pk")[:40]:
        manager = e.safety_managers.order_by("position").first()
        if manager and manager.mobile and manager.mobile not in taken:
            people.append((e, Role.SAFETY_MANAGER, manager.name, manager.mobile))
        elif e.principal_mobile and e.principal_mobile not in taken:
            people.append((e, Role.ENTERPRISE_PRINCIPAL, e.principal, e.principal_mobile))
        if len(people) == count:
            break
    return people


def seed(password: str) -> None:
    admin = User.objects.filter(username="county_admin").first()
    city_inspector = User.objects.filter(username="city_inspector").first()
    if admin is None or Invitation.objects.filter(created_by=admin).exists():
        return
    with acting_as(admin):
        created = []
        for enterprise, role, name, mobile in _ledger_people("640104", 5):
            user, code = accounts.create_account(
                actor=admin,
                username=mobile,
                full_name=name,
                mobile=mobile,
                role=role,
                enterprise=enterprise.pk,
                reason="按企业台账开通账号",
            )
            created.append((user, code))
        for _user, code in created[:3]:  # three have activated
            accounts.activate(actor=None, code=code, password=password)
        if len(created) >= 4:  # one invitation lapsed unused: the screen offers a new one
            Invitation.objects.filter(user=created[3][0]).update(
                expires_at=timezone.now() - timedelta(days=2)
            )
        if created:  # one left the enterprise
            user = User.objects.get(pk=created[0][0].pk)
            accounts.set_active(actor=admin, user=user, active=False, reason="已离职")
    if city_inspector and not ApiToken.objects.filter(user=city_inspector).exists():
        with acting_as(city_inspector):
            tokens.create_token(
                actor=city_inspector,
                name="指挥中心数据大屏",
                expires_at=timezone.now() + timedelta(days=180),
            )
