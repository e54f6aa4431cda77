from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    VERIFYING = "verifying", _("Being verified")
    DISPOSING = "disposing", _("Being dealt with")
    TRACKING = "tracking", _("Follow-up")
    CLOSED = "closed", _("Case closed")
    NOT_FILED = "not_filed", _("Not filed")


OPEN_CASE_STATES = (
    CaseState.REGISTERED,
    CaseState.VERIFYING,
    CaseState.DISPOSING,
    CaseState.TRACKING,
)


class Source(models.TextChoices):
    PUBLIC_REPORT = "public_report", _("Public report")
    INSPECTION = "inspection", _("Inspection")
    HIDDEN_DANGER = "hidden_danger", _("Hidden danger")
    REFERRAL = "referral", _("Referral from another department")
    PATROL = "patrol", _("Patrol")


class ActionKind(models.TextChoices):
    BAN = "ban", _("Ban")
    SHUT = "shut", _("Close down")
    FINE = "fine", _("Fine")
    TRANSFER = "transfer", _("Transfer to another authority")


# The actions that stop a site: a closed site is re-visited until it is confirmed to stay closed.
STOPPING_ACTIONS = (ActionKind.BAN, ActionKind.SHUT)


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")
