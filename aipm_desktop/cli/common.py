"""Shared plumbing of the ``aipm`` commands: one-line errors, exit codes, opening files.

Every command is wrapped in :func:`guarded`: a problem the user can fix (a ``UserError``)
exits 1 with one ``aipm: error: ...`` line on stderr; anything unexpected exits 2 with one
line pointing at the log file, where the traceback goes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import logging.handlers
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from ..errors import UserError

if TYPE_CHECKING:
    from ..store import FileInfo, Workspace

EXIT_USER_ERROR = 1
EXIT_UNEXPECTED = 2

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def workspace_location(value: str | Path) -> Path:
    """What a FILE argument names: a workspace file, or a server database given by its
    URL (``postgresql://user@host/db``; typed as a path, it answers what a path is asked)."""
    from ..locations import as_location

    if isinstance(value, Path):
        return value
    try:
        return as_location(value)  # type: ignore[return-value]
    except UserError as error:
        raise typer.BadParameter(str(error)) from None


#: The workspace every area command takes first: a file, or a server's URL.
WorkspaceFile = Annotated[
    Path,
    typer.Argument(
        help="The workspace: a file (.aipm) or a server (postgresql://user@host/db).",
        parser=workspace_location,
    ),
]
#: ``--json``: print JSON instead of a table or text.
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table or text.")]
WhoOption = Annotated[
    str | None, typer.Option("--who", help="Who made the change (default: your user name).")
]
ForceFlag = Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")]


def new_app(help: str, name: str | None = None) -> typer.Typer:
    """A command group with the settings every ``aipm`` group shares."""
    return typer.Typer(
        name=name,
        help=help,
        add_completion=False,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


def fail(message: str, code: int = EXIT_USER_ERROR) -> typer.Exit:
    """Print one error line on stderr; returns the Exit to raise."""
    line = " ".join(str(message).split()) or "unknown error"
    typer.echo(f"aipm: error: {line}", err=True)
    return typer.Exit(code)


def silence_stdout() -> None:
    """Point stdout at /dev/null so Python's final flush into a closed pipe stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


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
        except BrokenPipeError:
            # The reader went away (``aipm risks list F | head -2``): stop quietly.
            silence_stdout()
            raise typer.Exit(0) from None
        except Exception as error:
            where = log_unexpected(error)
            hint = f"; details are in {where}" if where else ""
            raise fail(
                f"unexpected {type(error).__name__}: {error}{hint}", EXIT_UNEXPECTED
            ) from None

    return wrapper  # type: ignore[return-value]


def command(app: typer.Typer, name: str | None = None) -> Callable[[F], F]:
    """``@command(app, "list")``: register the function as a command of ``app``, wrapped in
    :func:`guarded` (one-line errors and exit codes)."""

    def register(func: F) -> F:
        return app.command(name)(guarded(func))

    return register


def open_for_reading(path: Path) -> tuple[Workspace, FileInfo]:
    """Open ``path`` read-only without changing it, even when its schema is older.

    ``open_workspace`` only migrates writable files, so an older file is read as it is
    (counts and settings read the same in every known revision).
    """
    from ..locations import ServerLocation, as_location
    from ..store import Workspace, inspect_file, open_workspace
    from ..store.engine import make_engine

    location = as_location(path)
    info = inspect_file(location)
    if isinstance(location, ServerLocation):
        return open_workspace(location, readonly=True), info
    if info.needs_migration:
        engine = make_engine(info.path, readonly=True)
        return Workspace(path=info.path, engine=engine, readonly=True), info
    return open_workspace(path, readonly=True), info


def open_for_writing(path: Path) -> Workspace:
    """Open ``path`` for an edit (an older schema is migrated after a backup)."""
    from ..locations import as_location
    from ..store import open_workspace

    ws = open_workspace(as_location(path))
    if ws.readonly:
        ws.close()
        raise UserError(f"{path} is read-only; cannot change it.")
    return ws


def closed_summary(ws: Workspace) -> str:
    """``'Name': N records in the main areas`` of a workspace just made; closes it."""
    from ..services.workspace import info

    try:
        summary = info(ws=ws)
    finally:
        ws.close()
    return f"{summary.name!r}: {sum(summary.counts.values())} records in the main areas"


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis (for table columns)."""
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


@contextlib.contextmanager
def reading(file: Path) -> Iterator[Workspace]:
    """``with reading(file) as ws``: the workspace opened read-only, closed afterwards."""
    ws, _info = open_for_reading(file.expanduser())
    try:
        yield ws
    finally:
        ws.close()


@contextlib.contextmanager
def writing(file: Path) -> Iterator[Workspace]:
    """``with writing(file) as ws``: the workspace opened for an edit, closed afterwards."""
    ws = open_for_writing(file.expanduser())
    try:
        yield ws
    finally:
        ws.close()


@contextlib.contextmanager
def for_import(file: Path, dry_run: bool) -> Iterator[Workspace]:
    """The workspace an import works on, closed afterwards: read only for a dry run (it
    writes nothing), else opened for the edit."""
    path = file.expanduser()
    ws = open_for_reading(path)[0] if dry_run else open_for_writing(path)
    try:
        yield ws
    finally:
        ws.close()


def _record_json(value: Any) -> Any:
    """A service record (anything with ``as_dict``) as JSON carries it."""
    as_dict = getattr(value, "as_dict", None)
    if as_dict is None:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
    return as_dict()


def echo_json(data: Any, *, indent: int | None = 2, sort_keys: bool = False) -> None:
    """Print ``data`` as JSON (UTF-8 text as it is, not escaped); service records in it
    (anything with ``as_dict``) print as their dicts."""
    typer.echo(
        json.dumps(
            data, indent=indent, ensure_ascii=False, sort_keys=sort_keys, default=_record_json
        )
    )


def echo_json_or_empty(
    items: Sequence[Any], *, as_json: bool, empty: str, data: Any = None, indent: int | None = 2
) -> bool:
    """The opening of a list command's output: with ``--json``, ``data`` (``items`` when
    not given) as JSON; with nothing to list, the ``empty`` message. True when that was
    the whole output (the command returns); False when the caller prints its table."""
    if as_json:
        echo_json(items if data is None else data, indent=indent)
        return True
    if not items:
        typer.echo(empty)
        return True
    return False


def listed(
    file: Path,
    load: Callable[..., Sequence[T]],
    *,
    as_json: bool,
    empty: str,
    data: Callable[[Sequence[T]], Any] | None = None,
    indent: int | None = 2,
) -> Sequence[T]:
    """What a list command shows: ``load(ws=...)`` read from the workspace ``file``. With
    ``--json`` (``data(items)`` when given) or with nothing to list (the ``empty`` message)
    the output is whole and the command ends here (:func:`echo_json_or_empty`); otherwise
    the items come back for the caller's table."""
    with reading(file) as ws:
        items = load(ws=ws)
    shown = None if data is None else data(items)
    if echo_json_or_empty(items, as_json=as_json, empty=empty, data=shown, indent=indent):
        raise typer.Exit(0)
    return items


def plural(count: int, word: str) -> str:
    """``3 risks``, ``1 risk``."""
    return f"{count} {word}{'s' if count != 1 else ''}"


#: ``--match`` and ``--on-unknown-id`` of the record imports (use cases, risks).
MATCH_HELP = (
    "How a row without an id finds the record it updates: id (never: it is added) or "
    "title (the one record with that title, case-insensitive; none: added)."
)
UNKNOWN_ID_HELP = (
    "A row whose id no record has: reject it (nothing is imported) or add it as a new "
    "record (with a new id)."
)


def import_result(preview: Any, word: str, file: Path) -> str:
    """``Imported 3 use cases into w.aipm: 1 added, 2 updated, 9 unchanged.``"""
    added, updated, same = len(preview.add), len(preview.update), len(preview.unchanged)
    if not added and not updated:
        return f"Nothing to import into {file}: {plural(same, word)} unchanged."
    return (
        f"Imported {plural(added + updated, word)} into {file}: {added:,} added, "
        f"{updated:,} updated, {same:,} unchanged."
    )


def table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    """A plain-text table: a header, a rule and the rows; columns in ``right`` align right."""
    widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def parse_date(value: str | None, message: str) -> dt.date | None:
    """``value`` (YYYY-MM-DD) as a date, None when blank; a UserError with ``message``
    (formatted with ``value``) when it is not a date."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(message.format(value=value)) from None
