"""The hash-chained change log (store/audit.py): every entry written by an operation,
a bulk insert, an undo or a new file is sealed in the same commit; an edit, a removal or
an insertion made with plain sqlite3 is found and named; the change log outlives the
pruned undo history."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3

from aipm_desktop.models import FeedbackItem, UseCase, utcnow
from aipm_desktop.services import records
from aipm_desktop.store import audit, bulk
from aipm_desktop.store import history as history_mod

from .conftest import rows_of

ITEMS = FeedbackItem.__table__  # type: ignore[attr-defined]


def _verify(ws) -> audit.ChainReport:
    with ws.engine.connect() as conn:
        return audit.verify_chain(conn)


def _add_use_cases(ws, *titles: str) -> list[int]:
    return [records.create(ws=ws, model=UseCase, data={"title": t})[0].id for t in titles]


def _sql(path, statement: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement, params)
    conn.close()


def test_a_hand_computed_entry_hash() -> None:
    """The canonical form and the chaining, spelled out here (not by the code)."""
    row = {
        "id": 7,
        "op_id": 3,
        "at": "2026-12-06 10:15:00.250000",
        "who": "Dana",
        "entity": "use_case",
        "entity_id": 4,
        "action": "update",
        "label": "Ticket triage",
        "changes": '{"status": ["idea", "validated"]}',
    }
    before = hashlib.sha256(b'{"status":"idea"}').hexdigest()
    after = hashlib.sha256(b'{"status":"validated"}').hexdigest()
    text = (
        f'{{"action":"update","actor":"Dana","after":"{after}",'
        f'"at":"2026-12-06T10:15:00.250000+00:00","before":"{before}",'
        '"entity":"use_case","entity_id":4,"id":7,"label":"Ticket triage","op":3}'
    )
    previous = "ab" * 32
    expected = hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()
    assert audit.canonical(row) == text
    assert audit.entry_hash(previous, row) == expected


def test_every_write_seals_its_entries_with_its_operation(ws) -> None:
    first, second = _add_use_cases(ws, "Reply drafts", "Ticket triage")
    records.update(ws=ws, model=UseCase, id=first, data={"owner": "Dana"})
    ws.undo()
    ws.redo()
    ops = {op["label"]: op["id"] for op in ws.history(limit=10)}
    log = rows_of(
        ws.path,
        "SELECT entity_id, action, op_id, entry_hash FROM change_log "
        "WHERE entity = 'use_case' ORDER BY id",
    )
    assert [(e, a) for e, a, _o, _h in log] == [
        (first, "create"),
        (second, "create"),
        (first, "update"),
        (first, "update"),  # the undo puts the old owner back
        (first, "update"),  # the redo sets it again
    ]
    assert [o for _e, _a, o, _h in log][-1] == max(ops.values())
    assert all(h and len(h) == 64 for *_rest, h in log)
    report = _verify(ws)
    assert report.ok and report.entries == len(rows_of(ws.path, "SELECT id FROM change_log"))
    assert report.head == log[-1][3]


def test_a_bulk_insert_chains_its_summary_entry(ws) -> None:
    now = utcnow()
    rows = [(f"refund ticket {n}", dt.date(2026, 10, 5), "Zendesk") for n in range(300)]
    with ws.write(label="import tickets") as session:
        bulk.insert_rows(
            session.connection(),
            ITEMS,
            ("text", "date", "source"),
            rows,
            constants={"created_at": now, "updated_at": now, "version": 1},
        )
    sealed = rows_of(
        ws.path,
        "SELECT count(*), count(entry_hash), count(DISTINCT op_id) FROM change_log "
        "WHERE entity = 'feedback_item'",
    )
    assert sealed == [(1, 1, 1)]  # one summary entry for the import, sealed
    assert _verify(ws).ok
    ws.undo()  # the erased range logs its deletions as a summary entry, sealed too
    report = _verify(ws)
    assert report.ok and report.entries == len(rows_of(ws.path, "SELECT id FROM change_log"))


def test_an_entry_edited_with_sqlite_is_named(ws) -> None:
    _add_use_cases(ws, "Reply drafts", "Ticket triage", "Churn model")
    entry = rows_of(
        ws.path, "SELECT id FROM change_log WHERE label = 'Ticket triage' AND action = 'create'"
    )[0][0]
    ws.close()
    _sql(ws.path, "UPDATE change_log SET who = 'Mallory' WHERE id = ?", entry)
    from aipm_desktop.store import open_workspace

    reopened = open_workspace(ws.path)
    try:
        report = _verify(reopened)
        assert report.broken is not None and report.broken.id == entry
        assert report.broken.who == "Mallory" and report.broken.label == "Ticket triage"
        assert "changed" in report.broken.reason
        assert f"entry {entry} (" in report.broken.describe()
        # later writes chain on, but the broken entry stays broken
        _add_use_cases(reopened, "Later")
        assert _verify(reopened).broken.id == entry  # type: ignore[union-attr]
    finally:
        reopened.close()


def test_a_changed_value_inside_the_changes_is_detected(ws) -> None:
    (uc,) = _add_use_cases(ws, "Reply drafts")
    records.update(ws=ws, model=UseCase, id=uc, data={"owner": "Dana"})
    entry = rows_of(ws.path, "SELECT max(id) FROM change_log")[0][0]
    changes = json.dumps({"owner": ["", "Eve"]})
    _sql(ws.path, "UPDATE change_log SET changes = ? WHERE id = ?", changes, entry)
    assert _verify(ws).broken.id == entry  # type: ignore[union-attr]


def test_a_removed_entry_is_detected_at_the_next(ws) -> None:
    _add_use_cases(ws, "A", "B", "C", "D")
    ids = [i for (i,) in rows_of(ws.path, "SELECT id FROM change_log ORDER BY id")]
    middle = ids[len(ids) // 2]
    _sql(ws.path, "DELETE FROM change_log WHERE id = ?", middle)
    report = _verify(ws)
    assert report.broken is not None and report.broken.id == ids[ids.index(middle) + 1]
    assert f"({middle})" in report.broken.reason and "removed" in report.broken.reason


def test_a_row_inserted_outside_is_never_sealed_by_a_later_write(ws) -> None:
    _add_use_cases(ws, "A")
    _sql(
        ws.path,
        "INSERT INTO change_log (at, who, entity, entity_id, action, label, changes) "
        "VALUES ('2026-01-01 00:00:00.000000', 'Mallory', 'use_case', 1, 'delete', 'A', '{}')",
    )
    forged = rows_of(ws.path, "SELECT max(id) FROM change_log")[0][0]
    _add_use_cases(ws, "B")  # the app's next write seals only its own entries
    report = _verify(ws)
    assert report.broken is not None and report.broken.id == forged
    assert report.broken.who == "Mallory" and "not sealed" in report.broken.reason


def test_the_change_log_outlives_the_pruned_history(ws, monkeypatch) -> None:
    monkeypatch.setattr(history_mod, "HISTORY_LIMIT", 5)
    monkeypatch.setattr(history_mod, "_PRUNE_EVERY", 2)
    _add_use_cases(ws, *(f"Use case {n}" for n in range(30)))
    assert len(rows_of(ws.path, "SELECT id FROM operation")) <= 7
    created = rows_of(
        ws.path, "SELECT count(*) FROM change_log WHERE entity = 'use_case' AND action = 'create'"
    )
    assert created == [(30,)]
    assert _verify(ws).ok


def test_value_digests_follow_their_definition_for_every_shape() -> None:
    """The before/after digests are the SHA-256 of the sorted-keys compact JSON of the
    values (spelled out here with ``json.dumps``), whatever the entry holds: a new
    record's nulls (seen again in another field order), nested values, text beyond
    ASCII, a value that is not a pair, JSON with white space around it, or bytes."""

    def spelled_out(changes: dict) -> tuple[str, str]:
        before = {k: v[0] for k, v in changes.items() if isinstance(v, list) and len(v) == 2}
        after = {k: v[1] if isinstance(v, list) and len(v) == 2 else v for k, v in changes.items()}
        return tuple(  # type: ignore[return-value]
            hashlib.sha256(
                json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
            ).hexdigest()
            for d in (before, after)
        )

    shapes = [
        {"title": [None, "Claims triage"], "owner": [None, "Ana"]},
        {"owner": [None, "Bo"], "title": [None, "Churn"]},  # same fields, other order
        {"title": [None, "Claims triage"], "owner": ["Ana", "Bo"]},  # not a new record
        {"answers": [None, {"z": [1, 2.5], "a": {"y": None, "b": True}}]},
        {"label": ["Prüfung", "Überprüfung 😀 \u2028"], "score": [1e300, -0.0]},
        {"count": 3, "tags": [None, ["a", "b"]], "range": [1, 2, 3]},
        {},
    ]
    for changes in shapes:
        text = json.dumps(changes, ensure_ascii=False)
        expected = spelled_out(changes)
        assert audit._digests(text) == expected, text
        assert audit._digests(f" {text}\n") == expected
        assert audit._digests(text.encode()) == expected
        assert audit._digests(changes) == expected
