"""The ledger's two tables walked through the real services: for every (state, move, actor
kind), the move is allowed or refused as `enterprises.workflow` says, and an allowed move
lands where the table says."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeloop.core.errors import IllegalMove, NotFound, NotPermitted
from safeloop.core.models import AuditEntry
from safeloop.core.workflow import CREATED
from safeloop.enterprises import services
from safeloop.enterprises.models import ChangeRequest, Enterprise, ImportBatch
from safeloop.enterprises.workflow import (
    CHANGE_REQUEST,
    IMPORT_BATCH,
    REGULATOR,
    STAFF,
    UPLOADER,
)
from safeloop.orgs.roles import Role
from tests.enterprises.test_spreadsheets import row, xlsx


def cases(workflow):
    return [
        (state, move, kind)
        for state in [CREATED, *workflow.states]
        for move in workflow.moves
        for kind in workflow.actor_kinds
    ]


def expected(workflow, state, move, kind):
    """IllegalMove, NotPermitted, or the landing state, as the table says."""
    transition = workflow._by_key.get((state, move))
    if transition is None:
        return IllegalMove
    if kind not in transition.actors:
        return NotPermitted
    return transition.target or state


def attempt(outcome, call):
    """Run `call`; it must succeed when the table lets the move happen, else raise as the
    table says."""
    if isinstance(outcome, str):
        return call()
    with pytest.raises(outcome):
        call()
    return None


# Change requests ----------------------------------------------------------------------


@pytest.mark.parametrize(("state", "move", "kind"), cases(CHANGE_REQUEST))
def test_every_change_request_move(world, state, move, kind):
    outcome = expected(CHANGE_REQUEST, state, move, kind)
    actor = world.user({STAFF: Role.SAFETY_MANAGER, REGULATOR: Role.COUNTY_INSPECTOR}[kind])
    proposed = {"industry_code": "2671"}
    if state == CREATED and move == "request":
        made = attempt(
            outcome,
            lambda: services.request_change(
                actor=actor, enterprise=world.inside, proposed=proposed
            ),
        )
        assert ChangeRequest.objects.count() == (1 if made else 0)
        if made:
            assert ChangeRequest.objects.get().status == outcome
        return
    if state == CREATED or move == "request":
        # nothing exists to decide, and a request is always a new one
        with pytest.raises(outcome):
            CHANGE_REQUEST.check(state, move, {kind})
        return
    request = services.request_change(
        actor=world.user(Role.ENTERPRISE_PRINCIPAL), enterprise=world.inside, proposed=proposed
    )
    ChangeRequest.objects.filter(pk=request.pk).update(status=state)
    attempt(
        outcome,
        lambda: services.decide_change_request(
            actor=actor, change_request=request, approve=move == "approve"
        ),
    )
    request.refresh_from_db()
    assert request.status == (outcome if isinstance(outcome, str) else state)
    world.inside.refresh_from_db()
    applied = outcome == "approved"
    assert (world.inside.industry_code == "2671") == applied


def test_a_change_request_outside_the_scope_is_not_found(world):
    request = services.request_change(
        actor=world.user(Role.SAFETY_MANAGER),
        enterprise=world.inside,
        proposed={"industry_code": "2671"},
    )
    with pytest.raises(NotFound):  # experts do not see change requests
        services.decide_change_request(
            actor=world.user(Role.EXPERT), change_request=request, approve=True
        )
    with pytest.raises(NotFound):
        services.request_change(
            actor=world.user(Role.SAFETY_MANAGER),
            enterprise=world.sibling,
            proposed={"industry_code": "2671"},
        )


# Import batches -----------------------------------------------------------------------


@pytest.fixture
def uploader(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return world.user(Role.COUNTY_ADMIN)


def new_batch(uploader) -> ImportBatch:
    upload = SimpleUploadedFile("台账.xlsx", xlsx([row()]))
    return services.upload_batch(actor=uploader, upload=upload, check=False)


def move_batch(move, actor, batch):
    if move in ("check", "apply"):
        return services.start_batch(actor=actor, batch=batch, apply=move == "apply")
    if move == "interrupt":
        return services.interrupt_batch(actor=actor, batch=batch)
    if move == "retry":
        return services.retry_batch(actor=actor, batch=batch)
    return services.finish_batch(actor=actor, batch=batch, move=move, outcome={})


@pytest.mark.parametrize(("state", "move", "kind"), cases(IMPORT_BATCH))
def test_every_import_batch_move(world, uploader, state, move, kind):
    outcome = expected(IMPORT_BATCH, state, move, kind)
    actor = uploader if kind == UPLOADER else None
    if state == CREATED and move == "upload":
        made = attempt(outcome, lambda: new_batch(actor))
        assert ImportBatch.objects.count() == (1 if made else 0)
        if made:
            batch = ImportBatch.objects.get()
            assert batch.status == outcome
            entry = AuditEntry.objects.get(action="enterprises.importbatch.upload")
            assert entry.changes["status"] == ["", outcome]
            assert entry.object_id == str(batch.pk)
        return
    if state == CREATED or move == "upload":
        # nothing exists to move, and an upload is always a new batch
        with pytest.raises(outcome):
            IMPORT_BATCH.check(state, move, {kind})
        return
    batch = new_batch(uploader)
    ImportBatch.objects.filter(pk=batch.pk).update(status=state)
    attempt(outcome, lambda: move_batch(move, actor, batch))
    batch.refresh_from_db()
    assert batch.status == (outcome if isinstance(outcome, str) else state)
    entries = AuditEntry.objects.filter(action=f"enterprises.importbatch.{move}")
    if isinstance(outcome, str):  # each move of the lifecycle is audited, with its states
        assert [e.changes["status"] for e in entries] == [[state, outcome]]
    else:
        assert not entries.exists()
    assert not Enterprise.objects.filter(name="导入测试企业").exists()  # no job ran here


def test_only_the_uploader_sees_a_batch(world, uploader):
    batch = new_batch(uploader)
    with pytest.raises(NotFound):
        services.start_batch(actor=world.user(Role.CITY_ADMIN), batch=batch, apply=False)


def test_a_checked_file_with_errors_is_not_imported(world, uploader):
    batch = new_batch(uploader)
    ImportBatch.objects.filter(pk=batch.pk).update(status="checked", error_count=2)
    with pytest.raises(IllegalMove):
        services.start_batch(actor=uploader, batch=batch, apply=True)
    batch.refresh_from_db()
    assert batch.status == "checked"


def test_only_regulators_upload(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(NotPermitted):
        new_batch(world.user(Role.SAFETY_MANAGER))
