"""core.ratelimit counts in the database; core.captcha is answered once, offline."""

import pytest

from safeloop.core import captcha, ratelimit
from safeloop.core.models import RateCounter

pytestmark = pytest.mark.django_db


def test_it_allows_up_to_the_limit_per_key_and_window():
    assert [ratelimit.hit("ip:1", limit=3, per=3600) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    assert ratelimit.hit("ip:2", limit=3, per=3600)
    assert RateCounter.objects.get(key="ip:1").count == 4


def test_it_raises_with_the_seconds_left_in_the_window():
    ratelimit.check("code:x", limit=1, per=60)
    with pytest.raises(ratelimit.RateLimited) as error:
        ratelimit.check("code:x", limit=1, per=60)
    assert 0 < error.value.retry_after <= 60


def test_it_purges_old_windows():
    ratelimit.hit("old", limit=1, per=60)
    RateCounter.objects.update(window_start="2020-01-01T00:00:00Z")
    assert ratelimit.purge() == 1


def test_it_draws_the_captcha_as_svg_without_the_answer_in_the_token():
    challenge = captcha.new("ACDEF")
    assert challenge.svg.startswith("<svg") and "href" not in challenge.svg  # nothing fetched
    assert "ACDEF" not in challenge.token
    assert not captcha.verify(challenge.token, "XXXXX")
    assert captcha.verify(challenge.token, " acdef ")
    assert not captcha.verify(challenge.token, "ACDEF")  # once only


@pytest.mark.parametrize("token", ["", "garbage", "a:b:c", None])
def test_it_refuses_a_forged_captcha_token(token):
    assert not captcha.verify(token, "ACDEF")
