from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    """What an indicator counts, from the accident records (voided ones never count)."""

    ACCIDENTS = "accidents", _("Accidents")
    DEATHS = "deaths", _("Deaths (incl. missing)")
    INJURIES = "injuries", _("Injured (serious and minor)")
    DIRECT_LOSS = "direct_loss", _("Direct loss (CNY)")


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Figure(models.TextChoices):
    """The platform figures a scoring item may read (one set-based query each)."""

    INDICATOR_CONSUMPTION = "indicator_consumption", _("Indicator consumption (highest share %)")
    MAJOR_RECTIFICATION = "major_rectification", _("Major hidden danger rectification rate %")
    OVERDUE = "overdue", _("Overdue hidden dangers")
    INSPECTION_COVERAGE = "inspection_coverage", _("Inspection coverage %")
    SELFCHECK_COMPLETION = "selfcheck_completion", _("Self-check completion %")
    BULLETIN_ITEMS = "bulletin_items", _("Items named in bulletins")
    MANUAL = "manual", _("Manual (with evidence)")


class Formula(models.TextChoices):
    RATE = "rate", _("Weight × rate ÷ 100")
    DEDUCT = "deduct", _("Weight − per × (figure − above), not below 0")
    MANUAL = "manual", _("Entered by the assessor with evidence")


class Veto(models.TextChoices):
    ACCIDENT_GRADE = "accident_grade", _("An accident of this grade or worse in the area")
    INDICATOR_BREACH = "indicator_breach", _("An indicator breached")


class EntryKind(models.TextChoices):
    MANUAL = "manual", _("Manual item score")
    ADJUST = "adjust", _("Adjustment")
