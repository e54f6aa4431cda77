"""Hidden dangers (事故隐患) and their closed loop: the record, its timeline, deadline
extensions, listed supervision of major ones, overdue accountability, and the policy data
that sets the loop's limits."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core import rulecache
from safeloop.core.models import AuditedModel, DocumentCounter, Versioned
from safeloop.core.photos import UploadedPhoto
from safeloop.core.scoping import ScopedManager
from safeloop.enterprises.models import Enterprise
from safeloop.hazards.choices import (
    OPEN_STATES,
    Category,
    ExtensionStatus,
    Level,
    ListingLevel,
    Source,
    State,
)
from safeloop.orgs.models import Department
from safeloop.orgs.roles import ALL_ROLES, ENTERPRISE_STAFF, REGULATORS

THROUGH_ENTERPRISE = {
    "region": "region_code",
    "park": "enterprise__park_id",
    "grid": "enterprise__grid_id",
    "enterprise": "enterprise_id",
}


ESCALATION_AUDIENCES = ("enterprise", "grid", "county", "city")


def default_escalation():
    return [
        {"after_days": 0, "notify": "enterprise"},
        {"after_days": 3, "notify": "grid"},
        {"after_days": 7, "notify": "county"},
        {"after_days": 15, "notify": "city"},
    ]


class HazardPolicy(AuditedModel):
    """The loop's limits as data: the newest policy in effect applies. Older policies stay
    for the record; change one by adding a new one with its source."""

    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    listing_level = models.CharField(
        _("who lists major hidden dangers"),
        max_length=10,
        choices=ListingLevel.choices,
        default=ListingLevel.COUNTY,
    )
    general_max_extensions = models.PositiveSmallIntegerField(
        _("extensions allowed for a general hidden danger"), default=1
    )
    major_extension_notice_working_days = models.PositiveSmallIntegerField(
        _("working days before the deadline a major extension must be requested"), default=20
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        _("remind this many working days before the deadline"), default=3
    )
    max_deadline_days = models.PositiveSmallIntegerField(
        _("latest deadline, in days from today"),
        default=730,
        help_text=_(
            "No deadline or extension may be set further out than this: a hidden danger due "
            "in the far future would never escalate."
        ),
    )
    number_prefix = models.CharField(
        _("hidden-danger number prefix"),
        max_length=10,
        default="YC",
        help_text=_("Hidden dangers are numbered PREFIX-year-serial, e.g. YC-2026-000123."),
    )
    after_photos_general = models.PositiveSmallIntegerField(
        _("after-rectification photos required (general)"), default=1
    )
    after_photos_major = models.PositiveSmallIntegerField(
        _("after-rectification photos required (major)"), default=1
    )
    escalation = models.JSONField(
        _("overdue escalation steps"),
        default=default_escalation,
        help_text=_('A list of {"after_days": n, "notify": enterprise|grid|county|city}.'),
    )

    class Meta:
        verbose_name = _("hidden-danger policy")
        verbose_name_plural = _("hidden-danger policies")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.effective_from}: {self.source}"

    def clean(self):
        """A new policy starts today or later (what applied before stays as it was), and
        its escalation steps name an audience and come in order of days."""
        errors = {}
        if (
            self._state.adding
            and self.effective_from
            and (self.effective_from < timezone.localdate())
        ):
            errors["effective_from"] = _("A new policy cannot take effect in the past.")
        steps = self.escalation
        valid = isinstance(steps, list) and all(
            isinstance(step, dict)
            and set(step) == {"after_days", "notify"}
            and isinstance(step["after_days"], int)
            and step["after_days"] >= 0
            and step["notify"] in ESCALATION_AUDIENCES
            for step in steps
        )
        if not valid:
            errors["escalation"] = _(
                'Give a list of {"after_days": n, "notify": enterprise|grid|county|city}.'
            )
        elif [s["after_days"] for s in steps] != sorted(s["after_days"] for s in steps):
            errors["escalation"] = _("List the escalation steps in order of days.")
        if errors:
            raise ValidationError(errors)

    def escalation_due(self, deadline, step: int):
        """The day step `step` fires for a hazard with this deadline (None: no more steps).
        A step fires once the hazard is `after_days` days overdue; 0 means its first late day."""
        if step >= len(self.escalation):
            return None
        return deadline + timedelta(days=max(1, self.escalation[step]["after_days"]))

    def after_photos_required(self, level: str) -> int:
        return self.after_photos_major if level == Level.MAJOR else self.after_photos_general

    @classmethod
    def current(cls) -> "HazardPolicy":
        """The newest policy in effect today. The rows are remembered per process
        (core/rulecache.py); saving one applies at once."""
        today = timezone.localdate()
        policies = rulecache.remembered("hazard-policies", lambda: list(cls.objects.all()))
        policy = next((p for p in policies if p.effective_from <= today), None)
        return policy or cls(effective_from=today, source="built-in defaults")


HAZARD_NUMBER_KIND = "hazard-number"
# What a typed hidden-danger number looks like (YC-2026-000123, any case).
NUMBER = re.compile(r"[^\s-]{1,10}-\d{4}-\d{1,6}")


def take_hazard_number(year: int) -> str:
    prefix = HazardPolicy.current().number_prefix
    return f"{prefix}-{year}-{DocumentCounter.take(prefix, HAZARD_NUMBER_KIND, year):06d}"


class Hazard(Versioned, AuditedModel):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    # The enterprise's county code, copied so that scoped lists and counts at millions of rows
    # read one index; kept in step when an enterprise moves (signals.py).
    region_code = models.CharField(_("region code"), max_length=6, editable=False)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, editable=False, db_index=True
    )
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    category = models.CharField(_("category"), max_length=2, choices=Category.choices)
    criterion = models.CharField(
        _("major-hidden-danger criterion"),
        max_length=100,
        blank=True,
        help_text=_("The criterion item it matches, e.g. 应急管理部令第10号 第十一条(一)."),
    )
    place = models.CharField(_("where it was found"), max_length=200)
    risk_point = models.ForeignKey(
        "risks.RiskPoint",
        verbose_name=_("risk point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    control_measure = models.ForeignKey(
        "risks.ControlMeasure",
        verbose_name=_("failed control measure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("description"))
    cause = models.TextField(_("cause"), blank=True)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("found by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    found_by_regulator = models.BooleanField(_("found by a regulator"), default=False)
    reporter_contact = models.CharField(_("reporter contact"), max_length=100, blank=True)

    # Deadline
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    deadline_working_days = models.PositiveSmallIntegerField(
        _("deadline in working days"), null=True, blank=True
    )
    deadline_fell_back = models.BooleanField(
        _("deadline counted Monday–Friday (no statutory calendar data)"), default=False
    )

    # Rectification plan: 五到位 — all five before the work counts as planned.
    measures = models.TextField(_("measures"), blank=True)
    funds_budgeted = models.DecimalField(
        _("funds budgeted (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    emergency_measures = models.TextField(_("emergency measures"), blank=True)
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)
    # Governance plan (治理方案) of a major hidden danger: its six parts.
    plan_goals = models.TextField(_("goals and tasks"), blank=True)
    plan_methods = models.TextField(_("methods and measures"), blank=True)
    plan_resources = models.TextField(_("funds and materials"), blank=True)
    plan_organisation = models.TextField(_("organisation and people responsible"), blank=True)
    plan_schedule = models.TextField(_("time limit and requirements"), blank=True)
    plan_safety = models.TextField(_("safety measures and emergency plan"), blank=True)
    production_stopped = models.BooleanField(
        _("production stopped while rectifying"), default=False
    )

    # Rectification evidence and acceptance
    evidence = models.TextField(_("rectification evidence"), blank=True)
    funds_spent = models.DecimalField(
        _("actual cost (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    acceptance_opinion = models.TextField(_("acceptance opinion"), blank=True)
    expert_report = models.TextField(_("expert or evaluation report"), blank=True)
    returns_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    extensions_count = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    void_reason = models.TextField(_("reason voided"), blank=True)

    # The number people quote (YC-2026-000123): taken from core's DocumentCounter when the
    # hazard is first saved, with the policy's prefix and the year it was found.
    number = models.CharField(_("number"), max_length=30, blank=True, editable=False)
    # 隐患整改通知书 for a regulator-found hazard: numbered once, when first issued.
    notice_number = models.CharField(
        _("rectification notice number"), max_length=80, blank=True, editable=False
    )

    # Monitoring: how many of the policy's escalation steps have been notified for the
    # current deadline, and the day the next one falls due. Days overdue are derived from the
    # deadline, never stored; the daily scan reads only hazards whose next step is due.
    escalation_step = models.PositiveSmallIntegerField(
        _("escalation steps notified"), default=0, editable=False
    )
    escalation_due = models.DateField(_("next escalation due"), null=True, editable=False)

    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = THROUGH_ENTERPRISE
    scope_roles = {
        "view": ALL_ROLES,
        "change": ENTERPRISE_STAFF | REGULATORS,
    }

    class Meta:
        verbose_name = _("hidden danger")
        verbose_name_plural = _("hidden dangers")
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(
                fields=["deadline"],
                name="hazard_open_deadline",
                condition=models.Q(state__in=OPEN_STATES),
            ),
            models.Index(
                fields=["escalation_due"],
                name="hazard_open_escalation_due",
                condition=models.Q(state__in=OPEN_STATES),
            ),
            # A park's, a grid cell's or an enterprise's hidden dangers (their scope is a list of
            # enterprises): with the columns the lists filter and count by, a count or a page of
            # ids within that scope is an index-only scan (a park's 170,000 hidden dangers of
            # one category counted from the table read 556 ms of rows).
            models.Index(
                fields=["enterprise", "state"],
                name="hazard_enterprise_state",
                include=[
                    "id",
                    "region_code",
                    "level",
                    "source",
                    "category",
                    "found_at",
                    "accepted_at",
                    "deadline",
                    "found_by_regulator",
                    "submitted_by",
                ],
            ),
            models.Index(
                fields=["region_code", "state", "-found_at"], name="hazard_region_state_found"
            ),
            # The saved views and their counts (todo, acceptance, overdue) read open hazards
            # only: by region (= for a county, LIKE 'prefix%' for a city: pattern ops) and
            # state, with every column their conditions test, so a count is an index-only scan.
            models.Index(
                fields=["region_code", "state", "level"],
                name="hazard_open_region_state",
                condition=models.Q(state__in=OPEN_STATES),
                include=["found_by_regulator", "submitted_by", "enterprise", "deadline"],
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            # What a regulator may accept (the saved view 待我验收): awaiting hazards a regulator
            # found or of level major, a small share of the awaiting ones.
            models.Index(
                fields=["region_code"],
                name="hazard_awaiting_regulator",
                condition=models.Q(state="awaiting")
                & (models.Q(found_by_regulator=True) | models.Q(level="major")),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="hazard_idempotency_key_once",
            ),
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="hazard_number_once"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.description[:40]}"

    @staticmethod
    def picker_search(queryset, text: str):
        """The picker's search of a long list: the number, or the enterprise's name,
        pinyin initials or code (core.widgets.SearchableSelect)."""
        if NUMBER.fullmatch(text):
            return queryset.filter(number=text.upper())
        # Newest first, sorted rather than read down the primary key: the planner would walk
        # every hidden danger of the scope for the few enterprises of a rare name.
        newest = models.F("pk") + 0
        return queryset.filter(Enterprise.picked_by(text)).order_by(newest.desc())

    def save(self, *args, **kwargs):
        if not self.region_code:
            self.region_code = self.enterprise.region_code
        if not self.number:
            self.number = take_hazard_number(timezone.localtime(self.found_at).year)
        before = getattr(self, "_audit_before", {})
        if self.deadline and (self._state.adding or before.get("deadline") != self.deadline):
            # A new deadline starts its own escalation.
            self.escalation_step = 0
            self.escalation_due = HazardPolicy.current().escalation_due(self.deadline, 0)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < timezone.localdate()

    @property
    def overdue_days(self) -> int:
        return (timezone.localdate() - self.deadline).days if self.is_overdue else 0

    def plan_missing(self) -> list[str]:
        """Names of the plan fields still empty: 五到位, and the governance plan if major."""
        required = [
            "measures",
            "funds_budgeted",
            "deadline",
            "responsible_person",
            "emergency_measures",
        ]
        if self.level == Level.MAJOR:
            required += [
                "plan_goals",
                "plan_methods",
                "plan_resources",
                "plan_organisation",
                "plan_schedule",
                "plan_safety",
            ]
        return [name for name in required if getattr(self, name) in (None, "")]


class HazardEvent(models.Model):
    """The hazard's timeline as users read it; one row per move."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    move = models.CharField(_("move"), max_length=30)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("hidden-danger event")
        verbose_name_plural = _("hidden-danger events")

    def __str__(self):
        return f"{self.hazard_id} {self.move}"


class Extension(AuditedModel):
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    old_deadline = models.DateField(_("old deadline"))
    new_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.REQUESTED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=models.Q(status="requested"),
                name="hazard_one_open_extension",
            )
        ]

    def __str__(self):
        return f"{self.hazard_id}: {self.old_deadline} → {self.new_deadline}"

    @property
    def region_code(self) -> str:
        return self.hazard.region_code


class Listing(AuditedModel):
    """Listed supervision (挂牌督办) of a major hidden danger by a supervising department."""

    hazard = models.OneToOneField(Hazard, on_delete=models.PROTECT, related_name="listing")
    level = models.CharField(_("listing level"), max_length=10, choices=ListingLevel.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT
    )
    notice_number = models.CharField(_("notice number"), max_length=60)
    listed_at = models.DateField(_("listed on"))
    deadline = models.DateField(_("deadline"))
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    delisted_at = models.DateField(_("delisted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("listed supervision")
        verbose_name_plural = _("listed supervision")

    def __str__(self):
        return self.notice_number

    @property
    def region_code(self) -> str:
        return self.department.region_code


class Accountability(AuditedModel):
    """A record for later sanctions (事前责任追究), written once when a hazard goes overdue."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="accountability")
    reason = models.CharField(_("reason"), max_length=30, default="overdue")
    recorded_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateField(_("deadline missed"))
    sanction = models.CharField(_("sanction"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        constraints = [
            models.UniqueConstraint(
                fields=["hazard", "reason", "deadline"], name="accountability_once_per_deadline"
            ),
        ]

    def __str__(self):
        return f"{self.hazard_id} {self.reason} {self.deadline}"

    @property
    def region_code(self) -> str:
        return self.hazard.region_code


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("Before rectification")
    AFTER = "after", _("After rectification")


class HazardPhoto(UploadedPhoto):
    """A photo of the hidden danger before or after rectification (see core.photos)."""

    upload_dir = "hazards"
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(_("stage"), max_length=8, choices=PhotoStage.choices)

    class Meta:
        ordering = ["stage", "uploaded_at", "id"]
        verbose_name = _("hidden-danger photo")
        verbose_name_plural = _("hidden-danger photos")

    def __str__(self):
        return f"{self.hazard_id} {self.stage} {self.sha256[:8]}"

    @property
    def region_code(self) -> str:
        return self.hazard.region_code
