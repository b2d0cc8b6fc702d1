"""Shared plumbing of the ``aipm`` commands: one-line errors, exit codes, opening files.

Every command is wrapped in :func:`guarded`: a problem the user can fix (a ``UserError``)
exits 1 with one ``aipm: error: ...`` line on stderr; anything unexpected exits 2 with one
line pointing at the log file, where the traceback goes.
"""

from __future__ import annotations

import functools
import logging
import logging.handlers
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from ..errors import UserError

if TYPE_CHECKING:
    from ..store import FileInfo, Workspace

EXIT_USER_ERROR = 1
EXIT_UNEXPECTED = 2

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = EXIT_USER_ERROR) -> typer.Exit:
    """Print one error line on stderr; returns the Exit to raise."""
    line = " ".join(str(message).split()) or "unknown error"
    typer.echo(f"aipm: error: {line}", err=True)
    return typer.Exit(code)


def log_unexpected(error: BaseException) -> str:
    """Write the traceback to the log file; returns where it went (or '' if it could not)."""
    try:
        from ..paths import log_file

        path = log_file()
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except Exception:  # the log folder itself is unusable: the one-line message must do
        return ""
    logger = logging.getLogger("aipm_desktop.cli.crash")
    logger.propagate = False  # the traceback goes to the file only, never to the terminal
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    try:
        logger.error("Unexpected error in aipm %s", " ".join(sys.argv[1:]), exc_info=error)
    finally:
        logger.removeHandler(handler)
        handler.close()
    return str(path)


def guarded(func: F) -> F:
    """Turn errors into one line on stderr and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except UserError as error:
            raise fail(str(error)) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except Exception as error:
            where = log_unexpected(error)
            hint = f"; details are in {where}" if where else ""
            raise fail(
                f"unexpected {type(error).__name__}: {error}{hint}", EXIT_UNEXPECTED
            ) from None

    return wrapper  # type: ignore[return-value]


def open_for_reading(path: Path) -> tuple[Workspace, FileInfo]:
    """Open ``path`` read-only without changing it, even when its schema is older.

    ``open_workspace`` only migrates writable files, so an older file is read as it is
    (counts and settings read the same in every known revision).
    """
    from ..store import Workspace, inspect_file, open_workspace
    from ..store.engine import make_engine

    info = inspect_file(path)
    if info.needs_migration:
        engine = make_engine(info.path, readonly=True)
        return Workspace(path=info.path, engine=engine, readonly=True), info
    return open_workspace(path, readonly=True), info


def open_for_writing(path: Path) -> Workspace:
    """Open ``path`` for an edit (an older schema is migrated after a backup)."""
    from ..store import open_workspace

    ws = open_workspace(Path(path).expanduser())
    if ws.readonly:
        ws.close()
        raise UserError(f"{path} is read-only; cannot change it.")
    return ws


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis (for table columns)."""
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"
