"""The page sweep: every page a role opens in a day, timed through the whole Django stack.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_bench10m PYTHONPATH=src:. \
      .venv/bin/python -m bench.sweep.run [--runs 5] [--timeout 20] [--roles …] [--only SUBSTR]

For each role (safeloop.orgs.roles.Role) it signs in as one active account of that role,
taken from the database: the one whose scope holds the most enterprises (the most hidden
dangers for enterprise accounts), so the pages have real work to do. The pages come from the
code, not a hand list:

- every menu entry the role sees (safeloop.web.navigation.MENU);
- on each of those pages, the first link to a record's detail page (a link under the page's
  own prefix with a numeric or uuid segment), the saved views it links to (`?view=`), the
  common filters its filter form offers (state, status, region, county: the first choice),
  and each export link (a URL ending in export/, .xlsx or .csv, or with `format=`); an export
  is timed as the user's click, which for a long list is the enqueue (302 to /exports/),
  run in a transaction rolled back afterwards; the worker is not waited for;
- every GET list operation of the OpenAPI schema without path parameters, unfiltered and with
  the first value of each enum filter.

Read only (apart from the rolled-back exports): sessions are signed cookies and no sign-in is
recorded. Every statement runs under a `statement_timeout` (`--timeout`, 20 s), so a page
that would scan too much shows as "timeout". Prints a table per role (page, status, p50, p95
in ms), then the worst 15 over all roles. A status other than the expected one (200; 302 for
an export; 403/404 for an API list outside the role's scope) is flagged with "!". Asserts
nothing; tests/core/test_page_sweep.py runs the same discovery on the demo and does.
"""

import argparse
import contextlib
import io
import logging
import os
import re
import statistics
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

NUMERIC = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
EXPORT = re.compile(r"(export/?|\.xlsx|\.csv)$")
# The filters a list is most often narrowed by, where its form offers them.
COMMON_FILTERS = ("state", "status", "region", "county")
# Query parameters of the API that are no filter of the data.
NOT_FILTERS = {"ordering", "sort", "format", "page", "page_size", "search"}


@dataclass
class Row:
    role: str
    kind: str  # menu, detail, view, filter, export, api
    name: str
    url: str
    statuses: set = field(default_factory=set)
    timings: list = field(default_factory=list)

    @property
    def status(self) -> str:
        return ",".join(sorted(self.statuses))

    @property
    def p50(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        return p95(self.timings)

    @property
    def expected(self) -> bool:
        if self.kind == "export":
            return self.statuses <= {"200", "302"}
        if self.kind == "api":
            return self.statuses <= {"200", "403", "404"}
        return self.statuses == {"200"}


def p95(timings: list[float]) -> float:
    if len(timings) < 2:
        return timings[0]
    return statistics.quantiles(timings, n=20, method="inclusive")[18]


class PageParser(HTMLParser):
    """Links, GET forms' actions and the choices of their select, checkbox and radio fields."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []  # {"action", "method", "choices": {name: [values]}}
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "choices": {},
            }
            self.forms.append(self._form)
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["choices"].setdefault(self._select, [])
        elif self._form is not None and tag == "option" and self._select:
            self._form["choices"][self._select].append(a.get("value", ""))
        elif self._form is not None and tag == "input" and a.get("name") and _choice(a):
            self._form["choices"].setdefault(a["name"], []).append(a.get("value", "on"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _choice(attrs: dict) -> bool:
    return (attrs.get("type") or "").lower() in ("checkbox", "radio")


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def is_detail(url: str, prefix: str) -> bool:
    """A record's own page: under the list's prefix, a numeric or uuid segment, no query."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or parts.query or not parts.path.startswith(prefix):
        return False
    if EXPORT.search(parts.path):
        return False
    segments = [s for s in parts.path[len(prefix) :].split("/") if s]
    return bool(segments) and NUMERIC.match(segments[-1]) is not None


def is_export(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return False
    return bool(EXPORT.search(parts.path)) or "format" in dict(parse_qsl(parts.query))


def discover(path: str, html: str) -> list[tuple[str, str, str]]:
    """(kind, name, url) of what a page leads to: its first record, saved views, common
    filters and exports."""
    page = parse(html)
    found: list[tuple[str, str, str]] = []
    seen = {path}
    prefix = "/" + path.strip("/").split("/")[0] + "/" if path.strip("/") else ""

    def add(kind, name, url):
        if url not in seen:
            seen.add(url)
            found.append((kind, name, url))

    if prefix:
        details = [u for u in page.links if is_detail(u, prefix)]
        # A record's page itself (the last segment the id) before its sub-pages.
        if details:
            add("detail", f"detail {details[0]}", details[0])
    for link in page.links:
        parts = urlsplit(link)
        query = dict(parse_qsl(parts.query))
        if parts.path in ("", path) and set(query) == {"view"}:
            add("view", f"view {path}?view={query['view']}", f"{path}?view={query['view']}")
    for form in page.forms:
        action = urlsplit(form["action"]).path
        if form["method"] != "get" or action not in ("", path):
            continue
        for name in COMMON_FILTERS:
            values = [v for v in form["choices"].get(name, []) if v]
            if values:
                add(
                    "filter", f"{path} {name}={values[0]}", f"{path}?{urlencode({name: values[0]})}"
                )
    for url in page.links + [f["action"] for f in page.forms if f["method"] == "get"]:
        if is_export(url):
            add("export", f"export {url}", url)
    return found


def menu_pages(user) -> list[tuple[str, str]]:
    from django.urls import reverse

    from safeloop.web.navigation import MENU

    return [(item.url_name, reverse(item.url_name)) for item in MENU if user.roles & item.roles]


def api_lists(schema: dict) -> list[tuple[str, str]]:
    """(name, url) of every GET list operation without path parameters, unfiltered and with
    the first value of each enum query parameter."""
    found = []
    for path, operations in sorted(schema["paths"].items()):
        get = operations.get("get")
        if not get or "{" in path or not _is_list(get):
            continue
        if any(p.get("required") for p in get.get("parameters", [])):
            continue  # a question that needs its answer's input, not a list
        found.append((f"api {path}", path))
        for parameter in get.get("parameters", []):
            if parameter.get("in") != "query" or parameter["name"] in NOT_FILTERS:
                continue
            spec = parameter.get("schema", {})
            values = spec.get("enum") or spec.get("items", {}).get("enum") or []
            values = [v for v in values if v not in ("", None)]
            if values:
                query = urlencode({parameter["name"]: values[0]})
                found.append((f"api {path}?{query}", f"{path}?{query}"))
    return found


def _is_list(operation: dict) -> bool:
    if operation.get("operationId", "").endswith("_list"):
        return True
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    return schema.get("type") == "array" or "Paginated" in schema.get("$ref", "")


def openapi_schema() -> dict:
    import json

    from drf_spectacular.generators import SchemaGenerator

    with contextlib.redirect_stderr(io.StringIO()):  # the generator's naming warnings
        generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, default=str))


def timed(client, url: str, runs: int, *, rollback: bool = False, follow: bool = False):
    """Statuses and milliseconds of `runs` requests, and the last answer's page (path, HTML;
    empty unless it answered 200 with HTML)."""
    from django.db import transaction

    statuses, timings, page = set(), [], ("", "")
    for _ in range(runs):
        started = time.perf_counter()
        if rollback:
            with transaction.atomic():
                response = client.get(url)
                transaction.set_rollback(True)
        else:
            response = client.get(url, follow=follow)
        timings.append((time.perf_counter() - started) * 1000)
        error = getattr(response, "exc_info", None)
        if error and "QueryCanceled" in repr(error[1].__cause__) + repr(error[1]):
            statuses.add("timeout")
        else:
            statuses.add(str(response.status_code))
        html = "text/html" in response.get("Content-Type", "")
        if response.status_code == 200 and html and not response.streaming:
            page = (response.request["PATH_INFO"], response.content.decode(errors="replace"))
    return statuses, timings, page


KINDS = frozenset({"menu", "detail", "view", "filter", "export", "api"})


def sweep(client, user, runs: int, api: list, only: str = "", echo=None, kinds=KINDS) -> list[Row]:
    """Open the role's menu pages and what they lead to, then the API lists, `runs` times
    each, with `client` signed in as `user`. `only`: the pages whose URL or name holds it;
    `kinds`: the kinds of page to time (menu pages are opened untimed when left out, to
    find the others)."""
    rows: list[Row] = []
    role = "+".join(sorted(user.roles))

    def run(kind, name, url):
        row = Row(role, kind, name, url)
        # A menu entry may send the role on to its own page (302): followed, as a browser does.
        row.statuses, row.timings, page = timed(
            client, url, runs, rollback=kind == "export", follow=kind == "menu"
        )
        rows.append(row)
        if echo:
            echo(row)
        return page

    def wanted(kind, name, url):
        return kind in kinds and (not only or only in url or only in name)

    for name, url in menu_pages(user):
        name = f"{name} {url}"
        if wanted("menu", name, url):
            path, html = run("menu", name, url)
        else:
            _statuses, _timings, (path, html) = timed(client, url, 1, follow=True)
        if not html:
            continue
        for kind, sub_name, sub_url in discover(path, html):
            if wanted(kind, sub_name, sub_url):
                run(kind, sub_name, sub_url)
    for name, url in api:
        if wanted("api", name, url):
            run("api", name, url)
    return rows


def pick_accounts(roles) -> dict:
    """One active account per role: the one whose scope holds the most enterprises (for
    enterprise accounts, the most hidden dangers). (user, what its scope holds) or None."""
    from django.db import DatabaseError
    from django.db.models import Count

    from safeloop.enterprises.models import Enterprise
    from safeloop.hazards.models import Hazard
    from safeloop.orgs.models import RoleAssignment, region_prefix
    from safeloop.orgs.roles import ROLE_UNIT, Unit

    picked = {}
    for role in roles:
        assignments = RoleAssignment.objects.filter(role=role, active=True, user__is_active=True)
        unit = ROLE_UNIT[role]
        best = None  # (count, assignment)
        if unit == Unit.NONE:
            first = assignments.order_by("user_id").first()
            best = (Enterprise.objects.count(), first) if first else None
        elif unit in (Unit.CITY, Unit.COUNTY):
            for a in assignments.select_related("region").order_by("user_id"):
                prefix = region_prefix(a.region.code)
                n = Enterprise.objects.filter(region_code__startswith=prefix).count()
                if best is None or n > best[0]:
                    best = (n, a)
        else:
            column = {Unit.PARK: "park_id", Unit.GRID: "grid_id"}.get(unit, "enterprise_id")
            model = Hazard if unit == Unit.ENTERPRISE else Enterprise
            try:
                top = (
                    model.objects.filter(**{f"{column}__in": assignments.values(column)})
                    .values(column)
                    .annotate(n=Count("id"))
                    .order_by("-n", column)
                    .first()
                )
            except DatabaseError:  # past the statement timeout: the first account then
                top = None
            chosen = assignments.filter(**{column: top[column]}) if top else assignments
            first = chosen.order_by("user_id").first()
            if first:
                best = (top["n"] if top else 0, first)
        if best is None:
            picked[role] = None
        else:
            what = "hidden dangers" if unit == Unit.ENTERPRISE else "enterprises"
            picked[role] = (best[1].user, f"{best[1].unit or 'whole system'}, {best[0]:,} {what}")
    return picked


def print_table(rows: list[Row], title: str) -> None:
    print(title, flush=True)
    for row in rows:
        print(format_row(row), flush=True)


def format_row(row: Row, with_role: bool = False) -> str:
    flag = " " if row.expected else "!"
    who = f"{row.role:21} " if with_role else "  "
    return (
        f"{flag}{who}{row.name[:70]:70} {row.status:9} "
        f"p50 {row.p50:8,.0f} ms   p95 {row.p95:8,.0f} ms"
    )


def read_only(timeout: int) -> None:
    """Signed-cookie sessions, no last-login write, `statement_timeout` on every connection."""
    from django.conf import settings
    from django.contrib.auth.signals import user_logged_in
    from django.db import connection
    from django.db.backends.signals import connection_created

    def limit(sender, connection, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = '{int(timeout)}s'")

    connection_created.connect(limit, weak=False)
    if connection.connection is not None:  # already open: set it there too
        limit(None, connection)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    user_logged_in.receivers.clear()
    user_logged_in.sender_receivers_cache.clear()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from safeloop.orgs.roles import Role

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=20, help="statement_timeout, seconds")
    parser.add_argument("--roles", nargs="*", default=[r.value for r in Role], choices=list(Role))
    parser.add_argument("--only", default="", help="only pages whose URL or name holds this")
    parser.add_argument("--save", help="write every page's figures to this JSON file")
    parser.add_argument(
        "--compare", help="a file written by --save on another dataset: print each page's growth"
    )
    ns = parser.parse_args()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("django.db.backends").setLevel(logging.CRITICAL)
    read_only(ns.timeout)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' asset manifest
    api = api_lists(openapi_schema())
    accounts = pick_accounts(ns.roles)
    everything: list[Row] = []
    for role in ns.roles:
        if accounts[role] is None:
            print(f"\n{role}: no active account with this role, skipped", flush=True)
            continue
        user, holds = accounts[role]
        print(f"\n{role}: {user.username} ({holds})", flush=True)
        client = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client.force_login(user)
        everything += sweep(client, user, ns.runs, api, ns.only, echo=print_row)
    worst = sorted(everything, key=lambda r: r.p95, reverse=True)[:15]
    print("\nworst 15 (p95) over all roles:", flush=True)
    for row in worst:
        print(format_row(row, with_role=True), flush=True)
    flagged = [r for r in everything if not r.expected]
    print(f"\n{len(everything)} pages timed, {len(flagged)} flagged (!)", flush=True)
    for row in flagged:
        print(f"! {row.role} {row.url} {row.status}", flush=True)
    if ns.save:
        save(everything, ns.save)
    if ns.compare:
        compare(everything, ns.compare)


# A record's id differs from one dataset to the other: pages are matched by their URL with
# every number in it replaced.
DIGITS = re.compile(r"\d+")
GROWTH = 1.5  # the bound on a page's p95 from 1 to 10 million hidden dangers


def page_key(role: str, kind: str, name: str) -> str:
    return f"{role} {kind} {DIGITS.sub('N', name)}"


def save(rows: list[Row], path: str) -> None:
    import json

    figures = [
        {
            "role": r.role,
            "kind": r.kind,
            "name": r.name,
            "status": r.status,
            "p50": round(r.p50, 1),
            "p95": round(r.p95, 1),
        }
        for r in rows
    ]
    with open(path, "w", encoding="utf-8") as out:
        json.dump(figures, out, ensure_ascii=False, indent=0)
    print(f"\nfigures of {len(figures)} pages written to {path}", flush=True)


def compare(rows: list[Row], path: str) -> None:
    """Each page's p95 here against the same page in `path` (another dataset's sweep): the
    pages past GROWTH times, then how many were matched and how the ratios spread."""
    import json

    with open(path, encoding="utf-8") as source:
        before = {page_key(f["role"], f["kind"], f["name"]): f for f in json.load(source)}
    pairs = []
    for row in rows:
        earlier = before.get(page_key(row.role, row.kind, row.name))
        if earlier and earlier["p95"] > 0:
            pairs.append((row.p95 / earlier["p95"], earlier["p95"], row))
    pairs.sort(key=lambda pair: pair[0], reverse=True)
    grown = [pair for pair in pairs if pair[0] > GROWTH]
    print(f"\npages whose p95 grew more than {GROWTH}x against {path}:", flush=True)
    for ratio, earlier, row in grown:
        print(
            f"  {row.role:21} {row.name[:64]:64} {earlier:8,.0f} -> {row.p95:8,.0f} ms "
            f"({ratio:.1f}x)",
            flush=True,
        )
    if pairs:
        ratios = sorted(pair[0] for pair in pairs)
        print(
            f"{len(pairs)} pages matched ({len(rows) - len(pairs)} not), {len(grown)} grew "
            f"past {GROWTH}x; ratio median {statistics.median(ratios):.2f}, "
            f"p95 {p95(ratios):.2f}, max {ratios[-1]:.2f}",
            flush=True,
        )


def print_row(row: Row) -> None:
    print(format_row(row), flush=True)


if __name__ == "__main__":
    main()
