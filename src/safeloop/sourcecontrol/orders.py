"""Orders on an enterprise's licence and operation: the cancellation (注销) of a lapsed
licence and stop-and-rectify orders (停产整顿) with their resumption."""

from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import Conflict, IllegalMove
from safeloop.core.notify import notify
from safeloop.core.services import after_commit, bump, lock, require, service, track
from safeloop.enterprises.choices import LicenceKind, LicenceStatus, Status
from safeloop.enterprises.models import Enterprise, Licence
from safeloop.enterprises.services import change_part, update_enterprise
from safeloop.orgs.models import User
from safeloop.orgs.roles import Role
from safeloop.sourcecontrol.actors import actor_kinds
from safeloop.sourcecontrol.models import (
    LicenceCancellation,
    StopOrder,
)
from safeloop.sourcecontrol.services import _enterprise, _visible
from safeloop.sourcecontrol.workflow import (
    CANCELLATION_WORKFLOW,
    STOP_WORKFLOW,
)

# ---------------------------------------------------------------- licence cancellation
CANCELLED_KINDS = (LicenceKind.SAFETY_PRODUCTION, LicenceKind.HAZARDOUS_CHEMICALS)


def _lapsed(licence: Licence, today: date) -> bool:
    return licence.valid_to < today and licence.status != LicenceStatus.REVOKED


@service
def propose_cancellation(*, actor, licence, note="") -> LicenceCancellation:
    """A lapsed licence proposed for 注销 (by a regulator, or by the daily scan: actor None)."""
    if actor is not None:
        _visible(Licence, actor, licence, "licence")
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    today = timezone.localdate()
    require(_lapsed(licence, today), _("This licence has not lapsed."), "licence")
    if LicenceCancellation.objects.filter(licence=licence).exclude(state="withdrawn").exists():
        raise Conflict(_("A cancellation of this licence is already under way."))
    cancellation = LicenceCancellation(
        enterprise=licence.enterprise, licence=licence, lapsed_on=licence.valid_to, note=note
    )
    kinds = {"system"} if actor is None else actor_kinds(actor, licence.enterprise)
    CANCELLATION_WORKFLOW.apply(cancellation, "propose", kinds)
    cancellation.full_clean(validate_constraints=False)
    cancellation.save(action="sourcecontrol.cancellation.propose")
    return track(cancellation)


def scan_lapsed(*, actor=None, today: date | None = None) -> int:
    """Propose a cancellation for every lapsed safety licence without one under way (within
    the actor's scope; everywhere for the system). Returns how many were proposed."""
    today = today or timezone.localdate()
    rows = Licence.objects.all() if actor is None else Licence.objects.for_user(actor, "view")
    open_ = LicenceCancellation.objects.exclude(state="withdrawn").values("licence_id")
    lapsed = (
        rows.filter(kind__in=CANCELLED_KINDS, valid_to__lt=today)
        .exclude(status=LicenceStatus.REVOKED)
        .exclude(pk__in=open_)
        .exclude(
            # a withdrawn proposal is not made again for the same lapse
            pk__in=LicenceCancellation.objects.filter(state="withdrawn").values("licence_id")
        )
    )
    count = 0
    for licence in lapsed.order_by("id"):
        propose_cancellation(actor=actor, licence=licence)
        count += 1
    return count


def _cancellation_move(actor, cancellation, version, move):
    cancellation = lock(LicenceCancellation, actor, cancellation.pk, version=version)
    CANCELLATION_WORKFLOW.apply(cancellation, move, actor_kinds(actor, cancellation.enterprise))
    return cancellation


@service
def notify_cancellation(*, actor, cancellation, version, notice: str) -> LicenceCancellation:
    cancellation = _cancellation_move(actor, cancellation, version, "notify")
    require(notice.strip(), _("Write the notice to the enterprise."), "notice")
    cancellation.notice, cancellation.notified_at = notice, timezone.now()
    bump(cancellation)
    cancellation.save(action="sourcecontrol.cancellation.notify")
    staff = User.objects.filter(
        role_assignments__enterprise=cancellation.enterprise,
        role_assignments__role__in=[Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER],
        role_assignments__active=True,
    )
    after_commit(
        notify,
        staff,
        kind="sourcecontrol",
        title=_("Licence %(number)s lapsed: cancellation notice")
        % {"number": cancellation.licence.number},
        link=f"/source/cancellations/{cancellation.pk}/",
        dedupe_key=f"cancellation-notice-{cancellation.pk}",
    )
    return cancellation


@service
def cancel_licence(*, actor, cancellation, version, decision_number: str) -> LicenceCancellation:
    """注销: the licence is recorded as expired in the ledger and the cancellation is closed.
    A licence renewed meanwhile is not cancelled (withdraw instead)."""
    cancellation = _cancellation_move(actor, cancellation, version, "cancel")
    require(decision_number.strip(), _("Give the decision number."), "decision_number")
    licence = Licence.objects.select_for_update().get(pk=cancellation.licence_id)
    if not _lapsed(licence, timezone.localdate()):
        raise IllegalMove(_("The licence was renewed: withdraw the cancellation instead."))
    if licence.status == LicenceStatus.VALID:
        change_part(
            actor=actor,
            part=licence,
            data={"status": LicenceStatus.EXPIRED},
            version=licence.version,
        )
    cancellation.decision_number, cancellation.cancelled_at = decision_number, timezone.now()
    bump(cancellation)
    cancellation.save(action="sourcecontrol.cancellation.cancel")
    return cancellation


@service
def withdraw_cancellation(*, actor, cancellation, version, note: str) -> LicenceCancellation:
    cancellation = _cancellation_move(actor, cancellation, version, "withdraw")
    require(note.strip(), _("Say why."), "note")
    cancellation.note = note
    bump(cancellation)
    cancellation.save(action="sourcecontrol.cancellation.withdraw")
    return cancellation


# ---------------------------------------------------------------- stop and rectify
@service
def issue_stop_order(
    *, actor, enterprise, number: str, issued_on: date, scope: str, reason: str, requirements: str
) -> StopOrder:
    """责令停产整顿. A whole-enterprise order marks the enterprise suspended in the ledger."""
    enterprise = _enterprise(actor, enterprise)
    order = StopOrder(
        enterprise=enterprise,
        number=number.strip(),
        issued_on=issued_on,
        scope=scope,
        reason=reason.strip(),
        requirements=requirements.strip(),
    )
    STOP_WORKFLOW.apply(order, "issue", actor_kinds(actor, enterprise))
    require(order.number, _("Give the order number."), "number")
    require(
        not StopOrder.objects.filter(number=order.number).exists(),
        _("An order with this number exists."),
        "number",
    )
    require(issued_on <= timezone.localdate(), _("Not in the future."), "issued_on")
    require(order.reason, _("Give the reason."), "reason")
    require(order.requirements, _("Say what must be rectified."), "requirements")
    order.full_clean()
    order.save(action="sourcecontrol.stop.issue")
    if order.scope == "whole" and enterprise.status == Status.OPERATING:
        update_enterprise(
            actor=actor,
            enterprise=enterprise,
            data={"status": Status.SUSPENDED},
            expected_version=enterprise.version,
        )
    return track(order)


def _stop_move(actor, order, version, move) -> StopOrder:
    order = lock(StopOrder, actor, order.pk, version=version)
    kinds = actor_kinds(actor, order.enterprise, inspected_by_id=order.inspected_by_id)
    STOP_WORKFLOW.apply(order, move, kinds)
    return order


@service
def apply_resumption(*, actor, order, version, application: str) -> StopOrder:
    order = _stop_move(actor, order, version, "apply")
    require(application.strip(), _("Say what was rectified."), "application")
    order.application, order.applied_at = application, timezone.now()
    order.rounds += 1
    bump(order)
    order.save(action="sourcecontrol.stop.apply")
    return order


@service
def inspect_resumption(
    *, actor, order, version, passed: bool, inspected_on: date, inspection: str
) -> StopOrder:
    order = _stop_move(actor, order, version, "pass_inspection" if passed else "fail_inspection")
    require(inspection.strip(), _("Record what the inspection found."), "inspection")
    require(inspected_on <= timezone.localdate(), _("Not in the future."), "inspected_on")
    require(
        order.applied_at is None or inspected_on >= timezone.localtime(order.applied_at).date(),
        _("The inspection follows the application."),
        "inspected_on",
    )
    order.inspection, order.inspected_on, order.inspected_by = inspection, inspected_on, actor
    bump(order)
    order.save(action="sourcecontrol.stop.inspect")
    return order


@service
def decide_resumption(*, actor, order, version, approve: bool, decision: str) -> StopOrder:
    """An administrator who did not inspect approves (production resumes; a suspended
    enterprise is operating again) or refuses (back to rectification)."""
    order = _stop_move(actor, order, version, "approve" if approve else "refuse")
    require(decision.strip(), _("Give the decision."), "decision")
    order.decision, order.decided_by, order.decided_at = decision, actor, timezone.now()
    bump(order)
    order.save(action="sourcecontrol.stop.decide")
    if approve:
        enterprise = Enterprise.objects.select_for_update().get(pk=order.enterprise_id)
        still_stopped = StopOrder.objects.filter(
            Q(enterprise=enterprise, scope="whole") & ~Q(state="resumed")
        ).exclude(pk=order.pk)
        if enterprise.status == Status.SUSPENDED and not still_stopped.exists():
            update_enterprise(
                actor=actor,
                enterprise=enterprise,
                data={"status": Status.OPERATING},
                expected_version=enterprise.version,
            )
    return order
