"""Responsibility lists (安全生产责任制): each enterprise's all-staff and per-post lists
(全员/岗位安全生产责任清单), drawn from templates per sector (versioned data an administrator
adds to) and acknowledged by each person named on them; each department's duty list
(党政同责、一岗双责). Nothing is deleted: a list is replaced by a newer one and retired.
Writes go through `services`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.duties.choices import ALL_SECTORS, Confidence, DutyKind, ListKind
from safeloop.enterprises.choices import Sector
from safeloop.enterprises.models import Enterprise, EnterpriseChild
from safeloop.orgs.models import Department
from safeloop.orgs.roles import ADMINS, ALL_ROLES, ENTERPRISE_STAFF, REGULATORS

TEMPLATE_EDITORS = frozenset(ADMINS)
SECTORS = [(ALL_SECTORS, _("Every sector")), *Sector.choices]


class DutyTemplate(AuditedModel):
    """The duties of one post (or of all staff) in one sector from a day on; a change is a
    new row with its own `effective_from` and source."""

    sector = models.CharField(_("sector"), max_length=20, choices=SECTORS, blank=True)
    kind = models.CharField(_("list"), max_length=10, choices=ListKind.choices)
    post = models.CharField(_("post"), max_length=50, blank=True)
    items = models.TextField(_("duties"), help_text=_("One duty per line."))
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty template")
        verbose_name_plural = _("duty templates")
        ordering = ["sector", "kind", "post", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "kind", "post", "effective_from"],
                name="duties_template_once_per_day",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.post}".strip()

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]

    @classmethod
    def in_force(cls, sector: str, day=None) -> dict[tuple[str, str], "DutyTemplate"]:
        """{(kind, post): template} for `sector` on `day`: the sector's own version, else
        the one of every sector."""
        day = day or timezone.localdate()
        found: dict[tuple[str, str], DutyTemplate] = {}
        rows = cls.objects.filter(effective_from__lte=day, sector__in=[sector, ALL_SECTORS])
        # the sector's own rows first, newest first
        for row in sorted(rows, key=lambda r: (r.sector != sector, -r.effective_from.toordinal())):
            found.setdefault((row.kind, row.post), row)
        return found


class ResponsibilityList(Versioned, EnterpriseChild):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="responsibility_lists",
    )
    kind = models.CharField(_("list"), max_length=10, choices=ListKind.choices)
    post = models.CharField(_("post"), max_length=50, blank=True)
    items = models.TextField(_("duties"))
    template = models.ForeignKey(
        DutyTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_on = models.DateField(_("issued on"))
    retired_at = models.DateTimeField(_("replaced at"), null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # The enterprise owns its lists (自辨自控): regulators and experts read them.
    scope_roles = {"view": ALL_ROLES, "change": ENTERPRISE_STAFF}

    class Meta:
        verbose_name = _("responsibility list")
        verbose_name_plural = _("responsibility lists")
        ordering = ["kind", "post", "-issued_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.post}".strip()

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class Signatory(AuditedModel):
    """A person a list binds, who acknowledges it: in the product when they hold an account,
    else on paper, recorded by the enterprise's staff."""

    rlist = models.ForeignKey(
        ResponsibilityList,
        verbose_name=_("responsibility list"),
        on_delete=models.PROTECT,
        related_name="signatories",
    )
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    post_name = models.CharField(_("post"), max_length=50, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, editable=False)
    on_paper = models.BooleanField(_("signed on paper"), default=False, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()
    scope_paths = {
        "region": "rlist__enterprise__region_code",
        "park": "rlist__enterprise__park_id",
        "grid": "rlist__enterprise__grid_id",
        "enterprise": "rlist__enterprise_id",
    }
    scope_roles = {"view": ALL_ROLES, "change": ENTERPRISE_STAFF}

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["id"]

    def __str__(self):
        return self.person_name

    @property
    def region_code(self) -> str:
        return self.rlist.enterprise.region_code


class DepartmentDuty(Versioned, AuditedModel):
    """One leader's safety duties in a department (党政同责、一岗双责)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("duty principle"), max_length=10, choices=DutyKind.choices)
    position = models.CharField(pgettext_lazy("post", "position"), max_length=50)
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    duties = models.TextField(_("duties"), help_text=_("One duty per line."))
    effective_from = models.DateField(_("effective from"))
    retired_at = models.DateTimeField(_("replaced at"), null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = {"region": "department__region_code", "park": "department__park_id"}
    scope_roles = {"view": REGULATORS, "change": ADMINS}

    class Meta:
        verbose_name = _("department duty list")
        verbose_name_plural = _("department duty lists")
        ordering = ["department__name", "position", "-effective_from", "-id"]

    def __str__(self):
        return f"{self.department} · {self.position} {self.person_name}"

    @property
    def region_code(self) -> str:
        return self.department.region_code

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.duties.splitlines() if line.strip()]
