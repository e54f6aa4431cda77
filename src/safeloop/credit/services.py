"""Writes of the credit app: events recorded by other apps (`record_event`) or voided, the
versioned points, bands and list policy (added, never edited), and the serious-dishonesty
list from proposal to removal, with its repairs."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.audit import record as audit
from safeloop.core.scoping import can
from safeloop.core.services import allow, bump, lock, require, service, track
from safeloop.core.workflow import SYSTEM
from safeloop.credit import scoring, triggers
from safeloop.credit.choices import (
    CURRENT_LISTING,
    EventKind,
    RepairState,
    Trigger,
)
from safeloop.credit.dates import add_months, add_years
from safeloop.credit.models import (
    DECIDERS,
    RULE_EDITORS,
    CreditEvent,
    CreditRecord,
    CreditRule,
    CreditScheme,
    Listing,
    ListingPolicy,
    Repair,
)
from safeloop.credit.workflow import DECIDER, LISTING_WORKFLOW, PARTY, REPAIR_WORKFLOW
from safeloop.enterprises.models import Enterprise, SafetyManager

RULE_FIELDS = (
    "kind",
    "points",
    "validity_months",
    "charge_persons",
    "effective_from",
    "source",
    "notes",
)
SCHEME_FIELDS = ("base_score", "a_min", "b_min", "c_min", "effective_from", "source")
POLICY_FIELDS = (
    "period_years",
    "repair_after_months",
    "objection_days",
    "serious_count",
    "serious_window_months",
    "effective_from",
    "source",
)
# Kinds whose event proposes an inclusion in the serious-dishonesty list.
LISTING_KINDS = {
    EventKind.PENALTY_MULTIPLE: Trigger.PENALTY_MULTIPLE,
    EventKind.UNLICENSED: Trigger.UNLICENSED,
}


# ----------------------------------------------------------------------------- events


def refresh(enterprise_id: int, today: date | None = None) -> dict:
    """The incremental path: derive and rescore one enterprise's records (one statement
    set narrowed to it), then evaluate the list triggers for it."""
    today = today or timezone.localdate()
    counts = scoring.run(today, enterprise_id)
    counts["proposed"] = len(evaluate(today, enterprise_id))
    return counts


@service
def record_event(
    *,
    actor,
    kind: str,
    enterprise: Enterprise,
    source: str,
    source_id: int,
    occurred_on: date | None = None,
    summary: str = "",
    person: SafetyManager | str | None = None,
) -> CreditEvent:
    """One event from another app (enforcement's sanctions and penalty decisions) or a
    regulator. `person` None: the enterprise's record; "principal": the principal's; a
    SafetyManager: that manager's. Points and validity come from the rule in force; the same
    (kind, source, source id) on the same record is recorded once. `actor` None is the
    system (a signal or job); otherwise a deciding regulator in scope."""
    today = timezone.localdate()
    require(kind in EventKind.values, _("Choose an event."), "kind")
    require(str(source).strip(), _("Name the source record."), "source")
    require(isinstance(source_id, int) and source_id > 0, _("Name the source record."), "source_id")
    occurred_on = occurred_on or today
    require(occurred_on <= today, _("An event cannot be in the future."), "occurred_on")
    if actor is not None:
        require(
            Enterprise.objects.for_user(actor, "view").filter(pk=enterprise.pk).exists(),
            _("Select a valid choice. That choice is not one of the available choices."),
            "enterprise",
        )
        allow(bool(actor.roles & DECIDERS), _("Only a deciding department records events."))
    rule = CreditRule.in_force(today).get(kind)
    require(rule is not None, _("No rule gives this event points yet."), "kind")
    assert rule is not None
    scoring.run(today, enterprise.pk)  # make sure the records exist
    if person is None:
        key = "e"
    elif person == "principal":
        key = "p"
    else:
        require(
            isinstance(person, SafetyManager) and person.enterprise_id == enterprise.pk,
            _("Choose one of this enterprise's safety managers."),
            "person",
        )
        key = f"m{person.pk}"  # type: ignore[union-attr]
    record = CreditRecord.objects.filter(enterprise=enterprise, key=key).first()
    require(record is not None, _("This person has no credit record."), "person")
    assert record is not None
    event, _created = CreditEvent.objects.get_or_create(
        record=record,
        kind=kind,
        source=source,
        source_id=source_id,
        defaults={
            "enterprise": enterprise,
            "rule": rule,
            "points": rule.points,
            "occurred_on": occurred_on,
            "valid_until": add_months(occurred_on, rule.validity_months),
            "summary": summary[:300],
        },
    )
    if actor is not None:
        track(record, "change")
    refresh(enterprise.pk, today)
    if kind in LISTING_KINDS and key == "e":
        evaluate(today, enterprise.pk)
    return event


@service
def void_event(*, actor, event, reason: str) -> CreditEvent:
    """An event entered in error stops counting; it stays on the record with the reason."""
    event = lock(CreditEvent, actor, event.pk)
    require(event.voided_at is None, _("This event is already voided."))
    require((reason or "").strip(), _("Say why."), "reason")
    event.voided_at = timezone.now()
    event.void_reason = reason.strip()[:300]
    event.save(action="credit.event.void")
    scoring.run(timezone.localdate(), event.enterprise_id)
    return event


# ----------------------------------------------------------------------------- rules as data


def _rule_editor(actor) -> None:
    allow(bool(actor.roles & RULE_EDITORS), _("Only an administrator changes these rules."))


def _future_or_today(day) -> None:
    require(day is not None, _("Give the day it takes effect."), "effective_from")


@service
def add_rule(*, actor, **fields) -> CreditRule:
    _rule_editor(actor)
    _future_or_today(fields.get("effective_from"))
    require(fields.get("kind") in EventKind.values, _("Choose an event."), "kind")
    require(
        not CreditRule._default_manager.filter(
            kind=fields["kind"], effective_from=fields["effective_from"]
        ).exists(),
        _("A version of this rule already takes effect that day."),
        "effective_from",
    )
    require((fields.get("source") or "").strip(), _("Give the source."), "source")
    rule = CreditRule(**{k: v for k, v in fields.items() if k in RULE_FIELDS})
    rule.full_clean()
    rule.save(action="credit.rule.add")
    return rule


@service
def add_scheme(*, actor, **fields) -> CreditScheme:
    _rule_editor(actor)
    _future_or_today(fields.get("effective_from"))
    require(
        fields["a_min"] > fields["b_min"] > fields["c_min"],
        _("Grade A starts above B, and B above C."),
        "b_min",
    )
    require(
        fields["a_min"] <= fields["base_score"],
        _("A new enterprise starts at the base score, so grade A cannot start above it."),
        "a_min",
    )
    require(
        not CreditScheme._default_manager.filter(effective_from=fields["effective_from"]).exists(),
        _("A version already takes effect that day."),
        "effective_from",
    )
    require((fields.get("source") or "").strip(), _("Give the source."), "source")
    scheme = CreditScheme(**{k: v for k, v in fields.items() if k in SCHEME_FIELDS})
    scheme.full_clean()
    scheme.save(action="credit.scheme.add")
    return scheme


@service
def add_policy(*, actor, **fields) -> ListingPolicy:
    _rule_editor(actor)
    _future_or_today(fields.get("effective_from"))
    require(
        not ListingPolicy._default_manager.filter(effective_from=fields["effective_from"]).exists(),
        _("A version already takes effect that day."),
        "effective_from",
    )
    require((fields.get("source") or "").strip(), _("Give the source."), "source")
    policy = ListingPolicy(**{k: v for k, v in fields.items() if k in POLICY_FIELDS})
    policy.full_clean()
    policy.save(action="credit.policy.add")
    return policy


# ----------------------------------------------------------------------------- the list


def listing_kinds(actor, listing) -> set[str]:
    if actor is None:
        return {SYSTEM}
    kinds = set()
    if actor.roles & DECIDERS and can(actor, "change", listing):
        kinds.add(DECIDER)
    if can(actor, "respond", listing):
        kinds.add(PARTY)
    return kinds


@service
def propose(*, actor, enterprise, trigger: str, source: str, source_id: int, facts: str) -> Listing:
    """A proposal to the deciding department (from a trigger, or a regulator's own)."""
    require(trigger in Trigger.values, _("Choose a ground."), "trigger")
    require((facts or "").strip(), _("State the facts."), "facts")
    if actor is not None:
        require(
            Enterprise.objects.for_user(actor, "view").filter(pk=enterprise.pk).exists(),
            _("Select a valid choice. That choice is not one of the available choices."),
            "enterprise",
        )
    require(
        not Listing.objects.filter(
            enterprise=enterprise, trigger=trigger, source=source, source_id=source_id
        ).exists(),
        _("This ground has already been proposed."),
        "trigger",
    )
    listing = Listing(
        enterprise=enterprise, trigger=trigger, source=source, source_id=source_id, facts=facts
    )
    LISTING_WORKFLOW.apply(
        listing,
        "propose",
        {SYSTEM} if actor is None else ({DECIDER} if actor.roles & DECIDERS else set()),
    )
    listing.save(action="credit.listing.propose")
    track(listing)
    return listing


def _move(actor, listing, move, version):
    listing = lock(Listing, actor, listing.pk, action="view", version=version)
    LISTING_WORKFLOW.apply(listing, move, listing_kinds(actor, listing))
    return listing


@service
def notify(*, actor, listing, version=None) -> Listing:
    """Serve notice on the party: the objection period runs from today."""
    listing = _move(actor, listing, "notify", version)
    today = timezone.localdate()
    listing.notified_on = today
    listing.objection_until = today + timedelta(days=ListingPolicy.current(today).objection_days)
    bump(listing)
    listing.save(action="credit.listing.notify")
    return listing


@service
def object_to(*, actor, listing, version=None, objection: str) -> Listing:
    """The party's statement and defence (陈述申辩), within the objection period."""
    listing = _move(actor, listing, "object", version)
    require((objection or "").strip(), _("State the objection."), "objection")
    require(
        timezone.localdate() <= listing.objection_until,
        _("The objection period has ended."),
        "objection",
    )
    listing.objection = objection.strip()
    bump(listing)
    listing.save(action="credit.listing.object")
    return listing


@service
def decide_list(*, actor, listing, version=None, decision_number: str, decision_note="") -> Listing:
    """The decision to list, once the objection period is over: three years from today."""
    listing = _move(actor, listing, "list", version)
    today = timezone.localdate()
    require(
        listing.objection_until is not None and today > listing.objection_until,
        _("Decide after the objection period ends."),
        "decision_number",
    )
    require((decision_number or "").strip(), _("Give the decision number."), "decision_number")
    policy = ListingPolicy.current(today)
    listing.decision_number = decision_number.strip()
    listing.decision_note = decision_note
    listing.decided_on = listing.starts_on = today
    listing.ends_on = add_years(today, policy.period_years) - timedelta(days=1)
    bump(listing)
    listing.save(action="credit.listing.list")
    return listing


@service
def reject(*, actor, listing, version=None, decision_note: str) -> Listing:
    listing = _move(actor, listing, "reject", version)
    require((decision_note or "").strip(), _("Say why."), "decision_note")
    listing.decision_note = decision_note.strip()
    listing.decided_on = timezone.localdate()
    bump(listing)
    listing.save(action="credit.listing.reject")
    return listing


@service
def publish(*, actor, listing, version=None) -> Listing:
    listing = _move(actor, listing, "publish", version)
    listing.published_on = timezone.localdate()
    bump(listing)
    listing.save(action="credit.listing.publish")
    return listing


@service
def expire_due(*, actor=None, today: date | None = None) -> int:
    """The daily job: listings past their end date leave the list."""
    today = today or timezone.localdate()
    done = 0
    for listing in Listing.objects.select_for_update().filter(
        state__in=CURRENT_LISTING, ends_on__lt=today
    ):
        LISTING_WORKFLOW.apply(listing, "expire", {SYSTEM})
        listing.removed_on = today
        bump(listing)
        listing.save(action="credit.listing.expire")
        done += 1
    return done


def evaluate(today: date, enterprise_id: int | None = None) -> list[Listing]:
    """Propose every new ground (as the system); returns the proposals made."""
    made = []
    seen_serious = set()
    for ent_id, trigger, source, source_id, facts in triggers.candidates(today, enterprise_id):
        if trigger == "serious_accidents":
            if ent_id in seen_serious:
                continue
            seen_serious.add(ent_id)
        enterprise = Enterprise.objects.get(pk=ent_id)
        made.append(
            propose(
                actor=None,
                enterprise=enterprise,
                trigger=trigger,
                source=source,
                source_id=source_id,
                facts=facts,
            )
        )
    return made


# ----------------------------------------------------------------------------- repair


@service
def apply_repair(*, actor, listing, reasons: str, commitment: str) -> Repair:
    """The listed party (or a regulator on its behalf) applies for early removal."""
    listing = lock(Listing, actor, listing.pk, action="repair")
    today = timezone.localdate()
    require(listing.state in CURRENT_LISTING, _("Only a current listing can be repaired."))
    require((reasons or "").strip(), _("Describe the rectification."), "reasons")
    require((commitment or "").strip(), _("Give the credit commitment."), "commitment")
    months = ListingPolicy.current(today).repair_after_months
    assert listing.starts_on is not None
    require(
        today >= add_months(listing.starts_on, months),
        _("Repair may be applied for from %(day)s.")
        % {"day": add_months(listing.starts_on, months).isoformat()},
        "reasons",
    )
    require(
        not listing.repairs.filter(state=RepairState.APPLIED).exists(),
        _("An application is already under review."),
    )
    repair = Repair(
        listing=listing, reasons=reasons.strip(), commitment=commitment.strip(), applied_on=today
    )
    kinds = listing_kinds(actor, listing)
    REPAIR_WORKFLOW.apply(repair, "apply", kinds)
    repair.save(action="credit.repair.apply")
    track(repair, "view")
    return repair


def _repair_move(actor, repair, move, version):
    repair = lock(Repair, actor, repair.pk, action="view", version=version)
    REPAIR_WORKFLOW.apply(repair, move, listing_kinds(actor, repair.listing))
    return repair


@service
def approve_repair(*, actor, repair, version=None, decision_note: str = "") -> Repair:
    repair = _repair_move(actor, repair, "approve", version)
    listing = lock(Listing, None, repair.listing_id)
    LISTING_WORKFLOW.apply(listing, "repair", {SYSTEM})
    today = timezone.localdate()
    repair.decided_on = listing.removed_on = today
    repair.decision_note = decision_note
    bump(repair)
    bump(listing)
    repair.save(action="credit.repair.approve")
    listing.save(action="credit.listing.repair")
    return repair


@service
def refuse_repair(*, actor, repair, version=None, decision_note: str) -> Repair:
    repair = _repair_move(actor, repair, "refuse", version)
    require((decision_note or "").strip(), _("Say why."), "decision_note")
    repair.decided_on = timezone.localdate()
    repair.decision_note = decision_note.strip()
    bump(repair)
    repair.save(action="credit.repair.refuse")
    return repair


@service
def revoke_repair(*, actor, repair, version=None, reason: str) -> Repair:
    """A repair obtained by fraud: revoked, and the listing restored with its original end
    date (the daily job removes it if that date has passed meanwhile)."""
    repair = _repair_move(actor, repair, "revoke", version)
    require((reason or "").strip(), _("Say why."), "reason")
    listing = lock(Listing, None, repair.listing_id)
    LISTING_WORKFLOW.apply(listing, "restore", {SYSTEM})
    repair.revoked_on = timezone.localdate()
    repair.revoke_reason = reason.strip()
    listing.removed_on = None
    if listing.published_on is None:
        listing.published_on = repair.revoked_on
    bump(repair)
    bump(listing)
    repair.save(action="credit.repair.revoke")
    listing.save(action="credit.listing.restore")
    audit("credit.listing.restore", listing, changes={"ends_on": [None, str(listing.ends_on)]})
    return repair
