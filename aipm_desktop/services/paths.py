"""Checks on the files a service is asked to write."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import UserError


def export_target(out: Path | str, suffixes: Sequence[str], what: str) -> Path:
    """``out`` as a path, or a plain error when its suffix is not one of ``suffixes`` or its
    folder does not exist (``what`` names the export in the message: "a chart")."""
    out = Path(out).expanduser()
    suffix = out.suffix.lower()
    if suffix not in suffixes:
        allowed = " or ".join(filter(None, (", ".join(suffixes[:-1]), suffixes[-1])))
        raise UserError(
            f"Cannot export {what} as {suffix or 'a file without suffix'}; use {allowed}."
        )
    if not out.parent.is_dir():
        raise UserError(f"The folder {out.parent} does not exist.")
    return out
