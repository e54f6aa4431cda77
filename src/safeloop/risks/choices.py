from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    """How sure we are of a rule value (REFERENCE.md tags)."""

    CONFIRMED = "confirmed", _("Confirmed")
    PARTIAL = "partial", _("Partial")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")


class Level(models.TextChoices):
    """Four risk levels, highest first; the value is the colour (四色)."""

    RED = "red", _("Major risk (red)")
    ORANGE = "orange", _("Considerable risk (orange)")
    YELLOW = "yellow", _("General risk (yellow)")
    BLUE = "blue", _("Low risk (blue)")


LEVEL_RANK = {Level.RED: 4, Level.ORANGE: 3, Level.YELLOW: 2, Level.BLUE: 1, "": 0}


def highest(levels) -> str:
    """The highest of some levels ("" when there are none)."""
    return max(levels, key=lambda lv: LEVEL_RANK[lv], default="")


class Method(models.TextChoices):
    LEC = "lec", _("LEC (D = L × E × C)")
    LS = "ls", _("LS matrix (R = L × S)")
    DIRECT = "direct", _("Direct determination")


class LecFactor(models.TextChoices):
    L = "L", _("Likelihood (L)")
    E = "E", _("Exposure (E)")
    C = "C", _("Consequence (C)")


class LsFactor(models.TextChoices):
    L = "L", _("Likelihood (L)")
    S = "S", _("Severity (S)")


class DirectReason(models.TextChoices):
    MAJOR_HIDDEN_DANGER = "major_hidden_danger", _("A major hidden danger exists at the point")
    FATAL_ACCIDENT = (
        "fatal_accident",
        _("A fatal or serious accident happened here and its conditions persist"),
    )
    PEOPLE_30 = "people_30", _("30 or more people are exposed at the place")


class PointKind(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment or facility")
    OPERATION = "operation", _("Operation or activity")
    PLACE = "place", _("Place or area")


class MeasureKind(models.TextChoices):
    ENGINEERING = "engineering", _("Engineering")
    MANAGEMENT = "management", _("Management")
    TRAINING = "training", _("Training and education")
    PPE = "ppe", _("Personal protective equipment")
    EMERGENCY = "emergency", _("Emergency")


class ControlLevel(models.TextChoices):
    COMPANY = "company", _("Company")
    WORKSHOP = "workshop", _("Workshop")
    TEAM = "team", _("Team")
    POST = "post", _("Post")


class Frequency(models.TextChoices):
    SHIFT = "shift", _("Every shift")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class UnitKind(models.TextChoices):
    PRODUCTION = "production", _("Production unit")
    STORAGE = "storage", _("Storage unit")


class HazardGrade(models.IntegerChoices):
    ONE = 1, _("Grade 1 (一级)")
    TWO = 2, _("Grade 2 (二级)")
    THREE = 3, _("Grade 3 (三级)")
    FOUR = 4, _("Grade 4 (四级)")
