"""The page sweep (bench/sweep/run.py) on the demo, once per role: every menu page the role
sees, the first record each leads to, the saved views, the common filters and every API list
(unfiltered and with each enum filter's first value) answer 200; the API lists a role may
not use (`REFUSED`) answer exactly 403. No server error and no statement timeout anywhere.
Exports are left to the bench (each builds a workbook)."""

import logging

import pytest
from django.db import connection
from django.test import Client

from bench.sweep.run import KINDS, api_lists, openapi_schema, pick_accounts, sweep
from safeloop.orgs.roles import Role

EXPECTED = {"menu": {"200"}, "detail": {"200"}, "view": {"200"}, "filter": {"200"}}
# The API lists each role is refused (403), filtered or not; every other list answers 200.
# Grid inspectors supervise enterprises, not targets; enterprise staff and experts read no
# enforcement rules, no completion table of other enterprises; experts see no credit files.
TARGETS = {"/api/v1/scoring-schemes/", "/api/v1/target-indicator-kinds/", "/api/v1/target-rules/"}
NOT_REGULATORS = TARGETS | {
    "/api/v1/enforcement-legal-bases/",
    "/api/v1/enforcement-rules/",
    "/api/v1/selfcheck-completion/",
}
CREDIT = {"/api/v1/credit-exchange/", "/api/v1/credit-listings/", "/api/v1/credit-records/"}
REFUSED = {
    Role.GRID_INSPECTOR: TARGETS,
    Role.ENTERPRISE_PRINCIPAL: NOT_REGULATORS,
    Role.SAFETY_MANAGER: NOT_REGULATORS,
    Role.EXPERT: NOT_REGULATORS | CREDIT,
}


@pytest.mark.django_db
def test_it_opens_every_page_of_every_role_without_an_error(demo, caplog):
    with connection.cursor() as cursor:  # a page that would hang fails, as in the bench
        cursor.execute("SET LOCAL statement_timeout = '30s'")
    api = api_lists(openapi_schema())
    assert len(api) > 100, "the schema's list operations were not found"
    accounts = pick_accounts(list(Role))
    caplog.set_level(logging.CRITICAL, logger="django.request")
    failures, seen = [], {}
    for role in Role:
        assert accounts[role] is not None, f"the demo has no {role} account"
        user = accounts[role][0]
        client = Client(raise_request_exception=False)
        client.force_login(user)
        rows = sweep(client, user, 1, api, kinds=KINDS - {"export"})
        seen[role] = {row.kind for row in rows}
        for row in rows:
            if row.kind == "api":
                refused = row.url.split("?")[0] in REFUSED.get(role, set())
                expected = {"403"} if refused else {"200"}
            else:
                expected = EXPECTED[row.kind]
            if row.statuses != expected:
                failures.append(f"{role} {row.kind} {row.url}: {row.status}")
    assert failures == []
    # The discovery finds records, saved views and filters, not only the menu.
    assert seen[Role.CITY_ADMIN] >= {"menu", "detail", "view", "filter", "api"}
    assert seen[Role.SAFETY_MANAGER] >= {"menu", "detail", "view", "api"}


def test_the_growth_comparison_matches_pages_across_datasets_and_names_the_grown(tmp_path, capsys):
    """`--save` on one dataset, `--compare` on the other: a record's page is matched whatever
    its id, and only a page past 1.5x is named."""
    from bench.sweep.run import Row, compare, save

    def row(name, *timings):
        return Row("city_admin", "detail", name, name, {"200"}, list(timings))

    saved = tmp_path / "one-million.json"
    save([row("/hazards/12/", 40, 40), row("/risks/", 100, 100)], str(saved))
    compare([row("/hazards/98765/", 70, 70), row("/risks/", 140, 140)], str(saved))
    out = capsys.readouterr().out
    assert "/hazards/98765/" in out and "(1.8x)" in out
    assert "/risks/" not in out.split("grew more than")[1].split("pages matched")[0]
    assert "2 pages matched (0 not), 1 grew past 1.5x" in out
