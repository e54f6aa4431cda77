"""One place for the scope rule's assertions and the role list every test parametrises over.

The rule (docs/roles-and-scope.md): a list shows only rows inside the user's scope; a record
outside it answers 404, whether or not it exists; a record inside it that the user may see but
not change answers 403 to a write. Each helper asserts one exact status.
"""

from safeloop.orgs.roles import Role

# Every role, and a signed-in user with no role at all (the `world` fixture's users).
ROLES = [*Role, None]


def assert_status(response, expected: int, what: str = "") -> None:
    """Exactly `expected`; the body is shown when it is not."""
    body = getattr(response, "content", b"")[:500]
    assert response.status_code == expected, (
        f"{what or response.request.get('PATH_INFO', '')}: "
        f"{response.status_code} != {expected}: {body!r}"
    )


def ids_in(response, key: str = "id") -> set:
    """The ids of an API list page (paginated `results` or a plain list)."""
    data = response.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    return {row[key] for row in rows}


def assert_list_in_scope(response, inside: set, outside: set, key: str = "id") -> None:
    """A 200 list that holds every id of `inside` and none of `outside`."""
    assert_status(response, 200)
    seen = ids_in(response, key)
    assert inside <= seen, f"missing in scope: {inside - seen}"
    assert not (outside & seen), f"outside scope yet listed: {outside & seen}"


def assert_hidden(response) -> None:
    """Outside the user's scope: 404, exactly as for an id that does not exist."""
    assert_status(response, 404)


def assert_refused(response) -> None:
    """Visible to the user but not theirs to change: 403."""
    assert_status(response, 403)
