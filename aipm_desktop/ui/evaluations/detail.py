"""The detail pane of one evaluation suite: its name, what it stands on (use case, owner,
metrics, runs, the latest run's verdict) and its tabs Suite, Metrics, Runs, Report,
Compare and Charts. Tabs that compute (Report, Compare, Charts) do so when shown, in a
worker, so choosing suites in the list stays instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from ...errors import UserError
from ...services import evaluations
from ...store import Workspace
from ..context import AppContext
from ..operations.parts import RecordPane
from ..widgets.builders import empty_state, panel, tab_widget
from ..widgets.page_header import named_label
from .charts import ChartsTab
from .compare import CompareTab
from .metrics import MetricsPanel
from .report import ReportTab
from .runs import RunsTab
from .suite_form import SuiteForm
from .texts import plural

EMPTY = (
    "Choose a suite in the list, or press Ctrl+Shift+N to add one: the test set of a use "
    "case, the metrics a version must meet, then the results of each version."
)
TAB_TITLES = ("Suite", "Metrics", "Runs", "Report", "Compare", "Charts")
TAB_SUITE, TAB_METRICS, TAB_RUNS, TAB_REPORT, TAB_COMPARE, TAB_CHARTS = range(6)


@dataclass(frozen=True)
class SuiteShown:
    """What the pane shows of a suite: its fields and counts (``info``), its metrics in
    order and its runs, newest first."""

    info: Any
    metrics: tuple[Any, ...]
    runs: tuple[Any, ...]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.info, name)


def read_suite(ws: Any, suite_id: int) -> SuiteShown:
    """Suite ``suite_id`` with its metrics and runs (a ``UserError`` when it is gone)."""
    info = next((s for s in evaluations.suites(ws=ws) if s.id == suite_id), None)
    if info is None:
        raise UserError(f"No eval suite with id {suite_id}.")
    metrics = evaluations.metric_specs(ws=ws, suite_id=suite_id)
    runs = evaluations.runs(ws=ws, suite_id=suite_id)
    return SuiteShown(info, tuple(metrics), tuple(reversed(runs)))


class SuiteDetailPane(RecordPane):
    """One suite with its metrics, runs, report, comparison and charts (its id is
    :attr:`record_id`, what was read of it :attr:`info`).

    Signals:
        import_requested(): the user asked to import results as a new run.
    """

    import_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="suiteDetail")
        self.heading = named_label("", "formHeading", wrap=True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.facts = named_label("", "mutedLabel", wrap=True)
        self.facts.setObjectName("suiteFacts")
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.form, self.metrics, self.runs = SuiteForm(ctx), MetricsPanel(ctx), RunsTab(ctx)
        self.report, self.compare, self.charts = ReportTab(ctx), CompareTab(ctx), ChartsTab(ctx)
        pages = (self.form, self.metrics, self.runs, self.report, self.compare, self.charts)
        self.tabs = tab_widget("suiteTabs", *zip(pages, TAB_TITLES, strict=True))
        self.runs.import_requested.connect(self.import_requested)
        self.lay_out(
            panel(self.heading, self.facts, (self.tabs, 1), spacing=4, margins=(6, 0, 0, 0)),
            empty_state(EMPTY, margin=24),
        )

    def show_suite(self, suite_id: int | None) -> None:
        """Show suite ``suite_id`` (None: the empty state)."""
        self.show_record(suite_id)

    def read(self, ws: Workspace, record_id: int) -> SuiteShown:
        return read_suite(ws, record_id)

    def show_none(self) -> None:
        self.form.load(None)
        for panel_ in (self.metrics, self.runs):
            panel_.show_suite(None, [])
        for tab in (self.report, self.compare, self.charts):
            tab.show_suite(None)

    def show_info(self, info: SuiteShown) -> None:
        self.heading.setText(info.name)
        self.facts.setText(self._facts(info))
        self.form.load(info.id)
        self.metrics.show_suite(info, list(info.metrics))
        self.runs.show_suite(info, list(info.runs))
        for tab in (self.report, self.compare, self.charts):
            tab.show_suite(info)
        self.tabs.setTabText(TAB_METRICS, f"Metrics ({len(info.metrics)})")
        self.tabs.setTabText(TAB_RUNS, f"Runs ({len(info.runs)})")

    @staticmethod
    def _facts(info: Any) -> str:
        parts = [
            info.use_case or "no use case",
            info.owner or "no owner",
            plural(len(info.metrics), "metric"),
            plural(len(info.runs), "run"),
        ]
        return " · ".join(parts)

    def show_run(self, run_id: int) -> None:
        """Show run ``run_id`` (just imported): its report."""
        self.refresh()
        self.runs.select_run(run_id)
        self.report.choose_run(run_id)
        self.tabs.setCurrentIndex(TAB_REPORT)
