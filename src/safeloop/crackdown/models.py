"""The crackdown on illegal production (打非): campaigns with their targets, cases (where they
came from, whom they concern, where and what was found), the actions taken on a case (取缔,
关闭, 罚款, 移送), joint operations with other departments, and the re-visits confirming a
stopped site stays stopped. The follow-up periods are versioned rules. Writes go through
`services`; a case's state only through the `crackdown_case` workflow."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.crackdown.choices import ActionKind, CaseState, Confidence, Source
from safeloop.orgs.roles import ADMINS, REGULATORS, Role

# Who plans campaigns, closes cases and decides not to file one: the city's and counties'
# administrators and inspectors (park officers and grid inspectors find and follow cases).
SUPERVISORS = frozenset(ADMINS | {Role.CITY_INSPECTOR, Role.COUNTY_INSPECTOR})
RULE_EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.CITY_ADMIN})


class CrackdownRule(AuditedModel):
    """How a stopped site is followed up, from a day on: the first re-visit within
    `first_visit_days` of the case entering follow-up, then one every `visit_every_days`,
    until `visits_required` re-visits have found it still closed. A change is a new row."""

    first_visit_days = models.PositiveSmallIntegerField(
        _("first re-visit within (days)"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    visit_every_days = models.PositiveSmallIntegerField(
        _("then one re-visit every (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    visits_required = models.PositiveSmallIntegerField(
        _("re-visits finding the site closed before the case is closed"),
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default=Confidence.UNCONFIRMED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")
        ordering = ["-effective_from", "-id"]

    def __str__(self):
        return str(self.effective_from)

    @classmethod
    def in_force(cls, day=None) -> "CrackdownRule | None":
        day = day or timezone.localdate()
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


class Campaign(Versioned, AuditedModel):
    """A crackdown campaign (专项行动) of a county or the city, with its targets."""

    title = models.CharField(_("title"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=6, db_index=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    focus = models.TextField(_("focus of the crackdown"), max_length=2000, blank=True)
    target_cases = models.PositiveIntegerField(
        _("target: cases"), default=0, validators=[MaxValueValidator(10**6)]
    )
    target_stopped = models.PositiveIntegerField(
        _("target: sites banned or closed"), default=0, validators=[MaxValueValidator(10**6)]
    )
    target_fines = models.DecimalField(
        _("target: fines (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    target_operations = models.PositiveIntegerField(
        _("target: joint operations"), default=0, validators=[MaxValueValidator(10**6)]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = {"region": "region_code"}
    scope_roles = {"view": REGULATORS, "change": SUPERVISORS}

    class Meta:
        verbose_name = _("crackdown campaign")
        verbose_name_plural = _("crackdown campaigns")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title


class Case(Versioned, AuditedModel):
    """One illegal production, business or construction found: its source, its subject (an
    enterprise of the ledger or an unregistered operator), the place and the facts."""

    number = models.CharField(_("case number"), max_length=20, blank=True, editable=False)
    state = models.CharField(_("status"), max_length=12, choices=CaseState.choices, editable=False)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=pgettext_lazy("crackdown", "campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    public_report = models.OneToOneField(
        "public.PublicReport",
        verbose_name=_("public report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="crackdown_case",
    )
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("hidden danger"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visit = models.ForeignKey(
        "inspections.Visit",
        verbose_name=_("inspection visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_by = models.CharField(_("referred by"), max_length=200, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise in the ledger"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_name = models.CharField(_("operator"), max_length=200)
    subject_address = models.CharField(_("operator's address"), max_length=200, blank=True)
    location = models.CharField(_("place found"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
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
    grid = models.ForeignKey(
        "orgs.GridCell",
        verbose_name=_("grid cell"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    facts = models.TextField(_("facts found"), max_length=4000)
    found_on = models.DateField(_("found on"))
    verification = models.TextField(_("verification"), max_length=4000, blank=True)
    decision = models.TextField(_("reason"), max_length=2000, blank=True)
    tracking_since = models.DateField(_("in follow-up since"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    registered_by = models.ForeignKey(
        "orgs.User",
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)

    objects = ScopedManager()
    scope_paths = {"region": "region_code", "park": "park_id", "grid": "grid_id"}
    scope_roles = {"view": REGULATORS, "change": REGULATORS}

    class Meta:
        verbose_name = _("illegal-production case")
        verbose_name_plural = _("illegal-production cases")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "tracking_since"], name="crackdown_case_state")]

    def __str__(self):
        return f"{self.number} {self.subject_name}"

    @staticmethod
    def picker_search(queryset, text: str):
        """The picker's search of a long list: the start of the case number, the operator's
        name, or the enterprise's name, pinyin initials or code (core.widgets.SearchableSelect)."""
        from safeloop.enterprises.models import Enterprise

        return queryset.filter(
            models.Q(number__startswith=text.upper())
            | models.Q(subject_name__icontains=text)
            | Enterprise.picked_by(text)
        )


class CaseChild(AuditedModel):
    objects = ScopedManager()
    scope_paths = {
        "region": "case__region_code",
        "park": "case__park_id",
        "grid": "case__grid_id",
    }
    scope_roles = {"view": REGULATORS, "change": REGULATORS}

    class Meta:
        abstract = True


class Action(CaseChild):
    """A measure taken on a case, with its document (决定书, 移送书 …). A wrong one is voided."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="actions"
    )
    kind = models.CharField(_("action"), max_length=10, choices=ActionKind.choices)
    decided_on = models.DateField(_("decided on"))
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    transferred_to = models.CharField(_("transferred to"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100)
    document = models.FileField(_("document (PDF)"), upload_to="crackdown/%Y/%m/", blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        "orgs.User", verbose_name=_("recorded by"), null=True, on_delete=models.PROTECT
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(pgettext_lazy("recorded at", "recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("action taken")
        verbose_name_plural = _("actions taken")
        ordering = ["case_id", "decided_on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.document_number}"


class FollowUp(CaseChild):
    """A re-visit of a stopped site: still closed, or found working again."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    visited_on = models.DateField(pgettext_lazy("follow-up visit", "visited on"))
    still_closed = models.BooleanField(_("the site stays closed"))
    note = models.CharField(_("what was seen"), max_length=500, blank=True)
    visited_by = models.ForeignKey(
        "orgs.User", verbose_name=_("visited by"), null=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(pgettext_lazy("recorded at", "recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("re-visit")
        verbose_name_plural = _("re-visits")
        ordering = ["case_id", "visited_on", "id"]

    def __str__(self):
        return f"{self.case} · {self.visited_on}"


class JointOperation(Versioned, AuditedModel):
    """A joint operation (联合执法) with other departments, and the cases it dealt with."""

    title = models.CharField(_("title"), max_length=200)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=pgettext_lazy("crackdown", "campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operations",
    )
    region_code = models.CharField(_("county"), max_length=6, db_index=True)
    held_on = models.DateField(_("held on"))
    departments = models.CharField(_("departments taking part"), max_length=500)
    staff = models.PositiveIntegerField(
        _("officers deployed"), default=0, validators=[MaxValueValidator(100000)]
    )
    cases = models.ManyToManyField(Case, verbose_name=_("cases"), blank=True, related_name="+")
    summary = models.TextField(
        pgettext_lazy("campaign summary", "summary"), max_length=4000, blank=True
    )
    created_at = models.DateTimeField(pgettext_lazy("recorded at", "recorded"), auto_now_add=True)

    objects = ScopedManager()
    scope_paths = {"region": "region_code"}
    scope_roles = {"view": REGULATORS, "change": SUPERVISORS}

    class Meta:
        verbose_name = _("joint operation")
        verbose_name_plural = _("joint operations")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title
