"""The Open311 GeoReport v2 server under /open311/v2/ (JSON and XML, the spec's error
format), and the administrators' screen of its clients and keys.

Every endpoint answers in the format its address ends with; errors are a list of
{code, description} (`<errors><error>…` in XML) with the spec's statuses: 400 bad input,
403 a missing or revoked API key, 404 unknown service or request, 429 over the client's
hourly limit.
"""

from xml.etree import ElementTree as ET

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from safeloop.core import ratelimit
from safeloop.core.errors import NON_FIELD, fields_for, status_for
from safeloop.core.views import attempt, attempt_form
from safeloop.public import open311
from safeloop.public.models import RULE_EDITORS, Open311Client, PublicRules

# the element of each item of a list, in XML
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
SHOWN_KEY = "public:open311-key"


def _element(name: str, value) -> ET.Element:
    node = ET.Element(name)
    if isinstance(value, dict):
        for key, child in value.items():
            node.append(_element(key, child))
    elif isinstance(value, list):
        for child in value:
            node.append(_element(ITEMS.get(name, "item"), child))
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)
    return node


def respond(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under the element `root`."""
    if fmt == "json":
        response: HttpResponse = JsonResponse(
            data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
        )
    else:
        body = ET.tostring(_element(root, data), encoding="unicode")
        response = HttpResponse(
            '<?xml version="1.0" encoding="utf-8"?>' + body,
            status=status,
            content_type="text/xml; charset=utf-8",
        )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def errors(fmt: str, status: int, messages: list[str]) -> HttpResponse:
    return respond(fmt, "errors", [{"code": status, "description": m} for m in messages], status)


def failed(fmt: str, error: BaseException) -> HttpResponse:
    """A service error in the spec's format; anything else propagates (a 500 is a bug)."""
    status = status_for(error)
    if status is None:
        raise error
    messages = []
    for field, field_messages in fields_for(error).items():
        name = open311.OPEN311_NAMES.get(field, field)
        for message in field_messages:
            messages.append(message if field == NON_FIELD else f"{name}: {message}")
    return errors(fmt, status, messages or [str(error)])


def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/").rstrip("/")
    data = {
        "changeset": open311.CHANGESET,
        "contact": _("The city's emergency management bureau"),
        "key_service": _("Ask the city's administrator for an API key."),
        "endpoints": [
            {
                "specification": open311.SPECIFICATION,
                "url": base,
                "changeset": open311.CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return respond(fmt, "discovery", data)


def service_list(request, fmt):
    data = [
        {
            "service_code": s.code,
            "service_name": s.name,
            "description": s.description,
            "metadata": True,
            "type": "realtime",
            "keywords": "",
            "group": s.group,
        }
        for s in open311.catalogue()
    ]
    return respond(fmt, "services", data)


def service_definition(request, code, fmt):
    try:
        data = open311.definition(code)
    except Exception as error:
        return failed(fmt, error)
    return respond(fmt, "service_definition", data)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request, fmt):
    if request.method == "POST":
        return _post(request, fmt)
    try:
        found = open311.search(request.GET)
    except Exception as error:
        return failed(fmt, error)
    names = open311.county_names()
    return respond(fmt, "service_requests", [open311.as_request(r, names) for r in found])


def _post(request, fmt):
    client = open311.client_for(request.POST.get("api_key", ""))
    if client is None:
        return errors(fmt, 403, [_("A valid API key is required.")])
    try:
        report, code = open311.submit_request(client, request.POST, request.FILES)
    except ratelimit.RateLimited as limited:
        response = errors(fmt, 429, [_("Too many requests; try again later.")])
        response["Retry-After"] = str(limited.retry_after)
        return response
    except Exception as error:
        return failed(fmt, error)
    data = [
        {
            "service_request_id": str(report.pk),
            "token": code,
            "service_notice": _("Keep the token: it is the reporter's tracking code."),
            "account_id": "",
        }
    ]
    return respond(fmt, "service_requests", data, status=201)


def one_request(request, pk, fmt):
    try:
        found = open311.one(pk)
    except Exception as error:
        return failed(fmt, error)
    return respond(fmt, "service_requests", [open311.as_request(found, open311.county_names())])


def token(request, token, fmt):
    """The request id of a token (the tracking code): limited like the tracking page."""
    limit = PublicRules.current().lookups_per_hour
    if not ratelimit.hit(f"public:track:{ratelimit.client_ip(request)}", limit=limit, per=3600):
        return errors(fmt, 429, [_("Too many requests; try again later.")])
    found = open311.by_token(token)
    if found is None:
        return errors(fmt, 404, [_("No request has this token.")])
    return respond(fmt, "service_requests", [{"service_request_id": str(found.pk), "token": token}])


# ------------------------------------------------------------------ administrators
class ClientForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    contact = forms.CharField(label=gettext_lazy("contact"), max_length=200, required=False)
    reports_per_hour = forms.IntegerField(
        label=gettext_lazy("requests per hour"), min_value=1, max_value=100000, initial=1000
    )


def _admin(request):
    if not request.user.roles & RULE_EDITORS:
        raise PermissionDenied(_("Only an administrator manages Open311 clients."))


@login_required
def clients(request):
    _admin(request)
    form = ClientForm(request.POST or None)
    status = 200
    if request.method == "POST":
        outcome = attempt_form(request, form, open311.add_client, actor=request.user)
        if outcome.ok:
            client, key = outcome.value
            request.session[SHOWN_KEY] = [client.pk, key]
            return redirect("public-open311-clients")
        status = outcome.status
    shown = request.session.pop(SHOWN_KEY, None)
    return render(
        request,
        "public/open311_clients.html",
        {
            "form": form,
            "clients": Open311Client.objects.all(),
            "shown": shown,
            "endpoint": request.build_absolute_uri("/open311/v2/"),
        },
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def revoke(request, pk):
    _admin(request)
    client = get_object_or_404(Open311Client, pk=pk)
    attempt(
        request,
        open311.revoke_client,
        actor=request.user,
        client=client,
        version=int(v) if (v := request.POST.get("version", "")).isdigit() else 0,
    )
    return redirect("public-open311-clients")
