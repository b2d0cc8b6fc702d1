"""Case packs in the Case library: export the selected case as one zip, import one.

An import is checked whole before anything is written (a bad or tampered pack says
what is wrong and changes nothing); a name already taken is said first, and the case
comes in renamed only when the user agrees. The import is one undo step.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ...errors import UserError
from ...services.interviews import case_pack
from ..context import AppContext
from ..undo import OperationCommand
from ..widgets.dialog_parts import ask_save_path, confirm_delete
from ..widgets.service_edits import call_command

PACK_FILTER = "Case pack (*.zip)"


def _status(owner: QWidget, text: str) -> None:
    status = getattr(owner.window(), "statusBar", None)
    if callable(status):
        status().showMessage(text, 8000)


def ask_export(ctx: AppContext, owner: QWidget, exercise_id: int, title: str) -> Path | None:
    """Ask where, then write the case pack of a case; the path written, or None."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower() or "case"
    path = ask_save_path(owner, "Export case pack", Path.home() / f"{slug}.zip", PACK_FILTER)
    return None if path is None else export(ctx, owner, exercise_id, path)


def export(ctx: AppContext, owner: QWidget, exercise_id: int, path: Path) -> Path | None:
    ws = ctx.workspace
    if ws is None:
        return None
    try:
        written = case_pack.export_pack(ws=ws, exercise_id=exercise_id, out=path)
    except UserError as err:
        ctx.show_error(err)
        return None
    _status(owner, f"Wrote {written}: the case and its scorecard, no candidate data")
    return written


def ask_import(ctx: AppContext, owner: QWidget) -> QMessageBox | OperationCommand | None:
    """Ask for a case pack, then import it (see :func:`import_from`)."""
    chosen, _filter = QFileDialog.getOpenFileName(
        owner, "Import case pack", str(Path.home()), PACK_FILTER
    )
    return import_from(ctx, owner, Path(chosen)) if chosen else None


def import_from(
    ctx: AppContext, owner: QWidget, path: Path
) -> QMessageBox | OperationCommand | None:
    """Check the pack at ``path`` and import it: at once when no name is taken (the
    command is returned), else after asking (the question box is returned, window-modal);
    None when the pack was refused (the reason is shown)."""
    ws = ctx.workspace
    if ws is None or ctx.readonly:
        return None
    try:
        pack = case_pack.read_pack(path)
        clashes = case_pack.clashes(ws=ws, pack=pack)
    except UserError as err:
        ctx.show_error(err)
        return None
    if not clashes:
        return _run(ctx, owner, pack)
    listed = "\n".join(f"• {c.text().capitalize()}: imported as “{c.new_name}”." for c in clashes)
    return confirm_delete(
        owner,
        "Import case pack",
        f"Import “{pack.title}” under a new name?",
        informative=f"{listed}\n\nNothing in this workspace is changed or replaced.",
        name="confirmImportRenamed",
        yes_text="Import renamed",
        on_yes=lambda: _run(ctx, owner, pack),
    )


def _run(ctx: AppContext, owner: QWidget, pack: case_pack.CasePack) -> OperationCommand:
    command = call_command(
        ctx,
        f"import case pack '{pack.title}'",
        case_pack.import_pack,
        {"pack": pack, "on_clash": "rename"},
    )
    if ctx.run_edit(command) and isinstance(command.result, case_pack.ImportResult):
        command.record_id = command.result.case_id
        _status(owner, " ".join(command.result.messages))
    return command
