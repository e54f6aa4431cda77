"""Demo park assessments: the development zone's approved assessment of the year before last
(indicators frozen, one measure done, one overdue) and last year's draft in progress; 苏银产业园's
reviewed assessment waiting for the city's approval; the other parks have none, so the list and
the warnings show them as missing. Re-running adds nothing (keyed by park and year)."""

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.utils import timezone

from safeloop.orgs.models import Park, User
from safeloop.parkrisk.choices import AssessmentState, MeasureState
from safeloop.parkrisk.models import AssessmentRule, FollowUp, Measure, ParkAssessment
from safeloop.parkrisk.selectors import indicators

DEFAULT_RULES = Path(__file__).resolve().parent / "data" / "rules.json"


def ensure_rules() -> None:
    """The due-day rule as migration 0002 loads it, again where a database was emptied."""
    for row in json.loads(DEFAULT_RULES.read_text(encoding="utf-8")):
        AssessmentRule.objects.get_or_create(effective_from=row["effective_from"], defaults=row)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())


def _assessment(park, year, state, officer, **texts) -> ParkAssessment | None:
    if ParkAssessment.objects.filter(park=park, year=year).exists():
        return None
    assessment = ParkAssessment(park=park, year=year, created_by=officer, **texts)
    assessment.state = state
    assessment.save()
    return assessment


def seed() -> None:
    ensure_rules()
    today = timezone.localdate()
    zone = Park.objects.filter(name="银川经济技术开发区").first()
    suyin = Park.objects.filter(name="苏银产业园").first()
    if zone is None or suyin is None:
        return
    officer = User.objects.filter(username="park_officer").first()
    approver = User.objects.filter(username="city_admin").first()
    older, last = today.year - 2, today.year - 1
    approved_on = date(older + 1, 3, 20)
    done = _assessment(
        zone,
        older,
        AssessmentState.APPROVED,
        officer,
        experts="马立新（宁夏安全生产协会）、李娟（宁夏化工设计院）",
        expert_opinion=(
            "园区重大危险源均已备案并接入监测预警系统；部分企业储罐区防火间距不足，"
            "园区封闭化管理尚未全部完成，应急救援物资储备需补充。"
        ),
        overall_level="C",
        conclusion="园区整体安全风险为一般风险（C类），在落实下列措施后可维持现状管理。",
    )
    if done is not None:
        done.indicators = indicators(zone, older, approved_on)
        done.frozen_at = done.approved_at = _at(approved_on)
        done.submitted_at = _at(approved_on - timedelta(days=20))
        done.reviewed_at = _at(approved_on - timedelta(days=8))
        done.approved_by = approver
        done.review_note = "同意报市局审批。"
        done.save()
        finished = Measure.objects.create(
            assessment=done,
            text="完成园区封闭化管理（卡口、视频监控）",
            owner="开发区安全办 王建国",
            deadline=approved_on + timedelta(days=120),
        )
        finished.state = MeasureState.CLOSED
        finished.closed_on = approved_on + timedelta(days=110)
        finished.closing_note = "三处卡口及视频监控已投用"
        finished.save()
        FollowUp.objects.create(measure=finished, note="卡口土建完成", author=officer)
        FollowUp.objects.create(
            measure=finished, note="已完成：三处卡口及视频监控已投用", author=officer
        )
        late = Measure.objects.create(
            assessment=done,
            text="补充园区应急救援物资（泡沫液、防化服）",
            owner="开发区应急中心 刘芳",
            deadline=today - timedelta(days=20),
        )
        FollowUp.objects.create(measure=late, note="采购计划已报批", author=officer)
    draft = _assessment(
        zone,
        last,
        AssessmentState.DRAFT,
        officer,
        experts="马立新（宁夏安全生产协会）",
        expert_opinion="",
    )
    if draft is not None:
        Measure.objects.create(
            assessment=draft,
            text="督促储罐区防火间距不足的企业完成整改",
            owner="开发区安全办 王建国",
            deadline=today + timedelta(days=90),
        )
    reviewed = _assessment(
        suyin,
        older,
        AssessmentState.REVIEWED,
        None,
        experts="周强（宁夏安全科学研究院）",
        expert_opinion="园区企业以轻工为主，无一级重大危险源；个别企业粉尘涉爆场所管理薄弱。",
        overall_level="D",
        conclusion="园区整体安全风险较低（D类）。",
    )
    if reviewed is not None:
        reviewed.submitted_at = _at(date(older + 1, 2, 10))
        reviewed.reviewed_at = _at(date(older + 1, 3, 2))
        reviewed.review_note = "兴庆区审核通过，请市局批准。"
        reviewed.save()
