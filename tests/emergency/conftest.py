import pytest

from safeloop.emergency import plan_services, services
from safeloop.emergency.choices import ResourceKind, TeamKind
from safeloop.orgs.roles import Role


@pytest.fixture
def make_resource(world):
    """A resource made through the service (by the system administrator unless `actor`)."""

    def make(actor=None, **fields):
        values = {
            "kind": ResourceKind.TEAM,
            "name": "测试救援队",
            "region": world.county,
            "team_kind": TeamKind.PROFESSIONAL,
            "duty_phone": "13912345678",
            "latitude": 38.47,
            "longitude": 106.28,
            **fields,
        }
        return services.create_resource(actor=actor or world.user(Role.SYSTEM_ADMIN), **values)

    return make


@pytest.fixture
def make_incident(world):
    def make(actor=None, **fields):
        values = {
            "title": "储罐泄漏",
            "place": "工业区",
            "commander": "区局局长",
            "grade": "general",
            "region": world.county,
            "latitude": 38.47,
            "longitude": 106.29,
            **fields,
        }
        return services.open_incident(actor=actor or world.user(Role.COUNTY_ADMIN), **values)

    return make


@pytest.fixture
def make_plan_document(world):
    """An emergency plan uploaded to an enterprise's ledger (the file a plan is filed with)."""
    from django.core.files.base import ContentFile

    from safeloop.enterprises.choices import DocumentKind
    from safeloop.enterprises.models import Document

    def make(enterprise=None, title="综合应急预案（2026版）"):
        doc = Document(
            enterprise=enterprise or world.inside,
            kind=DocumentKind.EMERGENCY_PLAN,
            title=title,
            original_name="plan.pdf",
            content_type="application/pdf",
            size=9,
            sha256="0" * 64,
        )
        doc.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        doc.save()
        return doc

    return make


@pytest.fixture
def make_plan(world, make_plan_document):
    """A plan submitted by the enterprise's safety manager, filed by the county unless not."""

    def make(enterprise=None, kind="comprehensive", filed=True):
        enterprise = enterprise or world.inside
        staff = world.user(Role.SAFETY_MANAGER)
        actor = staff if enterprise == world.inside else world.user(Role.SYSTEM_ADMIN)
        if actor != staff:
            from safeloop.orgs.models import RoleAssignment
            from tests.conftest import make_user

            actor = make_user(
                f"staff_{enterprise.pk}_{kind}", Role.SAFETY_MANAGER, enterprise=enterprise
            )
            assert RoleAssignment.objects.filter(user=actor).exists()
        plan = plan_services.submit_plan(
            actor=actor,
            enterprise=enterprise,
            kind=kind,
            title=f"{enterprise.name}{kind}预案",
            document=make_plan_document(enterprise),
        )
        if filed:
            plan = plan_services.file_plan(
                actor=world.user(Role.SYSTEM_ADMIN),
                plan=plan,
                version=plan.version,
                opinion="符合要求，予以备案。",
            )
        return plan

    return make
