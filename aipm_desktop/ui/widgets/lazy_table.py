"""The lazy table model every list view uses, and the list pane that shows it.

:class:`LazyTableModel` holds only the row ids of a
:class:`~aipm_desktop.services.listing.ListSpec` and fetches the values of the rows on
screen a page at a time (bounded page cache). Filtering and sorting re-run one SQL query
for the ids (never a ``QSortFilterProxyModel``) and emit a layout change that keeps
selected rows selected by id.

:class:`ListPane` is what an area view embeds: a :class:`FilterBox`, the row count, the
table (with a :class:`ColumnChooser` on its header) and an empty state that says what to
do when there is nothing to show. :meth:`ListPane.persist` keeps its column layout (order,
widths, hidden columns) and sort in the app settings, so a list looks the same next time.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from ...services.changes import Changes
from ...services.list_reader import ListReader
from ...services.listing import ListSpec, count_ids, count_rows
from ...store import Workspace
from .column_chooser import COLUMN_KEY_ROLE, ColumnChooser
from .filter_box import FilterBox
from .page_header import named_label, set_enabled_why
from .roles import ALIGNMENT_ROLE, DISPLAY_ROLE, HORIZONTAL, ID_ROLE, ITEM_FLAGS, TOOLTIP_ROLE

DECORATION_ROLE = Qt.ItemDataRole.DecorationRole

log = logging.getLogger(__name__)

ASCENDING = Qt.SortOrder.AscendingOrder
DESCENDING = Qt.SortOrder.DescendingOrder
_V_CENTER = Qt.AlignmentFlag.AlignVCenter
ALIGNMENTS = {
    "left": int((Qt.AlignmentFlag.AlignLeft | _V_CENTER).value),
    "right": int((Qt.AlignmentFlag.AlignRight | _V_CENTER).value),
    "center": int((Qt.AlignmentFlag.AlignHCenter | _V_CENTER).value),
}
#: Look-ups of a row by id that search the list before the id -> row map is built.
_SEARCHES_BEFORE_MAP = 4
#: Longest text shown in a cell; the tooltip has the rest.
MAX_CELL_CHARS = 300

__all__ = ["COLUMN_KEY_ROLE", "ID_ROLE", "LazyTableModel", "ListPane", "set_enabled_why"]


def _cell_text(value: str) -> str:
    if "\n" in value or "\r" in value or "\t" in value:
        value = " ".join(value.split())
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - 1] + "…"
    return value


class LazyTableModel(QAbstractTableModel):
    """The rows of a :class:`ListSpec`: ids in memory, values fetched a page at a time.

    Signals:
        rows_changed(int): the set or order of rows changed (filter, sort, refresh,
            workspace); carries the new row count.
    """

    rows_changed = Signal(int)

    def __init__(
        self,
        spec: ListSpec,
        ws: Workspace | None = None,
        parent: Any = None,
        *,
        page_size: int = 200,
        max_pages: int = 50,
    ) -> None:
        super().__init__(parent)
        self._spec = spec
        self._ws = ws
        self._page_size = max(1, page_size)
        self._max_pages = max(1, max_pages)
        self._text = ""
        self._filters: dict[str, Any] = {}
        self._sort_key: str | None = spec.default_sort
        self._descending = spec.default_descending
        self._ids: list[int] = []
        #: With a windowed spec: how many rows match (None: all of them are read).
        self._total: int | None = None
        self._rows: dict[int, int] | None = None
        self._searches = 0
        self._pages: OrderedDict[int, list[tuple[str, ...]]] = OrderedDict()
        #: Per cached page with coloured columns, each row's chip colours (or None).
        self._colors: dict[int, list[tuple[str | None, ...] | None]] = {}
        self._empty_row = ("",) * len(spec.columns)
        self._color_columns = frozenset(i for i, c in enumerate(spec.columns) if c.colors)
        self._qcolors: dict[str, QColor] = {}
        self._chips: dict[str, QIcon] = {}
        self._empty_tips = [c.empty_tooltip or None for c in spec.columns]
        self._formatters = [c.format_value for c in spec.columns]
        self._labels = [c.label for c in spec.columns]
        self._aligns = [ALIGNMENTS[c.align] for c in spec.columns]
        self._ncols = len(spec.columns)
        #: What is read, kept between filters and sorts (None: read afresh).
        self._reader: ListReader | None = None
        if ws is not None:
            self._ids = self._query()

    # -- state ----------------------------------------------------------------------------

    @property
    def spec(self) -> ListSpec:
        return self._spec

    @property
    def workspace(self) -> Workspace | None:
        return self._ws

    @property
    def text_filter(self) -> str:
        return self._text

    @property
    def filters(self) -> dict[str, Any]:
        return dict(self._filters)

    @property
    def is_filtered(self) -> bool:
        """True when a text filter or an exact filter narrows the list."""
        return bool(self._text or self._filters)

    @property
    def sort_key(self) -> str | None:
        return self._sort_key

    @property
    def descending(self) -> bool:
        return self._descending

    def sort_column(self) -> int:
        """The column sorted by, or -1."""
        if self._sort_key is None:
            return -1
        return self._spec.index_of(self._sort_key)

    def sort_order(self) -> Qt.SortOrder:
        return DESCENDING if self._descending else ASCENDING

    def ids(self) -> list[int]:
        """A copy of the ids in display order."""
        return list(self._ids)

    def id_at(self, row: int) -> int | None:
        """The id shown on ``row``, or None when out of range."""
        if 0 <= row < len(self._ids):
            return self._ids[row]
        return None

    def row_of(self, id: int) -> int | None:
        """The row showing ``id``, or None when it is not in the (filtered) list.

        The first few look-ups after the rows changed search the list (in C, ~1 ms for
        200,000 rows); more build the id -> row map (~15 ms), so a triage keystroke that
        looks up two or three rows never pays for the map."""
        if self._rows is None:
            self._searches += 1
            if self._searches <= _SEARCHES_BEFORE_MAP:
                try:
                    return self._ids.index(id)
                except ValueError:
                    return None
            self._rows = {row_id: row for row, row_id in enumerate(self._ids)}
        return self._rows.get(id)

    def index_of(self, id: int, column: int = 0) -> QModelIndex:
        row = self.row_of(id)
        return QModelIndex() if row is None else self.index(row, column)

    def row_total(self) -> int:
        """How many rows match the filters (with a windowed spec, more than are read)."""
        return len(self._ids) if self._total is None else self._total

    def total_count(self) -> int:
        """Rows the list holds without any filter (one COUNT query)."""
        if self._ws is None:
            return 0
        return count_rows(ws=self._ws, spec=self._spec)

    # -- changes --------------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None) -> None:
        """Show the list of another workspace (None: no rows)."""
        self.beginResetModel()
        self._ws = ws
        self._ids = self._query() if ws is not None else []
        self._rows = None
        self._searches = 0
        self._clear_pages()
        self.endResetModel()
        self.rows_changed.emit(len(self._ids))

    def set_spec(self, spec: ListSpec) -> None:
        """Show the rows of ``spec``: the same columns narrowed another way (its
        ``where``, e.g. a date range); the text filter, filters and sort stay."""
        if spec.keys != self._spec.keys:
            raise ValueError(f"list spec {spec.kind!r} has other columns")
        self._spec = spec
        self._requery(force=True)

    def set_text_filter(self, text: str) -> None:
        """Show only rows where every word of ``text`` occurs in some filterable column."""
        text = " ".join(text.split())
        if text != self._text:
            self._text = text
            self._requery()

    def set_filters(self, filters: Mapping[str, Any] | None) -> None:
        """Show only rows whose columns equal these values (by column key)."""
        filters = dict(filters or {})
        for key in filters:
            self._spec.index_of(key)  # KeyError for an unknown column, before any change
        if filters != self._filters:
            self._filters = filters
            self._requery()

    def sort(self, column: int, order: Qt.SortOrder = ASCENDING) -> None:
        """Sort by ``column`` in SQL (ties by id). Columns that cannot sort are ignored."""
        if not 0 <= column < self._ncols or not self._spec.columns[column].sortable:
            return
        key = self._spec.columns[column].key
        descending = order == DESCENDING
        if key == self._sort_key and descending == self._descending:
            return
        self._sort_key = key
        self._descending = descending
        self._requery()

    def refresh(self) -> None:
        """Read ids and values again (after a write); selected rows stay selected by id."""
        self._requery(force=True)

    def apply_changes(self, changes: Changes) -> bool:
        """Refresh when ``changes`` touch this list's kind; returns whether it did."""
        if changes.touches(*self._spec.kinds):
            self.refresh()
            return True
        return False

    def drop_ids(self, ids: Iterable[int]) -> None:
        """Take the rows of ``ids`` out of the list without reading it again (an edit
        the caller made moved them out of the filter): one query instead of a requery."""
        self._reader = None  # the rows changed: what was read is stale
        rows = sorted(
            (r for r in (self.row_of(i) for i in set(ids)) if r is not None), reverse=True
        )
        if not rows:
            return
        for row in rows:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            if self._total is not None:
                self._total -= 1
            self._rows = None
            self._searches = 0
            self.endRemoveRows()
        self._clear_pages()
        self.rows_changed.emit(len(self._ids))

    def reload_ids(self, ids: Iterable[int]) -> None:
        """Read the values of the rows of ``ids`` again (the caller changed them)."""
        self._reader = None  # the rows changed: what was read is stale
        rows = [r for r in (self.row_of(i) for i in set(ids)) if r is not None]
        if not rows:
            return
        for number in {r // self._page_size for r in rows}:
            self._pages.pop(number, None)
            self._colors.pop(number, None)
        last = self._ncols - 1
        self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last))

    def _query(self, offset: int = 0, *, count: bool = True) -> list[int]:
        """The ids to show: all of them, or with a windowed spec the first window (from
        ``offset``: the next), the number that match then counted apart."""
        self._total = None
        if self._ws is None:
            return []
        window = self._spec.window or None
        ids = self._read().ids(
            text=self._text,
            filters=self._filters,
            sort_key=self._sort_key,
            descending=self._descending,
            offset=offset,
            limit=window,
        )
        if count and window is not None and len(ids) == window:
            self._total = count_ids(
                ws=self._ws, spec=self._spec, text=self._text, filters=self._filters
            )
        return ids

    def canFetchMore(self, parent: Any = QModelIndex()) -> bool:
        return not parent.isValid() and self._total is not None and self._total > len(self._ids)

    def fetchMore(self, parent: Any = QModelIndex()) -> None:
        """Read the next window of ids (the view scrolled to the end of those read)."""
        if not self.canFetchMore(parent):
            return
        total, known = self._total, set(self._ids)
        more = [i for i in self._query(len(self._ids), count=False) if i not in known]
        self._total = total if more else None
        if not more:
            return
        first = len(self._ids)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._ids.extend(more)
        self._rows = None
        self._searches = 0
        self.endInsertRows()

    def _read(self) -> ListReader:
        """The reader of the list (a new one for another workspace or spec)."""
        reader = self._reader
        if reader is None or reader.ws is not self._ws or reader.spec is not self._spec:
            assert self._ws is not None
            reader = self._reader = ListReader(self._ws, self._spec)
        return reader

    def _requery(self, *, force: bool = False) -> None:
        if force:
            self._reader = None
        new_ids = self._query()
        if not force and new_ids == self._ids:
            return
        self.layoutAboutToBeChanged.emit()
        old_ids = self._ids
        persistent = self.persistentIndexList()
        self._ids = new_ids
        self._rows = None
        self._searches = 0
        self._clear_pages()
        if persistent:
            moved: list[QModelIndex] = []
            for index in persistent:
                row = index.row()
                old_id = old_ids[row] if 0 <= row < len(old_ids) else None
                new_row = None if old_id is None else self.row_of(old_id)
                moved.append(
                    QModelIndex() if new_row is None else self.index(new_row, index.column())
                )
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
        self.rows_changed.emit(len(self._ids))

    # -- pages ----------------------------------------------------------------------------

    def _row_values(self, row: int) -> tuple[str, ...]:
        number = row // self._page_size
        page = self._pages.get(number)
        if page is None:
            page = self._load_page(number)
        else:
            self._pages.move_to_end(number)
        offset = row - number * self._page_size
        return page[offset] if offset < len(page) else self._empty_row

    def _load_page(self, number: int) -> list[tuple[str, ...]]:
        start = number * self._page_size
        ids = self._ids[start : start + self._page_size]
        values: dict[int, tuple[Any, ...]] = {}
        if self._ws is not None and ids:
            try:
                values = self._read().rows(ids)
            except SQLAlchemyError:
                log.exception("Cannot read rows of the %s list", self._spec.kind)
        columns = self._spec.columns
        formatters = self._formatters
        empty = self._empty_row
        page: list[tuple[str, ...]] = []
        colors: list[tuple[str | None, ...] | None] = []
        for row_id in ids:
            raw = values.get(row_id)
            if raw is None:
                page.append(empty)
                colors.append(None)
                continue
            page.append(tuple(f(v) for f, v in zip(formatters, raw, strict=True)))
            if self._color_columns:
                colors.append(tuple(c.color_of(v) for c, v in zip(columns, raw, strict=True)))
        self._pages[number] = page
        if self._color_columns:
            self._colors[number] = colors
        while len(self._pages) > self._max_pages:
            dropped, _page = self._pages.popitem(last=False)
            self._colors.pop(dropped, None)
        return page

    def _clear_pages(self) -> None:
        self._pages.clear()
        self._colors.clear()

    def cell_color(self, row: int, column: int) -> QColor | None:
        """The chip colour of a cell of a coloured column (e.g. a risk level), or None."""
        if column not in self._color_columns or not 0 <= row < len(self._ids):
            return None
        self._row_values(row)  # loads the page (and its colours)
        number = row // self._page_size
        colors = self._colors.get(number)
        offset = row - number * self._page_size
        if colors is None or offset >= len(colors) or colors[offset] is None:
            return None
        name = colors[offset][column]  # type: ignore[index]
        if name is None:
            return None
        color = self._qcolors.get(name)
        if color is None:
            color = self._qcolors[name] = QColor(name)
        return color

    @property
    def cached_pages(self) -> int:
        """How many pages of values are held in memory (bounded by ``max_pages``)."""
        return len(self._pages)

    # -- QAbstractTableModel --------------------------------------------------------------

    def rowCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._ncols

    def flags(self, index: Any) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return ITEM_FLAGS

    def data(self, index: Any, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        if role == DISPLAY_ROLE:
            return _cell_text(self._row_values(index.row())[index.column()])
        if role == ALIGNMENT_ROLE:
            return self._aligns[index.column()]
        if role == TOOLTIP_ROLE:
            column = index.column()
            return self._row_values(index.row())[column] or self._empty_tips[column]
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role == DECORATION_ROLE and index.column() in self._color_columns:
            color = self.cell_color(index.row(), index.column())
            return None if color is None else self._chip(color)
        return None

    def _chip(self, color: QColor) -> QIcon:
        """A rounded square of ``color``, the same when the row is selected."""
        icon = self._chips.get(color.name())
        if icon is None:
            pixmap = QPixmap(16, 16)
            pixmap.fill(QColor(0, 0, 0, 0))
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(color.darker(130))
            painter.setBrush(color)
            painter.drawRoundedRect(1.5, 1.5, 13, 13, 3, 3)
            painter.end()
            icon = QIcon()
            for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
                icon.addPixmap(pixmap, mode)
            self._chips[color.name()] = icon
        return icon

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE
    ) -> Any:
        if orientation != HORIZONTAL or not 0 <= section < self._ncols:
            return None
        if role == DISPLAY_ROLE:
            return self._labels[section]
        if role == TOOLTIP_ROLE:
            return self._spec.columns[section].tooltip or self._labels[section]
        if role == ALIGNMENT_ROLE:
            # Right-aligned labels would run into the sort arrow: centre them instead.
            align = self._aligns[section]
            return ALIGNMENTS["center"] if align == ALIGNMENTS["right"] else align
        if role == COLUMN_KEY_ROLE:
            return self._spec.columns[section].key
        return None


class ListPane(QWidget):
    """A filterable, sortable list of one :class:`ListSpec`, for area views to embed.

    Ctrl+F (while focus is inside the pane) focuses the filter box; Enter or a double
    click activates the current row. :meth:`state` / :meth:`restore_state` carry the
    columns (shown, widths, order) and sort as a JSON string for QSettings;
    :meth:`persist` restores the saved one and saves every change.

    Signals:
        activated(int): a row was activated (double click or Enter); carries its id.
        current_changed(object): the current row changed; carries its id or None.
        selection_changed(): the selected rows changed; read them with selected_ids().
    """

    activated = Signal(int)
    current_changed = Signal(object)
    selection_changed = Signal()

    def __init__(
        self,
        spec: ListSpec,
        ws: Workspace | None = None,
        parent: QWidget | None = None,
        *,
        find_shortcut: bool = True,
    ) -> None:
        super().__init__(parent)
        self._empty_text = spec.no_rows_text()
        self._settings: Any = None
        self._state_name = ""
        self._restoring = False
        self.model = LazyTableModel(spec, ws, self)

        self.filter_box = FilterBox(self)
        self.count_label = named_label(self, "listCount")
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

        self.table = QTableView(self)
        self.table.setObjectName("listTable")
        self._setup_table()
        self.column_chooser = ColumnChooser(self.table.horizontalHeader(), self)

        self.empty_label = named_label(self, "emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setMargin(24)

        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.table)
        self._stack.addWidget(self.empty_label)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self._stack, 1)
        self.setFocusProxy(self.table)

        if find_shortcut:
            shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.filter_box.focus_filter)

        self.filter_box.filter_changed.connect(self._on_filter_box_filter_changed)
        self.model.rows_changed.connect(self._on_model_rows_changed)
        self.table.activated.connect(self._on_table_activated)
        header = self.table.horizontalHeader()
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._on_selection_selection_changed)
        selection.currentRowChanged.connect(self._on_selection_current_row_changed)
        self._update_state()

    def _setup_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setTabKeyNavigation(False)
        table.setCornerButtonEnabled(False)
        # Fixed row heights: the view never measures 100k rows.
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 8)
        vertical.hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        char = table.fontMetrics().averageCharWidth()
        label_metrics = header.fontMetrics()
        chip = table.iconSize().width() if table.iconSize().width() > 0 else 16
        for section, column in enumerate(self.model.spec.columns):
            if column.width > 0:
                width = column.width * char + 16
                if column.colors:
                    width += chip + 6  # the colour chip before the text
                # Never narrower than the header's label and its sort arrow.
                label = label_metrics.horizontalAdvance(column.label) + 30
                header.resizeSection(section, max(width, label))
        header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
        header.setSortIndicatorShown(True)
        table.setSortingEnabled(True)

    # -- public ---------------------------------------------------------------------------

    @property
    def spec(self) -> ListSpec:
        return self.model.spec

    def set_workspace(self, ws: Workspace | None) -> None:
        self.model.set_workspace(ws)

    def refresh(self) -> None:
        self.model.refresh()

    def apply_changes(self, changes: Changes) -> bool:
        """Refresh when ``changes`` touch this list (connect to the app's ``changed``)."""
        return self.model.apply_changes(changes)

    def set_filters(self, filters: Mapping[str, Any] | None) -> None:
        self.model.set_filters(filters)

    def set_empty_text(self, text: str) -> None:
        """What to say (what to do) when the list has no rows at all."""
        self._empty_text = text
        self._update_state()

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        """Ids of the selected rows, in display order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.id_at(row) for row in rows if self.model.id_at(row) is not None]

    def select_ids(self, ids: Iterable[int], *, current: int | None = None) -> None:
        """Select the rows of ``ids`` (those in the list) and scroll to the first."""
        model = self.model
        selection = QItemSelection()
        rows = sorted(r for r in (model.row_of(i) for i in ids) if r is not None)
        last = model.columnCount() - 1
        start = 0
        for i in range(1, len(rows) + 1):  # one range per run of consecutive rows
            if i == len(rows) or rows[i] != rows[i - 1] + 1:
                selection.select(model.index(rows[start], 0), model.index(rows[i - 1], last))
                start = i
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        selection_model = self.table.selectionModel()
        selection_model.select(selection, flags)
        focus_row = model.row_of(current) if current is not None else None
        if focus_row is None and rows:
            focus_row = rows[0]
        if focus_row is not None:
            index = model.index(focus_row, 0)
            selection_model.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(index)

    def persist(self, settings: Any, name: str) -> bool:
        """Keep the column layout and sort in ``settings`` (the app's settings registry)
        under ``name``: apply the saved one now (True when there was a usable one) and save
        every change the user makes (resize, move, hide or show a column, sort).

        A layout saved with another set of columns still applies to the columns both
        share; columns it does not know keep their default place and show."""
        self._settings, self._state_name = settings, name
        saved = settings.header_state(name)
        restored = False
        if saved is not None:
            restored = self.restore_state(bytes(saved.data()))
        header = self.table.horizontalHeader()
        header.sectionResized.connect(self._on_header_layout_changed)
        header.sectionMoved.connect(self._on_header_layout_changed)
        header.sortIndicatorChanged.connect(self._on_header_layout_changed)
        self.column_chooser.columns_changed.connect(self._on_header_layout_changed)
        return restored

    def save_state(self) -> None:
        """Write the layout to the settings given to :meth:`persist` (if any)."""
        if self._settings is not None and self._state_name and not self._restoring:
            self._settings.set_header_state(self._state_name, self.state().encode("utf-8"))

    def state(self) -> str:
        """Columns and sort as a JSON string (for the caller to keep in QSettings)."""
        return json.dumps(
            {
                "columns": json.loads(self.column_chooser.state()),
                "sort": [self.model.sort_key, self.model.descending],
            },
            sort_keys=True,
        )

    def restore_state(self, state: bytes | bytearray | str | None) -> bool:
        """Apply a :meth:`state`; returns False (changing nothing) when it is unusable."""
        if isinstance(state, bytes | bytearray):
            state = bytes(state).decode("utf-8", errors="replace")
        try:
            data = json.loads(state) if isinstance(state, str) and state else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return False
        self._restoring = True
        try:
            columns = data.get("columns")
            if isinstance(columns, dict):
                self.column_chooser.restore_state(json.dumps(columns))
            sort = data.get("sort")
            if isinstance(sort, list) and len(sort) == 2 and isinstance(sort[0], str):
                try:
                    column = self.spec.index_of(sort[0])
                except KeyError:
                    column = -1
                if column >= 0 and self.spec.columns[column].sortable:
                    order = DESCENDING if sort[1] else ASCENDING
                    self.table.horizontalHeader().setSortIndicator(column, order)
        finally:
            self._restoring = False
        return True

    # -- slots ----------------------------------------------------------------------------

    def _on_header_layout_changed(self, *_args: Any) -> None:
        self.save_state()

    def _on_filter_box_filter_changed(self, text: str) -> None:
        self.model.set_text_filter(text)

    def _on_model_rows_changed(self, _count: int) -> None:
        self._update_state()

    def _on_table_activated(self, index: QModelIndex) -> None:
        row_id = self.model.id_at(index.row())
        if row_id is not None:
            self.activated.emit(row_id)

    def _on_header_sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        spec = self.spec
        if 0 <= column < len(spec.columns) and spec.columns[column].sortable:
            return
        # Not a sortable column: put the indicator back where the list is sorted.
        self.table.horizontalHeader().setSortIndicator(
            self.model.sort_column(), self.model.sort_order()
        )

    def _on_selection_selection_changed(self, _selected: Any, _deselected: Any) -> None:
        self.selection_changed.emit()

    def _on_selection_current_row_changed(self, current: QModelIndex, _previous: Any) -> None:
        self.current_changed.emit(self.model.id_at(current.row()) if current.isValid() else None)

    def _update_state(self) -> None:
        model = self.model
        count = model.row_total()
        spec = model.spec
        if model.workspace is None:
            self.count_label.setText("")
            self.empty_label.setText("No workspace is open.")
        elif count:
            self.count_label.setText(spec.count_text(count))
        elif model.text_filter:
            self.count_label.setText(spec.count_text(0))
            self.empty_label.setText(
                f"No matches for “{model.text_filter}”.\n"
                f"Change the filter, or press Esc in the filter box to show all {spec.noun[1]}."
            )
        elif model.is_filtered:
            self.count_label.setText(spec.count_text(0))
            self.empty_label.setText(f"No {spec.noun[1]} match the current filters.")
        else:
            self.count_label.setText(spec.count_text(0))
            self.empty_label.setText(self._empty_text)
        self._stack.setCurrentWidget(self.table if count else self.empty_label)
