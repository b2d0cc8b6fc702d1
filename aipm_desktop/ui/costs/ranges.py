"""The tornado's low and high values, input by input, beside the chart.

One row per input the tornado varies: its value (in the scenario shown) and the low and
high values it is set to. A blank cell is the value -/+ the swing, shown in grey italics;
typing a value and leaving the cell stores it in the cost model's ``sensitivity_ranges``
as one undo step (shares typed in percent, like the form). A value the model refuses is
explained under the table and nothing is written; clearing a cell, or "Reset to ±N %"
(Del), gives the input back its default.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QWidget

from ...models.costs import check_sensitivity_ranges
from ...services import costs
from ..context import AppContext
from ..widgets.builders import TYPE_TO_EDIT, button, hbox, table_view, vbox
from ..widgets.field_editors import parse_number
from ..widgets.page_header import local_action, named_label
from ..widgets.roles import (
    ALIGNMENT_ROLE,
    DISPLAY_ROLE,
    FONT_ROLE,
    FOREGROUND_ROLE,
    ITEM_FLAGS,
    TOOLTIP_ROLE,
)
from ..widgets.row_list_model import RowTableModel
from .edits import UpdateCostModelCommand
from .form import format_value
from .outputs import compact

EDIT_ROLE = Qt.ItemDataRole.EditRole
COLUMNS = ("Input", "Value", "Low", "High")
COL_INPUT, COL_VALUE, COL_LOW, COL_HIGH = range(4)
SIDES = {COL_LOW: "low", COL_HIGH: "high"}
DEFAULT_COLOUR = QBrush(QColor("#9aa5b1"))
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_ITALIC = QFont()
_ITALIC.setItalic(True)
NOT_SAVED = " Nothing was saved."

#: ``commit(field, side, text)``: store what was typed in a Low / High cell.
BoundCommit = Callable[[str, str, str], bool]
Ranges = Mapping[str, tuple[float | None, float | None]]


def swing_text(swing: float) -> str:
    """``±20 %``."""
    return f"±{swing * 100:g} %"


#: Short names of the inputs for the narrow table (the tooltip has the full label), in the
#: table's row order.
SHORT_LABELS = {
    "requests_per_month": "Requests a month",
    "input_tokens_per_request": "Input tokens",
    "output_tokens_per_request": "Output tokens",
    "cached_input_share": "Cached share",
    "retries_per_request": "Retries / request",
    "price_input_per_m": "Input price / M",
    "price_cached_input_per_m": "Cached price / M",
    "price_output_per_m": "Output price / M",
    "retrieval_cost_per_request": "Retrieval cost",
    "guardrail_calls_per_request": "Guardrail calls",
    "guardrail_cost_per_call": "Guardrail call cost",
    "review_share": "Share reviewed",
    "review_minutes": "Review minutes",
    "review_hourly_cost": "Reviewer / hour",
    "fixed_monthly_cost": "Fixed / month",
    "success_rate": "Success rate",
}
assert set(SHORT_LABELS) == set(costs.SENSITIVE_FIELDS), "every tornado input has a short name"


def input_label(field: str, scenario: str) -> str:
    """An input's name in messages (the volume says its scenario, as the chart does)."""
    if field == "requests_per_month":
        return f"Requests per month, {scenario}"
    return costs.SPEC_BY_FIELD[field].label


def short_value(spec: costs.InputSpec, value: float) -> str:
    """A value in few characters for the narrow table: ``66.7 %``, ``1 M``, ``800 k``,
    ``5,000``, ``0.0006`` (the tooltip has the exact figure)."""
    if spec.kind == "share":
        return f"{value * 100:.3g} %"
    return compact(value)


def parse_bound(spec: costs.InputSpec, text: str) -> float | None:
    """What is typed in a Low / High cell as the stored value (shares typed in percent);
    blank: None (the default). ValueError with a message otherwise."""
    try:
        value = parse_number(text)
    except ValueError:
        raise ValueError("type a number, e.g. 42 or 3.5 (blank for the default).") from None
    if value is None:
        return None
    if not math.isfinite(value):
        raise ValueError("type a finite number.")
    if spec.kind == "share":
        if not 0 <= value <= 100:
            raise ValueError("a share is between 0 and 100 %.")
        return value / 100
    if value < 0:
        raise ValueError("it cannot be negative.")
    return value


class RangesModel(RowTableModel[str]):
    """The inputs the tornado varies (a row each, by field name) with their value and
    low / high values; editing a Low or High cell calls ``commit`` (which pushes an undo
    step)."""

    HEADERS = COLUMNS

    def __init__(self, commit: BoundCommit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = list(SHORT_LABELS)
        self.inputs: costs.CostInputs | None = None
        self.scenario = "base"
        self.swing = costs.DEFAULT_SWING
        self.editable = True
        self._commit = commit

    def set_state(
        self, inputs: costs.CostInputs | None, scenario: str, swing: float, editable: bool
    ) -> None:
        """Show ``inputs`` in ``scenario`` with defaults at ``swing`` (the rows stay)."""
        self.inputs, self.scenario, self.swing = inputs, scenario, swing
        self.editable = editable
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1)
            )

    def field_at(self, row: int) -> str | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, field: str) -> int:
        return self.rows.index(field)

    def user_range(self, field: str) -> tuple[float | None, float | None]:
        """The user's (low, high) of ``field``: None on a side left to the swing."""
        if self.inputs is None:
            return (None, None)
        return self.inputs.sensitivity_ranges.get(field, (None, None))

    def bounds(self, field: str) -> tuple[float, float, float]:
        """(value, low, high) the tornado uses for ``field``."""
        assert self.inputs is not None
        value = costs.tornado_value(self.inputs, field, self.scenario)
        low, high = costs.default_bounds(field, value, self.swing)
        user_low, user_high = self.user_range(field)
        return (
            value,
            low if user_low is None else user_low,
            high if user_high is None else user_high,
        )

    # -- Qt -----------------------------------------------------------------------------

    def flags(self, index: Any) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.editable and self.inputs is not None and index.column() in SIDES:
            return ITEM_FLAGS | Qt.ItemFlag.ItemIsEditable
        return ITEM_FLAGS

    def cell_data(self, field: str, column: int, role: int) -> Any:
        if self.inputs is None:
            return None
        spec = costs.SPEC_BY_FIELD[field]
        unit = spec.unit_for(self.inputs.currency)
        if column == COL_INPUT:
            if role == DISPLAY_ROLE:
                return SHORT_LABELS[field]
            if role == TOOLTIP_ROLE:
                return f"{input_label(field, self.scenario)} ({unit})"
            return None
        value, low, high = self.bounds(field)
        if column == COL_VALUE:
            if role == DISPLAY_ROLE:
                return short_value(spec, value)
            if role == ALIGNMENT_ROLE:
                return _RIGHT
            if role == TOOLTIP_ROLE:
                return f"The value now: {costs.format_input(spec, value)} {unit}"
            return None
        side = SIDES.get(column)
        if side is None:
            return None
        user = self.user_range(field)[0 if side == "low" else 1]
        shown = low if side == "low" else high
        if role == DISPLAY_ROLE:
            return short_value(spec, shown)
        if role == EDIT_ROLE:
            return "" if user is None else format_value(spec, user)
        if role == ALIGNMENT_ROLE:
            return _RIGHT
        if role == FOREGROUND_ROLE:
            return DEFAULT_COLOUR if user is None else None
        if role == FONT_ROLE:
            return _ITALIC if user is None else None
        if role == TOOLTIP_ROLE:
            sign = "\u2212" if side == "low" else "+"
            exact = f"{costs.format_input(spec, shown)} {unit}"
            if user is None:
                return (
                    f"{exact}: the value {sign} {self.swing * 100:g} %. Type your own {side} "
                    "value to use it instead."
                )
            return (
                f"{exact}: your {side} value. Clear the cell, or “Reset to "
                f"{swing_text(self.swing)}” (Del), for the value {sign} {self.swing * 100:g} %."
            )
        return None

    def setData(self, index: Any, value: Any, role: int = EDIT_ROLE) -> bool:
        field = self.field_at(index.row()) if index.isValid() else None
        side = SIDES.get(index.column()) if index.isValid() else None
        if role != EDIT_ROLE or field is None or side is None or self.inputs is None:
            return False
        text = "" if value is None else str(value)
        if text.strip() == str(self.data(index, EDIT_ROLE)).strip():
            return False
        return bool(self._commit(field, side, text))

    def header_data(self, section: int, role: int) -> Any:
        if role == DISPLAY_ROLE:
            return COLUMNS[section]
        if role == ALIGNMENT_ROLE:
            return _LEFT if section == COL_INPUT else _RIGHT
        if role == TOOLTIP_ROLE:
            return {
                COL_INPUT: "The inputs the tornado varies, one at a time",
                COL_VALUE: "Each input's value now (the scenario's volume for requests)",
                COL_LOW: "The value tried low: yours, or in grey the value minus the swing",
                COL_HIGH: "The value tried high: yours, or in grey the value plus the swing",
            }[section]
        return None


class RangesPanel(QWidget):
    """The table of low / high values and "Reset to ±N %", editing the model's ranges.

    Signals:
        ranges_changed(object): the model's ranges (field -> (low, high)) just stored.
    """

    ranges_changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costRangesPanel")
        self.ctx = ctx
        self.model = RangesModel(self.set_bound, self)
        self.table = table_view(
            self.model,
            "costRangesTable",
            select=QAbstractItemView.SelectionBehavior.SelectItems,
            edit=TYPE_TO_EDIT,
        )
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL_INPUT, QHeaderView.ResizeMode.Stretch)
        char = self.table.fontMetrics().averageCharWidth()
        for column in (COL_VALUE, COL_LOW, COL_HIGH):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, 8 * char + 12)
        self.table.setMinimumWidth(18 * char + 3 * (8 * char + 12))
        self.title = named_label("Low and high values", "formLabel")
        self.hint = named_label("", "mutedLabel", wrap=True)
        self.reset_button = button(
            "", self.reset_current, name="costResetRange", tip="Reset the chosen input"
        )
        self.error = named_label("", "errorHint", wrap=True)
        self.error.setObjectName("costRangeError")
        self.error.setVisible(False)
        vbox(
            hbox(self.title, 1, self.reset_button, margins=(0, 0, 0, 0), spacing=6),
            self.hint,
            (self.table, 1),
            self.error,
            margins=(0, 0, 0, 0),
            spacing=4,
            parent=self,
        )
        self.reset_action = local_action(
            self.table, "Reset to the default", QKeySequence.StandardKey.Delete, self.reset_current
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.selectionModel().currentChanged.connect(lambda *_a: self._update_actions())
        self._update_actions()

    # -- showing ------------------------------------------------------------------------

    def show_for(self, inputs: costs.CostInputs | None, scenario: str, swing: float) -> None:
        """Show the values of ``inputs`` in ``scenario``, defaults at ``swing``."""
        self.model.set_state(inputs, scenario, swing, not self.ctx.readonly)
        self.hint.setText(
            f"Grey: the value {swing_text(swing)}. Type your own low or high value (shares "
            "in %) to try it instead; it is kept with the model."
        )
        self._update_actions()

    def current_field(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.field_at(index.row()) if index.isValid() else None

    def _update_actions(self) -> None:
        swing = swing_text(self.model.swing)
        self.reset_button.setText(f"Reset to {swing}")
        self.reset_action.setText(f"Reset to {swing}")
        field = self.current_field()
        inputs = self.model.inputs
        if self.ctx.readonly:
            why_not = "The workspace is read-only"
        elif inputs is None or inputs.id is None:
            why_not = "Choose a cost model first"
        elif field is None:
            why_not = "Choose an input in the table first"
        elif field not in inputs.sensitivity_ranges:
            why_not = f"{input_label(field, self.model.scenario)} already uses {swing}"
        else:
            why_not = ""
        self.reset_button.setEnabled(not why_not)
        self.reset_action.setEnabled(not why_not)
        self.reset_button.setToolTip(
            why_not
            or f"Forget your low and high values of "
            f"{input_label(field or '', self.model.scenario)}: back to {swing} (Del)"
        )

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    # -- editing ------------------------------------------------------------------------

    def set_bound(self, field: str, side: str, text: str) -> bool:
        """Store ``text`` as the ``side`` (low / high) value of ``field`` (blank: the
        default) as one undo step; a refusal shows under the table and writes nothing."""
        inputs = self.model.inputs
        if inputs is None or inputs.id is None or self.ctx.readonly:
            return False
        spec = costs.SPEC_BY_FIELD[field]
        label = input_label(field, self.model.scenario)
        try:
            value = parse_bound(spec, text)
        except ValueError as error:
            self.show_error(f"{side.capitalize()} value of {label}: {error}{NOT_SAVED}")
            return False
        low, high = inputs.sensitivity_ranges.get(field, (None, None))
        low, high = (value, high) if side == "low" else (low, value)
        if low is not None and high is not None and low > high:
            self.show_error(
                f"The low value of {label} ({costs.format_input(spec, low)}) is above its "
                f"high value ({costs.format_input(spec, high)}).{NOT_SAVED}"
            )
            return False
        ranges = dict(inputs.sensitivity_ranges)
        if low is None and high is None:
            ranges.pop(field, None)
        else:
            ranges[field] = (low, high)
        return self.store(ranges)

    def reset_current(self) -> bool:
        """Give the chosen input back its default low and high values (one undo step)."""
        field = self.current_field()
        inputs = self.model.inputs
        if field is None or inputs is None or field not in inputs.sensitivity_ranges:
            return False
        ranges = dict(inputs.sensitivity_ranges)
        ranges.pop(field)
        return self.store(ranges)

    def store(self, ranges: Ranges) -> bool:
        """Write ``ranges`` as the model's ranges (validated by the model; one undo step)."""
        inputs = self.model.inputs
        if inputs is None or inputs.id is None or self.ctx.readonly:
            return False
        record = costs.ranges_record(ranges)
        try:
            check_sensitivity_ranges(record)
        except ValueError as error:
            self.show_error(f"{str(error)[:1].upper()}{str(error)[1:]}.{NOT_SAVED}")
            return False
        command = UpdateCostModelCommand(
            self.ctx,
            inputs.id,
            {"sensitivity_ranges": record},
            name=inputs.name,
            report_errors=False,
        )
        if not self.ctx.run_edit(command):
            message = command.error.message if command.error is not None else "It was refused."
            self.show_error(f"{message}{NOT_SAVED}")
            return False
        self.show_error("")
        stored = dataclasses.replace(inputs, sensitivity_ranges=dict(ranges))
        self.model.set_state(stored, self.model.scenario, self.model.swing, self.model.editable)
        self._update_actions()
        self.ranges_changed.emit(dict(ranges))
        return True
