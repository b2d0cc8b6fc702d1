"""The change feed and the audit chain with writers racing on a server.

On PostgreSQL ids come from sequences, so without a lock a transaction that drew its ids
first could commit second: a reader that saw the later ids would skip the earlier ones
forever, and both writers would chain their change-log entries onto the same previous
entry (a fork ``aipm audit verify`` reports as tampering). Every operation takes the
server's writer lock before it reads or draws an id (store/server.py ``claim_writer``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from aipm_desktop.errors import BusyError
from aipm_desktop.models import EntityKind, UseCase
from aipm_desktop.services import audit, records
from aipm_desktop.store import open_workspace, server, watch
from benchmarks.bench_concurrency import prepare, run_edits


@pytest.fixture
def server_url(pg_server: Any) -> Iterator[str]:
    """A database of this test's own holding a new workspace."""
    url = pg_server.new_database(template=pg_server.template())
    yield url
    pg_server.drop_database(url)


def _waiting_for_writer_lock(ws: Any) -> int:
    """How many sessions wait for the server's writer lock right now."""
    with ws.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND NOT granted AND objid = :key"
                ),
                {"key": server.WRITER_LOCK},
            ).scalar()
            or 0
        )


def test_the_slower_transaction_is_still_delivered_in_commit_order(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writer A has drawn its operation's ids and not yet committed when writer B starts.
    A reader polling meanwhile, and again after both committed, is told of both."""
    reader, slow, fast = (open_workspace(server_url) for _ in range(3))
    held, release, fast_done = threading.Event(), threading.Event(), threading.Event()
    notify = server.notify

    def notify_slowly(conn: Any, op_id: int) -> None:
        notify(conn, op_id)
        if threading.current_thread().name == "slow":
            held.set()  # ids drawn, the transaction still open
            release.wait(timeout=60)

    monkeypatch.setattr(server, "notify", notify_slowly)
    created: dict[str, int] = {}

    def write(ws: Any, title: str, done: threading.Event | None = None) -> None:
        obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
        created[title] = int(obj.id)
        if done is not None:
            done.set()

    try:
        feed = watch.Watch(reader)
        a = threading.Thread(target=write, args=(slow, "Slow one"), name="slow")
        a.start()
        assert held.wait(timeout=60)
        b = threading.Thread(target=write, args=(fast, "Fast one", fast_done), name="fast")
        b.start()
        while not fast_done.is_set() and not _waiting_for_writer_lock(reader):
            fast_done.wait(0.01)  # B either committed already (no lock) or waits for A
        seen = feed.poll()  # what a poll between the two commits finds
        release.set()
        a.join(timeout=60)
        b.join(timeout=60)
        seen += feed.poll()
    finally:
        release.set()
        for ws in (reader, slow, fast):
            ws.close()
    got = [op.ids[EntityKind.USE_CASE] for op in seen]
    assert got == [(created["Slow one"],), (created["Fast one"],)]
    assert [op.id for op in seen] == sorted(op.id for op in seen)


def test_a_writer_kept_waiting_too_long_is_told_busy_and_writes_nothing(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "WRITER_WAIT_MS", 200)
    first, second = open_workspace(server_url), open_workspace(server_url)
    try:
        with first.operation("a long import"):
            records.create(ws=first, model=UseCase, data={"title": "Held"})
            with pytest.raises(BusyError, match="busy"):
                records.create(ws=second, model=UseCase, data={"title": "Refused"})
        with second.session() as session:
            titles = list(session.execute(select(UseCase.title)).scalars())
    finally:
        first.close()
        second.close()
    assert "Held" in titles and "Refused" not in titles


def test_two_processes_writing_at_once_leave_a_chain_that_verifies(
    server_url: str, tmp_path: Path
) -> None:
    ids = prepare(server_url, 6)
    log = run_edits(server_url, ids, 120, tmp_path)
    assert [entry for entry in log if entry[0] == "error"] == []
    ws = open_workspace(server_url, readonly=True)
    try:
        report = audit.verify(ws=ws)
        with ws.engine.connect() as conn:
            entries = conn.execute(text("SELECT count(*) FROM change_log")).scalar()
    finally:
        ws.close()
    assert report.ok, report.broken_text
    accepted = sum(1 for entry in log if entry[0] == "ok")
    assert report.entries == entries and entries >= accepted + 6


def test_a_listener_wakes_on_each_commit_and_says_nothing_after_stop(server_url: str) -> None:
    ws, other = open_workspace(server_url), open_workspace(server_url)
    woken: queue.Queue[int] = queue.Queue()
    failures: list[BaseException] = []
    listener = watch.listen(ws, woken.put, failures.append)
    try:
        assert listener is not None and listener.alive
        assert listener.listening.wait(timeout=30)
        with other.operation("add a use case") as op:
            records.create(ws=other, model=UseCase, data={"title": "Heard"})
        assert op.result is not None
        assert woken.get(timeout=30) == op.result.id
        listener.stop()
        assert not listener.alive and listener.closed.is_set()
        records.create(ws=other, model=UseCase, data={"title": "Unheard"})
        with pytest.raises(queue.Empty):
            woken.get(timeout=watch.LISTEN_WAIT_S * 3)
    finally:
        ws.close()
        other.close()
    assert failures == []


def test_a_listener_whose_connection_drops_reports_it_once_and_ends(
    server_url: str, pg_server: Any
) -> None:
    ws = open_workspace(server_url)
    failed: queue.Queue[BaseException] = queue.Queue()
    listener = watch.listen(ws, lambda _op: None, failed.put)
    try:
        assert listener is not None and listener.listening.wait(timeout=30)
        assert pg_server.cut_connections(server_url, "aipm-desktop-listen") == 1
        error = failed.get(timeout=30)
        assert "terminat" in str(error) or "closed" in str(error)
        listener.stop()
        assert not listener.alive and failed.empty()
        ws.ping()  # the workspace's own connections are untouched
    finally:
        ws.close()


def test_a_file_has_nothing_to_listen_to(ws: Any) -> None:
    assert watch.listen(ws, lambda _op: None, lambda _error: None) is None
