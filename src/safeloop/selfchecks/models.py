"""Self-check tasks (排查任务) generated from the control measures of risk points, their records
(排查记录), the schedule rules that set periods and due days, and the job runs that generate
tasks and mark missed ones."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.photos import Photo
from safeloop.core.scoping import ScopedManager
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import ALL_ROLES, ENTERPRISE_STAFF
from safeloop.risks.choices import Frequency
from safeloop.selfchecks.choices import (
    HazardAction,
    NonWorkingDay,
    Period,
    Result,
    RunKind,
    RunStatus,
    TaskState,
)

THROUGH_ENTERPRISE = {
    "region": "region_code",
    "park": "enterprise__park_id",
    "grid": "enterprise__grid_id",
    "enterprise": "enterprise_id",
}


class ScheduleRule(AuditedModel):
    """When a frequency's task is due, as data: the period it covers, the day of the period
    it is due (1 = first day, 0 = last day, -1 = the day before the last …), and what a
    non-working due day does. The newest rule in effect on a day applies; older ones stay
    for the tasks they produced."""

    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    effective_from = models.DateField(_("effective from"))
    period = models.CharField(
        pgettext_lazy("self-check", "period"), max_length=8, choices=Period.choices
    )
    due_day = models.SmallIntegerField(
        _("due day in the period"),
        help_text=_(
            "1 is the period's first day, 5 its fifth (Friday of a week); 0 is its last day, "
            "-1 the day before. A day beyond the period's end is its last day."
        ),
    )
    non_working_day = models.CharField(
        _("when the due day is not a working day"),
        max_length=8,
        choices=NonWorkingDay.choices,
        default=NonWorkingDay.KEEP,
    )
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("self-check schedule rule")
        verbose_name_plural = _("self-check schedule rules")
        ordering = ["frequency", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["frequency", "effective_from"], name="selfchecks_rule_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(due_day__gte=-366, due_day__lte=366), name="selfchecks_rule_due_day"
            ),
        ]

    def __str__(self):
        return f"{self.get_frequency_display()} · {self.effective_from}"


class SelfCheckTask(Versioned, AuditedModel):
    """One check of one control measure for one period, assigned to one account."""

    # Foreign keys without an index of their own where a composite index below starts with
    # them (or, for the rule and the risk point, where rows are never deleted): a day's
    # generation writes 100,000s of rows, and each index costs on every one.
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The enterprise's county code, copied for indexed scoped lists (as hazards do).
    region_code = models.CharField(_("region code"), max_length=6, editable=False)
    measure = models.ForeignKey(
        "risks.ControlMeasure",
        verbose_name=_("control measure"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    risk_point = models.ForeignKey(
        "risks.RiskPoint",
        verbose_name=_("risk point"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    period = models.CharField(
        pgettext_lazy("self-check", "period"), max_length=8, choices=Period.choices
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due"))
    rule = models.ForeignKey(
        ScheduleRule,
        verbose_name=_("schedule rule"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    responsible_name = models.CharField(_("person responsible"), max_length=50, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=TaskState.choices, default=TaskState.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = THROUGH_ENTERPRISE
    scope_roles = {"view": ALL_ROLES, "change": ENTERPRISE_STAFF}

    class Meta:
        verbose_name = _("self-check task")
        verbose_name_plural = _("self-check tasks")
        ordering = ["due_date", "id"]
        constraints = [
            # One task per measure and period: a repeated generation run creates nothing.
            models.UniqueConstraint(
                fields=["measure", "period", "period_start"], name="selfchecks_task_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_date"], name="selfchecks_pending_due", condition=Q(state="pending")
            ),
            models.Index(fields=["region_code", "due_date"], name="selfchecks_region_due"),
            # The lists' order (newest due first) walked backwards and stopped at a page: a
            # city's list otherwise sorted every task of the city (5.1 s at 3.1 M tasks).
            models.Index(fields=["due_date", "id"], name="selfchecks_due_id"),
            models.Index(fields=["enterprise", "due_date"], name="selfchecks_enterprise_due"),
            models.Index(fields=["assignee", "period_end"], name="selfchecks_assignee_end"),
        ]

    def __str__(self):
        return f"{self.risk_point_id}/{self.measure_id} {self.period_start}–{self.period_end}"


class SelfCheckRecord(AuditedModel):
    """The record of a done task (排查记录). Written once; never edited or deleted."""

    task = models.OneToOneField(
        SelfCheckTask, verbose_name=_("task"), on_delete=models.PROTECT, related_name="record"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    hazard_action = models.CharField(
        _("handling of the abnormality"), max_length=12, choices=HazardAction.choices, blank=True
    )
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hidden danger"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = THROUGH_ENTERPRISE
    scope_roles = {"view": ALL_ROLES, "change": frozenset()}

    class Meta:
        verbose_name = _("self-check record")
        verbose_name_plural = _("self-check records")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-recorded_at"]),
            # The lists' order walked backwards and stopped at a page, city-wide and in a
            # county: without them a city's list sorted every record of the city.
            models.Index(fields=["recorded_at", "id"], name="selfchecks_record_order"),
            models.Index(
                fields=["region_code", "recorded_at", "id"], name="selfchecks_record_region"
            ),
            # The abnormal records (3 % of them), what a regulator filters for: within a park's
            # or a grid cell's enterprises counted and paged from this index alone, where the
            # newest-first walk of every record looked at each one's result (2 s for a park).
            models.Index(
                fields=["enterprise", "recorded_at", "id"],
                name="selfchecks_record_abnormal",
                condition=models.Q(result=Result.ABNORMAL),
            ),
            # The same within a county (a county's 140,000 abnormal records of a year counted
            # and paged without looking at its 4,000,000 others).
            models.Index(
                fields=["region_code", "recorded_at", "id"],
                name="selfchecks_county_abnormal",
                condition=models.Q(result=Result.ABNORMAL),
            ),
        ]

    def __str__(self):
        return f"{self.task_id} {self.result}"


class SelfCheckPhoto(Photo):
    """A photo of a record (see core.photos); the record says who took it and when."""

    upload_dir = "selfchecks"
    record = models.ForeignKey(SelfCheckRecord, on_delete=models.PROTECT, related_name="photos")

    class Meta:
        ordering = ["id"]
        verbose_name = _("self-check photo")
        verbose_name_plural = _("self-check photos")

    def __str__(self):
        return f"{self.record_id} {self.sha256[:8]}"

    @property
    def region_code(self) -> str:
        return self.record.region_code


class JobRun(models.Model):
    """One run of a self-check job with its progress: `done` of `total` measures (or tasks)
    looked at, `created` tasks made (or marked missed). Written outside the work's chunks, so
    the screen and the API show it while the job runs."""

    kind = models.CharField(_("job"), max_length=10, choices=RunKind.choices)
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("to look at"), default=0)
    done = models.PositiveIntegerField(_("looked at"), default=0)
    created = models.PositiveIntegerField(_("tasks changed"), default=0)
    calendar_fell_back = models.BooleanField(
        _("counted Monday–Friday (no statutory calendar data)"), default=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    queued_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("self-check job run")
        verbose_name_plural = _("self-check job runs")
        ordering = ["-queued_at", "-id"]

    def __str__(self):
        return f"{self.kind} {self.day} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 1)
        return None


class CompletionWindow(models.Model):
    """One preset window of the completion table (this week, this month, the last 30 days,
    this year) as of the day of the last refresh: `standings` hold its figures. A request for
    exactly these days reads them; any other window is counted live."""

    key = models.CharField(_("window"), max_length=8, primary_key=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        verbose_name = _("completion window")
        verbose_name_plural = _("completion windows")

    def __str__(self):
        return f"{self.key} {self.start}–{self.end}"


class CompletionStanding(models.Model):
    """Derived: one enterprise's tasks due in one window, by state. Written by the nightly
    refresh and kept exact in between by the task table's triggers (migration 0005), whatever
    writes the tasks (a record, the jobs, an import). Absent: no task in the window."""

    window = models.ForeignKey(
        CompletionWindow, on_delete=models.CASCADE, related_name="standings", db_index=False
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    total = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    missed = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("completion standing")
        verbose_name_plural = _("completion standings")
        constraints = [
            models.UniqueConstraint(
                fields=["window", "enterprise"], name="selfchecks_standing_once"
            ),
        ]

    def __str__(self):
        return f"{self.window_id} {self.enterprise_id}"
