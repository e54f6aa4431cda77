"""Every registered lifecycle, walked over its whole table: for every (state, move, actor
kind), allowed or refused as the table says, and where an allowed move lands. The docs carry
each table as rendered, and no code but `Workflow.apply` assigns a state field."""

import ast
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from safeloop.core.errors import IllegalMove, NotPermitted
from safeloop.core.management.commands.workflow_table import doc_blocks
from safeloop.core.workflow import CREATED, REGISTRY

SRC = Path(__file__).resolve().parents[2] / "src" / "safeloop"
DOCS = Path(__file__).resolve().parents[2] / "docs"

# The lifecycles the platform has; a new one is added here when its table is registered.
EXPECTED = {
    "accident",
    "extension",
    "hazard",
    "plan",
    "visit",
    "warning",
    "selfcheck_task",
    "change_request",
    "import_batch",
    "incident",
    "emergency_task",
    "emergency_plan",
    "drill",
    "public_report",
    "accident_case",
    "public_reward",
    "public_article",
    "elimination",
    "licence_cancellation",
    "stop_order",
    "park_assessment",
    "park_measure",
    "crackdown_case",
    "enforcement_document",
    "penalty_case",
    "accountability_proposal",
    "sanction",
    "assessment",
    "credit_listing",
    "credit_repair",
}


def _obj(workflow, state):
    if state == CREATED:
        return SimpleNamespace(_state=SimpleNamespace(adding=True), **{workflow.state_field: ""})
    return SimpleNamespace(_state=SimpleNamespace(adding=False), **{workflow.state_field: state})


def test_it_registers_every_lifecycle():
    assert set(REGISTRY) >= EXPECTED


CASES = [
    (name, state, move, kind)
    for name, workflow in sorted(REGISTRY.items())
    for state in [CREATED, *workflow.states]
    for move in workflow.moves
    for kind in workflow.actor_kinds
]


@pytest.mark.parametrize(("name", "state", "move", "kind"), CASES)
def test_it_walks_every_table(name, state, move, kind):
    workflow = REGISTRY[name]
    obj = _obj(workflow, state)
    transition = workflow._by_key.get((state, move))
    if transition is None:
        with pytest.raises(IllegalMove):
            workflow.apply(obj, move, {kind})
        assert getattr(obj, workflow.state_field) == ("" if state == CREATED else state)
    elif kind not in transition.actors:
        with pytest.raises(NotPermitted):
            workflow.apply(obj, move, {kind})
        assert getattr(obj, workflow.state_field) == ("" if state == CREATED else state)
    else:
        workflow.apply(obj, move, {kind})
        landing = transition.target or state
        assert getattr(obj, workflow.state_field) == landing
        assert landing != CREATED


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_it_reaches_every_state_of_the_model(name):
    """Every value of the state field is the landing of some path from creation."""
    workflow = REGISTRY[name]
    reached, frontier = set(), {CREATED}
    while frontier:
        state = frontier.pop()
        for source, _move, target, _actors in workflow.rows():
            if source == state and target not in reached:
                reached.add(target)
                frontier.add(target)
    assert workflow.model, f"{name} names no model"
    field = apps.get_model(workflow.model)._meta.get_field(workflow.state_field)
    assert {value for value, _label in field.choices} == reached


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_it_keeps_the_docs_equal_to_the_table(name):
    blocks = doc_blocks()
    assert name in blocks, f"no doc carries <!-- workflow:{name} -->"
    text = blocks[name].read_text()
    assert REGISTRY[name].render() in text, (
        f"{blocks[name].name}: the {name} table drifted; run "
        f"`safeloop manage workflow_table {name} --write`"
    )


def _state_writes(path: Path, fields: set[str]):
    """Lines of `path` that assign a state field: `x.state = …`, `setattr(x, "state", …)`,
    `….update(state=…)`."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in fields:
                    yield node.lineno
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) > 1:
                arg = node.args[1]
                if isinstance(arg, ast.Constant) and arg.value in fields:
                    yield node.lineno
            is_update = isinstance(func, ast.Attribute) and func.attr == "update"
            if is_update and any(k.arg in fields for k in node.keywords):
                yield node.lineno


# Fields named like a state field that are no lifecycle's: (file, the line's code) and why.
NOT_A_LIFECYCLE = {
    # ("selfchecks/generation.py", "run.status = …"): a job run's progress, not a lifecycle
    # An export file's state is its build job's progress (queued, running, done, failed,
    # expired), set by the worker alone; no person moves it.
    ("core/exports.py", "taken = ExportFile.objects.filter("): "a job's progress",
    ("core/exports.py", "export.state = ExportFile.State.DONE"): "a job's progress",
    ("core/exports.py", "export.state = ExportFile.State.FAILED"): "a job's progress",
    ("core/exports.py", "export.state = ExportFile.State.EXPIRED"): "a job's progress",
}


def test_it_lets_only_apply_assign_a_state():
    fields = {w.state_field for w in REGISTRY.values()}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        skip = "migrations" in path.parts or path.name == "demo.py"
        if skip or path == SRC / "core" / "workflow.py":
            continue
        lines = path.read_text().splitlines()
        for number in _state_writes(path, fields):
            where = (str(path.relative_to(SRC)), lines[number - 1].strip())
            if where not in NOT_A_LIFECYCLE:
                found.append(f"{where[0]}:{number}: {where[1]}")
    assert found == []


def test_it_prints_the_named_table_only():
    out = io.StringIO()
    call_command("workflow_table", "warning", stdout=out)
    assert out.getvalue().strip() == REGISTRY["warning"].render()


def test_it_refuses_an_unknown_table():
    with pytest.raises(CommandError, match="no such workflow: nothing"):
        call_command("workflow_table", "nothing")
