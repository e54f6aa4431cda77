"""The criteria library as data: the 2023 standard's 64 items (confirmed, unverified and
placeholders), its retired 2017 predecessor, 民爆 2024, and revisions that leave old records
pointing at the wording they were judged by."""

import pytest

from safeloop.core.errors import IllegalMove
from safeloop.inspections import services
from safeloop.inspections.models import ChecklistItem, CriteriaStandard, Criterion, VisitResult
from safeloop.orgs.roles import Role
from tests.inspections.test_visits import answers, dust_item, submit


def test_it_loads_the_2023_standard_with_its_64_items(db):
    items = Criterion.objects.filter(standard__code="GM10-2023")
    assert items.count() == 64
    assert items.filter(area="management").count() == 3
    assert (
        items.filter(area__in=["dust_explosion", "ammonia_refrigeration", "confined_space"]).count()
        == 14
    )
    assert items.filter(verified=True).count() == 36
    placeholders = items.filter(text="")
    assert sorted(placeholders.values_list("item", flat=True)) == [9, 10, 11]
    assert not ChecklistItem.objects.filter(criterion__in=placeholders, active=True).exists()


def test_every_official_item_is_major(db):
    official = ChecklistItem.objects.filter(criterion__isnull=False)
    assert official.count() == 64 + 5
    assert not official.filter(is_major=False).exists()


def test_the_2017_standard_is_retired_but_readable(db):
    old = CriteriaStandard.objects.get(code="GM-2017")
    assert not old.in_force and old.criteria.count() == 59
    assert not Criterion.current.filter(standard=old).exists()
    assert CriteriaStandard.objects.get(code="MB-2024").criteria.count() == 5


def test_a_revision_keeps_the_old_wording_for_old_results(world, visit):
    item = dust_item(visit)
    submit(visit, world.user(Role.GRID_INSPECTOR), answers(visit, fail={item.pk}))
    old = item.criterion
    new = services.revise_criterion(criterion=old, actor=None, text="新措辞", verified=True)
    old.refresh_from_db()
    assert old.superseded_by == new and new.revision == 2
    result = VisitResult.objects.get(checklist_item=item)
    assert result.criterion == old and result.item_text == old.text
    item.refresh_from_db()
    assert item.criterion == new and item.text == "新措辞"
    assert Criterion.current.filter(pk=new.pk).exists()
    assert not Criterion.current.filter(pk=old.pk).exists()
    with pytest.raises(IllegalMove):  # only the latest revision is revised
        services.revise_criterion(criterion=old, actor=None, text="再改", verified=True)


def test_the_admin_revises_a_cited_item_and_retires_a_standard(client, world, visit):
    from django.urls import reverse

    from safeloop.orgs.models import User

    item = dust_item(visit)
    submit(visit, world.user(Role.GRID_INSPECTOR), answers(visit, fail={item.pk}))
    admin = User.objects.create_superuser("root", password="Root#pass2026x")
    client.force_login(admin)
    old = item.criterion
    url = reverse("admin:inspections_criterion_change", args=[old.pk])
    response = client.post(
        url,
        {
            "standard": old.standard_id,
            "article": old.article,
            "item": old.item,
            "area": old.area,
            "text": "经核对的新条文",
            "verified": "on",
            "source_note": "官方原文",
        },
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.text != "经核对的新条文" and old.superseded_by.text == "经核对的新条文"
    standard = CriteriaStandard.objects.get(code="MB-2024")
    client.post(
        reverse("admin:inspections_criteriastandard_changelist"),
        {"action": "retire", "_selected_action": [standard.pk]},
    )
    standard.refresh_from_db()
    assert standard.retired_on is not None
    assert not standard.checklists.filter(active=True).exists()
    assert standard.criteria.count() == 5  # still readable


def test_filling_in_a_placeholder_activates_its_item(client, world):
    from django.urls import reverse

    from safeloop.orgs.models import User

    placeholder = Criterion.objects.get(standard__code="GM10-2023", article="第四条", item=9)
    client.force_login(User.objects.create_superuser("root", password="Root#pass2026x"))
    client.post(
        reverse("admin:inspections_criterion_change", args=[placeholder.pk]),
        {
            "standard": placeholder.standard_id,
            "article": "第四条",
            "item": 9,
            "area": "metallurgy",
            "text": "管理员补录的条文",
            "source_note": "待核对",
        },
    )
    assert ChecklistItem.objects.get(criterion=placeholder).active
