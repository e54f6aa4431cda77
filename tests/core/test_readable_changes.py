"""The change log speaks people's words: field labels, choice labels, 是/否, plain numbers."""

from django.utils import translation

from safeloop.core.changes import readable_changes
from safeloop.hazards.models import Hazard


def test_changes_read_as_labels_not_codes():
    with translation.override("zh-hans"):
        rows = readable_changes(
            Hazard,
            {
                "production_stopped": [None, False],
                "level": ["general", "major"],
                "funds_budgeted": ["720.0000", "1500.50"],
                "no_such_field": [None, "x"],
            },
        )
    assert rows == [
        ("整改期间停产停业", "—", "否"),
        ("级别", "一般", "重大"),
        ("整改资金预算（元）", "720", "1500.5"),
        ("no_such_field", "—", "x"),
    ]
    assert not any("∅" in cell or "False" in cell for row in rows for cell in row)


def test_structured_values_read_as_their_name_or_their_size():
    with translation.override("zh-hans"):
        rows = readable_changes(
            None,
            {
                "item": [None, {"code": "indicators", "name": "控制指标消耗", "value": None}],
                "figures": [{"overdue": {"value": 1}}, {"overdue": {"value": 2}, "deaths": 0}],
            },
        )
    assert rows == [("item", "—", "控制指标消耗"), ("figures", "1 项", "2 项")]
