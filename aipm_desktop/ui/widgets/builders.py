"""Small builders for the widget set-ups the areas repeat: boxes of widgets, button rows,
segmented buttons, the list-plus-buttons left panel, splitters (and their sizes kept in
the settings), form and grid cards, scrolling content with its empty state, stacks, tab
widgets, line edits, plain tables and table views (with the look-ups of a row by id).

Each one does exactly what the hand-written lines did; a call site passes only what
differs (margins, names, sizes), so a panel reads as what it holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QBoxLayout,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .page_header import named_label


class Space(int):
    """A fixed gap in a box (``addSpacing``); a plain ``int`` item is a stretch."""


#: What a box takes: a widget or layout (stretch 0), ``(widget_or_layout, stretch)``,
#: an ``int`` for ``addStretch(n)`` or a :class:`Space`.
Item = QWidget | QLayout | int | tuple[QWidget | QLayout, int]
Margins = tuple[int, int, int, int]
D = TypeVar("D", bound=QDialog)
L = TypeVar("L", QFormLayout, QGridLayout)
NO_MARGINS: Margins = (0, 0, 0, 0)
#: The margins of an area tab's content (under the page's tab bar).
TAB_MARGINS: Margins = (12, 10, 12, 12)
#: Form label alignments: right-aligned, centred on the field or level with its top.
OK_CANCEL = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
SAVE_CANCEL = QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
LABELS_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LABELS_RIGHT_TOP = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop


def fill(layout: QBoxLayout, *items: Item) -> QBoxLayout:
    """Add ``items`` to ``layout`` in order (see :data:`Item`)."""
    for item in items:
        if isinstance(item, Space):
            layout.addSpacing(item)
            continue
        if isinstance(item, int):
            layout.addStretch(item)
            continue
        stretch = 0
        if isinstance(item, tuple):
            item, stretch = item
        if isinstance(item, QLayout):
            layout.addLayout(item, stretch)
        else:
            layout.addWidget(item, stretch)
    return layout


def box(
    layout: QBoxLayout,
    *items: Item,
    margins: Margins | None = None,
    spacing: int | None = None,
) -> QBoxLayout:
    """``layout`` with its margins and spacing (when given) holding ``items``."""
    if margins is not None:
        layout.setContentsMargins(*margins)
    if spacing is not None:
        layout.setSpacing(spacing)
    return fill(layout, *items)


def vbox(*items: Item, parent: QWidget | None = None, **options: Any) -> QVBoxLayout:
    """A vertical :func:`box` (laid on ``parent`` when given)."""
    return box(QVBoxLayout(parent) if parent is not None else QVBoxLayout(), *items, **options)


def hbox(*items: Item, parent: QWidget | None = None, **options: Any) -> QHBoxLayout:
    """A horizontal :func:`box` (laid on ``parent`` when given)."""
    return box(QHBoxLayout(parent) if parent is not None else QHBoxLayout(), *items, **options)


def panel(
    *items: Item,
    name: str = "",
    margins: Margins | None = NO_MARGINS,
    spacing: int | None = None,
    frame: bool = False,
) -> QWidget:
    """A plain widget stacking ``items`` vertically, flush with its edges by default
    (a :class:`QFrame`, e.g. a card the style sheet frames, when ``frame``)."""
    widget = QFrame() if frame else QWidget()
    if name:
        widget.setObjectName(name)
    vbox(*items, margins=margins, spacing=spacing, parent=widget)
    return widget


def button(
    text: str, slot: Callable[..., object] | None = None, *, name: str = "", tip: str = ""
) -> QPushButton:
    """A push button, with its object name, tool tip and ``clicked`` slot when given."""
    widget = QPushButton(text)
    if name:
        widget.setObjectName(name)
    if tip:
        widget.setToolTip(tip)
    if slot is not None:
        widget.clicked.connect(slot)
    return widget


def segments(owner: QObject, *buttons: QAbstractButton) -> QButtonGroup:
    """``buttons`` made checkable and styled as one segmented control (``segmentButton``),
    in an exclusive group (a child of ``owner``)."""
    group = QButtonGroup(owner)
    for widget in buttons:
        widget.setCheckable(True)
        widget.setObjectName("segmentButton")
        group.addButton(widget)
    return group


def labelled_row(
    fields: Iterable[tuple[str, QWidget]], *, label_name: str, spacing: int = 8
) -> QHBoxLayout:
    """A row of ``(caption, widget)`` pairs, each caption a label styled ``label_name``."""
    row = hbox(spacing=spacing)
    for text, widget in fields:
        row.addWidget(named_label(text, label_name))
        row.addWidget(widget)
    return row


def button_row(*items: Item) -> QHBoxLayout:
    """``items`` left-aligned in a row (a stretch after them)."""
    return hbox(*items, 1)


def list_panel(view: QWidget, *buttons: Item) -> QWidget:
    """The left panel of a list-and-detail view inside a tab: its ``buttons`` (the primary
    "New …" first) in a row above ``view``, never under it (see ``page_header``)."""
    return panel(button_row(*buttons), (view, 1))


def splitter(
    *widgets: QWidget,
    sizes: Sequence[int] = (),
    stretch: Sequence[int] = (),
    name: str = "",
    orientation: Qt.Orientation = Qt.Orientation.Horizontal,
    collapsible: bool = True,
    rigid: Sequence[int] = (),
) -> QSplitter:
    """A splitter holding ``widgets``; ``stretch`` gives each one's stretch factor and
    the panes ``rigid`` (indexes) cannot be collapsed."""
    split = QSplitter(orientation)
    if name:
        split.setObjectName(name)
    if not collapsible:
        split.setChildrenCollapsible(False)
    for widget in widgets:
        split.addWidget(widget)
    for index in rigid:
        split.setCollapsible(index, False)
    for index, factor in enumerate(stretch):
        split.setStretchFactor(index, factor)
    if sizes:
        split.setSizes(list(sizes))
    return split


def keep_state(split: QSplitter, settings: Any, name: str, sizes: Sequence[int] = ()) -> QSplitter:
    """``split`` with the sizes saved in ``settings`` under ``name`` (else ``sizes``, when
    given), saving them there again whenever the user moves a handle."""
    if sizes:
        split.setSizes(list(sizes))
    state = settings.splitter_state(name)
    if state is not None:
        split.restoreState(state)
    split.splitterMoved.connect(lambda _p, _i: settings.set_splitter_state(name, split.saveState()))
    return split


def card_layout(
    kind: type[L],
    margins: Margins,
    *,
    h_spacing: int | None = None,
    v_spacing: int | None = None,
    name: str = "formCard",
) -> tuple[QFrame, L]:
    """A framed card (styled by ``name``) and a layout of ``kind`` (a form or a grid) laid
    on it with ``margins`` and spacings."""
    card = QFrame()
    card.setObjectName(name)
    layout = kind(card)
    layout.setContentsMargins(*margins)
    if h_spacing is not None:
        layout.setHorizontalSpacing(h_spacing)
    if v_spacing is not None:
        layout.setVerticalSpacing(v_spacing)
    return card, layout


def form_card(
    margins: Margins,
    *,
    h_spacing: int | None = None,
    v_spacing: int | None = None,
    align: Qt.AlignmentFlag | None = None,
    growth: QFormLayout.FieldGrowthPolicy | None = None,
    name: str = "formCard",
) -> tuple[QFrame, QFormLayout]:
    """A :func:`card_layout` holding a form (its growth policy and label alignment when
    given)."""
    card, form = card_layout(
        QFormLayout, margins, h_spacing=h_spacing, v_spacing=v_spacing, name=name
    )
    if growth is not None:
        form.setFieldGrowthPolicy(growth)
    if align is not None:
        form.setLabelAlignment(align)
    return card, form


def scroll_area(widget: QWidget, *, name: str = "", fit_width: bool = False) -> QScrollArea:
    """``widget`` in a frameless scroll area that resizes it; with ``fit_width`` it has no
    horizontal scroll bar (the widget is as wide as the area)."""
    scroll = QScrollArea()
    if name:
        scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    if fit_width:
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(widget)
    return scroll


def fit_content_width(hint: QSize, content: QWidget, scroll: QScrollArea) -> QSize:
    """``hint`` made at least as wide as ``content`` needs inside ``scroll`` (which has no
    horizontal bar): its minimum width, the vertical bar and a little room."""
    width = content.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
    return QSize(max(hint.width(), width + 4), hint.height())


def page_content(margins: Margins, spacing: int, *items: Item) -> tuple[QWidget, QVBoxLayout]:
    """The widget a scrolling detail or page draws on (styled ``pageContent``) and its
    vertical layout, holding ``items``."""
    content = QWidget()
    content.setObjectName("pageContent")
    layout = vbox(*items, margins=margins, spacing=spacing, parent=content)
    return content, layout


def scrolled_or_empty(
    owner: QWidget, content: QWidget, empty_text: str, *, scroll_name: str
) -> tuple[QStackedWidget, QScrollArea, QLabel]:
    """Lay on ``owner`` (flush) a stack of the empty-state message ``empty_text`` (shown
    first) and ``content`` in a scroll area as wide as the owner; returns the stack, the
    scroll area and the message label."""
    scroll = scroll_area(content, name=scroll_name, fit_width=True)
    empty = empty_state(empty_text, margin=24)
    stack = stacked(empty, scroll)
    vbox(stack, margins=NO_MARGINS, parent=owner)
    return stack, scroll, empty


def tab_widget(name: str, *tabs: tuple[QWidget, str], document: bool = False) -> QTabWidget:
    """A tab widget named ``name`` holding ``(widget, title)``s, the first one current
    (in document mode when ``document``)."""
    widget = QTabWidget()
    widget.setObjectName(name)
    if document:
        widget.setDocumentMode(True)
    for page, title in tabs:
        widget.addTab(page, title)
    return widget


def line_edit(name: str, placeholder: str = "", *, max_length: int = 0) -> QLineEdit:
    """A one-line text box named ``name`` showing ``placeholder`` while empty (holding
    at most ``max_length`` characters when given)."""
    edit = QLineEdit()
    edit.setObjectName(name)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


def clear_layout(layout: QLayout) -> None:
    """Take every item out of ``layout`` (and out of the layouts in it): each widget is
    hidden and deleted (a row of buttons, say, built again for the record shown)."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        inner, widget = item.layout(), item.widget()
        if inner is not None:
            clear_layout(inner)
        elif widget is not None:
            widget.hide()
            widget.deleteLater()


def stacked(*widgets: QWidget) -> QStackedWidget:
    """A stack of ``widgets`` (the first one current)."""
    stack = QStackedWidget()
    for widget in widgets:
        stack.addWidget(widget)
    return stack


def empty_state(text: str, *, margin: int = 0) -> QLabel:
    """The centred, word-wrapped message shown where a list or a detail is empty."""
    label = named_label(text, "emptyState", wrap=True)
    if margin:
        label.setMargin(margin)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def table(
    headers: Iterable[str],
    name: str,
    *,
    read_only: bool = False,
    single: bool = True,
    row_header: bool = False,
) -> QTableWidget:
    """A table widget with ``headers`` that selects whole rows (one at a time when
    ``single``); ``read_only`` turns editing off; the row numbers are hidden."""
    labels = list(headers)
    widget = QTableWidget(0, len(labels))
    widget.setObjectName(name)
    widget.setHorizontalHeaderLabels(labels)
    if not row_header:
        widget.verticalHeader().setVisible(False)
    if read_only:
        widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return widget


#: The edit triggers of a table whose cells are typed in: double click, F2, any key.
TYPE_TO_EDIT = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.AnyKeyPressed
)
NO_EDIT = QAbstractItemView.EditTrigger.NoEditTriggers
ROWS = QAbstractItemView.SelectionBehavior.SelectRows


def table_view(
    model: Any,
    name: str,
    *,
    select: QAbstractItemView.SelectionBehavior = ROWS,
    single: bool = True,
    edit: QAbstractItemView.EditTrigger = NO_EDIT,
    wrap: bool = False,
    row_header: bool = False,
) -> QTableView:
    """A view of the table ``model``, the way the areas show one: alternating rows, no
    grid, text elided on the right unless ``wrap``; it selects ``select`` (one at a time
    when ``single``), edits on ``edit`` and hides the row numbers unless ``row_header``."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(select)
    if single:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(edit)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(wrap)
    if not wrap:
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
    if not row_header:
        view.verticalHeader().hide()
    return view


def selected_id(view: QAbstractItemView, ids: Sequence[Any]) -> Any:
    """The id (``ids`` gives each row's) of the first row selected in ``view``; None when
    none is."""
    rows = view.selectionModel().selectedRows()
    if not rows:
        return None
    row = rows[0].row()
    return ids[row] if 0 <= row < len(ids) else None


def select_id(view: QAbstractItemView, ids: Sequence[Any], wanted: Any) -> None:
    """Select the row of ``view`` whose id (``ids`` gives each row's) is ``wanted``, when
    there is one."""
    if wanted in ids:
        view.selectRow(ids.index(wanted))  # type: ignore[attr-defined]


def resize_columns(
    view: QTableView,
    *,
    stretch: Iterable[int] = (),
    fit: Iterable[int] = (),
) -> QHeaderView:
    """Columns ``stretch`` share the spare width; columns ``fit`` fit their contents."""
    header = view.horizontalHeader()
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    for column in fit:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return header


def dialog_buttons(
    dialog: QDialog,
    accepted: Callable[[], object] | None = None,
    buttons: QDialogButtonBox.StandardButton = OK_CANCEL,
) -> QDialogButtonBox:
    """The dialog's button box: accepting calls ``accepted`` (default ``dialog.accept``),
    rejecting ``dialog.reject``."""
    box = QDialogButtonBox(buttons)
    box.accepted.connect(accepted or dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def form_layout(
    *rows: tuple[str, QWidget | QLayout],
    growth: QFormLayout.FieldGrowthPolicy | None = None,
) -> QFormLayout:
    """A form with ``(label, field)`` rows (and its field growth policy when given)."""
    form = QFormLayout()
    if growth is not None:
        form.setFieldGrowthPolicy(growth)
    for label, field in rows:
        form.addRow(label, field)
    return form


def open_dialog(owner: QObject, attribute: str, dialog: D) -> D:
    """Open ``dialog`` (window-modal) as ``owner.<attribute>``: the attribute is reset to
    None and the dialog deleted when it closes."""
    dialog.finished.connect(dialog.deleteLater)
    dialog.finished.connect(lambda _r: setattr(owner, attribute, None))
    setattr(owner, attribute, dialog)
    dialog.open()
    return dialog


def deferred(parent: QObject, slot: Callable[[], object]) -> QTimer:
    """A single-shot zero-delay timer calling ``slot``: ``start()`` runs it once after
    the current event, however often it was started meanwhile."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(slot)
    return timer
