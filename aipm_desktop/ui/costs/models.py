"""The item models of the Costs area: the cost model list, options compared side by side,
and the editable model price table.

Cost models are few per workspace (a handful of options per use case) and their headline
figures are computed, not stored, so the list holds :class:`CostModelSummary` rows and
filters and sorts them in Python (DESIGN: sorting on a Python list and resetting).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ...services import costs
from ...services.dates import format_date
from ..widgets.roles import (
    ALIGNMENT_ROLE,
    BACKGROUND_ROLE,
    DISPLAY_ROLE,
    FONT_ROLE,
    FOREGROUND_ROLE,
    ID_ROLE,
    ITEM_FLAGS,
    TOOLTIP_ROLE,
)
from ..widgets.row_list_model import RecordTableModel

EDIT_ROLE = Qt.ItemDataRole.EditRole
VERTICAL = Qt.Orientation.Vertical
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
OVER_COLOUR = QBrush(QColor("#b71c1c"))
WITHIN_COLOUR = QBrush(QColor("#1b5e20"))
CHEAPEST_BACKGROUND = QBrush(QColor("#e3f4e8"))
EMPTY = "\u2013"


def _bold() -> QFont:
    font = QFont()
    font.setWeight(QFont.Weight.DemiBold)
    return font


def envelope_text(summary: costs.CostModelSummary) -> str:
    """``Within``, ``Over`` or an en dash (no envelope or no cost per task)."""
    if summary.within_envelope is None:
        return EMPTY
    return "Within" if summary.within_envelope else "Over"


# -- the cost model list ---------------------------------------------------------------------


class CostListModel(RecordTableModel[costs.CostModelSummary]):
    """Cost models with their base-scenario figures, filtered by text and sorted.

    Signals:
        rows_changed(int): the rows were replaced, filtered or sorted; carries the count.
    """

    rows_changed = Signal(int)

    COLUMNS = (
        ("name", "Name"),
        ("use_case", "Use case"),
        ("option", "Option"),
        ("role", "Role"),
        ("per_task", "Cost / successful task"),
        ("monthly", "Monthly cost"),
        ("envelope", "Envelope"),
    )
    HEADERS = tuple(label for _key, label in COLUMNS)
    NUMERIC = frozenset({"per_task", "monthly"})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.all_rows: list[costs.CostModelSummary] = []
        self.text_filter = ""
        self.sort_column = 0
        self.sort_order = Qt.SortOrder.AscendingOrder

    # -- state ----------------------------------------------------------------------------

    def set_summaries(self, summaries: list[costs.CostModelSummary]) -> None:
        self.all_rows = list(summaries)
        self._rebuild()

    def set_text_filter(self, text: str) -> None:
        self.text_filter = text.strip()
        self._rebuild()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        self.sort_column, self.sort_order = column, order
        self._rebuild()

    def _rebuild(self) -> None:
        words = self.text_filter.casefold().split()
        rows = [
            r for r in self.all_rows if all(w in " ".join(self._texts(r)).casefold() for w in words)
        ]
        key = self.COLUMNS[self.sort_column][0]
        rows.sort(key=lambda r: self._sort_key(r, key))
        if self.sort_order == Qt.SortOrder.DescendingOrder:
            rows.reverse()
        self.set_rows(rows)
        self.rows_changed.emit(len(rows))

    def _sort_key(self, row: costs.CostModelSummary, key: str) -> tuple[Any, ...]:
        if key == "per_task":
            value = row.cost_per_successful_task
            return (value is None, value or 0.0, row.name.casefold())
        if key == "monthly":
            return (False, row.monthly_cost, row.name.casefold())
        return (False, self._text(row, key).casefold(), row.id)

    def _texts(self, row: costs.CostModelSummary) -> list[str]:
        return [self._text(row, key) for key, _label in self.COLUMNS]

    def _text(self, row: costs.CostModelSummary, key: str) -> str:
        if key == "name":
            return row.name
        if key == "use_case":
            return row.use_case
        if key == "option":
            return row.option_label
        if key == "role":
            return "" if row.role == "none" else row.role.capitalize()
        if key == "per_task":
            return costs.format_amount(row.cost_per_successful_task)
        if key == "monthly":
            return costs.format_amount(row.monthly_cost)
        return envelope_text(row)

    def summary(self, model_id: int | None) -> costs.CostModelSummary | None:
        return next((r for r in self.all_rows if r.id == model_id), None)

    # -- QAbstractTableModel --------------------------------------------------------------

    def flags(self, index: Any) -> Qt.ItemFlag:
        return ITEM_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def cell_data(self, row: costs.CostModelSummary, column: int, role: int) -> Any:
        key = self.COLUMNS[column][0]
        if role == DISPLAY_ROLE:
            text = self._text(row, key)
            if key in self.NUMERIC and text != EMPTY:
                return f"{text} {row.currency}"
            return text
        if role == ALIGNMENT_ROLE:
            return _RIGHT if key in self.NUMERIC else _LEFT
        if role == ID_ROLE:
            return row.id
        if role == FOREGROUND_ROLE and key == "envelope" and row.within_envelope is not None:
            return WITHIN_COLOUR if row.within_envelope else OVER_COLOUR
        if role == TOOLTIP_ROLE:
            if key == "envelope" or (key == "per_task" and row.cost_per_successful_task is None):
                if row.target_cost_per_task is None:
                    return "No envelope set" if key == "envelope" else " ".join(row.problems)
                return " ".join(row.problems) or (
                    f"Envelope {costs.format_amount(row.target_cost_per_task, row.currency)}"
                    " per successful task"
                )
            return self._text(row, key) or None
        return None

    def header_data(self, section: int, role: int) -> Any:
        key, label = self.COLUMNS[section]
        if role == DISPLAY_ROLE:
            return label
        if role == TOOLTIP_ROLE:
            if key in self.NUMERIC:
                return f"{label} in the base scenario"
            if key == "envelope":
                return "Whether the cost per successful task is within the model's envelope"
            return label
        if role == ALIGNMENT_ROLE:
            return _RIGHT if key in self.NUMERIC else _LEFT
        return None


# -- options compared ------------------------------------------------------------------------


class ComparisonModel(QAbstractTableModel):
    """Up to four options of a use case side by side: one column per option, one row per
    figure; the cheapest per successful task is bold on a green background."""

    ROWS = (
        ("prices", "Prices"),
        ("requests", "Requests a month"),
        ("success", "Task success rate"),
        ("request", "Cost per request"),
        ("per_task", "Cost per successful task"),
        ("monthly", "Monthly cost"),
        ("three_year", "3-year cost"),
        ("break_even", "Break-even against people"),
        ("envelope", "Envelope"),
        ("role", "Role"),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.comparison: costs.Comparison | None = None

    def set_comparison(self, comparison: costs.Comparison | None) -> None:
        self.beginResetModel()
        self.comparison = comparison
        self.endResetModel()

    @property
    def options(self) -> tuple[costs.ComparedOption, ...]:
        return self.comparison.options if self.comparison is not None else ()

    def cheapest_column(self) -> int | None:
        return self.comparison.cheapest if self.comparison is not None else None

    def rowCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() or not self.options else len(self.ROWS)

    def columnCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.options)

    def flags(self, index: Any) -> Qt.ItemFlag:
        return ITEM_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def text(self, row: int, column: int) -> str:
        option = self.options[column]
        inputs, out = option.inputs, option.outputs
        cur = inputs.currency
        key = self.ROWS[row][0]
        if key == "prices":
            return inputs.price.label if inputs.price is not None else "Typed in"
        if key == "requests":
            return costs.format_count(out.requests_per_month)
        if key == "success":
            return costs.format_share(inputs.success_rate)
        if key == "request":
            return costs.format_amount(out.cost_per_request, cur)
        if key == "per_task":
            return costs.format_amount(out.cost_per_successful_task, cur)
        if key == "monthly":
            return costs.format_amount(out.monthly_cost, cur)
        if key == "three_year":
            return costs.format_amount(out.three_year_cost, cur)
        if key == "break_even":
            be = out.break_even
            if be.verdict == "above" and be.requests_per_month is not None:
                return f"above {be.requests_per_month:,.0f} / month"
            return {"always": "at any volume", "never": "never", "unknown": EMPTY}.get(
                be.verdict, be.verdict
            )
        if key == "envelope":
            if out.within_envelope is None:
                return EMPTY
            target = costs.format_amount(out.target_cost_per_task)
            return f"{'within' if out.within_envelope else 'over'} {target}"
        return "" if inputs.role == "none" else inputs.role.capitalize()

    def data(self, index: Any, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not (
            0 <= index.row() < self.rowCount() and 0 <= index.column() < self.columnCount()
        ):
            return None
        cheapest = index.column() == self.cheapest_column()
        if role == DISPLAY_ROLE:
            return self.text(index.row(), index.column())
        if role == BACKGROUND_ROLE and cheapest:
            return CHEAPEST_BACKGROUND
        if role == FONT_ROLE and cheapest:
            return _bold()
        if role == ALIGNMENT_ROLE:
            return _RIGHT if index.row() > 0 else _LEFT
        if role == TOOLTIP_ROLE:
            option = self.options[index.column()]
            key = self.ROWS[index.row()][0]
            if key == "break_even":
                return option.outputs.break_even.reason
            if key == "per_task" and option.outputs.problems:
                return " ".join(option.outputs.problems)
            return self.text(index.row(), index.column())
        if role == ID_ROLE:
            return self.options[index.column()].inputs.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE
    ) -> Any:
        if orientation == VERTICAL:
            if not 0 <= section < self.rowCount():
                return None
            if role == DISPLAY_ROLE:
                return self.ROWS[section][1]
            return None
        if not 0 <= section < len(self.options):
            return None
        option = self.options[section]
        if role == DISPLAY_ROLE:
            title = option.inputs.title
            return f"{title}\n★ cheapest per task" if option.cheapest else title
        if role == TOOLTIP_ROLE:
            return option.inputs.name
        if role == FONT_ROLE and option.cheapest:
            return _bold()
        return None


# -- the price table -------------------------------------------------------------------------

#: Columns of the price table: (field, label, editable).
PRICE_COLUMNS = (
    ("provider", "Provider", True),
    ("model", "Model", True),
    ("price_input_per_m", "Input / M tokens", True),
    ("price_cached_input_per_m", "Cached input / M", True),
    ("price_output_per_m", "Output / M tokens", True),
    ("currency", "Currency", True),
    ("as_of", "As of", True),
    ("source", "Source", True),
    ("used_by", "Used by", False),
)
_NUMBERS = frozenset({"price_input_per_m", "price_cached_input_per_m", "price_output_per_m"})

#: ``commit(price_id, field, text) -> bool``: store an edit typed in a cell.
PriceCommit = Callable[[int, str, str], bool]


class PriceTableModel(RecordTableModel[costs.PriceRow]):
    """The model price table; editing a cell calls ``commit`` (which pushes an undo step),
    and the rows come back from the workspace when it has changed."""

    HEADERS = tuple(label for _field, label, _editable in PRICE_COLUMNS)

    def __init__(self, commit: PriceCommit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editable = True
        self._commit = commit

    def flags(self, index: Any) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.editable and PRICE_COLUMNS[index.column()][2]:
            return ITEM_FLAGS | Qt.ItemFlag.ItemIsEditable
        return ITEM_FLAGS

    @staticmethod
    def display(row: costs.PriceRow, field: str) -> str:
        value = getattr(row, field)
        if field in _NUMBERS:
            return "" if value is None else f"{value:g}"
        if field == "as_of":
            return format_date(value, "")
        if field == "used_by":
            return f"{value} model{'s' if value != 1 else ''}" if value else ""
        return str(value or "")

    def cell_data(self, row: costs.PriceRow, column: int, role: int) -> Any:
        field = PRICE_COLUMNS[column][0]
        if role == DISPLAY_ROLE:
            return self.display(row, field)
        if role == EDIT_ROLE:
            value = getattr(row, field)
            if field == "as_of":
                return value.isoformat() if isinstance(value, dt.date) else ""
            return self.display(row, field)
        if role == ALIGNMENT_ROLE:
            return _RIGHT if field in _NUMBERS or field == "used_by" else _LEFT
        if role == TOOLTIP_ROLE:
            if field == "price_cached_input_per_m" and row.price_cached_input_per_m is None:
                return "No cached-input price: cached input costs the input price"
            if field == "used_by":
                return f"{row.used_by} cost model(s) take their prices from this row"
            if field == "as_of":
                return "The day these prices were read (type YYYY-MM-DD)"
            return self.display(row, field) or None
        if role == ID_ROLE:
            return row.id
        return None

    def setData(self, index: Any, value: Any, role: int = EDIT_ROLE) -> bool:
        if role != EDIT_ROLE or not index.isValid() or not 0 <= index.row() < len(self.rows):
            return False
        row = self.rows[index.row()]
        field = PRICE_COLUMNS[index.column()][0]
        text = "" if value is None else str(value)
        if text.strip() == self.data(index, EDIT_ROLE).strip():
            return False
        return bool(self._commit(row.id, field, text))

    def header_data(self, section: int, role: int) -> Any:
        field, label, _editable = PRICE_COLUMNS[section]
        if role == DISPLAY_ROLE:
            return label
        if role == ALIGNMENT_ROLE:
            return _RIGHT if field in _NUMBERS or field == "used_by" else _LEFT
        if role == TOOLTIP_ROLE:
            if field in _NUMBERS:
                return f"{label}: price per million tokens, in the row's currency"
            return label
        return None
