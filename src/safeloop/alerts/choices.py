from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.investment.choices import (
    EXPENSE_REASON_LABEL,
    INSURANCE_REASON_LABEL,
)


class WarningState(models.TextChoices):
    OPEN = "open", pgettext_lazy("warning state", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", pgettext_lazy("warning state", "Closed")


OPEN_WARNING_STATES = (WarningState.OPEN, WarningState.ACKNOWLEDGED)


class RuleCode(models.TextChoices):
    """The early-warning rules the code knows how to evaluate; their settings are data."""

    LICENCE_EXPIRY = "licence_expiry", _("Licence expiring")
    CERTIFICATE_EXPIRY = "certificate_expiry", _("Special-operation certificate expiring")
    HAZARDS_RISING = "hazards_rising", _("Open hidden dangers rising month over month")
    OVERDUE_CLUSTER = "overdue_cluster", _("Cluster of overdue hidden dangers")
    NO_SELF_CHECK = "no_self_check", _("No self-check records")
    MAJOR_DEADLINE = "major_deadline", _("Major hidden danger near its deadline without evidence")
    STOCK_EXPIRY = "stock_expiry", _("Emergency stock expiring")
    RESOURCE_UNCONFIRMED = (
        "resource_unconfirmed",
        _("Emergency resource availability not confirmed"),
    )
    PREPAREDNESS = "preparedness", _("Emergency plan lapsed or drill overdue")
    TRAINING_GAP = "training_gap", _("Key-post training hours short or certificate lapsing")
    EXPENSE_GAP = "expense_gap", _("Safety expense short or used outside its categories")
    INSURANCE_GAP = (
        "insurance_gap",
        _("Work-injury insurance, risk deposit or liability insurance gap"),
    )
    PARK_ASSESSMENT = (
        "park_assessment",
        _("Park risk assessment missing or overdue, or its measures overdue"),
    )
    DUTIES_MISSING = "duties_missing", _("No all-staff responsibility list")
    CRACKDOWN_REVISIT = "crackdown_revisit", _("Crackdown re-visit overdue")
    RECHECK_OVERDUE = "recheck_overdue", _("Order to rectify past its deadline without a re-check")
    INDICATOR_CONSUMPTION = (
        "indicator_consumption",
        _("Control indicator near its limit or breached"),
    )


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    LICENCE = "licence", _("Licence")
    CERTIFICATE = "certificate", _("Certificate")
    HAZARD = "hazard", _("Hidden danger")
    PARK = "park", _("Park")
    GRID = "grid", _("Grid cell")
    STOCK = "stock", _("Emergency stock")
    RESOURCE = "resource", _("Emergency resource")
    CASE = "case", _("Illegal-production case")
    INDICATOR = "indicator", _("Control indicator")


class KeyReason(models.TextChoices):
    """Why an enterprise is on the key units list (重点监管)."""

    RED_RISK = "red_risk", _("Red (major) risk")
    MAJOR_OPEN = "major_open", _("Open major hidden danger")
    OVERDUE = "overdue", _("Overdue hidden danger")
    ACCIDENT = "accident", _("Accident this year")
    LICENCE_EXPIRED = "licence_expired", _("Expired licence")
    NO_PLAN = "no_plan", _("No filed emergency plan in force")
    UNDRILLED = "undrilled", _("Emergency plan not drilled in time")
    TRAINING_GAP = "training_gap", _("Key-post staff short of training hours or certificate ended")
    EXPENSE_GAP = "expense_gap", EXPENSE_REASON_LABEL
    INSURANCE_GAP = "insurance_gap", INSURANCE_REASON_LABEL
