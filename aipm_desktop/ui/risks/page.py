"""The Risks area: the register (list + detail form), the heat map and the EU AI Act check.

Shortcuts (active while focus is inside the page, so they never clash with the main
window's): Ctrl+Shift+N adds a risk, Del (in the list) deletes the selected risk after a
confirmation. Every edit is undoable with the main window's Edit ▸ Undo (Ctrl+Z).

The register's list leads with what a reader scans (likelihood, impact, scores, the level
in its heat-map colour, the next review) and keeps its column layout in the app settings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...models import Risk
from ...models.enums import RiskStatus
from ...services import risks
from ...services.changes import Changes
from ..context import AppContext
from ..undo import CreateRecordCommand, DeleteRecordCommand
from ..widgets.area_tabs import area_tabs
from ..widgets.builders import NO_MARGINS, TAB_MARGINS, button, keep_state, splitter, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import confirm_delete
from ..widgets.lazy_table import ListPane
from ..widgets.page_header import (
    NEW_SHORTCUT,
    READ_ONLY_WHY,
    enable_delete,
    named_label,
    page_header,
    record_actions,
    set_enabled_why,
)
from .ai_act import AiActTab
from .appetite import AppetiteDialog
from .fields import enum_text, split_level
from .form import RiskForm, use_case_titles
from .heatmap import HeatmapTab
from .overdue import OverdueDelegate
from .taxonomies import TaxonomiesDialog

SPLITTER_NAME = "risks"
#: The settings name of the register list's column layout.
LIST_NAME = "risks"
NEW_RISK_TITLE = "New risk"
NEW_TIP = f"Add a risk to the register ({NEW_SHORTCUT})"
DELETE_TIP = "Delete the selected risk (Del in the list); Edit ▸ Undo brings it back"
OFF_TAB_WHY = "Open the Register tab and select a risk to delete it."
NONE_CHOSEN_WHY = "Select a risk in the register first."
#: The detail form's narrowest width (its labels and fields still readable).
FORM_MIN_WIDTH = 380
#: Columns hidden at first (the header's context menu shows them).
HIDDEN_COLUMNS = (
    "source",
    "treatment",
    "res_likelihood",
    "res_impact",
    "updated",
    "updated_by",
    "use_case",
)
FILTER_KINDS = ("risk", "use_case", "settings", "risk_taxonomy")


class FilterChip(QFrame):
    """``L4 x I3 residual — clear``: the heat-map cell the register is narrowed to.

    Signals:
        cleared(): the user clicked "clear".
    """

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterChip")
        self.label = named_label("", "filterChipText")
        self.clear_button = QPushButton("clear")
        self.clear_button.setObjectName("filterChipClear")
        self.clear_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clear_button.setToolTip("Show the risks of every cell again")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 4, 2)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(QLabel("—"))
        layout.addWidget(self.clear_button)
        self.clear_button.clicked.connect(self.cleared)

    def text(self) -> str:
        return f"{self.label.text()} — {self.clear_button.text()}"


class RegisterTab(QWidget):
    """Filters above the risk list, the list beside the detail form.

    Signals:
        list_replaced(): the list was rebuilt (after the appetite changed).
    """

    list_replaced = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        ws = ctx.require_workspace()
        self.spec = risks.risk_list_spec(ws=ws)
        self.cell: tuple[int, int, bool, int | None] | None = None

        self.category_combo = _filter_combo("All categories")
        self.status_combo = _filter_combo("All statuses")
        for status in RiskStatus:
            self.status_combo.addItem(enum_text(status), status.value)
        self.owner_combo = _filter_combo("All owners")
        self.use_case_combo = _filter_combo("All use cases")
        self.level_combo = _filter_combo("All levels")
        self.level_combo.setToolTip("Residual level (the inherent one when no residual is set)")
        self.overdue_check = QCheckBox("Overdue review only")
        self.chip = FilterChip()
        self.chip.setVisible(False)

        filters = QVBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(4)
        first, second = QHBoxLayout(), QHBoxLayout()
        for widget in (self.category_combo, self.status_combo, self.owner_combo):
            first.addWidget(widget, 1)
        for widget in (self.use_case_combo, self.level_combo):
            second.addWidget(widget, 1)
        second.addWidget(self.overdue_check)
        second.addWidget(self.chip)
        filters.addLayout(first)
        filters.addLayout(second)

        self.form = RiskForm(ctx)
        left = QWidget()
        self.list_host = left
        self.left_layout = QVBoxLayout(left)
        self.left_layout.setContentsMargins(0, 0, 0, 0)
        self.left_layout.addLayout(filters)
        self.list = self._build_list(ws)
        self.left_layout.addWidget(self.list, 1)
        self.form.setMinimumWidth(FORM_MIN_WIDTH)
        # The list gets the room its leading columns need on a laptop screen.
        self.splitter = splitter(left, self.form, stretch=(3, 2), name="riskSplitter", rigid=(1,))
        keep_state(self.splitter, ctx.settings, SPLITTER_NAME, (680, 400))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.addWidget(self.splitter)

        for combo in (
            self.category_combo,
            self.status_combo,
            self.owner_combo,
            self.use_case_combo,
            self.level_combo,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.overdue_check.toggled.connect(lambda _c: self.apply_filters())
        self.chip.cleared.connect(self.clear_cell)
        self.load_choices()

    def _build_list(self, ws: Any) -> ListPane:
        pane = ListPane(self.spec, ws)
        pane.setObjectName("riskList")
        delegate = OverdueDelegate(pane.table)
        keys = self.spec.keys
        delegate.overdue_column = keys.index("overdue")
        delegate.review_column = keys.index("next_review")
        pane.table.setItemDelegate(delegate)
        for key in HIDDEN_COLUMNS:
            pane.column_chooser.set_column_visible(keys.index(key), False)
        pane.persist(self.ctx.settings, LIST_NAME)
        self.delegate = delegate
        pane.current_changed.connect(self._on_list_current_changed)
        return pane

    def rebuild_list(self) -> None:
        """Build the list again with the current appetite (its levels are SQL of the bands)."""
        ws = self.ctx.workspace
        if ws is None:
            return
        old = self.list
        state, text = old.state(), old.filter_box.text()
        current, selected = old.current_id(), old.selected_ids()
        self.spec = risks.risk_list_spec(ws=ws)
        self.list = self._build_list(ws)
        self.list.restore_state(state)
        self.list.filter_box.setText(text)
        self.list.filter_box.flush()
        self.list.set_filters(self.filters())
        old.current_changed.disconnect(self._on_list_current_changed)
        self.left_layout.replaceWidget(old, self.list)
        old.hide()
        old.deleteLater()
        if selected:
            self.list.select_ids(selected, current=current)
        self.list_replaced.emit()

    # -- filters --------------------------------------------------------------------------

    def load_choices(self) -> None:
        """Fill the filter combos from the workspace (keeping what is chosen)."""
        ws = self.ctx.workspace
        if ws is None:
            return
        _refill(self.category_combo, [(c, c) for c in risks.category_choices(ws=ws)])
        _refill(self.owner_combo, [(o, o) for o in owner_choices(ws)])
        _refill(self.use_case_combo, [(t, i) for i, t in use_case_titles(ws)])
        _refill(self.level_combo, [(b.name.capitalize(), b.name) for b in risks.bands(ws=ws)])

    def filters(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, combo in (
            ("category", self.category_combo),
            ("status", self.status_combo),
            ("owner", self.owner_combo),
            ("use_case", self.use_case_combo),
            ("residual_level", self.level_combo),
        ):
            if combo.currentIndex() > 0:
                result[key] = combo.currentData()
        if self.overdue_check.isChecked():
            result["overdue"] = True
        if self.cell is not None:
            likelihood, impact, residual, use_case_id = self.cell
            cell = risks.cell_filters(
                likelihood, impact, residual=residual, use_case_id=use_case_id
            )
            status = result.get("status")
            if status is not None:  # both narrow the statuses: keep what both allow
                cell["status"] = [s for s in cell.get("status", [status]) if s == status]
            if (
                "use_case" in result
                and "use_case" in cell
                and result["use_case"] != cell["use_case"]
            ):
                cell["use_case"] = []
            result.update(cell)
        return result

    def apply_filters(self) -> None:
        self.list.set_filters(self.filters())

    def set_cell(self, likelihood: int, impact: int, residual: bool, use_case_id: Any) -> None:
        """Show only the risks of one heat-map cell (with a chip that clears it)."""
        self.cell = (likelihood, impact, residual, use_case_id)
        text = f"L{likelihood} × I{impact}"  # noqa: RUF001
        if residual:
            text += " residual"
        if use_case_id is not None:
            index = self.use_case_combo.findData(use_case_id)
            if index > 0:
                text += f" · {self.use_case_combo.itemText(index)}"
        self.chip.label.setText(text)
        self.chip.setToolTip(
            f"Likelihood {likelihood} · {split_level(risks.LIKELIHOOD_LEVELS[likelihood - 1])[0]}"
            f", impact {impact} · {split_level(risks.IMPACT_LEVELS[impact - 1])[0]}"
        )
        self.chip.setVisible(True)
        self.apply_filters()

    def clear_cell(self) -> None:
        self.cell = None
        self.chip.setVisible(False)
        self.apply_filters()

    # -- slots ----------------------------------------------------------------------------

    def _on_list_current_changed(self, risk_id: Any) -> None:
        self.form.set_risk(risk_id)

    def on_changed(self, changes: Changes) -> None:
        if changes.touches(*FILTER_KINDS):
            self.load_choices()
        if changes.touches("settings"):
            self.rebuild_list()
        else:
            self.list.apply_changes(changes)
        if (
            self.form.risk_id is not None
            and self.list.model.row_of(self.form.risk_id) is None
            and changes.kind == "risk"
            and changes.action == "delete"
        ):
            self.form.set_risk(self.list.current_id())


class RisksPage(ContextWidget):
    """The Risks area: Register, Heat map and EU AI Act tabs.

    Signals:
        current_entity_changed(): another risk is chosen (:meth:`current_entity`).
    """

    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="risksPage")
        self.appetite_dialog: AppetiteDialog | None = None
        self.taxonomies_dialog: TaxonomiesDialog | None = None
        self.confirm_box: QMessageBox | None = None

        self.new_button = button("New risk", self.new_risk, name="primaryButton", tip=NEW_TIP)
        self.delete_button = button("Delete", self.delete_risk, tip=DELETE_TIP)
        self.appetite_button = button(
            "Appetite…",
            self.open_appetite,
            tip="Edit the score bands, their colours and the scoring method",
        )
        self.taxonomies_button = button(
            "Taxonomies…",
            self.open_taxonomies,
            tip="Choose the taxonomies whose items are offered as categories, or add your own",
        )
        header = page_header(
            "Risks",
            "The responsible-AI risk register of this portfolio: score each risk, plan "
            "mitigations, track reviews, and check each use case against the EU AI Act.",
            (self.new_button, self.delete_button, self.appetite_button, self.taxonomies_button),
        )

        self.register = RegisterTab(ctx)
        self.heatmap = HeatmapTab(ctx)
        self.ai_act = AiActTab(ctx)
        self.tabs = area_tabs(
            (self.register, "Register"), (self.heatmap, "Heat map"), (self.ai_act, "EU AI Act")
        )
        vbox(header, (self.tabs, 1), margins=NO_MARGINS, spacing=6, parent=self)

        self.new_action, self.delete_action = record_actions(
            self, "risk", self.new_risk, self.register.list_host, self.delete_risk
        )

        self.heatmap.appetite_requested.connect(self.open_appetite)
        self.heatmap.cell_chosen.connect(self._on_heatmap_cell_chosen)
        self.register.list_replaced.connect(self._connect_list)
        self._connect_list()
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())
        ctx.changed.connect(self._on_ctx_changed)
        self._update_actions()

    # -- actions --------------------------------------------------------------------------

    def new_risk(self) -> int | None:
        """Add a risk titled "New risk", select it and put the cursor in its title."""
        if self.ctx.readonly:
            return None
        command = CreateRecordCommand(self.ctx, Risk, {"title": NEW_RISK_TITLE})
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.tabs.setCurrentWidget(self.register)
        register = self.register
        if register.list.model.row_of(command.record_id) is None:
            register.clear_cell()
            register.list.filter_box.clear()
            register.list.filter_box.flush()
            for combo in (
                register.category_combo,
                register.status_combo,
                register.owner_combo,
                register.use_case_combo,
                register.level_combo,
            ):
                combo.setCurrentIndex(0)
            register.overdue_check.setChecked(False)
        register.list.select_ids([command.record_id])
        register.form.set_risk(command.record_id)
        register.form.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        register.form.title_edit.selectAll()
        return command.record_id

    def delete_risk(self) -> QMessageBox | None:
        """Ask, then delete the selected risk (undoable)."""
        risk_id = self.register.list.current_id()
        if risk_id is None or self.ctx.readonly:
            return None
        title = self.register.form.risk.title if self.register.form.risk is not None else ""
        self.confirm_box = confirm_delete(
            self,
            "Delete risk",
            f"Delete the risk “{title}”?",
            informative="Its mitigation actions and use-case links go with it. "
            "Edit ▸ Undo brings it back.",
            name="deleteRiskBox",
            no=QMessageBox.StandardButton.No,
            on_yes=lambda: self.ctx.run_edit(DeleteRecordCommand(self.ctx, Risk, risk_id)),
        )
        self.confirm_box.finished.connect(self._on_confirm_box_finished)
        return self.confirm_box

    def _on_confirm_box_finished(self, _result: int) -> None:
        self.confirm_box = None

    def open_appetite(self) -> AppetiteDialog | None:
        if self.ctx.workspace is None:
            return None
        dialog = AppetiteDialog(self.ctx, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _r: setattr(self, "appetite_dialog", None))
        self.appetite_dialog = dialog
        dialog.open()
        return dialog

    def open_taxonomies(self) -> TaxonomiesDialog | None:
        """Show the taxonomy manager (non-modal, so the register stays usable beside it)."""
        if self.ctx.workspace is None:
            return None
        dialog = self.taxonomies_dialog
        if dialog is None:
            dialog = TaxonomiesDialog(self.ctx, self)
            dialog.finished.connect(dialog.deleteLater)
            dialog.finished.connect(lambda _r: setattr(self, "taxonomies_dialog", None))
            self.taxonomies_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _connect_list(self) -> None:
        self.register.list.current_changed.connect(lambda _id: self._update_actions())
        self.register.list.current_changed.connect(lambda _id: self.current_entity_changed.emit())

    def _update_actions(self) -> None:
        editable = not self.ctx.readonly
        set_enabled_why(self.new_button, editable, NEW_TIP, READ_ONLY_WHY)
        self.new_action.setEnabled(editable)
        chosen = self.register.list.current_id() is not None
        enable_delete(self, self.register, chosen, DELETE_TIP, OFF_TAB_WHY, NONE_CHOSEN_WHY)

    # -- slots ----------------------------------------------------------------------------

    def current_entity(self) -> tuple[str, int] | None:
        """The risk chosen in the register, for the Related panel."""
        risk_id = self.register.list.current_id()
        return None if risk_id is None else ("risk", risk_id)

    def show_entity(self, risk_id: int) -> None:
        """Open the register on ``risk_id`` (used when the overview links here)."""
        self.tabs.setCurrentWidget(self.register)
        self.register.list.select_ids([risk_id], current=risk_id)

    def _on_heatmap_cell_chosen(
        self, likelihood: int, impact: int, residual: bool, use_case_id: Any
    ) -> None:
        self.register.set_cell(likelihood, impact, residual, use_case_id)
        self.tabs.setCurrentWidget(self.register)

    def _on_ctx_changed(self, changes: Changes) -> None:
        self.register.on_changed(changes)
        self._update_actions()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_actions()


def owner_choices(ws: Any) -> list[str]:
    """The distinct owners of the register, for the owner filter."""
    return risks.owner_choices(ws=ws)


def _filter_combo(all_text: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(all_text, None)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


def _refill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
    """Replace the choices after "All …", keeping the chosen one when it still exists."""
    current = combo.currentData() if combo.currentIndex() > 0 else None
    combo.blockSignals(True)
    all_text = combo.itemText(0)
    combo.clear()
    combo.addItem(all_text, None)
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
    if current is not None and index < 0:
        combo.currentIndexChanged.emit(0)
