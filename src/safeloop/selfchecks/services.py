"""Doing a self-check task: the record (排查记录), its photos and, when the result is abnormal,
the hidden danger — through the hazards services, in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import Conflict, IllegalMove, NotPermitted
from safeloop.core.photos import attach_photo
from safeloop.core.scoping import ensure_in_scope
from safeloop.hazards import services as hazards
from safeloop.hazards.choices import Category, Level, Source
from safeloop.hazards.models import PhotoStage
from safeloop.orgs.roles import ENTERPRISE_STAFF
from safeloop.selfchecks.choices import HazardAction, Result, TaskState
from safeloop.selfchecks.models import SelfCheckPhoto, SelfCheckRecord, SelfCheckTask

MAX_PHOTOS = 6
NOTE_MAX = 5000


def may_record(user, task: SelfCheckTask) -> bool:
    """The task's enterprise staff: the person it is assigned to, or the principal or a
    safety manager standing in for them (the record keeps who did it)."""
    return user is not None and any(
        g.role in ENTERPRISE_STAFF and g.enterprise_id == task.enterprise_id for g in user.grants()
    )


def hazard_key(task: SelfCheckTask) -> str:
    """The idempotency key of the hidden danger a task's abnormal result creates."""
    return f"selfcheck-task-{task.pk}"


def _require(condition, message, field=None):
    if not condition:
        raise IllegalMove(message, field=field)


def _hazard_fields(task, note, category, level) -> dict:
    point = task.risk_point
    return {
        "level": level,
        "source": Source.CONTROL_FAILURE,
        "category": category,
        "place": (point.location or point.name)[:200],
        "risk_point": point,
        "control_measure": task.measure,
        "description": note,
        "found_at": timezone.now(),
    }


@transaction.atomic
def record_task(
    *,
    task,
    actor,
    result,
    note="",
    photos=(),
    hazard_action="",
    category=Category.OTHER,
    level=Level.GENERAL,
    deadline=None,
    deadline_working_days=None,
    evidence="",
    version=None,
) -> SelfCheckRecord:
    """Mark a task done with its result. An abnormal result creates a hidden danger: registered
    for rectification with a deadline, or fixed on the spot with the evidence. A failure
    anywhere (a bad photo, a missing deadline) leaves nothing behind."""
    locked = (
        SelfCheckTask.objects.for_user(actor)
        .select_for_update()
        .select_related("risk_point", "measure")
        .filter(pk=task.pk)
        .first()
    )
    if locked is None:
        raise SelfCheckTask.DoesNotExist
    task = locked
    if not may_record(actor, task):
        raise NotPermitted(_("Only the enterprise's staff record its self-checks."))
    if version is not None and version != task.version:
        raise Conflict(_("This task changed meanwhile; reload and try again."))
    _require(
        task.state == TaskState.PENDING,
        _("This task is %s: it can no longer be recorded.") % task.get_state_display(),
    )
    today = timezone.localdate()
    _require(
        task.period_start <= today,
        _("This task's period has not started yet."),
    )
    _require(result in Result.values, _("Choose normal or abnormal."), "result")
    note = (note or "").strip()
    _require(len(note) <= NOTE_MAX, _("The note is too long."), "note")
    _require(len(photos) <= MAX_PHOTOS, _("At most %d photos.") % MAX_PHOTOS, "photos")
    hazard = None
    if result == Result.ABNORMAL:
        _require(bool(note), _("Describe what is wrong."), "note")
        _require(
            hazard_action in HazardAction.values,
            _("Choose how the abnormality is handled."),
            "hazard_action",
        )
        fields = _hazard_fields(task, note, category, level)
        try:
            if hazard_action == HazardAction.FIX_ON_SPOT:
                hazard, _created = hazards.fix_on_spot(
                    actor=actor,
                    enterprise=task.enterprise,
                    evidence=evidence or "",
                    idempotency_key=hazard_key(task),
                    **fields,
                )
            else:
                hazard, _created = hazards.register(
                    actor=actor,
                    enterprise=task.enterprise,
                    deadline=deadline,
                    deadline_working_days=deadline_working_days,
                    idempotency_key=hazard_key(task),
                    **fields,
                )
        except ValidationError as error:
            # the hazard's own field names, where the record form has them
            raise ValidationError(_rename(error)) from None
    else:
        hazard_action = ""
    record = SelfCheckRecord(
        task=task,
        enterprise=task.enterprise,
        region_code=task.region_code,
        result=result,
        note=note,
        hazard_action=hazard_action,
        hazard=hazard,
        recorded_by=actor,
    )
    record.save(actor=actor)
    for upload in photos:
        _add_photo(record, upload, actor)
        if hazard is not None:
            upload.seek(0)
            stage = (
                PhotoStage.AFTER if hazard_action == HazardAction.FIX_ON_SPOT else PhotoStage.BEFORE
            )
            hazards.add_photo(hazard=hazard, actor=actor, upload=upload, stage=stage)
    task.state = TaskState.DONE
    task.version += 1
    task.save(action="selfchecks.selfchecktask.record", actor=actor)
    ensure_in_scope(actor, "change", task)
    return record


def _rename(error: ValidationError):
    if hasattr(error, "error_dict"):
        return {("photos" if k == "file" else k): v for k, v in error.message_dict.items()}
    return error.messages


def _add_photo(record, upload, actor) -> SelfCheckPhoto:
    return attach_photo(SelfCheckPhoto, upload=upload, actor=actor, field="photos", record=record)
