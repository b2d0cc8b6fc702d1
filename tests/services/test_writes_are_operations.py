"""Every write in services/ goes through the operation layer.

Two checks: no service module opens a write path of its own (engine transactions, manual
commits, change-log rows written by hand), and at run time the workspace engine refuses
any INSERT/UPDATE/DELETE made outside an operation (so the whole suite exercises it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import text

import aipm_desktop.services as services_pkg
from aipm_desktop.models import EntityKind, UseCase
from aipm_desktop.services import records

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
