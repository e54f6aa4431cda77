"""The enterprise picker: one core widget on every form that picks an enterprise; each option
carries what a regulator types to find it (name, pinyin initials, USCC)."""

import pytest
from django.urls import reverse

from safeloop.core.widgets import SearchableSelect

pytestmark = pytest.mark.django_db


def test_it_marks_each_enterprise_with_its_name_pinyin_and_code(client, world):
    client.force_login(world.user("county_inspector"))
    page = client.get(reverse("hazard-register")).content.decode()
    e = world.inside
    assert 'data-searchable="1"' in page
    assert f'data-search="{e.name} {e.pinyin_initials} {e.uscc}"'.lower() in page.lower()
    assert "core/picker.js" in page


@pytest.mark.parametrize(
    "form_path",
    [
        "safeloop.hazards.forms.RegisterForm",
        "safeloop.public.forms.AcceptForm",
        "safeloop.emergency.forms.NearestForm",
        "safeloop.orgs.forms.AccountForm",
        "safeloop.emergency.forms.IncidentForm",
        "safeloop.emergency.forms.PlanForm",
        "safeloop.emergency.forms.ResourceForm",
        "safeloop.accidents.forms.AccidentForm",
    ],
)
def test_it_is_the_widget_of_every_enterprise_choice(form_path):
    from django.utils.module_loading import import_string

    form = import_string(form_path)
    assert isinstance(form.base_fields["enterprise"].widget, SearchableSelect)


def test_it_labels_options_without_search_text_by_their_label():
    widget = SearchableSelect(choices=[("", "请选择"), ("1", "甲")])
    html = widget.render("x", "1")
    assert 'data-search="甲"' in html and 'data-placeholder="' in html
