"""The demo's hidden dangers: six months of the closed loop walked through the services, so
every hazards page, chart and bulletin has something on first start; seeding again changes
nothing."""

from django.utils import timezone

from safeloop.core.models import AuditEntry
from safeloop.demo.seed import seed
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Extension, Hazard, HazardEvent, HazardPhoto, Listing


def test_the_demo_walks_the_loop_over_six_months(db, demo):
    hazards = Hazard.objects.filter(idempotency_key__startswith="demo-hazard-")
    assert {State.RECTIFYING, State.AWAITING, State.CLOSED} <= set(
        hazards.values_list("state", flat=True)
    )
    today = timezone.localdate()
    overdue = hazards.filter(state=State.RECTIFYING, deadline__lt=today)
    in_time = hazards.filter(state=State.RECTIFYING, deadline__gte=today)
    assert overdue.exists() and in_time.exists()
    oldest = hazards.order_by("found_at").first().found_at
    assert (timezone.now() - oldest).days >= 150  # half a year of history
    majors = hazards.filter(level=Level.MAJOR)
    assert majors.exists()
    assert Listing.objects.filter(hazard__in=majors).count() == majors.count()
    assert majors.filter(state=State.CLOSED).exists()
    assert Extension.objects.filter(hazard__in=hazards).exists()
    # Returned once: a return move in its timeline and rectifying again.
    assert HazardEvent.objects.filter(hazard__in=hazards, move="return").exists()
    for hazard in hazards.filter(state__in=[State.AWAITING, State.CLOSED]):
        assert HazardPhoto.objects.filter(hazard=hazard, stage="after").exists()
        assert hazard.submitted_at >= hazard.found_at
    for hazard in hazards.filter(state=State.CLOSED):
        assert hazard.found_at <= hazard.submitted_at <= hazard.accepted_at
    # The regulators' findings carry a notice number; the timeline starts when it was found.
    assert not hazards.filter(found_by_regulator=True, notice_number="").exists()
    first = HazardEvent.objects.filter(hazard=overdue.first()).order_by("at").first()
    assert abs((first.at - overdue.first().found_at).total_seconds()) < 60
    counts = (hazards.count(), HazardEvent.objects.count(), AuditEntry.objects.count())
    seed()
    assert (hazards.count(), HazardEvent.objects.count(), AuditEntry.objects.count()) == counts
