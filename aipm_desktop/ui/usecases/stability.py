"""The Ranking stability tab: does the top pick hold when stakeholders disagree on weights?

Runs :func:`aipm_desktop.services.scoring.stability` off the UI thread (``ctx.tasks``)
with a progress bar, then shows per use case its baseline rank, the probability it stays
in the top N (a bar) and its rank distribution (a small histogram), both painted by a
delegate, and a one-line summary. With :attr:`StabilityTab.risk_from_register` (set by
the page) the runs rank with the risk criterion fed by the risk register.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ...errors import UserError
from ...services import scoring
from ...services import usecases as usecases_service
from ...services.scoring import StabilityResult
from ..context import AppContext
from ..tasks import Task, report_error
from ..widgets.builders import TAB_MARGINS, table_view, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import named_label
from ..widgets.roles import ALIGNMENT_ROLE, DISPLAY_ROLE, TOOLTIP_ROLE
from ..widgets.row_list_model import RowTableModel

#: Role carrying what the delegate paints: a probability or a list of counts.
PAINT_ROLE = Qt.ItemDataRole.UserRole + 1
_CENTER = int(Qt.AlignmentFlag.AlignCenter.value)
COLUMNS = ("Use case", "Baseline rank", "P(top N)", "Rank distribution", "Mean rank")
P_COLUMN = 2
HIST_COLUMN = 3
#: Rank positions shown in the histogram (the tooltip has the rest).
HIST_POSITIONS = 20
BAR_COLOUR = QColor("#3b7ddd")
BAR_TRACK = QColor("#e4ebf5")
HIST_COLOUR = QColor("#9bb8e3")
HIST_BASELINE = QColor("#2f6fd6")
TEXT_COLOUR = QColor("#1f2933")


class StabilityModel(RowTableModel[int]):
    """One row per complete use case (its id) of a :class:`StabilityResult`, in baseline
    order."""

    HEADERS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.result: StabilityResult | None = None
        self.titles: dict[int, str] = {}

    def set_result(self, result: StabilityResult | None, titles: dict[int, str]) -> None:
        self.result = result
        self.titles = titles
        self.set_rows(result.use_case_ids if result is not None else [])

    def cell_data(self, uc: int, column: int, role: int) -> Any:
        result = self.result
        if result is None:
            return None
        counts = result.rank_counts.get(uc, [])
        if role == DISPLAY_ROLE:
            if column == 0:
                return self.titles.get(uc, f"#{uc}")
            if column == 1:
                return str(result.baseline_rank.get(uc, ""))
            if column == P_COLUMN:
                return f"{result.p_top_n.get(uc, 0.0):.0%}"
            if column == 4:
                mean = result.mean_rank.get(uc)
                return "" if mean is None else f"{mean:.1f}"
            return None
        if role == PAINT_ROLE:
            if column == P_COLUMN:
                return result.p_top_n.get(uc, 0.0)
            if column == HIST_COLUMN:
                return (counts, result.baseline_rank.get(uc, 0))
            return None
        if role == ALIGNMENT_ROLE and column in (1, 4):
            return _CENTER
        if role == TOOLTIP_ROLE:
            if column == P_COLUMN:
                return (
                    f"In the top {result.top_n} in {result.p_top_n.get(uc, 0.0):.1%} "
                    f"of {result.draws:,} draws"
                )
            if column == HIST_COLUMN:
                return _histogram_tooltip(counts, result, uc)
            if column == 0:
                return self.titles.get(uc)
        return None

    def header_data(self, section: int, role: int) -> Any:
        if role == DISPLAY_ROLE and section == P_COLUMN and self.result is not None:
            return f"P(top {self.result.top_n})"
        return super().header_data(section, role)


def _histogram_tooltip(counts: list[int], result: StabilityResult, uc: int) -> str:
    total = result.draws or 1
    shares = [(rank, count / total) for rank, count in enumerate(counts, start=1) if count]
    shares.sort(key=lambda item: -item[1])
    lines = [f"Rank {rank}: {share:.0%} of draws" for rank, share in shares[:6]]
    best, worst = result.best_rank.get(uc), result.worst_rank.get(uc)
    if best is not None and worst is not None:
        lines.append(f"Best rank {best}, worst {worst}")
    return "\n".join(lines)


class StabilityDelegate(QStyledItemDelegate):
    """Paints P(top N) as a bar with its percentage and the rank distribution as bars."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        value = index.data(PAINT_ROLE)
        if value is None:
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight().color().lighter(160))
        rect = option.rect.adjusted(6, 5, -6, -5)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if index.column() == P_COLUMN:
            self._paint_bar(painter, rect, float(value))
        else:
            counts, baseline = value
            self._paint_histogram(painter, rect, counts, int(baseline))
        painter.restore()

    def _paint_bar(self, painter: QPainter, rect: QRect, share: float) -> None:
        text_width = painter.fontMetrics().horizontalAdvance("100%") + 8
        bar = QRectF(rect.x(), rect.y() + 2, max(rect.width() - text_width, 10), rect.height() - 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BAR_TRACK)
        painter.drawRoundedRect(bar, 3, 3)
        if share > 0:
            filled = QRectF(bar.x(), bar.y(), max(bar.width() * share, 2.0), bar.height())
            painter.setBrush(BAR_COLOUR)
            painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(TEXT_COLOUR)
        text_rect = QRect(int(bar.right()) + 6, rect.y(), text_width, rect.height())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter), f"{share:.0%}")

    def _paint_histogram(
        self, painter: QPainter, rect: QRect, counts: list[int], baseline: int
    ) -> None:
        shown = counts[:HIST_POSITIONS]
        if not shown:
            return
        top = max(shown) or 1
        slot = rect.width() / max(len(shown), 1)
        width = max(slot - 1.5, 1.0)
        painter.setPen(Qt.PenStyle.NoPen)
        for position, count in enumerate(shown, start=1):
            height = rect.height() * count / top
            if count and height < 1.5:
                height = 1.5
            x = rect.x() + (position - 1) * slot
            painter.setBrush(HIST_BASELINE if position == baseline else HIST_COLOUR)
            painter.drawRect(QRectF(x, rect.bottom() - height, width, height))


class StabilityTab(ContextWidget):
    """Controls, progress, result table and summary of a ranking-stability run.

    Signals:
        run_finished(): a run completed and its result is shown.
    """

    run_finished = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="stabilityTab")
        self.task: Task | None = None
        self.result: StabilityResult | None = None
        #: Let open residual risks feed the risk criterion (the page's setting).
        self.risk_from_register = False
        self._result_fed = False  # the setting of the run shown
        self._run_fed = False  # the setting of the run in progress
        self._edited = False  # scores or weights changed since the run shown

        self.spread_spin = QSpinBox()
        self.spread_spin.setObjectName("spreadSpin")
        self.spread_spin.setRange(1, 90)
        self.spread_spin.setValue(20)
        self.spread_spin.setPrefix("±")
        self.spread_spin.setSuffix(" %")
        self.spread_spin.setToolTip("How far each weight may move from its value")
        self.method_combo = QComboBox()
        self.method_combo.setObjectName("methodCombo")
        self.method_combo.addItem("Uniform", "uniform")
        self.method_combo.addItem("Dirichlet", "dirichlet")
        self.method_combo.setToolTip(
            "Uniform: each weight x a factor within the spread. Dirichlet: the weight shares "
            "drawn around the model's, varying by about the spread."
        )
        self.draws_spin = QSpinBox()
        self.draws_spin.setObjectName("drawsSpin")
        self.draws_spin.setRange(10, 100_000)
        self.draws_spin.setSingleStep(500)
        self.draws_spin.setValue(2000)
        self.draws_spin.setGroupSeparatorShown(True)
        self.top_spin = QSpinBox()
        self.top_spin.setObjectName("topNSpin")
        self.top_spin.setRange(1, 50)
        self.top_spin.setValue(3)
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("primaryButton")
        self.run_button.setToolTip("Perturb the weights and rank again, many times (seeded)")
        self.run_button.clicked.connect(self._on_run_button_clicked)
        self.progress = QProgressBar()
        self.progress.setObjectName("stabilityProgress")
        self.progress.setTextVisible(True)
        self.progress.setFixedWidth(220)
        self.progress.hide()

        controls = QHBoxLayout()
        controls.setSpacing(8)
        for label, widget in (
            ("Weight spread", self.spread_spin),
            ("Method", self.method_combo),
            ("Draws", self.draws_spin),
            ("Top N", self.top_spin),
        ):
            caption = named_label(label, "filterLabel")
            controls.addWidget(caption)
            controls.addWidget(widget)
            controls.addSpacing(6)
        controls.addWidget(self.run_button)
        controls.addWidget(self.progress)
        controls.addStretch(1)

        self.summary = named_label(
            "Do the top picks hold when stakeholders weigh the criteria differently? "
            "Press Run to re-rank the fully scored use cases under thousands of random "
            "weight changes.",
            "stabilitySummary",
            wrap=True,
        )
        self.stale_label = named_label("", "mutedLabel")
        self.stale_label.hide()

        self.model = StabilityModel(self)
        self.table = table_view(self.model, "stabilityTable", single=False)
        self.table.setItemDelegate(StabilityDelegate(self.table))
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        char = self.fontMetrics().averageCharWidth()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((0, 15, 24, 34, 12)):
            if width:
                header.resizeSection(column, width * char)

        vbox(
            controls,
            self.summary,
            self.stale_label,
            (self.table, 1),
            margins=TAB_MARGINS,
            spacing=8,
            parent=self,
        )

    # -- running --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.task is not None

    def run(self) -> Task | None:
        """Start a run with the current settings (None when one is running)."""
        ws = self.ctx.workspace
        if ws is None or self.task is not None:
            return None
        draws = self.draws_spin.value()
        self.progress.setRange(0, draws)
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m draws")
        self.progress.show()
        self.run_button.setEnabled(False)
        task = self.ctx.tasks.run(
            scoring.stability,
            progress=True,
            ws=ws,
            draws=draws,
            spread=self.spread_spin.value() / 100.0,
            method=str(self.method_combo.currentData()),
            top_n=self.top_spin.value(),
            risk_from_register=self.risk_from_register,
        )
        self._run_fed = self.risk_from_register
        task.progress.connect(self._on_task_progress)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self.task = task
        return task

    def _on_run_button_clicked(self) -> None:
        self.run()

    def _on_task_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _on_task_finished(self, result: object) -> None:
        self._end_task()
        if not isinstance(result, StabilityResult):
            return
        self.show_result(result, risk_from_register=self._run_fed)
        self.run_finished.emit()

    def _on_task_failed(self, error: object) -> None:
        self._end_task()
        if isinstance(error, UserError):
            self.ctx.show_error(error)
        elif isinstance(error, BaseException):
            report_error(error)

    def _end_task(self) -> None:
        self.task = None
        self.progress.hide()
        self.run_button.setEnabled(True)

    # -- showing --------------------------------------------------------------------------

    def show_result(self, result: StabilityResult, *, risk_from_register: bool = False) -> None:
        self.result = result
        self._result_fed = risk_from_register
        self._edited = False
        titles = self._titles(result.use_case_ids)
        self.model.set_result(result, titles)
        self.stale_label.hide()
        text = summary_text(result, titles)
        if risk_from_register and result.use_case_ids:
            text += " The risk criterion's levels came from the risk register."
        self.summary.setText(text)

    def _titles(self, ids: tuple[int, ...]) -> dict[int, str]:
        ws = self.ctx.workspace
        if ws is None or not ids:
            return {}
        return dict(usecases_service.titles(ws=ws, ids=list(ids)))

    def set_risk_from_register(self, on: bool) -> None:
        """Rank the next runs with the risk criterion fed by the risk register."""
        self.risk_from_register = bool(on)
        if self.result is None or self._edited:
            return
        if self._result_fed != self.risk_from_register:
            source = "the risk register" if self._result_fed else "the stored scores"
            self.stale_label.setText(
                f"This run took the risk criterion from {source}; press Run to see the "
                "current picture."
            )
            self.stale_label.show()
        else:
            self.stale_label.hide()

    def mark_stale(self) -> None:
        """Scores or weights changed: the shown result no longer matches them."""
        if self.result is not None:
            self._edited = True
            self.stale_label.setText(
                "Scores or weights changed since this run; press Run to see the current picture."
            )
            self.stale_label.show()


def summary_text(result: StabilityResult, titles: dict[int, str]) -> str:
    """``The top pick, “X”, holds rank 1 in 94% of draws …``."""
    if not result.use_case_ids:
        return (
            "No use case is fully scored yet, so there is no ranking to test. Score the use "
            "cases in the Scoring grid tab first."
        )
    top = result.use_case_ids[0]
    counts = result.rank_counts.get(top, [])
    holds = counts[0] / result.draws if counts and result.draws else 0.0
    top_n = result.p_top_n.get(top, 0.0)
    method = "Dirichlet" if result.method == "dirichlet" else "uniform"
    text = (
        f"The top pick, “{titles.get(top, f'#{top}')}”, holds rank 1 in {holds:.0%} of "
        f"{result.draws:,} draws and stays in the top {result.top_n} in {top_n:.0%} "
        f"(weights ±{result.spread:.0%}, {method}, seed {result.seed})."
    )
    steady = [uc for uc in result.use_case_ids[: result.top_n] if result.p_top_n[uc] >= 0.9]
    if len(steady) == min(result.top_n, len(result.use_case_ids)):
        text += f" The whole top {result.top_n} is robust (each ≥ 90%)."
    else:
        shaky = [
            titles.get(uc, f"#{uc}")
            for uc in result.use_case_ids[: result.top_n]
            if result.p_top_n[uc] < 0.9
        ]
        text += f" Less certain: {', '.join(shaky)}."
    return text
