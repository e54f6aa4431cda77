"""The official major-hidden-danger criteria as versioned data.

A standard (工贸 2023, its 2017 predecessor, 民爆 2024) is retired, never deleted, so that
records made under it keep pointing at the exact items they were judged by. An item that a
result already references is revised, not edited: the revision is a new row and the old one
stays readable (`services.revise_criterion`).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.core.models import AuditedModel
from safeloop.inspections.choices import Area
from safeloop.inspections.reference_data import item_reference


class CriteriaStandard(AuditedModel):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    document = models.CharField(_("document number"), max_length=100)
    effective_from = models.DateField(_("in force from"))
    retired_on = models.DateField(
        _("retired on"),
        null=True,
        blank=True,
        help_text=_("A retired standard stays readable for the records made under it."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("criteria standard")
        verbose_name_plural = _("criteria standards")
        ordering = ["-effective_from", "code"]

    def __str__(self):
        return f"{self.title}（{self.document}）"

    @property
    def in_force(self) -> bool:
        today = timezone.localdate()
        return self.effective_from <= today and (self.retired_on is None or self.retired_on > today)


class CurrentCriteria(models.Manager):
    """Items of standards in force, latest revision only: what new checklists use."""

    def get_queryset(self):
        today = timezone.localdate()
        return (
            super()
            .get_queryset()
            .filter(superseded_by__isnull=True, standard__effective_from__lte=today)
            .exclude(standard__retired_on__lte=today)
        )


class Criterion(AuditedModel):
    """One item of a standard, in one revision."""

    standard = models.ForeignKey(
        CriteriaStandard,
        verbose_name=_("standard"),
        on_delete=models.PROTECT,
        related_name="criteria",
    )
    article = models.CharField(_("article"), max_length=20, blank=True)
    item = models.PositiveSmallIntegerField(_("item number"))
    area = models.CharField(_("sector or special area"), max_length=24, choices=Area.choices)
    text = models.TextField(
        _("wording"), blank=True, help_text=_("Empty: a placeholder an administrator fills in.")
    )
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Checked word for word against the official text."),
    )
    source_note = models.CharField(_("source note"), max_length=200, blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1, editable=False)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = models.Manager()
    current = CurrentCriteria()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["standard", "area", "article", "item", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "article", "item", "revision"], name="criterion_revision_once"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.text[:30] or '（待补录）'}"

    @property
    def reference(self) -> str:
        """How a hazard cites it, e.g. 应急管理部令第10号 第十一条(一)."""
        return f"{self.standard.document} {item_reference(self.article, self.item)}"[:100]

    @property
    def is_placeholder(self) -> bool:
        return not self.text.strip()
