"""The screens speak Chinese first: menu entries, headings and reason badges."""

import pytest

from safeloop.hazards.choices import Level
from safeloop.orgs.roles import Role
from tests.alerts.conftest import hazard_on


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/alerts/", ["预警", "重点监管单位", "逐月通报"]),
        ("/alerts/key-units/", ["重点监管单位", "重大隐患未销号", "导出 Excel"]),
        ("/bulletins/", ["逐月通报", "生成通报"]),
    ],
)
def test_the_screens_are_in_chinese(world, client, url, words):
    hazard_on(world.inside, level=Level.MAJOR)
    client.force_login(world.user(Role.CITY_ADMIN))
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for word in words:
        assert word in html, word
