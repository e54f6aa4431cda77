"""Photos on the screens: taken with the phone's camera in the registration form, added on
the detail page by those who may, shown as thumbnails with their capture time; a hostile
upload is refused on its field and registers nothing."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.hazards.choices import State
from safeloop.hazards.models import Hazard, HazardPhoto
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role
from tests.hazards.test_photos import jpeg_with_gps


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def register(client, world, **extra):
    data = {
        "token": extra.pop("token", "photo-1"),
        "move": "register",
        "enterprise": world.inside.pk,
        "level": "general",
        "source": "1",
        "category": "1",
        "place": "仓库",
        "description": "通道堵塞",
        "deadline": (timezone.localdate() + timedelta(days=5)).isoformat(),
        **extra,
    }
    return client.post("/hazards/new/", data)


def test_the_registration_form_opens_the_camera(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    html = client.get("/hazards/new/").content.decode()
    assert re.search(r'<input type="file" name="photo"[^>]*accept="image/\*"', html)
    assert 'capture="environment"' in html and 'enctype="multipart/form-data"' in html


def test_a_photo_taken_while_registering_is_kept_as_before(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    response = register(client, world, photo=jpeg_with_gps())
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    photo = HazardPhoto.objects.get(hazard=hazard)
    assert photo.stage == "before"
    html = client.get(f"/hazards/{hazard.pk}/").content.decode()
    thumb = f"/api/v1/hazards/{hazard.pk}/photos/{photo.pk}/?size=thumb"
    assert thumb in html and "拍摄于 2026-03-01 09:15" in html
    image = client.get(thumb)
    assert image.status_code == 200
    b"".join(image.streaming_content)


def test_fixed_on_the_spot_the_photo_shows_the_result(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    response = register(
        client, world, move="fix_on_spot", evidence="已清理", deadline="", photo=jpeg_with_gps()
    )
    assert response.status_code == 302
    assert HazardPhoto.objects.get().stage == "after"


def test_a_hostile_upload_is_refused_on_its_field_and_registers_nothing(world, client):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = register(client, world, photo=fake)
    assert response.status_code == 400
    block = re.search(r'data-field="photo".*?</div>', response.content.decode(), re.S).group(0)
    assert "errorlist" in block
    assert not Hazard.objects.exists() and not HazardPhoto.objects.exists()


@pytest.mark.parametrize("role", [*Role, None])
def test_who_may_add_a_photo_on_the_detail_page(world, make_hazard, client, role):
    hazard = make_hazard()
    client.force_login(world.users[role])
    page = client.get(f"/hazards/{hazard.pk}/")
    may = role in REGULATORS | ENTERPRISE_STAFF
    if role is None:
        assert page.status_code == 404
    else:
        assert ('id="photo-form"' in page.content.decode()) is may
    response = client.post(
        f"/hazards/{hazard.pk}/photos/", {"stage": "after", "file": jpeg_with_gps()}
    )
    expected = 302 if may else (404 if role is None else 403)
    assert response.status_code == expected
    assert HazardPhoto.objects.filter(hazard=hazard).exists() is may


def test_a_photo_of_the_wrong_stage_gets_a_field_error(world, make_hazard, client):
    hazard = make_hazard(state=State.AWAITING)
    client.force_login(world.user(Role.SAFETY_MANAGER))
    html = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'value="after"' in html and 'value="before"' not in html  # only what fits now
    response = client.post(
        f"/hazards/{hazard.pk}/photos/", {"stage": "before", "file": jpeg_with_gps()}
    )
    assert response.status_code == 400
    html = response.content.decode()
    block = html[html.index('data-field="stage"') : html.index('data-field="file"')]
    assert "选择一个有效的选项" in block
    assert not HazardPhoto.objects.exists()
