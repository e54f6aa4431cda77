"""An action's decision document opens through its case: who sees the case gets the file,
anyone else 404, and the case page links there rather than to the media folder."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.crackdown import services
from safeloop.orgs.roles import REGULATORS, Role
from tests.crackdown.conftest import advance
from tests.scope import ROLES, assert_status

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 decision"


def _act(case, actor):
    document = SimpleUploadedFile("decision.pdf", PDF, content_type="application/pdf")
    return services.add_action(
        actor=actor,
        case=case,
        kind="ban",
        decided_on=timezone.localdate(),
        document_number="银应急取缔〔2026〕3号",
        document=document,
    )


@pytest.mark.parametrize("role", ROLES)
def test_a_decision_document_answers_as_its_case_does(world, client, make_case, role):
    admin = world.user(Role.SYSTEM_ADMIN)
    inside = _act(advance(make_case(), admin, "disposing"), admin)
    outside = _act(advance(make_case("outside"), admin, "disposing"), admin)
    client.force_login(world.user(role) if role else world.users[None])
    sees = role in REGULATORS
    got = client.get(f"/crackdown/actions/{inside.pk}/document/")
    assert_status(got, 200 if sees else 404)
    if sees:
        assert b"".join(got.streaming_content) == PDF
        page = client.get(f"/crackdown/cases/{inside.case_id}/").content.decode()
        assert f"/crackdown/actions/{inside.pk}/document/" in page and "/media/" not in page
    assert_status(
        client.get(f"/crackdown/actions/{outside.pk}/document/"),
        200 if role == Role.SYSTEM_ADMIN else 404,
    )
    assert_status(client.get("/crackdown/actions/abc/document/"), 404)
