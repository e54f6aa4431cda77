"""The enterprise picker: one core widget on every form that picks an enterprise; each option
carries what a regulator types to find it (name, pinyin initials, USCC)."""

import re

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


# A list longer than settings.PICKER_LISTED: drawn with its chosen row only, searched by
# asking the page that drew it again.


def picker(page: str, name: str = "enterprise") -> str:
    found = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert found, f"no select {name}"
    return found.group(0)


def options(select: str) -> list[str]:
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]


@pytest.fixture
def long_lists(settings):
    settings.PICKER_LISTED = 1


def test_a_long_list_holds_the_chosen_row_only_and_names_the_page_that_drew_it(
    client, world, long_lists
):
    client.force_login(world.user("city_inspector"))
    select = picker(client.get(reverse("hazard-register")).content.decode())
    assert 'data-source="/hazards/new/"' in select
    assert options(select) == []
    # sent back with an error, the form keeps the choice it was given
    sent = client.post(reverse("hazard-register"), {"enterprise": world.sibling.pk})
    select = picker(sent.content.decode())
    assert options(select) == [str(world.sibling.pk)] and "selected" in select


def test_the_page_asked_again_answers_from_the_forms_own_list(client, world, long_lists):
    client.force_login(world.user("city_inspector"))
    url = reverse("hazard-register")

    def found(text: str) -> list[str]:
        page = client.get(url, {"_pick": "enterprise", "_find": text})
        assert page.status_code == 200
        select = picker(page.content.decode())
        assert "data-source" not in select  # the answer is the search, not another picker
        return options(select)

    assert found(world.sibling.pinyin_initials) == [str(world.sibling.pk)]
    assert found(world.sibling.uscc.lower()) == [str(world.sibling.pk)]
    assert found(world.inside.name[:4]) == [str(world.inside.pk)]
    # another city's enterprise is not in this inspector's list, however it is named
    assert found(world.outside.uscc) == [] and found(world.outside.name) == []
    assert sorted(found("")) == sorted([str(world.inside.pk), str(world.sibling.pk)])


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script>", "'; DROP TABLE x; --", "企" * 5000, "a\x00b", "%%"]
)
def test_a_hostile_search_finds_nothing_and_breaks_nothing(client, world, long_lists, text):
    client.force_login(world.user("city_inspector"))
    page = client.get(reverse("hazard-register"), {"_pick": "enterprise", "_find": text})
    assert page.status_code == 200
    assert options(picker(page.content.decode())) == []
    assert "<script>alert(1)</script>" not in page.content.decode()


@pytest.mark.parametrize("sent", ["9" * 30, "-1", "abc", str(2**63)])
def test_a_long_list_sent_back_with_a_value_no_row_has_says_so_and_draws_no_row(
    client, world, long_lists, sent
):
    client.force_login(world.user("city_inspector"))
    page = client.post(reverse("hazard-register"), {"enterprise": sent})
    assert page.status_code == 400
    assert "enterprise" in page.context["form"].errors
    assert options(picker(page.content.decode())) == []


def test_a_search_for_another_select_leaves_this_one_a_picker(client, world, long_lists):
    client.force_login(world.user("city_inspector"))
    page = client.get(reverse("hazard-register"), {"_pick": "level", "_find": "甲"})
    assert 'data-source="' in picker(page.content.decode())


def test_a_case_finds_its_hidden_danger_and_visit_by_number_or_enterprise(
    client, world, long_lists
):
    from tests.enforcement.conftest import make_hazard

    mine, theirs = make_hazard(world.inside), make_hazard(world.outside)
    other = make_hazard(world.sibling)
    client.force_login(world.user("city_admin"))
    url = reverse("crackdown-case-new")
    assert 'data-source="' in picker(client.get(url).content.decode(), "hazard")

    def found(text: str) -> list[str]:
        page = client.get(url, {"_pick": "hazard", "_find": text})
        return options(picker(page.content.decode(), "hazard"))

    assert found(mine.number) == [str(mine.pk)]
    assert found(mine.number.lower()) == [str(mine.pk)]
    assert found(world.sibling.pinyin_initials) == [str(other.pk)]
    assert found(theirs.number) == [] and found(world.outside.name) == []


def every_form():
    import importlib
    import pkgutil

    from django import forms

    import safeloop

    for module in pkgutil.walk_packages(safeloop.__path__, "safeloop."):
        if module.name.rsplit(".", 1)[-1].endswith("forms"):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [f for f in subclasses(forms.BaseForm) if f.__module__.startswith("safeloop.")]


def test_every_choice_of_a_searchable_model_is_a_picker():
    """An enterprise, a hidden danger, a visit, a case or a document: a city's list of them
    is too long for a select, so every form's choice of one is searched."""
    from django.forms import ModelChoiceField

    plain = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in every_form()
        for name, field in form.base_fields.items()
        if isinstance(field, ModelChoiceField)
        and field.queryset is not None
        and hasattr(field.queryset.model, "picker_search")
        and not isinstance(field.widget, SearchableSelect)
    ]
    assert not plain
