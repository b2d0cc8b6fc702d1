"""The Gaps tab: for one catalog, the coverage of each use case (and of the workspace's
organisation-wide controls) with the missing controls counted by priority, the chart of
it, and for the level chosen the missing controls (high priority first, with what is
missing) and the evidence that expires within 30 days. A control is covered when it is
implemented or verified and current evidence satisfies it (directly or through an
equivalent crosswalk line)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from ...services import controls as controls_service
from ...services.charts.controls_gaps import draw_gaps
from ..context import AppContext
from ..operations.parts import record_table
from ..widgets.builders import (
    TAB_MARGINS,
    empty_state,
    keep_state,
    labelled_row,
    panel,
    splitter,
    stacked,
    tab_widget,
    vbox,
)
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.dialog_parts import (
    DRAWING_FILTERS,
    ask_save_path,
    export_controls,
    file_stem,
    show_saved,
)
from ..widgets.page_header import named_label
from ..widgets.row_list_model import Column, ColumnTableModel
from .background import BusyPanel
from .parts import (
    LevelTab,
    catalog_combo,
    catalog_items,
    fit_columns,
    refill,
    show_rows,
    shown,
)

EMPTY = (
    "No control of this catalog applies yet. Run the EU AI Act tier check of a use case "
    "(Risks area), or set the controls you adopt to Applies on the Applicability tab; "
    "their coverage shows here."
)


def _pct(report: Any) -> str:
    return "-" if report.coverage_pct is None else f"{report.coverage_pct:.0f} %"


def _overview_columns() -> tuple[Column[Any], ...]:
    def missing(name: str) -> Column[Any]:
        return Column(
            name.capitalize(),
            lambda r: str(r.missing_by_priority()[name] or ""),
            align="right",
            header_tip=f"Missing controls of {name} priority",
        )

    return (
        Column("Level", lambda r: r.use_case),
        Column("Applies", lambda r: str(r.applicable), align="right"),
        Column("Covered", lambda r: str(r.covered), align="right"),
        Column("Coverage", _pct, align="right"),
        missing("high"),
        missing("medium"),
        missing("low"),
        Column(
            "N/A",
            lambda r: str(r.not_applicable or ""),
            align="right",
            header_tip="Controls decided not applicable",
        ),
        Column(
            "Expiring",
            lambda r: str(len(r.expiring) or ""),
            align="right",
            header_tip="Evidence expiring in the next 30 days",
        ),
    )


def _missing_columns() -> tuple[Column[Any], ...]:
    return (
        Column("Ref", lambda g: g.ref),
        Column("Title", lambda g: g.title),
        Column("Priority", lambda g: g.priority),
        Column("Status", lambda g: shown(g.status)),
        Column("Owner", lambda g: g.owner),
        Column("Due", lambda g: g.due_date.isoformat() if g.due_date else ""),
        Column("Missing", lambda g: g.missing),
    )


def _expiring_columns() -> tuple[Column[Any], ...]:
    return (
        Column("Evidence", lambda e: e.title),
        Column("Valid until", lambda e: e.valid_until.isoformat()),
        Column("Days left", lambda e: str(e.days_left), align="right"),
        Column("Controls", lambda e: ", ".join(e.controls)),
    )


class GapsTab(LevelTab):
    """Coverage per level for one catalog, the chart, and the chosen level's gaps."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="gapsTab")
        self.reports: list[Any] = []
        self._chart_stale = True
        self.catalog_combo = catalog_combo("gapsCatalog", "The catalog whose coverage is shown")
        self.export_button, self.saved_label = export_controls(
            self.export_chart, name="gapsExportButton", tip="Save the chart as PNG, SVG or PDF"
        )
        self.overview_model: ColumnTableModel[Any] = ColumnTableModel(
            _overview_columns(), key=lambda r: r.use_case_id
        )
        self.overview = record_table("gapsOverview", self.overview_model, stretch=0)
        self.missing_model: ColumnTableModel[Any] = ColumnTableModel(_missing_columns())
        self.missing = record_table("gapsMissing", self.missing_model, stretch=1)
        self.expiring_model: ColumnTableModel[Any] = ColumnTableModel(_expiring_columns())
        self.expiring = record_table("gapsExpiring", self.expiring_model, stretch=3)
        self.level_label = named_label("", "sectionTitle", wrap=True)
        self.expiring_empty = empty_state("No evidence of this level expires in the next 30 days.")
        self.expiring_stack = stacked(self.expiring_empty, self.expiring)
        self.chart = ChartCanvas()
        self.chart.setMinimumHeight(220)
        self.detail = tab_widget(
            "gapsDetail",
            (self.missing, "Missing controls"),
            (self.expiring_stack, "Expiring evidence"),
            (self.chart, "Chart"),
        )
        self.detail.currentChanged.connect(lambda _i: self._draw_if_shown())
        body = keep_state(
            splitter(
                self.overview,
                panel(self.level_label, (self.detail, 1), spacing=6),
                orientation=Qt.Orientation.Vertical,
                collapsible=False,
            ),
            ctx.settings,
            "controlGaps",
            (170, 330),
        )
        self.empty = empty_state(EMPTY, margin=24)
        self.stack = stacked(self.empty, body)
        self.busy = BusyPanel(
            ctx, self.stack, what="the gap analysis", name="gapsBusy", restart=self.refresh
        )
        self.busy.finished.connect(self._on_busy_finished)
        toolbar = labelled_row((("Catalog", self.catalog_combo),), label_name="filterLabel")
        toolbar.addStretch(1)
        toolbar.addWidget(self.saved_label)
        toolbar.addWidget(self.export_button)
        vbox(toolbar, (self.stack, 1), margins=TAB_MARGINS, spacing=8, parent=self)
        self.catalog_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.overview.selectionModel().currentRowChanged.connect(lambda *_a: self._show_level())

    def refresh(self) -> None:
        """Read the catalogs, then compute the gap analysis of the one chosen in the
        background (:class:`.background.BusyPanel`); the figures show when it is done."""
        ws = self.ctx.workspace
        items = catalog_items(self.ctx)
        keep = self.catalog_combo.currentData()
        if keep is None:
            keep = next((i for t, i in items if t.startswith("EU AI Act")), None)
        refill(self.catalog_combo, items, keep)
        catalog_id = self.catalog_combo.currentData()
        self.export_button.setEnabled(False)
        if ws is None or catalog_id is None:
            self.busy.stop()
            self._show_reports([])
            return
        self.busy.start(controls_service.gap_overview, ws=ws, catalog_id=catalog_id)

    def _on_busy_finished(self, reports: object) -> None:
        self._show_reports(list(reports))  # type: ignore[call-overload]

    def _show_reports(self, reports: list[Any]) -> None:
        self.reports = reports
        show_rows(self.overview, self.overview_model, self.reports, cap=260, stretch=0)
        self.stack.setCurrentIndex(1 if self.reports else 0)
        self.export_button.setEnabled(bool(self.reports))
        row = self.overview_model.row_of_key(self.use_case_id)
        self.overview.selectRow(row if row is not None else 0)
        self._show_level()
        self._chart_stale = True
        self._draw_if_shown()

    def current(self) -> Any:
        return self.overview_model.record_at(self.overview.currentIndex())

    def _show_level(self) -> None:
        report = self.current()
        if report is None:
            self.level_label.setText("")
            self.missing_model.set_rows([])
            self.expiring_model.set_rows([])
            return
        self.level_label.setText(
            f"{report.use_case}: {_pct(report)} covered ({report.covered} of "
            f"{report.applicable}); {len(report.missing)} missing"
        )
        self.missing_model.set_rows(report.missing)
        fit_columns(self.missing, cap=220, stretch=1)
        self.expiring_model.set_rows(report.expiring)
        fit_columns(self.expiring, cap=260, stretch=3)
        self.expiring_stack.setCurrentIndex(1 if report.expiring else 0)

    def draw_chart(self) -> None:
        """Draw the coverage chart of the catalog shown (matplotlib loads here)."""
        name = self.catalog_combo.currentText() or "no catalog"
        draw_gaps(self.chart.figure(), self.reports, title=f"Control coverage: {name}")
        self.chart.draw()
        self._chart_stale = False

    def export_chart(self, path: Any = None) -> Any:
        if not self.reports:
            return None
        if path is None:
            start = (
                self.ctx.settings.last_directory()
                / f"{file_stem(self.catalog_combo.currentText(), 'gaps')}.png"
            )
            path = ask_save_path(self, "Export chart", start, DRAWING_FILTERS)
            if path is None:
                return None
        if self._chart_stale:
            self.draw_chart()
        saved = self.chart.export_or_warn(path, self)
        if saved is not None:
            show_saved(self.saved_label, saved)
        return saved

    def _draw_if_shown(self) -> None:
        if self._chart_stale and self.chart.isVisible():
            self.draw_chart()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._draw_if_shown()
