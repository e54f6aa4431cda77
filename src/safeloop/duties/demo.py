"""Demo responsibility lists: the demo principal's and safety manager's enterprise has its
all-staff list (from the template) and the two key posts' lists, some people signed on paper
and the principal still to acknowledge; a second enterprise has only its all-staff list; the
rest have none, so the standing list and the warnings show them. The city bureau and 兴庆区's
bureau keep their leaders' duty lists. Re-running adds nothing."""

import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from safeloop.duties.choices import DutyKind, ListKind
from safeloop.duties.models import DepartmentDuty, DutyTemplate, ResponsibilityList, Signatory
from safeloop.enterprises.models import Enterprise
from safeloop.orgs.models import Department, RoleAssignment, User

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "data" / "templates.json"


def ensure_templates() -> None:
    """The templates as migration 0002 loads them, again where a database was emptied."""
    for row in json.loads(DEFAULT_TEMPLATES.read_text(encoding="utf-8")):
        keys = {k: row[k] for k in ("sector", "kind", "post", "effective_from")}
        DutyTemplate.objects.get_or_create(**keys, defaults=row)


def _issue(firm, kind, post, days_ago) -> ResponsibilityList | None:
    if ResponsibilityList.objects.filter(enterprise=firm, kind=kind, post=post).exists():
        return None
    template = DutyTemplate.in_force(firm.sector).get((kind, post))
    if template is None:
        return None
    return ResponsibilityList.objects.create(
        enterprise=firm,
        kind=kind,
        post=post,
        items=template.items,
        template=template,
        issued_on=timezone.localdate() - timedelta(days=days_ago),
    )


def _sign(rlist, name, post, *, user=None, paper=False, recorder=None) -> None:
    signatory = Signatory.objects.create(rlist=rlist, person_name=name, post_name=post, user=user)
    if paper:
        signatory.acknowledged_at = timezone.now() - timedelta(days=3)
        signatory.on_paper = True
        signatory.recorded_by = recorder
        signatory.save()


def seed() -> None:
    ensure_templates()
    grant = RoleAssignment.objects.filter(user__username="principal").first()
    if grant is None or grant.enterprise_id is None:
        return
    firm = grant.enterprise
    principal = grant.user
    manager = User.objects.filter(username="safety_manager").first()
    all_staff = _issue(firm, ListKind.ALL_STAFF, "", 40)
    if all_staff is not None:
        for name, post in (("马建军", "操作工"), ("杨丽", "化验员"), ("丁海", "电工")):
            _sign(all_staff, name, post, paper=True, recorder=manager)
        _sign(all_staff, "周文", "叉车司机")
        _sign(all_staff, principal.full_name, "主要负责人", user=principal)
    head = _issue(firm, ListKind.POST, "主要负责人", 40)
    if head is not None:
        _sign(head, principal.full_name, "主要负责人", user=principal)
    safety = _issue(firm, ListKind.POST, "安全生产管理人员", 40)
    if safety is not None and manager is not None:
        signatory = Signatory.objects.create(
            rlist=safety, person_name=manager.full_name, post_name="安全生产管理人员", user=manager
        )
        signatory.acknowledged_at = timezone.now() - timedelta(days=38)
        signatory.recorded_by = manager
        signatory.save()
    second = Enterprise.objects.exclude(pk=firm.pk).order_by("pk").first()
    if second is not None:
        _issue(second, ListKind.ALL_STAFF, "", 200)
    today = timezone.localdate()
    for name, rows in {
        "银川市工业和信息化局": [
            (
                DutyKind.PARTY_GOVERNMENT,
                "党组书记、局长",
                "王志刚",
                "对全市工业领域安全生产工作负全面领导责任\n每季度主持研究安全生产工作",
            ),
            (
                DutyKind.DUAL,
                "分管副局长",
                "李红",
                "对分管行业安全生产负直接领导责任\n督促分管科室落实行业安全监管职责",
            ),
        ],
        "兴庆区工业和信息化局": [
            (
                DutyKind.PARTY_GOVERNMENT,
                "局长",
                "张平",
                "对全区工业企业安全生产监管工作负总责\n组织开展年度安全生产检查",
            ),
        ],
    }.items():
        dept = Department.objects.filter(name=name).first()
        if dept is None:
            continue
        for kind, position, person, duties in rows:
            DepartmentDuty.objects.get_or_create(
                department=dept,
                kind=kind,
                position=position,
                defaults={
                    "person_name": person,
                    "duties": duties,
                    "effective_from": today - timedelta(days=120),
                },
            )
