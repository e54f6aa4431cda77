"""The monthly bulletin (逐月通报) of a county or of the city: one row per (region, month)
with the figures as they were computed and the Excel and PDF files made from them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel
from safeloop.core.scoping import ScopedManager
from safeloop.orgs.models import Region
from safeloop.orgs.roles import Role

# Bulletins are the regulators' documents: region-level roles read and regenerate them.
BULLETIN_READERS = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.CITY_ADMIN,
        Role.CITY_INSPECTOR,
        Role.COUNTY_ADMIN,
        Role.COUNTY_INSPECTOR,
    }
)


def bulletin_path(instance, filename):
    return f"bulletins/{instance.region_code}/{filename}"


class Bulletin(AuditedModel):
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False)
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    number = models.CharField(_("issue number"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    figures = models.JSONField(_("figures"), default=dict)
    xlsx = models.FileField(_("Excel file"), upload_to=bulletin_path, max_length=200)
    pdf = models.FileField(_("PDF file"), upload_to=bulletin_path, max_length=200)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generations = models.PositiveIntegerField(_("times generated"), default=0)

    objects = ScopedManager()
    scope_paths = {"region": "region_code"}
    scope_roles = {"view": BULLETIN_READERS, "change": BULLETIN_READERS}
    audit_exclude = frozenset({"figures"})

    class Meta:
        verbose_name = _("monthly bulletin")
        verbose_name_plural = _("monthly bulletins")
        ordering = ["-month", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="bulletins_once_per_month")
        ]

    def __str__(self):
        return self.title
