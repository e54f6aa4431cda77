"""The inspection vocabularies. Labels are English source strings, translated to zh-Hans."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Area(models.TextChoices):
    """Where a criterion applies: the management articles, one sector, or a special area."""

    MANAGEMENT = "management", _("Management (all enterprises)")
    METALLURGY = "metallurgy", _("Metallurgy")
    NONFERROUS = "nonferrous", _("Non-ferrous metals")
    BUILDING_MATERIALS = "building_materials", _("Building materials")
    MACHINERY = "machinery", _("Machinery")
    LIGHT_INDUSTRY = "light_industry", _("Light industry")
    TEXTILES = "textiles", _("Textiles")
    TOBACCO = "tobacco", _("Tobacco")
    COMMERCE = "commerce", _("Commerce and trade")
    DUST_EXPLOSION = "dust_explosion", _("Dust explosion")
    AMMONIA_REFRIGERATION = "ammonia_refrigeration", _("Ammonia refrigeration")
    CONFINED_SPACE = "confined_space", _("Confined space")
    EXPLOSIVES = "explosives", _("Civil explosives")


class ChecklistKind(models.TextChoices):
    OFFICIAL = "official", _("Official criteria")
    SECTOR = "sector", _("Per sector")
    FEATURE = "feature", _("Per risk feature")
    GENERAL = "general", _("General")
    CUSTOM = "custom", _("Custom")


class PlanKind(models.TextChoices):
    """The notice's kinds of inspection (三(三)2) and the enterprise's own plan."""

    COMPREHENSIVE = "comprehensive", _("Comprehensive inspection (quarterly)")
    PATROL_PERIODIC = "patrol_periodic", _("Special patrol: periodic")
    PATROL_TIMELY = "patrol_timely", _("Special patrol: timely")
    PATROL_DYNAMIC = "patrol_dynamic", _("Special patrol: dynamic")
    UNANNOUNCED = "unannounced", _("Unannounced visit (四不两直)")
    SELF = "self", _("Enterprise self-inspection plan")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", pgettext_lazy("plan state", "Closed")


class VisitState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Submitted")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", pgettext_lazy("checklist result", "Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class Reason(models.TextChoices):
    """Why targeting chose an enterprise; several may apply at once."""

    FREQUENCY = "frequency", _("Due by its risk level's frequency")
    CREDIT = "credit", _("Visited more often for its low credit grade")
    ACCIDENT = "accident", _("Had an accident this year")
    OVERDUE_HAZARD = "overdue_hazard", _("Has overdue hidden dangers")
    EXPIRED_LICENCE = "expired_licence", _("Has an expired licence")
    COVERAGE = "coverage", _("Not yet visited in this cycle")
    PREDICTION = "prediction", _("Ranked high by the prediction model")
    MANUAL = "manual", _("Added by hand")
