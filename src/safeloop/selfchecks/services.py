"""Doing a self-check task: the record (排查记录), its photos and, when the result is abnormal,
the hidden danger — through the hazards services, in one transaction."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.core.errors import NON_FIELD, IllegalMove, Invalid, fields_for
from safeloop.core.photos import attach_photo
from safeloop.core.services import bump, lock, require, service, track
from safeloop.core.workflow import SYSTEM
from safeloop.hazards import services as hazards
from safeloop.hazards.choices import Category, Level, Source
from safeloop.hazards.models import PhotoStage
from safeloop.orgs.roles import ENTERPRISE_STAFF
from safeloop.selfchecks.choices import HazardAction, Result
from safeloop.selfchecks.models import SelfCheckPhoto, SelfCheckRecord, SelfCheckTask
from safeloop.selfchecks.workflow import SELFCHECK_TASK, STAFF

MAX_PHOTOS = 6
NOTE_MAX = 5000


def may_record(user, task: SelfCheckTask) -> bool:
    """The task's enterprise staff: the person it is assigned to, or the principal or a
    safety manager standing in for them (the record keeps who did it)."""
    return user is not None and any(
        g.role in ENTERPRISE_STAFF and g.enterprise_id == task.enterprise_id for g in user.grants()
    )


def actor_kinds(user, task: SelfCheckTask) -> set[str]:
    """The kinds of `selfchecks.workflow` that `user` is for `task` (None: the system)."""
    if user is None:
        return {SYSTEM}
    return {STAFF} if may_record(user, task) else set()


def moves_for(user, task: SelfCheckTask) -> list[str]:
    """The moves the screens and the API offer `user` on `task`."""
    return SELFCHECK_TASK.moves_for(task.state, actor_kinds(user, task))


def hazard_key(task: SelfCheckTask) -> str:
    """The idempotency key of the hidden danger a task's abnormal result creates."""
    return f"selfcheck-task-{task.pk}"


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


@service
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
    queryset = SelfCheckTask.objects.select_related("enterprise", "risk_point", "measure")
    # 404 outside the actor's scope, 409 stale; then the table: 409 done or missed, 403 for
    # anyone but the enterprise's staff
    task = lock(SelfCheckTask, actor, task.pk, action="view", version=version, queryset=queryset)
    state = task.get_state_display()
    try:
        SELFCHECK_TASK.apply(task, "record", actor_kinds(actor, task))
    except IllegalMove:
        raise IllegalMove(_("This task is %s: it can no longer be recorded.") % state) from None
    track(task, "change")
    if task.period_start > timezone.localdate():
        raise IllegalMove(_("This task's period has not started yet."))
    require(result in Result.values, _("Choose normal or abnormal."), "result")
    note = (note or "").strip()
    require(len(note) <= NOTE_MAX, _("The note is too long."), "note")
    require(len(photos) <= MAX_PHOTOS, _("At most %d photos.") % MAX_PHOTOS, "photos")
    hazard = None
    if result == Result.ABNORMAL:
        require(bool(note), _("Describe what is wrong."), "note")
        require(
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
        except (ValidationError, Invalid) as error:
            # the hazard's own field names, where the record form has them
            raise Invalid(_rename(error)) from None
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
    track(record, "view")
    for upload in photos:
        _add_photo(record, upload, actor)
        if hazard is not None:
            upload.seek(0)
            stage = (
                PhotoStage.AFTER if hazard_action == HazardAction.FIX_ON_SPOT else PhotoStage.BEFORE
            )
            hazards.add_photo(hazard=hazard, actor=actor, upload=upload, stage=stage)
    bump(task)
    task.save(action="selfchecks.selfchecktask.record", actor=actor)
    return record  # the task is re-checked in the actor's scope before commit


def _rename(error: Exception) -> dict[str, list[str]]:
    """The hazard's errors under the record form's names (its `file` is our `photos`)."""
    renamed: dict[str, list[str]] = {}
    for name, messages in fields_for(error).items():
        renamed.setdefault("photos" if name == "file" else name or NON_FIELD, []).extend(messages)
    return renamed


def _add_photo(record, upload, actor) -> SelfCheckPhoto:
    return attach_photo(SelfCheckPhoto, upload=upload, actor=actor, field="photos", record=record)
