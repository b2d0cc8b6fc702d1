"""Workspace files: create, open (with checks and migration), copy, integrity check.

A workspace is one SQLite file used as an application file format. Opening checks, in
order, that the file is SQLite, readable, carries this app's ``application_id`` and a
schema revision this app knows; a file that fails any of those raises a
:class:`~aipm_desktop.errors.WorkspaceError` and its bytes are left unchanged. An older
revision is migrated after a backup copy is written beside it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, exc, text
from sqlmodel import Session

from ..errors import (
    BusyError,
    ConflictError,
    CorruptWorkspaceError,
    NewerWorkspaceError,
    NotAWorkspaceError,
    ReadOnlyError,
    WorkspaceError,
    WorkspaceGoneError,
)
from ..locations import ServerLocation, as_location
from ..models import OperationKind
from . import audit, files, history, migrate, schema, server
from .engine import APPLICATION_ID, make_engine, ro_uri
from .history import OperationResult

SQLITE_MAGIC = b"SQLite format 3\x00"
EXTENSION = ".aipm"


@dataclass
class FileInfo:
    """What :func:`inspect_file` learnt about a workspace file without changing it."""

    path: Path
    revision: str
    needs_migration: bool
    writable: bool


@dataclass
class Workspace:
    """An open workspace: its file, engine and whether edits are allowed.

    Every write is an operation (see :mod:`aipm_desktop.store.history`): :meth:`write`
    journals what the transaction touched and records it, with its change-log rows, in
    the same commit. Writes nested inside an open :meth:`write`/:meth:`operation` on the
    same thread join it, so one user action is one operation and one undo step.
    """

    path: Path
    engine: Engine
    readonly: bool = False
    migrated_from: str | None = None
    backup_path: Path | None = None
    _closed: bool = field(default=False, repr=False)
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _recorded: list[history.OperationResult] = field(default_factory=list, repr=False)
    _recorded_base: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: One writer at a time in this process (readers never take it).
    _writer: threading.RLock = field(default_factory=threading.RLock, repr=False)
    #: The file this workspace opened (a write refuses once the path names another).
    _identity: files.FileIdentity | None = field(default=None, repr=False)
    #: The shared lock telling other processes the file is open here.
    _open_lock: files.OpenLock | None = field(default=None, repr=False)
    #: On a server: the database user, who every operation is recorded for.
    server_user: str | None = None

    @property
    def on_server(self) -> bool:
        """Whether the workspace is a database on a server (not a file)."""
        return isinstance(self.path, ServerLocation)

    def session(self) -> Session:
        """A new session; objects stay usable after commit."""
        return Session(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def write(self, *, label: str | None = None, who: str | None = None) -> Iterator[Session]:
        """A session in one transaction, committed on success, rolled back on error.

        The transaction is recorded as one undoable operation (``label`` names it; without
        one a label is derived from what changed). Inside an enclosing write on the same
        thread, the enclosing session is reused and nothing commits until it ends.
        """
        with self.operation(label, who=who) as op:
            assert op.session is not None
            yield op.session

    @contextlib.contextmanager
    def operation(self, label: str | None = None, *, who: str | None = None) -> Iterator[OpHandle]:
        """Run the writes inside as one operation; the handle's ``result`` is set after."""
        if self.readonly:
            raise ReadOnlyError(f"{self.path.name} is open read-only; edits are disabled.")
        outer: OpHandle | None = getattr(self._local, "op", None)
        if outer is not None:
            yield outer
            return
        pending = history.PendingOperation(label=label, actor=self._actor(who))
        handle = OpHandle()
        yield from self._run(pending, handle, None)

    def _actor(self, who: str | None) -> str:
        """Who an operation is recorded for: on a server the database user (``who``, a
        display name, beside it when it differs); in a file ``who`` or the login name."""
        if self.server_user is None:
            return actor_name(who)
        if who and who != self.server_user:
            return f"{who} ({self.server_user})"[:200]
        return self.server_user

    def _run(
        self,
        pending: history.PendingOperation,
        handle: OpHandle,
        reverse: int | None,
    ) -> Iterator[OpHandle]:
        self._check_still_there()
        try:
            with self._writer, self.session() as session, session.begin():
                conn = session.connection()
                history.begin(conn)
                _claim_writer(conn)
                handle.session = session
                self._local.op = handle
                try:
                    if reverse is not None:
                        _check_again(conn, reverse, pending)
                        history.apply_inverse(conn, reverse)
                        history.mark_reversed(conn, reverse, pending.kind)
                        yield handle
                    else:
                        yield handle
                    session.flush()
                    if pending.label is None and session.info.get("label"):
                        pending.label = str(session.info["label"])
                    handle.result = history.finish(conn, pending, force=reverse is not None)
                    if handle.result is not None and self.on_server:
                        server.notify(conn, handle.result.id)
                finally:
                    self._local.op = None
                    history.end(conn)
        except exc.OperationalError as error:
            if _is_busy(error):
                raise BusyError(
                    f"{self.path.name} is busy: another window or command is writing to it; "
                    "try again."
                ) from None
            raise
        except exc.IntegrityError as error:
            if reverse is None:
                raise
            raise ConflictError(
                "Cannot restore the records as they were: newer changes conflict with them. "
                "Nothing was changed."
            ) from error
        if handle.result is not None:
            with self._lock:
                self._recorded.append(handle.result)
                if len(self._recorded) > 2000:
                    drop = len(self._recorded) - 1000
                    del self._recorded[:drop]
                    self._recorded_base += drop

    def _reverse(self, kind: str, op_id: int | None, who: str | None) -> history.OperationResult:
        if self.readonly:
            raise ReadOnlyError(f"{self.path.name} is open read-only; edits are disabled.")
        if getattr(self._local, "op", None) is not None:
            raise RuntimeError("undo/redo cannot run inside another write")
        with self.session() as session:
            conn = session.connection()
            if kind == "undo":
                target, pending = history.prepare_undo(conn, op_id)
            else:
                target, pending = history.prepare_redo(conn, op_id)
            session.rollback()
        pending.actor = self._actor(who)
        handle = OpHandle()
        for _ in self._run(pending, handle, target):
            pass
        assert handle.result is not None
        return handle.result

    def undo(self, op_id: int | None = None, *, who: str | None = None) -> history.OperationResult:
        """Undo operation ``op_id`` (default: the latest still applied) as a new operation."""
        return self._reverse("undo", op_id, who)

    def redo(
        self, undo_id: int | None = None, *, who: str | None = None
    ) -> history.OperationResult:
        """Redo what the undo ``undo_id`` (default: the latest redoable) reversed."""
        return self._reverse("redo", undo_id, who)

    def merge_operations(self, first: int, second: int) -> bool:
        """Fold ``second`` into ``first`` so they undo as one step (see merging.merge)."""
        if self.readonly:
            return False
        with self.session() as session, session.begin():
            from .merging import merge

            return merge(session.connection(), first, second)

    def history(self, *, limit: int = 50) -> list[dict[str, Any]]:
        """The newest operations first, as plain values."""
        with self.engine.connect() as conn:
            return history.entries(conn, limit=limit)

    def operation_mark(self) -> int:
        """A position in this process's list of recorded operations (see operations_since)."""
        with self._lock:
            return self._recorded_base + len(self._recorded)

    def operations_since(self, mark: int) -> list[OperationResult]:
        """Operations this process recorded since ``mark``, oldest first."""
        with self._lock:
            start = max(0, mark - self._recorded_base)
            return list(self._recorded[start:])

    @property
    def revision(self) -> str:
        with self.engine.connect() as conn:
            return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())

    def still_there(self) -> bool:
        """False when the path now names another file, or none (replaced or removed by
        another program since it was opened here). Cheap: one ``stat``; never opens it."""
        return self._identity is None or files.FileIdentity.of(self.path) == self._identity

    def _check_still_there(self) -> None:
        if not self.still_there():
            raise WorkspaceGoneError(
                f"{self.path.name} was replaced or removed by another program since it was "
                "opened here, so this change was not saved. Close it and open the file again."
            )

    def ping(self) -> None:
        """Check the workspace can still be reached (cheap): a
        :class:`~aipm_desktop.errors.WorkspaceGoneError` when the file was replaced or
        removed, the driver's error when the database cannot be reached."""
        self._check_still_there()
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def close(self) -> None:
        if not self._closed:
            gone = not self.still_there()
            self.engine.dispose()
            if self._open_lock is not None:
                self._open_lock.release()
            self._closed = True
            if gone and not self.readonly:
                _set_aside_orphans(self.path)


def _check_again(conn: Any, target: int, pending: history.PendingOperation) -> None:
    """Check again, now that the write lock is held, that undoing (redoing) ``target``
    overwrites nobody's later change: another process may have saved one since the
    first check, which ran before the lock."""
    if pending.kind is OperationKind.UNDO:
        history.prepare_undo(conn, target)
    else:
        history.prepare_redo(conn, target)


def _claim_writer(conn: Any) -> None:
    """Take the file's write lock before the operation reads anything (SQLite's
    ``BEGIN IMMEDIATE``; an UPDATE of no row takes it): what the operation reads is then
    current until it commits, so a version it checks cannot move under it, and another
    process's commit in between cannot fail the write as "busy". On a server the same
    with an advisory lock (:func:`.server.claim_writer`)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = version_num WHERE 0")
    else:
        server.claim_writer(conn)


def _set_aside_orphans(path: Path) -> None:
    """After the file was replaced under an open workspace, its -wal/-shm beside the path
    belong to the old file: SQLite would replay them into the new one on the next open.
    Keep them under another name (a recovery copy), unless another window of this app has
    the new file open (then they may be its own)."""
    try:
        with files.exclusive(path, what="tidy"):
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            for suffix in ("-wal", "-shm"):
                side = Path(f"{path}{suffix}")
                if side.exists():
                    side.rename(side.with_name(f"{side.name}.orphaned-{stamp}"))
    except (WorkspaceError, OSError):
        pass


@dataclass
class OpHandle:
    """An operation under way: its session, and its result once committed."""

    session: Session | None = None
    result: history.OperationResult | None = None


def actor_name(who: str | None) -> str:
    """Who an operation is recorded for: ``who``, else the login name."""
    if who is not None:
        return who
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no user database (containers)
        return ""


def _is_writable(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return False
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _is_busy(error: Exception) -> bool:
    text_ = str(getattr(error, "orig", error)).lower()
    return any(word in text_ for word in ("database is locked", "database is busy", "lock timeout"))


def _ro_connect(path: Path) -> sqlite3.Connection:
    """A read-only connection that writes nothing and leaves no side files."""
    uri = ro_uri(path)
    conn = sqlite3.connect(uri, uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        if "immutable=1" in uri:
            raise
        # A WAL file whose -shm cannot be made (e.g. the file is read-only): immutable.
        conn = sqlite3.connect(uri + "&immutable=1", uri=True)
    return conn


def inspect_file(path: Path | ServerLocation) -> FileInfo:
    """Identify ``path`` as a workspace of a known revision, reading it only (a server
    location: the database, see :func:`.remote.inspect_server`)."""
    if isinstance(path, ServerLocation):
        from .remote import inspect_server

        return inspect_server(path)
    path = Path(path)
    try:
        path.stat()
    except FileNotFoundError:
        raise WorkspaceError(f"No such file: {path}") from None
    except PermissionError:
        raise WorkspaceError(
            f"Cannot open {path}: permission denied (you need read and search permission "
            f"on the folder {path.parent})."
        ) from None
    except OSError as exc:
        raise WorkspaceError(f"Cannot open {path}: {exc.strerror or exc}.") from None
    if path.is_dir():
        raise NotAWorkspaceError(f"{path} is a folder, not a workspace file.")
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise WorkspaceError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    if header != SQLITE_MAGIC:
        raise NotAWorkspaceError(
            f"{path.name} is not an AIPM workspace: it is not an SQLite database file."
        )
    try:
        conn = _ro_connect(path)
    except sqlite3.Error as exc:
        raise CorruptWorkspaceError(f"{path.name} cannot be read: {exc}.") from exc
    try:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        except sqlite3.DatabaseError as exc:
            raise CorruptWorkspaceError(
                f"{path.name} is damaged and cannot be opened ({exc})."
            ) from exc
        if app_id != APPLICATION_ID or "alembic_version" not in tables:
            raise NotAWorkspaceError(
                f"{path.name} is an SQLite database of another application, not an AIPM workspace."
            )
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise CorruptWorkspaceError(f"{path.name} is damaged ({exc}).") from exc
    finally:
        conn.close()
    if row is None or row[0] is None or not str(row[0]).strip():
        raise CorruptWorkspaceError(f"{path.name} is damaged: it has no schema version recorded.")
    revision = str(row[0])
    known = migrate.known_revisions()
    if revision not in known:
        raise NewerWorkspaceError(
            f"{path.name} was written by a newer version of AIPM Desktop "
            f"(schema {revision}); update the app to open it."
        )
    return FileInfo(
        path=path,
        revision=revision,
        needs_migration=revision != migrate.head_revision(),
        writable=_is_writable(path),
    )


def backup_path_for(path: Path, revision: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.bak-{revision}-{stamp}")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak-{revision}-{stamp}-{counter}")
        counter += 1
    return candidate


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def backup_before_upgrade(path: Path, revision: str) -> Path:
    """A copy of ``path`` as it is now, beside it; an identical earlier copy is reused
    (a retried upgrade adds no second backup)."""
    tmp = path.with_name(f".{path.name}.backup.tmp")
    files.remove_stale(tmp)
    _sqlite_copy(path, tmp, tmp=tmp.with_name(tmp.name + "2"))
    digest = _digest(tmp)
    for earlier in sorted(path.parent.glob(f"{path.name}.bak-{revision}-*")):
        if earlier.stat().st_size == tmp.stat().st_size and _digest(earlier) == digest:
            tmp.unlink(missing_ok=True)
            return earlier
    dest = backup_path_for(path, revision)
    os.replace(tmp, dest)
    return dest


def _sqlite_copy(source: Path, dest: Path, *, tmp: Path | None = None) -> None:
    """Consistent copy of ``source`` (including its WAL) into a fresh file ``dest``."""
    tmp = tmp or dest.with_name(f".{dest.name}.tmp")
    tmp.unlink(missing_ok=True)
    src = _ro_connect(source)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(f"Cannot write {dest}: {exc.strerror or exc}") from exc
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise WorkspaceError(f"Cannot copy to {dest}: {exc}") from exc
    finally:
        src.close()


def open_workspace(path: Path | ServerLocation | str, *, readonly: bool = False) -> Workspace:
    """Open an existing workspace, migrating it (after a backup) when it is older; a
    server URL opens the workspace in that database (see :mod:`.remote`)."""
    location = as_location(path)
    if isinstance(location, ServerLocation):
        from .remote import open_server

        return open_server(location, readonly=readonly)
    path = location
    info = inspect_file(path)
    readonly = readonly or not info.writable
    migrated_from = None
    backup = None
    if info.needs_migration:
        if readonly:
            raise WorkspaceError(
                f"{path.name} was made by an older version and must be upgraded, "
                "but it is read-only. Copy it somewhere writable and open the copy."
            )
        with files.exclusive(path, what="upgrade"):
            backup = backup_before_upgrade(path, info.revision)
            _upgrade_in_place(path, backup)
        migrated_from = info.revision
    if not info.needs_migration or migrated_from is not None:
        _refuse_damaged_schema(path)
    open_lock = files.OpenLock(path)
    engine = make_engine(path, readonly=readonly)
    if not readonly:
        history.guard_writes(engine)
    return Workspace(
        path=path,
        engine=engine,
        readonly=readonly,
        migrated_from=migrated_from,
        backup_path=backup,
        _identity=files.FileIdentity.of(path),
        _open_lock=open_lock,
    )


def _upgrade_in_place(path: Path, backup: Path) -> None:
    """Run every pending migration in ONE transaction: all of it happens, or none."""
    engine = make_engine(path, upgrading=True)
    try:
        with engine.begin() as conn:
            migrate.upgrade(conn)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise WorkspaceError(f"{len(broken)} rows would refer to missing records")
    except Exception as error:
        reason = "the file is busy in another window" if _is_busy(error) else str(error)
        raise WorkspaceError(
            f"Upgrading {path.name} failed ({reason}); the file is unchanged and a copy of "
            f"it is kept at {backup.name}."
        ) from error
    finally:
        engine.dispose()


def _refuse_damaged_schema(path: Path) -> None:
    conn = _ro_connect(path)
    try:
        found = schema.problems(conn)
    finally:
        conn.close()
    if found:
        raise CorruptWorkspaceError(
            f"{path.name} is damaged: {'; '.join(found[:5])}"
            + (f" (and {len(found) - 5} more)" if len(found) > 5 else "")
            + ". Run `aipm check` on it, or restore a backup."
        )


def create_workspace(
    path: Path | ServerLocation | str,
    *,
    populate: Callable[[Session], None] | None = None,
    overwrite: bool = False,
) -> Workspace:
    """Create a new workspace file at ``path`` and return it open.

    The file is built under a temporary name beside ``path`` and moved into place only
    when complete, so a failure never leaves a half-made workspace behind. A server URL
    builds it in that (empty) database, in one transaction.
    """
    location = as_location(path)
    if isinstance(location, ServerLocation):
        from .remote import create_server

        return create_server(location, populate=populate, overwrite=overwrite)
    path = location
    if path.exists() and not overwrite:
        raise WorkspaceError(f"{path} already exists.")
    if not path.parent.exists():
        raise WorkspaceError(f"The folder {path.parent} does not exist.")
    tmp = path.with_name(f".{path.name}.creating")
    for other in path.parent.glob(".*.creating"):
        if other != tmp:
            files.remove_stale(other)  # leftovers of killed runs, unless one is still going
    if not files.remove_stale(tmp):
        raise files.InUseError(
            f"Another window or command is creating {path.name} right now; try again when "
            "it has finished."
        )
    try:
        tmp.touch()
        held = files.hold(tmp)
    except OSError as exc:
        raise WorkspaceError(
            f"Cannot create {path}: {exc.strerror or exc} (the folder must be writable)."
        ) from exc
    engine = make_engine(tmp, upgrading=True)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            migrate.upgrade(conn)
        engine.dispose()
        if populate is not None:
            engine = make_engine(tmp)
            with Session(engine, expire_on_commit=False) as session, session.begin():
                populate(session)
                audit.seal(session.connection())  # a new file starts its chain sealed
            engine.dispose()
        # Fold the WAL into the file so it moves into place whole, then swap it in while
        # no other process has the old file open.
        folded = sqlite3.connect(tmp)
        try:
            folded.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            folded.close()
        with files.exclusive(path, what="replace"):
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            os.replace(tmp, path)
    except OSError as exc:
        engine.dispose()
        _drop(tmp)
        raise WorkspaceError(f"Cannot create {path}: {exc.strerror or exc}") from exc
    except BaseException:
        engine.dispose()
        _drop(tmp)
        raise
    finally:
        if held is not None:
            os.close(held)
    return open_workspace(path)


def _drop(tmp: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def save_copy(workspace: Workspace, dest: Path | str) -> Path:
    """Write a consistent copy of the open workspace to ``dest`` (replacing it)."""
    if workspace.on_server:
        raise WorkspaceError(
            f"{workspace.path.name} is on a server: copy it with `aipm copy` (a server's "
            "backups are its administrator's job)."
        )
    dest = Path(dest).expanduser()
    if dest.resolve() == workspace.path.resolve():
        raise WorkspaceError("Choose a different file name for the copy.")
    if not dest.parent.exists():
        raise WorkspaceError(f"The folder {dest.parent} does not exist.")
    with files.exclusive(dest, what="replace"):
        _sqlite_copy(workspace.path, dest)
    return dest


def check_workspace(path: Path | ServerLocation | str) -> list[str]:
    """Full integrity check; returns a list of problems (empty when sound).

    An older schema revision is not a problem: opening the file in the app upgrades it
    (``inspect_file(path).needs_migration`` tells).
    """
    location = as_location(path)
    if isinstance(location, ServerLocation):
        from .remote import check_server

        return check_server(location)
    info = inspect_file(location)
    problems: list[str] = []
    conn = _ro_connect(info.path)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            problems.extend(f"integrity: {r}" for r in rows[:20])
        fk_rows = conn.execute("PRAGMA foreign_key_check").fetchall()
        problems.extend(f"foreign key: {r[0]} row {r[1]} -> {r[2]}" for r in fk_rows[:20])
        if not info.needs_migration:
            problems.extend(f"schema: {p}" for p in schema.problems(conn))
    except sqlite3.DatabaseError as exc:
        problems.append(f"integrity: {exc}")
    finally:
        conn.close()
    return problems
