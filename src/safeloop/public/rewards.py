"""Rewards for verified public reports (public_reward lifecycle).

A report is verified once a regulator accepted it and its hidden danger passed review
(rectifying, awaiting acceptance or closed; not pending, not voided). The amount is the
rules' in effect for the hidden danger's level (`PublicRules.reward_general`,
`reward_major`, after 安全生产领域举报奖励办法). A regulator in scope proposes; an
administrator in scope who did not propose it approves or refuses, then records the payment.
The reporter sees the reward's state on the tracking page.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.services import allow, bump, lock, require, service
from safeloop.hazards.choices import Level, State
from safeloop.orgs.roles import ADMINS
from safeloop.public.choices import ReportState
from safeloop.public.models import PublicReport, PublicRules, Reward
from safeloop.public.workflow import REWARD_WORKFLOW

VERIFIED = (State.RECTIFYING, State.AWAITING, State.CLOSED)


def amount_for(level: str, rules: PublicRules):
    return rules.reward_major if level == Level.MAJOR else rules.reward_general


@service
def propose(*, report, actor, version, note="") -> Reward:
    report = lock(
        PublicReport,
        actor,
        report.pk,
        version=version,
        queryset=PublicReport.objects.select_related("hazard"),
    )
    require(
        report.state in (ReportState.ACCEPTED, ReportState.CONFIRMED)
        and report.hazard is not None
        and report.hazard.state in VERIFIED,
        _("Only a report whose hidden danger was verified is rewarded."),
    )
    require(not Reward.objects.filter(report=report).exists(), _("This report has a reward."))
    assert report.hazard is not None
    rules = PublicRules.current()
    reward = Reward(
        report=report,
        level=report.hazard.level,
        amount=amount_for(report.hazard.level, rules),
        rules=rules,
        proposed_by=actor,
        note=note.strip(),
    )
    REWARD_WORKFLOW.apply(reward, "propose", {"regulator"})
    reward.save(action="public.reward.propose", actor=actor)
    return reward


def _decide(reward, actor, version, move) -> Reward:
    reward = lock(Reward, actor, reward.pk, version=version)
    kinds = {"approver"} if actor.roles & ADMINS and actor.pk != reward.proposed_by_id else set()
    REWARD_WORKFLOW.apply(reward, move, kinds)
    allow(
        actor.pk != reward.proposed_by_id,
        _("The reward is approved by someone other than who proposed it."),
    )
    reward.decided_by = actor
    return reward


@service
def approve(*, reward, actor, version) -> Reward:
    reward = _decide(reward, actor, version, "approve")
    bump(reward)
    reward.save(action="public.reward.approve", actor=actor)
    return reward


@service
def refuse(*, reward, actor, version, note) -> Reward:
    reward = _decide(reward, actor, version, "refuse")
    require(bool(note.strip()), _("Give the reason."), "note")
    reward.note = note.strip()
    bump(reward)
    reward.save(action="public.reward.refuse", actor=actor)
    return reward


@service
def pay(*, reward, actor, version, payment_reference) -> Reward:
    reward = _decide(reward, actor, version, "pay")
    require(bool(payment_reference.strip()), _("Give the payment reference."), "payment_reference")
    reward.payment_reference = payment_reference.strip()
    reward.paid_at = timezone.now()
    bump(reward)
    reward.save(action="public.reward.pay", actor=actor)
    return reward
