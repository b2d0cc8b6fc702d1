"""The operation layer: every write journaled, undone and redone in the core, across reopen."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from aipm_desktop.errors import ConflictError, UserError
from aipm_desktop.models import (
    ChangeLog,
    Document,
    EntityKind,
    Kpi,
    Risk,
    RiskUseCaseLink,
    UseCase,
)
from aipm_desktop.services import records
from aipm_desktop.store import ServerLocation, create_workspace, open_workspace
from aipm_desktop.store import history as history_mod

_SKIP = {"operation", "operation_row", "change_log", "alembic_version"}


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every workspace table (not the history itself), in key order, without
    the versions (an undo puts back every value but the version, which only grows)."""
    if isinstance(path, ServerLocation):
        return _server_dump(path)
    conn = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if row[0] not in _SKIP and not row[0].startswith("sqlite_")
        ]
        return {n: _unversioned(conn.execute(f'SELECT * FROM "{n}" ORDER BY 1, 2')) for n in names}
    finally:
        conn.close()


def _unversioned(cursor) -> list[tuple]:
    keep = [i for i, d in enumerate(cursor.description) if d[0] != "version"]
    return [tuple(row[i] for i in keep) for row in cursor.fetchall()]


def _server_dump(location: ServerLocation) -> dict[str, list[tuple]]:
    engine = create_engine(location.url)
    try:
        with engine.connect() as conn:
            names = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ).scalars()
            return {
                n: _unversioned(conn.exec_driver_sql(f'SELECT * FROM "{n}" ORDER BY 1, 2').cursor)
                for n in sorted(names)
                if n not in _SKIP
            }
    finally:
        engine.dispose()


@pytest.fixture
def demo(sample_on_backend):
    """The sample workspace: a file, or (``postgresql``) a database of this test's own."""
    return sample_on_backend


def _first(ws, model):
    with ws.session() as session:
        return session.exec(select(model).order_by(model.id)).first()[0]


@pytest.mark.backends
def test_edit_reopen_undo_restores_the_whole_database(demo) -> None:
    path = demo.path
    before = dump(path)
    uc = _first(demo, UseCase)
    records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "Renamed", "owner": "Noor"})
    assert dump(path) != before
    demo.close()

    reopened = open_workspace(path)
    try:
        result = reopened.undo()
        assert result.label.startswith("undo edit use case")
        assert result.kinds == {EntityKind.USE_CASE}
    finally:
        reopened.close()
    assert dump(path) == before


@pytest.mark.backends
def test_delete_with_cascades_undo_and_redo_exactly(demo) -> None:
    path = demo.path
    before = dump(path)
    uc = _first(demo, UseCase)
    records.delete(ws=demo, model=UseCase, id=uc.id)
    after_delete = dump(path)
    op = demo.history(limit=1)[0]
    # Derived from the tables the cascade actually touched, not declared by hand.
    assert {"use_case", "score"} <= set(op["kinds"])
    demo.undo()
    assert dump(path) == before
    demo.redo()
    assert dump(path) == after_delete
    demo.undo()
    assert dump(path) == before


@pytest.mark.backends
def test_undo_redo_follow_a_stack(demo) -> None:
    path = demo.path
    states = [dump(path)]
    uc = _first(demo, UseCase)
    for title in ("One", "Two", "Three"):
        records.update(ws=demo, model=UseCase, id=uc.id, data={"title": title})
        states.append(dump(path))
    for expected in reversed(states[:-1]):
        demo.undo()
        assert dump(path) == expected
    with pytest.raises(UserError, match="Nothing to undo"):
        demo.undo()
    for expected in states[1:]:
        demo.redo()
        assert dump(path) == expected
    with pytest.raises(UserError, match="Nothing to redo"):
        demo.redo()


@pytest.mark.backends
def test_a_new_edit_clears_redo(demo) -> None:
    uc = _first(demo, UseCase)
    records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "A"})
    demo.undo()
    records.update(ws=demo, model=UseCase, id=uc.id, data={"owner": "Z"})
    with pytest.raises(UserError, match="Nothing to redo"):
        demo.redo()


@pytest.mark.backends
def test_undo_refuses_when_a_later_edit_changed_the_same_record(demo) -> None:
    path = demo.path
    uc = _first(demo, UseCase)
    records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "First"})
    first = demo.history(limit=1)[0]["id"]
    records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "Second"})
    state = dump(path)
    with pytest.raises(ConflictError, match="changed since"):
        demo.undo(first)
    assert dump(path) == state  # nothing written


@pytest.mark.backends
def test_undo_of_an_older_independent_edit_is_allowed(demo) -> None:
    uc = _first(demo, UseCase)
    risk = _first(demo, Risk)
    records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "Independent"})
    first = demo.history(limit=1)[0]["id"]
    records.update(ws=demo, model=Risk, id=risk.id, data={"title": "Other record"})
    demo.undo(first)
    with demo.session() as session:
        assert session.get(UseCase, uc.id).title == uc.title
        assert session.get(Risk, risk.id).title == "Other record"


@pytest.mark.backends
def test_each_operation_writes_change_log_rows_with_the_actor(demo) -> None:
    uc = _first(demo, UseCase)
    with demo.session() as session:
        last = session.exec(select(ChangeLog.id).order_by(ChangeLog.id.desc())).first()[0]
    records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "Logged"}, who="ana")
    with demo.session() as session:
        rows = session.exec(select(ChangeLog).where(ChangeLog.id > last)).scalars().all()
    # On a server the database user is recorded too: "ana (postgres)".
    actor = "ana" if demo.server_user is None else f"ana ({demo.server_user})"
    assert [(r.entity, r.entity_id, r.action, r.who) for r in rows] == [
        ("use_case", uc.id, "update", actor)
    ]
    assert rows[0].changes == {"title": [uc.title, "Logged"]}
    assert demo.history(limit=1)[0]["actor"] == actor


@pytest.mark.backends
def test_nested_writes_are_one_operation(demo) -> None:
    uc = _first(demo, UseCase)
    risk = _first(demo, Risk)
    mark = demo.operation_mark()
    with demo.operation("rename two things"):
        records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "X"})
        records.update(ws=demo, model=Risk, id=risk.id, data={"title": "Y"})
    ops = demo.operations_since(mark)
    assert [o.label for o in ops] == ["rename two things"]
    assert ops[0].kinds == {EntityKind.USE_CASE, EntityKind.RISK}
    demo.undo()
    with demo.session() as session:
        assert session.get(UseCase, uc.id).title == uc.title
        assert session.get(Risk, risk.id).title == risk.title


@pytest.mark.backends
def test_a_failed_write_records_nothing(demo) -> None:
    uc = _first(demo, UseCase)
    count = len(demo.history(limit=1000))
    with pytest.raises(UserError):
        records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "  "})
    assert len(demo.history(limit=1000)) == count


@pytest.mark.backends
def test_merge_makes_two_edits_one_step(demo) -> None:
    uc = _first(demo, UseCase)
    records.update(ws=demo, model=UseCase, id=uc.id, data={"owner": "Mo"})
    first = demo.history(limit=1)[0]["id"]
    records.update(ws=demo, model=UseCase, id=uc.id, data={"owner": "Z"})
    second = demo.history(limit=1)[0]["id"]
    assert demo.merge_operations(first, second)
    demo.undo()
    with demo.session() as session:
        assert session.get(UseCase, uc.id).owner == uc.owner


def test_history_is_bounded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(history_mod, "HISTORY_LIMIT", 5)
    monkeypatch.setattr(history_mod, "_PRUNE_EVERY", 1)
    ws = create_workspace(tmp_path / "w.aipm")
    try:
        uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Bounded"})
        for n in range(1, 10):
            records.update(ws=ws, model=UseCase, id=uc.id, data={"owner": f"Owner {n}"})
        with ws.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM operation")).scalar() == 5
            orphans = conn.execute(
                text(
                    "SELECT count(*) FROM operation_row WHERE op_id NOT IN "
                    "(SELECT id FROM operation)"
                )
            ).scalar()
        assert orphans == 0
    finally:
        ws.close()


@pytest.mark.backends
def test_writes_outside_an_operation_are_refused(demo) -> None:
    with demo.engine.begin() as conn, pytest.raises(RuntimeError, match="outside an operation"):
        conn.execute(text("UPDATE use_case SET title = 'sneaky'"))


def test_float_and_link_rows_come_back_exactly(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "w.aipm")
    try:
        path = ws.path
        uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Exact"})
        risk, _ = records.create(ws=ws, model=Risk, data={"title": "Linked"})
        with ws.write() as session:
            session.add(RiskUseCaseLink(risk_id=risk.id, use_case_id=uc.id))
        kpi, _ = records.create(ws=ws, model=Kpi, data={"name": "Rate", "target": 0.1 + 0.2})
        before = dump(path)
        records.delete(ws=ws, model=UseCase, id=uc.id)
        records.delete(ws=ws, model=Kpi, id=kpi.id)
        ws.undo()
        ws.undo()
        assert dump(path) == before
        with ws.session() as session:
            assert session.get(Kpi, kpi.id).target == 0.30000000000000004
    finally:
        ws.close()


def test_readonly_workspace_refuses_undo(demo, tmp_path: Path) -> None:
    uc = _first(demo, UseCase)
    records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "RO"})
    path = demo.path
    demo.close()
    ro = open_workspace(path, readonly=True)
    try:
        with pytest.raises(UserError, match="read-only"):
            ro.undo()
        assert ro.history(limit=1)[0]["label"].startswith("edit use case")
    finally:
        ro.close()


@pytest.mark.backends
def test_a_document_comes_back_with_its_revisions(demo) -> None:
    path = demo.path
    before = dump(path)
    doc = _first(demo, Document)
    records.delete(ws=demo, model=Document, id=doc.id)
    demo.undo()
    assert dump(path) == before


def _version(ws, model, record_id: int) -> int:
    return records.get(ws=ws, model=model, id=record_id).version


@pytest.mark.backends
def test_undo_and_redo_give_a_version_never_seen_so_a_stale_edit_is_refused(demo) -> None:
    """Window A reads v3; B edits (v4) and undoes: the row is back as A read it but at v5,
    not v3, so A's save against v3 is refused instead of overwriting B's undo."""
    from aipm_desktop.services.conflicts import expecting, key_of

    uc = _first(demo, UseCase)
    for owner in ("One", "Two"):
        records.update(ws=demo, model=UseCase, id=uc.id, data={"owner": owner})
    read = _version(demo, UseCase, uc.id)  # window A reads the record
    other = open_workspace(demo.path)  # window B
    try:
        records.update(ws=other, model=UseCase, id=uc.id, data={"title": "B's title"})
        assert _version(other, UseCase, uc.id) == read + 1
        other.undo()
        restored = records.get(ws=other, model=UseCase, id=uc.id)
        assert (restored.title, restored.version) == (uc.title, read + 2)
        with pytest.raises(ConflictError), expecting({key_of(UseCase, uc.id): read}):
            records.update(ws=demo, model=UseCase, id=uc.id, data={"owner": "A"})
        assert records.get(ws=demo, model=UseCase, id=uc.id).owner == "Two"
        other.redo()
        assert _version(other, UseCase, uc.id) == read + 3
        assert records.get(ws=other, model=UseCase, id=uc.id).title == "B's title"
    finally:
        other.close()


@pytest.mark.backends
def test_a_row_edited_twice_in_one_operation_and_a_deleted_row_come_back_newer(demo) -> None:
    uc = _first(demo, UseCase)
    start = _version(demo, UseCase, uc.id)
    with demo.operation("two edits"):
        records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "X"})
        records.update(ws=demo, model=UseCase, id=uc.id, data={"title": "Y"})
    demo.undo()
    back = records.get(ws=demo, model=UseCase, id=uc.id)
    assert back.title == uc.title
    assert back.version > start + 2  # above every version it had (start, +1, +2)

    risk = _first(demo, Risk)
    deleted_at = _version(demo, Risk, risk.id)
    records.delete(ws=demo, model=Risk, id=risk.id)
    demo.undo()
    assert _version(demo, Risk, risk.id) == deleted_at + 1
