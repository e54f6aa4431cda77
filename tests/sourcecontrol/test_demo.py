"""The demo gives every source-control page content on first start, and seeding again adds
nothing."""

import pytest

from safeloop.demo.seed import seed
from safeloop.hazards.models import Hazard
from safeloop.sourcecontrol.models import (
    CatalogueMatch,
    EliminationItem,
    ExpertVisit,
    LicenceCancellation,
    StopOrder,
)


@pytest.mark.django_db
def test_the_demo_shows_source_control_history(settings, tmp_path, demo):
    settings.MEDIA_ROOT = tmp_path
    counts = {
        m.__name__: m.objects.count()
        for m in (ExpertVisit, CatalogueMatch, EliminationItem, LicenceCancellation, StopOrder)
    }
    assert all(counts.values()), counts
    assert {s.state for s in StopOrder.objects.all()} == {"ordered", "applied", "resumed"}
    assert {e.state for e in EliminationItem.objects.all()} == {"listed", "verified"}
    hazards = Hazard.objects.count()
    seed()
    assert Hazard.objects.count() == hazards
    assert counts == {
        m.__name__: m.objects.count()
        for m in (ExpertVisit, CatalogueMatch, EliminationItem, LicenceCancellation, StopOrder)
    }
