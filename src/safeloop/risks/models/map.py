"""The four-colour map's points, derived: one narrow row per live enterprise that has
coordinates, with what colours, filters and scopes it. Written only by triggers on the
enterprise and risk-profile tables (migration 0006), so it follows every write, the ORM's
and bulk SQL's alike; the map payload reads it instead of joining 100,000 enterprises to
their profiles and formatting their coordinates on each request."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from safeloop.core.scoping import ScopedManager
from safeloop.enterprises.models import Enterprise


class MapPoint(models.Model):
    enterprise = models.OneToOneField(
        Enterprise,
        verbose_name=_("enterprise"),
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the triggers remove the row
        db_constraint=False,
        related_name="+",
    )
    # The enterprise's scope columns, copied so that `for_user` filters this table alone.
    region_code = models.CharField(max_length=6)
    park_id = models.BigIntegerField(null=True)
    grid_id = models.BigIntegerField(null=True)
    sector = models.CharField(max_length=32)
    level = models.SmallIntegerField()  # index into selectors.LEVEL_CODES
    major_hazard = models.BooleanField()
    point = models.TextField()  # "id,latitude×1e5,longitude×1e5", as the payload carries it

    objects = ScopedManager()
    scope_paths = {
        "region": "region_code",
        "park": "park_id",
        "grid": "grid_id",
        "enterprise": "enterprise_id",
    }
    scope_roles = {"view": Enterprise.scope_roles["view"]}

    class Meta:
        verbose_name = _("map point")
        verbose_name_plural = _("map points")

    def __str__(self):
        return self.point
