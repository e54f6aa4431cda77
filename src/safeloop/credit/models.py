"""Credit: a record per enterprise and per responsible person, the events that move it (each
with its points and validity from the rule of its day), the scheme that turns points into a
score and a grade, and the serious-dishonesty list with its repairs.
Writes go through `services`; the full recompute is one set-based pass (`scoring`)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.credit.choices import (
    EventKind,
    Grade,
    ListingState,
    RepairState,
    Subject,
    Trigger,
)
from safeloop.enterprises.models import Enterprise, EnterpriseChild, SafetyManager
from safeloop.orgs.roles import ADMINS, ENTERPRISE_STAFF, REGULATORS, Role

# Who edits points, bands and list periods: the city's (and the system's) administrators.
RULE_EDITORS = frozenset(ADMINS)
# The deciding departments: county and city bureaus (not park officers or grid inspectors).
DECIDERS = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.CITY_ADMIN,
        Role.CITY_INSPECTOR,
        Role.COUNTY_ADMIN,
        Role.COUNTY_INSPECTOR,
    }
)
CREDIT_VIEWERS = REGULATORS | ENTERPRISE_STAFF


class CreditRule(AuditedModel):
    """The points and validity of one kind of event from a day on. A change is a new row:
    an event keeps the rule it was scored by."""

    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    points = models.SmallIntegerField(
        _("points"), validators=[MinValueValidator(-100), MaxValueValidator(100)]
    )
    validity_months = models.PositiveSmallIntegerField(
        _("counts for (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    charge_persons = models.BooleanField(
        _("also counted against the principal and safety managers"), default=False
    )
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit rule")
        verbose_name_plural = _("credit rules")
        ordering = ["kind", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="credit_rule_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points:+d}"

    @classmethod
    def in_force(cls, day=None) -> dict[str, "CreditRule"]:
        """{kind: the rule in force on `day`}."""
        day = day or timezone.localdate()
        found: dict[str, CreditRule] = {}
        for rule in cls.objects.filter(effective_from__lte=day).order_by(
            "kind", "-effective_from", "-id"
        ):
            found.setdefault(rule.kind, rule)
        return found


class CreditScheme(AuditedModel):
    """The base score and the lowest score of each grade, from a day on; below C is D."""

    base_score = models.PositiveSmallIntegerField(
        _("base score"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    a_min = models.PositiveSmallIntegerField(_("lowest score of grade A"))
    b_min = models.PositiveSmallIntegerField(_("lowest score of grade B"))
    c_min = models.PositiveSmallIntegerField(_("lowest score of grade C"))
    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit scheme")
        verbose_name_plural = _("credit schemes")
        ordering = ["-effective_from", "-id"]

    def __str__(self):
        return f"{self.effective_from} {self.base_score}"

    @classmethod
    def current(cls, day=None) -> "CreditScheme":
        day = day or timezone.localdate()
        found = cls.objects.filter(effective_from__lte=day).first()
        return found or cls(base_score=100, a_min=90, b_min=75, c_min=60, source="")

    def grade_for(self, score: int) -> str:
        if score >= self.a_min:
            return Grade.A
        if score >= self.b_min:
            return Grade.B
        if score >= self.c_min:
            return Grade.C
        return Grade.D


class ListingPolicy(AuditedModel):
    """The serious-dishonesty list's periods and trigger thresholds, from a day on."""

    period_years = models.PositiveSmallIntegerField(
        _("listed for (years)"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    repair_after_months = models.PositiveSmallIntegerField(
        _("repair may be applied for after (months)"), validators=[MaxValueValidator(120)]
    )
    objection_days = models.PositiveSmallIntegerField(
        _("objection period (days)"), validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    serious_count = models.PositiveSmallIntegerField(
        _("serious accidents that trigger inclusion"),
        validators=[MinValueValidator(2), MaxValueValidator(20)],
    )
    serious_window_months = models.PositiveSmallIntegerField(
        _("within (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("list policy")
        verbose_name_plural = _("list policies")
        ordering = ["-effective_from", "-id"]

    def __str__(self):
        return f"{self.effective_from}"

    @classmethod
    def current(cls, day=None) -> "ListingPolicy":
        day = day or timezone.localdate()
        found = cls.objects.filter(effective_from__lte=day).first()
        return found or cls(
            period_years=3,
            repair_after_months=12,
            objection_days=5,
            serious_count=2,
            serious_window_months=12,
            source="",
        )


class CreditChild(EnterpriseChild):
    scope_roles = {"view": CREDIT_VIEWERS, "change": DECIDERS}

    class Meta:
        abstract = True


class CreditRecord(CreditChild):
    """One subject's credit: the enterprise (key "e"), its principal ("p") or one safety
    manager ("m<id>"). Score and grade are derived from the live events only."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    key = models.CharField(max_length=24, editable=False)
    safety_manager = models.ForeignKey(
        SafetyManager,
        verbose_name=_("safety manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    score = models.IntegerField(_("score"), default=0)
    grade = models.CharField(
        pgettext_lazy("credit", "grade"), max_length=1, choices=Grade.choices, default=Grade.A
    )
    live_events = models.PositiveIntegerField(_("events counted"), default=0)
    computed_at = models.DateTimeField(_("computed at"), null=True)

    audit_exclude = frozenset({"score", "grade", "live_events", "computed_at"})

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "key"], name="credit_record_once")
        ]
        indexes = [models.Index(fields=["grade", "subject"], name="credit_record_grade")]

    def __str__(self):
        return f"{self.name} {self.grade}"


class CreditEvent(CreditChild):
    """One event on one record, with the points and validity it was given. Derived events
    name their source row; a wrong event is voided (with a reason), never deleted."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        CreditRecord, verbose_name=_("record"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    rule = models.ForeignKey(
        CreditRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.SmallIntegerField(_("points"))
    occurred_on = models.DateField(_("occurred on"))
    valid_until = models.DateField(_("counts until"))
    source = models.CharField(_("source"), max_length=40)
    source_id = models.BigIntegerField(_("source record"))
    summary = models.CharField(pgettext_lazy("digest", "summary"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "kind", "source", "source_id"], name="credit_event_once"
            )
        ]
        indexes = [
            models.Index(fields=["record", "valid_until"], name="credit_event_live"),
            models.Index(fields=["enterprise", "occurred_on"], name="credit_event_ent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points:+d}"

    @property
    def live(self) -> bool:
        return self.voided_at is None and self.valid_until > timezone.localdate()


class Listing(Versioned, CreditChild):
    """One inclusion of an enterprise in the serious-dishonesty list: the trigger that
    proposed it, the notice and objection period, the decision, publication and the end."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    trigger = models.CharField(_("ground"), max_length=20, choices=Trigger.choices)
    source = models.CharField(_("source"), max_length=40)
    source_id = models.BigIntegerField(_("source record"))
    facts = models.TextField(_("facts"))
    state = models.CharField(
        _("state"), max_length=10, choices=ListingState.choices, editable=False
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    notified_on = models.DateField(_("notice served on"), null=True, editable=False)
    objection_until = models.DateField(_("objections until"), null=True, editable=False)
    objection = models.TextField(_("objection"), blank=True, editable=False)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True)
    published_on = models.DateField(_("published on"), null=True, editable=False)
    starts_on = models.DateField(_("listed from"), null=True, editable=False)
    ends_on = models.DateField(_("listed until"), null=True, editable=False)
    removed_on = models.DateField(_("removed on"), null=True, editable=False)

    scope_roles = {
        "view": CREDIT_VIEWERS,
        "change": DECIDERS,
        "respond": ENTERPRISE_STAFF,
        "repair": ENTERPRISE_STAFF | DECIDERS,
    }
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("serious-dishonesty listing")
        verbose_name_plural = _("serious-dishonesty listings")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "trigger", "source", "source_id"], name="listing_once"
            )
        ]
        indexes = [models.Index(fields=["state", "ends_on"], name="listing_state_end")]

    def __str__(self):
        return f"{self.enterprise} {self.get_trigger_display()}"


class Repair(Versioned, AuditedModel):
    """An application for credit repair (信用修复) of one listing and its decision; a repair
    obtained by fraud is revoked and the listing restored with its original end date."""

    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="repairs"
    )
    state = models.CharField(_("state"), max_length=10, choices=RepairState.choices, editable=False)
    reasons = models.TextField(_("rectification and reasons"))
    commitment = models.TextField(_("credit commitment"))
    applied_on = models.DateField(_("applied on"), editable=False)
    decided_on = models.DateField(_("decided on"), null=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)
    revoked_on = models.DateField(_("revoked on"), null=True, editable=False)
    revoke_reason = models.TextField(_("reason for revoking"), blank=True, editable=False)

    objects = ScopedManager()
    scope_paths = {
        "region": "listing__enterprise__region_code",
        "park": "listing__enterprise__park_id",
        "grid": "listing__enterprise__grid_id",
        "enterprise": "listing__enterprise_id",
    }
    scope_roles = {"view": CREDIT_VIEWERS, "change": DECIDERS}
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("credit repair")
        verbose_name_plural = _("credit repairs")
        ordering = ["-applied_on", "-id"]

    def __str__(self):
        return f"{self.listing} {self.get_state_display()}"


class CreditPass(models.Model):
    """One whole pass of `scoring.run`: the day it scored for, whether it re-derived every
    source or only the closings recorded since the previous pass (`hazardevent_upto`, the
    highest hidden-danger event id the pass could see), and its counts. Bookkeeping of the
    job, not a regulated record."""

    ran_on = models.DateField(_("scored for"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    full = models.BooleanField(_("every source re-derived"), default=False)
    hazardevent_upto = models.BigIntegerField(_("hidden-danger events read up to"), default=0)
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("credit pass")
        verbose_name_plural = _("credit passes")

    def __str__(self) -> str:
        return f"{self.ran_on} #{self.pk}"
