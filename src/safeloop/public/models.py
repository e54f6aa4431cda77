"""Public reports of hidden dangers and the city's rules for the public side.

A report is found by its tracking code, which is shown to the reporter once: only its
SHA-256 is stored. Its county (and park, enterprise) come from routing (services.route) and
scope it to the regulators there; nobody else reads it on a screen or the API.
"""

import hashlib
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.photos import Photo
from safeloop.core.scoping import ScopedManager
from safeloop.orgs.roles import ADMINS, REGULATORS, Role
from safeloop.public.choices import (
    ArticleKind,
    ArticleState,
    PhotoStage,
    ReportState,
    RewardState,
)


def code_hash(code: str) -> str:
    """The stored form of a tracking code: upper-cased, dash and spaces ignored."""
    clean = "".join(c for c in code.upper() if c.isalnum())
    return hashlib.sha256(clean.encode()).hexdigest()


class PublicRules(AuditedModel):
    """The city's rules for the public side, as dated versions: the newest one in effect
    (`effective_from` today or earlier) applies. Added by an administrator on
    /public-reports/rules/, never edited: a change is a new version."""

    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=200)
    exposed_levels = ArrayField(
        models.CharField(max_length=10),
        verbose_name=_("hidden-danger levels exposed"),
        help_text=_("Which levels of overdue hidden danger are exposed to the public."),
    )
    exposed_after_days = models.PositiveIntegerField(
        _("exposed after (days overdue)"), validators=[MaxValueValidator(3650)]
    )
    duplicate_hours = models.PositiveIntegerField(
        _("duplicate window (hours)"), validators=[MinValueValidator(1), MaxValueValidator(8760)]
    )
    duplicate_metres = models.PositiveIntegerField(
        _("duplicate distance (metres)"), validators=[MaxValueValidator(100000)]
    )
    duplicate_similarity = models.DecimalField(
        _("duplicate text similarity (0–1)"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    reports_per_hour = models.PositiveIntegerField(
        _("reports per network per hour"), validators=[MinValueValidator(1)]
    )
    lookups_per_hour = models.PositiveIntegerField(
        _("tracking look-ups per network per hour"), validators=[MinValueValidator(1)]
    )
    reward_general = models.DecimalField(
        _("reward for a general hidden danger (yuan)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("200"),
        db_default=Decimal("200"),
        validators=[MinValueValidator(0)],
    )
    reward_major = models.DecimalField(
        _("least reward for a major hidden danger (yuan)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("3000"),
        db_default=Decimal("3000"),
        validators=[MinValueValidator(0)],
    )
    reward_rate = models.DecimalField(
        _("reward as a share of the fine, for a major hidden danger"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.15"),
        db_default=Decimal("0.15"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    reward_cap = models.DecimalField(
        _("most reward for one report (yuan)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("300000"),
        db_default=Decimal("300000"),
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("public rules")
        verbose_name_plural = _("public rules")
        ordering = ["-effective_from", "-id"]

    def __str__(self):
        return f"{self.effective_from} {self.source}"

    @classmethod
    def current(cls) -> "PublicRules":
        rules = cls.objects.filter(effective_from__lte=timezone.localdate()).first()
        if rules is None:
            raise cls.DoesNotExist("No public rules in effect: the data migration loads them.")
        return rules


class PublicReport(Versioned, AuditedModel):
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField(
        _("status"), max_length=12, choices=ReportState.choices, editable=False
    )
    description = models.TextField(_("what is wrong"), max_length=2000)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site_name = models.CharField(_("site name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    region_code = models.CharField(_("county"), max_length=6, db_index=True)
    park = models.ForeignKey(
        "orgs.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    routed_by = models.CharField(_("routed by"), max_length=20)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hidden danger"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    public_reply = models.TextField(_("public reply"), max_length=2000, blank=True)
    reporter_feedback = models.TextField(_("reporter's feedback"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    # Open311: the service the request names ("other" for reports from the web form) and
    # the client that sent it (None: the web form).
    service_code = models.CharField(
        _("service"), max_length=40, default="other", db_default="other", editable=False
    )
    client = models.ForeignKey(
        "public.Open311Client",
        verbose_name=_("Open311 client"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()
    scope_paths = {
        "region": "region_code",
        "park": "park_id",
        "grid": "enterprise__grid_id",
        "enterprise": "enterprise_id",
    }
    scope_roles = {"view": REGULATORS, "change": REGULATORS}

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "created_at"], name="public_report_ent"),
            models.Index(fields=["state", "created_at"], name="public_report_state"),
            models.Index(fields=["service_code", "created_at"], name="public_report_service"),
        ]

    def __str__(self):
        return f"{self.pk} {self.get_state_display()}"

    @property
    def place(self) -> str:
        return self.enterprise.name if self.enterprise else (self.site_name or self.address)


class PublicReportPhoto(Photo):
    upload_dir = "public-reports"

    report = models.ForeignKey(PublicReport, on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(
        _("stage"), max_length=10, choices=PhotoStage.choices, default=PhotoStage.REPORT
    )


class PublicReportEvent(models.Model):
    """The report's timeline: every move, who made it (None: the reporter) and the note."""

    report = models.ForeignKey(PublicReport, on_delete=models.PROTECT, related_name="events")
    move = models.CharField(max_length=20)
    actor = models.ForeignKey(
        "orgs.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.report_id} {self.move} {self.at:%Y-%m-%d %H:%M}"


class Open311Client(Versioned, AuditedModel):
    """A client of the Open311 server (a city app, a partner's platform), created by an
    administrator on /public-reports/open311-clients/. Its API key is shown once; only its
    SHA-256 is stored. Revoked, never deleted: its requests keep naming it."""

    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    reports_per_hour = models.PositiveIntegerField(
        _("requests per hour"),
        default=1000,
        validators=[MinValueValidator(1), MaxValueValidator(100000)],
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Reward(Versioned, AuditedModel):
    """A reward for a verified public report: the amount the rules in effect give for the
    hidden danger's level, proposed by a regulator, approved (or refused) by an
    administrator who did not propose it, then paid. One per report; never deleted."""

    report = models.OneToOneField(
        PublicReport,
        verbose_name=_("public report"),
        on_delete=models.PROTECT,
        related_name="reward",
    )
    state = models.CharField(
        _("status"), max_length=10, choices=RewardState.choices, editable=False
    )
    level = models.CharField(_("level"), max_length=10, editable=False)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=9, decimal_places=2)
    fine = models.DecimalField(
        _("fine imposed (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    rules = models.ForeignKey(
        PublicRules, verbose_name=_("rules"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        "orgs.User", on_delete=models.PROTECT, related_name="+", editable=False
    )
    decided_by = models.ForeignKey(
        "orgs.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed"), default=timezone.now, editable=False)

    objects = ScopedManager()
    scope_paths = {
        "region": "report__region_code",
        "park": "report__park_id",
        "grid": "report__enterprise__grid_id",
        "enterprise": "report__enterprise_id",
    }
    scope_roles = {"view": REGULATORS, "change": REGULATORS}

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.report_id} {self.amount} {self.get_state_display()}"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()


RULE_EDITORS = ADMINS


# City and county regulators write the public site's articles: the city's reach all of them,
# a county's its own county's.
ARTICLE_EDITORS = frozenset(
    {
        Role.SYSTEM_ADMIN,
        Role.CITY_ADMIN,
        Role.CITY_INSPECTOR,
        Role.COUNTY_ADMIN,
        Role.COUNTY_INSPECTOR,
    }
)


class Article(Versioned, AuditedModel):
    """An article of the public site: a notice, safety knowledge, a typical accident case or
    a law. Written as a draft, published (shown under /public/ and in the feed), withdrawn
    (hidden again). The body is plain text; it is shown escaped, paragraph by paragraph."""

    kind = models.CharField(_("kind"), max_length=10, choices=ArticleKind.choices)
    state = models.CharField(
        _("status"), max_length=10, choices=ArticleState.choices, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary (shown in lists)"), max_length=300, blank=True)
    body = models.TextField(_("text"), max_length=50000)
    region_code = models.CharField(_("published by"), max_length=6, db_index=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    accident = models.ForeignKey(
        "accidents.Accident",
        verbose_name=_("accident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    campaign = models.ForeignKey(
        "training.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ScopedManager()
    scope_paths = {"region": "region_code"}
    scope_roles = {"view": ARTICLE_EDITORS, "change": ARTICLE_EDITORS}

    class Meta:
        verbose_name = pgettext_lazy("public site", "article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "kind", "-published_at"], name="public_article_kind")
        ]

    def __str__(self):
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n") if p.strip()]


class ArticleAttachment(AuditedModel):
    """A PDF attached to an article (core.uploads checks it); served publicly once the
    article is published, to its editors otherwise."""

    article = models.ForeignKey(
        Article,
        verbose_name=pgettext_lazy("public site", "article"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("document (PDF)"), upload_to="articles/%Y/")
    added_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    objects = ScopedManager()
    scope_paths = {"region": "article__region_code"}
    scope_roles = {"view": ARTICLE_EDITORS, "change": ARTICLE_EDITORS}

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["article_id", "id"]

    def __str__(self):
        return self.title
