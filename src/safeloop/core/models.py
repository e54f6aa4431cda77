from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.core.context import current

# The verbs of the audit codes as a history list shows them (the code's last part).
ACTION_VERBS = {
    "create": pgettext_lazy("audit action", "created"),
    "add": pgettext_lazy("audit action", "added"),
    "update": pgettext_lazy("audit action", "changed"),
    "edit": pgettext_lazy("audit action", "changed"),
    "change": pgettext_lazy("audit action", "changed"),
    "save": pgettext_lazy("audit action", "saved"),
    "delete": pgettext_lazy("audit action", "deleted"),
    "void": pgettext_lazy("audit action", "voided"),
    "close": pgettext_lazy("audit action", "closed"),
    "approve": pgettext_lazy("audit action", "approved"),
    "reject": pgettext_lazy("audit action", "rejected"),
    "submit": pgettext_lazy("audit action", "submitted"),
    "withdraw": pgettext_lazy("audit action", "withdrawn"),
    "revoke": pgettext_lazy("audit action", "revoked"),
    "retire": pgettext_lazy("audit action", "retired"),
    "decide": pgettext_lazy("audit action", "decided"),
    "upload": pgettext_lazy("audit action", "uploaded"),
    "request": pgettext_lazy("audit action", "change requested"),
}


class AuditEntry(models.Model):
    """One append-only line of the global audit log.

    Database triggers (migrations 0003, 0009, 0010) refuse TRUNCATE, every UPDATE but the
    sealing job's (which gives the entry its chain position and hash), and DELETE of an entry
    not sealed yet or younger than the retention period (`AuditRetention`), whoever asks.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, on_delete=models.PROTECT
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    # Set by the sealing job (core.audit.seal), never on the write path: the entry's gapless
    # position in the hash chain, the previous entry's hash and sha256(prev_hash ‖ canonical
    # text of the entry). `safeloop manage verify_audit` recomputes them.
    seq = models.BigIntegerField(_("chain position"), null=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, null=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, null=True, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"]),
            # the entries the sealing job still has to chain
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="core_audit_unsealed"
            ),
        ]
        # partial: an entry written (seq NULL) adds nothing to this index, only its sealing
        constraints = [
            models.UniqueConstraint(
                fields=["seq"], condition=models.Q(seq__isnull=False), name="core_audit_seq"
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def shown_changes(self) -> dict:
        """The changes as a screen shows them: the fields the model masks (ID numbers,
        certificate numbers) stay masked even in entries written before it masked them."""
        kind = (
            ContentType.objects.get_for_id(self.content_type_id) if self.content_type_id else None
        )
        model = kind.model_class() if kind else None
        masked: frozenset[str] = getattr(model, "audit_masked", frozenset())
        if not masked or not isinstance(self.changes, dict):
            return self.changes
        return {k: ["***", "***"] if k in masked else v for k, v in self.changes.items()}

    @property
    def readable_changes(self) -> list[tuple[str, str, str]]:
        """The changes in people's words: (field label, before, after), see core.audit."""
        from safeloop.core.changes import readable_changes

        model = None
        if self.content_type_id:  # the content-type cache: no query per line
            model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        return readable_changes(model, self.shown_changes)

    @property
    def action_label(self) -> str:
        """The action in people's words: the last part of its code (`….void` → 作废), or
        "changed" for a verb without a label; the code stays for the audit log."""
        verb = self.action.rsplit(".", 1)[-1]
        return str(ACTION_VERBS.get(verb, ACTION_VERBS["update"]))

    @property
    def actor_shown(self) -> str:
        """Who did it; the system's own jobs are "system" in the reader's language."""
        if self.actor_label in ("", "system"):
            return str(pgettext_lazy("audit actor", "system"))
        return self.actor_label

    @staticmethod
    def action_code(obj, verb: str) -> str:
        """`create` on an orgs.Park becomes `orgs.park.create`; codes with a dot stay."""
        if "." in verb:
            return verb
        return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"

    @classmethod
    def write(cls, verb: str, obj=None, *, changes: dict | None = None, actor=None):
        context = current()
        actor = actor or context.user
        return cls.objects.create(
            actor=actor,
            actor_label=(actor.get_username() if actor else "system")[:150],
            action=cls.action_code(obj, verb) if obj is not None else verb,
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            region_code=getattr(obj, "region_code", "") or "",
            changes=changes or {},
            request_id=context.request_id,
            ip=context.ip,
        )


class AuditChain(models.Model):
    """The head of the audit hash chain (one row): the last sealed position and its hash.
    Written only by the sealing trigger; a missing tail of the chain shows against it."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self):
        return f"{self.seq} {self.hash}"


class AuditAnchor(models.Model):
    """What pruning removed: the last pruned position and its hash, so verification of the
    entries kept starts from it."""

    seq = models.BigIntegerField(_("chain position"), unique=True)
    hash = models.CharField(_("hash"), max_length=64)
    pruned_at = models.DateTimeField(_("pruned"))
    entries = models.PositiveIntegerField(_("entries pruned"))

    class Meta:
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")
        ordering = ["-seq"]

    def __str__(self):
        return f"{self.seq} {self.hash}"


class AuditRetention(models.Model):
    """How long audit entries are kept, as versioned data: the newest row counts. The database
    trigger reads it, so no session can delete a younger entry. `migrate` adds a row when
    SAFELOOP_AUDIT_RETENTION_DAYS changes (core.apps); the floor is the law's six months."""

    # 《中华人民共和国网络安全法》第二十一条：留存相关的网络日志不少于六个月。
    FLOOR_DAYS = 180
    FLOOR_SOURCE = "《中华人民共和国网络安全法》第二十一条（网络日志留存不少于六个月）"

    days = models.PositiveIntegerField(_("retention days"))
    source = models.CharField(_("retention basis"), max_length=200)
    valid_from = models.DateTimeField(_("in force from"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit retention")
        verbose_name_plural = _("audit retention")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__gte=180), name="core_auditretention_floor"
            )
        ]

    def __str__(self):
        return f"{self.days} ({self.source})"


class AuditedModel(models.Model):
    """Every save and delete of a subclass writes an audit entry with before/after values.

    `audit_masked` fields are logged as changed without their values (passwords, ID numbers).
    """

    audit_exclude: frozenset[str] = frozenset()
    audit_masked: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._audit_before = instance._audit_values()
        return instance

    def _audit_values(self) -> dict:
        values = {}
        for f in self._meta.concrete_fields:
            if f.attname in self.audit_exclude or f.attname not in self.__dict__:
                continue
            value = getattr(self, f.attname)
            values[f.attname] = value.name if isinstance(f, models.FileField) else value
        return values

    def _audit_diff(self, before: dict, after: dict) -> dict:
        changes = {}
        for name in after.keys() | before.keys():
            old, new = before.get(name), after.get(name)
            if old != new:
                masked = name in self.audit_masked
                changes[name] = ["***", "***"] if masked else [old, new]
        return changes

    def save(self, *args, action: str | None = None, actor=None, **kwargs):
        """`action` names a workflow move; `actor` overrides the request's user (services)."""
        adding = self._state.adding
        before = {} if adding else getattr(self, "_audit_before", {})
        # The row and its audit entry commit together. Inside a caller's transaction no
        # savepoint is taken (two round trips a save): a failure here fails that transaction.
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            after = self._audit_values()
            changes = self._audit_diff(before, after)
            if adding or changes:
                AuditEntry.write(
                    action or ("create" if adding else "update"), self, changes=changes, actor=actor
                )
        self._audit_before = after

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            changes = self._audit_diff(self._audit_values(), {})
            AuditEntry.write("delete", self, changes=changes)
            return super().delete(*args, **kwargs)


class Versioned(models.Model):
    """An editable record with an optimistic version: every change bumps it, every change
    request names the version it read (`safeloop.core.services.lock` and `bump`)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class CalendarOverride(AuditedModel):
    """An administrator's word on one day, for years the statutory calendar data does not
    cover yet or for a local adjustment. Added, never edited or deleted (core/admin.py): a
    correction is a newer override for the same day, and the newest one counts."""

    day = models.DateField(_("day"), db_index=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["day", "id"]

    def __str__(self):
        return f"{self.day} {'workday' if self.is_workday else 'rest day'}"


class Notification(models.Model):
    """One message in a user's inbox. `dedupe_key` makes jobs idempotent: a reminder that was
    already sent is not sent again."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="core_notification_once",
            )
        ]

    def __str__(self):
        return self.title


class DocumentCounter(models.Model):
    """Yearly numbering of official documents per issuing department and kind
    (e.g. 隐患整改通知书 〔2026〕第15号). Taken under a row lock, so numbers never repeat."""

    issuer = models.CharField(max_length=100)
    kind = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "kind", "year"], name="core_counter_once")
        ]

    def __str__(self):
        return f"{self.issuer} {self.kind} {self.year}: {self.last}"

    @classmethod
    def take(cls, issuer: str, kind: str, year: int) -> int:
        """The next number, in one statement: the upsert locks the row until the caller's
        transaction ends, so two takers never get the same number."""
        from django.db import connection

        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (issuer, kind, year, last) VALUES (%s, %s, %s, 1) "  # noqa: S608 — our own table name
                f"ON CONFLICT (issuer, kind, year) DO UPDATE SET last = {table}.last + 1 "
                "RETURNING last",
                [issuer, kind, year],
            )
            return cursor.fetchone()[0]


class RateCounter(models.Model):
    """Hits of one key (an IP, a tracking code…) in one fixed time window; counted by
    `core.ratelimit` with one upsert, so limits hold across processes without Redis."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="core_ratecounter_once")
        ]
        indexes = [models.Index(fields=["window_start"], name="core_ratecounter_window")]

    def __str__(self):
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class ExportFile(models.Model):
    """A large Excel export built by the worker: the list's query string is replayed as its
    owner, so the file holds exactly what the page showed them. Only the owner sees it."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("export", "queued")
        RUNNING = "running", pgettext_lazy("export", "being built")
        DONE = "done", pgettext_lazy("export", "ready")
        FAILED = "failed", pgettext_lazy("export", "failed")
        EXPIRED = "expired", pgettext_lazy("export", "expired")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("export", "requested by"),
        on_delete=models.PROTECT,
        related_name="exports",
    )
    kind = models.CharField(pgettext_lazy("export", "kind"), max_length=40)
    title = models.CharField(pgettext_lazy("export", "title"), max_length=200)
    query = models.TextField(pgettext_lazy("export", "filters"), blank=True)
    language = models.CharField(pgettext_lazy("export", "language"), max_length=10)
    state = models.CharField(
        pgettext_lazy("export", "state"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    rows = models.PositiveIntegerField(pgettext_lazy("export", "rows"), null=True, blank=True)
    file = models.FileField(pgettext_lazy("export", "file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.CharField(pgettext_lazy("export", "error"), max_length=300, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("export", "requested"), auto_now_add=True)
    finished_at = models.DateTimeField(pgettext_lazy("export", "finished"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("export", "export")
        verbose_name_plural = pgettext_lazy("export", "exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return self.title
