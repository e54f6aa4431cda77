"""Rewards for verified public reports (public_reward lifecycle).

A report is verified once a regulator accepted it and its hidden danger passed review
(rectifying, awaiting acceptance or closed; not pending, not voided). The amount is the
rules' in effect: for a major hidden danger the regulation's share of the fine the report led
to (15 %), at least `reward_major` (3,000 yuan) and at most `reward_cap` (300,000 yuan), after
安全生产领域举报奖励办法 (应急〔2018〕19号) art. 12; for a general one the city's
`reward_general`. A regulator in scope proposes; an
administrator in scope who did not propose it approves or refuses, then records the payment.
The reporter sees the reward's state on the tracking page.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.services import allow, bump, lock, require, service
from safeloop.hazards.choices import Level, State
from safeloop.orgs.roles import ADMINS
from safeloop.public.choices import ReportState
from safeloop.public.models import PublicReport, PublicRules, Reward
from safeloop.public.workflow import REWARD_WORKFLOW

VERIFIED = (State.RECTIFYING, State.AWAITING, State.CLOSED)


CENT = Decimal("0.01")
MOST_FINE = Decimal("100000000")  # a fine above 100 million yuan is a typing error


def amount_for(level: str, rules: PublicRules, fine: Decimal | None = None) -> Decimal:
    if level != Level.MAJOR:
        return rules.reward_general
    share = (fine or Decimal(0)) * rules.reward_rate
    return min(rules.reward_cap, max(rules.reward_major, share)).quantize(CENT, ROUND_HALF_UP)


@service
def propose(*, report, actor, version, note="", fine=None) -> Reward:
    """`fine`: the administrative fine (yuan) the report led to, when there is one; the
    reward for a major hidden danger is a share of it."""
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
    if fine is not None:
        require(isinstance(fine, Decimal), _("Enter a number."), "fine")
        within = Decimal(0) <= fine <= MOST_FINE
        require(within, _("Enter an amount from 0 to 100,000,000."), "fine")
    rules = PublicRules.current()
    reward = Reward(
        report=report,
        level=report.hazard.level,
        amount=amount_for(report.hazard.level, rules, fine),
        fine=fine,
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
