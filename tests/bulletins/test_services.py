"""Generation is idempotent per region and month: one row, files replaced, each generation
audited; the job fills in what is missing and nothing more; bad months and regions refused."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safeloop.bulletins import services
from safeloop.bulletins.models import Bulletin
from safeloop.bulletins.tasks import last_month
from safeloop.core.errors import Invalid, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.orgs.roles import Role


def test_generating_twice_keeps_one_bulletin_and_replaces_its_files(
    world, mixed, month, generate, django_capture_on_commit_callbacks
):
    first = generate(world.city)
    old_pdf, old_xlsx = first.pdf.name, first.xlsx.name
    storage = first.pdf.storage
    with django_capture_on_commit_callbacks(execute=True):
        again = generate(world.city, actor=world.user(Role.CITY_ADMIN))
    assert again.pk == first.pk and again.generations == 2
    assert Bulletin.objects.filter(region=world.city, month=month).count() == 1
    assert again.figures == first.figures
    assert not storage.exists(old_pdf) and not storage.exists(old_xlsx)
    assert storage.exists(again.pdf.name) and storage.exists(again.xlsx.name)
    actions = list(
        AuditEntry.objects.filter(object_id=str(first.pk), action__startswith="bulletins.")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["bulletins.bulletin.generate", "bulletins.bulletin.regenerate"]


def test_the_job_makes_each_missing_bulletin_once(world, mixed):
    month = last_month(timezone.localdate())
    assert services.generate_missing(month) == 5  # two cities, three counties
    assert services.generate_missing(month) == 0
    assert Bulletin.objects.filter(month=month).count() == 5


@pytest.mark.parametrize(
    "bad_month",
    [
        timezone.localdate().replace(day=1),
        timezone.localdate() + timedelta(days=40),
        date(1999, 1, 1),
    ],
)
def test_only_an_ended_month_has_a_bulletin(world, generate, bad_month):
    with pytest.raises(Invalid) as error:
        generate(world.city, month=bad_month)
    assert set(error.value.fields()) == {"month"}
    assert not Bulletin.objects.exists()


def test_a_park_level_region_an_out_of_scope_region_or_a_non_reader_is_refused(world, generate):
    from safeloop.orgs.models import Region

    province = Region.objects.create(code="640000", name="宁夏", level="province")
    with pytest.raises(Invalid) as error:
        generate(province)
    assert set(error.value.fields()) == {"region"}
    # A region outside the reader's scope is a wrong choice of region (400), as in the form.
    with pytest.raises(Invalid) as error:
        generate(world.city, actor=world.user(Role.COUNTY_ADMIN))
    assert set(error.value.fields()) == {"region"}
    with pytest.raises(Invalid):
        generate(world.other_county, actor=world.user(Role.CITY_INSPECTOR))
    # Someone who reads no bulletin may not make one (403).
    with pytest.raises(NotPermitted):
        generate(world.county, actor=world.user(Role.PARK_OFFICER))
    assert not Bulletin.objects.exists()
    assert generate(world.county, actor=world.user(Role.COUNTY_INSPECTOR)).pk
