from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


# The states in which the park still writes the assessment.
EDITABLE_STATES = (AssessmentState.DRAFT, AssessmentState.RETURNED)


class OverallLevel(models.TextChoices):
    """The park's overall safety risk, as the 化工园区 grading names it (A highest)."""

    A = "A", _("A: high risk")
    B = "B", _("B: considerable risk")
    C = "C", _("C: general risk")
    D = "D", _("D: low risk")


class MeasureState(models.TextChoices):
    OPEN = "open", pgettext_lazy("park measure", "Open")
    CLOSED = "closed", pgettext_lazy("park measure", "Closed")


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")
