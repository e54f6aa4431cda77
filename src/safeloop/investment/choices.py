from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")


class UseCategory(models.TextChoices):
    """What safety expense may be spent on (财资〔2022〕136号, the use articles of each sector;
    REFERENCE.md §11). OUTSIDE records a spend the enterprise booked against the expense that
    is not among them: it is kept, and warned of."""

    EQUIPMENT = "equipment", _("Safety facilities and equipment: improvement, maintenance")
    EMERGENCY = "emergency", _("Emergency equipment, teams, plans and drills")
    HAZARD_GOVERNANCE = (
        "hazard_governance",
        _("Major hazard sources and major hidden dangers: assessment and governance"),
    )
    INSPECTION = "inspection", _("Safety inspections, evaluation, consulting, standardisation")
    TRAINING = "training", _("Publicity, training, rewards for reporting hidden dangers")
    PPE = "ppe", _("Protective equipment for workers on site")
    TECHNOLOGY = "technology", _("New safety technology, processes and equipment")
    TESTING = "testing", _("Testing of safety facilities and special equipment")
    INSURANCE = "insurance", _("Work-safety liability insurance premiums")
    OTHER_DIRECT = "other_direct", _("Other spending directly for work safety")
    OUTSIDE = "outside", _("Not among the permitted uses")


ALLOWED_USES = frozenset(c for c in UseCategory if c != UseCategory.OUTSIDE)


class GapReason(models.TextChoices):
    NO_RECORD = "no_record", _("No revenue or extraction recorded for the year")
    SHORT = "short", _("Extraction short of the accrual due")
    OUTSIDE = "outside", _("Expense used outside the permitted categories")


class InsuranceGap(models.TextChoices):
    COVERAGE = "coverage", _("Work-injury insurance does not cover enough employees")
    GUARANTEE = "guarantee", _("No risk deposit and no liability insurance in force")
    EXPIRING = "expiring", _("Liability insurance about to end, no risk deposit")


# The labels the alerts app shows for this app's warning rules and key-unit reasons (kept
# here, so this app's catalogue translates them).
EXPENSE_RULE_LABEL = _("Safety expense short or used outside its categories")
INSURANCE_RULE_LABEL = _("Work-injury insurance, risk deposit or liability insurance gap")
EXPENSE_REASON_LABEL = _("Safety expense not extracted or used as required")
INSURANCE_REASON_LABEL = _("Insurance or risk deposit not in place")
