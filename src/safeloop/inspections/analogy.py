"""事故类比: after an accident, a draft special-inspection plan of the enterprises in the
regulator's scope that share the accident enterprise's sector and, when the accident's type
is known, have a risk point exposed to that type of accident. The regulator reviews the
draft and dispatches it as any other plan (assign, then the visits)."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.accidents.models import Accident
from safeloop.core.errors import IllegalMove
from safeloop.core.services import lock, service
from safeloop.enterprises.models import Enterprise
from safeloop.inspections.choices import PlanKind, Reason
from safeloop.inspections.models import Plan, PlanTarget
from safeloop.inspections.services import create_plan
from safeloop.orgs.models import region_prefix
from safeloop.orgs.roles import Role
from safeloop.risks.models import RiskPoint

CITY_WIDE = {Role.SYSTEM_ADMIN, Role.CITY_ADMIN, Role.CITY_INSPECTOR}
PERIOD_DAYS = 30


def candidates(actor, accident: Accident, region_code: str):
    """Enterprises in `actor`'s scope and the plan's region, same sector, same risk feature."""
    found = (
        Enterprise.objects.for_user(actor, "view")
        .filter(region_code__startswith=region_prefix(region_code))
        .filter(sector=accident.enterprise.sector)
        .exclude(pk=accident.enterprise_id)
    )
    if accident.accident_type_id:
        exposed = RiskPoint.objects.filter(
            enterprise=OuterRef("pk"), accident_types__name=accident.accident_type.name
        )
        found = found.filter(Exists(exposed))
    return found.order_by("region_code", "name")


@service
def propose(*, actor, accident: Accident) -> Plan:
    """The draft plan (kind 及时性专项巡查) with its targets and why each was chosen. 404 for
    an accident outside the actor's scope; 403 for a user who does not plan inspections."""
    accident = lock(Accident, actor, accident.pk, action="view")
    if accident.voided:
        raise IllegalMove(_("This accident record was voided."))
    enterprise = accident.enterprise
    region = enterprise.region
    if actor.roles & CITY_WIDE and region.parent_id:
        region = region.parent
    day = timezone.localdate(accident.occurred_at)
    today = timezone.localdate()
    plan = create_plan(
        actor=actor,
        title=_("Accident analogy inspection: %(enterprise)s %(day)s")
        % {"enterprise": enterprise.name, "day": day.isoformat()},
        kind=PlanKind.PATROL_TIMELY,
        region=region,
        period_start=today,
        period_end=today + timedelta(days=PERIOD_DAYS),
        note=_("Proposed after the accident of %(day)s at %(enterprise)s (%(place)s).")
        % {"day": day.isoformat(), "enterprise": enterprise.name, "place": accident.place},
    )
    why = _("Same sector as %(enterprise)s, which had an accident on %(day)s") % {
        "enterprise": enterprise.name,
        "day": day.isoformat(),
    }
    if accident.accident_type_id:
        why += _("; has a risk point exposed to %s") % accident.accident_type.name
    PlanTarget.objects.bulk_create(
        PlanTarget(
            plan=plan,
            enterprise=target,
            region_code=target.region_code,
            reasons=[Reason.MANUAL],
            reason_text=why,
        )
        for target in candidates(actor, accident, region.code)
    )
    return plan
