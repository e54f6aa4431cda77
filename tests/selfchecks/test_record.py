"""Doing a task (排查记录): normal and abnormal results, the hidden danger made through the
hazards services with a key derived from the task, atomicity, and who may record."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from safeloop.core.errors import (
    Conflict,
    IllegalMove,
    NotFound,
    NotPermitted,
    ServiceError,
    fields_for,
    status_for,
)
from safeloop.core.models import AuditEntry
from safeloop.hazards.choices import Source, State
from safeloop.hazards.models import Hazard, HazardPhoto
from safeloop.orgs.roles import Role
from safeloop.selfchecks import services
from safeloop.selfchecks.choices import TaskState
from safeloop.selfchecks.models import SelfCheckPhoto, SelfCheckRecord, SelfCheckTask
from tests.scope import ROLES


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg(name="photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (38.0, 28.0, 0.0)  # a GPS latitude that must not survive
    Image.new("RGB", (40, 30), (10, 120, 10)).save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def not_a_photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")


def later(days=10):
    return timezone.localdate() + timedelta(days=days)


def nothing_written(task):
    task.refresh_from_db()
    return (
        task.state == TaskState.PENDING
        and not SelfCheckRecord.objects.exists()
        and not Hazard.objects.exists()
        and not SelfCheckPhoto.objects.exists()
    )


def test_a_normal_result_marks_the_task_done(world, make_task):
    task = make_task()
    manager = world.user(Role.SAFETY_MANAGER)
    record = services.record_task(
        task=task, actor=manager, result="normal", note="  完好 ", photos=[jpeg()]
    )
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.version == 2
    assert (record.note, record.hazard, record.recorded_by) == ("完好", None, manager)
    photo = SelfCheckPhoto.objects.get()
    assert not Image.open(photo.image.open("rb")).getexif().get_ifd(0x8825)
    assert AuditEntry.objects.filter(action="selfchecks.selfchecktask.record").exists()
    assert AuditEntry.objects.filter(action="selfchecks.selfcheckrecord.create").exists()


def test_an_abnormal_result_registers_a_hidden_danger(world, make_task):
    task = make_task()
    manager = world.user(Role.SAFETY_MANAGER)
    record = services.record_task(
        task=task,
        actor=manager,
        result="abnormal",
        note="防护罩缺失",
        hazard_action="register",
        category="7",
        deadline=later(),
        photos=[jpeg()],
    )
    hazard = record.hazard
    assert hazard.state == State.RECTIFYING and hazard.deadline == later()
    assert (hazard.source, hazard.category, hazard.description) == (
        Source.CONTROL_FAILURE,
        "7",
        "防护罩缺失",
    )
    assert (hazard.risk_point_id, hazard.control_measure_id) == (
        task.risk_point_id,
        task.measure_id,
    )
    assert hazard.idempotency_key == f"selfcheck-task-{task.pk}"
    assert hazard.events.get().move == "register"
    assert HazardPhoto.objects.get(hazard=hazard).stage == "before"


def test_an_abnormal_result_fixed_on_the_spot_waits_for_acceptance(world, make_task):
    task = make_task()
    record = services.record_task(
        task=task,
        actor=world.user(Role.ENTERPRISE_PRINCIPAL),
        result="abnormal",
        note="护栏松动",
        hazard_action="fix_on_spot",
        evidence="已紧固",
    )
    assert record.hazard.state == State.AWAITING and record.hazard.evidence == "已紧固"


def test_the_hazard_key_returns_the_same_hazard_for_the_same_task(world, make_task):
    from safeloop.hazards import services as hazards

    task = make_task()
    manager = world.user(Role.SAFETY_MANAGER)
    earlier, _ = hazards.register(
        actor=manager,
        enterprise=task.enterprise,
        idempotency_key=services.hazard_key(task),
        deadline=later(),
        level="general",
        source="9",
        category="8",
        place="一号车间",
        description="先前离线提交",
    )
    record = services.record_task(
        task=task,
        actor=manager,
        result="abnormal",
        note="同一问题",
        hazard_action="register",
        deadline=later(),
    )
    assert record.hazard == earlier and Hazard.objects.count() == 1


@pytest.mark.parametrize(
    "arguments, field",
    [
        ({"result": "abnormal", "note": "", "hazard_action": "register"}, "note"),
        ({"result": "abnormal", "note": "x"}, "hazard_action"),
        ({"result": "abnormal", "note": "x", "hazard_action": "register"}, "deadline"),
        ({"result": "abnormal", "note": "x", "hazard_action": "fix_on_spot"}, "evidence"),
        (
            {
                "result": "abnormal",
                "note": "x",
                "hazard_action": "fix_on_spot",
                "evidence": "ok",
                "level": "major",
            },
            "level",
        ),
        ({"result": "maybe"}, "result"),
        ({"result": "normal", "note": "x" * 6000}, "note"),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(world, make_task, arguments, field):
    task = make_task()
    with pytest.raises(ServiceError) as error:
        services.record_task(task=task, actor=world.user(Role.SAFETY_MANAGER), **arguments)
    assert status_for(error.value) == 400
    assert field in fields_for(error.value)
    assert nothing_written(task)


def test_a_bad_photo_after_the_hazard_undoes_everything(world, make_task):
    task = make_task()
    with pytest.raises(ValidationError) as error:
        services.record_task(
            task=task,
            actor=world.user(Role.SAFETY_MANAGER),
            result="abnormal",
            note="漏油",
            hazard_action="register",
            deadline=later(),
            photos=[jpeg(), not_a_photo()],
        )
    assert "photos" in error.value.message_dict
    assert nothing_written(task)
    assert not AuditEntry.objects.filter(action__startswith="hazards.").exists()


def test_a_done_or_missed_task_cannot_be_recorded(world, make_task):
    manager = world.user(Role.SAFETY_MANAGER)
    task = make_task()
    services.record_task(task=task, actor=manager, result="normal")
    with pytest.raises(IllegalMove):
        services.record_task(task=task, actor=manager, result="normal")
    SelfCheckTask.objects.filter(pk=task.pk).update(state=TaskState.MISSED)
    with pytest.raises(IllegalMove):
        services.record_task(task=task, actor=manager, result="normal")
    assert SelfCheckRecord.objects.count() == 1


def test_a_stale_version_is_a_conflict(world, make_task):
    task = make_task()
    with pytest.raises(Conflict):
        services.record_task(
            task=task, actor=world.user(Role.SAFETY_MANAGER), result="normal", version=7
        )


@pytest.mark.parametrize("role", ROLES)
def test_only_the_enterprises_staff_record(world, make_task, role):
    task = make_task()
    call = lambda: services.record_task(task=task, actor=world.users[role], result="normal")  # noqa: E731
    if role in (Role.ENTERPRISE_PRINCIPAL, Role.SAFETY_MANAGER):
        call()
        assert SelfCheckRecord.objects.count() == 1
    elif role is None:
        with pytest.raises(NotFound):
            call()
    else:  # they see the task but may not record it
        with pytest.raises(NotPermitted):
            call()


def test_another_enterprises_staff_cannot_see_the_task(world, make_task):
    task = make_task(enterprise=world.sibling)
    with pytest.raises(NotFound):
        services.record_task(task=task, actor=world.user(Role.SAFETY_MANAGER), result="normal")
