"""An API token for a benchmark's account, made the way a user makes one (orgs.tokens), so
the benchmark authenticates exactly as a client does. Earlier benchmark tokens of the same
account are revoked first: an account holds at most `MAX_TOKENS` live ones."""

NAME = "基准测试"


def bench_token(user) -> str:
    """The secret of a new token of `user` (`Authorization: Token <secret>`)."""
    from django.utils import timezone

    from safeloop.orgs.models import ApiToken
    from safeloop.orgs.tokens import create_token

    ApiToken.objects.filter(user=user, name=NAME, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    _token, secret = create_token(actor=user, name=NAME)
    return secret
