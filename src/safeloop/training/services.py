"""Writes of the training app: training records (voided, never deleted), the annual
all-staff figures, the statutory-hours rules (added, never edited) and publicity campaigns."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.core.uploads import clean_pdf
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Region
from safeloop.training.choices import Post
from safeloop.training.models import (
    RULE_EDITORS,
    AnnualTraining,
    Campaign,
    CampaignActivity,
    CampaignMaterial,
    TrainingRecord,
    TrainingRule,
)

RECORD_FIELDS = (
    "post",
    "safety_manager",
    "operator",
    "person_name",
    "course",
    "kind",
    "hours",
    "provider",
    "started_on",
    "ended_on",
    "exam_result",
    "certificate_number",
    "certificate_valid_to",
    "note",
)
ANNUAL_FIELDS = ("staff_count", "trained_count", "total_hours", "note")
RULE_FIELDS = (
    "post",
    "initial_hours",
    "refresher_hours",
    "review_every_years",
    "certificate_valid_years",
    "warn_days",
    "effective_from",
    "source",
    "confidence",
    "notes",
)
CAMPAIGN_FIELDS = ("title", "theme", "starts_on", "ends_on", "description", "published")


def _visible_enterprise(actor, enterprise) -> Enterprise:
    require(
        enterprise is not None
        and Enterprise.objects.for_user(actor, "view").filter(pk=enterprise.pk).exists(),
        _("Select a valid choice. That choice is not one of the available choices."),
        "enterprise",
    )
    return enterprise


def _check_record(record: TrainingRecord) -> None:
    """The rules of one record, whatever wrote it."""
    enterprise = record.enterprise
    require(record.post in Post.values, _("Choose a post."), "post")
    if record.post == Post.SAFETY_MANAGER and record.safety_manager_id:
        require(
            record.safety_manager.enterprise_id == enterprise.pk,  # type: ignore[union-attr]
            _("Choose one of this enterprise's safety managers."),
            "safety_manager",
        )
        record.person_name = record.person_name or record.safety_manager.name  # type: ignore[union-attr]
    else:
        record.safety_manager = None
    if record.post == Post.SPECIAL_OPERATOR:
        require(
            record.operator_id is not None,
            _("Choose the special-operation worker from the ledger."),
            "operator",
        )
        require(
            record.operator.enterprise_id == enterprise.pk,  # type: ignore[union-attr]
            _("Choose one of this enterprise's special-operation workers."),
            "operator",
        )
        record.person_name = record.person_name or record.operator.name  # type: ignore[union-attr]
    else:
        record.operator = None
    if record.post == Post.PRINCIPAL:
        record.person_name = record.person_name or enterprise.principal
    record.person_name = (record.person_name or "").strip()
    require(record.person_name, _("Give the person's name."), "person_name")
    require(record.course.strip(), _("Give the course."), "course")
    require(
        record.hours is not None and Decimal(0) < Decimal(record.hours) <= 2000,
        _("Give the hours (more than 0, at most 2000)."),
        "hours",
    )
    require(record.ended_on >= record.started_on, _("A course ends after it starts."), "ended_on")
    require(
        record.ended_on <= timezone.localdate(),
        _("Record a course once it has ended."),
        "ended_on",
    )
    require(
        not record.certificate_valid_to or record.certificate_number,
        _("Give the certificate number with its end date."),
        "certificate_number",
    )


@service
def record_training(*, actor, enterprise, scan=None, **fields) -> TrainingRecord:
    """A course one person attended, for an enterprise the actor may change."""
    _visible_enterprise(actor, enterprise)
    record = TrainingRecord(enterprise=enterprise, **{k: fields[k] for k in fields})
    _check_record(record)
    if scan:
        record.scan = clean_pdf(scan, field="scan")
    record.full_clean()
    record.save(action="training.record.create")
    track(record)
    return record


@service
def update_training(*, actor, record, version, scan=None, **fields) -> TrainingRecord:
    record = lock(TrainingRecord, actor, record.pk, version=version)
    require(record.voided_at is None, _("A voided record is not edited."))
    for name, value in fields.items():
        if name in RECORD_FIELDS:
            setattr(record, name, value)
    _check_record(record)
    if scan:
        record.scan = clean_pdf(scan, field="scan")
    record.full_clean()
    bump(record)
    record.save(action="training.record.update")
    return record


@service
def void_training(*, actor, record, version, note="") -> TrainingRecord:
    """A record entered by mistake stays, marked void; it no longer counts."""
    record = lock(TrainingRecord, actor, record.pk, version=version)
    require(record.voided_at is None, _("This record is already void."))
    record.voided_at = timezone.now()
    record.note = (note or record.note)[:300]
    bump(record)
    record.save(action="training.record.void")
    return record


@service
def save_annual(
    *, actor, enterprise, year: int, staff_count, trained_count, total_hours, note="", version=None
) -> AnnualTraining:
    """The enterprise's all-staff training of one year: created, or updated naming the
    version read."""
    _visible_enterprise(actor, enterprise)
    require(
        2000 <= int(year) <= timezone.localdate().year, _("Choose a past or this year."), "year"
    )
    require(trained_count <= staff_count, _("More trained than staff."), "trained_count")
    existing = AnnualTraining.objects.filter(enterprise=enterprise, year=year).first()
    if existing is None:
        row = AnnualTraining(enterprise=enterprise, year=year)
        track(row)
    else:
        row = lock(AnnualTraining, actor, existing.pk, version=version)
        bump(row)
    row.staff_count, row.trained_count = staff_count, trained_count
    row.total_hours, row.note = total_hours, note
    row.full_clean()
    row.save(action="training.annual.save")
    return row


@service
def add_rule(*, actor, **fields) -> TrainingRule:
    """A new version of one post's statutory hours; older versions stay for the history."""
    allow(actor is None or bool(actor.roles & RULE_EDITORS), _("Only an administrator."))
    rule = TrainingRule(**{k: v for k, v in fields.items() if k in RULE_FIELDS})
    require(rule.source.strip(), _("Give the source of the rule."), "source")
    require(
        not TrainingRule.objects.filter(
            post=rule.post, effective_from=rule.effective_from
        ).exists(),
        _("This post already has a rule from that day."),
        "effective_from",
    )
    rule.full_clean()
    rule.save(action="training.rule.add")
    return rule


def _campaign_checks(campaign: Campaign) -> None:
    require(campaign.title.strip(), _("Give a title."), "title")
    require(
        campaign.ends_on >= campaign.starts_on, _("A campaign ends after it starts."), "ends_on"
    )


def _set_enterprises(actor, campaign: Campaign, enterprises) -> None:
    if enterprises is None:
        return
    ids = {e.pk for e in enterprises}
    visible = set(
        Enterprise.objects.for_user(actor, "view").filter(pk__in=ids).values_list("pk", flat=True)
    )
    require(
        ids <= visible,
        _("Select a valid choice. That choice is not one of the available choices."),
        "enterprises",
    )
    campaign.enterprises.set(ids)


@service
def create_campaign(*, actor, region: Region, enterprises=None, **fields) -> Campaign:
    require(
        Region.objects.for_user(actor, "view").filter(pk=region.pk).exists(),
        _("Select a valid choice. That choice is not one of the available choices."),
        "region",
    )
    campaign = Campaign(
        region_code=region.code, **{k: v for k, v in fields.items() if k in CAMPAIGN_FIELDS}
    )
    _campaign_checks(campaign)
    campaign.full_clean()
    campaign.save(action="training.campaign.create")
    track(campaign)
    _set_enterprises(actor, campaign, enterprises)
    return campaign


@service
def update_campaign(*, actor, campaign, version, enterprises=None, **fields) -> Campaign:
    campaign = lock(Campaign, actor, campaign.pk, version=version)
    for name, value in fields.items():
        if name in CAMPAIGN_FIELDS:
            setattr(campaign, name, value)
    _campaign_checks(campaign)
    campaign.full_clean()
    bump(campaign)
    campaign.save(action="training.campaign.update")
    _set_enterprises(actor, campaign, enterprises)
    return campaign


@service
def add_activity(
    *, actor, campaign, held_on: date, title: str, participants=0, enterprise=None, note=""
) -> CampaignActivity:
    campaign = lock(Campaign, actor, campaign.pk)
    if enterprise is not None:
        require(
            campaign.enterprises.filter(pk=enterprise.pk).exists(),
            _("Choose one of the campaign's participating enterprises."),
            "enterprise",
        )
    require(title.strip(), _("Give the activity."), "title")
    require(held_on <= timezone.localdate(), _("Record an activity once it is held."), "held_on")
    activity = CampaignActivity(
        campaign=campaign,
        enterprise=enterprise,
        held_on=held_on,
        title=title,
        participants=participants,
        note=note,
    )
    activity.full_clean()
    activity.save(action="training.campaign.activity")
    return activity


@service
def add_material(*, actor, campaign, title: str, file=None, link="") -> CampaignMaterial:
    campaign = lock(Campaign, actor, campaign.pk)
    require(title.strip(), _("Give a title."), "title")
    require(file or link, _("Attach a PDF or give a link."), "file")
    material = CampaignMaterial(campaign=campaign, title=title, link=link)
    if file:
        material.file = clean_pdf(file, field="file")
    material.full_clean()
    material.save(action="training.campaign.material")
    return material
