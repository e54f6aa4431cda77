"""Every demo account opens every page its menu offers, and every page those pages link to
inside the application, without an error: the seeded data through every screen. What a
Chinese user reads there is people's words, not the code's (issue 13, item 8): no
empty-choice dashes, raw codes, English keywords, Python reprs or unrounded decimals."""

import html
import re

import pytest

from safeloop.demo.seed import ACCOUNTS
from safeloop.orgs.models import User

MENU_LINK = re.compile(r'href="([^"]+)" data-menu=')
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/media/", "/logout", "/i18n/", "/admin/")
HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
CODE_WORDS = {
    "empty choice": re.compile(r"-{5,}"),
    "English keyword": re.compile(
        r"\b(?:never|default|descending|ascending|None|True|False|null)\b"
    ),
    "raw code": re.compile(r"\bWSA\d{5}\b"),
    # 720.0000, 38.514000: a stored decimal printed as stored (a coordinate such as 38.4702 is
    # as precise as it was taken)
    "unrounded number": re.compile(r"\b\d+\.(?=\d{4,}\b)\d*00\b"),
    "Python repr": re.compile(r"\{'|'\}|\['|'\]"),
    "empty marker": re.compile(r"∅"),
}


def code_words(page: str) -> list[str]:
    """The lines of a page's visible text (tags and scripts removed) that show the code's words."""
    text = html.unescape(TAG.sub("\n", HIDDEN.sub("", page)))
    return [
        f"{name}: {line.strip()[:120]}"
        for line in text.splitlines()
        for name, pattern in CODE_WORDS.items()
        if pattern.search(line)
    ]


PICKER = re.compile(r'<select name="([^"]+)"[^>]*data-source="([^"]*)"')
OPTION = re.compile(r'<option value="([^"]+)"[^>]*>([^<]*)<')


def check_pickers(client, page: str) -> None:
    """Every long list on the page (all of them, with `PICKER_LISTED` at 1) answers its
    search from the page that drew it: the first rows for nothing typed, and a row again
    for the start of its own label."""
    for name, source in PICKER.findall(page):
        source = html.unescape(source)
        first = client.get(source, {"_pick": name, "_find": ""})
        assert first.status_code == 200, (source, name)
        rows = OPTION.findall(first.content.decode().split(f'<select name="{name}"', 1)[1])
        assert rows, (source, name)
        value, label = rows[0]
        again = client.get(source, {"_pick": name, "_find": html.unescape(label)[:2]})
        assert f'<option value="{value}"' in again.content.decode(), (source, name, label)


@pytest.mark.django_db
@pytest.mark.parametrize("username", [a[0] for a in ACCOUNTS])
def test_every_page_a_demo_account_reaches_opens(client, username, demo, settings):
    settings.PICKER_LISTED = 1  # every list of more than one row searched, as a city's is
    client.force_login(User.objects.get(username=username))
    home = client.get("/", follow=True)
    assert home.status_code == 200
    pages = sorted(set(MENU_LINK.findall(home.content.decode())))
    assert pages, "the menu offers no page"
    seen, words = set(pages), {}
    for page in pages:
        response = client.get(page, follow=True)  # a home that opens the user's own record
        assert response.status_code == 200, (page, response.status_code)
        if "html" not in response.get("Content-Type", ""):
            continue
        if found := code_words(response.content.decode()):
            words[page] = found
        check_pickers(client, response.content.decode())
        links = sorted(set(LINK.findall(response.content.decode())) - seen)
        for link in links[:60]:
            seen.add(link)
            if link.startswith(SKIP):
                continue
            # a link may redirect (a saved view, a sign-in step); where it ends is a page
            linked = client.get(link.replace("&amp;", "&"), follow=True)
            assert linked.status_code == 200, (page, link, linked.redirect_chain)
            if "html" not in linked.get("Content-Type", ""):
                continue
            if found := code_words(linked.content.decode()):
                words[link] = found
            check_pickers(client, linked.content.decode())
    assert not words, "\n".join(f"{p}\n  " + "\n  ".join(lines) for p, lines in words.items())
