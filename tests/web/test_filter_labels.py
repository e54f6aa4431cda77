"""Filters speak Chinese: no "(descending)" or "Unknown" on a list's filters."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_labels_ordering_and_empty_choices_in_chinese(client, world):
    client.force_login(world.user("county_inspector"))
    page = client.get(reverse("enterprise-list")).content.decode()
    assert "descending" not in page and "Unknown" not in page
    assert "（降序）" in page and "全部" in page
