"""Pieces the Operations area's tabs share: the read-only reason, who an entry is stamped
with, a small record table, the pane of the record chosen in a list (:class:`RecordPane`),
the tab holding such a list beside its pane (:class:`RecordsTab`), the form inside a pane
(:class:`PaneForm`) and the question before a delete."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QComboBox, QHeaderView, QMessageBox, QSizePolicy, QTableView, QWidget

from ...errors import UserError
from ...services import records
from ...services.listing import ListSpec
from ...store import Workspace
from ..context import AppContext
from ..widgets.builders import NO_MARGINS, empty_state, stacked, table_view, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import confirm_delete
from ..widgets.master_detail import MasterDetail
from ..widgets.page_header import READ_ONLY_WHY
from ..widgets.record_form import RecordForm
from ..widgets.row_form import RowForm
from ..widgets.row_list_model import Column, ColumnTableModel

__all__ = ["READ_ONLY_WHY"]

T = TypeVar("T")


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
    """A read-only :func:`~..widgets.builders.table_view` of ``model`` selecting one row,
    rows a line high, column ``stretch`` taking the spare width (the others fit their
    contents)."""
    view = table_view(model, name)
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


def widen_combos(form: RecordForm) -> None:
    """Let the form's choice fields take the row's width (long names never clip)."""
    for editor in form.editors.values():
        if isinstance(editor, QComboBox):
            editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)


class PaneForm(RowForm):
    """A :class:`~..widgets.row_form.RowForm` inside a record pane whose heading already
    names the record: no heading of its own, narrow margins, choice fields as wide as
    their row."""

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
        self.body.setContentsMargins(4, 0, 8, 8)
        self.heading.setVisible(False)
        widen_combos(self)


class RecordPane(ContextWidget):
    """The record chosen in a list, read again by id: its ``body`` while it exists, else
    the ``empty`` message (both given to :meth:`lay_out`).

    A subclass reads the record (:meth:`read`) and shows it (:meth:`show_info`) or that
    there is none (:meth:`show_none`); :attr:`info` is what was read last (None: none).
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, name: str) -> None:
        super().__init__(ctx, parent, name=name)
        self.record_id: int | None = None
        self.info: Any = None

    def lay_out(self, body: QWidget, empty: QWidget) -> None:
        """Stack the ``empty`` message (shown first) and ``body`` on the pane, flush."""
        self.body, self.empty = body, empty
        self.stack = stacked(empty, body)
        vbox(self.stack, margins=NO_MARGINS, parent=self)

    def show_record(self, record_id: int | None) -> None:
        """Show record ``record_id`` (None: the empty message)."""
        self.record_id = record_id
        self.refresh()

    def refresh(self) -> None:
        """Read the shown record again (after a change)."""
        ws, record_id = self.ctx.workspace, self.record_id
        info = None
        if ws is not None and record_id is not None:
            info = read_or_none(lambda: self.read(ws, record_id))
        self.info = info
        if info is None:
            self.record_id = None
            self.stack.setCurrentWidget(self.empty)
            self.show_none()
            return
        self.stack.setCurrentWidget(self.body)
        self.show_info(info)

    def read(self, ws: Workspace, record_id: int) -> Any:
        """The record ``record_id`` as the pane shows it (a ``UserError`` when gone)."""
        raise NotImplementedError

    def show_info(self, info: Any) -> None:
        raise NotImplementedError

    def show_none(self) -> None:
        raise NotImplementedError


def _row_id(row: Any) -> Any:
    return row.id


class RowsPanel(ContextWidget):
    """A table of the rows one record holds (an incident's timeline, a runbook's escalation
    path), or a message while it holds none; a subclass lays them out with its buttons
    and enables those in :meth:`update_actions` (also when the current row changes).

    The rows (each with an ``id``) show in ``columns``; the panel is named ``name``
    (``timelinePanel``), its table after it (``timelineTable``); column ``stretch`` takes
    the table's spare width.
    """

    def __init__(
        self,
        ctx: AppContext,
        columns: Sequence[Column[Any]],
        parent: QWidget | None = None,
        *,
        name: str,
        empty_text: str,
        stretch: int,
    ) -> None:
        super().__init__(ctx, parent, name=name)
        #: The id of the record whose rows are shown (None: none).
        self.owner_id: int | None = None
        self.model: ColumnTableModel[Any] = ColumnTableModel(columns, key=_row_id)
        self.table = record_table(f"{name.removesuffix('Panel')}Table", self.model, stretch)
        self.empty = empty_state(empty_text, margin=16)
        self.stack = stacked(self.empty, self.table)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.update_actions())

    def show_rows(self, owner_id: int | None, rows: Sequence[Any]) -> None:
        """Show ``rows``, the rows of record ``owner_id``."""
        self.owner_id = owner_id
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.table if self.model.rows else self.empty)
        self.update_actions()

    def update_actions(self) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class ListPlace:
    """How a :class:`RecordsTab` shows its list: the settings name of the splitter and the
    columns, the list's object name, the first sizes of the list and the pane, the pane's
    least width and the columns left out at first (the header's menu shows them)."""

    name: str
    object_name: str
    sizes: tuple[int, int]
    pane_width: int
    hidden: tuple[str, ...] = ()


class RecordsTab(ContextWidget):
    """An area tab: the list of a spec beside the :class:`RecordPane` of the chosen record
    (set up by :meth:`list_beside`); both are read again when ``watched`` kinds change."""

    def list_beside(
        self,
        pane: Any,
        spec: ListSpec,
        place: ListPlace,
        show: Callable[[int | None], Any] | None = None,
    ) -> MasterDetail:
        """The list of ``spec`` beside ``pane`` (a :class:`RecordPane`, or any widget when
        ``show`` is what shows a record in it), as ``place`` says (see :class:`ListPlace`)."""
        self.pane = pane
        pane.setMinimumWidth(place.pane_width)
        self.master = MasterDetail(
            spec,
            self.ctx.workspace,
            pane,
            show=pane.show_record if show is None else show,
            settings=self.ctx.settings,
            name=place.name,
            sizes=place.sizes,
        )
        self.list_pane = self.master.list_pane
        self.list_pane.setObjectName(place.object_name)
        self.list_pane.setMinimumWidth(240)
        for key in place.hidden:
            self.list_pane.column_chooser.set_column_visible(spec.index_of(key), False)
        return self.master

    def watch(self, kinds: tuple[str, ...]) -> None:
        """Read the list and the pane again whenever one of ``kinds`` changes."""
        self.ctx.watch(self, kinds, self._on_watched_changed)

    def current_id(self) -> int | None:
        return self.master.current_id()

    def select(self, record_id: int) -> bool:
        """Make ``record_id`` current: the list read again when it is new, the filters
        cleared when they hide it. False when it is not there at all."""
        model = self.master.model
        if model.row_of(record_id) is None:
            self.master.refresh()
        if model.row_of(record_id) is None:
            self.clear_filters()
        if model.row_of(record_id) is None:
            return False
        self.master.select(record_id)
        return True

    def clear_filters(self) -> None:
        """Show every record (a new or linked one may be filtered out)."""
        self.list_pane.filter_box.clear()
        self.list_pane.filter_box.flush()

    def _on_watched_changed(self) -> None:
        self.master.refresh()
        self.pane.refresh()


def ask_to_delete(
    owner: Any,
    noun: str,
    info: Any,
    informative: str,
    command: Callable[[AppContext, int, str], QUndoCommand],
) -> QMessageBox | None:
    """Ask (window-modal, No the default) whether to delete ``info``, the ``noun`` shown
    (with its ``id`` and ``title``); Yes runs ``command(ctx, id, title)`` as one undo step.
    The box is ``owner.confirm_box`` while open; None when nothing is shown or the
    workspace is read-only."""
    if info is None or owner.ctx.readonly:
        return None
    record_id, title = info.id, info.title
    box = confirm_delete(
        owner,
        f"Delete {noun}",
        f"Delete the {noun} \u201c{title}\u201d?",
        informative=f"{informative} Edit \u25b8 Undo brings it back.",
        name=f"delete{noun.capitalize()}Box",
        no=QMessageBox.StandardButton.No,
        on_yes=lambda: owner.ctx.run_edit(command(owner.ctx, record_id, title)),
    )
    box.finished.connect(lambda _r: setattr(owner, "confirm_box", None))
    owner.confirm_box = box
    return box
