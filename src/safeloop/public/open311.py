"""The Open311 GeoReport v2 side of public reporting: the service list and definitions,
the clients and their API keys, a request turned into a public report (the same
`services.submit`: routing, duplicates), and the search of requests with the spec's
filters and the paging extension. The HTTP side (JSON, XML, errors) is open311_views.

A request is a public report; its `service_request_id` is the report's id, its `token` the
tracking code (shown to the client once). What the feed shows of a report is public: no
contact, no photos, the description, address and reply with ID and phone numbers, e-mail
addresses and the reporter's own contact blotted out (`core.privacy`), and nothing of a
rejected report but its status and the reply.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from safeloop.core import ratelimit
from safeloop.core.errors import Invalid, NotFound
from safeloop.core.privacy import contact_parts, mask
from safeloop.core.services import allow, bump, lock, require, service
from safeloop.orgs.models import Region, RegionLevel
from safeloop.public import services
from safeloop.public.choices import ReportState
from safeloop.public.models import (
    RULE_EDITORS,
    Open311Client,
    PublicReport,
    PublicReportEvent,
    key_hash,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-05T00:00:00Z"  # when the service list or definitions last changed
MAX_DAYS = 90  # the spec's default window and widest range
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 1000
HOUR = 3600

OPEN = (ReportState.RECEIVED, ReportState.ACCEPTED, ReportState.REFERRED)
CLOSED = (
    ReportState.REJECTED,
    ReportState.DUPLICATE,
    ReportState.CONFIRMED,
    ReportState.HANDLED,
)


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    group: str


def catalogue() -> list[Service]:
    """The services a request may name (in the active language): kinds of hidden danger
    the public sees. Every one takes the same attributes (`definition`)."""
    return [
        Service(
            "fire-safety",
            _("Blocked fire exits or fire equipment"),
            _("Fire exits, escape routes or extinguishers blocked, locked or missing."),
            _("Fire safety"),
        ),
        Service(
            "hazardous-chemicals",
            _("Hazardous chemicals handled unsafely"),
            _("Leaks, smells, or hazardous chemicals stored or moved without protection."),
            _("Hazardous chemicals"),
        ),
        Service(
            "illegal-site",
            _("Illegal or unregistered production site"),
            _("Production or storage without a licence, in a house or a hidden yard."),
            _("Illegal production"),
        ),
        Service(
            "special-equipment",
            _("Special equipment or uncertified operators"),
            _("Boilers, lifts, cranes or pressure vessels unsafe, or run without a certificate."),
            _("Equipment and posts"),
        ),
        Service(
            "construction",
            _("Unsafe construction or work at height"),
            _("Work at height without protection, unsafe scaffolding, open trenches."),
            _("Construction"),
        ),
        Service(
            "other",
            _("Other hidden danger"),
            _("Any other hidden danger at a workplace."),
            _("Other"),
        ),
    ]


def find_service(code: str) -> Service | None:
    return next((s for s in catalogue() if s.code == code), None)


def definition(code: str) -> dict:
    """The service's attributes (the spec's service definition); NotFound for an unknown
    code."""
    found = find_service(code)
    if found is None:
        raise NotFound(_("No service has this code."))
    counties = [
        {"key": r.code, "name": r.name}
        for r in Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
    ]
    return {
        "service_code": found.code,
        "attributes": [
            _attribute(
                1,
                "enterprise_name",
                "string",
                _("Enterprise (name, pinyin initials or address); leave empty if unknown"),
            ),
            _attribute(2, "site_name", "string", _("Site name, for an unregistered site")),
            _attribute(
                3,
                "county",
                "singlevaluelist",
                _("County, when neither the enterprise nor the location says it"),
                counties,
            ),
        ],
    }


def _attribute(order, code, datatype, description, values=None) -> dict:
    return {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": False,
        "datatype_description": "",
        "order": order,
        "description": str(description),
        "values": values or [],
    }


# ------------------------------------------------------------------ clients and keys
def new_key() -> str:
    return secrets.token_urlsafe(24)


@service
def add_client(*, actor, name, contact="", reports_per_hour=1000) -> tuple[Open311Client, str]:
    """A new client with its API key (returned once; only its hash is kept)."""
    allow(bool(actor.roles & RULE_EDITORS), _("Only an administrator manages Open311 clients."))
    require(bool(name.strip()), _("Give the client's name."), "name")
    key = new_key()
    client = Open311Client(
        name=name.strip(),
        contact=contact.strip(),
        reports_per_hour=reports_per_hour,
        key_prefix=key[:8],
        key_hash=key_hash(key),
    )
    client.full_clean()
    client.save(action="public.open311_client.add", actor=actor)
    return client, key


@service
def revoke_client(*, actor, client, version) -> Open311Client:
    allow(bool(actor.roles & RULE_EDITORS), _("Only an administrator manages Open311 clients."))
    client = lock(Open311Client, None, client.pk, version=version)
    require(client.revoked_at is None, _("This client is already revoked."))
    client.revoked_at = timezone.now()
    bump(client)
    client.save(action="public.open311_client.revoke", actor=actor)
    return client


def client_for(key: str) -> Open311Client | None:
    """The live client holding `key`, or None (no key, a wrong key, a revoked one)."""
    if not key:
        return None
    return Open311Client.objects.filter(key_hash=key_hash(key), revoked_at__isnull=True).first()


# ------------------------------------------------------------------ POST requests
def _decimal(value: str, field: str, low: int, high: int) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise Invalid(_("Not a number."), field=field) from None
    require(low <= number <= high, _("Out of range."), field)
    return number


def submit_request(client: Open311Client, data, files) -> tuple[PublicReport, str]:
    """An Open311 POST made into a public report. `data` is the request's parameters,
    `files` its uploads (`media`, the media upload extension). Raises the service errors
    (400 with fields named as the spec names them) and RateLimited."""
    ratelimit.check(f"open311:client:{client.pk}", limit=client.reports_per_hour, per=HOUR)
    code = data.get("service_code", "")
    require(find_service(code) is not None, _("No service has this code."), "service_code")
    latitude = _decimal(data.get("lat", ""), "lat", -90, 90)
    longitude = _decimal(data.get("long", ""), "long", -180, 180)
    address = data.get("address_string", "").strip()[:200]
    require(
        latitude is not None or bool(address),
        _("Give the location (lat and long) or the address."),
        "address_string",
    )
    enterprise = _enterprise(data.get("attribute[enterprise_name]", ""))
    county = None
    if data.get("attribute[county]"):
        county = Region.objects.filter(
            code=data["attribute[county]"], level=RegionLevel.COUNTY
        ).first()
        require(county is not None, _("No county has this code."), "attribute[county]")
    site_name = data.get("attribute[site_name]", "").strip()[:200]
    if enterprise is None and not site_name:
        site_name = data.get("attribute[enterprise_name]", "").strip()[:200]
    name = " ".join(x for x in (data.get("first_name", ""), data.get("last_name", "")) if x)
    contact = " ".join(x for x in (name, data.get("email", ""), data.get("phone", "")) if x)
    description = data.get("description", "")
    require(len(description) <= 2000, _("At most 2000 characters."), "description")
    return services.submit(
        actor=None,
        description=description,
        enterprise=enterprise,
        site_name=site_name,
        address=address or (f"{latitude},{longitude}" if latitude is not None else ""),
        latitude=latitude,
        longitude=longitude,
        county=county,
        contact=contact.strip()[:100],
        photos=files.getlist("media"),
        service_code=code,
        client=client,
    )


# the services' field names as the spec names the parameters (for the error format)
OPEN311_NAMES = {
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "photos": "media",
    "county": "attribute[county]",
    "enterprise": "attribute[enterprise_name]",
}


def _enterprise(text: str):
    """The enterprise named, when the name finds exactly one (or one by its exact name);
    otherwise None and the text is kept as the site's name."""
    from safeloop.public.forms import find_enterprises

    candidates = find_enterprises(text)
    if len(candidates) == 1 or (candidates and candidates[0].name == text.strip()):
        return candidates[0]
    return None


# ------------------------------------------------------------------ GET requests
def _when(value: str, field: str) -> datetime:
    parsed = parse_datetime(value)
    require(parsed is not None, _("Use the W3C format, e.g. 2026-01-01T00:00:00Z."), field)
    assert parsed is not None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _number(value: str, field: str, default: int, high: int) -> int:
    if not value:
        return default
    require(value.isdigit() and 1 <= int(value) <= high, _("Out of range."), field)
    return int(value)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def search(params) -> list[PublicReport]:
    """The requests the spec's filters ask for, newest first, one page of them.
    `service_request_id` (comma-separated) overrides every other filter; without dates the
    last 90 days; a range may not span more than 90 days; `page` and `page_size` page."""
    rows = PublicReport.objects.all()
    ids = _split(params.get("service_request_id", ""))
    if ids:
        require(all(i.isdigit() for i in ids), _("Ids are numbers."), "service_request_id")
        require(len(ids) <= MAX_PAGE_SIZE, _("Too many ids."), "service_request_id")
        return _page(rows.filter(pk__in=[int(i) for i in ids]), 0, MAX_PAGE_SIZE)
    codes = _split(params.get("service_code", ""))
    if codes:
        rows = rows.filter(service_code__in=codes)
    statuses = _split(params.get("status", ""))
    if statuses:
        require(set(statuses) <= {"open", "closed"}, _("Use open or closed."), "status")
        states = [s for status in statuses for s in (OPEN if status == "open" else CLOSED)]
        rows = rows.filter(state__in=states)
    start = _when(params["start_date"], "start_date") if params.get("start_date") else None
    end = _when(params["end_date"], "end_date") if params.get("end_date") else None
    window = timedelta(days=MAX_DAYS)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - window
    elif end is None:
        end = start + window
    require(start <= end, _("The start is after the end."), "start_date")
    require(end - start <= window, _("The range may span at most 90 days."), "end_date")
    rows = rows.filter(created_at__gte=start, created_at__lte=end)
    page = _number(params.get("page", ""), "page", 1, MAX_PAGE)
    size = _number(params.get("page_size", ""), "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
    return _page(rows, (page - 1) * size, size)


def _page(rows, offset: int, size: int) -> list[PublicReport]:
    # the last move's time, per row of the page (a subquery: no join over the whole table)
    last = PublicReportEvent.objects.filter(report=OuterRef("pk")).order_by("-at").values("at")
    return list(
        rows.annotate(updated=Subquery(last[:1]))
        .only(*FEED_FIELDS)
        .order_by("-created_at", "-id")[offset : offset + size]
    )


FEED_FIELDS = (
    "state",
    "contact",
    "description",
    "address",
    "site_name",
    "latitude",
    "longitude",
    "region_code",
    "public_reply",
    "service_code",
    "created_at",
)


def one(pk: int) -> PublicReport:
    found = _page(PublicReport.objects.filter(pk=pk), 0, 1)
    if not found:
        raise NotFound(_("No request has this id."))
    return found[0]


def _iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def as_request(report: PublicReport, county_names: dict[str, str]) -> dict:
    """A report as the spec's request: only what may be public."""
    service_found = find_service(report.service_code)
    rejected = report.state == ReportState.REJECTED
    known = contact_parts(report.contact)  # the reporter's own name, e-mail and phone
    return {
        "service_request_id": str(report.pk),
        "status": "open" if report.state in OPEN else "closed",
        "status_notes": mask(report.public_reply, known=known),
        "service_name": service_found.name if service_found else report.service_code,
        "service_code": report.service_code,
        "description": "" if rejected else mask(report.description, known=known),
        "agency_responsible": county_names.get(report.region_code, ""),
        "service_notice": "",
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(getattr(report, "updated", None) or report.created_at),
        "expected_datetime": "",
        "address": "" if rejected else mask(report.address, known=known),
        "address_id": "",
        "zipcode": "",
        "lat": "" if rejected or report.latitude is None else str(report.latitude),
        "long": "" if rejected or report.longitude is None else str(report.longitude),
        "media_url": "",
    }


def county_names() -> dict[str, str]:
    return dict(
        Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", "name").order_by()
    )


def by_token(token: str) -> PublicReport | None:
    return services.by_code(token)
