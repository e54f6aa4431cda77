"""core.text: control characters are refused by every text input (API, forms, imports), and
every export stays readable when one was stored before."""

from io import BytesIO

import pytest
from django import forms
from openpyxl import load_workbook
from rest_framework import serializers

from safeloop.core.documents import neutralise, workbook_response
from safeloop.core.text import NoControlCharacters, has_control_characters
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.roles import Role

CONTROLS = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)]


@pytest.mark.parametrize("char", CONTROLS)
def test_it_finds_every_control_character_but_tab_and_line_breaks(char):
    assert has_control_characters(f"a{char}b", multiline=True)
    assert has_control_characters(f"a{char}b")


def test_it_keeps_tab_and_line_breaks():
    assert not has_control_characters("a\tb\nc\r\n", multiline=True)
    assert not has_control_characters("a\tb\nc\r\n")


def test_every_model_text_field_and_every_form_and_serializer_field_is_guarded():
    address = Enterprise._meta.get_field("address")
    assert any(isinstance(v, NoControlCharacters) for v in address.validators)
    assert NoControlCharacters(multiline=False) in forms.CharField().validators
    assert NoControlCharacters(multiline=True) in forms.CharField(widget=forms.Textarea).validators
    assert NoControlCharacters(multiline=False) in serializers.CharField().validators


def test_the_api_refuses_a_control_character_with_a_field_error_and_changes_nothing(world, api):
    url = f"/api/v1/enterprises/{world.inside.pk}/"
    client = api.as_user(world.user(Role.COUNTY_ADMIN))
    version = client.get(url).json()["version"]
    before = Enterprise.objects.get(pk=world.inside.pk).address
    response = client.patch(url, {"address": "一号\x01路", "version": version})
    assert response.status_code == 400
    assert "address" in response.json()["error"]["fields"]
    assert Enterprise.objects.get(pk=world.inside.pk).address == before
    nul = client.patch(url, {"name": "企\x00业", "version": version})
    assert nul.status_code == 400


def test_a_stored_control_character_never_breaks_an_export(world, client):
    Enterprise.objects.filter(pk=world.inside.pk).update(address="一号\x01路\x1f", name="=企业\x02")
    client.force_login(world.user(Role.COUNTY_ADMIN))
    response = client.get("/enterprises/export/")
    assert response.status_code == 200
    cells = [c for row in load_workbook(BytesIO(response.content)).active.values for c in row]
    assert "一号路" in cells and "'=企业" in cells


def test_the_workbook_writer_drops_what_a_workbook_cannot_hold():
    assert neutralise("a\x00b\x0bc\td") == "abc\td"
    response = workbook_response("x.xlsx", [("表\x01", ["h\x02"], [["v\x03", 1]])])
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows == [("h",), ("v", 1)] or rows == [("h", None), ("v", 1)]


def test_the_rows_of_an_export_are_closed_when_writing_fails():
    closed = []

    def rows():
        try:
            yield 5  # not a row: the export fails while this generator is suspended
        finally:
            closed.append(True)

    with pytest.raises(TypeError):
        workbook_response("x.xlsx", [("s", ["h"], rows())])
    assert closed == [True]
