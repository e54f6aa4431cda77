"""The enterprise ledger (一企一档): the record, its sector mapping, personnel, licences,
documents and change requests. Writes with rules go through `services`."""

import functools
import re

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from pypinyin import Style
from pypinyin.converter import DefaultConverter
from pypinyin.core import Pinyin
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import ScopedManager
from safeloop.enterprises.choices import (
    CertificateType,
    ChangeRequestStatus,
    Confidence,
    DocumentKind,
    LicenceKind,
    LicenceStatus,
    Scale,
    Sector,
    StandardGrade,
    Status,
)
from safeloop.enterprises.search import lookup, lookup_q
from safeloop.orgs.models import GridCell, Park, Region
from safeloop.orgs.roles import ADMINS, ALL_ROLES, ENTERPRISE_STAFF, REGULATORS

EDITION = "GB/T 4754-2017"

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number, e.g. 13900000000.")
)
industry_code_validator = RegexValidator(
    r"^\d{4}$", _("Enter a four-digit GB/T 4754-2017 class code, e.g. 3311.")
)
prefix_validator = RegexValidator(r"^\d{2,4}$", _("Enter a division, group or class code."))


def normalise_uscc(value):
    """A code as typed, in the stored form: full-width characters made half-width, spaces
    and dashes dropped, letters in capitals (python-stdnum's compact form)."""
    import unicodedata

    if not isinstance(value, str):
        return value
    return uscc.compact(unicodedata.normalize("NFKC", value))


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("Enter a valid 18-character unified social credit code (GB 32100)."),
            code="invalid_uscc",
        ) from error
    if value != uscc.compact(value):
        raise ValidationError(_("Write the code in capitals without spaces."), code="format")


def validate_id_number(value: str) -> None:
    """Length, birth date and check digit through python-stdnum. Its table of birth places
    lacks current Yinchuan district codes (640104 兴庆区 …), so an unknown place is accepted."""
    try:
        try:
            ric.validate(value)
        except InvalidComponent:
            ric.get_birth_date(value)
            if len(value) != 18 or ric.calc_check_digit(value) != value[-1]:
                raise InvalidChecksum() from None
    except StdnumError as error:
        raise ValidationError(
            _("Enter a valid 18-character resident identity card number."), code="invalid_id"
        ) from error


def pinyin_initials(name: str) -> str:
    """宁夏示范冶金有限公司 → nxsfyjyxgs (letters and digits only, lower case).

    Exactly `lazy_pinyin(name, style=FIRST_LETTER)`, word by word: names share most of
    their words (宁夏, 机械, 有限公司), so an import of 100,000 rows converts each once."""
    letters = "".join(_word_initials(word) for word in _PINYIN.seg(name))
    return re.sub(r"[^0-9a-z]", "", letters.lower())[:60]


_PINYIN = Pinyin()
_CONVERTER = DefaultConverter()


@functools.lru_cache(maxsize=65536)
def _word_initials(word: str) -> str:
    pinyins = _CONVERTER.convert(word, Style.FIRST_LETTER, False, "default", strict=True)
    return "".join(p[0] for p in pinyins)


class SectorRule(AuditedModel):
    """GB/T 4754 code prefix → supervised sector. The longest matching prefix wins, so that
    `30 → building materials` and `305 → other` express "division 30 except group 305".
    Editable by administrators: the mapping is data, tagged with its source and confidence."""

    edition = models.CharField(_("classification edition"), max_length=30, default=EDITION)
    code_prefix = models.CharField(_("code prefix"), max_length=4, validators=[prefix_validator])
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=12, choices=Confidence.choices, default="unconfirmed"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sector rule")
        verbose_name_plural = _("sector rules")
        ordering = ["edition", "code_prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code_prefix"], name="enterprises_sectorrule_unique"
            )
        ]

    def __str__(self):
        return f"{self.code_prefix} → {self.get_sector_display()}"

    @classmethod
    def mapping(cls, edition: str = EDITION) -> dict[str, str]:
        return dict(cls.objects.filter(edition=edition).values_list("code_prefix", "sector"))


def sector_for(code: str, mapping: dict[str, str] | None = None) -> str:
    if mapping is None:
        mapping = SectorRule.mapping()
    for length in (4, 3, 2):
        sector = mapping.get((code or "")[:length]) if len(code or "") >= length else None
        if sector:
            return sector
    return Sector.OTHER


class LiveManager(ScopedManager):
    """Soft-deleted enterprises are invisible to every ordinary read."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Enterprise(Versioned, AuditedModel):
    """One enterprise's file (一企一档): the leaf of the org tree that every record hangs off."""

    # Identity
    name = models.CharField(_("name"), max_length=200)
    former_names = models.TextField(_("former names"), blank=True, help_text=_("One per line."))
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, validators=[validate_uscc]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    legal_representative_mobile = models.CharField(
        _("legal representative's mobile"), max_length=11, blank=True, validators=[mobile_validator]
    )
    principal = models.CharField(_("principal"), max_length=50, blank=True)
    principal_mobile = models.CharField(
        _("principal's mobile"), max_length=11, blank=True, validators=[mobile_validator]
    )
    principal_duties = models.CharField(_("principal's duties"), max_length=200, blank=True)
    # Safety managers (plural) are rows: SafetyManager.
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude (WGS-84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_(
            "WGS-84, stored as given. Coordinates read from Chinese web maps are GCJ-02 and "
            "lie a few hundred metres off: convert them before entry."
        ),
    )
    longitude = models.DecimalField(
        _("longitude (WGS-84)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT)
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT
    )
    grid = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Classification
    industry_code = models.CharField(
        _("industry class (GB/T 4754)"),
        max_length=4,
        blank=True,
        validators=[industry_code_validator],
    )
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, default=Sector.OTHER, editable=False
    )
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default=Scale.SMALL)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPERATING
    )
    # Key risk features (choices.RISK_FEATURES)
    dust_explosion = models.BooleanField(_("Combustible dust"), default=False)
    ammonia_refrigeration = models.BooleanField(_("Ammonia refrigeration"), default=False)
    confined_space = models.BooleanField(_("Confined-space work"), default=False)
    metal_smelting = models.BooleanField(_("Metal smelting"), default=False)
    major_hazard = models.BooleanField(_("Major hazard installation"), default=False)
    hazardous_chemicals = models.BooleanField(_("Uses hazardous chemicals"), default=False)
    explosives_production = models.BooleanField(
        _("Civil explosives production or storage"), default=False
    )
    # Standing
    standard_grade = models.CharField(
        _("standardisation grade"),
        max_length=8,
        choices=StandardGrade.choices,
        default=StandardGrade.NONE,
    )
    standard_expiry = models.DateField(_("standardisation valid to"), null=True, blank=True)
    injury_insured = models.PositiveIntegerField(_("work-injury insured head-count"), default=0)
    liability_policy = models.CharField(_("liability insurance policy"), max_length=50, blank=True)
    liability_insurer = models.CharField(_("liability insurer"), max_length=100, blank=True)
    liability_expiry = models.DateField(_("liability insurance valid to"), null=True, blank=True)
    deposit_amount = models.DecimalField(
        _("risk deposit (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deposit_date = models.DateField(_("risk deposit date"), null=True, blank=True)
    has_safety_body = models.BooleanField(_("safety management body"), default=False)
    safety_body_headcount = models.PositiveIntegerField(_("safety body head-count"), default=0)
    # Bookkeeping
    pinyin_initials = models.CharField(
        _("pinyin initials"), max_length=60, default="", editable=False
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    objects = LiveManager()
    all_objects = ScopedManager()
    scope_paths = {
        "region": "region_code",
        "park": "park_id",
        "grid": "grid_id",
        "enterprise": "id",
    }
    scope_roles = {
        "view": ALL_ROLES,
        "change": REGULATORS | ENTERPRISE_STAFF,
        "create": REGULATORS,
        "delete": ADMINS,
        "see_ids": ADMINS | ENTERPRISE_STAFF,
        # Regulated fields (REGULATED_FIELDS), bulk edit and deciding change requests.
        "regulate": REGULATORS,
    }
    audit_exclude = frozenset({"pinyin_initials", "version"})

    # Enterprise staff propose changes to these; regulators decide (ChangeRequest).
    REGULATED_FIELDS = ("region", "park", "grid", "industry_code", "status")
    RISK_FEATURES = (
        "dust_explosion",
        "ammonia_refrigeration",
        "confined_space",
        "metal_smelting",
        "major_hazard",
        "hazardous_chemicals",
        "explosives_production",
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=Q(deleted_at__isnull=True),
                name="enterprises_live_uscc_unique",
                violation_error_message=_("A live enterprise with this code already exists."),
                violation_error_code="unique",
            )
        ]
        indexes = [
            models.Index(fields=["region_code", "sector", "name"]),
            models.Index(fields=["status"]),
            # the list's default order, walked page by page instead of sorting every row
            models.Index(
                fields=["name", "id"],
                condition=Q(deleted_at__isnull=True),
                name="enterprise_live_name_order",
            ),
            # the key units' order (county, then name): a page walks it and stops, where a
            # county's thousands of key units were sorted first
            models.Index(
                fields=["region_code", "name", "id"],
                condition=Q(deleted_at__isnull=True),
                name="enterprise_live_region_name",
            ),
            # search: a name containing the text (trigrams), a USCC or pinyin initials
            # starting with it (pattern operators, whatever the database's collation)
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="enterprise_name_trgm"),
            models.Index(
                fields=["uscc"], opclasses=["varchar_pattern_ops"], name="enterprise_uscc_prefix"
            ),
            models.Index(
                fields=["pinyin_initials"],
                opclasses=["varchar_pattern_ops"],
                name="enterprise_pinyin_prefix",
            ),
            # the map's "N enterprises have no location": the few without, not every row
            models.Index(
                fields=["name", "id"],
                condition=(Q(latitude__isnull=True) | Q(longitude__isnull=True))
                & Q(deleted_at__isnull=True),
                name="enterprise_no_location",
            ),
            # "expiring within N days" reads each end date by range
            models.Index(fields=["standard_expiry"], name="enterprise_standard_expiry"),
            models.Index(fields=["liability_expiry"], name="enterprise_liability_expiry"),
        ]

    def __str__(self):
        return self.name

    @property
    def search_text(self) -> str:
        """What the enterprise picker matches: name, pinyin initials and USCC."""
        return f"{self.name} {self.pinyin_initials} {self.uscc}"

    @staticmethod
    def picker_search(queryset, text: str):
        """The picker's search of a long list (core.widgets.SearchableSelect)."""
        return lookup(queryset, text)

    @staticmethod
    def picked_by(text: str) -> Q:
        """Records of the enterprises a picker's text means (the first 1,000 by name): how a
        hidden danger or a visit is found in a long list. The ids are read first, so that
        the records are found through their enterprise's index, not by walking every record
        of the scope for the few of a rare name."""
        found = Enterprise.objects.filter(lookup_q(text)).order_by("name", "id")
        return Q(enterprise_id__in=list(found.values_list("pk", flat=True)[:1000]))

    def clean(self):
        errors = {}
        if self.park_id and self.region_id and self.park.region_id != self.region_id:
            errors["park"] = _("The park lies in another county.")
        if self.grid_id and self.region_id and self.grid.region_id != self.region_id:
            errors["grid"] = _("The grid cell lies in another county.")
        elif self.grid_id and self.grid.park_id and self.grid.park_id != self.park_id:
            errors["grid"] = _("The grid cell belongs to another park.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if not self.has_safety_body and self.safety_body_headcount:
            errors["safety_body_headcount"] = _("There is no safety management body.")
        if self.injury_insured > self.employees and self.employees:
            errors["injury_insured"] = _("More insured than employees.")
        if errors:
            raise ValidationError(errors)

    def derive(self, mapping: dict[str, str] | None = None) -> None:
        """Fill the derived fields: region code, sector and pinyin initials."""
        if self.region_id:
            self.region_code = self.region.code
        self.sector = sector_for(self.industry_code, mapping)
        self.pinyin_initials = pinyin_initials(self.name)

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    @property
    def risk_features(self) -> list[str]:
        return [name for name in self.RISK_FEATURES if getattr(self, name)]

    @property
    def risk_feature_labels(self) -> list[str]:
        return [self._meta.get_field(name).verbose_name for name in self.risk_features]


class ChildManager(ScopedManager):
    def get_queryset(self):
        return super().get_queryset().filter(enterprise__deleted_at__isnull=True)


class EnterpriseChild(AuditedModel):
    """A row that belongs to one enterprise and shares its scope."""

    objects = ChildManager()
    scope_paths = {
        "region": "enterprise__region_code",
        "park": "enterprise__park_id",
        "grid": "enterprise__grid_id",
        "enterprise": "enterprise_id",
    }
    scope_roles = {"view": ALL_ROLES, "change": REGULATORS | ENTERPRISE_STAFF}

    class Meta:
        abstract = True

    @property
    def region_code(self) -> str:
        return self.enterprise.region_code


class SpecialOperator(Versioned, EnterpriseChild):
    """A special-operation worker (特种作业人员) with a valid certificate. Every change names
    the version read (409 when stale)."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="operators",
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, validators=[validate_id_number])
    certificate_type = models.CharField(
        _("certificate type"), max_length=24, choices=CertificateType.choices
    )
    certificate_number = models.CharField(_("certificate number"), max_length=50)
    valid_to = models.DateField(_("valid to"))

    # The national certificate number is "T" + the holder's ID number: masked like it.
    audit_masked = frozenset({"id_number", "certificate_number"})

    class Meta:
        verbose_name = _("special-operation worker")
        verbose_name_plural = _("special-operation workers")
        ordering = ["enterprise_id", "name", "id"]
        indexes = [models.Index(fields=["valid_to"], name="specialoperator_valid_to")]

    def __str__(self):
        return f"{self.name} · {self.get_certificate_type_display()}"

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number) or "***"

    @property
    def masked_certificate_number(self) -> str:
        return mask(self.certificate_number) or "***"


# The spreadsheet writes a list of safety managers in one cell with these separators
# (columns.py); a value holding one of them could not travel back, so it is refused.
no_cell_separators = RegexValidator(
    r"^[^/／;；\n\r]*$",
    _("Do not use “/”, “;” or line breaks here."),
    code="separator",
)


class SafetyManagerManager(ChildManager):
    """Removed safety managers stay for the history; ordinary reads skip them."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class SafetyManager(EnterpriseChild):
    """One of the enterprise's safety managers (安全管理人员): contact, duties and the
    certificate of safety knowledge and management ability (安全生产知识和管理能力考核合格证).
    The certificate number is usually the holder's ID number, so it is masked like one."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="safety_managers",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, editable=False)
    name = models.CharField(_("name"), max_length=50, validators=[no_cell_separators])
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[mobile_validator])
    duties = models.CharField(
        _("duties"), max_length=200, blank=True, validators=[no_cell_separators]
    )
    certificate_number = models.CharField(
        _("certificate number"), max_length=50, blank=True, validators=[no_cell_separators]
    )
    certificate_valid_to = models.DateField(_("certificate valid to"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True, editable=False)

    objects = SafetyManagerManager()
    all_objects = ChildManager()
    audit_exclude = frozenset({"position"})
    audit_masked = frozenset({"certificate_number"})
    # what the forms, the API and the spreadsheet cell carry, in the cell's order
    VALUE_FIELDS = ("name", "mobile", "duties", "certificate_number", "certificate_valid_to")
    MAX_PER_ENTERPRISE = 20

    class Meta:
        verbose_name = _("safety manager")
        verbose_name_plural = _("safety managers")
        ordering = ["enterprise_id", "position", "id"]
        base_manager_name = "all_objects"
        indexes = [
            models.Index(fields=["enterprise", "position"]),
            models.Index(fields=["certificate_valid_to"], name="safetymanager_cert_valid_to"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.certificate_valid_to and not self.certificate_number:
            raise ValidationError(
                {"certificate_number": _("Give the certificate number with its end date.")}
            )

    @property
    def values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.VALUE_FIELDS)

    @property
    def masked_certificate_number(self) -> str:
        return mask(self.certificate_number)


def mask(value: str) -> str:
    """1101**********002X: the first and last four characters of a personal number."""
    value = value or ""
    if not value:
        return ""
    return value[:4] + "*" * max(0, len(value) - 8) + value[-4:] if len(value) > 8 else "***"


class Licence(Versioned, EnterpriseChild):
    """A licence on file. Every change names the version read (409 when stale)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="licences"
    )
    kind = models.CharField(
        _("kind"), max_length=24, choices=LicenceKind.choices, default=LicenceKind.SAFETY_PRODUCTION
    )
    number = models.CharField(_("licence number"), max_length=50)
    authority = models.CharField(_("issuing authority"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(
        _("status"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["enterprise_id", "kind", "-valid_to"]
        indexes = [models.Index(fields=["valid_to"], name="licence_valid_to")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "number"], name="enterprises_licence_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The licence ends before it starts.")})


def document_path(instance, filename):
    return f"enterprises/{instance.enterprise_id}/{instance.sha256[:2]}/{instance.sha256}"


class Document(EnterpriseChild):
    """An attached file. Its SHA-256 is recorded so that a copy can be checked later."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["enterprise_id", "-uploaded_at", "-id"]

    def __str__(self):
        return self.title

    @staticmethod
    def picker_search(queryset, text: str):
        """The picker's search of a long list: the title, or the enterprise's name, pinyin
        initials or code (core.widgets.SearchableSelect)."""
        return queryset.filter(Q(title__icontains=text) | Enterprise.picked_by(text))

    def _audit_values(self) -> dict:
        values = super()._audit_values()
        if "file" in values:
            values["file"] = str(values["file"] or "")
        return values


class ChangeRequest(EnterpriseChild):
    """An enterprise's request to change a regulated field (region, park, grid, sector,
    status); a regulator in scope approves or refuses it."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed = models.JSONField(_("proposed values"), default=dict)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_roles = {"view": REGULATORS | ENTERPRISE_STAFF, "change": REGULATORS}

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.enterprise} · {self.get_status_display()}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    APPLYING = "applying", _("Importing")
    APPLIED = "applied", _("Imported")
    FAILED = "failed", _("Failed")


def import_path(instance, filename):
    return f"imports/{instance.created_by_id}/{instance.token}.xlsx"


class ImportBatch(models.Model):
    """One uploaded ledger spreadsheet: checked (dry run), then applied all or nothing.
    Only its uploader reads it; what it writes is audited on the enterprises."""

    token = models.CharField(_("token"), max_length=32, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file = models.FileField(_("file"), upload_to=import_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    background = models.BooleanField(_("background job"), default=False)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [row, column letter, header, message]; the first IMPORT_ERROR_LIMIT of them
    errors = models.JSONField(_("errors"), default=list)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # when the batch entered its status: a batch checking or importing for longer than
    # STALLED_JOB_SECONDS with no live job was left by a process that died (core/stalled.py)
    moved_at = models.DateTimeField(_("status since"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_name

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.APPLYING)
