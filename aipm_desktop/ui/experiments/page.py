"""The Experiments area: plan an A/B test, read its results, record the decision.

The list (running and analysing first by default sort; a status filter above it) sits
beside the chosen experiment: its **Design** (hypothesis, primary metric, guardrails with
their margins, variants and allocation, randomisation unit, eligibility, dates, peeking,
links to a KPI and a roadmap item, the design document), **Power** (sample size and
duration as the user types, the inverse and the curve of the detectable effect),
**Results** (import, the readout with its sample-ratio check, guardrail verdicts, "can we
stop now?" and the chart) and **Decision** (ship / iterate / stop, with a KPI snapshot
and a roadmap move).

Shortcuts (while focus is inside the page, so they never clash with the main window's;
Ctrl+N stays File ▸ New workspace): Ctrl+Shift+N plans a new experiment, Del in the list
deletes the chosen one after asking, Ctrl+I imports results for it, Ctrl+F filters the
list. Every edit is one step of Edit ▸ Undo.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QMessageBox, QWidget

from ...services import experiments
from ..context import AppContext
from ..widgets.builders import (
    NO_MARGINS,
    TAB_MARGINS,
    button,
    labelled_row,
    open_dialog,
    panel,
    vbox,
)
from ..widgets.combos import choice_combo, chosen_filters
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import confirm_delete
from ..widgets.master_detail import MasterDetail
from ..widgets.page_header import (
    NEW_SHORTCUT,
    READ_ONLY_WHY,
    first_reason,
    local_action,
    page_header,
    record_actions,
    set_enabled_why,
)
from .detail import TAB_DESIGN, TAB_RESULTS, ExperimentDetailPane
from .edits import DeleteExperimentCommand, NewExperimentCommand
from .figures import STATUS_LABELS
from .import_dialog import ResultsImportDialog

NEW_TITLE = "New experiment"
NEW_TIP = f"Plan an A/B test: hypothesis, metrics, variants and sample size ({NEW_SHORTCUT})"
DELETE_TIP = "Delete the chosen experiment (Del in the list); Edit ▸ Undo brings it back"
DELETE_WHAT = (
    "Its variants, guardrails and results go with it (its design document stays in "
    "Documents). Edit \u25b8 Undo brings it back."
)
IMPORT_TIP = "Import results for the chosen experiment from CSV or XLSX (Ctrl+I)"
IMPORT_SHORTCUT = "Ctrl+I"
LIST_NAME = "experiments"
#: What the page refreshes on.
WATCHED = (
    "experiment",
    "experiment_variant",
    "experiment_guardrail",
    "experiment_result",
    "use_case",
    "kpi",
    "kpi_snapshot",
    "roadmap_item",
    "document",
    "document_revision",
)
STATUS_FILTERS: tuple[tuple[str, Any], ...] = (
    ("All statuses", None),
    *((label, status) for status, label in STATUS_LABELS.items()),
)


class ExperimentsPage(ContextWidget):
    """The Experiments area (see the module docstring).

    Signals:
        navigate_requested(str, int): show area ``name`` on record ``id`` (the design
            document in Documents); the main window acts on it.
        current_entity_changed(): another experiment is chosen (:meth:`current_entity`).
    """

    navigate_requested = Signal(str, int)
    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="experimentsPage")
        self.confirm_box: QMessageBox | None = None
        self.import_dialog: ResultsImportDialog | None = None
        self.new_button = button(NEW_TITLE, self.new_experiment, name="primaryButton", tip=NEW_TIP)
        self.delete_button = button("Delete", self.delete_experiment, tip=DELETE_TIP)
        self.delete_button.setObjectName("deleteExperimentButton")
        self.import_button = button("Import results…", self.import_results, tip=IMPORT_TIP)
        self.import_button.setObjectName("pageImportButton")
        header = page_header(
            "Experiments",
            "A/B tests planned with their power and duration, read with intervals, corrected "
            "p-values and a sample-ratio check, and decided.",
            (self.new_button, self.delete_button, self.import_button),
        )
        self.status_combo = choice_combo(
            "experimentStatusFilter", STATUS_FILTERS, None, self._on_status_combo_index_changed
        )
        self.status_combo.setToolTip("Show the experiments in a status")
        filters = labelled_row((("Status", self.status_combo),), label_name="filterLabel")
        filters.addStretch(1)
        self.detail = ExperimentDetailPane(ctx)
        self.detail.setMinimumWidth(560)
        self.master = MasterDetail(
            experiments.experiment_list_spec(),
            ctx.workspace,
            self.detail,
            show=self.detail.show_experiment,
            settings=ctx.settings,
            name=LIST_NAME,
            sizes=(330, 910),
        )
        self.list_pane = self.master.list_pane
        self.list_pane.setObjectName("experimentList")
        self.list_pane.setMinimumWidth(220)
        spec = self.master.model.spec
        for key in ("use_case", "owner", "start", "planned_end", "decision"):
            self.list_pane.column_chooser.set_column_visible(spec.index_of(key), False)
        self.list_pane.table.horizontalHeader().resizeSection(0, 190)
        self.list_pane.set_empty_text(
            "No experiments yet. Press “New experiment” (Ctrl+Shift+N) to plan an A/B test: "
            "its hypothesis, metrics, variants and the sample size it needs."
        )
        self.body = panel(filters, (self.master, 1), margins=TAB_MARGINS, spacing=8)
        vbox(header, (self.body, 1), margins=NO_MARGINS, spacing=6, parent=self)

        self.new_action, self.delete_action = record_actions(
            self, "experiment", self.new_experiment, self.list_pane, self.delete_experiment
        )
        self.import_action = local_action(
            self, "Import results", IMPORT_SHORTCUT, self.import_results
        )
        self.detail.navigate_requested.connect(self.navigate_requested)
        self.detail.import_requested.connect(self.import_results)
        self.master.current_changed.connect(lambda _i: self._update_actions())
        self.master.current_changed.connect(lambda _i: self.current_entity_changed.emit())
        ctx.watch(self, WATCHED, self._on_watched_changed)
        self.master.select_first()
        self._update_actions()

    # -- navigation -------------------------------------------------------------------------

    def current_id(self) -> int | None:
        return self.master.current_id()

    def current_entity(self) -> tuple[str, int] | None:
        """The experiment chosen, for the Related panel."""
        experiment_id = self.current_id()
        return None if experiment_id is None else ("experiment", experiment_id)

    def show_entity(self, experiment_id: int) -> bool:
        """Choose ``experiment_id`` (the overview and other areas link here)."""
        model = self.master.model
        if model.row_of(experiment_id) is None:
            self.master.refresh()
        if model.row_of(experiment_id) is None:
            self.status_combo.setCurrentIndex(0)
            self.list_pane.filter_box.clear()
            self.list_pane.filter_box.flush()
        if model.row_of(experiment_id) is None:
            return False
        self.master.select(experiment_id)
        return True

    # -- actions ----------------------------------------------------------------------------

    def new_experiment(self) -> int | None:
        """Plan a new experiment (a control and a treatment, 50/50), choose it and put the
        cursor in its title."""
        if self.ctx.readonly or self.ctx.workspace is None:
            return None
        command = NewExperimentCommand(self.ctx, {"title": NEW_TITLE})
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.show_entity(command.record_id)
        self.detail.tabs.setCurrentIndex(TAB_DESIGN)
        title = self.detail.design.editors["title"]
        title.setFocus(Qt.FocusReason.OtherFocusReason)
        title.selectAll()  # type: ignore[attr-defined]
        return command.record_id

    def delete_experiment(self) -> QMessageBox | None:
        """Ask, then delete the chosen experiment (undoable)."""
        info = self.detail.info
        if info is None or self.ctx.readonly:
            return None
        experiment_id, title = info.id, info.title
        box = confirm_delete(
            self,
            "Delete experiment",
            f"Delete the experiment \u201c{title}\u201d?",
            informative=DELETE_WHAT,
            name="deleteExperimentBox",
            on_yes=lambda: self.ctx.run_edit(
                DeleteExperimentCommand(self.ctx, experiment_id, title)
            ),
        )
        box.finished.connect(lambda _r: setattr(self, "confirm_box", None))
        self.confirm_box = box
        return box

    def import_results(self) -> ResultsImportDialog | None:
        """Open the results import for the chosen experiment (Results tab shown)."""
        info = self.detail.info
        if info is None or self.ctx.readonly or self.import_dialog is not None:
            return None
        self.detail.tabs.setCurrentIndex(TAB_RESULTS)
        dialog = ResultsImportDialog(self.ctx, info.id, info.title, self)
        return open_dialog(self, "import_dialog", dialog)

    def _update_actions(self) -> None:
        editable = not self.ctx.readonly
        set_enabled_why(self.new_button, editable, NEW_TIP, READ_ONLY_WHY)
        self.new_action.setEnabled(editable)
        chosen = self.detail.info is not None
        why = first_reason(
            (not editable, READ_ONLY_WHY), (not chosen, "Choose an experiment first.")
        )
        set_enabled_why(self.delete_button, not why, DELETE_TIP, why)
        self.delete_action.setEnabled(not why)
        set_enabled_why(self.import_button, not why, IMPORT_TIP, why)
        self.import_action.setEnabled(not why)

    # -- slots ------------------------------------------------------------------------------

    def _on_status_combo_index_changed(self, _index: int) -> None:
        self.list_pane.set_filters(chosen_filters((("status", self.status_combo),)))

    def _on_watched_changed(self) -> None:
        self.master.refresh()
        self.detail.refresh()
        self._update_actions()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_actions()
