"""Seeing what other windows and processes committed (store/watch.py), ping, undo refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipm_desktop.errors import ConflictError, WorkspaceGoneError
from aipm_desktop.models import EntityKind, Risk, UseCase
from aipm_desktop.services import records
from aipm_desktop.store import open_workspace
from aipm_desktop.store.watch import Watch


@pytest.fixture
def other(ws):
    second = open_workspace(Path(ws.path))
    yield second
    second.close()


def test_poll_reports_the_other_windows_operations_with_kinds_and_ids(ws, other) -> None:
    watch = Watch(ws)
    assert watch.poll() == []
    obj, _ = records.create(ws=other, model=UseCase, data={"title": "Summaries"}, who="bob")
    assert watch.anything_new()
    found = watch.poll()
    assert len(found) == 1
    op = found[0]
    assert op.kinds == frozenset({EntityKind.USE_CASE})
    assert op.ids[EntityKind.USE_CASE] == (obj.id,)
    assert op.actor == "bob"
    assert "Summaries" in op.label
    assert not watch.anything_new()
    assert watch.poll() == []


def test_poll_leaves_out_this_workspaces_own_operations(ws, other) -> None:
    watch = Watch(ws)
    records.create(ws=ws, model=UseCase, data={"title": "Mine"})
    assert watch.anything_new()  # something committed ...
    assert watch.poll() == []  # ... but it was this window's own
    theirs, _ = records.create(ws=other, model=Risk, data={"title": "Leak"})
    found = watch.poll()
    assert [op.kinds for op in found] == [frozenset({EntityKind.RISK})]
    assert found[0].ids[EntityKind.RISK] == (theirs.id,)


def test_an_edit_merged_into_the_previous_step_is_still_seen(ws, other) -> None:
    """Typing merges consecutive edits into one operation: the second is deleted, its
    rows move to the first; the watch must still see it."""
    obj, _ = records.create(ws=other, model=UseCase, data={"title": "A"})
    with other.operation() as first:
        records.update(ws=other, model=UseCase, id=obj.id, data={"title": "AB"})
    watch = Watch(ws)
    with other.operation() as second:
        records.update(ws=other, model=UseCase, id=obj.id, data={"title": "ABC"})
    assert first.result is not None and second.result is not None
    assert other.merge_operations(first.result.id, second.result.id)
    found = watch.poll()
    assert [op.id for op in found] == [first.result.id]
    assert found[0].ids[EntityKind.USE_CASE] == (obj.id,)


def test_ping_succeeds_while_the_file_is_there_and_fails_when_replaced(ws, tmp_path) -> None:
    ws.ping()
    path = Path(ws.path)
    path.rename(tmp_path / "moved.aipm")
    with pytest.raises(WorkspaceGoneError):
        ws.ping()


def test_undo_refused_names_the_record_who_changed_it_and_when(ws, other) -> None:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Summaries"})
    with ws.operation("rename use case") as mine:
        records.update(ws=ws, model=UseCase, id=obj.id, data={"title": "Short summaries"})
    records.update(ws=other, model=UseCase, id=obj.id, data={"owner": "Bob"}, who="bob")
    assert mine.result is not None
    with pytest.raises(ConflictError) as caught:
        ws.undo(mine.result.id)
    text = str(caught.value)
    assert "Cannot undo \u201crename use case\u201d" in text
    assert "use case \u201cShort summaries\u201d was changed since by bob at " in text
    assert "Nothing was changed" in text
    assert records.get(ws=ws, model=UseCase, id=obj.id).owner == "Bob"


def test_two_workspace_objects_never_fail_as_busy_when_interleaving(ws, other) -> None:
    """A write takes the file's lock before it reads, so a commit of another connection
    between this connection's reads cannot make its write fail."""
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "A"})
    with ws.session() as reader:  # a read transaction left open, as a view might
        reader.get(UseCase, obj.id)
        records.update(ws=other, model=UseCase, id=obj.id, data={"title": "B"})
        records.update(ws=ws, model=UseCase, id=obj.id, data={"owner": "C"})
    stored = records.get(ws=ws, model=UseCase, id=obj.id)
    assert (stored.title, stored.owner) == ("B", "C")


def test_connection_errors_are_told_from_statement_errors() -> None:
    from sqlalchemy import exc

    from aipm_desktop.store.watch import is_connection_error

    def operational(text: str) -> exc.OperationalError:
        return exc.OperationalError("SELECT 1", {}, Exception(text))

    assert is_connection_error(operational("server closed the connection unexpectedly"))
    assert is_connection_error(operational("disk I/O error"))
    assert is_connection_error(exc.DisconnectionError("gone"))
    assert not is_connection_error(operational("no such table: use_case"))
    assert not is_connection_error(operational("database is locked"))
    assert not is_connection_error(ValueError("bad value"))


def test_undo_checks_again_under_the_write_lock(ws, other, monkeypatch) -> None:
    """Another process saving between undo's first check and its write is not
    overwritten: the check runs again once the write lock is held."""
    from aipm_desktop.store import history

    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Summaries"})
    with ws.operation("rename") as mine:
        records.update(ws=ws, model=UseCase, id=obj.id, data={"title": "Short"})
    first_check = history.prepare_undo
    calls: list[int] = []

    def check_then_other_saves(conn, op_id):
        found = first_check(conn, op_id)
        calls.append(op_id)
        if len(calls) == 1:  # right after the first check, before the lock
            records.update(ws=other, model=UseCase, id=obj.id, data={"owner": "Bob"})
        return found

    monkeypatch.setattr(history, "prepare_undo", check_then_other_saves)
    assert mine.result is not None
    with pytest.raises(ConflictError, match="was changed since"):
        ws.undo(mine.result.id)
    stored = records.get(ws=ws, model=UseCase, id=obj.id)
    assert (stored.title, stored.owner) == ("Short", "Bob")
