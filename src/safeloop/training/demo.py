"""Demo training history: refresher courses of the demo enterprises' principals, safety
managers and special-operation workers (some short of hours, one certificate lapsing), the
all-staff figures of last year, and the city's 安全生产月 campaign with materials and
activities. Re-running adds nothing (keyed by enterprise, person and course; by title)."""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from safeloop.enterprises.models import Enterprise, SafetyManager, SpecialOperator
from safeloop.orgs.models import Region
from safeloop.training.choices import ExamResult, Kind, Post
from safeloop.training.models import (
    AnnualTraining,
    Campaign,
    CampaignActivity,
    CampaignMaterial,
    TrainingRecord,
    TrainingRule,
)

DEFAULT_RULES = Path(__file__).resolve().parent / "data" / "rules.json"
PROVIDERS = ["银川市安全生产培训中心", "宁夏安全生产协会", "企业内部培训"]


def ensure_rules() -> None:
    """The statutory hours as migration 0002 loads them, again where a database was emptied
    since (tests that flush it); versions an administrator added are left as they are."""
    for row in json.loads(DEFAULT_RULES.read_text(encoding="utf-8")):
        TrainingRule.objects.get_or_create(
            post=row["post"], effective_from=row["effective_from"], defaults=row
        )


def _record(enterprise, post, name, hours, ended: date, **extra) -> None:
    course = extra.pop("course", f"{ended.year}年度安全生产再培训")
    if TrainingRecord.objects.filter(
        enterprise=enterprise, person_name=name, course=course
    ).exists():
        return
    TrainingRecord(
        enterprise=enterprise,
        post=post,
        person_name=name,
        course=course,
        kind=extra.pop("kind", Kind.REFRESHER),
        hours=Decimal(hours),
        provider=PROVIDERS[enterprise.pk % len(PROVIDERS)],
        started_on=ended - timedelta(days=1),
        ended_on=ended,
        exam_result=ExamResult.PASSED,
        **extra,
    ).save(action="training.record.create")


def seed_records(today: date) -> None:
    enterprises = list(Enterprise.objects.order_by("pk")[:12])
    for i, enterprise in enumerate(enterprises):
        ended = today - timedelta(days=30 + 17 * i)
        short = i % 4 == 3  # every fourth enterprise falls short of the annual hours
        if enterprise.principal:
            _record(enterprise, Post.PRINCIPAL, enterprise.principal, 8 if short else 12, ended)
        for manager in SafetyManager.objects.filter(enterprise=enterprise)[:3]:
            _record(
                enterprise,
                Post.SAFETY_MANAGER,
                manager.name,
                12 if not short else 6,
                ended,
                safety_manager=manager,
            )
        for operator in SpecialOperator.objects.filter(enterprise=enterprise)[:3]:
            _record(
                enterprise,
                Post.SPECIAL_OPERATOR,
                operator.name,
                8,
                ended - timedelta(days=5),
                operator=operator,
                course="特种作业操作证复审培训",
                certificate_number=operator.certificate_number,
                certificate_valid_to=operator.valid_to,
            )
        _record(
            enterprise,
            Post.OTHER,
            "新入职员工（批次）",
            24,
            ended - timedelta(days=60),
            course="新员工三级安全教育",
            kind=Kind.INITIAL,
        )
        if not AnnualTraining.objects.filter(enterprise=enterprise, year=today.year - 1).exists():
            staff = 40 + 13 * i
            AnnualTraining(
                enterprise=enterprise,
                year=today.year - 1,
                staff_count=staff,
                trained_count=staff - i % 3,
                total_hours=Decimal(staff * (16 + i % 5)),
            ).save(action="training.annual.save")


def seed_campaigns(today: date) -> None:
    city = Region.objects.filter(level="city").order_by("code").first()
    if city is None:
        return
    year = today.year if today.month > 6 else today.year - 1
    title = f"{year}年“安全生产月”活动"
    campaign = Campaign.objects.filter(title=title).first()
    if campaign is None:
        campaign = Campaign(
            title=title,
            theme="人人讲安全、个个会应急——畅通生命通道",
            region_code=city.code,
            starts_on=date(year, 6, 1),
            ends_on=date(year, 6, 30),
            description="全市工业领域集中开展安全宣传咨询日、应急演练观摩、警示教育和安全知识竞赛。",
        )
        campaign.save(action="training.campaign.create")
        participants = list(Enterprise.objects.order_by("pk")[:6])
        campaign.enterprises.set(participants)
        CampaignMaterial(
            campaign=campaign,
            title="安全生产月活动方案（市工信局）",
            link="https://example.org/aqscy/plan",
        ).save()
        for day, name, count, enterprise in [
            (16, "安全宣传咨询日（市民广场）", 300, None),
            (20, "有限空间作业应急演练观摩", 85, participants[0] if participants else None),
            (
                26,
                "典型事故警示教育片集中观看",
                140,
                participants[1] if len(participants) > 1 else None,
            ),
        ]:
            CampaignActivity(
                campaign=campaign,
                held_on=date(year, 6, day),
                title=name,
                participants=count,
                enterprise=enterprise,
            ).save()


def seed() -> None:
    ensure_rules()
    today = timezone.localdate()
    seed_records(today)
    seed_campaigns(today)
