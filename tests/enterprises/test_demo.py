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
        time.monotonic() - started < 45
    )  # the ledger and six months of history, on a busy CI machine
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
