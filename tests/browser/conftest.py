"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against a
live server on 127.0.0.1."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Playwright's sync API runs an event loop in this thread; the ORM calls in these tests
# happen between browser steps, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # A form with field errors is answered 400 on purpose; chromium logs that as an error.
    deliberate = "the server responded with a status of 400"
    page.on(
        "console",
        lambda m: m.type == "error" and deliberate not in m.text and errors.append(m.text),
    )
    external = []
    page.on(
        "request",
        lambda r: (
            not r.url.startswith(live_server.url)
            and not r.url.startswith("data:")
            and external.append(r.url)
        ),
    )
    # Requests still in flight when a test ends (a page's lazy figures) would query the
    # database while the live server's teardown truncates it, and deadlock: let them finish.
    in_flight = set()
    page.on("request", lambda r: in_flight.add(r))
    page.on("requestfinished", lambda r: in_flight.discard(r))
    page.on("requestfailed", lambda r: in_flight.discard(r))
    yield page
    for _ in range(50):
        if not in_flight or page.is_closed():
            break
        page.wait_for_timeout(100)
    context.close()
    assert not external, f"requests left the server: {external}"
    assert not errors, f"browser errors: {errors}"
