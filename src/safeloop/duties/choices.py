from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    ALL_STAFF = "all_staff", _("All-staff responsibility list")  # 全员安全生产责任清单
    POST = "post", _("Post responsibility list")  # 岗位安全生产责任清单


class DutyKind(models.TextChoices):
    PARTY_GOVERNMENT = "party_gov", _("Party and government share the duty")  # 党政同责
    DUAL = "dual", _("One post, two duties")  # 一岗双责


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")


# "" in a template's sector: the template of every sector without its own.
ALL_SECTORS = ""
