"""Workflows as transition tables: (state, move) → (next state, who may move).

Each workflow lives in one file as a `Workflow`; services ask it before every change, the API
and the UI ask it which moves to offer, and the docs render it. "Who" names actor kinds; the
workflow's own app decides which kinds a user is, for one object.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

CREATED = "(new)"  # the pseudo-state of moves that create the object


class IllegalMove(Exception):
    """The move does not exist from the object's current state (or its conditions fail)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotPermitted(PermissionDenied):
    """The user is not one of the actors who may make this move."""


class Conflict(Exception):
    """Someone changed the object since the user loaded it."""


@dataclass(frozen=True)
class Transition:
    move: str
    sources: frozenset[str]
    target: str | None  # None: the state stays
    actors: frozenset[str]
    label: str = ""


class Workflow:
    def __init__(self, name: str, transitions: list[Transition]):
        self.name = name
        self.transitions = transitions
        self._by_key = {(s, t.move): t for t in transitions for s in t.sources}
        self.moves = sorted({t.move for t in transitions})

    def get(self, state: str, move: str) -> Transition:
        try:
            return self._by_key[(state, move)]
        except KeyError:
            raise IllegalMove(
                _("“%(move)s” is not possible in state “%(state)s”.")
                % {"move": move, "state": state}
            ) from None

    def check(self, state: str, move: str, actor_kinds: set[str]) -> Transition:
        transition = self.get(state, move)
        if not transition.actors & actor_kinds:
            raise NotPermitted(_("You may not make this move."))
        return transition

    def moves_for(self, state: str, actor_kinds: set[str]) -> list[str]:
        return [t.move for t in self.transitions if state in t.sources and t.actors & actor_kinds]

    def rows(self):
        """(state, move, next state, actors) for the docs and for exhaustive tests."""
        for t in self.transitions:
            for source in sorted(t.sources):
                yield source, t.move, t.target or source, sorted(t.actors)
