"""A self-check task's life as one transition table. docs/selfchecks.md renders it; the
tests walk every (state, move, actor kind) of it through the real services and jobs.

Actor kinds:
- staff: a principal or safety manager of the task's enterprise (`services.actor_kinds`);
- system: the nightly jobs, which create tasks and mark overdue ones missed. They are
  set-based (one statement for 100,000s of rows), so they take their source and landing
  states from this table (`generation.py`) instead of calling `apply()` row by row.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.workflow import CREATED, SYSTEM, Workflow, t
from safeloop.selfchecks.choices import TaskState

STAFF = "staff"

SELFCHECK_TASK = Workflow(
    "selfcheck_task",
    [
        t("generate", [CREATED], TaskState.PENDING, [SYSTEM], _("Generate")),
        t(
            "record",
            [TaskState.PENDING],
            TaskState.DONE,
            [STAFF],
            pgettext_lazy("self-check", "Record"),
        ),
        t("miss", [TaskState.PENDING], TaskState.MISSED, [SYSTEM], _("Mark missed")),
    ],
    model="selfchecks.SelfCheckTask",
    state_field="state",
    kinds={
        STAFF: "a principal or safety manager of the task's enterprise",
        SYSTEM: "the nightly generation and missed-task jobs",
    },
)
