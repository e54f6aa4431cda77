"""Accessibility: axe-core (vendored under tests/browser/vendor, never fetched) checks the main
pages of the public and of the enterprise, county and city roles, at phone and desktop size.
No violation of WCAG 2.0/2.1 A or AA rules with a serious or critical impact is allowed."""

from pathlib import Path

import pytest

from safeloop.core import captcha
from safeloop.hazards.models import Hazard
from safeloop.inspections.models import Visit
from safeloop.orgs.models import User
from safeloop.public.models import PublicReport, code_hash
from tests.browser.test_shell import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SIZES = {"phone": (390, 844), "desktop": (1440, 900)}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Leaflet draws the map's tiles, markers and controls itself; its internals are not ours
# to fix. The page around the map, its legend, filters and list are checked.
EXCLUDE = [".leaflet-pane", ".leaflet-control-container"]
TRACKING_CODE = "AXE7-CHEK-2026"


def violations(page) -> list[str]:
    """The serious and critical violations axe finds on the page as it stands: rule id,
    impact, target and axe's summary of what to fix."""
    return page.evaluate(
        """([tags, exclude]) => axe.run(
            {include: [document], exclude: exclude.map(s => [s])},
            {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}
        ).then(r => r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.nodes.map(n =>
                `${v.id} (${v.impact}) ${n.target.join(' ')}: ${n.failureSummary}`)).flat())""",
        [TAGS, EXCLUDE],
    )


def check(page, path: str, problems: dict, *, prepare=None) -> None:
    """Open `path` (or let `prepare` bring the page up) at each size; note what axe finds,
    with the pages and sizes where it was found."""
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        if prepare:
            prepare(page)
        else:
            page.goto(path)
        page.wait_for_load_state("networkidle")
        for problem in violations(page):
            problems.setdefault(problem, []).append(f"{path} [{size}]")


def track(page):
    page.goto("/public/track/")
    page.fill("#id_code", TRACKING_CODE)
    token = captcha.new("ACDEF").token
    page.evaluate(f"document.querySelector('[name=captcha_token]').value = '{token}'")
    page.fill("#id_captcha", "ACDEF")
    page.click("#track-form button[type=submit]")
    page.wait_for_selector("#report-state")


def test_the_main_pages_have_no_serious_or_critical_violations(page, demo):
    # The pages' Content-Security-Policy (script-src 'self') refuses an injected <script>
    # tag, so axe is given to every page the browser opens, as an extension would be.
    page.add_init_script(path=AXE)
    PublicReport.objects.filter(pk=PublicReport.objects.order_by("id").first().pk).update(
        code_hash=code_hash(TRACKING_CODE)
    )
    manager = User.objects.get(username="safety_manager")
    enterprise = manager.role_assignments.get().enterprise
    hazard = Hazard.objects.filter(enterprise=enterprise).order_by("id").first()
    visit = Visit.objects.filter(inspector__username="county_inspector").order_by("id").first()
    problems: dict[str, list[str]] = {}

    # the public, signed out
    check(page, "/login/", problems)
    check(page, "/public/reports/new/", problems)
    check(page, "/public/track/", problems)
    check(page, "/public/track/ (result)", problems, prepare=track)

    # the enterprise's safety manager
    sign_in(page, "safety_manager")
    page.wait_for_url("**/")
    check(page, "/", problems)
    check(page, "/hazards/", problems)
    check(page, f"/hazards/{hazard.pk}/", problems)
    check(page, f"/enterprises/{enterprise.pk}/", problems)
    page.click("#logout")
    page.wait_for_url("**/login/")

    # a county inspector
    sign_in(page, "county_inspector")
    page.wait_for_url("**/")
    check(page, "/", problems)
    check(page, "/hazards/new/", problems)
    check(page, "/enterprises/", problems)
    check(page, f"/inspections/visits/{visit.pk}/", problems)
    page.click("#logout")
    page.wait_for_url("**/login/")

    # the city regulator
    sign_in(page, "city_inspector")
    page.wait_for_url("**/")
    check(page, "/", problems)
    check(page, "/hazards/", problems)
    check(page, f"/hazards/{hazard.pk}/", problems)
    check(page, "/enterprises/", problems)
    check(page, f"/enterprises/{enterprise.pk}/", problems)
    check(page, "/risks/map/", problems)
    check(page, "/dashboards/", problems)

    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(
        f"{problem}\n    on {', '.join(pages)}" for problem, pages in problems.items()
    )
