from django.db import models
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel
from safeloop.core.scoping import ScopedManager
from safeloop.orgs.models import GridCell, Park, Region
from safeloop.orgs.roles import ALL_ROLES, ENTERPRISE_STAFF, REGULATORS


class Enterprise(AuditedModel):
    """One enterprise's file (一企一档): the leaf of the org tree that every record hangs off."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT)
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT
    )
    grid = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), null=True, blank=True, on_delete=models.PROTECT
    )

    objects = ScopedManager()
    scope_paths = {
        "region": "region_code",
        "park": "park_id",
        "grid": "grid_id",
        "enterprise": "id",
    }
    scope_roles = {"view": ALL_ROLES, "change": REGULATORS | ENTERPRISE_STAFF}

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)
