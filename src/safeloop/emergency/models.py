"""Emergency resources (teams, experts, warehouses with their stocks, vehicles,
communication means), the rule data that says when they warn, and incident command
(incidents, their append-only timeline, hand-overs between levels and tasks to resources)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.accidents.choices import Grade
from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.photos import UploadedPhoto
from safeloop.core.scoping import ScopedManager
from safeloop.emergency.choices import (
    Availability,
    CommandPost,
    DrillForm,
    DrillState,
    DutyEntryKind,
    DutyPost,
    EntryKind,
    IncidentState,
    Level,
    PlanKind,
    PlanState,
    ResourceKind,
    TaskState,
    TeamKind,
)
from safeloop.orgs.roles import ALL_ROLES, ENTERPRISE_STAFF, REGULATORS, Role

LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


class EmergencyRule(AuditedModel):
    """When resources warn and which incident grades the city commands: one row per version
    of the rule, the newest in force on a day counts. Added on the rules screen, never
    edited: a change is a newer version."""

    expiry_warning_days = models.PositiveIntegerField(
        _("warn of stock expiring within (days)"), validators=[MinValueValidator(1)]
    )
    confirm_within_days = models.PositiveIntegerField(
        _("availability must be confirmed within (days)"), validators=[MinValueValidator(1)]
    )
    city_grades = models.JSONField(
        _("grades commanded by the city"),
        default=list,
        help_text=_("Incidents of these grades are escalated to the city level."),
    )
    plan_revision_years = models.PositiveIntegerField(
        _("a filed plan is revised within (years)"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    drill_months = models.PositiveIntegerField(
        _("a comprehensive or special plan is drilled every (months)"),
        default=12,
        validators=[MinValueValidator(1)],
    )
    onsite_drill_months = models.PositiveIntegerField(
        _("an on-site disposal plan is drilled every (months)"),
        default=6,
        validators=[MinValueValidator(1)],
    )
    effective_from = models.DateField(_("in force from"), unique=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("emergency rule")
        verbose_name_plural = _("emergency rules")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.effective_from}: {self.source}"

    @property
    def city_grade_labels(self) -> list[str]:
        labels = dict(Grade.choices)
        return [str(labels[g]) for g in self.city_grades if g in labels]

    def clean(self):
        unknown = set(self.city_grades or []) - set(Grade.values)
        if unknown:
            raise ValidationError({"city_grades": _("Unknown grade.")})


class StockType(AuditedModel):
    """The catalogue of equipment and materials kept in warehouses (data, not code)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=50)
    unit = models.CharField(pgettext_lazy("measure", "unit"), max_length=10)

    class Meta:
        verbose_name = _("stock type")
        verbose_name_plural = _("stock types")
        ordering = ["category", "code"]

    def __str__(self):
        return self.name


class Resource(Versioned, AuditedModel):
    """One emergency resource with its place and availability. Owned by a region (county or
    city) or by an enterprise; scoped like the ledger."""

    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("owning enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="emergency_resources",
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    park_id_copy = models.BigIntegerField(null=True, editable=False)
    grid_id_copy = models.BigIntegerField(null=True, editable=False)
    team_kind = models.CharField(
        _("team kind"), max_length=12, choices=TeamKind.choices, blank=True
    )
    specialities = models.CharField(_("specialities"), max_length=200, blank=True)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    leader = models.CharField(_("leader"), max_length=50, blank=True)
    duty_phone = models.CharField(_("duty phone"), max_length=30, blank=True)
    identifier = models.CharField(
        _("plate or call sign"), max_length=50, blank=True, help_text=_("Vehicles and radios.")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude (WGS-84)"), validators=LATITUDE)
    longitude = models.FloatField(_("longitude (WGS-84)"), validators=LONGITUDE)
    availability = models.CharField(
        _("availability"),
        max_length=12,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    confirmed_at = models.DateTimeField(_("availability confirmed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()
    scope_paths = {
        "region": "region_code",
        "park": "park_id_copy",
        "grid": "grid_id_copy",
        "enterprise": "enterprise_id",
    }
    scope_roles = {"view": ALL_ROLES, "change": REGULATORS | ENTERPRISE_STAFF}
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("emergency resource")
        verbose_name_plural = _("emergency resources")
        ordering = ["kind", "name", "pk"]
        indexes = [
            # The nearest search: a box on latitude and longitude within one kind.
            models.Index(fields=["kind", "latitude", "longitude"], name="emergency_res_kind_geo"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind != ResourceKind.TEAM:
            self.team_kind = ""
        elif not self.team_kind:
            raise ValidationError({"team_kind": _("Say whether the team is professional.")})

    def place_owner(self) -> None:
        """The scope columns follow the owner: an enterprise's region, park and grid."""
        if self.enterprise_id:
            enterprise = self.enterprise
            self.region_id = enterprise.region_id
            self.park_id_copy, self.grid_id_copy = enterprise.park_id, enterprise.grid_id
        else:
            self.park_id_copy = self.grid_id_copy = None
        self.region_code = self.region.code


class Stock(Versioned, AuditedModel):
    """A quantity of one catalogue type kept in a warehouse."""

    warehouse = models.ForeignKey(
        Resource,
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="stocks",
        limit_choices_to={"kind": ResourceKind.WAREHOUSE},
    )
    stock_type = models.ForeignKey(StockType, verbose_name=_("type"), on_delete=models.PROTECT)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit = models.CharField(pgettext_lazy("measure", "unit"), max_length=10)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=100, blank=True)

    objects = ScopedManager()
    scope_paths = {
        "region": "warehouse__region_code",
        "park": "warehouse__park_id_copy",
        "grid": "warehouse__grid_id_copy",
        "enterprise": "warehouse__enterprise_id",
    }
    scope_roles = Resource.scope_roles
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stocks")
        ordering = ["expires_on", "pk"]

    def __str__(self):
        return f"{self.stock_type} {self.quantity}{self.unit}"

    @property
    def region_code(self) -> str:
        return self.warehouse.region_code


class Incident(Versioned, AuditedModel):
    """An emergency event under command, at county level unless escalated to the city."""

    title = models.CharField(_("title"), max_length=150)
    accident = models.ForeignKey(
        "accidents.Accident",
        verbose_name=_("accident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    place = models.CharField(_("place"), max_length=200)
    latitude = models.FloatField(_("latitude (WGS-84)"), validators=LATITUDE)
    longitude = models.FloatField(_("longitude (WGS-84)"), validators=LONGITUDE)
    grade = models.CharField(_("grade"), max_length=14, choices=Grade.choices)
    level = models.CharField(
        _("command level"), max_length=8, choices=Level.choices, default=Level.COUNTY
    )
    commander = models.CharField(_("commander"), max_length=50)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    # Set only by INCIDENT_WORKFLOW.apply (emergency/workflow.py).
    state = models.CharField(
        _("state"),
        max_length=8,
        choices=IncidentState.choices,
        default=IncidentState.OPEN,
        editable=False,
    )
    summary = models.TextField(_("after-action summary"), blank=True, editable=False)
    lessons = models.TextField(_("lessons and improvements"), blank=True, editable=False)

    objects = ScopedManager()
    scope_paths = {"region": "region_code", "enterprise": "enterprise_id"}
    scope_roles = {"view": REGULATORS | ENTERPRISE_STAFF, "change": REGULATORS}
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("emergency incident")
        verbose_name_plural = _("emergency incidents")
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return self.title


class Handover(AuditedModel):
    """Command passed from one level (and commander) to another."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="handovers")
    at = models.DateTimeField(_("time"), default=timezone.now)
    from_level = models.CharField(_("from level"), max_length=8, choices=Level.choices)
    to_level = models.CharField(_("to level"), max_length=8, choices=Level.choices)
    from_commander = models.CharField(_("from commander"), max_length=50)
    to_commander = models.CharField(_("to commander"), max_length=50)
    by_rule = models.BooleanField(_("by the grade rule"), default=False)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.incident} {self.from_level}→{self.to_level}"


class CommandMember(AuditedModel):
    """One person on an incident's command roster (指挥部成员): post, unit and phone; stood
    down with the time, never deleted. Scoped through its incident."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="roster")
    post = models.CharField(_("post"), max_length=10, choices=CommandPost.choices)
    name = models.CharField(_("name"), max_length=50)
    unit = models.CharField(pgettext_lazy("organisation", "unit"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    added_at = models.DateTimeField(_("joined at"), default=timezone.now, editable=False)
    stood_down_at = models.DateTimeField(_("stood down at"), null=True, blank=True)

    objects = ScopedManager()
    scope_paths = {"region": "incident__region_code", "enterprise": "incident__enterprise_id"}
    scope_roles = Incident.scope_roles

    class Meta:
        verbose_name = _("command roster member")
        verbose_name_plural = _("command roster")
        ordering = ["added_at", "pk"]

    def __str__(self):
        return f"{self.get_post_display()} {self.name}"


class AppendOnly(Exception):
    pass


class AppendOnlyModel(models.Model):
    """A log line: saved once, never changed or deleted (each table also has a trigger)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly(f"a {self._meta.verbose_name} is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(f"a {self._meta.verbose_name} is never deleted")


class TimelineEntry(AppendOnlyModel):
    """One line of an incident's log. Append-only: the database refuses UPDATE and DELETE
    (migration 0002), and so does the model."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    author_label = models.CharField(_("author"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%H:%M} {self.text[:40]}"


class Task(Versioned, AuditedModel):
    """A resource sent to an incident, from dispatch to release."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="tasks")
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="tasks"
    )
    instruction = models.CharField(_("instruction"), max_length=300)
    distance_km = models.FloatField(_("distance (km)"), null=True, editable=False)
    # Set only by TASK_WORKFLOW.apply (emergency/workflow.py).
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=TaskState.choices,
        default=TaskState.DISPATCHED,
        editable=False,
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), default=timezone.now)
    moved_at = models.DateTimeField(_("last change"), default=timezone.now)

    objects = ScopedManager()
    scope_paths = {"region": "incident__region_code", "enterprise": "incident__enterprise_id"}
    scope_roles = Incident.scope_roles
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("emergency task")
        verbose_name_plural = _("emergency tasks")
        ordering = ["dispatched_at", "pk"]

    def __str__(self):
        return f"{self.resource} → {self.incident}"

    @property
    def region_code(self) -> str:
        return self.incident.region_code


ENTERPRISE_PATHS = {
    "region": "enterprise__region_code",
    "park": "enterprise__park_id",
    "grid": "enterprise__grid_id",
    "enterprise": "enterprise_id",
}


class Plan(Versioned, AuditedModel):
    """An enterprise's emergency plan filed (备案) with its county: submitted with its document
    from the ledger, reviewed with an opinion, filed with a number. A filed plan is revised
    within the rule's years, or sooner on change; the last filing stays in force while a
    revision is under review."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="emergency_plans",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=150)
    document = models.ForeignKey(
        "enterprises.Document",
        verbose_name=_("plan document"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set only by PLAN_WORKFLOW.apply (emergency/workflow.py).
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=PlanState.choices,
        default=PlanState.SUBMITTED,
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, editable=False)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    change_reason = models.TextField(_("reason for the revision"), blank=True, editable=False)
    opinion = models.TextField(_("review opinion"), blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    filing_number = models.CharField(
        _("filing number"), max_length=40, blank=True, editable=False, db_index=True
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True, editable=False)
    revise_by = models.DateField(_("revise by"), null=True, blank=True, editable=False)

    objects = ScopedManager()
    scope_paths = ENTERPRISE_PATHS
    scope_roles = {"view": REGULATORS | ENTERPRISE_STAFF, "change": REGULATORS | ENTERPRISE_STAFF}
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["enterprise_id", "kind", "pk"]

    def __str__(self):
        return self.title

    @property
    def region_code(self) -> str:
        return self.enterprise.region_code

    def in_force(self, day) -> bool:
        """Filed, and its revision clock has not run out on `day`."""
        return bool(self.filed_on and self.revise_by and self.revise_by >= day)


class Drill(Versioned, AuditedModel):
    """A drill of an enterprise's emergency plan: planned, held with its participants and
    photos, evaluated; each improvement it finds becomes a hidden danger."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="emergency_drills",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan drilled"), on_delete=models.PROTECT, related_name="drills"
    )
    scenario = models.CharField(_("scenario"), max_length=200)
    mode = models.CharField(_("form"), max_length=10, choices=DrillForm.choices)
    planned_on = models.DateField(_("planned for"))
    held_on = models.DateField(_("held on"), null=True, blank=True, editable=False)
    participants = models.PositiveIntegerField(
        _("participants"), null=True, blank=True, editable=False
    )
    participants_note = models.TextField(_("who took part"), blank=True, editable=False)
    evaluation = models.TextField(_("evaluation"), blank=True, editable=False)
    # Set only by DRILL_WORKFLOW.apply (emergency/workflow.py).
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=DrillState.choices,
        default=DrillState.PLANNED,
        editable=False,
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)

    objects = ScopedManager()
    scope_paths = ENTERPRISE_PATHS
    scope_roles = Plan.scope_roles
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-planned_on", "-pk"]

    def __str__(self):
        return self.scenario

    @property
    def region_code(self) -> str:
        return self.enterprise.region_code


class DrillImprovement(AuditedModel):
    """An improvement a drill's evaluation found, and the hidden danger that tracks it."""

    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="improvements")
    text = models.TextField(_("improvement"))
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hidden danger"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("drill improvement")
        verbose_name_plural = _("drill improvements")
        ordering = ["pk"]

    def __str__(self):
        return self.text[:40]


class DrillPhoto(UploadedPhoto):
    upload_dir = "drills"

    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="photos")

    class Meta:
        verbose_name = _("drill photo")
        verbose_name_plural = _("drill photos")
        ordering = ["pk"]


DUTY_EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN})
# The city's and counties' own staff stand duty and read the rosters and logs; parks and
# grids have none of their own.
DUTY_STAFF = DUTY_EDITORS | {Role.CITY_INSPECTOR, Role.COUNTY_INSPECTOR}


class DutyShift(Versioned, AuditedModel):
    """One person on duty (值班) for a county or the city from one time to another. The
    region's administrators keep the roster; a shift is cancelled, never deleted."""

    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("duty of"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    post = models.CharField(_("post"), max_length=8, choices=DutyPost.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person on duty"),
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    phone = models.CharField(_("duty phone"), max_length=30)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    cancelled = models.BooleanField(_("cancelled"), default=False, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_paths = {"region": "region_code"}
    scope_roles = {"view": DUTY_STAFF, "change": DUTY_EDITORS}
    audit_exclude = frozenset({"version"})

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at", "post", "pk"]
        indexes = [models.Index(fields=["region_code", "starts_at", "ends_at"])]

    def __str__(self):
        return f"{self.person} {self.starts_at:%m-%d %H:%M}"


class DutyLogEntry(AppendOnlyModel):
    """One line of a region's duty log (值班日志). Append-only, like an incident timeline:
    the database refuses UPDATE and DELETE."""

    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("duty of"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=DutyEntryKind.choices)
    text = models.TextField(_("text"))
    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    author_label = models.CharField(_("author"), max_length=150, blank=True)

    objects = ScopedManager()
    scope_paths = {"region": "region_code"}
    scope_roles = {"view": DUTY_STAFF, "change": DUTY_STAFF}

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%H:%M} {self.text[:40]}"
