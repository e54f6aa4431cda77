import random
from datetime import timedelta

import pytest
from django.utils import timezone

from safeloop.bulletins import services
from safeloop.bulletins.figures import month_bounds
from safeloop.bulletins.tasks import last_month
from safeloop.hazards.choices import Level, State
from safeloop.hazards.models import Hazard


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def month():
    return last_month(timezone.localdate())


@pytest.fixture
def mixed(world, month):
    """A seeded mix of hidden dangers in every state around the month, in all enterprises."""
    rng = random.Random(7)
    start, end, _last = month_bounds(month)
    year_start = start.replace(month=1)
    now = timezone.now()
    made = []
    for n in range(150):
        enterprise = rng.choice([world.inside, world.inside, world.sibling, world.outside])
        found = (
            year_start
            - timedelta(days=40)
            + timedelta(
                hours=rng.randrange(
                    int((min(end + timedelta(days=20), now) - year_start).total_seconds() // 3600)
                    + 960
                )
            )
        )
        found = min(found, now - timedelta(hours=1))
        state = rng.choice(
            [
                State.RECTIFYING,
                State.AWAITING,
                State.CLOSED,
                State.CLOSED,
                State.VOIDED,
                State.PENDING,
            ]
        )
        accepted = None
        if state == State.CLOSED and n % 10:  # every tenth closed one: no acceptance time
            accepted = min(found + timedelta(days=rng.randrange(0, 50), hours=3), now)
        made.append(
            Hazard.objects.create(
                enterprise=enterprise,
                state=state,
                level=Level.MAJOR if n % 6 == 0 else Level.GENERAL,
                source="1",
                category="1",
                place=f"部位{n}",
                description=f"隐患{n}",
                found_at=found,
                accepted_at=accepted,
                deadline=(found + timedelta(days=rng.randrange(-5, 45))).date(),
            )
        )
    return made


@pytest.fixture
def generate(month):
    def make(region, actor=None, **kw):
        return services.generate(region=region, month=kw.pop("month", month), actor=actor, **kw)

    return make
