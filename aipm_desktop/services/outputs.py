"""Writing an export: the one place that decides whether a file may be written.

Every export (JSON dump, documents, spreadsheets, charts, feedback) goes through
:func:`replacing`: it refuses names with control characters, never writes over a
workspace or one of its side files (``-wal``, ``-shm``, ``-journal``), open or not,
refuses to replace an existing file unless asked (``--force`` on the command line; in
the GUI the file dialog has already asked), names the folder when it is missing or not
writable, and writes to a temporary file renamed into place, so a failure leaves
whatever was there untouched.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from ..errors import UserError
from ..store.files import workspace_part


def _has_control(text: str) -> bool:
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)


def check_target(
    out: Path | str,
    *,
    overwrite: bool = True,
    suffixes: tuple[str, ...] | None = None,
    what: str = "an export",
) -> Path:
    """The path ``out`` if an export may write it; a clear ``UserError`` otherwise."""
    out = Path(out).expanduser()
    if _has_control(str(out)):
        raise UserError(
            f"The file name {str(out)!r} contains a control character (a line break or "
            "similar); choose a plain name."
        )
    if suffixes is not None and out.suffix.lower() not in suffixes:
        choices = (
            ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]
        )
        raise UserError(
            f"Cannot write {what} as {out.suffix or 'a file without suffix'}; use {choices}."
        )
    folder = out.parent
    if not folder.is_dir():
        raise UserError(f"Cannot write {out}: the folder {folder} does not exist.")
    if out.is_dir():
        raise UserError(f"Cannot write {out}: it is a folder.")
    workspace = workspace_part(out)
    if workspace is not None:
        which = "is a workspace file" if workspace == out else f"belongs to {workspace.name}"
        raise UserError(
            f"{out} {which}; an export never writes over a workspace. Choose another name."
        )
    if out.exists() and not overwrite:
        raise UserError(f"{out} already exists; use --force to replace it.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(
            f"Cannot write {out}: permission denied (the folder {folder} is not writable)."
        )
    return out


@contextlib.contextmanager
def replacing(
    out: Path | str,
    *,
    overwrite: bool = True,
    suffixes: tuple[str, ...] | None = None,
    what: str = "an export",
) -> Iterator[Path]:
    """Yield a temporary path beside ``out``; on success it replaces ``out`` whole."""
    target = check_target(out, overwrite=overwrite, suffixes=suffixes, what=what)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        yield tmp
        if not tmp.exists():
            raise UserError(f"Cannot write {target}: nothing was produced.")
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except PermissionError as error:
        raise UserError(
            f"Cannot write {target}: permission denied (the folder {target.parent} is not "
            "writable, or the file is read-only)."
        ) from error
    except OSError as error:
        raise UserError(f"Cannot write {target}: {error.strerror or error}.") from error
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(out: Path | str, data: bytes, **options: object) -> Path:
    """Write ``data`` to ``out`` through :func:`replacing`; returns the path."""
    with replacing(out, **options) as tmp:  # type: ignore[arg-type]
        tmp.write_bytes(data)
    return Path(out).expanduser()


def write_text(out: Path | str, text: str, **options: object) -> Path:
    """Write ``text`` (UTF-8, LF line ends) to ``out`` through :func:`replacing`."""
    return write_bytes(out, text.encode("utf-8"), **options)
