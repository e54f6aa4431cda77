from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeloop.investment import services
from safeloop.investment.demo import ensure_rules
from safeloop.orgs.roles import Role


def seed_reference() -> None:
    """The seeded rate tables, insurance rule and sector mapping, also where a flushing test
    emptied them."""
    import importlib

    from django.apps import apps

    from safeloop.enterprises.models import SectorRule

    ensure_rules()
    if not SectorRule.objects.exists():
        importlib.import_module("safeloop.enterprises.migrations.0004_seed_sector_rules").seed(
            apps, None
        )


@pytest.fixture(autouse=True)
def tables(db):
    seed_reference()


def pdf(name="voucher.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF", "application/pdf")


@pytest.fixture
def metallurgy(world):
    """The inside enterprise smelts metal (GB/T 4754 31xx → 冶金) and has 40 staff."""
    world.inside.industry_code = "3120"
    world.inside.employees = 40
    world.inside.injury_insured = 40
    world.inside.save()
    world.inside.refresh_from_db()
    world.outside.industry_code = "3120"
    world.outside.save()
    return world.inside


@pytest.fixture
def year_row(world, metallurgy):
    def make(enterprise=None, year=None, revenue="200000000", extracted="0", actor=None, **kw):
        return services.record_year(
            actor=actor or world.user(Role.SYSTEM_ADMIN),
            enterprise=enterprise or world.inside,
            year=year or date.today().year,
            revenue=revenue,
            extracted=extracted,
            **kw,
        )

    return make


@pytest.fixture
def use(world, year_row):
    def make(enterprise=None, category="ppe", amount="12000.00", spent_on=None, **kw):
        return services.record_use(
            actor=world.user(Role.SYSTEM_ADMIN),
            enterprise=enterprise or world.inside,
            spent_on=spent_on or date.today(),
            category=category,
            amount=amount,
            description="劳动防护用品采购",
            voucher=pdf(),
            **kw,
        )

    return make
