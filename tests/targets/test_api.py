"""The targets API for every role inside and outside its scope, with the exact status: the
same services as the screens; bad input answers 400 on the field and changes nothing; a
stale version answers 409."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeloop.orgs.roles import Role
from safeloop.targets import services
from safeloop.targets.models import (
    Assessment,
    Indicator,
    IndicatorKind,
    ResponsibilityLetter,
    ScoreEntry,
)
from tests.scope import ROLES, assert_list_in_scope, assert_status
from tests.targets.test_screens import CITY, COUNTY_SEERS, PDF, READERS, YEAR, setup  # noqa: F401

CITY_SEERS = CITY | {Role.CITY_INSPECTOR}
PARK_SEERS = COUNTY_SEERS | {Role.PARK_OFFICER}
LETTER_WRITERS = CITY | {Role.COUNTY_ADMIN}


@pytest.fixture
def more(world, rules, setup):  # noqa: F811
    """`setup` plus the sibling county's and the park's indicators, and the other city's
    assessment (seen by the system administrator only)."""
    admin = world.user(Role.CITY_ADMIN)
    accidents = rules["accidents"]
    sibling = services.set_indicator(
        actor=admin, year=YEAR, kind=accidents, region_code="640105", limit=1
    )
    park = services.set_indicator(
        actor=admin, year=YEAR, kind=accidents, region_code="640104", park=world.park, limit=1
    )
    other = services.compute_assessment(
        actor=world.user(Role.SYSTEM_ADMIN), region_code="640200", year=YEAR
    )
    a = setup["a"]
    return {
        **setup,
        "city_ind": Indicator.objects.get(region_code="640100"),
        "county_ind": Indicator.objects.get(region_code="640104", park__isnull=True),
        "sibling_ind": sibling,
        "park_ind": park,
        "park_line": a.results.get(park=world.park),
        "other": other,
    }


def _check(api, base, rows: dict, role):
    """The list holds the rows the role sees and no other; each row answers 200 or 404."""
    seen = {pk for pk, (seers) in rows.items() if role in seers}
    assert_list_in_scope(api.get(base), seen, set(rows) - seen)
    for pk, seers in rows.items():
        assert_status(api.get(f"{base}{pk}/"), 200 if role in seers else 404, f"{base}{pk}")


@pytest.mark.parametrize("role", ROLES)
def test_the_lists_and_records_in_scope(world, api, more, role):
    api.as_user(world.users[role])
    m = more
    _check(
        api,
        "/api/v1/target-indicators/",
        {
            m["city_ind"].pk: CITY_SEERS,
            m["county_ind"].pk: COUNTY_SEERS,
            m["sibling_ind"].pk: CITY_SEERS,
            m["park_ind"].pk: PARK_SEERS,
        },
        role,
    )
    _check(
        api,
        "/api/v1/responsibility-letters/",
        {m["letter"].pk: COUNTY_SEERS, m["sibling_letter"].pk: CITY_SEERS},
        role,
    )
    _check(
        api,
        "/api/v1/target-assessments/",
        {m["a"].pk: READERS, m["other"].pk: {Role.SYSTEM_ADMIN}},
        role,
    )
    _check(
        api,
        "/api/v1/target-results/",
        {
            m["county"].pk: COUNTY_SEERS,
            m["sibling"].pk: CITY_SEERS,
            m["park_line"].pk: PARK_SEERS,
            m["other"].results.get().pk: {Role.SYSTEM_ADMIN},
        },
        role,
    )
    for url in (
        "/api/v1/target-indicator-kinds/",
        "/api/v1/target-rules/",
        "/api/v1/scoring-schemes/",
    ):
        assert_status(api.get(url), 200 if role in READERS else 403, url)


def test_a_units_line_names_its_items_figures_and_entries(world, api, more):
    api.as_user(world.user(Role.COUNTY_ADMIN))
    line = api.get(f"/api/v1/target-results/{more['county'].pk}/").json()
    assert line["label"] == "兴庆区" and line["state"] == "draft"
    codes = {i["code"] for i in line["items"]}
    assert {"indicators", "major_rectification", "work"} <= codes
    assert line["entries"] == [] and line["vetoed"] is False
    rows = api.get("/api/v1/target-results/?parks=true").json()["results"]
    assert [r["id"] for r in rows] == [more["park_line"].pk]
    assert_status(api.get("/api/v1/target-results/?year=abc"), 400)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_city_sets_an_indicator(world, api, more, rules, role):
    api.as_user(world.users[role])
    response = api.post(
        "/api/v1/target-indicators/",
        {"year": YEAR, "kind": "deaths", "region_code": "640104", "limit": "1"},
    )
    expected = 201 if role in CITY else 403 if role in COUNTY_SEERS else 404
    assert_status(response, expected)
    assert Indicator.objects.filter(kind=rules["deaths"]).exists() == (expected == 201)
    ind = more["county_ind"]
    response = api.patch(
        f"/api/v1/target-indicators/{ind.pk}/", {"limit": "3", "version": ind.version}
    )
    expected = 200 if role in CITY else 403 if role in COUNTY_SEERS else 404
    assert_status(response, expected)
    ind.refresh_from_db()
    assert ind.limit == (3 if expected == 200 else 2)
    if expected == 200:
        assert response.json()["version"] == ind.version == 2


@pytest.mark.parametrize("role", ROLES)
def test_letters_are_recorded_and_voided_by_administrators_in_scope(world, api, more, role):
    api.as_user(world.users[role])
    response = api.client.post(
        "/api/v1/responsibility-letters/",
        {
            "year": YEAR,
            "region_code": "640104",
            "park": world.park.pk,
            "issuer_signatory": "区长",
            "holder_signatory": "园区主任",
            "signed_on": f"{YEAR}-01-03",
            "scan": SimpleUploadedFile("l.pdf", PDF, "application/pdf"),
        },
    )
    expected = 201 if role in LETTER_WRITERS else 403 if role in PARK_SEERS else 404
    assert_status(response, expected)
    made = ResponsibilityLetter.objects.filter(park=world.park)
    assert made.count() == (1 if expected == 201 else 0)
    if expected == 201:
        body = response.json()
        assert body["scan_url"] == f"/targets/letters/{body['id']}/scan/"
        assert "scan" not in body and body["unit"] == "兴庆区 · 测试园区"
    letter = more["letter"]
    response = api.post(
        f"/api/v1/responsibility-letters/{letter.pk}/void/",
        {"version": letter.version, "reason": "录入错误"},
    )
    expected = 200 if role in LETTER_WRITERS else 403 if role in COUNTY_SEERS else 404
    assert_status(response, expected)
    letter.refresh_from_db()
    assert (letter.voided_at is not None) == (expected == 200)


@pytest.mark.parametrize("role", ROLES)
def test_the_assessment_is_computed_scored_and_approved_by_the_city(world, api, more, role):
    a, county = more["a"], more["county"]
    api.as_user(world.users[role])
    writer = 403 if role in READERS else 404  # the line's readers see it, may not write
    response = api.post(
        f"/api/v1/target-results/{county.pk}/entries/",
        {"kind": "adjust", "points": "2", "reason": "专项加分", "version": a.version},
    )
    line_writer = 403 if role in COUNTY_SEERS else 404
    assert_status(response, 201 if role in CITY else line_writer)
    assert ScoreEntry.objects.count() == (1 if role in CITY else 0)
    a.refresh_from_db()
    response = api.post(
        "/api/v1/target-assessments/",
        {"region_code": "640100", "year": YEAR, "version": a.version},
    )
    assert_status(response, 200 if role in CITY else writer)
    a.refresh_from_db()
    admin = world.user(Role.CITY_ADMIN)
    for line in a.results.all():
        a = services.score_entry(
            actor=admin, result=line, kind="manual", item="work", points=8, reason="日常工作"
        ).result.assessment
    response = api.post(f"/api/v1/target-assessments/{a.pk}/approve/", {"version": a.version})
    assert_status(response, 200 if role in CITY else writer)
    a.refresh_from_db()
    assert (a.state == "approved") == (role in CITY)
    if role in CITY:
        assert response.json()["allowed_moves"] == []


def test_computing_a_new_year_is_201(world, api, rules):
    api.as_user(world.user(Role.CITY_ADMIN))
    response = api.post("/api/v1/target-assessments/", {"region_code": "640100", "year": YEAR})
    assert_status(response, 201)
    body = response.json()
    assert body["state"] == "draft" and "approve" in body["allowed_moves"]
    api.as_user(world.user(Role.COUNTY_ADMIN))
    response = api.post("/api/v1/target-assessments/", {"region_code": "640100", "year": YEAR})
    assert_status(response, 403)
    assert Assessment.objects.get().version == body["version"]


def _multipart(api, url, data):
    return api.client.post(url, data)


BAD_INDICATORS = [
    ({"kind": "accidents", "region_code": "640104", "limit": "abc"}, "limit"),
    ({"kind": "accidents", "region_code": "640104", "limit": "-1"}, "limit"),
    ({"kind": "deaths", "region_code": "640104", "limit": "9", "year": YEAR}, "limit"),
    ({"kind": "nope", "region_code": "640104", "limit": "1"}, "kind"),
    ({"kind": "deaths", "region_code": "999999", "limit": "1"}, "region_code"),
    ({"kind": "deaths", "region_code": "640104", "limit": "1", "year": "今年"}, "year"),
    ({"kind": "deaths", "region_code": "640104", "limit": "1", "park": "x"}, "park"),
    ({"kind": "deaths", "region_code": "640105", "limit": "1", "park": "P"}, "park"),
]


@pytest.mark.parametrize(("body", "field"), BAD_INDICATORS)
def test_a_bad_indicator_is_400_on_its_field(world, api, more, rules, body, field):
    api.as_user(world.user(Role.CITY_ADMIN))
    services.set_indicator(
        actor=world.user(Role.CITY_ADMIN),
        year=YEAR,
        kind=rules["deaths"],
        region_code="640100",
        limit=5,
    )
    before = list(Indicator.objects.values_list("pk", "limit", "version"))
    body = {"year": YEAR, **{k: world.park.pk if v == "P" else v for k, v in body.items()}}
    response = api.post("/api/v1/target-indicators/", body)
    assert_status(response, 400)
    assert field in response.json()["error"]["fields"]
    assert list(Indicator.objects.values_list("pk", "limit", "version")) == before


BAD_LETTERS = [
    ({"holder_signatory": ""}, "holder_signatory"),
    ({"issuer_signatory": "  "}, "issuer_signatory"),
    ({"signed_on": "2999-01-01"}, "signed_on"),
    ({"signed_on": "昨天"}, "signed_on"),
    ({"year": 1990}, "year"),
    ({"region_code": "640100"}, "region_code"),
    ({"scan": b"not a pdf"}, "scan"),
    ({"scan": None}, "scan"),
]


@pytest.mark.parametrize(("change", "field"), BAD_LETTERS)
def test_a_bad_letter_is_400_on_its_field(world, api, more, change, field):
    api.as_user(world.user(Role.CITY_ADMIN))
    body = {
        "year": YEAR,
        "region_code": "640104",
        "park": world.park.pk,
        "issuer_signatory": "区长",
        "holder_signatory": "园区主任",
        "signed_on": f"{YEAR}-01-03",
        "scan": PDF,
        **change,
    }
    if body["scan"] is None:
        del body["scan"]
    else:
        body["scan"] = SimpleUploadedFile("l.pdf", body["scan"], "application/pdf")
    response = _multipart(api, "/api/v1/responsibility-letters/", body)
    assert_status(response, 400)
    assert field in response.json()["error"]["fields"]
    assert ResponsibilityLetter.objects.count() == 2


BAD_ENTRIES = [
    ({"kind": "adjust", "points": "5", "reason": ""}, "reason"),
    ({"kind": "adjust", "points": "0", "reason": "x"}, "points"),
    ({"kind": "adjust", "points": "abc", "reason": "x"}, "points"),
    ({"kind": "manual", "item": "work", "points": "50", "reason": "x"}, "points"),
    ({"kind": "manual", "item": "overdue", "points": "5", "reason": "x"}, "item"),
    ({"kind": "bonus", "points": "5", "reason": "x"}, "kind"),
    ({"kind": "adjust", "points": "5", "reason": "x", "version": "v"}, "version"),
    ({"kind": "adjust", "points": "5", "reason": "x", "version": None}, "version"),
]


@pytest.mark.parametrize(("body", "field"), BAD_ENTRIES)
def test_a_bad_score_entry_is_400_on_its_field(world, api, more, body, field):
    a, county = more["a"], more["county"]
    api.as_user(world.user(Role.CITY_ADMIN))
    body = {"version": a.version, **body}
    if body["version"] is None:
        del body["version"]
    response = api.post(f"/api/v1/target-results/{county.pk}/entries/", body)
    assert_status(response, 400)
    assert field in response.json()["error"]["fields"]
    assert not ScoreEntry.objects.exists()
    a.refresh_from_db()
    assert a.version == more["a"].version


def test_other_bad_input_is_400_on_its_field(world, api, more):
    api.as_user(world.user(Role.CITY_ADMIN))
    letter, a = more["letter"], more["a"]
    cases = [
        (f"/api/v1/responsibility-letters/{letter.pk}/void/", {"version": 1}, "reason"),
        (f"/api/v1/responsibility-letters/{letter.pk}/void/", {"reason": "x"}, "version"),
        ("/api/v1/target-assessments/", {"region_code": "640100", "year": 1999}, "year"),
        ("/api/v1/target-assessments/", {"region_code": "640104", "year": YEAR}, "region_code"),
        (f"/api/v1/target-assessments/{a.pk}/approve/", {}, "version"),
        (f"/api/v1/target-indicators/{more['county_ind'].pk}/", None, "version"),
        ("/api/v1/target-indicator-kinds/", {"code": "accidents", "name": "x"}, "measure"),
        (
            "/api/v1/target-indicator-kinds/",
            {"code": "accidents", "name": "x", "measure": "deaths"},
            "code",
        ),
        ("/api/v1/target-rules/", {"warn_percent": 0, "effective_from": "2030-01-01"}, "source"),
        (
            "/api/v1/scoring-schemes/",
            {"effective_from": "2030-01-01", "items": [{}], "vetoes": [], "source": "x"},
            "items",
        ),
    ]
    for url, body, field in cases:
        response = api.patch(url, {"limit": "1"}) if body is None else api.post(url, body)
        assert_status(response, 400, url)
        assert field in response.json()["error"]["fields"], (url, response.json())
    letter.refresh_from_db()
    a.refresh_from_db()
    assert letter.voided_at is None and a.version == more["a"].version
    assert IndicatorKind.objects.count() == 4


def test_a_stale_version_is_409_and_changes_nothing(world, api, more):
    api.as_user(world.user(Role.CITY_ADMIN))
    ind, letter, a, county = more["county_ind"], more["letter"], more["a"], more["county"]
    stale = [
        ("patch", f"/api/v1/target-indicators/{ind.pk}/", {"limit": "1", "version": 9}),
        (
            "post",
            "/api/v1/target-indicators/",
            {"year": YEAR, "kind": "accidents", "region_code": "640104", "limit": "1"},
        ),
        (
            "post",
            "/api/v1/target-indicators/",
            {
                "year": YEAR,
                "kind": "accidents",
                "region_code": "640104",
                "limit": "1",
                "version": 9,
            },
        ),
        (
            "post",
            f"/api/v1/responsibility-letters/{letter.pk}/void/",
            {"version": 9, "reason": "x"},
        ),
        (
            "post",
            f"/api/v1/target-results/{county.pk}/entries/",
            {"kind": "adjust", "points": "2", "reason": "x", "version": 9},
        ),
        (
            "post",
            "/api/v1/target-assessments/",
            {"region_code": "640100", "year": YEAR, "version": 9},
        ),
        ("post", f"/api/v1/target-assessments/{a.pk}/approve/", {"version": 9}),
    ]
    for method, url, body in stale:
        assert_status(getattr(api, method)(url, body), 409, url)
    ind.refresh_from_db()
    letter.refresh_from_db()
    a.refresh_from_db()
    assert ind.limit == 2 and ind.version == 1
    assert letter.voided_at is None and not ScoreEntry.objects.exists()
    assert a.version == more["a"].version and a.state == "draft"


def test_an_approved_assessment_is_frozen(world, api, more):
    admin = world.user(Role.CITY_ADMIN)
    a = more["a"]
    for line in a.results.all():
        a = services.score_entry(
            actor=admin, result=line, kind="manual", item="work", points=8, reason="日常工作"
        ).result.assessment
    a = services.approve(actor=admin, assessment=a, version=a.version)
    api.as_user(admin)
    county = more["county"]
    for url, body in (
        (f"/api/v1/target-assessments/{a.pk}/approve/", {"version": a.version}),
        ("/api/v1/target-assessments/", {"region_code": "640100", "year": YEAR}),
        (
            f"/api/v1/target-results/{county.pk}/entries/",
            {"kind": "adjust", "points": "2", "reason": "x", "version": a.version},
        ),
    ):
        assert_status(api.post(url, body), 409, url)


def test_the_board_and_the_missing_letters(world, api, more, accident):
    accident()  # in 640104, in the park: 1 of the park's 1, 1 of the county's 2
    api.as_user(world.user(Role.COUNTY_ADMIN))
    board = api.get(f"/api/v1/target-indicators/board/?year={YEAR}").json()
    assert board["warn_percent"] == 80
    states = {
        (r["region_code"], r["park"]): (r["used"], r["share"], r["state"]) for r in board["rows"]
    }
    assert states == {
        ("640104", None): ("1", 50.0, "ok"),
        ("640104", world.park.pk): ("1", 100.0, "warn"),
    }
    missing = api.get(f"/api/v1/responsibility-letters/missing/?year={YEAR}").json()
    assert missing["units"] == [
        {"region_code": "640104", "park": world.park.pk, "unit": "兴庆区 · 测试园区"}
    ]
    assert_status(api.get("/api/v1/target-indicators/board/?year=abc"), 400)
    api.as_user(world.user(Role.SAFETY_MANAGER))
    assert api.get("/api/v1/target-indicators/board/").json()["rows"] == []
    assert api.get("/api/v1/responsibility-letters/missing/").json()["units"] == []


def test_the_rules_are_added_by_the_city_only(world, api, rules):
    body = {"code": "fires", "name": "火灾起数", "measure": "accidents", "source": "2025年通知"}
    for role, expected in (
        (Role.COUNTY_ADMIN, 403),
        (Role.SAFETY_MANAGER, 403),
        (Role.CITY_ADMIN, 201),
    ):
        api.as_user(world.user(role))
        assert_status(api.post("/api/v1/target-indicator-kinds/", body), expected, role)
    assert IndicatorKind.objects.filter(code="fires").count() == 1
    api.as_user(world.user(Role.CITY_ADMIN))
    rule = {"warn_percent": 70, "effective_from": "2030-01-01", "source": "2029年通知"}
    assert_status(api.post("/api/v1/target-rules/", rule), 201)


def test_the_schema_describes_the_endpoints(world, api):
    api.as_user(world.user(Role.CITY_ADMIN))
    paths = api.get("/api/v1/schema/?format=json").json()["paths"]
    for path in (
        "/api/v1/target-indicators/",
        "/api/v1/target-indicators/board/",
        "/api/v1/responsibility-letters/{id}/void/",
        "/api/v1/responsibility-letters/missing/",
        "/api/v1/target-assessments/{id}/approve/",
        "/api/v1/target-results/{id}/entries/",
        "/api/v1/scoring-schemes/",
    ):
        assert path in paths, path


def test_the_errors_read_in_chinese(world, api, more):
    api.as_user(world.user(Role.CITY_ADMIN))
    response = api.post(
        "/api/v1/target-indicators/",
        {"year": YEAR, "kind": "accidents", "region_code": "640104", "limit": "1"},
    )
    assert (
        response.json()["error"]["message"] == "该单位本年度已设此项指标：请注明您读取时的版本号。"
    )
    ind = more["county_ind"]
    response = api.patch(f"/api/v1/target-indicators/{ind.pk}/", {"limit": "1"})
    assert response.json()["error"]["fields"]["version"] == ["该字段是必填项。"]


def test_a_kind_code_with_a_control_character_is_400_on_the_code(world, api):
    # a NUL in the code once reached PostgreSQL (a 500): the unique check was dropped for
    # the service's, and the field's other checks with it
    api.as_user(world.user(Role.CITY_ADMIN))
    for code in ["ab\x00c", "x" * 500]:
        body = {"code": code, "name": "新指标", "measure": "deaths"}
        response = api.post("/api/v1/target-indicator-kinds/", body)
        assert_status(response, 400, code)
        assert "code" in response.json()["error"]["fields"], response.json()
