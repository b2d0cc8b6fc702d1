"""``aipm evidence remove|prune|limit`` (also under ``aipm controls evidence``): remove
evidence with its stored file, remove files no evidence names, and the workspace's size
limit of one file.

The commands join the evidence group when this module is imported (the command line's
``app`` imports it with the other groups).
"""

from __future__ import annotations

from typing import Annotated

import typer

from . import common
from .common import JsonFlag, WhoOption, WorkspaceFile, command
from .controls import evidence_app

_DryRun = Annotated[bool, typer.Option("--dry-run", help="Only say what would be removed.")]


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"


@command(evidence_app, "remove")
def remove_command(
    file: WorkspaceFile,
    evidence_ids: Annotated[list[int], typer.Argument(help="The evidence items' ids.")],
    who: WhoOption = None,
) -> None:
    """Remove evidence items; a stored file no other item names goes with them (one undo
    step: `aipm undo` brings both back)."""
    from ..services import controls

    with common.writing(file) as ws:
        removed, _changes = controls.remove_evidence(ws=ws, evidence_ids=evidence_ids, who=who)
    line = f"Removed {common.plural(removed.items, 'evidence item')}"
    if removed.files:
        line += f" and {common.plural(removed.files, 'stored file')} ({_size(removed.bytes)})"
    typer.echo(line + ".")


@command(evidence_app, "prune")
def prune_command(
    file: WorkspaceFile,
    dry_run: _DryRun = False,
    as_json: JsonFlag = False,
    who: WhoOption = None,
) -> None:
    """Remove stored files no evidence item names (left by older versions or by records
    deleted with their evidence); one undo step."""
    from ..services import controls

    if dry_run:
        with common.reading(file) as ws:
            found = controls.orphan_blobs(ws=ws)
    else:
        with common.writing(file) as ws:
            found = controls.prune_blobs(ws=ws, who=who)
    if as_json:
        common.echo_json({**found.as_dict(), "dry_run": dry_run})
        return
    if not found.files:
        typer.echo("No unused evidence files.")
        return
    verb = "Would remove" if dry_run else "Removed"
    typer.echo(
        f"{verb} {common.plural(found.files, 'unused evidence file')} ({_size(found.bytes)})."
    )


@command(evidence_app, "limit")
def limit_command(
    file: WorkspaceFile,
    megabytes: Annotated[
        int | None, typer.Argument(help="The new limit in MB (1-2048); without it, show it.")
    ] = None,
    who: WhoOption = None,
) -> None:
    """Show or set the workspace's size limit of one evidence file (default 50 MB)."""
    from ..services import controls

    if megabytes is None:
        with common.reading(file) as ws:
            typer.echo(f"Evidence size limit: {controls.evidence_limit_mb(ws=ws)} MB per file.")
        return
    with common.writing(file) as ws:
        controls.set_evidence_limit(ws=ws, mb=megabytes, who=who)
    typer.echo(f"Evidence size limit: {megabytes} MB per file.")
