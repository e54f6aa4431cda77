"""A to-do line: one thing waiting for a user, from whichever app holds it. Each app's
selectors say what waits for a user there (`todo_for(user)`); the home page merges them,
most urgent first."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class Todo:
    kind: str  # what sort of work, in the user's language: 隐患整改, 自查任务 …
    title: str  # what: the record in a few words
    link: str  # where to do it
    deadline: date | None = None  # by when, if anything sets a day
    asked_by: str = ""  # who asked: a person, a department or a rule
    since: date | None = None  # when it arrived, for lines without a deadline

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline < timezone.localdate()

    @property
    def due_today(self) -> bool:
        return self.deadline == timezone.localdate()


def most_urgent_first(items: list[Todo]) -> list[Todo]:
    """Lines with a deadline by that day (overdue ones first, as they fall earliest), then the
    rest newest first."""
    dated = sorted((t for t in items if t.deadline), key=lambda t: (t.deadline, t.title))
    undated = sorted(
        (t for t in items if not t.deadline), key=lambda t: t.since or date.min, reverse=True
    )
    return dated + undated
