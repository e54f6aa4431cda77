from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class CommandPost(models.TextChoices):
    COMMANDER = "commander", _("Commander in chief")
    DEPUTY = "deputy", _("Deputy commander")
    GROUP = "group", _("Working group lead")
    MEMBER = "member", _("Member")
    LIAISON = "liaison", _("Liaison")


class IncidentState(models.TextChoices):
    OPEN = "open", _("Under command")
    CLOSED = "closed", pgettext_lazy("incident state", "Closed")


class TaskState(models.TextChoices):
    DISPATCHED = "dispatched", _("Dispatched")
    EN_ROUTE = "en_route", _("En route")
    ON_SCENE = "on_scene", _("On scene")
    RELEASED = "released", _("Released")


class EntryKind(models.TextChoices):
    REPORT = "report", pgettext_lazy("emergency move", "Report")
    DECISION = "decision", _("Decision")
    MESSAGE = "message", _("Message")
    ESCALATION = "escalation", _("Escalation")
    HANDOVER = "handover", _("Hand-over")
    ROSTER = "roster", _("Command roster")
    DISPATCH = "dispatch", _("Dispatch")
    CLOSE = "close", _("Close")


class PlanKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive plan")
    SPECIAL = "special", _("Special plan")
    ONSITE = "onsite", _("On-site disposal plan")


class PlanState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned for revision")
    FILED = "filed", _("Filed")


class DrillForm(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop exercise")
    LIVE = "live", _("Live drill")


class DrillState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    EVALUATED = "evaluated", _("Evaluated")
    CANCELLED = "cancelled", _("Cancelled")


class DutyPost(models.TextChoices):
    LEADER = "leader", _("Leader on duty")
    OFFICER = "officer", _("Duty officer")


class DutyEntryKind(models.TextChoices):
    CALL = "call", _("Call received")
    REPORT = "report", pgettext_lazy("emergency move", "Report")
    INSTRUCTION = "instruction", _("Instruction")
    HANDOVER = "handover", _("Shift hand-over")
    INCIDENT = "incident", _("Incident")
