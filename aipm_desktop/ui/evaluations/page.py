"""The Evaluations area: test suites per use case, their metrics and thresholds, the runs
of each version, and whether a version meets the bar.

The list of suites (a use-case filter above it) sits beside the chosen suite: its
**Suite** (purpose, data set, provenance and licence, labelling, refresh, owner, label
classes and slices), **Metrics** (kind, column, direction, threshold, blocking, slice),
**Runs** (version, date, environment, notes, the results file), **Report** (every metric
of a run with its 95 % interval, pass / fail, per slice, the worst slice named),
**Compare** (two runs on the same examples: differences with paired intervals, McNemar
p-values, regressions in red with the flipped examples behind them) and **Charts** (trend
across runs with the threshold band, reliability diagram, slice bars).

Shortcuts (while focus is inside the page, so they never clash with the main window's;
Ctrl+N stays File ▸ New workspace): Ctrl+Shift+N adds a suite, Del in the list deletes the
chosen one after asking, Ctrl+I imports results as a new run, Ctrl+F filters the list.
Every edit is one step of Edit ▸ Undo.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QMessageBox, QWidget

from ...models import EvalMetric
from ...services import evaluations
from ...services import usecases as usecases_service
from ..context import AppContext
from ..operations.parts import ask_to_delete
from ..widgets.area_tabs import area_header, show_in_tab
from ..widgets.builders import (
    NO_MARGINS,
    TAB_MARGINS,
    button,
    keep_state,
    labelled_row,
    open_dialog,
    panel,
    splitter,
    vbox,
)
from ..widgets.combos import filter_combo
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import (
    NEW_SHORTCUT,
    READ_ONLY_WHY,
    local_action,
    record_actions,
    set_enabled_why,
)
from .detail import TAB_REPORT, TAB_RUNS, SuiteDetailPane
from .edits import DeleteSuiteCommand, NewSuiteCommand
from .import_dialog import RunImportDialog
from .suite_list import SuiteList
from .texts import Named

NEW_TITLE = "New suite"
NEW_TIP = f"Add an evaluation suite: a test set for a use case and its metrics ({NEW_SHORTCUT})"
DELETE_TIP = "Delete the chosen suite (Del in the list); Edit ▸ Undo brings it back"
DELETE_WHAT = "Its metrics, runs and per-example results go with it."
IMPORT_TIP = "Import the per-example results of a version as a new run of the chosen suite (Ctrl+I)"
LIST_NAME = "evalSuites"
#: What the page refreshes on.
WATCHED = ("eval_suite", "eval_metric", "eval_run", "eval_run_results", "use_case", "kpi_snapshot")


class EvaluationsPage(ContextWidget):
    """The Evaluations area (see the module docstring).

    Signals:
        navigate_requested(str, int): show area ``name`` on record ``id``; the main window
            acts on it.
        current_entity_changed(): another suite is chosen (:meth:`current_entity`).
    """

    navigate_requested = Signal(str, int)
    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="evaluationsPage")
        self.confirm_box: QMessageBox | None = None
        self.import_dialog: RunImportDialog | None = None
        header, self.new_button, self.delete_button = area_header(
            "Evaluations",
            "Test suites per use case, metrics with confidence intervals against their "
            "thresholds, and the regressions between versions that decide a launch.",
            "suite",
            self.new_suite,
            self.delete_suite,
            new_tip=NEW_TIP,
            delete_tip=DELETE_TIP,
        )
        self.delete_button.setObjectName("deleteSuiteButton")
        self.import_button = button(
            "Import results…", self.import_results, name="pageImportButton", tip=IMPORT_TIP
        )
        header.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.use_case_combo = filter_combo("All use cases")
        self.use_case_combo.setObjectName("suiteUseCaseFilter")
        self.use_case_combo.setToolTip("Show the suites of one use case")
        self.use_case_combo.currentIndexChanged.connect(self._on_use_case_combo_index_changed)
        filters = labelled_row((("Use case", self.use_case_combo),), label_name="filterLabel")
        filters.addStretch(1)
        self.detail = SuiteDetailPane(ctx)
        self.detail.setMinimumWidth(640)
        self.list_pane = SuiteList(
            "No evaluation suites yet. Press “New suite” (Ctrl+Shift+N) to describe a test "
            "set for a use case, then add its metrics and import the results of a version."
        )
        self.list_pane.setMinimumWidth(220)
        self.list_pane.current_changed.connect(self._on_list_pane_current_changed)
        self.master = keep_state(
            splitter(
                self.list_pane, self.detail, stretch=(1, 3), name="evalSuites", collapsible=False
            ),
            ctx.settings,
            LIST_NAME,
            (340, 940),
        )
        self.body = panel(filters, (self.master, 1), margins=TAB_MARGINS, spacing=8)
        vbox(header, (self.body, 1), margins=NO_MARGINS, spacing=6, parent=self)

        self.new_action, self.delete_action = record_actions(
            self, "suite", self.new_suite, self.list_pane, self.delete_suite
        )
        self.import_action = local_action(self, "Import results", "Ctrl+I", self.import_results)
        self.detail.import_requested.connect(self.import_results)
        ctx.watch(self, WATCHED, self._on_watched_changed)
        self._fill_use_cases()
        self.refresh()

    # -- navigation -------------------------------------------------------------------------

    def current_id(self) -> int | None:
        return self.list_pane.chosen

    def refresh(self) -> None:
        """Read the suites (of the use case filtered on) and the chosen one again."""
        ws = self.ctx.workspace
        use_case = self.use_case_combo.currentData()
        found = evaluations.suites(ws=ws, use_case_id=use_case) if ws is not None else []
        self.list_pane.set_suites(found)
        self.detail.show_suite(self.list_pane.chosen)
        self._update_actions()

    def show_suite(self, suite_id: int) -> bool:
        """Choose suite ``suite_id`` (the filters cleared when they hide it)."""
        if self.list_pane.model.row_of_key(suite_id) is None:
            self.use_case_combo.setCurrentIndex(0)
            self.refresh()
        return self.list_pane.select(suite_id)

    def show_entity(self, metric_id: int) -> bool:
        """Open metric ``metric_id`` (the Overview and the launch checklist link here): its
        suite's report on the latest run, the metric's row chosen."""
        return show_in_tab(
            self.ctx, EvalMetric, metric_id, self.detail.tabs, TAB_REPORT, self._choose_metric
        )

    def _choose_metric(self, metric: EvalMetric) -> bool:
        if not self.show_suite(metric.suite_id):
            return False
        self.detail.report.choose_metric(int(metric.id))  # type: ignore[arg-type]
        return True

    def current_entity(self) -> tuple[str, int] | None:
        """The suite chosen, for the Related panel."""
        chosen = self.list_pane.chosen
        return None if chosen is None else ("eval_suite", chosen)

    # -- actions ----------------------------------------------------------------------------

    def new_suite(self) -> int | None:
        """Add a suite (for the use case filtered on, if any), choose it and put the
        cursor in its name."""
        if self.ctx.readonly or self.ctx.workspace is None:
            return None
        data: dict[str, Any] = {"name": NEW_TITLE}
        if self.use_case_combo.currentIndex() > 0:
            data["use_case_id"] = self.use_case_combo.currentData()
        command = NewSuiteCommand(self.ctx, data)
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.show_suite(command.record_id)
        self.detail.tabs.setCurrentIndex(0)
        self.detail.form.focus_field("name")
        return command.record_id

    def delete_suite(self) -> QMessageBox | None:
        """Ask, then delete the chosen suite (undoable)."""
        info = self.detail.info
        named = Named(info.id, info.name) if info is not None else None
        return ask_to_delete(self, "suite", named, DELETE_WHAT, DeleteSuiteCommand)

    def import_results(self) -> RunImportDialog | None:
        """Open the results import for the chosen suite (Runs tab shown)."""
        info = self.detail.info
        if info is None or self.ctx.readonly or self.import_dialog is not None:
            return None
        self.detail.tabs.setCurrentIndex(TAB_RUNS)
        dialog = RunImportDialog(self.ctx, info, self)
        dialog.imported_run.connect(self.detail.show_run)
        return open_dialog(self, "import_dialog", dialog)

    def _update_actions(self) -> None:
        read_only = READ_ONLY_WHY if self.ctx.readonly else ""
        why = read_only or ("" if self.detail.info is not None else "Choose a suite first.")
        for widget, action, tip, off in (
            (self.new_button, self.new_action, NEW_TIP, read_only),
            (self.delete_button, self.delete_action, DELETE_TIP, why),
            (self.import_button, self.import_action, IMPORT_TIP, why),
        ):
            set_enabled_why(widget, not off, tip, off)
            action.setEnabled(not off)

    def _fill_use_cases(self) -> None:
        ws = self.ctx.workspace
        chosen = self.use_case_combo.currentData()
        blocked = self.use_case_combo.blockSignals(True)
        while self.use_case_combo.count() > 1:
            self.use_case_combo.removeItem(1)
        for use_case_id, title in usecases_service.titles(ws=ws) if ws is not None else []:
            self.use_case_combo.addItem(title, use_case_id)
        self.use_case_combo.setCurrentIndex(max(self.use_case_combo.findData(chosen), 0))
        self.use_case_combo.blockSignals(blocked)

    # -- slots ------------------------------------------------------------------------------

    def _on_use_case_combo_index_changed(self, _index: int) -> None:
        self.refresh()

    def _on_list_pane_current_changed(self, suite_id: object) -> None:
        self.detail.show_suite(suite_id if isinstance(suite_id, int) else None)
        self._update_actions()
        self.current_entity_changed.emit()

    def _on_watched_changed(self) -> None:
        self._fill_use_cases()
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_actions()
