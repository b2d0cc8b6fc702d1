"""The Costs area: unit economics of each option of a use case.

The Cost models tab lists the cost models (name, use case, option, role, cost per
successful task, monthly cost, envelope) beside the chosen model's detail: its inputs and
outputs (recalculated as the user types), its use case's options compared, and a tornado
chart of what moves its cost most, all in the scenario chosen above them. The Model prices
tab is the workspace's editable price table.

Shortcuts (while focus is inside the page, so they never clash with the main window's):
Ctrl+Shift+N adds a cost model; Del in the list deletes the chosen one after asking (Del
in the price table deletes the chosen price). Every edit is one step of Edit ▸ Undo.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QWidget,
)

from ...services import costs
from ...services.changes import Changes
from ..context import AppContext
from ..widgets.area_tabs import area_tabs, tab_entity
from ..widgets.builders import (
    NO_MARGINS,
    TAB_MARGINS,
    button,
    empty_state,
    hbox,
    keep_state,
    panel,
    segments,
    splitter,
    stacked,
    table_view,
    vbox,
)
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import confirm_delete
from ..widgets.filter_box import FilterBox
from ..widgets.page_header import NEW_SHORTCUT, named_label, page_header, record_actions
from .compare import CompareTab
from .edits import (
    DeleteCostModelCommand,
    FeedOwnershipCommand,
    NewCostModelCommand,
    RecordSnapshotCommand,
)
from .form import CostModelForm
from .models import CostListModel
from .outputs import OutputsPanel
from .prices import PricesTab
from .tornado import SensitivityTab

NEW_NAME = "New cost model"
#: What the page refreshes on.
WATCHED = ("cost_model", "model_price", "use_case", "kpi", "kpi_snapshot")
SPLITTER_NAME = "costs"
DETAIL_SPLITTER_NAME = "costsDetail"
TAB_INPUTS, TAB_COMPARE, TAB_SENSITIVITY = range(3)
EMPTY_LIST = (
    "No cost models yet. Press “New cost model” (Ctrl+Shift+N) and add one per option of "
    "a use case (large model, small model, vendor product …) to see what a successful "
    "task costs."
)
ROLES = ("build", "partner", "buy")


class CostsPage(ContextWidget):
    """The Costs area of the main window (see the module doc).

    Signals:
        current_entity_changed(): another cost model is shown, or another tab
            (:meth:`current_entity`).
    """

    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="costsPage")
        self.scenario = "base"
        self.confirm_box: QMessageBox | None = None
        self._current: int | None = None
        self._last_row = 0
        self._compare_dirty = True

        # -- actions (the page header, top right) ----------------------------------------
        self.new_button = button(
            "New cost model",
            self.new_model,
            name="primaryButton",
            tip=f"Add a cost model for an option of a use case ({NEW_SHORTCUT})",
        )
        self.delete_button = button("Delete", self.delete_model, name="deleteCostModelButton")
        self.own_button = QPushButton("Use as build/partner/buy cost…")
        self.own_button.setObjectName("ownButton")
        self.own_menu = QMenu(self.own_button)
        self.own_actions: dict[str, QAction] = {}
        for role in ROLES:
            action = self.own_menu.addAction(f"As the {role} option")
            action.setToolTip(
                f"Write this model's one-off cost and 12 x its monthly cost into its use "
                f"case's {role} cost of ownership"
            )
            action.triggered.connect(lambda _c=False, r=role: self.feed_ownership(r))
            self.own_actions[role] = action
        self.own_button.setMenu(self.own_menu)
        self.snapshot_button = button(
            "Record KPI snapshot", self.record_snapshot, name="snapshotButton"
        )
        header = page_header(
            "Costs",
            "Unit economics of each option of a use case: what one successful task costs, "
            "per scenario, against people and against the envelope.",
            (self.new_button, self.delete_button, self.own_button, self.snapshot_button),
        )

        # -- the list ---------------------------------------------------------------------
        self.list_model = CostListModel(self)
        self.filter_box = FilterBox()
        self.filter_box.setObjectName("costFilter")
        self.count_label = named_label("", "listCount")
        self.table = table_view(self.list_model, "costList")
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        list_header = self.table.horizontalHeader()
        list_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        list_header.setHighlightSections(False)
        list_header.setStretchLastSection(True)
        char = self.table.fontMetrics().averageCharWidth()
        for column, width in enumerate((26, 18, 16, 7, 16, 13, 8)):
            list_header.resizeSection(column, width * char + 16)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.list_empty = empty_state(EMPTY_LIST, margin=16)
        self.list_stack = stacked(self.table, self.list_empty)
        self.list_host = panel(
            hbox((self.filter_box, 1), self.count_label, margins=NO_MARGINS, spacing=6),
            (self.list_stack, 1),
            name="costListPane",
            spacing=6,
        )
        self.list_host.setMinimumWidth(200)

        # -- the detail -------------------------------------------------------------------
        self.scenario_buttons: dict[str, QPushButton] = {}
        for scenario in costs.SCENARIOS:
            segment = QPushButton(scenario.capitalize())
            segment.setToolTip(
                f"Show the figures at the {scenario} volume (requests a month, {scenario})"
            )
            segment.clicked.connect(lambda _c=False, s=scenario: self.set_scenario(s))
            self.scenario_buttons[scenario] = segment
        self.scenario_group = segments(self, *self.scenario_buttons.values())
        self.scenario_buttons[self.scenario].setChecked(True)
        self.message = named_label("", "mutedLabel")
        self.message.setObjectName("costMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        scenario_bar = hbox(
            named_label("Scenario", "formLabel"),
            *self.scenario_buttons.values(),
            (self.message, 1),
            margins=(8, 0, 0, 0),
            spacing=4,
        )
        self.form = CostModelForm(ctx)
        self.outputs = OutputsPanel()
        self.detail_splitter = splitter(
            self.form, self.outputs, stretch=(3, 2), name="costDetailSplitter", collapsible=False
        )
        self.compare = CompareTab(ctx)
        self.sensitivity = SensitivityTab(ctx)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.setObjectName("costDetailTabs")
        self.detail_tabs.addTab(self.detail_splitter, "Inputs and outputs")
        self.detail_tabs.addTab(self.compare, "Compare options")
        self.detail_tabs.addTab(self.sensitivity, "Sensitivity")
        self.detail = panel(scenario_bar, (self.detail_tabs, 1), spacing=6, name="costDetail")

        self.splitter = splitter(
            self.list_host, self.detail, stretch=(2, 5), name="costSplitter", rigid=(1,)
        )
        keep_state(self.splitter, ctx.settings, SPLITTER_NAME, (280, 820))
        keep_state(self.detail_splitter, ctx.settings, DETAIL_SPLITTER_NAME, (450, 370))
        self.models_tab = panel(self.splitter, margins=TAB_MARGINS, name="costModelsTab")
        self.prices = PricesTab(ctx)
        self.tabs = area_tabs((self.models_tab, "Cost models"), (self.prices, "Model prices"))
        vbox(header, (self.tabs, 1), margins=NO_MARGINS, spacing=6, parent=self)

        self.new_action, self.delete_action = record_actions(
            self, "cost model", self.new_model, self.table, self.delete_model
        )

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self.filter_box.filter_changed.connect(self.list_model.set_text_filter)
        self.list_model.rows_changed.connect(self._on_list_model_rows_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.form.inputs_changed.connect(self._on_form_inputs_changed)
        self.detail_tabs.currentChanged.connect(self._on_detail_tabs_current_changed)
        self.compare.model_chosen.connect(self.select_model)
        self.prices.status.connect(self.message.setText)
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())
        self.tabs.currentChanged.connect(lambda _i: self.current_entity_changed.emit())
        ctx.changed.connect(self._on_ctx_changed)
        self.refresh()
        self.select_first()

    # -- reading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the list, the chosen model and the price table again."""
        ws = self.ctx.workspace
        self.list_model.set_summaries(costs.summaries(ws=ws) if ws is not None else [])
        self.compare.invalidate()
        self._compare_dirty = True
        if self._current is not None and self.list_model.summary(self._current) is not None:
            self.form.reload()
        self.prices.refresh()
        self._update_actions()

    def current_id(self) -> int | None:
        """The cost model shown in the detail (None: none)."""
        return self._current

    def select_model(self, model_id: int | None) -> None:
        """Make ``model_id`` current (clearing a filter that hides it) and show it."""
        if model_id is not None and self.list_model.row_of(model_id) is None:
            if self.list_model.summary(model_id) is None:
                return
            self.filter_box.clear()
            self.filter_box.flush()
        row = self.list_model.row_of(model_id)
        if row is not None:
            index = self.list_model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)
        self._set_current(model_id if row is not None else None)

    def select_first(self) -> None:
        self.select_model(self.list_model.id_at(0))

    def show_entity(self, model_id: int) -> bool:
        """Navigation from elsewhere (the overview, the command palette, the Related
        panel): show cost model ``model_id``. False when there is no such model."""
        self.tabs.setCurrentWidget(self.models_tab)
        self.detail_tabs.setCurrentIndex(TAB_INPUTS)
        self.select_model(model_id)
        return self._current == model_id

    def current_entity(self) -> tuple[str, int] | None:
        """The cost model shown (in the Cost models tab), for the Related panel."""
        return tab_entity(self.tabs, (self.models_tab, "cost_model", self.current_id))

    def set_scenario(self, scenario: str) -> None:
        """Show the low, base or high scenario everywhere in the detail."""
        if scenario not in costs.SCENARIOS:
            raise ValueError(scenario)
        self.scenario = scenario
        self.scenario_buttons[scenario].setChecked(True)
        self._show_inputs(self.form.inputs)

    def _set_current(self, model_id: int | None) -> None:
        row = self.list_model.row_of(model_id)
        if row is not None:
            self._last_row = row
        if model_id != self._current:
            self._current = model_id
            self.message.setText("")
            self.form.load(model_id)
            self.current_entity_changed.emit()
        self._update_actions()

    # -- showing the figures ------------------------------------------------------------

    def _show_inputs(self, inputs: costs.CostInputs | None) -> None:
        self.outputs.show_inputs(inputs, self.scenario)
        self.sensitivity.show_for(inputs, self.scenario)
        self._compare_dirty = True
        if self.detail_tabs.currentIndex() == TAB_COMPARE:
            self._update_compare()
        self._update_actions()

    def _update_compare(self) -> None:
        self._compare_dirty = False
        self.compare.show_for(self.form.inputs, self.scenario)

    # -- actions ---------------------------------------------------------------------------

    def new_model(self) -> int | None:
        """Add a cost model (for the chosen model's use case), choose it, focus its name."""
        if self.ctx.readonly or self.ctx.workspace is None:
            return None
        data: dict[str, Any] = {"name": NEW_NAME}
        shown = self.form.stored
        if shown is not None:
            data.update(use_case_id=shown.use_case_id, currency=shown.currency)
        command = NewCostModelCommand(self.ctx, data)
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.refresh()
        self.tabs.setCurrentWidget(self.models_tab)
        self.detail_tabs.setCurrentIndex(TAB_INPUTS)
        self.select_model(command.record_id)
        self.form.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.form.name_edit.selectAll()
        return command.record_id

    def delete_model(self) -> QMessageBox | None:
        """Ask, then delete the chosen cost model (undoable)."""
        model_id = self._current
        if model_id is None or self.ctx.readonly:
            return None
        summary = self.list_model.summary(model_id)
        name = summary.name if summary is not None else ""
        if self.form.model_id == model_id:
            name = str(self.form.record.get("name") or name)
        self.confirm_box = confirm_delete(
            self,
            "Delete cost model",
            f"Delete the cost model “{name}”?",
            informative="The use case's cost of ownership stays as it is. "
            "Edit ▸ Undo brings the model back.",
            name="deleteCostModelBox",
            no=QMessageBox.StandardButton.No,
            on_yes=lambda: self.ctx.run_edit(DeleteCostModelCommand(self.ctx, model_id, name)),
        )
        self.confirm_box.finished.connect(lambda _r: setattr(self, "confirm_box", None))
        return self.confirm_box

    def feed_ownership(self, role: str) -> bool:
        """Write the chosen model's costs into its use case as the ``role`` option."""
        model_id = self._current
        if model_id is None or self.ctx.readonly:
            return False
        command = FeedOwnershipCommand(self.ctx, model_id, role, self.scenario)
        if not self.ctx.run_edit(command):
            return False
        owned = command.result[0] if isinstance(command.result, tuple) else None
        use_case = self._use_case_title()
        if isinstance(owned, costs.Ownership):
            self.message.setText(
                f"Wrote {costs.format_amount(owned.one_off)} one-off and "
                f"{costs.format_amount(owned.yearly)} a year into “{use_case}” as its {role} "
                f"cost ({self.scenario} scenario)."
            )
        return True

    def record_snapshot(self) -> bool:
        """Record the chosen model's cost per successful task as today's KPI snapshot."""
        model_id = self._current
        if model_id is None or self.ctx.readonly:
            return False
        command = RecordSnapshotCommand(self.ctx, model_id, self.scenario)
        if not self.ctx.run_edit(command):
            return False
        value = command.result[0] if isinstance(command.result, tuple) else None
        stored = self.form.stored
        if isinstance(value, float) and stored is not None:
            kpi = self.form.kpi_combo.currentText()
            self.message.setText(
                f"Recorded {costs.format_amount(value, stored.currency)} as today's snapshot "
                f"of “{kpi}”."
            )
        return True

    def _use_case_title(self) -> str:
        summary = self.list_model.summary(self._current)
        return summary.use_case if summary is not None else ""

    def _update_actions(self) -> None:
        readonly = self.ctx.readonly
        stored = self.form.stored if self._current is not None else None
        self.new_button.setEnabled(not readonly)
        self.new_action.setEnabled(not readonly)
        self.new_button.setToolTip(
            "The workspace is read-only"
            if readonly
            else f"Add a cost model for an option of a use case ({NEW_SHORTCUT})"
        )
        none_chosen = "Choose a cost model in the list first"
        if self.tabs.currentWidget() is not self.models_tab:
            none_chosen = "Show the Cost models tab to act on a cost model"
            stored = None
        why_not_delete = (
            "The workspace is read-only" if readonly else (none_chosen if stored is None else "")
        )
        self._enable(
            self.delete_button,
            why_not_delete,
            "Delete the chosen cost model (Del in the list); Edit ▸ Undo brings it back",
        )
        self.delete_action.setEnabled(not why_not_delete)
        if readonly:
            why_not_own = "The workspace is read-only"
        elif stored is None:
            why_not_own = none_chosen
        elif stored.use_case_id is None:
            why_not_own = "This cost model belongs to no use case: choose its use case first"
        else:
            why_not_own = ""
        self._enable(
            self.own_button,
            why_not_own,
            "Write this model's one-off cost and 12 x its monthly cost into its use case's "
            "build, partner or buy cost of ownership (you pick which)",
        )
        if readonly:
            why_not_snapshot = "The workspace is read-only"
        elif stored is None:
            why_not_snapshot = none_chosen
        elif stored.kpi_id is None:
            why_not_snapshot = (
                "Link this cost model to a tracked KPI first (Tracked KPI, under "
                "“Success, human baseline and envelope”)"
            )
        elif self.outputs.outputs is None or self.outputs.outputs.cost_per_successful_task is None:
            why_not_snapshot = "There is no cost per successful task to record: " + " ".join(
                self.outputs.outputs.problems if self.outputs.outputs is not None else ()
            )
        else:
            why_not_snapshot = ""
        self._enable(
            self.snapshot_button,
            why_not_snapshot,
            "Record this model's cost per successful task as today's snapshot of its tracked KPI",
        )

    @staticmethod
    def _enable(widget: QWidget, why_not: str, tip: str) -> None:
        widget.setEnabled(not why_not)
        widget.setToolTip(why_not or tip)

    # -- slots -----------------------------------------------------------------------------

    def _on_list_model_rows_changed(self, count: int) -> None:
        if count:
            self.count_label.setText(f"{count} cost model{'s' if count != 1 else ''}")
        else:
            self.count_label.setText("0 cost models")
        total = len(self.list_model.all_rows)
        if not total:
            self.list_empty.setText(EMPTY_LIST)
        elif not count:
            self.list_empty.setText(
                f"No cost model matches “{self.list_model.text_filter}”. Change the filter, "
                "or press Esc in it to show them all."
            )
        self.list_stack.setCurrentWidget(self.table if count else self.list_empty)
        current = self._current
        if current is not None and self.list_model.row_of(current) is not None:
            self.select_model(current)
            return
        if not count:
            self._set_current(None)
            return
        # The current model left the list: the row that took its place becomes current.
        self.select_model(self.list_model.id_at(min(self._last_row, count - 1)))

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: Any) -> None:
        if current.isValid():
            self._set_current(self.list_model.id_at(current.row()))

    def _on_form_inputs_changed(self, inputs: object) -> None:
        self._show_inputs(inputs if isinstance(inputs, costs.CostInputs) else None)

    def _on_detail_tabs_current_changed(self, index: int) -> None:
        if index == TAB_COMPARE and self._compare_dirty:
            self._update_compare()

    def _on_ctx_changed(self, changes: Changes) -> None:
        if changes.touches(*WATCHED):
            self._refresh_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_actions()
