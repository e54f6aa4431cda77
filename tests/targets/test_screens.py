"""Every targets screen for every role inside and outside its scope, with the exact status;
bad input answers 400 on the field and changes nothing."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeloop.orgs.roles import Role
from safeloop.targets import services
from safeloop.targets.models import AssessmentResult, Indicator, ResponsibilityLetter
from tests.scope import ROLES, assert_status

YEAR = timezone.localdate().year
READERS = {
    Role.SYSTEM_ADMIN,
    Role.CITY_ADMIN,
    Role.CITY_INSPECTOR,
    Role.COUNTY_ADMIN,
    Role.COUNTY_INSPECTOR,
    Role.PARK_OFFICER,
}
CITY = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN}
COUNTY_SEERS = {*CITY, Role.CITY_INSPECTOR, Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def setup(world, rules):
    admin = world.user(Role.CITY_ADMIN)
    services.set_indicator(
        actor=admin, year=YEAR, kind=rules["accidents"], region_code="640100", limit=4
    )
    services.set_indicator(
        actor=admin, year=YEAR, kind=rules["accidents"], region_code="640104", limit=2
    )
    letter = services.record_letter(
        actor=admin,
        year=YEAR,
        region_code="640104",
        issuer_signatory="局长",
        holder_signatory="区长",
        signed_on=date(YEAR, 1, 2),
        scan=SimpleUploadedFile("l.pdf", PDF, "application/pdf"),
    )
    sibling_letter = services.record_letter(
        actor=admin,
        year=YEAR,
        region_code="640105",
        issuer_signatory="局长",
        holder_signatory="区长",
        signed_on=date(YEAR, 1, 2),
        scan=SimpleUploadedFile("l.pdf", PDF, "application/pdf"),
    )
    a = services.compute_assessment(actor=admin, region_code="640100", year=YEAR)
    county = a.results.get(region_code="640104", park__isnull=True)
    sibling = a.results.get(region_code="640105")
    return {
        "letter": letter,
        "sibling_letter": sibling_letter,
        "a": a,
        "county": county,
        "sibling": sibling,
    }


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_lists_to_their_readers_only(world, client, setup, role):
    client.force_login(world.users[role])
    expected = 200 if role in READERS else 403
    for url in ("/targets/", "/targets/letters/", "/targets/assessment/", "/targets/rules/"):
        assert_status(client.get(url), expected, url)
    assert_status(client.get("/targets/awards/"), 200)


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_a_unit_line_only_in_scope(world, client, setup, role):
    client.force_login(world.users[role])
    county, sibling = setup["county"], setup["sibling"]
    assert_status(
        client.get(f"/targets/results/{county.pk}/"), 200 if role in COUNTY_SEERS else 404
    )
    sibling_seers = CITY | {Role.CITY_INSPECTOR}
    assert_status(
        client.get(f"/targets/results/{sibling.pk}/"), 200 if role in sibling_seers else 404
    )
    a = setup["a"]
    seers = READERS  # the park officer sees the assessment through the park's line
    assert_status(
        client.get(f"/targets/assessment/{a.pk}/report.pdf"), 200 if role in seers else 404
    )
    assert_status(
        client.get(f"/targets/assessment/{a.pk}/results.xlsx"), 200 if role in seers else 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_city_score(world, client, setup, role):
    client.force_login(world.users[role])
    county, a = setup["county"], setup["a"]
    response = client.post(
        f"/targets/results/{county.pk}/",
        {"kind": "adjust", "points": "2", "reason": "专项加分", "version": a.version},
    )
    expected = 302 if role in CITY else 403 if role in COUNTY_SEERS else 404
    assert_status(response, expected)
    county.refresh_from_db()
    assert county.adjustment == (2 if role in CITY else 0)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_city_set_indicators_and_compute(world, client, setup, rules, role):
    client.force_login(world.users[role])
    response = client.post(
        "/targets/",
        {"year": YEAR, "kind": rules["deaths"].pk, "region_code": "640104", "limit": "1"},
    )
    assert_status(response, 302 if role in CITY else 403)
    assert Indicator.objects.filter(kind=rules["deaths"]).exists() == (role in CITY)
    response = client.post("/targets/assessment/", {"form": "compute"})
    # the assessment is visible to its readers (403 to write); not to the others (403 page)
    assert_status(response, 302 if role in CITY else 403)


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_and_voids_letters_in_scope(world, client, setup, role):
    client.force_login(world.users[role])
    letter, sibling = setup["letter"], setup["sibling_letter"]
    assert_status(
        client.get(f"/targets/letters/{letter.pk}/"), 200 if role in COUNTY_SEERS else 404
    )
    assert_status(
        client.get(f"/targets/letters/{letter.pk}/scan/"), 200 if role in COUNTY_SEERS else 404
    )
    assert_status(
        client.get(f"/targets/letters/{sibling.pk}/"),
        200 if role in CITY | {Role.CITY_INSPECTOR} else 404,
    )
    response = client.post(
        f"/targets/letters/{letter.pk}/", {"version": letter.version, "reason": "录入错误"}
    )
    voiders = CITY | {Role.COUNTY_ADMIN}
    expected = 302 if role in voiders else 403 if role in COUNTY_SEERS else 404
    assert_status(response, expected)
    letter.refresh_from_db()
    assert (letter.voided_at is not None) == (role in voiders)


def test_bad_input_is_400_on_the_field_and_changes_nothing(world, client, setup, rules):
    client.force_login(world.user(Role.CITY_ADMIN))
    before = Indicator.objects.count()
    response = client.post(
        "/targets/",
        {"year": YEAR, "kind": rules["deaths"].pk, "region_code": "640104", "limit": "abc"},
    )
    assert_status(response, 400)
    assert Indicator.objects.count() == before
    response = client.post(
        "/targets/letters/",
        {
            "year": YEAR,
            "region_code": "640104",
            "park": world.park.pk,  # a unit without a letter yet
            "issuer_signatory": "局长",
            "holder_signatory": "<script>x</script>",
            "signed_on": f"{YEAR}-01-03",
            "scan": SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf"),
        },
    )
    assert_status(response, 400)
    assert "scan" in response.context["form"].errors
    assert ResponsibilityLetter.objects.count() == 2
    county, a = setup["county"], setup["a"]
    response = client.post(
        f"/targets/results/{county.pk}/",
        {"kind": "adjust", "points": "5", "reason": "", "version": a.version},
    )
    assert_status(response, 400)
    assert "reason" in response.context["form"].errors
    response = client.post(
        f"/targets/results/{county.pk}/",
        {"kind": "manual", "item": "work", "points": "50", "reason": "x", "version": a.version},
    )
    assert_status(response, 400)
    assert "points" in response.context["form"].errors
    assert AssessmentResult.objects.get(pk=county.pk).entries.count() == 0
    response = client.post(
        "/targets/rules/",
        {
            "form": "scheme",
            "scheme-effective_from": "2030-01-01",
            "scheme-items": "[{",
            "scheme-vetoes": "[]",
            "scheme-source": "x",
        },
    )
    assert_status(response, 400)


def test_the_award_list_names_the_accident(world, client, setup, accident):
    accident(place="三号库房")
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get("/targets/awards/").content.decode()
    assert "园区内企业" in html and "三号库房" in html
    client.force_login(world.user(Role.SAFETY_MANAGER))
    assert "园区内企业" in client.get("/targets/awards/").content.decode()
    client.force_login(world.users[None])
    assert "园区内企业" not in client.get("/targets/awards/").content.decode()
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.get("/targets/awards/?format=xlsx")
    assert_status(response, 200)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_missing_letters_are_listed(world, client, setup):
    client.force_login(world.user(Role.CITY_ADMIN))
    html = client.get("/targets/letters/").content.decode()
    assert "测试园区" in html  # the park has none


def test_a_units_result_shows_its_figures_in_words(world, client, setup):
    """Every item's figures are named in Chinese: no keys such as major, visited or items."""
    client.force_login(world.user(Role.CITY_ADMIN))
    response = client.get(f"/targets/results/{setup['county'].pk}/")
    assert_status(response, 200)
    html = response.content.decode()
    assert "其中已销号" in html and "已检查" in html
    for key in ("major：", "visited：", "items：", "done：", "overdue："):
        assert key not in html
