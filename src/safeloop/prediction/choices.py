from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.TextChoices):
    """What a model predicts of an enterprise's next inspection."""

    MAJOR = "major", _("Finds a major hidden danger")
    ANY = "any", _("Finds any hidden danger")
