from django.db import models
from django.utils.translation import gettext_lazy as _


class RelationKind(models.TextChoices):
    """How an expert is tied to an enterprise. Every kind excludes the expert from advising
    that enterprise (conflict of interest)."""

    EMPLOYED = "employed", _("Employed there")
    FORMER_EMPLOYEE = "former_employee", _("Formerly employed there (within three years)")
    SHAREHOLDER = "shareholder", _("Shareholder or investor")
    RELATIVE = "relative", _("Close relative works there in a senior or safety post")
    PAID_SERVICE = "paid_service", _("Paid consulting or service for it")
    OTHER = "other", _("Other interest")


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PARTIAL = "partial", _("Partly confirmed")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")


class ItemKind(models.TextChoices):
    PROCESS = "process", _("Process")
    EQUIPMENT = "equipment", _("Equipment")


class EntryAction(models.TextChoices):
    """What the catalogue says of the entry."""

    ELIMINATE = "eliminate", _("Eliminated (may not be used)")
    PROHIBIT = "prohibit", _("Prohibited in new projects")


class EliminationState(models.TextChoices):
    LISTED = "listed", _("Listed for elimination")
    REPORTED = "reported", _("Reported as eliminated")
    VERIFIED = "verified", _("Elimination verified")


class CancellationState(models.TextChoices):
    PROPOSED = "proposed", _("Cancellation proposed")
    NOTIFIED = "notified", _("Enterprise notified")
    CANCELLED = "cancelled", _("Licence cancelled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StopState(models.TextChoices):
    ORDERED = "ordered", _("Stopped for rectification")
    APPLIED = "applied", _("Resumption applied for")
    INSPECTED = "inspected", _("Inspected, awaiting approval")
    RESUMED = "resumed", _("Resumption approved")


class StopScope(models.TextChoices):
    WHOLE = "whole", _("Whole enterprise")
    PART = "part", _("Part of the production")
