"""The demo ledger: enough enterprises across sectors, counties and parks; valid codes;
expiring licences and certificates; idempotent and quick."""

import time
from datetime import timedelta

from django.utils import timezone
from stdnum.cn import uscc

from safeloop.demo.seed import seed
from safeloop.enterprises.filters import expiring_q
from safeloop.enterprises.models import Enterprise, Licence, SafetyManager, SpecialOperator


def test_the_demo_ledger_is_broad_valid_and_idempotent(db):
    started = time.monotonic()
    seed()
    assert (
        time.monotonic() - started < 90
    )  # the ledger and every app's history (twenty apps), on a busy CI machine
    enterprises = Enterprise.objects.all()
    assert enterprises.count() >= 300
    sectors = set(enterprises.values_list("sector", flat=True))
    assert {"explosives", "metallurgy", "nonferrous", "building_materials", "machinery",
            "light_industry", "textiles"} <= sectors  # fmt: skip
    assert set(enterprises.values_list("region_code", flat=True)) == {
        "640104", "640105", "640106", "640121", "640122", "640181"}  # fmt: skip
    assert enterprises.exclude(park=None).order_by().values("park").distinct().count() == 6
    assert all(uscc.is_valid(code) for code in enterprises.values_list("uscc", flat=True))
    for op in SpecialOperator.objects.all():
        op.full_clean()  # valid ID numbers (with 兴庆区 birth places)
    for manager in SafetyManager.objects.all()[:50]:
        manager.full_clean()
    # every ledger enterprise has one (the two account homes of demo/seed.py have none)
    assert enterprises.filter(safety_managers=None).count() == 2
    assert enterprises.filter(scale="large", safety_managers__position=1).exists()  # some two
    soon = timezone.localdate() + timedelta(days=30)
    assert Licence.objects.filter(valid_to__lte=soon).exists()
    assert SpecialOperator.objects.filter(valid_to__lte=soon).exists()
    assert enterprises.filter(expiring_q(30)).count() >= 10
    names = list(enterprises.order_by("uscc").values_list("name", flat=True))
    counts = [Enterprise.objects.count(), Licence.objects.count(), SpecialOperator.objects.count(),
              SafetyManager.objects.count()]  # fmt: skip
    seed()
    assert [Enterprise.objects.count(), Licence.objects.count(),
            SpecialOperator.objects.count(), SafetyManager.objects.count()] == counts  # fmt: skip
    assert list(Enterprise.objects.order_by("uscc").values_list("name", flat=True)) == names


def test_the_demo_accounts_have_a_history_written_through_the_services(db):
    """Enterprise people invited from the ledger (activated, open, lapsed), one disabled with
    its reason, and an API token: the account screens have content on first start."""
    from safeloop.core.models import AuditEntry
    from safeloop.orgs.models import ApiToken, Invitation, User

    seed()
    invited = User.objects.filter(invitations__created_by__username="county_admin")
    assert invited.count() == 5
    assert invited.filter(last_login__isnull=True, must_change_password=False).count() == 3
    assert Invitation.objects.filter(used_at__isnull=True).count() == 2
    lapsed = Invitation.objects.filter(used_at__isnull=True, expires_at__lt=timezone.now())
    assert lapsed.count() == 1
    disabled = User.objects.get(is_active=False)
    reasons = AuditEntry.objects.filter(object_id=str(disabled.pk), changes__reason__1="已离职")
    assert reasons.exists()
    for user in invited:  # each is a ledger person of their enterprise
        grant = user.role_assignments.get()
        ledger = {grant.enterprise.principal_mobile} | set(
            grant.enterprise.safety_managers.values_list("mobile", flat=True)
        )
        assert user.mobile in ledger
    assert ApiToken.objects.filter(user__username="city_inspector", revoked_at=None).count() == 1
