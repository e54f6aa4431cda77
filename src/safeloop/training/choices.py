from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Post(models.TextChoices):
    """三项岗位人员 and everyone else."""

    PRINCIPAL = "principal", _("Principal")
    SAFETY_MANAGER = "safety_manager", _("Safety manager")
    SPECIAL_OPERATOR = "special_operator", _("Special-operation worker")
    OTHER = "other", _("Other staff")


STATUTORY_POSTS = (Post.PRINCIPAL, Post.SAFETY_MANAGER, Post.SPECIAL_OPERATOR)


class Kind(models.TextChoices):
    INITIAL = "initial", _("Initial training")
    REFRESHER = "refresher", _("Annual refresher")
    OTHER = "other", _("Other training")


class ExamResult(models.TextChoices):
    NONE = "none", _("No exam")
    PASSED = "passed", _("Passed")
    FAILED = "failed", pgettext_lazy("exam result", "Failed")


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PARTIAL = "partial", _("Partly confirmed")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")
