"""Compare: the options of the chosen model's use case side by side (up to four), in the
page's scenario, with the cheapest per successful task highlighted.

The chosen model's column shows what is on screen (typed, not yet saved, included); the
other options are read once per workspace change, never per keystroke.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QWidget

from ...services import costs
from ..context import AppContext
from ..widgets.builders import empty_state, stacked, table_view, vbox
from ..widgets.page_header import named_label
from .models import ComparisonModel

NO_MODEL = "Choose a cost model in the list to compare it with the other options of its use case."
NO_USE_CASE = (
    "This cost model belongs to no use case. Choose its use case under “Option” to "
    "compare it with the other options (large model, small model, vendor product …)."
)


class CompareTab(QWidget):
    """The options of one use case side by side.

    Signals:
        model_chosen(int): the user activated an option's column (double click / Enter).
    """

    model_chosen = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costCompareTab")
        self.ctx = ctx
        self.model = ComparisonModel(self)
        self._options: list[costs.CostInputs] | None = None
        self._use_case_id: int | None = None
        self.intro = named_label("", "mutedLabel", wrap=True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.note = named_label("", "mutedLabel", wrap=True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.table = table_view(
            self.model,
            "costCompareTable",
            select=QAbstractItemView.SelectionBehavior.SelectColumns,
            wrap=True,
            row_header=True,
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(110)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._on_table_activated)
        self.empty = empty_state(NO_MODEL, margin=24)
        self.stack = stacked(self.empty, self.table)
        vbox(self.intro, (self.stack, 1), self.note, margins=(4, 8, 4, 4), spacing=6, parent=self)

    def invalidate(self) -> None:
        """The workspace changed: read the options again on the next :meth:`show_for`."""
        self._options = None

    def show_for(self, inputs: costs.CostInputs | None, scenario: str) -> None:
        """Compare the options of ``inputs``' use case, ``inputs`` standing for its row."""
        ws = self.ctx.workspace
        if inputs is None or ws is None:
            self._show_empty(NO_MODEL)
            return
        if inputs.use_case_id is None:
            self._show_empty(NO_USE_CASE)
            return
        if self._options is None or self._use_case_id != inputs.use_case_id:
            self._options = costs.all_inputs(ws=ws, use_case_id=inputs.use_case_id)
            self._use_case_id = inputs.use_case_id
        options = [inputs if o.id == inputs.id else o for o in self._options]
        if all(o.id != inputs.id for o in options):
            options.insert(0, inputs)
        left_out = 0
        if len(options) > costs.MAX_COMPARED:
            others = [o for o in options if o.id != inputs.id]
            left_out = len(options) - costs.MAX_COMPARED
            keep = {inputs.id, *(o.id for o in others[: costs.MAX_COMPARED - 1])}
            options = [o for o in options if o.id in keep]
        comparison = costs.compare(options, scenario)
        self.model.set_comparison(comparison)
        self.stack.setCurrentWidget(self.table)
        use_case = self._use_case_title(inputs.use_case_id)
        self.intro.setText(
            f"The options of “{use_case}” in the {scenario} scenario. The cheapest per "
            "successful task is highlighted; double-click an option to open it."
        )
        notes = list(comparison.problems)
        if left_out:
            notes.append(
                f"{left_out} more option{'s' if left_out > 1 else ''} of this use case "
                f"{'are' if left_out > 1 else 'is'} not shown: a comparison takes up to "
                f"{costs.MAX_COMPARED}, the chosen model and the first others by name."
            )
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))

    def _use_case_title(self, use_case_id: int) -> str:
        ws = self.ctx.workspace
        if ws is None:
            return ""
        from ...services import usecases as usecases_service

        found = usecases_service.titles(ws=ws, ids=[use_case_id])
        return found[0][1] if found else ""

    def _show_empty(self, text: str) -> None:
        self.model.set_comparison(None)
        self.empty.setText(text)
        self.stack.setCurrentWidget(self.empty)
        self.intro.setText("")
        self.note.setVisible(False)

    def cheapest_title(self) -> str | None:
        """The title of the option marked cheapest (None when none is)."""
        column = self.model.cheapest_column()
        return None if column is None else self.model.options[column].inputs.title

    def _on_table_activated(self, index: QModelIndex) -> None:
        model_id: Any = index.data(Qt.ItemDataRole.UserRole)
        if isinstance(model_id, int):
            self.model_chosen.emit(model_id)
