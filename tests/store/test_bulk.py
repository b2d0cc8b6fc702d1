"""Bulk inserts journaled as id ranges (store/bulk.py): the rows are stored as an ORM
insert would store them, the history holds one entry per range, the change log one row
per range; undo deletes exactly the range and redo puts back the same rows; an undo is
refused while a later edit still holds one of the rows; a failed insert leaves nothing
and the journal working; the full-text index follows every step."""

from __future__ import annotations

import datetime as dt

import pytest

from aipm_desktop.errors import ConflictError
from aipm_desktop.models import FeedbackItem, KpiSnapshot, UseCase, utcnow
from aipm_desktop.services import records, triage
from aipm_desktop.store import bulk
from aipm_desktop.store import history as history_mod

from .conftest import rows_of

ITEMS = FeedbackItem.__table__  # type: ignore[attr-defined]
NAMES = ("text", "date", "source", "customer")
DAY = dt.date(2026, 10, 5)


def _rows(count: int, word: str = "refund") -> list[tuple]:
    return [
        (f"{word} ticket {n}", DAY + dt.timedelta(days=n % 3), "Zendesk", f"C{n}")
        for n in range(count)
    ]


def _insert(ws, rows: list[tuple], label: str = "import tickets") -> tuple[int, int]:
    now = utcnow()
    shared = {"created_at": now, "updated_at": now, "version": 1}
    with ws.write(label=label) as session:
        return bulk.insert_rows(session.connection(), ITEMS, NAMES, rows, constants=shared)


def _items(ws) -> list[tuple]:
    return rows_of(ws.path, "SELECT * FROM feedback_item ORDER BY id")


def _unversioned(row: tuple) -> tuple:
    version = [c.name for c in ITEMS.columns].index("version")
    return row[:version] + row[version + 1 :]


def test_rows_get_consecutive_ids_one_history_entry_and_one_log_row(ws) -> None:
    _insert(ws, _rows(2), "first two")
    first, last = _insert(ws, _rows(5))
    assert (first, last) == (3, 7)
    item = triage.item(ws=ws, item_id=7)  # read back through the ORM types
    assert (item.text, item.date, item.triage_class, item.version) == (
        "refund ticket 4",
        DAY + dt.timedelta(days=1),
        "untriaged",
        1,
    )
    op = ws.history(limit=1)[0]
    assert (op["label"], op["rows"], op["kinds"]) == ("import tickets", 5, ["feedback_item"])
    entries = rows_of(ws.path, f"SELECT action, pk FROM operation_row WHERE op_id = {op['id']}")
    assert entries == [("B", '{"first":3,"last":7}')]
    log = rows_of(ws.path, "SELECT entity, entity_id, action, label, changes FROM change_log")
    block = '{"first": 3, "last": 7, "count": 5}'
    assert log[-1] == ("feedback_item", 3, "create", "import tickets", block)
    assert len(log) == 2  # one row per bulk insert, not one a record
    assert len(triage.list_ids(ws=ws, search="refund")) == 7


def test_undo_deletes_the_range_and_redo_brings_back_the_same_rows(ws) -> None:
    _insert(ws, _rows(2, "older"), "first two")
    before = _items(ws)
    _insert(ws, _rows(4))
    after = _items(ws)

    ws.undo()
    assert _items(ws) == before
    assert triage.list_ids(ws=ws, search="refund") == []
    assert len(triage.list_ids(ws=ws, search="older")) == 2
    deleted = rows_of(ws.path, "SELECT entity_id, changes FROM change_log WHERE action = 'delete'")
    assert deleted == [(3, '{"first": 3, "last": 6, "count": 4}')]

    ws.redo()
    # The same rows, each at a version it never had (versions only grow).
    assert [_unversioned(r) for r in _items(ws)] == [_unversioned(r) for r in after]
    versions = rows_of(ws.path, "SELECT version FROM feedback_item WHERE id > 2")
    assert versions == [(2,)] * 4
    assert len(triage.list_ids(ws=ws, search="refund")) == 4
    restored = rows_of(ws.path, "SELECT changes FROM change_log WHERE action = 'restore'")
    assert restored == [('{"first": 3, "last": 6, "count": 4}',)]
    ws.undo()
    assert _items(ws) == before


def test_undo_is_refused_while_a_later_edit_holds_one_of_the_rows(ws) -> None:
    _insert(ws, _rows(3))
    import_op = ws.history(limit=1)[0]["id"]
    triage.classify(ws=ws, item_id=2, triage_class="model")
    with pytest.raises(ConflictError, match="feedback items were changed since"):
        ws.undo(import_op)
    assert triage.count_items(ws=ws) == 3
    ws.undo()  # the classification first
    ws.undo()  # then the import
    assert triage.count_items(ws=ws) == 0


def test_a_cascade_from_a_deleted_link_blocks_the_undo_until_it_is_undone(ws) -> None:
    use_case, _changes = records.create(ws=ws, model=UseCase, data={"title": "Reply drafts"})
    now = utcnow()
    shared = {"created_at": now, "updated_at": now, "version": 1, "use_case_id": use_case.id}
    with ws.write(label="import linked tickets") as session:
        bulk.insert_rows(session.connection(), ITEMS, NAMES, _rows(2), constants=shared)
    import_op = ws.history(limit=1)[0]["id"]
    # Deleting the use case clears the items' link (ON DELETE SET NULL; no version moves).
    records.delete(ws=ws, model=UseCase, id=use_case.id)
    assert triage.item(ws=ws, item_id=1).use_case_id is None
    with pytest.raises(ConflictError):
        ws.undo(import_op)
    ws.undo()  # the deletion: the use case and the links come back
    ws.undo(import_op)
    assert triage.count_items(ws=ws) == 0


def test_a_failed_insert_leaves_nothing_and_the_journal_working(ws) -> None:
    rows = _rows(3)
    rows[2] = ("", DAY, None, "C")  # source NOT NULL: the third row fails
    with pytest.raises(Exception, match="NOT NULL"):
        _insert(ws, rows)
    assert triage.count_items(ws=ws) == 0 and ws.history() == []
    triggers = rows_of(ws.path, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    assert ("feedback_fts_ai",) in triggers
    _insert(ws, _rows(2))
    triage.classify(ws=ws, item_id=1, triage_class="ux")  # journaled row by row again
    ws.undo()
    assert triage.item(ws=ws, item_id=1).triage_class == "untriaged"
    assert sorted(triage.list_ids(ws=ws, search="refund")) == [1, 2]


def test_tables_the_json_keeps_inexactly_are_refused() -> None:
    with pytest.raises(ValueError, match="no bulk insert"):
        bulk.check_bulk_table(KpiSnapshot.__table__)  # type: ignore[attr-defined]


def test_range_operations_are_never_merged(ws) -> None:
    _insert(ws, _rows(1))
    triage.classify(ws=ws, item_id=1, triage_class="ux")
    first, second = (op["id"] for op in reversed(ws.history(limit=2)))
    assert ws.merge_operations(first, second) is False
    assert history_mod.HISTORY_LIMIT > 0


def test_values_every_row_shares_are_stored_exactly(ws) -> None:
    now = utcnow()
    shared = {"created_at": now, "updated_at": now, "version": 1, "triaged_by": "Dana O'Neil"}
    rows = [("one; DROP TABLE x", DAY, "it's\nshared", "C'1"), ("two", DAY, "it's\nshared", "C2")]
    with ws.write(label="import") as session:
        bulk.insert_rows(session.connection(), ITEMS, NAMES, rows, constants=shared)
    stored = rows_of(
        ws.path, "SELECT text, source, customer, triaged_by, risk_id FROM feedback_item"
    )
    assert stored == [
        ("one; DROP TABLE x", "it's\nshared", "C'1", "Dana O'Neil", None),
        ("two", "it's\nshared", "C2", "Dana O'Neil", None),
    ]


def test_an_edit_undone_and_redone_still_holds_the_range(ws) -> None:
    """An undo moves a row's version on (versions only grow); the range is as the import
    left it only while the later edits are undone, not once one is redone."""
    _insert(ws, _rows(3))
    import_op = ws.history(limit=1)[0]["id"]
    triage.classify(ws=ws, item_id=2, triage_class="model")
    ws.undo()
    ws.redo()  # the classification is back
    with pytest.raises(ConflictError, match="feedback items were changed since"):
        ws.undo(import_op)
    ws.undo()  # the classification again
    ws.undo(import_op)
    assert triage.count_items(ws=ws) == 0
