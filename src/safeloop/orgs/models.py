import hashlib
import secrets
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel, Versioned
from safeloop.core.scoping import Grant, ScopedManager
from safeloop.orgs.roles import ACCOUNT_MANAGERS, ADMINS, ALL_ROLES, ROLE_UNIT, Role, Unit

gbt2260 = RegexValidator(r"^[1-8]\d{5}$", _("Enter a six-digit GB/T 2260 code, e.g. 640104."))


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County-level unit")


def region_prefix(code: str) -> str:
    """The code prefix every region below this one shares: 640100 → 6401, 640000 → 64."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


class Region(AuditedModel):
    """An administrative region with its GB/T 2260 code."""

    code = models.CharField(_("GB/T 2260 code"), max_length=6, unique=True, validators=[gbt2260])
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = ScopedManager()
    scope_paths = {"region": "code"}
    scope_roles = {"view": ALL_ROLES, "change": {Role.SYSTEM_ADMIN}}

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def region_code(self) -> str:
        return self.code

    @property
    def prefix(self) -> str:
        return region_prefix(self.code)

    def clean(self):
        if self.parent and not self.code.startswith(self.parent.prefix):
            raise ValidationError(
                {
                    "code": _("The code must start with the parent region's prefix %(p)s.")
                    % {"p": self.parent.prefix}
                }
            )


class ParkLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    OTHER = "other", _("Other")


class Park(Versioned, AuditedModel):
    """An industrial park inside one county-level region."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="parks"
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    level = models.CharField(_("level"), max_length=12, choices=ParkLevel.choices, default="other")
    note = models.CharField(_("note"), max_length=200, blank=True)
    verified = models.BooleanField(
        _("facts verified"),
        default=False,
        help_text=_("Unset when the park's facts are unconfirmed."),
    )

    objects = ScopedManager()
    scope_paths = {"region": "region_code", "park": "id"}
    scope_roles = {"view": ALL_ROLES, "change": ADMINS}

    class Meta:
        verbose_name = _("industrial park")
        verbose_name_plural = _("industrial parks")
        ordering = ["region_code", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)

    def clean(self):
        if self.region_id and self.region.level != RegionLevel.COUNTY:
            raise ValidationError({"region": _("A park lies in a county-level region.")})


class GridCell(Versioned, AuditedModel):
    """A grid cell (网格): the smallest area one inspector answers for."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="grid_cells"
    )
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    park = models.ForeignKey(
        Park,
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_cells",
    )

    objects = ScopedManager()
    scope_paths = {"region": "region_code", "park": "park_id", "grid": "id"}
    scope_roles = {"view": ALL_ROLES - {Role.EXPERT}, "change": ADMINS}

    class Meta:
        verbose_name = _("grid cell")
        verbose_name_plural = _("grid cells")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @staticmethod
    def picker_search(queryset, text: str):
        """The picker's search of a long list: the start of the code or a part of the name
        (core.widgets.SearchableSelect); a province has thousands of grid cells."""
        return queryset.filter(models.Q(code__startswith=text) | models.Q(name__icontains=text))

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)

    def clean(self):
        if self.park_id and self.region_id and self.park.region_id != self.region_id:
            raise ValidationError({"park": _("The park must lie in the grid cell's county.")})

    @property
    def inspectors(self):
        return User.objects.filter(
            role_assignments__grid=self, role_assignments__role=Role.GRID_INSPECTOR
        ).distinct()


class DepartmentKind(models.TextChoices):
    CITY_BUREAU = "city_bureau", _("City industry bureau")
    COUNTY_DEPARTMENT = "county_department", _("County industry department")
    PARK_OFFICE = "park_office", _("Park safety office")


class Department(Versioned, AuditedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    region_code = models.CharField(_("region code"), max_length=6, editable=False, db_index=True)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT
    )

    objects = ScopedManager()
    scope_paths = {"region": "region_code", "park": "park_id"}
    scope_roles = {"view": ALL_ROLES, "change": ADMINS}

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region_code", "kind", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.region.code
        super().save(*args, **kwargs)


class User(AuditedModel, AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for a new account or after a reset: the next sign-in asks for a new one."),
    )

    objects = UserManager()
    audit_exclude = frozenset({"last_login"})
    audit_masked = frozenset({"password"})

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            # One mobile number is one person: it signs in like a username.
            models.UniqueConstraint(
                fields=["mobile"], condition=~models.Q(mobile=""), name="orgs_user_mobile_unique"
            ),
        ]

    @property
    def region_code(self) -> str:
        """The region of the account's first active role: its audit entries are read by the
        administrators of that area (docs/accounts.md)."""
        codes = sorted(
            a.region_code for a in self.role_assignments.all() if a.active and a.region_code
        )
        return codes[0] if codes else ""

    def __str__(self):
        return self.full_name or self.username

    def grants(self) -> list[Grant]:
        return self._grants

    @cached_property
    def _grants(self) -> list[Grant]:
        grants = []
        for a in self.role_assignments.filter(active=True).select_related("region"):
            if ROLE_UNIT[a.role] == Unit.NONE:
                grants.append(Grant(a.role, everywhere=True))
            else:
                grants.append(
                    Grant(
                        a.role,
                        region_prefix=a.region.prefix if a.region_id else None,
                        park_id=a.park_id,
                        grid_id=a.grid_id,
                        enterprise_id=a.enterprise_id,
                    )
                )
        return grants

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants())

    def has_role(self, *roles) -> bool:
        return bool(self.roles & set(roles))


class RoleAssignment(AuditedModel):
    """A user holds a role on one org unit, and through it on everything below."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT
    )
    grid = models.ForeignKey(
        GridCell, verbose_name=_("grid cell"), null=True, blank=True, on_delete=models.PROTECT
    )
    # A string reference: orgs never imports the ledger, the ledger's units hang below ours.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    region_code = models.CharField(_("region code"), max_length=6, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()
    scope_paths = {
        "region": "region_code",
        "park": "park_id",
        "grid": "grid_id",
        "enterprise": "enterprise_id",
    }
    # The account managers of roles.GRANTABLE; which roles each may touch is checked there.
    scope_roles = {"view": ACCOUNT_MANAGERS, "change": ACCOUNT_MANAGERS}

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "park", "grid", "enterprise"],
                nulls_distinct=False,
                name="orgs_roleassignment_unique",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit or _('whole system')}"

    @property
    def unit(self):
        return self.enterprise or self.grid or self.park or self.region

    def clean(self):
        expected = ROLE_UNIT.get(self.role)
        given = {
            Unit.CITY: self.region_id and self.region.level == RegionLevel.CITY,
            Unit.COUNTY: self.region_id and self.region.level == RegionLevel.COUNTY,
            Unit.PARK: self.park_id,
            Unit.GRID: self.grid_id,
            Unit.ENTERPRISE: self.enterprise_id,
        }
        set_units = sum(
            bool(x) for x in (self.region_id, self.park_id, self.grid_id, self.enterprise_id)
        )
        ok = set_units == 0 if expected == Unit.NONE else set_units == 1 and bool(given[expected])
        if not ok:
            raise ValidationError(
                {
                    "role": _("The role %(role)s is assigned to one %(unit)s.")
                    % {"role": self.get_role_display(), "unit": Unit(expected).label}
                }
            )

    def save(self, *args, **kwargs):
        unit = self.unit
        self.region_code = getattr(unit, "region_code", "") or ""
        super().save(*args, **kwargs)


def secret_hash(secret: str) -> str:
    """What is stored for a one-time code or a token: its SHA-256, never the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


class InvitationKind(models.TextChoices):
    INVITE = "invite", _("Invitation")
    RESET = "reset", _("Password reset")


class Invitation(AuditedModel):
    """A one-time link (and code) that lets a person set their password: an invitation to a
    new account, or a reset by an administrator. Only the code's hash is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="invitations"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=InvitationKind.choices)
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("creation time"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    audit_masked = frozenset({"code_hash"})

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.user}"

    @property
    def region_code(self) -> str:
        return self.user.region_code

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()

    @staticmethod
    def new_code() -> str:
        return secrets.token_urlsafe(24)


class ApiToken(AuditedModel):
    """A named API token of one user: shown once, stored as its hash, optionally expiring,
    revoked by its owner or an administrator in scope; the last use is kept."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("beginning"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("creation time"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    audit_exclude = frozenset({"last_used_at"})
    audit_masked = frozenset({"key_hash"})
    # how often the last-used time is written at most, to spare a write per request
    LAST_USED_EVERY = 60  # seconds

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def region_code(self) -> str:
        return self.user.region_code

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )
