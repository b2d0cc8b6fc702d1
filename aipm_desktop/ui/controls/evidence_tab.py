"""The Evidence tab: the evidence of one use case (with the workspace-wide items that
serve it; the workspace level lists those alone), filtered by text (a control's
``catalog:ref`` too), and for the chosen item which controls it satisfies: directly, and
through the crosswalk in other catalogs (equivalent ones count, related ones help). A
stored file opens in the system's viewer or is saved elsewhere, byte for byte."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from ...errors import UserError
from ...services import controls as controls_service
from ...services.controls.evidence import kind_label as evidence_kind
from ..context import AppContext
from ..errors import show_user_error
from ..operations.parts import record_table
from ..widgets.builders import (
    TAB_MARGINS,
    Space,
    button,
    empty_state,
    hbox,
    keep_state,
    open_dialog,
    panel,
    splitter,
    stacked,
    vbox,
)
from ..widgets.dialog_parts import ask_save_path, show_saved
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from ..widgets.row_list_model import Column, ColumnTableModel
from .evidence_dialog import EvidenceDialog
from .parts import LevelTab, current_row, filtered, fit_columns, named_filter, show_rows

ADD_TIP = "Add a file or a reference as evidence for controls of this level"
FILE_WHY = "Choose an evidence item that is a stored file."
EMPTY = (
    "No evidence here yet. Press “Add evidence…” to store a file (a test report, a DPIA, "
    "a model card) or to reference a URL, a document of this workspace or a ticket, and "
    "tick the controls it satisfies."
)


_OPENED: list[tempfile.TemporaryDirectory[str]] = []


def _opened_copies() -> str:
    """The folder of this session's opened copies: removed (with what is in it) when
    the process ends."""
    if not _OPENED:
        _OPENED.append(tempfile.TemporaryDirectory(prefix="aipm-evidence-"))
    return _OPENED[0].name


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def _columns() -> tuple[Column[Any], ...]:
    return (
        Column("Title", lambda e: e.title),
        Column("Kind", lambda e: evidence_kind(e.kind)),
        Column("File or reference", lambda e: e.target),
        Column("Use case", lambda e: e.use_case or "(workspace)"),
        Column("Controls", lambda e: ", ".join(e.controls), tip=lambda e: "\n".join(e.controls)),
        Column("Added by", lambda e: e.added_by),
        Column("Added on", lambda e: _date(e.added_on)),
        Column("Valid until", lambda e: _date(e.valid_until)),
        Column("Reviewer", lambda e: e.reviewer),
    )


def _satisfied_columns() -> tuple[Column[Any], ...]:
    return (
        Column("Control", lambda s: s.control),
        Column("Title", lambda s: s.title),
        Column("How", lambda s: s.how),
        Column("Through", lambda s: s.via),
    )


class EvidenceTab(LevelTab):
    """The evidence list above what the chosen item satisfies."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="evidenceTab")
        self.dialog: EvidenceDialog | None = None
        self.items: list[Any] = []
        self.chosen_controls: tuple[int, ...] = ()
        self.add_button = button("Add evidence…", self.add_evidence, name="addEvidenceButton")
        self.open_button = button("Open file", self.open_file, name="openEvidenceButton")
        self.save_button = button("Save file…", self.save_file, name="saveEvidenceButton")
        self.saved_label = named_label("", "mutedLabel")
        self.filter_box = named_filter("evidenceFilter")
        self.model: ColumnTableModel[Any] = ColumnTableModel(_columns(), key=lambda e: e.id)
        self.table = record_table("evidenceTable", self.model, stretch=0)
        self.stack = stacked(empty_state(EMPTY, margin=24), self.table)
        self.info = named_label("", "mutedLabel", wrap=True)
        self.satisfied_model: ColumnTableModel[Any] = ColumnTableModel(_satisfied_columns())
        self.satisfied = record_table("satisfiedTable", self.satisfied_model, stretch=1)
        below = panel(
            named_label("Satisfies", "sectionTitle"),
            self.info,
            (self.satisfied, 1),
            spacing=6,
        )
        split = keep_state(
            splitter(self.stack, below, orientation=Qt.Orientation.Vertical, collapsible=False),
            ctx.settings,
            "controlEvidence",
            (380, 260),
        )
        toolbar = hbox(
            self.add_button,
            self.open_button,
            self.save_button,
            self.saved_label,
            Space(12),
            (self.filter_box, 1),
            spacing=8,
        )
        vbox(toolbar, (split, 1), margins=TAB_MARGINS, spacing=8, parent=self)
        self.filter_box.filter_changed.connect(lambda _t: self._show_items())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_item())

    # -- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        ws = self.ctx.workspace
        items = (
            controls_service.evidence_items(ws=ws, use_case_id=self.use_case_id)
            if ws is not None
            else []
        )
        if self.use_case_id is None:
            items = [e for e in items if not e.use_case]
        self.items = items
        self._show_items()

    def current(self) -> Any:
        return current_row(self.table)

    def _show_items(self) -> None:
        rows = filtered(
            self.filter_box,
            self.items,
            lambda e: (e.title, e.target, e.kind, e.reviewer, e.added_by, *e.controls),
        )
        show_rows(self.table, self.model, rows, cap=220, stretch=0)
        self.stack.setCurrentIndex(1 if rows or self.items else 0)
        self._show_item()

    def _show_item(self) -> None:
        item, ws = self.current(), self.ctx.workspace
        found = []
        if item is not None and ws is not None:
            found = controls_service.satisfied_controls(ws=ws, evidence_id=item.id)
            size = (
                f", {item.size_bytes:,} bytes, SHA-256 {item.sha256[:16]}…" if item.sha256 else ""
            )
            valid = f"valid {_date(item.valid_from) or '…'} to {_date(item.valid_until) or '…'}"
            reviewed = f"; reviewed by {item.reviewer}" if item.reviewer else "; not reviewed"
            self.info.setText(f"{evidence_kind(item.kind)}{size}; {valid}{reviewed}.")
        else:
            self.info.setText("")
        self.satisfied_model.set_rows(found)
        fit_columns(self.satisfied, cap=260, stretch=1)
        self._update_actions()

    def _update_actions(self) -> None:
        writable = not self.ctx.readonly and self.ctx.workspace is not None
        set_enabled_why(self.add_button, writable, ADD_TIP, READ_ONLY_WHY)
        item = self.current()
        is_file = item is not None and item.kind == "file"
        set_enabled_why(self.open_button, is_file, "Open the stored file", FILE_WHY)
        set_enabled_why(self.save_button, is_file, "Save a copy of the stored file", FILE_WHY)

    # -- actions ----------------------------------------------------------------------------

    def add_evidence(self) -> EvidenceDialog | None:
        if self.ctx.readonly or self.ctx.workspace is None or self.dialog is not None:
            return None
        dialog = EvidenceDialog(self.ctx, self.use_case_id, self.chosen_controls, self)
        return open_dialog(self, "dialog", dialog)

    def _stored_bytes(self) -> tuple[Any, bytes] | None:
        item, ws = self.current(), self.ctx.workspace
        if item is None or ws is None or item.kind != "file":
            return None
        try:
            return item, controls_service.blob(ws=ws, sha256=item.sha256)
        except UserError as err:
            show_user_error(self, err)
            return None

    def save_file(self, path: Path | None = None) -> Path | None:
        """Write the stored file to ``path`` (asked for when not given)."""
        found = self._stored_bytes()
        if found is None:
            return None
        item, data = found
        if path is None:
            start = self.ctx.settings.last_directory() / Path(item.target).name
            path = ask_save_path(self, "Save evidence file", start, "All files (*)")
            if path is None:
                return None
        try:
            path.write_bytes(data)
        except OSError as err:
            show_user_error(self, UserError(f"Cannot write {path}: {err.strerror}."))
            return None
        show_saved(self.saved_label, path)
        return path

    def open_file(self) -> Path | None:
        """Write the stored file to a private temporary folder and open it. The folder
        holds the copies opened this session and is removed when the app quits."""
        found = self._stored_bytes()
        if found is None:
            return None
        item, data = found
        folder = Path(tempfile.mkdtemp(prefix=f"{item.id}-", dir=_opened_copies()))
        path = folder / Path(item.target).name
        path.write_bytes(data)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path
