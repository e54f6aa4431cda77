from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting review")
    DUPLICATE = "duplicate", _("Linked to an earlier report")
    ACCEPTED = "accepted", _("Accepted as a hidden danger")
    REJECTED = "rejected", _("Not accepted")
    CONFIRMED = "confirmed", _("Fix confirmed by the reporter")
    # Turned into a case of the crackdown on illegal production (safeloop.crackdown); the
    # reporter sees that it is handled, never the case itself.
    REFERRED = "referred", _("Being handled as illegal production")
    HANDLED = "handled", _("Checked and handled")


class PhotoStage(models.TextChoices):
    REPORT = "report", _("With the report")
    NOT_FIXED = "not_fixed", _("Not fixed")


class RewardState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting approval")
    APPROVED = "approved", _("Approved, awaiting payment")
    REFUSED = "refused", _("Not granted")
    PAID = "paid", _("Paid")


class ArticleKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    KNOWLEDGE = "knowledge", _("Safety knowledge")
    CASE = "case", _("Typical accident case")
    LAW = "law", _("Laws and regulations")


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
