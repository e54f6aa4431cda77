import uuid

from django.conf import settings

from safeloop.core.context import ActionContext, action_context


def client_ip(request) -> str | None:
    # Behind a reverse proxy, SAFELOOP_TRUST_X_FORWARDED_FOR makes the client's address count.
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and makes it known to audit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        context = ActionContext(
            request=request, request_id=request.request_id, ip=client_ip(request)
        )
        with action_context(context):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
