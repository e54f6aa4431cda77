from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Grade(models.TextChoices):
    """国务院令第493号 Art. 3, most serious first."""

    EXTRAORDINARY = "extraordinary", _("Extraordinarily serious")
    MAJOR = "major", _("Major")
    SERIOUS = "serious", _("Serious")
    GENERAL = "general", _("General")


class AccidentState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VOIDED = "voided", _("Voided")


class ReportLevel(models.TextChoices):
    """Who reports onward, in the order of the chain (Art. 9 and 11 of 国务院令第493号)."""

    ENTERPRISE = "enterprise", _("Enterprise to the county department")
    COUNTY = "county", _("County department to the city")
    CITY = "city", _("City to the province")


class CaseState(models.TextChoices):
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")


class Concealment(models.TextChoices):
    NONE = "", _("None found")
    CONCEALED = "concealed", _("Concealed (瞒报)")
    FALSE = "false", _("Falsely reported (谎报)")
