"""The safety-investment screens: one exact status per role inside and outside scope on
every page and form, forms keep what was typed on error, and the public calculator needs no
sign-in, answers bad input with 400 on the field and is rate-limited."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from safeloop.investment.models import ExpenseUse, ExpenseYear, InsuranceRule, RateTable
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role
from tests.investment.conftest import pdf
from tests.scope import ROLES, assert_status

pytestmark = pytest.mark.django_db

EDITORS = REGULATORS | ENTERPRISE_STAFF
YEAR = timezone.localdate().year


def year_form(**extra):
    return {"form": "year", "year": YEAR, "revenue": "200000000", "extracted": "0", **extra}


def use_form(**extra):
    return {
        "form": "use",
        "spent_on": timezone.localdate().isoformat(),
        "category": "ppe",
        "amount": "3500.00",
        "description": "防护手套",
        "voucher": pdf(),
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_on_the_pages(client, world, year_row, use, role):
    year_row()
    inside_use = use()
    year_row(enterprise=world.outside)
    outside_use = use(enterprise=world.outside)
    client.force_login(world.users[role])
    sees = role is not None
    admin = role == Role.SYSTEM_ADMIN
    assert_status(client.get("/investment/"), 200)
    assert_status(client.get(f"/investment/enterprises/{world.inside.pk}/"), 200 if sees else 404)
    assert_status(client.get(f"/investment/enterprises/{world.outside.pk}/"), 200 if admin else 404)
    assert_status(client.get(f"/investment/uses/{inside_use.pk}/"), 200 if sees else 404)
    assert_status(client.get(f"/investment/uses/{outside_use.pk}/"), 200 if admin else 404)
    voucher = client.get(f"/investment/uses/{inside_use.pk}/voucher/")
    assert_status(voucher, 200 if sees else 404)
    if sees:
        assert b"".join(voucher.streaming_content).startswith(b"%PDF")
    assert_status(client.get(f"/investment/uses/{outside_use.pk}/voucher/"), 200 if admin else 404)
    posted = client.post(f"/investment/enterprises/{world.inside.pk}/", year_form(version=1))
    assert_status(posted, 302 if role in EDITORS else 403 if sees else 404)
    posted = client.post(f"/investment/enterprises/{world.inside.pk}/", use_form())
    assert_status(posted, 302 if role in EDITORS else 403 if sees else 404)
    outside_post = client.post(f"/investment/enterprises/{world.outside.pk}/", use_form())
    assert_status(outside_post, 302 if admin else 404)
    voided = client.post(
        f"/investment/uses/{inside_use.pk}/void/", {"version": 1, "note": "录入错误"}
    )
    assert_status(voided, 302 if role in EDITORS else 403 if sees else 404)
    assert_status(
        client.post(f"/investment/uses/{outside_use.pk}/void/", {"version": 1, "note": "x"}),
        302 if admin else 404,
    )
    assert_status(client.get("/investment/rules/"), 200)
    added = client.post(
        "/investment/rules/",
        {
            "form": "table",
            "t-sector": "machinery",
            "t-bands": "10000000 2.5\n1",
            "t-effective_from": "2030-01-01",
            "t-source": "新文件",
            "t-confidence": "unconfirmed",
        },
    )
    assert_status(added, 302 if role in ADMINS else 403)
    added = client.post(
        "/investment/rules/",
        {
            "form": "insurance",
            "i-coverage_percent": "95",
            "i-guarantee_sectors": ["explosives"],
            "i-warn_days": "45",
            "i-effective_from": "2030-01-01",
            "i-source": "新文件",
            "i-confidence": "unconfirmed",
        },
    )
    assert_status(added, 302 if role in ADMINS else 403)


def test_it_sends_strangers_to_sign_in_and_serves_the_calculator(client, world, year_row, use):
    year_row()
    made = use()
    for url in (
        "/investment/",
        f"/investment/enterprises/{world.inside.pk}/",
        f"/investment/uses/{made.pk}/",
        f"/investment/uses/{made.pk}/voucher/",
        "/investment/rules/",
    ):
        assert_status(client.get(url), 302)
    page = client.get("/public/safety-expense/?sector=metallurgy&revenue=200000000")
    assert_status(page, 200)
    html = page.content.decode()
    assert "2,150,000.00" in html and "179,166.67" in html
    assert "90,000,000.00 × 1.5% = 1,350,000.00" in html


@pytest.mark.parametrize(
    "query, field",
    [
        ("sector=metallurgy", "revenue"),
        ("revenue=100", "sector"),
        ("sector=building_materials&revenue=100", "sector"),
        ("sector=<script>alert(1)</script>&revenue=100", "sector"),
        ("sector=metallurgy&revenue=-1", "revenue"),
        ("sector=metallurgy&revenue=abc", "revenue"),
        ("sector=metallurgy&revenue=1.001", "revenue"),
        ("sector=metallurgy&revenue=1e30", "revenue"),
        ("sector=metallurgy&revenue=NaN", "revenue"),
        ("sector=metallurgy&revenue=" + "9" * 400, "revenue"),
    ],
)
def test_it_refuses_bad_calculator_input_on_the_field(client, world, query, field):
    page = client.get(f"/public/safety-expense/?{query}")
    assert_status(page, 400)
    assert page.context["form"].errors[field]
    assert "<script>alert(1)</script>" not in page.content.decode()
    answer = client.get(f"/api/v1/safety-expense-calculator/?{query}")
    assert_status(answer, 400)
    assert field in answer.json()["error"]["fields"]


@override_settings(SAFELOOP_CALCULATOR_PER_HOUR=3)
def test_it_limits_calculations_per_network(client, world):
    for _ in range(3):
        assert_status(client.get("/public/safety-expense/?sector=machinery&revenue=1"), 200)
    limited = client.get("/public/safety-expense/?sector=machinery&revenue=1")
    assert_status(limited, 429)
    assert limited["Retry-After"]
    answer = client.get("/api/v1/safety-expense-calculator/?sector=machinery&revenue=1")
    assert_status(answer, 429)
    assert answer["Retry-After"]
    # the empty form (no calculation) is not counted and still shows
    assert_status(client.get("/public/safety-expense/"), 200)


def test_it_keeps_what_was_typed_on_error(client, world, metallurgy):
    client.force_login(world.user(Role.SAFETY_MANAGER))
    url = f"/investment/enterprises/{world.inside.pk}/"
    page = client.post(url, year_form(revenue="-5", note="年报口径"))
    assert_status(page, 400)
    assert "年报口径" in page.content.decode()
    assert page.context["year_form"].errors["revenue"]
    assert_status(client.post(url, year_form()), 302)
    for bad, field in [
        ({"voucher": SimpleUploadedFile("v.pdf", b"GIF89a")}, "voucher"),
        ({"amount": "0"}, "amount"),
        ({"category": "other"}, "category"),
        ({"spent_on": "2026-13-40"}, "spent_on"),
        ({"description": ""}, "description"),
    ]:
        page = client.post(url, use_form(**bad))
        assert_status(page, 400)
        assert page.context["use_form"].errors[field], field
        if field != "description":
            assert "防护手套" in page.content.decode()
    assert not ExpenseUse.objects.exists()
    page = client.post(url, use_form(spent_on=date(YEAR - 1, 3, 1).isoformat()))
    assert_status(page, 400)
    assert "请先登记" in page.content.decode()
    page = client.post(url, use_form())
    assert_status(page, 302)
    assert ExpenseYear.objects.get().required == 2150000


def test_it_keeps_rule_forms_and_refuses_bad_bands(client, world):
    client.force_login(world.user(Role.CITY_ADMIN))
    before = RateTable.objects.count(), InsuranceRule.objects.count()
    page = client.post(
        "/investment/rules/",
        {
            "form": "table",
            "t-sector": "machinery",
            "t-bands": "10000000\n1",
            "t-effective_from": "2030-01-01",
            "t-source": "新文件",
            "t-confidence": "unconfirmed",
        },
    )
    assert_status(page, 400)
    assert page.context["table_form"].errors["bands"]
    page = client.post(
        "/investment/rules/",
        {
            "form": "table",
            "t-sector": "machinery",
            "t-bands": "100 2\n50 1\n0.5",
            "t-effective_from": "2030-01-01",
            "t-source": "新文件",
            "t-confidence": "unconfirmed",
        },
    )
    assert_status(page, 400)
    assert "上限" in page.content.decode() or page.context["table_form"].errors["bands"]
    page = client.post(
        "/investment/rules/",
        {
            "form": "insurance",
            "i-coverage_percent": "101",
            "i-warn_days": "30",
            "i-effective_from": "2030-01-01",
            "i-source": "新文件",
            "i-confidence": "unconfirmed",
        },
    )
    assert_status(page, 400)
    assert page.context["rule_form"].errors["coverage_percent"]
    assert (RateTable.objects.count(), InsuranceRule.objects.count()) == before


def test_the_home_page_lists_the_scope_s_gaps_first_ones_with_their_number(
    client, world, monkeypatch
):
    """Gaps are read for the user's scope only; past `LISTED` the page says how many."""
    from safeloop.investment import views as investment_views

    for enterprise in (world.inside, world.outside):
        enterprise.industry_code = "3120"  # metallurgy: a deposit or a policy is asked
        enterprise.employees, enterprise.injury_insured = 10, 10
        enterprise.save()
    client.force_login(world.user(Role.COUNTY_ADMIN))
    html = client.get("/investment/").content.decode()
    assert f'data-enterprise="{world.inside.pk}"' in html
    assert f'data-enterprise="{world.outside.pk}"' not in html
    assert 'id="insurance-more"' not in html
    monkeypatch.setattr(investment_views, "LISTED", 1)
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    html = client.get("/investment/").content.decode()
    assert "此处列出前 1 家" in html and 'id="insurance-more"' in html
