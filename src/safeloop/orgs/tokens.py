"""API tokens: a user creates, names, lists and revokes their own; administrators revoke the
tokens of accounts they manage. The secret is shown once and stored as its SHA-256; every
request checks the token afresh, so a revocation counts from the next request."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from safeloop.core.errors import NotFound
from safeloop.core.scoping import as_pk
from safeloop.core.services import require, service
from safeloop.orgs.accounts import get_account, reasoned
from safeloop.orgs.models import ApiToken, secret_hash

MAX_TOKENS = 20
PREFIX = "sl_"


def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at")


@service
def create_token(*, actor, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """A new token of `actor`; returns it and its secret (shown once, never again)."""
    import secrets

    name = (name or "").strip()
    require(name, _("Name the token, e.g. after the program that uses it."), "name")
    require(len(name) <= 80, _("At most 80 characters."), "name")
    if expires_at is not None:
        require(expires_at > timezone.now(), _("The expiry must lie in the future."), "expires_at")
        require(
            expires_at < timezone.now() + timedelta(days=3 * 366),
            _("A token expires within three years."),
            "expires_at",
        )
    live = tokens_of(actor).filter(revoked_at__isnull=True).count()
    require(live < MAX_TOKENS, _("At most %(n)s tokens: revoke one first.") % {"n": MAX_TOKENS})
    secret = PREFIX + secrets.token_urlsafe(30)
    token = ApiToken(
        user=actor,
        name=name,
        key_hash=secret_hash(secret),
        prefix=secret[: len(PREFIX) + 5],
        expires_at=expires_at,
    )
    token.save()
    return token, secret


@service
def revoke_token(*, actor, token_pk, reason: str = "") -> ApiToken:
    """The owner revokes their own token; an administrator one of an account they manage
    (with a reason). 404 for a token of an account the actor cannot see."""
    pk = as_pk(token_pk)
    token = ApiToken.objects.select_related("user").filter(pk=pk).first() if pk else None
    if token is None:
        raise NotFound()
    if token.user_id != actor.pk:
        get_account(actor, token.user_id, manage=True)  # 404 / 403
        require((reason or "").strip(), _("Say why."), "reason")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(action="orgs.apitoken.revoke")
        if reason:
            reasoned("orgs.apitoken.revoke", token, reason.strip()[:200])
    return token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer sl_…` (or `Token sl_…`). The only token authentication: the older
    rest_framework.authtoken keys were adopted as expiring tokens (migration orgs 0004)."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = ApiToken.objects.select_related("user").filter(key_hash=secret_hash(secret)).first()
        if token is None or not token.active or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > (
            ApiToken.LAST_USED_EVERY
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the API documentation describes the token scheme."""

    target_class = "safeloop.orgs.tokens.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Sign in to the web interface, open “API tokens” (/accounts/tokens/), create a "
                "token and copy it (it is shown once). Send it with every request as "
                "`Authorization: Bearer sl_…`. It acts with your roles and scope; revoke it "
                "on the same page. POST /api/v1/tokens/ creates one for a signed-in session."
            ),
        }
