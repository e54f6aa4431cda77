"""The demo command issues the last two months' bulletins for the city and every county, with their
files, through the monthly job's service; seeding again issues nothing more."""

from datetime import timedelta

from django.utils import timezone

from safeloop.bulletins.models import Bulletin
from safeloop.demo.seed import seed
from safeloop.orgs.models import Region, RegionLevel


def test_the_demo_has_last_months_bulletins(db):
    seed(bulletins=True)
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
    issued = Bulletin.objects.filter(month=last_month)
    assert set(issued.values_list("region_id", flat=True)) == set(
        regions.values_list("pk", flat=True)
    )
    assert all(b.pdf for b in issued)
    count = Bulletin.objects.count()
    assert count == 2 * regions.count()
    seed(bulletins=True)
    assert Bulletin.objects.count() == count
