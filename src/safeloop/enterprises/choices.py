"""The ledger's closed vocabularies. Labels are English source strings, translated to zh-Hans."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    EXPLOSIVES = "explosives", _("Civil explosives")
    METALLURGY = "metallurgy", _("Metallurgy")
    NONFERROUS = "nonferrous", _("Non-ferrous metals")
    BUILDING_MATERIALS = "building_materials", _("Building materials")
    MACHINERY = "machinery", _("Machinery")
    LIGHT_INDUSTRY = "light_industry", _("Light industry")
    TEXTILES = "textiles", _("Textiles")
    TOBACCO = "tobacco", _("Tobacco")
    COMMERCE = "commerce", _("Commerce and trade")
    OTHER = "other", _("Other")


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PARTIAL = "partial", _("Partial")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")


class Scale(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Status(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended for rectification")
    CLOSED = "closed", _("Closed")
    ELIMINATED = "eliminated", _("Eliminated")


class StandardGrade(models.TextChoices):
    NONE = "none", _("None")
    FIRST = "first", _("Grade 1")
    SECOND = "second", _("Grade 2")
    THIRD = "third", _("Grade 3")


class LicenceKind(models.TextChoices):
    SAFETY_PRODUCTION = "safety_production", _("Safety production licence")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals licence")
    OTHER = "other", _("Other licence")


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class CertificateType(models.TextChoices):
    ELECTRICIAN = "electrician", _("Electrical work")
    WELDING = "welding", _("Welding and thermal cutting")
    HEIGHT = "height", _("Work at height")
    REFRIGERATION = "refrigeration", _("Refrigeration and air conditioning")
    METALLURGY_GAS = "metallurgy_gas", _("Metallurgy (gas) work")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals process")
    EXPLOSIVES = "explosives", _("Civil explosives work")
    OTHER = "other", _("Other special operation")


class DocumentKind(models.TextChoices):
    LICENCE_SCAN = "licence_scan", _("Licence scan")
    EMERGENCY_PLAN = "emergency_plan", _("Emergency plan")
    SAFETY_RULES = "safety_rules", _("Safety rules")
    OTHER = "other", _("Other document")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


# The key risk features: model field name → label. They drive checklists later.
RISK_FEATURES = {
    "dust_explosion": _("Combustible dust"),
    "ammonia_refrigeration": _("Ammonia refrigeration"),
    "confined_space": _("Confined-space work"),
    "metal_smelting": _("Metal smelting"),
    "major_hazard": _("Major hazard installation"),
    "hazardous_chemicals": _("Uses hazardous chemicals"),
    "explosives_production": _("Civil explosives production or storage"),
}
