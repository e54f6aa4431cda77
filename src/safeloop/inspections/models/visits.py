"""Visits: one inspector at one enterprise, its results per checklist item, their photos.

A result keeps the exact criterion revision and the item's wording as answered, so a later
revision of the criteria never rewrites what was found.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.photos import UploadedPhoto
from safeloop.core.scoping import ScopedQuerySet
from safeloop.enterprises.models import Enterprise
from safeloop.inspections.choices import Outcome, PlanKind, VisitState
from safeloop.inspections.models.checklists import ChecklistItem
from safeloop.inspections.models.criteria import Criterion
from safeloop.inspections.models.plans import PLANNERS, Plan
from safeloop.orgs.roles import ENTERPRISE_STAFF, REGULATORS, Role

THROUGH_ENTERPRISE = {
    "region": "region_code",
    "park": "enterprise__park_id",
    "grid": "enterprise__grid_id",
    "enterprise": "enterprise_id",
}
ENTERPRISE_SIDE = ENTERPRISE_STAFF | {Role.EXPERT}


class VisitQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view", *, roles=None):
        """Regulators see visits in their scope. The enterprise side (its staff and expert)
        sees only submitted ones: a planned or unannounced visit is not announced to it;
        the visits of its own self-inspection plan it sees from the start."""
        if action != "view":
            return super().for_user(user, action, roles=roles)
        regulators = REGULATORS if roles is None else REGULATORS & set(roles)
        base = super().for_user(user, action, roles=regulators)
        side = ENTERPRISE_SIDE if roles is None else ENTERPRISE_SIDE & set(roles)
        enterprise = (
            super()
            .for_user(user, action, roles=side)
            .filter(Q(state=VisitState.SUBMITTED) | Q(plan__kind=PlanKind.SELF))
        )
        return base | enterprise


class Visit(AuditedModel, Versioned):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="visits"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="inspection_visits",
    )
    scheduled_on = models.DateField(_("scheduled on"), db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=VisitState.choices, default=VisitState.ASSIGNED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submission_key = models.CharField(max_length=100, blank=True, editable=False)
    summary = models.TextField(_("summary"), blank=True)
    representative = models.CharField(_("enterprise representative"), max_length=50, blank=True)
    inspector_signature = models.BinaryField(_("inspector's signature (PNG)"), null=True)
    representative_signature = models.BinaryField(_("representative's signature (PNG)"), null=True)
    record_pdf = models.BinaryField(_("inspection record (PDF)"), null=True)

    objects = VisitQuerySet.as_manager()
    scope_paths = THROUGH_ENTERPRISE
    scope_roles = {
        "view": REGULATORS | ENTERPRISE_SIDE,
        "change": PLANNERS,
        # doing the visit: its assigned inspector (a regulator, or the enterprise's own
        # staff for a self-inspection)
        "do": REGULATORS | ENTERPRISE_STAFF,
    }
    audit_exclude = frozenset({"inspector_signature", "representative_signature", "record_pdf"})

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["scheduled_on", "id"]
        indexes = [
            models.Index(fields=["enterprise", "state"]),
            models.Index(fields=["inspector", "state", "scheduled_on"]),
            models.Index(fields=["region_code", "state", "scheduled_on"]),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.scheduled_on}"

    @staticmethod
    def picker_search(queryset, text: str):
        """The picker's search of a long list: the enterprise's name, pinyin initials or
        code (core.widgets.SearchableSelect)."""
        return queryset.filter(Enterprise.picked_by(text))

    def save(self, *args, **kwargs):
        if not self.region_code:
            self.region_code = self.enterprise.region_code
        super().save(*args, **kwargs)


class VisitResult(models.Model):
    """One answered item. Written once, by the submission, never edited."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="results")
    checklist_item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("criterion (exact revision)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="results",
    )
    item_text = models.TextField(_("item as answered"))
    basis = models.CharField(_("basis"), max_length=270, blank=True)
    is_major = models.BooleanField(_("major if failed"), default=False)
    outcome = models.CharField(_("outcome"), max_length=4, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hidden danger"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["visit", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "checklist_item"], name="result_once"),
        ]

    def __str__(self):
        return f"{self.visit_id} {self.outcome} {self.item_text[:30]}"

    @property
    def region_code(self) -> str:
        return self.visit.region_code


class VisitPhoto(UploadedPhoto):
    """A photo of one result (see core.photos)."""

    upload_dir = "inspections"
    result = models.ForeignKey(VisitResult, on_delete=models.PROTECT, related_name="photos")

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["id"]

    def __str__(self):
        return self.sha256[:8]

    @property
    def region_code(self) -> str:
        return self.result.visit.region_code
