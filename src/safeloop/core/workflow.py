"""Workflows as transition tables: (state, move) → (next state, who may move).

Each lifecycle is one registered `Workflow`: services call `apply()` — the only code that
assigns a state field — the API and the screens ask `moves_for()` which moves to offer, the
docs carry `render()`'s table (`safeloop manage workflow_table NAME`), and one test walks every
registered table. "Who" names actor kinds; the workflow's own app decides which kinds a user
is, for one object.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from safeloop.core.errors import IllegalMove, NotPermitted

CREATED = "(new)"  # the pseudo-state of moves that create the object
SYSTEM = "system"  # the actor kind of jobs and of the application itself

REGISTRY: dict[str, "Workflow"] = {}


@dataclass(frozen=True)
class Transition:
    move: str
    sources: frozenset[str]
    target: str | None  # None: the state stays
    actors: frozenset[str]
    label: str = ""


def t(move: str, sources, target: str | None, actors, label="") -> Transition:
    """Shorthand for one row group of a table."""
    return Transition(move, frozenset(sources), target, frozenset(actors), label)


class Workflow:
    """`model` is the "app_label.Model" whose `state_field` the table governs; `states` the
    field's choices (every state must be reachable); `kinds` explains each actor kind for
    the docs."""

    def __init__(
        self,
        name: str,
        transitions: list[Transition],
        *,
        model: str = "",
        state_field: str = "state",
        kinds: dict[str, str] | None = None,
    ):
        self.name = name
        self.transitions = transitions
        self.model = model
        self.state_field = state_field
        self.kinds = kinds or {}
        self._by_key: dict[tuple[str, str], Transition] = {}
        for tr in transitions:
            for source in tr.sources:
                if (source, tr.move) in self._by_key:
                    raise ValueError(f"{name}: ({source}, {tr.move}) appears twice")
                self._by_key[(source, tr.move)] = tr
        self.moves = sorted({tr.move for tr in transitions})
        if name in REGISTRY:
            raise ValueError(f"workflow {name!r} is registered twice")
        REGISTRY[name] = self

    # ------------------------------------------------------------------ reading the table
    @property
    def states(self) -> list[str]:
        found: list[str] = []
        for tr in self.transitions:
            for state in [*sorted(tr.sources), tr.target]:
                if state and state != CREATED and state not in found:
                    found.append(state)
        return found

    @property
    def actor_kinds(self) -> list[str]:
        return sorted({a for tr in self.transitions for a in tr.actors})

    def get(self, state: str, move: str) -> Transition:
        try:
            return self._by_key[(state, move)]
        except KeyError:
            raise IllegalMove(
                _("“%(move)s” is not possible in state “%(state)s”.")
                % {"move": self.move_label(move), "state": self.state_label(state)}
            ) from None

    def move_label(self, move: str) -> str:
        """The move's name for people (its label in the table), else the move's code."""
        return next(
            (str(tr.label) for tr in self.transitions if tr.move == move and tr.label), move
        )

    def state_label(self, state: str) -> str:
        """The state's name for people (the model field's choice label), else its code."""
        if state == CREATED or not self.model:
            return str(_("new")) if state == CREATED else state
        from django.apps import apps

        field = apps.get_model(self.model)._meta.get_field(self.state_field)
        return str(dict(field.choices or ()).get(state, state))

    def check(self, state: str, move: str, actor_kinds) -> Transition:
        transition = self.get(state, move)
        if not transition.actors & set(actor_kinds):
            raise NotPermitted(_("You may not make this move."))
        return transition

    def landing(self, state: str, move: str) -> str:
        target = self.get(state, move).target
        return state if target is None else target

    def moves_for(self, state: str, actor_kinds) -> list[str]:
        kinds = set(actor_kinds)
        return [tr.move for tr in self.transitions if state in tr.sources and tr.actors & kinds]

    def rows(self):
        """(state, move, next state, actors) for the docs and for exhaustive tests."""
        for tr in self.transitions:
            for source in sorted(tr.sources):
                yield source, tr.move, tr.target or source, sorted(tr.actors)

    # ------------------------------------------------------------------ moving
    def current(self, obj) -> str:
        """The object's state; CREATED for an object not yet saved."""
        state = getattr(obj, "_state", None)
        if state is not None and state.adding:
            return CREATED
        return getattr(obj, self.state_field)

    def apply(self, obj, move: str, actor_kinds) -> Transition:
        """Check `move` from the object's state for an actor of `actor_kinds` and put the
        object in the landing state (unsaved: the service saves it). IllegalMove (409) when
        the move does not exist from that state, NotPermitted (403) when no kind may."""
        transition = self.check(self.current(obj), move, actor_kinds)
        if transition.target is not None:
            setattr(obj, self.state_field, transition.target)
        return transition

    # ------------------------------------------------------------------ the docs
    def render(self) -> str:
        """The table as Markdown, one row per (state, move): what the docs carry."""
        lines = [
            f"<!-- workflow:{self.name} -->",
            "| state | move | next state | who |",
            "|---|---|---|---|",
        ]
        for state, move, target, actors in self.rows():
            lines.append(f"| {state} | {move} | {target} | {', '.join(actors)} |")
        lines.append(f"<!-- /workflow:{self.name} -->")
        return "\n".join(lines)
