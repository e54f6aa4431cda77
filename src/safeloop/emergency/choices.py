from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    TEAM = "team", _("Rescue team")
    EXPERT = "expert", _("Emergency expert")
    WAREHOUSE = "warehouse", _("Material warehouse")
    VEHICLE = "vehicle", _("Vehicle")
    COMMS = "comms", _("Communication means")


class TeamKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    ENTERPRISE = "enterprise", _("Enterprise")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Deployed")
    UNAVAILABLE = "unavailable", _("Unavailable")


class Level(models.TextChoices):
    COUNTY = "county", _("County level")
    CITY = "city", _("City level")


class IncidentState(models.TextChoices):
    OPEN = "open", _("Under command")
    CLOSED = "closed", _("Closed")


class TaskState(models.TextChoices):
    DISPATCHED = "dispatched", _("Dispatched")
    EN_ROUTE = "en_route", _("En route")
    ON_SCENE = "on_scene", _("On scene")
    RELEASED = "released", _("Released")


class EntryKind(models.TextChoices):
    REPORT = "report", _("Report")
    DECISION = "decision", _("Decision")
    MESSAGE = "message", _("Message")
    ESCALATION = "escalation", _("Escalation")
    HANDOVER = "handover", _("Hand-over")
    DISPATCH = "dispatch", _("Dispatch")
    CLOSE = "close", _("Close")
