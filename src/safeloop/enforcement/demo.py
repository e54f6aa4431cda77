"""Demo enforcement history: orders to rectify served on enterprises with open hidden dangers
(one re-checked, one past its deadline), an on-site measures decision, a penalty case at 告知,
the trigger job's proposals, and an approved public 通报批评 from one of them. Runs through the
services as the county's inspector and administrator; re-running adds nothing."""

from datetime import timedelta

from django.utils import timezone

from safeloop.enforcement import services
from safeloop.enforcement.choices import DocumentKind
from safeloop.enforcement.models import Document, LegalBasis
from safeloop.hazards.choices import OPEN_STATES
from safeloop.hazards.models import Hazard
from safeloop.orgs.models import RoleAssignment
from safeloop.orgs.roles import Role


def _user(role, region_code):
    found = (
        RoleAssignment.objects.filter(role=role, active=True, region__code=region_code)
        .select_related("user")
        .first()
    )
    return found.user if found else None


def ensure_rules() -> None:
    """The trigger rules and legal bases the data migration loads, again where a test that
    empties the tables (a live-server test) removed them; rows already there stay."""
    from importlib import import_module

    from django.apps import apps

    import_module("safeloop.enforcement.migrations.0002_default_rules").seed(apps, None)


def seed() -> None:
    ensure_rules()
    if Document.objects.exists():
        return
    hazards = list(Hazard.objects.filter(state__in=OPEN_STATES).order_by("deadline", "pk")[:40])
    for region_code in sorted({h.region_code for h in hazards}):
        inspector = _user(Role.COUNTY_INSPECTOR, region_code)
        admin = _user(Role.COUNTY_ADMIN, region_code)
        if inspector is None or admin is None:
            continue
        _seed_county(inspector, admin, [h for h in hazards if h.region_code == region_code][:4])
        break
    services.evaluate_triggers()
    _approve_one_proposal()


def _seed_county(inspector, admin, hazards) -> None:
    today = timezone.localdate()
    for n, hazard in enumerate(hazards):
        order = services.issue_document(
            actor=inspector,
            kind=DocumentKind.ORDER,
            hazard=hazard,
            findings=f"{hazard.place}：{hazard.description}",
            requirements="落实整改措施、资金、时限、责任人和应急预案，整改完成后书面报告。",
            legal_basis="《中华人民共和国安全生产法》第六十五条",
            deadline=today + timedelta(days=15 + 5 * n),
        )
        order = services.serve_document(
            actor=inspector, document=order, version=order.version, signed_by="企业安全管理员"
        )
        if n == 0:
            services.issue_document(
                actor=inspector,
                kind=DocumentKind.RECHECK,
                original=order,
                findings="经现场复查，防护设施已恢复，隐患已消除。",
                result="passed",
            )
        if n == 1:
            # an order whose deadline has since passed: the re-check is overdue
            Document.objects.filter(pk=order.pk).update(
                deadline=today - timedelta(days=3), issued_at=timezone.now() - timedelta(days=20)
            )
        if n == 2:
            services.issue_document(
                actor=inspector,
                kind=DocumentKind.MEASURES,
                hazard=hazard,
                findings=f"{hazard.place}存在粉尘积聚，未落实防爆措施。",
                measures=["stop_area", "evacuate"],
                measure_scope=hazard.place,
            )
            case = services.file_case(
                actor=inspector, hazard=hazard, facts="未采取措施消除事故隐患，经责令整改仍未完成。"
            )
            case = services.investigate_case(actor=inspector, case=case, version=case.version)
            basis = LegalBasis.objects.filter(code="aqsf-102").order_by("-effective_from").first()
            services.notify_case(
                actor=inspector,
                case=case,
                version=case.version,
                findings="现场检查笔录、询问笔录及照片证实违法事实。",
                basis=basis,
                fine="20000",
            )


def _approve_one_proposal() -> None:
    from safeloop.enforcement.models import Proposal

    proposal = Proposal.objects.order_by("pk").first()
    if proposal is None:
        return
    inspector = _user(Role.COUNTY_INSPECTOR, proposal.region_code)
    admin = _user(Role.COUNTY_ADMIN, proposal.region_code)
    if inspector is None or admin is None:
        return
    sanction = services.accept_proposal(
        actor=inspector,
        proposal=proposal,
        version=proposal.version,
        respond_by=timezone.localdate() + timedelta(days=10),
    )
    if sanction.approval_level == "county":  # a city-level measure waits for the city
        services.approve_sanction(actor=admin, sanction=sanction, version=sanction.version)
