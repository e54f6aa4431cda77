from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """国务院令第493号 Art. 3, most serious first."""

    EXTRAORDINARY = "extraordinary", _("Extraordinarily serious")
    MAJOR = "major", _("Major")
    SERIOUS = "serious", _("Serious")
    GENERAL = "general", _("General")


class AccidentState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VOIDED = "voided", _("Voided")
