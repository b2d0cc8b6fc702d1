"""File-level guards around a workspace: in use by another process, replaced, stale temps.

SQLite locks a file only while a transaction runs, so an idle window holds no SQLite
lock at all. To know that a workspace is open somewhere, every process that opens one
holds a shared ``flock`` on the file for as long as it is open; replacing a file (``new
--force``, ``import --force``) first takes the lock exclusively and refuses when it
cannot. ``flock`` locks are independent of the POSIX record locks SQLite uses, and the
lock's descriptor stays open until the workspace is closed (closing another descriptor
of the file would drop SQLite's own locks).
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import WorkspaceError

try:  # POSIX; on other systems the guards are skipped
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class InUseError(WorkspaceError):
    """The file is open in another window or command."""


@dataclass
class FileIdentity:
    """Which file a path named when it was opened (to notice a replacement)."""

    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_dev, st.st_ino)


class OpenLock:
    """The shared lock an open workspace holds on its file (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.fd: int | None = None
        if fcntl is None:
            return
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return  # unreadable: opening will fail with its own clear message
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            # Held exclusively: another process is replacing the file right now.
            os.close(fd)
            raise InUseError(
                f"{path.name} is being replaced by another window or command; "
                "try again in a moment."
            ) from None
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


@contextlib.contextmanager
def exclusive(path: Path, *, what: str = "replace") -> Iterator[None]:
    """Hold ``path`` exclusively (no other process has it open) while replacing it."""
    if fcntl is None or not path.exists():
        yield
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as error:
        raise WorkspaceError(f"Cannot {what} {path}: {error.strerror or error}.") from error
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise InUseError(
                    f"{path.name} is open in another window or command; close it there "
                    f"first, then {what} it."
                ) from None
            raise
        yield
    finally:
        os.close(fd)


def remove_stale(path: Path) -> bool:
    """Delete a leftover temporary file unless a live process still holds it."""
    if not path.exists():
        return True
    if fcntl is not None:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return False
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False  # a running import or upgrade is writing it
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        finally:
            os.close(fd)
        return True
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return True


def hold(path: Path) -> int | None:
    """Take an exclusive lock on a temporary file this process is building."""
    if fcntl is None:
        return None
    fd = os.open(path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
_SQLITE_MAGIC = b"SQLite format 3\x00"


def is_workspace(path: Path) -> bool:
    """True when ``path`` is an SQLite file carrying this app's ``application_id``."""
    from .engine import APPLICATION_ID

    try:
        with path.open("rb") as fh:
            header = fh.read(72)
    except OSError:
        return False
    return (
        len(header) == 72
        and header.startswith(_SQLITE_MAGIC)
        and int.from_bytes(header[68:72], "big") == APPLICATION_ID
    )


def workspace_part(path: Path) -> Path | None:
    """The workspace ``path`` is, or whose side file (-wal, -shm, -journal) it is."""
    if path.exists() and is_workspace(path):
        return path
    for suffix in _SIDE_SUFFIXES:
        if path.name.endswith(suffix):
            base = path.with_name(path.name[: -len(suffix)])
            if base.exists() and is_workspace(base):
                return base
    return None
