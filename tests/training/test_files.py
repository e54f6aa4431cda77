"""Scans and campaign materials open through their record's page, never from the media
folder: the record's scope decides who gets the file (404 outside it), the page links there,
and a material is public only while its campaign is."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeloop.orgs.roles import Role
from safeloop.training import services
from safeloop.training.models import CampaignMaterial
from tests.scope import ROLES, assert_status

pytestmark = pytest.mark.django_db

# A county campaign: the regulators from the county up (park and grid officers work below it).
CAMPAIGN_VIEWERS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
}
PDF = b"%PDF-1.4 scan of a certificate"


def _scan():
    return SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_a_scan_to_who_sees_the_record(client, world, people, train, role):
    record = train(scan=_scan())
    outside = train(enterprise=world.outside, actor=world.user(Role.SYSTEM_ADMIN), scan=_scan())
    client.force_login(world.users[role])
    got = client.get(f"/training/records/{record.pk}/scan/")
    assert_status(got, 200 if role is not None else 404)
    if role is not None:
        assert b"".join(got.streaming_content) == PDF
        assert got["Cache-Control"] == "private, no-store"
        assert got["X-Content-Type-Options"] == "nosniff"
        page = client.get(f"/training/records/{record.pk}/").content.decode()
        assert f"/training/records/{record.pk}/scan/" in page and "/media/" not in page
    assert_status(
        client.get(f"/training/records/{outside.pk}/scan/"),
        200 if role == Role.SYSTEM_ADMIN else 404,
    )


def test_it_answers_404_for_a_record_without_a_scan_or_a_bad_id(client, world, people, train):
    record = train()
    client.force_login(world.user(Role.SAFETY_MANAGER))
    assert_status(client.get(f"/training/records/{record.pk}/scan/"), 404)
    assert_status(client.get("/training/records/999999/scan/"), 404)


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_campaign_materials_to_regulators_in_scope_and_the_public(client, world, role):
    admin = world.user(Role.COUNTY_ADMIN)
    campaign = services.create_campaign(
        actor=admin,
        title="2026年安全生产月",
        region=world.county,
        starts_on="2026-06-01",
        ends_on="2026-06-30",
        published=True,
    )
    services.add_material(
        actor=admin,
        campaign=campaign,
        title="活动方案",
        file=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
    )
    material = CampaignMaterial.objects.get()
    client.force_login(world.users[role])
    sees = role in CAMPAIGN_VIEWERS
    page = client.get(f"/training/campaigns/{campaign.pk}/")
    assert_status(page, 200 if sees else 404)
    assert_status(client.get(f"/training/materials/{material.pk}/"), 200 if sees else 404)
    if sees:
        assert f"/training/materials/{material.pk}/" in page.content.decode()
    client.logout()
    public = client.get(f"/public/campaigns/materials/{material.pk}/")
    assert_status(public, 200)
    assert b"".join(public.streaming_content) == PDF
    assert (
        f"/public/campaigns/materials/{material.pk}/"
        in client.get("/public/campaigns/").content.decode()
    )
    services.update_campaign(
        actor=admin, campaign=campaign, version=campaign.version, published=False
    )
    assert_status(client.get(f"/public/campaigns/materials/{material.pk}/"), 404)
