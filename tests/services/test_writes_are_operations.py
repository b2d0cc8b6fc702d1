"""Every write in services/ goes through the operation layer.

Two checks: no service module opens a write path of its own (engine transactions, manual
commits, change-log rows written by hand), and at run time the workspace engine refuses
any INSERT/UPDATE/DELETE made outside an operation (so the whole suite exercises it).
"""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text

import aipm_desktop.services as services_pkg
from aipm_desktop.models import EntityKind, UseCase
from aipm_desktop.services import records

#: The same tests on SQLite and on PostgreSQL (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends

SERVICES = Path(services_pkg.__file__).parent
FORBIDDEN_CALLS = {"begin", "commit"}  # engine.begin(), session.commit(), conn.commit()


def _service_files() -> list[Path]:
    return sorted(p for p in SERVICES.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _service_files(), ids=lambda p: str(p.relative_to(SERVICES)))
def test_no_service_writes_outside_the_operation_layer(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in FORBIDDEN_CALLS:
            problems.append(f"line {node.lineno}: .{func.attr}()")
        if isinstance(func, ast.Name) and func.id == "ChangeLog":
            problems.append(f"line {node.lineno}: ChangeLog(...) written by hand")
    # The demo builder fills a brand-new file before it is a workspace (like a migration).
    if path.parent.name == "demo":
        problems = [p for p in problems if "ChangeLog" not in p]
    assert problems == []


def test_the_engine_refuses_a_write_outside_an_operation(ws) -> None:
    with ws.engine.connect() as conn, pytest.raises(RuntimeError, match="outside an operation"):
        conn.execute(text("DELETE FROM use_case"))


def test_a_service_write_yields_change_log_rows_and_typed_kinds(ws) -> None:
    mark = ws.operation_mark()
    obj, changes = records.create(ws=ws, model=UseCase, data={"title": "Traced"})
    ops = ws.operations_since(mark)
    assert len(ops) == 1 and ops[0].kinds == {EntityKind.USE_CASE}
    with ws.engine.connect() as conn:
        logged = conn.execute(
            text("SELECT entity, entity_id, action FROM change_log ORDER BY id DESC LIMIT 1")
        ).one()
    assert tuple(logged) == ("use_case", obj.id, "create")
    assert changes.kind == "use_case"


# -- interview calibration: every new write is one undoable operation ----------------------


def _calibration_setup(ws):
    from aipm_desktop.models import Candidate, CaseExercise
    from aipm_desktop.services import interviews as iv

    cand, _ = records.create(ws=ws, model=Candidate, data={"name": "Dana"})
    case = iv.list_exercises(ws=ws)[0]
    records.update(ws=ws, model=CaseExercise, id=case.id, data={"sample_answer": "Answer"})
    iv.set_reference_rating(ws=ws, exercise_id=case.id, dimension_key="product_sense", rating=3)
    ev_id, _ = iv.start_evaluation(
        ws=ws, candidate_id=cand.id, exercise_id=case.id, interviewer="Maya"
    )
    for dim in iv.scorecard_info(ws=ws).dimensions:
        iv.set_rating(ws=ws, evaluation_id=ev_id, dimension_id=dim.id, rating=3)
    return {"candidate": cand.id, "case": case.id, "evaluation": ev_id}


def _import_pack(ws, ids):
    from aipm_desktop.services.interviews import case_pack

    path = Path(tempfile.mkdtemp()) / "case.zip"  # a server workspace has no folder
    case_pack.export_pack(ws=ws, exercise_id=ids["case"], out=path)
    case_pack.import_pack(ws=ws, pack=path)


CALIBRATION_WRITES = {
    "submit": (
        lambda ws, ids, iv: iv.submit_evaluation(ws=ws, evaluation_id=ids["evaluation"]),
        {"evaluation"},
    ),
    "reveal": (
        lambda ws, ids, iv: iv.reveal_ratings(ws=ws, candidate_id=ids["candidate"], reason="Away"),
        {"candidate"},
    ),
    "decision": (
        lambda ws, ids, iv: iv.record_decision(
            ws=ws, candidate_id=ids["candidate"], decision="hire", rationale="Strong"
        ),
        {"candidate"},
    ),
    "reference rating": (
        lambda ws, ids, iv: iv.set_reference_rating(
            ws=ws, exercise_id=ids["case"], dimension_key="communication", rating=2
        ),
        {"reference_rating", "case_exercise"},
    ),
    "practice": (
        lambda ws, ids, iv: iv.start_practice(ws=ws, exercise_id=ids["case"], interviewer="Lee"),
        {"evaluation"},
    ),
    "import case pack": (
        lambda ws, ids, iv: _import_pack(ws, ids),
        {"case_exercise", "reference_rating"},
    ),
}


@pytest.mark.parametrize("name", list(CALIBRATION_WRITES))
def test_calibration_writes_are_one_undoable_operation(ws, name) -> None:
    from aipm_desktop.services import interviews as iv

    ids = _calibration_setup(ws)
    write, kinds = CALIBRATION_WRITES[name]
    snapshot = _tables(ws)
    mark = ws.operation_mark()
    write(ws, ids, iv)
    ops = ws.operations_since(mark)
    assert len(ops) == 1, [op.label for op in ops]
    assert {k.value for k in ops[0].kinds} == kinds
    assert _tables(ws) != snapshot
    ws.undo(ops[0].id)
    assert _tables(ws) == snapshot


def test_reopening_is_one_undoable_operation(ws) -> None:
    from aipm_desktop.services import interviews as iv

    ids = _calibration_setup(ws)
    iv.submit_evaluation(ws=ws, evaluation_id=ids["evaluation"])
    snapshot = _tables(ws)
    mark = ws.operation_mark()
    iv.reopen_evaluation(ws=ws, evaluation_id=ids["evaluation"])
    (op,) = ws.operations_since(mark)
    assert {k.value for k in op.kinds} == {"evaluation"}
    ws.undo(op.id)
    assert _tables(ws) == snapshot


def _tables(ws) -> dict[str, list[tuple]]:
    """The interview tables' rows but their versions (an undo moves those on)."""
    names = ("candidate", "evaluation", "rating", "case_exercise", "reference_rating",
             "scorecard", "scorecard_dimension", "scorecard_signal")  # fmt: skip
    with ws.engine.connect() as conn:
        return {n: [tuple(v for k, v in r._mapping.items() if k != "version")
                    for r in conn.execute(text(f"SELECT * FROM {n} ORDER BY id"))]
                for n in names}  # fmt: skip
