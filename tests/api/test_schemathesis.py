"""Every operation of the OpenAPI schema, fuzzed by schemathesis as two roles: no 5xx.

The schema is the one /api/v1/schema/ serves (drf-spectacular). Each operation gets a fixed,
small number of generated requests (valid ones and ones that break the schema: wrong types,
missing fields, non-numeric ids, out-of-range values), with a fixed seed, sent in-process
to the Django WSGI application with the role's API token. Path ids point at rows that exist
about half the time, so writes reach the services and not only the 404. Each request runs
in a savepoint rolled back afterwards: one request's writes never reach the next.

The check is the one that is never flaky: no response of 500 or above. A failure lists every
operation that answered 5xx, with the request and the server's traceback.
"""

import json
import logging
import os
import re
import traceback
from collections import Counter

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from safeloop.core import rulecache
from safeloop.orgs.roles import Role
from safeloop.orgs.tokens import create_token

# Requests per operation and role. 408 operations x 2 roles x EXAMPLES requests must stay
# within a few minutes on a 2-core machine (measured in docs/development.md); a deeper run
# by hand sets SAFELOOP_FUZZ_EXAMPLES.
EXAMPLES = int(os.environ.get("SAFELOOP_FUZZ_EXAMPLES", "3"))

# Operations not fuzzed, and why.
EXCLUDED = {
    # The schema document itself: generating it takes seconds per request, it takes no input
    # but its format, and tests/orgs/test_api.py checks it.
    "GET /api/v1/schema/",
}

ROLES = [Role.CITY_ADMIN, Role.SAFETY_MANAGER]


def _raw_schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, default=str))


RAW = _raw_schema()
SCHEMA = schemathesis.openapi.from_dict(RAW)


def _operations():
    operations = []
    for result in SCHEMA.get_all_operations():
        # An operation schemathesis cannot read is a schema defect: fail, do not skip.
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        if operation.label not in EXCLUDED:
            operations.append(operation)
    return operations


def _strategy(operation):
    positive = operation.as_strategy(GenerationMode.POSITIVE)
    try:
        negative = operation.as_strategy(GenerationMode.NEGATIVE)
    except Exception:  # an operation with nothing to break (no parameters, no body)
        return positive
    return st.one_of(positive, negative)


def _existing(path: str) -> dict[str, list]:
    """For each id in `path`, the pks of a few rows of the model the view serves."""
    names = re.findall(r"{(\w+)}", path)
    try:
        match = resolve(re.sub(r"{\w+}", "1", path))
    except Resolver404:
        return {}
    view = getattr(match.func, "cls", None)
    queryset = getattr(view, "queryset", None)
    found = {}
    for name in names:
        model = None
        if name == "enterprise_pk":
            from safeloop.enterprises.models import Enterprise

            model = Enterprise
        elif name in ("id", "pk") and queryset is not None:
            model = queryset.model
        if model is not None:
            pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True)[:4])
            if pks:
                found[name] = pks
    return found


class ServerErrors:
    """The tracebacks of the exceptions Django turned into a 500."""

    def __init__(self):
        self.last = None

    def __call__(self, sender, request=None, **kwargs):
        self.last = traceback.format_exc()


def _describe(case, response, trace) -> str:
    body = case.body if not isinstance(case.body, bytes) else case.body[:200]
    lines = [
        f"{case.operation.label} -> {response.status_code}",
        f"  path: {case.formatted_path}  query: {case.query!r}",
        f"  body: {str(body)[:400]}",
    ]
    if trace:
        lines.append("  " + "\n  ".join(trace.strip().splitlines()[-8:]))
    return "\n".join(lines)


def _fuzz(operation, headers: dict, app, errors: ServerErrors, failures: list, seen: Counter):
    existing = _existing(operation.path)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(case=_strategy(operation), data=st.data())
    def run(case, data):
        for name, pks in existing.items():
            if data.draw(st.booleans(), label=f"existing {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(pks))
        errors.last = None
        with transaction.atomic():
            try:
                response = case.call(headers=headers, app=app)
            finally:
                transaction.set_rollback(True)
                rulecache.forget()
        seen[(operation.method.upper() == "GET", response.status_code)] += 1
        if response.status_code >= 500:
            failures.append(_describe(case, response, errors.last))

    run()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_no_server_error_anywhere_in_the_schema(world, role):
    user = world.user(role)
    _, secret = create_token(actor=user, name="schemathesis")
    headers = {"Authorization": f"Bearer {secret}"}
    app = get_wsgi_application()
    errors = ServerErrors()
    got_request_exception.connect(errors)
    # As Django's test client does: the request keeps the test's connection (and so its
    # transaction) instead of closing it when it ends.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # Thousands of 4xx are expected; their one-line warnings would bury a 500's traceback.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    failures: list[str] = []
    seen: Counter = Counter()  # (is a read, status) -> responses
    try:
        for operation in _operations():
            _fuzz(operation, headers, app, errors, failures, seen)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        got_request_exception.disconnect(errors)
        request_log.setLevel(level)
    print(role.value, sorted(seen.items()))  # shown by pytest -rP
    assert not failures, f"{len(failures)} responses 5xx:\n\n" + "\n\n".join(failures)
    # Not a vacuous pass: the token holds, and requests reach past the 404 to the rules.
    assert not [n for (_, status), n in seen.items() if status == 401]
    assert sum(n for (read, status), n in seen.items() if read and status == 200)
    assert sum(n for (read, status), n in seen.items() if not read and status == 400)


def test_every_operation_has_its_own_operation_id():
    # Clients generated from the schema name their methods after these; two operations once
    # shared "inspection_checklists_items_create" (the schema then numbered one of them).
    ids = [op["operationId"] for item in RAW["paths"].values() for op in item.values()]
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
