import pytest

from safeloop.core import captcha

ANSWER = "ACDEF"


def solved() -> dict:
    """A captcha answered right (the challenge is made with a known answer)."""
    return {"captcha_token": captcha.new(ANSWER).token, "captcha": ANSWER}


@pytest.fixture
def report_data(world):
    return {
        "description": "仓库消防通道被货物堵塞",
        "enterprise_name": world.inside.name,
        **solved(),
    }
