import ipaddress
import uuid

from django.conf import settings
from django.utils.cache import patch_cache_control

from safeloop.core.context import ActionContext, action_context
from safeloop.core.widgets import take_pick


def _trusted(address: str, networks) -> bool:
    """Whether `address` is one of our reverse proxies (SAFELOOP_TRUSTED_PROXIES: addresses or
    networks)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


def client_ip(request) -> str | None:
    """The client's address. Behind trusted reverse proxies, X-Forwarded-For is read from the
    right, skipping our own proxies: the first address a proxy of ours did not add itself is
    the client's. Anything further left was written by the client and is ignored, so one
    client cannot pose as another (the login lockout, rate limits and audit all use this)."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = getattr(settings, "TRUSTED_PROXIES", ())
    single = not networks and settings.TRUST_X_FORWARDED_FOR  # one proxy, whatever its address
    if remote is None or not (single or _trusted(remote, networks)):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    client = remote
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a proxy of ours never writes garbage: stop at the last good address
        client = hop
        if single or not _trusted(hop, networks):
            break
    return client


class PrivateCacheMiddleware:
    """Responses to a signed-in user are `Cache-Control: private, no-store`: no shared cache
    or browser history keeps a page or an export with data of someone's scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and makes it known to audit; a
    picker's question is taken out of the query (core.widgets.take_pick)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        take_pick(request)
        context = ActionContext(
            request=request, request_id=request.request_id, ip=client_ip(request)
        )
        with action_context(context):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
