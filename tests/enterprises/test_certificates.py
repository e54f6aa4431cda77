"""Special-operator certificate numbers ("T" + the holder's ID number) are masked like ID
numbers for every role that may not see ID numbers: API, the personnel and history tabs and
the audit log."""

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from safeloop.core.models import AuditEntry
from safeloop.enterprises.models import SpecialOperator
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, Role
from tests.scope import ROLES

ID_NUMBER = "11010519491231002X"
CERTIFICATE = "T" + ID_NUMBER
MASKED = "T110***********002X"


@pytest.fixture
def operator(world):
    return SpecialOperator.objects.create(
        enterprise=world.inside,
        name="电工乙",
        id_number=ID_NUMBER,
        certificate_type="electrician",
        certificate_number=CERTIFICATE,
        valid_to=date.today() + timedelta(days=365),
    )


@pytest.mark.parametrize("role", [r for r in ROLES if r is not None])
def test_the_api_masks_the_certificate_number_per_role(world, api, operator, role):
    client = api.as_user(world.users[role])
    url = f"/api/v1/enterprises/{world.inside.pk}/personnel/"
    [row] = client.get(url).json()["results"]
    one = client.get(f"{url}{operator.pk}/").json()
    nested = client.get(f"/api/v1/enterprises/{world.inside.pk}/").json()["personnel"][0]
    expected = CERTIFICATE if role in ADMINS | ENTERPRISE_STAFF else MASKED
    assert row["certificate_number"] == one["certificate_number"] == expected
    assert nested["certificate_number"] == expected


@pytest.mark.parametrize("role", [r for r in ROLES if r is not None])
def test_the_personnel_tab_masks_the_certificate_number_per_role(world, client, operator, role):
    client.force_login(world.users[role])
    page = client.get(f"/enterprises/{world.inside.pk}/?tab=personnel").content.decode()
    if role in ADMINS | ENTERPRISE_STAFF:
        assert CERTIFICATE in page
    else:
        assert CERTIFICATE not in page and MASKED in page


def test_the_audit_entry_never_holds_the_certificate_number(world, api):
    api.as_user(world.user(Role.SAFETY_MANAGER)).post(
        f"/api/v1/enterprises/{world.inside.pk}/personnel/",
        {
            "name": "电工丙",
            "id_number": ID_NUMBER,
            "certificate_type": "electrician",
            "certificate_number": CERTIFICATE,
            "valid_to": str(date.today() + timedelta(days=365)),
        },
    )
    entry = AuditEntry.objects.get(action="enterprises.specialoperator.create")
    assert entry.changes["certificate_number"] == ["***", "***"]
    assert CERTIFICATE not in str(entry.changes)


@pytest.mark.parametrize("role", [Role.CITY_INSPECTOR, Role.SYSTEM_ADMIN])
def test_an_entry_written_before_masking_shows_masked(world, client, operator, role):
    AuditEntry.objects.create(
        action="enterprises.specialoperator.update",
        content_type=ContentType.objects.get_for_model(SpecialOperator),
        object_id=str(operator.pk),
        region_code=world.county.code,
        changes={"certificate_number": ["T000", CERTIFICATE]},
    )
    client.force_login(world.users[role])
    history = client.get(f"/enterprises/{world.inside.pk}/?tab=history").content.decode()
    assert CERTIFICATE not in history
