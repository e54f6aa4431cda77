"""A score entry's evidence opens through its unit's result: who sees the result gets the
file, anyone else 404; the result page links there, never to the media folder."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeloop.orgs.roles import Role
from safeloop.targets import services
from safeloop.targets.models import ScoreEntry
from tests.scope import ROLES, assert_status
from tests.targets.test_screens import COUNTY_SEERS, PDF, setup  # noqa: F401


@pytest.mark.parametrize("role", ROLES)
def test_evidence_answers_as_its_result_does(world, client, setup, role):  # noqa: F811
    county, a = setup["county"], setup["a"]
    services.score_entry(
        actor=world.user(Role.CITY_ADMIN),
        result=county,
        kind="adjust",
        points="2",
        reason="专项加分",
        evidence=SimpleUploadedFile("e.pdf", PDF, "application/pdf"),
        version=a.version,
    )
    entry = ScoreEntry.objects.get()
    client.force_login(world.users[role])
    sees = role in COUNTY_SEERS
    got = client.get(f"/targets/entries/{entry.pk}/evidence/")
    assert_status(got, 200 if sees else 404)
    if sees:
        assert b"".join(got.streaming_content) == PDF
        page = client.get(f"/targets/results/{county.pk}/").content.decode()
        assert f"/targets/entries/{entry.pk}/evidence/" in page and "/media/" not in page
    assert_status(client.get("/targets/entries/0/evidence/"), 404)
