"""Submitting for acceptance takes the after-rectification photos in the same form; at least
the policy's number per level is required."""

from datetime import date

import pytest

from safeloop.core.errors import Invalid
from safeloop.hazards import services
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard, HazardPolicy
from safeloop.orgs.roles import Role
from tests.photos import photo


def test_a_hazard_is_not_submitted_without_an_after_photo(world, make_hazard):
    hazard = make_hazard(state=State.RECTIFYING)
    with pytest.raises(Invalid) as error:
        services.submit(hazard=hazard, actor=world.user(Role.SAFETY_MANAGER), evidence="已整改")
    assert "photos" in error.value.fields()
    assert Hazard.objects.get(pk=hazard.pk).state == State.RECTIFYING


def test_the_form_takes_the_photos_and_says_what_is_missing(world, make_hazard, client):
    hazard = make_hazard(state=State.RECTIFYING)
    client.force_login(world.user(Role.SAFETY_MANAGER))
    url = f"/hazards/{hazard.pk}/move/submit/"
    data = {"submit-version": hazard.version, "submit-evidence": "已加装防护罩"}
    refused = client.post(url, data)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "整改后照片" in html and "已加装防护罩" in html  # asks again, keeps the text
    assert client.post(url, {**data, "submit-photos": photo()}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == State.AWAITING
    assert [p.stage for p in hazard.photos.all()] == ["after"]


def test_the_policy_may_relax_it_per_level(world, make_hazard):
    HazardPolicy.objects.create(
        effective_from=date(2020, 1, 1), source="测试", after_photos_general=0
    )
    general = make_hazard(state=State.RECTIFYING)
    services.submit(hazard=general, actor=world.user(Role.SAFETY_MANAGER), evidence="已整改")
    major = make_hazard(state=State.RECTIFYING, level=Level.MAJOR)
    with pytest.raises(Invalid):
        services.submit(hazard=major, actor=world.user(Role.SAFETY_MANAGER), evidence="已整改")
