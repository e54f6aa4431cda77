"""Summary tables for the dashboards, kept exact by database triggers (sql.py).

Each tally is a pair: the folded summary (one row per key) and an append-only table of signed
changes that the triggers write. Writers only ever INSERT changes, so concurrent hazard moves
never wait on one hot summary row; a periodic job folds the changes into the summary. A read
adds both, in one statement, so the figures are exact at every moment.

The tallies are scoped like the rows they count (region code, park); "no park" is park 0 so
that the key has no NULLs. Grid cells and single enterprises are not keys: those scopes are
small and read the base tables (selectors.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from safeloop.core.scoping import ScopedManager
from safeloop.orgs.roles import REGULATORS

AREA_PATHS = {"region": "region_code", "park": "park_id"}


class Tally(models.Model):
    region_code = models.CharField(_("region code"), max_length=6)
    park_id = models.IntegerField(_("park"), default=0)

    objects = ScopedManager()
    scope_paths = AREA_PATHS
    scope_roles = {"view": REGULATORS, "change": frozenset()}

    class Meta:
        abstract = True

    def __str__(self):
        return " · ".join(str(getattr(self, name)) for name in self.KEY)


class HazardCountKey(Tally):
    sector = models.CharField(_("sector"), max_length=20)
    level = models.CharField(_("level"), max_length=8)
    state = models.CharField(_("state"), max_length=12)
    n = models.BigIntegerField(default=0)

    KEY = ("region_code", "park_id", "sector", "level", "state")
    MEASURES = ("n",)

    class Meta:
        abstract = True


class HazardCount(HazardCountKey):
    """Hidden dangers per region, park, enterprise sector, level and current state."""

    class Meta:
        verbose_name = _("hidden dangers by state (summary)")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=HazardCountKey.KEY, name="dash_hazardcount_key")
        ]


class HazardCountChange(HazardCountKey):
    class Meta:
        verbose_name = _("hidden dangers by state (unfolded change)")
        verbose_name_plural = verbose_name


class HazardMonthKey(Tally):
    FOUND, CLOSED = "found", "closed"

    level = models.CharField(_("level"), max_length=8)
    month = models.DateField(_("month"))
    kind = models.CharField(_("kind"), max_length=6)  # found (not voided) | closed (accepted)
    n = models.BigIntegerField(default=0)

    KEY = ("region_code", "park_id", "level", "month", "kind")
    MEASURES = ("n",)

    class Meta:
        abstract = True


class HazardMonth(HazardMonthKey):
    """Hidden dangers found per month (all but voided) and closed per month (by acceptance)."""

    class Meta:
        verbose_name = _("hidden dangers by month (summary)")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=HazardMonthKey.KEY, name="dash_hazardmonth_key")
        ]


class HazardMonthChange(HazardMonthKey):
    class Meta:
        verbose_name = _("hidden dangers by month (unfolded change)")
        verbose_name_plural = verbose_name


class HazardDueKey(Tally):
    level = models.CharField(_("level"), max_length=8)
    deadline = models.DateField(_("deadline"))
    n = models.BigIntegerField(default=0)

    KEY = ("region_code", "park_id", "level", "deadline")
    MEASURES = ("n",)

    class Meta:
        abstract = True


class HazardDue(HazardDueKey):
    """Open hidden dangers per region, park, level and deadline: what is overdue today, and
    by how long, is read from a few thousand rows (one per deadline) instead of from every
    open hidden danger."""

    class Meta:
        verbose_name = _("open hidden dangers by deadline (summary)")
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=HazardDueKey.KEY, name="dash_hazarddue_key")]


class HazardDueChange(HazardDueKey):
    class Meta:
        verbose_name = _("open hidden dangers by deadline (unfolded change)")
        verbose_name_plural = verbose_name


class RiskTallyKey(Tally):
    sector = models.CharField(_("sector"), max_length=20)
    level = models.CharField(_("risk level"), max_length=8)  # "" = not graded
    enterprises = models.BigIntegerField(default=0)
    red = models.BigIntegerField(default=0)
    orange = models.BigIntegerField(default=0)
    yellow = models.BigIntegerField(default=0)
    blue = models.BigIntegerField(default=0)
    unassessed = models.BigIntegerField(default=0)

    KEY = ("region_code", "park_id", "sector", "level")
    MEASURES = ("enterprises", "red", "orange", "yellow", "blue", "unassessed")

    class Meta:
        abstract = True


class RiskTally(RiskTallyKey):
    """Live enterprises per risk level, with their risk points per colour (from the
    enterprise risk profiles the risk services keep)."""

    class Meta:
        verbose_name = _("enterprises by risk level (summary)")
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=RiskTallyKey.KEY, name="dash_risktally_key")]


class RiskTallyChange(RiskTallyKey):
    class Meta:
        verbose_name = _("enterprises by risk level (unfolded change)")
        verbose_name_plural = verbose_name


# (summary, changes) pairs, in the order the fold job and the check command visit them.
TALLIES = [
    (HazardCount, HazardCountChange),
    (HazardMonth, HazardMonthChange),
    (HazardDue, HazardDueChange),
    (RiskTally, RiskTallyChange),
]
