"""Pieces the Controls area's tabs share: the level a tab shows (a use case, or the
workspace for organisation-wide controls), the catalog and level combos, labels of stored
choices, and the base of a tab that reads its rows again for the level chosen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableView,
    QWidget,
)

from ...errors import UserError
from ...services import controls as controls_service
from ...services import records
from ...services import usecases as usecases_service
from ..context import AppContext
from ..widgets.builders import dialog_buttons
from ..widgets.context_widgets import ContextWidget
from ..widgets.filter_box import FilterBox
from ..widgets.roles import ID_ROLE
from ..widgets.row_list_model import ColumnTableModel

T = TypeVar("T")

#: The level combo's data for the workspace ("Organisation"): use case ids start at 1.
ORGANISATION = 0
ORGANISATION_TEXT = "Organisation (workspace-wide controls)"
#: What the tabs read again on (every kind the controls views show).
WATCHED = (
    "control_catalog",
    "control",
    "control_mapping",
    "control_profile",
    "control_status",
    "control_status_risk",
    "control_status_mitigation_action",
    "control_status_launch_check",
    "evidence_item",
    "evidence_item_control",
    "use_case",
    "ai_act_assessment",
    "compliance_obligation",
    "risk",
    "mitigation_action",
    "launch_check",
    "kpi",
)
STATES = ("not_started", "in_progress", "implemented", "verified")


def shown(value: Any) -> str:
    """A stored choice as people read it: ``not_started`` -> ``not started``."""
    return str(value or "").replace("_", " ")


def use_case_of(level: int | None) -> int | None:
    """The use case id of a level combo's data (None: the workspace)."""
    return None if not level else int(level)


def refill(combo: QComboBox, items: Iterable[tuple[str, Any]], keep: Any = None) -> None:
    """Put ``(text, data)`` items in ``combo`` (signals held), the one whose data is
    ``keep`` (else the first) chosen."""
    blocked = combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(combo.findData(keep), 0) if keep is not None else 0)
    combo.blockSignals(blocked)


def level_items(ctx: AppContext) -> list[tuple[str, int]]:
    """The levels a tab can show: the workspace, then each use case by title."""
    ws = ctx.workspace
    titles = usecases_service.titles(ws=ws) if ws is not None else []
    return [(ORGANISATION_TEXT, ORGANISATION), *((title, uc) for uc, title in titles)]


def catalog_items(ctx: AppContext, all_text: str = "") -> list[tuple[str, int]]:
    """The workspace's catalogs as ``(name and version, id)`` (after ``all_text``, data
    0, when given)."""
    ws = ctx.workspace
    found = controls_service.catalogs(ws=ws) if ws is not None else []
    items = [(f"{c.name} ({c.catalog_version})", c.id) for c in found]
    return [(all_text, 0), *items] if all_text else items


def catalog_combo(name: str, tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


class LevelTab(ContextWidget):
    """A tab showing one level (a use case, or None for the workspace) the page chooses;
    it reads its rows again (:meth:`refresh`) when the level or the data changes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, name: str) -> None:
        super().__init__(ctx, parent, name=name)
        self.use_case_id: int | None = None

    def set_level(self, use_case_id: int | None) -> None:
        self.use_case_id = use_case_id
        self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError


def fit_columns(view: QTableView, cap: int = 240, stretch: int | None = None) -> None:
    """Each column of ``view`` as wide as its contents but at most ``cap`` pixels (long
    texts elide; the tooltip shows them whole), column ``stretch`` taking the spare width
    (else the last one). Call after the rows change."""
    header = view.horizontalHeader()
    header.setStretchLastSection(stretch is None)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.resizeColumnsToContents()
    for column in range(header.count()):
        if header.sectionSize(column) > cap:
            header.resizeSection(column, cap)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def show_rows(
    view: QTableView,
    model: ColumnTableModel[Any],
    rows: Iterable[Any],
    *,
    cap: int = 240,
    stretch: int | None = None,
) -> None:
    """Show ``rows`` in ``view`` (its columns fitted, see :func:`fit_columns`), the row
    chosen before chosen again when it is still there, else the first."""
    current = view.currentIndex()
    key = current.data(ID_ROLE) if current.isValid() else None
    model.set_rows(rows)
    fit_columns(view, cap, stretch)
    row = model.row_of_key(key) if key is not None else None
    view.selectRow(row if row is not None else 0)


def matches(words: list[str], *texts: str) -> bool:
    """Whether every word is in one of ``texts`` (case-insensitive)."""
    joined = " ".join(texts).casefold()
    return all(word in joined for word in words)


def filtered(box: FilterBox, items: Iterable[T], texts: Callable[[T], Iterable[str]]) -> list[T]:
    """The ``items`` whose ``texts`` hold every word typed in the filter ``box``."""
    words = box.filter_text.casefold().split()
    return [item for item in items if matches(words, *texts(item))]


def named_combo(name: str, items: Iterable[tuple[str, Any]]) -> QComboBox:
    """A combo named ``name`` offering ``(text, data)`` items, the first chosen."""
    combo = QComboBox()
    combo.setObjectName(name)
    for text, data in items:
        combo.addItem(text, data)
    return combo


def day_in(edit: QLineEdit, label: str) -> dt.date | None:
    """The date typed in ``edit`` (None when empty); a ``UserError`` naming ``label`` when
    the text is not a date."""
    text = edit.text().strip()
    try:
        return records.parse_date(text)
    except ValueError:
        raise UserError(f"{label} {text!r} is not a date: write it as YYYY-MM-DD.") from None


def check_items(widget: QListWidget, items: Iterable[tuple[int, str]], checked: set[int]) -> None:
    """Fill ``widget`` with checkable ``(id, text)`` items (text as tooltip too), those in
    ``checked`` ticked."""
    widget.clear()
    for item_id, text in items:
        item = QListWidgetItem(text, widget)
        item.setToolTip(text)
        item.setData(ID_ROLE, item_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if item_id in checked else Qt.CheckState.Unchecked)


def checked_ids(widget: QListWidget) -> list[int]:
    """The ids of the ticked items of ``widget`` (filled by :func:`check_items`)."""
    items = (widget.item(i) for i in range(widget.count()))
    return [int(i.data(ID_ROLE)) for i in items if i.checkState() == Qt.CheckState.Checked]


def named_filter(name: str) -> FilterBox:
    """A :class:`FilterBox` named ``name``."""
    box = FilterBox()
    box.setObjectName(name)
    return box


def add_buttons(dialog: QDialog, add: Callable[[], object]) -> QDialogButtonBox:
    """A form dialog's Add (calling ``add``, which closes the dialog when it stored
    something) and Cancel."""
    buttons = dialog_buttons(dialog, add)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
    return buttons


def current_row(view: QTableView) -> Any:
    """The record of ``view``'s current row (its model a :class:`ColumnTableModel`)."""
    return view.model().record_at(view.currentIndex())  # type: ignore[attr-defined]
