from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    """Whose credit a record keeps: the enterprise, or one of its responsible people as the
    enterprise ledger names them."""

    ENTERPRISE = "enterprise", _("Enterprise")
    PRINCIPAL = "principal", _("Principal")
    SAFETY_MANAGER = "safety_manager", _("Safety manager")


class EventKind(models.TextChoices):
    """What happened. Points and validity of each kind are data (CreditRule)."""

    HAZARD_OVERDUE = "hazard_overdue", _("Hidden danger not rectified by its deadline")
    HAZARD_RETURNED = "hazard_returned", _("Rectification refused at acceptance")
    HAZARD_ON_TIME = "hazard_on_time", _("Hidden danger closed on time")
    ACCIDENT_GENERAL = "accident_general", _("General accident")
    ACCIDENT_SERIOUS = "accident_serious", _("Serious accident (较大)")
    ACCIDENT_MAJOR = "accident_major", _("Major accident (重大)")
    ACCIDENT_EXTRAORDINARY = "accident_extraordinary", _("Extraordinarily serious accident")
    LATE_REPORT = "late_report", _("Accident reported late")
    FALSE_REPORT = "false_report", _("Accident concealed or falsely reported")
    SANCTION = "sanction", _("Sanction (accountability before accidents)")
    PENALTY_DECISION = "penalty_decision", _("Administrative penalty decision")
    PENALTY_MULTIPLE = "penalty_multiple", _("Fined two to five times (Work Safety Law Art. 114)")
    UNLICENSED = "unlicensed", _("Operating without a required licence")
    LICENCE_LAPSED = "licence_lapsed", _("Licence lapsed")
    STANDARD_FIRST = "standard_first", _("Standardisation grade 1")
    STANDARD_SECOND = "standard_second", _("Standardisation grade 2")
    STANDARD_THIRD = "standard_third", _("Standardisation grade 3")
    CLEAN_INSPECTION = "clean_inspection", _("Inspection without findings")


# The kinds another app reports through services.record_event (enforcement, manual entry).
RECORDED_KINDS = (
    EventKind.SANCTION,
    EventKind.PENALTY_DECISION,
    EventKind.PENALTY_MULTIPLE,
    EventKind.UNLICENSED,
)


class Grade(models.TextChoices):
    A = "A", _("A (trustworthy)")
    B = "B", _("B (basically trustworthy)")
    C = "C", _("C (untrustworthy)")
    D = "D", _("D (seriously untrustworthy)")


class Trigger(models.TextChoices):
    """Inclusion grounds of the serious-dishonesty list (应急管理部令第11号)."""

    MAJOR_ACCIDENT = "major_accident", _("A major or extraordinarily serious accident")
    SERIOUS_ACCIDENTS = "serious_accidents", _("Two or more serious accidents within the window")
    CONCEALMENT = "concealment", _("An accident concealed or falsely reported")
    PENALTY_MULTIPLE = "penalty_multiple", _("Fined two to five times (Work Safety Law Art. 114)")
    UNLICENSED = "unlicensed", _("Operating without a required licence")


class ListingState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    NOTIFIED = "notified", _("Party notified")
    LISTED = "listed", _("Decided: listed")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not listed")
    REMOVED = "removed", _("Removed at the end of the period")
    REPAIRED = "repaired", _("Removed after credit repair")


CURRENT_LISTING = (ListingState.LISTED, ListingState.PUBLISHED)
OPEN_LISTING = (ListingState.PROPOSED, ListingState.NOTIFIED, *CURRENT_LISTING)


class RepairState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked (obtained by fraud)")
