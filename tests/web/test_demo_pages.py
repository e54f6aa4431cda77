"""Every demo account opens every page its menu offers, and every page those pages link to
inside the application, without an error: the seeded data through every screen."""

import re

import pytest

from safeloop.demo.seed import ACCOUNTS, seed
from safeloop.orgs.models import User

MENU_LINK = re.compile(r'href="([^"]+)" data-menu=')
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/media/", "/logout", "/i18n/", "/admin/")


@pytest.mark.django_db
@pytest.mark.parametrize("username", [a[0] for a in ACCOUNTS])
def test_every_page_a_demo_account_reaches_opens(client, username, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed()
    client.force_login(User.objects.get(username=username))
    home = client.get("/", follow=True)
    assert home.status_code == 200
    pages = sorted(set(MENU_LINK.findall(home.content.decode())))
    assert pages, "the menu offers no page"
    seen = set(pages)
    for page in pages:
        response = client.get(page, follow=True)  # a home that opens the user's own record
        assert response.status_code == 200, (page, response.status_code)
        if "html" not in response.get("Content-Type", ""):
            continue
        links = sorted(set(LINK.findall(response.content.decode())) - seen)
        for link in links[:60]:
            seen.add(link)
            if link.startswith(SKIP):
                continue
            # a link may redirect (a saved view, a sign-in step); where it ends is a page
            linked = client.get(link.replace("&amp;", "&"), follow=True)
            assert linked.status_code == 200, (page, link, linked.redirect_chain)
