"""Words that several apps translate differently carry a context where their meaning differs.

Django merges every app's catalogue into one, and the app listed first wins a plain msgid: the
training app's "open" (a link to a scan) would read 未销号 from the hazards catalogue, a duties
"position" (a post) 顺序, an accident's "Report" move 举报. These are the words found that way;
each must read as its own app means it.
"""

import pytest
from django.utils import translation

CASES = [
    ("link", "open", "查看"),
    ("warning count", "open", "待处理"),
    ("commitment", "open", "未完成"),
    ("deadline", "by", "截止"),
    ("post", "position", "职务"),
    ("document", "missing", "缺失"),
    ("signature", "waiting", "待签认"),
    ("bulletin", "unit", "单位"),
    ("self-check", "period", "周期"),
    ("warning", "period", "周期"),
    ("credit", "grade", "信用等级"),
    ("recorded by", "by", "记录人"),
    ("assessed unit", "unit", "被考核单位"),
    ("order", "position", "排序"),
    ("measure", "unit", "计量单位"),
    ("organisation", "unit", "单位"),
    ("emergency move", "Report", "报告"),
    ("accident move", "Report", "报告"),
    ("incident state", "Closed", "已结束"),
    ("case state", "Closed", "已结案"),
    ("checklist result", "Fail", "不符合"),
    ("exam result", "Failed", "不合格"),
    ("indicator code", "Code", "代码"),
    ("incident move", "Open", "启动"),
    ("credit repair", "Apply", "申请"),
    ("import", "Apply", "导入"),
    ("interview", "Record", "填写约谈记录"),
    ("case state", "Filed", "已立案"),
    ("public site", "article", "文章"),
    ("annual assessment", "assessment", "考核"),
    ("crackdown", "campaign", "专项行动"),
    ("share done", "done", "完成率"),
    ("campaign summary", "summary", "行动概况"),
    ("follow-up visit", "visited on", "回访日期"),
    ("assessment items", "items", "考核项目"),
    ("person", "name", "姓名"),
    ("enforcement documents", "Documents", "文书"),
]


@pytest.mark.parametrize(("context", "msgid", "expected"), CASES)
def test_it_reads_each_context_as_its_app_means_it(context, msgid, expected):
    with translation.override("zh-hans"):
        assert translation.pgettext(context, msgid) == expected


def test_it_shows_the_choice_labels_in_their_context():
    from safeloop.accidents.choices import CaseState
    from safeloop.emergency.choices import IncidentState

    with translation.override("zh-hans"):
        assert str(CaseState.CLOSED.label) == "已结案"
        assert str(IncidentState.CLOSED.label) == "已结束"
