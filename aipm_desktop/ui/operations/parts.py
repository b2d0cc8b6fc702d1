"""Pieces the Operations area's tabs share: the read-only reason, who an entry is stamped
with, a small record table, a master-detail list and reading a record that may be gone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMessageBox, QTableView, QWidget

from ...errors import UserError
from ...services import records
from ...services.listing import ListSpec
from ..context import AppContext
from ..widgets.column_table_model import ColumnTableModel
from ..widgets.dialog_parts import confirm_delete
from ..widgets.master_detail import MasterDetail

T = TypeVar("T")
READ_ONLY_WHY = "This workspace is open read-only."


def who_am_i(ctx: AppContext) -> str:
    """The name a timeline entry or an action is stamped with: the configured author,
    else the login name."""
    return ctx.author() or records.default_author()


def read_or_none(read: Callable[[], T]) -> T | None:
    """``read()``, or None when the record is gone (deleted, undone) or none is open."""
    try:
        return read()
    except UserError:
        return None


def record_table(name: str, model: ColumnTableModel[Any], stretch: int) -> QTableView:
    """A read-only table of ``model`` selecting one row, column ``stretch`` taking the
    spare width (the others fit their contents)."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    for column in range(model.columnCount()):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if column == stretch
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(column, mode)
    return view


def wrap_rows(view: QTableView) -> None:
    """Let ``view``'s long texts wrap, each row as tall as its text (short tables only)."""
    view.setWordWrap(True)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


def master_detail(
    ctx: AppContext,
    spec: ListSpec,
    detail: QWidget,
    show: Callable[[int | None], Any],
    *,
    name: str,
    object_name: str,
    sizes: tuple[int, int],
    hidden: Sequence[str] = (),
) -> MasterDetail:
    """The list of ``spec`` beside ``detail`` (kept in the settings under ``name``),
    the columns ``hidden`` left out at first (the header's menu shows them)."""
    master = MasterDetail(
        spec, ctx.workspace, detail, show=show, settings=ctx.settings, name=name, sizes=sizes
    )
    pane = master.list_pane
    pane.setObjectName(object_name)
    pane.setMinimumWidth(240)
    for key in hidden:
        pane.column_chooser.set_column_visible(spec.index_of(key), False)
    return master


def select_listed(master: MasterDetail, record_id: int, clear: Callable[[], None]) -> bool:
    """Make ``record_id`` current in ``master``: the list read again when it is new, the
    filters cleared (``clear``) when they hide it. False when it is not there at all."""
    model = master.model
    if model.row_of(record_id) is None:
        master.refresh()
    if model.row_of(record_id) is None:
        clear()
    if model.row_of(record_id) is None:
        return False
    master.select(record_id)
    return True


def ask_to_delete(
    owner: Any,
    noun: str,
    title: str,
    informative: str,
    command: Callable[[], QUndoCommand],
) -> QMessageBox:
    """Ask (window-modal, No the default) whether to delete the ``noun`` called ``title``;
    Yes runs ``command()`` as one undo step. The box is ``owner.confirm_box`` while open."""
    box = confirm_delete(
        owner,
        f"Delete {noun}",
        f"Delete the {noun} \u201c{title}\u201d?",
        informative=f"{informative} Edit \u25b8 Undo brings it back.",
        name=f"delete{noun.capitalize()}Box",
        no=QMessageBox.StandardButton.No,
        on_yes=lambda: owner.ctx.run_edit(command()),
    )
    box.finished.connect(lambda _r: setattr(owner, "confirm_box", None))
    owner.confirm_box = box
    return box
