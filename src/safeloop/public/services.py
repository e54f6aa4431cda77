"""Every change to a public report: one function per move of PUBLIC_REPORT_WORKFLOW.

The public moves (`submit`, `confirm_fixed`, `not_fixed`) are made by whoever holds the
tracking code (actor None); the regulators' (`accept`, `reject`) lock the report through
their scope. Accepting hands the report to the hidden-danger loop through
`hazards.services.report` (待核实); "not fixed" reports it again the same way, linked.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import F, Value
from django.db.models.functions import Abs
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import IllegalMove
from safeloop.core.photos import attach_photo
from safeloop.core.services import bump, lock, require, service
from safeloop.enterprises.models import Enterprise
from safeloop.hazards import services as hazard_services
from safeloop.hazards.choices import Source, State
from safeloop.orgs.models import Region, RegionLevel
from safeloop.public.choices import PhotoStage, ReportState
from safeloop.public.models import (
    PublicReport,
    PublicReportEvent,
    PublicReportPhoto,
    PublicRules,
    code_hash,
)
from safeloop.public.workflow import PUBLIC_REPORT_WORKFLOW

# 32 letters and digits that read unambiguously; 8 of them: 40 bits, ABCD-EFGH.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_PHOTOS = 5
METRES_PER_DEGREE = Decimal(111_000)


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


@dataclass(frozen=True)
class Route:
    region_code: str
    park_id: int | None
    enterprise: Enterprise | None
    by: str  # "enterprise", "nearest", "county"


def nearest_enterprise(latitude: Decimal, longitude: Decimal) -> Enterprise | None:
    """The enterprise with coordinates closest to the point (a flat approximation, good at
    the scale of a city; the index on region keeps it to live rows)."""
    return (
        Enterprise.objects.filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(d=Abs(F("latitude") - Value(latitude)) + Abs(F("longitude") - Value(longitude)))
        .order_by("d", "id")
        .first()
    )


def route(*, enterprise=None, latitude=None, longitude=None, county=None) -> Route:
    """Where a report goes: the named enterprise's county and park; else the county the
    reporter chose; else the nearest enterprise's county and park."""
    if enterprise is not None:
        return Route(enterprise.region_code, enterprise.park_id, enterprise, "enterprise")
    if county is not None:
        return Route(county.code, None, None, "county")
    if latitude is not None and longitude is not None:
        near = nearest_enterprise(latitude, longitude)
        if near is not None:
            return Route(near.region_code, near.park_id, None, "nearest")
    require(False, _("Choose the county, or name the enterprise."), "county")
    raise AssertionError  # unreachable: require raised


def find_duplicate(report: PublicReport, rules: PublicRules) -> PublicReport | None:
    """An earlier open report on the same place within the rules' window whose text is at
    least as similar as the rules say: by enterprise, or by distance for a site."""
    since = timezone.now() - timedelta(hours=rules.duplicate_hours)
    candidates = PublicReport.objects.filter(
        created_at__gte=since, state__in=[ReportState.RECEIVED, ReportState.ACCEPTED]
    )
    if report.enterprise_id:
        candidates = candidates.filter(enterprise_id=report.enterprise_id)
    elif report.latitude is not None and report.longitude is not None:
        delta = Decimal(rules.duplicate_metres) / METRES_PER_DEGREE
        candidates = candidates.filter(
            enterprise__isnull=True,
            latitude__range=(report.latitude - delta, report.latitude + delta),
            longitude__range=(report.longitude - delta, report.longitude + delta),
        )
    else:
        candidates = candidates.filter(
            enterprise__isnull=True, region_code=report.region_code, address=report.address
        ).exclude(address="")
    return (
        candidates.annotate(similarity=TrigramSimilarity("description", report.description))
        .filter(similarity__gte=float(rules.duplicate_similarity))
        .order_by("-similarity", "id")
        .first()
    )


def _event(report: PublicReport, move: str, actor, note: str = "") -> None:
    PublicReportEvent.objects.create(report=report, move=move, actor=actor, note=note)


def _attach(report, photos, stage) -> None:
    require(len(photos) <= MAX_PHOTOS, _("At most %d photos.") % MAX_PHOTOS, "photos")
    for upload in photos:
        attach_photo(
            PublicReportPhoto, upload=upload, actor=None, field="photos", report=report, stage=stage
        )


@service
def submit(
    *,
    actor=None,
    description,
    enterprise=None,
    site_name="",
    address="",
    latitude=None,
    longitude=None,
    county=None,
    contact="",
    photos=(),
    service_code="other",
    client=None,
) -> tuple[PublicReport, str]:
    """A report from the public: routed, checked for a duplicate, stored with its photos.
    Returns the report and its tracking code (shown once; only its hash is kept).
    `service_code` and `client` are the Open311 service and client it came through."""
    require(bool(description.strip()), _("Say what is wrong."), "description")
    if enterprise is None:
        require(
            bool(site_name.strip() or address.strip()),
            _("Name the enterprise, or give the site's name or address."),
            "address",
        )
    require(
        (latitude is None) == (longitude is None),
        _("Give both latitude and longitude, or neither."),
        "latitude",
    )
    if county is not None:
        require(county.level == RegionLevel.COUNTY, _("Choose a county."), "county")
    where = route(enterprise=enterprise, latitude=latitude, longitude=longitude, county=county)
    rules = PublicRules.current()
    code = new_code()
    report = PublicReport(
        code_hash=code_hash(code),
        description=description.strip(),
        enterprise=where.enterprise,
        site_name=site_name.strip(),
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        region_code=where.region_code,
        park_id=where.park_id,
        routed_by=where.by,
        contact=contact.strip(),
        service_code=service_code,
        client=client,
    )
    report.duplicate_of = find_duplicate(report, rules)
    move = "link_duplicate" if report.duplicate_of else "submit"
    PUBLIC_REPORT_WORKFLOW.apply(report, move, {"public"})
    report.save(action=f"public.report.{move}", actor=None)
    _attach(report, list(photos), PhotoStage.REPORT)
    _event(report, move, None)
    return report, code


def by_code(code: str) -> PublicReport | None:
    """The report a tracking code names, or None (a wrong code and no report look alike)."""
    return (
        PublicReport.objects.select_related("hazard", "duplicate_of__hazard")
        .filter(code_hash=code_hash(code or ""))
        .first()
    )


@service
def accept(*, report, actor, version, enterprise=None, reply="") -> PublicReport:
    """A regulator accepts: the report becomes a hidden danger awaiting confirmation (待核实)
    at the enterprise (the reporter's, or the one the regulator names for a site)."""
    report = lock(PublicReport, actor, report.pk, version=version)
    PUBLIC_REPORT_WORKFLOW.apply(report, "accept", _kinds(actor, report))
    enterprise = report.enterprise or enterprise
    require(
        enterprise is not None,
        _("Name the enterprise the hidden danger belongs to."),
        "enterprise",
    )
    assert enterprise is not None
    hazard, _created = hazard_services.report(
        actor=actor,
        enterprise=enterprise,
        place=(report.site_name or report.address or enterprise.name)[:200],
        description=report.description,
        source=Source.PUBLIC_REPORT,
        idempotency_key=f"public-report:{report.pk}:{report.version}",
    )
    report.enterprise, report.hazard, report.public_reply = enterprise, hazard, reply.strip()
    bump(report)
    report.save(action="public.report.accept", actor=actor)
    _event(report, "accept", actor, reply)
    return report


@service
def reject(*, report, actor, version, reason) -> PublicReport:
    report = lock(PublicReport, actor, report.pk, version=version)
    PUBLIC_REPORT_WORKFLOW.apply(report, "reject", _kinds(actor, report))
    require(bool(reason.strip()), _("Give the reason; the reporter sees it."), "reason")
    report.public_reply = reason.strip()
    bump(report)
    report.save(action="public.report.reject", actor=actor)
    _event(report, "reject", actor, reason)
    return report


def _kinds(actor, report) -> set[str]:
    # lock() has already answered 404/403 for anyone outside the report's scope
    return {"regulator"} if actor is not None else set()


def _closed(report: PublicReport) -> None:
    if report.hazard is None or report.hazard.state != State.CLOSED:
        raise IllegalMove(_("The hidden danger is not closed yet."))


@service
def confirm_fixed(*, code, actor=None, note="") -> PublicReport:
    report = _by_code_locked(code)
    PUBLIC_REPORT_WORKFLOW.apply(report, "confirm_fixed", {"public"})
    _closed(report)
    report.reporter_feedback = note.strip()
    bump(report)
    report.save(action="public.report.confirm_fixed", actor=None)
    _event(report, "confirm_fixed", None, note)
    return report


@service
def not_fixed(*, code, actor=None, note, photos=()) -> PublicReport:
    """The reporter says the closed hidden danger is not fixed: it is reported again, at the
    same enterprise and place, linked to this report, with the reporter's photos."""
    report = _by_code_locked(code)
    PUBLIC_REPORT_WORKFLOW.apply(report, "not_fixed", {"public"})
    _closed(report)
    require(bool(note.strip()), _("Say what is still wrong."), "note")
    old = report.hazard
    assert old is not None
    hazard, _created = hazard_services.report(
        actor=None,
        enterprise=old.enterprise,
        place=old.place,
        description=_("Reported not fixed by the public: %(note)s (earlier: %(earlier)s)")
        % {"note": note.strip(), "earlier": old.description[:500]},
        source=Source.PUBLIC_REPORT,
        level=old.level,
    )
    report.hazard, report.reporter_feedback = hazard, note.strip()
    bump(report)
    report.save(action="public.report.not_fixed", actor=None)
    _attach(report, list(photos), PhotoStage.NOT_FIXED)
    _event(report, "not_fixed", None, note)
    return report


def _by_code_locked(code: str) -> PublicReport:
    from safeloop.core.errors import NotFound

    report = (
        PublicReport.objects.select_for_update().filter(code_hash=code_hash(code or "")).first()
    )
    if report is None:
        raise NotFound(_("No report has this tracking code."))
    return PublicReport.objects.select_related("hazard").get(pk=report.pk)


@service
def add_rules(*, actor, **fields) -> PublicRules:
    """A new version of the public rules (the older ones stay, as their history)."""
    from safeloop.core.services import allow
    from safeloop.public.models import RULE_EDITORS

    allow(bool(actor.roles & RULE_EDITORS), _("Only an administrator changes these rules."))
    rules = PublicRules(**fields)
    rules.full_clean()
    rules.save(action="public.rules.add", actor=actor)
    return rules


def counties():
    return Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
