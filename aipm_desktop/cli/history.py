"""``aipm undo``, ``aipm redo`` and ``aipm history``: the workspace's own undo history.

The history is kept in the workspace file, so these undo what the app (or an earlier
command) did, and the app's Edit ▸ Undo sees what they did.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .common import WorkspaceFile, clip, command, open_for_reading, open_for_writing


def _describe(op: object) -> str:
    return f"#{op.id} {op.label}"  # type: ignore[attr-defined]


_Who = Annotated[str | None, typer.Option("--who", help="Name recorded in the change log.")]


def _step(file: Path, op: int | None, who: str | None, *, redo: bool) -> None:
    ws = open_for_writing(file)
    try:
        result = ws.redo(op, who=who) if redo else ws.undo(op, who=who)
    finally:
        ws.close()
    typer.echo(f"Done: {_describe(result)}")


#: ``aipm undo`` and ``aipm redo``: (name, redo?, help of --op, what the command does).
_STEPS = (
    (
        "undo",
        False,
        "The operation to undo (default: the latest still applied).",
        "Undo the latest change (or operation --op) recorded in the workspace.",
    ),
    (
        "redo",
        True,
        "The undo to redo (default: the latest one that can be).",
        "Redo what the latest undo (or the undo --op) reversed.",
    ),
)


def _register_step(app: typer.Typer, name: str, redo: bool, op_help: str, doc: str) -> None:
    def step_command(
        file: WorkspaceFile,
        op: int | None = typer.Option(None, "--op", help=op_help),
        who: _Who = None,
    ) -> None:
        _step(file, op, who, redo=redo)

    step_command.__doc__ = doc
    command(app, name)(step_command)


def register(app: typer.Typer) -> None:
    """Add the history commands to the root ``aipm`` app."""
    for name, redo, op_help, doc in _STEPS:
        _register_step(app, name, redo, op_help, doc)

    @command(app, "history")
    def history_command(
        file: WorkspaceFile,
        limit: int = typer.Option(30, "--limit", "-n", min=1, help="How many, newest first."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON array."),
    ) -> None:
        """List the recorded operations, newest first (what undo and redo work on)."""
        ws, info = open_for_reading(file.expanduser())
        try:
            entries = ws.history(limit=limit) if not info.needs_migration else []
        finally:
            ws.close()
        if as_json:
            typer.echo(json.dumps(entries, ensure_ascii=False, sort_keys=True))
            return
        if not entries:
            typer.echo("No operations recorded yet.")
            return
        state_text = {
            ("do", "active"): "",
            ("redo", "active"): "",
            ("do", "undone"): "undone",
            ("redo", "undone"): "undone",
            ("undo", "active"): "can redo",
            ("undo", "redone"): "redone",
            ("undo", "closed"): "",
        }
        typer.echo(f"{'#':>6}  {'when (UTC)':<19}  {'who':<12}  {'state':<8}  what")
        for e in entries:
            state = state_text.get((e["kind"], e["state"]), e["state"])
            when = str(e["at"])[:19].replace("T", " ")
            typer.echo(
                f"{e['id']:>6}  {when:<19}  {clip(e['actor'], 12):<12}  {state:<8}  "
                f"{clip(e['label'], 70)}"
            )
