"""Comparison tab: candidates x dimensions (mean, spread, disagreement, red flags) and a radar.

Blind scoring: a candidate's ratings show once every evaluation of theirs is submitted;
until then the row says who it waits for, and a lead may "Compare now…" (Ctrl+Shift+R)
with a reason, which is recorded with their name.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import QHeaderView, QPlainTextEdit, QTableWidgetItem, QWidget

from ...errors import UserError
from ...services import interviews as iv
from ...services import records
from ..context import AppContext
from ..widgets.builders import (
    button,
    dialog_buttons,
    hbox,
    open_dialog,
    panel,
    splitter,
    stacked,
    table,
    vbox,
)
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import IMAGE_FILTERS, ask_save_path, dialog_heading
from ..widgets.page_header import local_action, named_label
from .edits import RevealCommand
from .widgets import INTERVIEW_KINDS, empty_state, muted_label, row_of

DISAGREEMENT_BG = QColor("#fff1cc")
RED_FLAG_FG = QColor("#b71c1c")
INCOMPLETE_FG = QColor("#8a5a00")
WAITING_FG = QColor("#616e7c")
REVEAL_SHORTCUT = "Ctrl+Shift+R"


class RevealDialog(ContextDialog):
    """Asks why a candidate's ratings should be compared before everyone submitted."""

    def __init__(self, ctx: AppContext, summary: iv.CandidateSummary, parent: QWidget) -> None:
        super().__init__(ctx, parent, name="revealDialog", title="Compare now")
        waiting = ", ".join(summary.waiting_for) or "an interviewer"
        heading, self.intro = dialog_heading(
            f"Compare {summary.name} now?",
            f"Waiting for {waiting}. Showing the ratings before every interviewer has "
            "submitted lets those still scoring anchor on the others; as the panel lead, "
            "say why it is needed. The reason and your name are recorded with the "
            "candidate and in the history (Edit ▸ Undo takes it back).",
        )
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("revealReason")
        self.reason.setPlaceholderText("Reason, e.g. Daniel is on leave until the debrief")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        who = ctx.author() or records.default_author() or "you"
        self.who = muted_label(f"Recorded as: {who}")
        self.buttons = dialog_buttons(self)
        self.ok = self.buttons.button(self.buttons.StandardButton.Ok)
        self.ok.setText("Compare now")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(self._on_reason_text_changed)
        vbox(heading, self.intro, named_label("Reason", "fieldLabel"), self.reason, self.who,
             self.buttons, parent=self)  # fmt: skip
        self.resize(480, self.sizeHint().height())

    def _on_reason_text_changed(self) -> None:
        self.ok.setEnabled(bool(self.reason.toPlainText().strip()))


class ComparisonTab(QWidget):
    """Candidates side by side; the radar chart is drawn when the tab is visible."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._chart_dirty = True
        self.data: iv.Comparison | None = None

        self.table = table((), "comparisonTable", read_only=True)
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._update_reveal)
        self.legend = muted_label(
            f"Weighted score: on the {iv.SCALE} scale with the level it is closest to. Cells "
            f"show the mean rating ({iv.SCALE}) across interviewers and ± the spread; amber "
            "cells mark a disagreement of 2 or more levels. Hover a cell for each rating. "
            "Blind scoring: a candidate's ratings show once every interviewer has submitted."
        )
        self.reveal_button = button(
            "Compare now…",
            self.ask_reveal,
            name="revealButton",
            tip=f"Show the selected candidate's ratings before all submitted ({REVEAL_SHORTCUT})",
        )
        self.reveal_action = local_action(self, "Compare now", REVEAL_SHORTCUT, self.ask_reveal)
        self.reveal_dialog: RevealDialog | None = None

        self.canvas = ChartCanvas()
        self.canvas.setMinimumHeight(250)
        self.export_button = button(
            "Export chart…", self._on_export_button_clicked, name="exportChartButton"
        )
        chart_box = panel(hbox(1, self.export_button), (self.canvas, 1))
        top = panel((self.table, 1), hbox((self.legend, 1), self.reveal_button))
        split = splitter(
            top, chart_box, sizes=(300, 420), orientation=Qt.Orientation.Vertical,
            collapsible=False,
        )  # fmt: skip

        self.empty_label = empty_state(
            "Nothing to compare yet. Add candidates in the Candidates tab and rate them in "
            "Interview mode; they appear here side by side."
        )
        self.stack = stacked(self.empty_label, split)
        self._content = split
        vbox(self.stack, margins=(16, 12, 16, 12), parent=self)

        ctx.watch(self, INTERVIEW_KINDS, self.reload)
        self.reload()

    def reload(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        self.data = data = iv.comparison(ws=ws)
        if not data.candidates:
            self.stack.setCurrentWidget(self.empty_label)
            return
        self.stack.setCurrentWidget(self._content)
        headers = ["Candidate", f"Weighted score\n{iv.SCALE} scale"]
        headers += [f"{name}\n{weight:.0f}%" for _key, name, weight in data.dimensions]
        headers += ["Red flags", "Incomplete"]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(len(data.candidates))
        self.table.setHorizontalHeaderLabels(headers)
        flag_col = len(headers) - 2
        for row, cand in enumerate(data.candidates):
            name = QTableWidgetItem(cand.name + (" ◐" if cand.candidate.revealed else ""))
            name.setData(Qt.ItemDataRole.UserRole, cand.id)
            if cand.candidate.revealed:
                name.setToolTip(html.escape(cand.blind_text()))
            self.table.setItem(row, 0, name)
            if not cand.open and cand.hidden:
                self._waiting_row(row, cand, len(data.dimensions))
                continue
            score = _item(cand.score_text(short=True, empty="not scored"))
            score.setToolTip(cand.score_text(empty="Not scored: no complete evaluation yet"))
            self.table.setItem(row, 1, score)
            for offset, (key, _name, _weight) in enumerate(data.dimensions):
                dim = cand.dimension(key)
                item = _dimension_item(dim)
                self.table.setItem(row, 2 + offset, item)
            flags = cand.red_flags
            flag_item = QTableWidgetItem(
                "" if not flags else f"⚑ {len(flags)}: " + "; ".join(f.text for f in flags)
            )
            if flags:
                flag_item.setForeground(QBrush(RED_FLAG_FG))
                flag_item.setToolTip(
                    "<br>".join(
                        f"⚑ {html.escape(f.text)} ({html.escape(f.interviewer)})" for f in flags
                    )
                )
            self.table.setItem(row, flag_col, flag_item)
            incomplete = cand.incomplete_evaluations
            inc_item = QTableWidgetItem(
                ", ".join(f"{e.interviewer} ({len(e.missing)} missing)" for e in incomplete)
            )
            inc_item.setForeground(QBrush(INCOMPLETE_FG))
            self.table.setItem(row, flag_col + 1, inc_item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(flag_col, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self._update_reveal()
        self._chart_dirty = True
        if self.isVisible():
            self._draw_chart()

    def _waiting_row(self, row: int, cand: iv.CandidateSummary, dimensions: int) -> None:
        """A candidate whose ratings stay hidden: who it waits for, nothing else."""
        waiting = ", ".join(cand.waiting_for)
        score = _item(f"waiting for {waiting}")
        score.setForeground(QBrush(WAITING_FG))
        score.setToolTip(
            "Blind scoring: the ratings show once every interviewer has submitted, or a "
            f"lead compares now ({REVEAL_SHORTCUT})."
        )
        self.table.setItem(row, 1, score)
        for offset in range(dimensions):
            hidden = _item("hidden")
            hidden.setForeground(QBrush(WAITING_FG))
            hidden.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, 2 + offset, hidden)
        self.table.setItem(row, 2 + dimensions, QTableWidgetItem(""))
        note = QTableWidgetItem(f"{len(cand.hidden)} not compared yet")
        note.setForeground(QBrush(WAITING_FG))
        self.table.setItem(row, 3 + dimensions, note)

    # -- compare now ----------------------------------------------------------------------

    def selected_summary(self) -> iv.CandidateSummary | None:
        return row_of(self.table, None if self.data is None else self.data.candidates)

    def _update_reveal(self) -> None:
        chosen = self.selected_summary()
        waiting = chosen is not None and not chosen.open and bool(chosen.hidden)
        enabled = waiting and not self.ctx.readonly
        self.reveal_button.setEnabled(enabled)
        self.reveal_action.setEnabled(enabled)
        if not waiting:
            self.reveal_button.setToolTip(
                "Select a candidate who is waiting for submissions to compare them early"
            )

    def select_candidate(self, candidate_id: int) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == candidate_id:
                self.table.selectRow(row)
                return

    def ask_reveal(self) -> RevealDialog | None:
        """Ask for the reason, then show the selected candidate's ratings (undoable)."""
        chosen = self.selected_summary()
        if chosen is None or chosen.open or self.ctx.readonly:
            return None
        dialog = RevealDialog(self.ctx, chosen, self)
        candidate_id = chosen.id

        def reveal() -> None:
            reason = dialog.reason.toPlainText().strip()
            self.ctx.run_edit(RevealCommand(self.ctx, candidate_id, reason))

        dialog.accepted.connect(reveal)
        return open_dialog(self, "reveal_dialog", dialog)

    def cell_text(self, candidate_name: str, column_title: str) -> str:
        """The text of a cell, by candidate name and the first line of the column title."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() != candidate_name:
                continue
            for column in range(self.table.columnCount()):
                title = self.table.horizontalHeaderItem(column).text().split("\n")[0]
                if title == column_title:
                    item = self.table.item(row, column)
                    return "" if item is None else item.text()
        raise KeyError((candidate_name, column_title))

    def _draw_chart(self) -> None:
        ws = self.ctx.workspace
        if ws is None or not self._chart_dirty:
            return
        from ...services.charts.radar import build_figure

        self.canvas.set_figure(build_figure(ws=ws))
        self._chart_dirty = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.data is not None and self.data.candidates:
            self._draw_chart()

    def _on_export_button_clicked(self) -> None:
        start = Path.home() / "candidate-comparison.png"
        path = ask_save_path(self, "Export comparison chart", start, IMAGE_FILTERS)
        if path is not None:
            self.export_chart(path)

    def export_chart(self, path: str | Path) -> Path | None:
        out = Path(path)
        if not out.suffix:
            out = out.with_suffix(".png")
        self._draw_chart()
        try:
            return self.canvas.export(out)
        except UserError as err:
            self.ctx.show_error(err)
            return None


def _item(text: str, *, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _dimension_item(dim: iv.DimensionSummary | None) -> QTableWidgetItem:
    if dim is None or dim.mean is None:
        item = _item("-")
        item.setToolTip("Not rated")
        return item
    text = f"{dim.mean:.1f}"
    if dim.spread:
        text += f" ±{dim.spread}"
    if dim.disagreement:
        text += " ⚠"
    item = _item(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    lines = [f"{html.escape(r.interviewer)}: {r.rating}" for r in dim.ratings]
    if dim.disagreement:
        item.setBackground(QBrush(DISAGREEMENT_BG))
        lines.insert(0, "<b>Interviewers disagree by 2+ levels</b>")
    item.setToolTip("<br>".join(lines))
    return item
