from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    PENDING = "pending", _("Pending review")  # 待核实
    RECTIFYING = "rectifying", _("Rectifying")  # 整改中
    AWAITING = "awaiting", _("Awaiting acceptance")  # 待验收
    CLOSED = "closed", pgettext_lazy("hazard state", "Closed")  # 已销号 (not the ledger's 关闭)
    VOIDED = "voided", _("Voided")  # 已撤销


OPEN_STATES = (State.PENDING, State.RECTIFYING, State.AWAITING)


class Level(models.TextChoices):
    GENERAL = "general", _("General")  # 一般事故隐患 (dangerLevel 0)
    MAJOR = "major", _("Major")  # 重大事故隐患 (dangerLevel 1)


class Source(models.TextChoices):
    """The national interface's dangerSrc codes 1–10, plus enforcement and public reports."""

    DAILY = "1", _("Daily inspection")
    COMPREHENSIVE = "2", _("Comprehensive inspection")
    PROFESSIONAL = "3", _("Professional inspection")
    SEASONAL = "4", _("Seasonal inspection")
    HOLIDAY = "5", _("Before key periods and holidays")
    ACCIDENT_ANALOGY = "6", _("Accident analogy")
    RESUMPTION = "7", _("Before resuming production")
    EXPERT = "8", _("External expert diagnosis")
    CONTROL_FAILURE = "9", _("Control measure failure")
    OTHER = "10", _("Other")
    ENFORCEMENT = "enforcement", _("Enforcement inspection")
    PUBLIC_REPORT = "report", _("Public report")


class Category(models.TextChoices):
    """The national interface's hazardDangerType codes 1–8."""

    SAFETY = "1", _("Safety")
    PROCESS = "2", _("Process")
    ELECTRICAL = "3", _("Electrical")
    INSTRUMENT = "4", _("Instrumentation")
    FIRE = "5", _("Fire protection")
    LAYOUT = "6", _("General layout")
    EQUIPMENT = "7", _("Equipment")
    OTHER = "8", _("Other")


class ListingLevel(models.TextChoices):
    COUNTY = "county", _("County")
    CITY = "city", _("City")


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
