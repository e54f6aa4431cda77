from django.db import models
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    """The span one task covers; a frequency's rule names its period."""

    DAY = "day", _("Day")
    WEEK = "week", _("Week (Monday to Sunday)")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class NonWorkingDay(models.TextChoices):
    """What happens when the due day is not a working day (statutory calendar)."""

    KEEP = "keep", _("Keep the day")
    PREVIOUS = "previous", _("Move to the previous working day in the period")
    NEXT = "next", _("Move to the next working day in the period")
    SKIP = "skip", _("No task for this period")


class TaskState(models.TextChoices):
    PENDING = "pending", _("To do")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")


class Result(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ABNORMAL = "abnormal", _("Abnormal")


class HazardAction(models.TextChoices):
    """How an abnormal result enters the hidden-danger loop."""

    REGISTER = "register", _("Register a hidden danger for rectification")
    FIX_ON_SPOT = "fix_on_spot", _("Fixed on the spot")


class RunKind(models.TextChoices):
    GENERATE = "generate", _("Generate the day's tasks")
    MISS = "miss", _("Mark tasks past due as missed")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
