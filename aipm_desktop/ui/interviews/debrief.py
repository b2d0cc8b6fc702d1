"""Debrief tab: one candidate's panel side by side, and the decision.

Each interviewer's rating and evidence per dimension in one table, the dimensions where
they are two or more levels apart first and tinted; the red flags; each recommendation
with its notes; and the decision (hire / no hire / hold) with its rationale and who made
it, recorded with Ctrl+Return (undoable). Blind scoring applies: until every evaluation
is submitted (or a lead compared early) the tab says who it waits for. "Export
debrief…" writes it as PDF or markdown.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHeaderView, QTableWidgetItem, QWidget

from ...errors import UserError
from ...models.enums import HiringDecision
from ...services import interviews as iv
from ...services.dates import format_datetime
from ...services.interviews import debrief as db
from ..context import AppContext
from ..tasks import Task
from ..widgets import builders
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import local_action, named_label
from .edits import DecisionCommand
from .scoresheet import SUBMIT_SHORTCUT, combo
from .widgets import (
    INTERVIEW_KINDS,
    NotesEdit,
    ask_document_path,
    empty_state,
    export_document,
    keep_rows_fitted,
    muted_label,
    section_label,
)

DISAGREEMENT_BG = QColor("#fff1cc")
HIDDEN_FG = QColor("#616e7c")


class DebriefTab(ContextWidget):
    """The debrief of the candidate picked in the combo."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="debriefTab")
        self.debrief: db.Debrief | None = None

        self.candidate_combo = combo("debriefCandidate", 18)
        self.candidate_combo.currentIndexChanged.connect(self._on_candidate_combo_changed)
        self.export_button = builders.button(
            "Export debrief…", self._on_export_button_clicked, name="exportDebriefButton"
        )
        bar = builders.labelled_row([("Candidate", self.candidate_combo)], label_name="fieldLabel")
        builders.fill(bar, 1, self.export_button)

        self.status = named_label("", "debriefStatus", wrap=True)
        self.red_flag_banner = named_label("", "redFlagBanner", wrap=True)
        self.red_flag_banner.hide()
        self.ratings = builders.table((), "debriefTable", read_only=True)
        self.ratings.setWordWrap(True)
        keep_rows_fitted(self.ratings, fit=False)
        self.recommendations = builders.table(
            ["Interviewer", "Recommendation", "Notes"], "recommendationTable", read_only=True
        )
        self.recommendations.setWordWrap(True)
        header = self.recommendations.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.legend = muted_label(
            "Amber rows: interviewers 2 or more levels apart; talk about those first. "
            "Each cell: the rating, then the evidence."
        )
        main = builders.panel(
            self.status,
            self.red_flag_banner,
            (self.ratings, 3),
            self.legend,
            section_label("Recommendations"),
            (self.recommendations, 1),
            spacing=6,
        )

        self.decision_combo = QComboBox()
        self.decision_combo.setObjectName("decisionCombo")
        self.decision_combo.addItem("No decision yet", None)
        for value in HiringDecision:
            self.decision_combo.addItem(iv.decision_label(value), value.value)
        self.rationale = NotesEdit()
        self.rationale.setObjectName("decisionRationale")
        self.rationale.setPlaceholderText("Rationale: what the panel weighed, and why")
        self.decided = muted_label("")
        self.decided.setObjectName("decidedBy")
        self.decide_button = builders.button(
            "Record decision",
            self.record_decision,
            name="primaryButton",
            tip=f"Record the decision with its rationale ({SUBMIT_SHORTCUT}; undoable)",
        )
        self.decide_action = local_action(
            self, "Record decision", SUBMIT_SHORTCUT, self.record_decision
        )
        card, form = builders.form_card((12, 10, 12, 12), v_spacing=6)
        self.rationale.setMinimumHeight(150)
        for widget in (
            section_label("Decision"),
            self.decision_combo,
            self.rationale,
            self.decided,
            self.decide_button,
        ):
            form.addRow(widget)
        side = builders.panel(card, 1)
        split = builders.splitter(main, side, sizes=(880, 320), stretch=(3, 1), collapsible=False)
        self.empty_label = empty_state(
            "No candidates yet. Add one in the Candidates tab and run the interview; the "
            "debrief shows the panel's ratings side by side once everyone has submitted."
        )
        self.stack = builders.stacked(self.empty_label, split)
        self._content = split
        builders.vbox(bar, (self.stack, 1), margins=(16, 12, 16, 12), spacing=10, parent=self)
        ctx.watch(self, INTERVIEW_KINDS, self.reload)
        self.reload()

    # -- data -----------------------------------------------------------------------------

    def select(self, candidate_id: int) -> None:
        index = self.candidate_combo.findData(candidate_id)
        if index >= 0:
            self.candidate_combo.setCurrentIndex(index)

    def reload(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        current = self.candidate_combo.currentData()
        self.candidate_combo.blockSignals(True)
        self.candidate_combo.clear()
        for cand in iv.list_candidates(ws=ws):
            self.candidate_combo.addItem(cand.name, cand.id)
        index = self.candidate_combo.findData(current)
        self.candidate_combo.setCurrentIndex(max(index, 0) if self.candidate_combo.count() else -1)
        self.candidate_combo.blockSignals(False)
        self._show()

    def _on_candidate_combo_changed(self, _index: int) -> None:
        self._show()

    def _show(self) -> None:
        ws = self.ctx.workspace
        candidate_id = self.candidate_combo.currentData()
        self.export_button.setEnabled(candidate_id is not None)
        if ws is None or candidate_id is None:
            self.debrief = None
            self.stack.setCurrentWidget(self.empty_label)
            return
        try:
            self.debrief = d = db.debrief(ws=ws, candidate_id=candidate_id)
        except UserError:
            self.stack.setCurrentWidget(self.empty_label)
            return
        self.stack.setCurrentWidget(self._content)
        self.status.setText(html.escape(d.status_text()))
        flags = d.red_flags
        if flags:
            items = "<br>".join(
                f"⚑ {html.escape(f.text)} <i>(ticked by {html.escape(f.interviewer)})</i>"
                for f in flags
            )
            self.red_flag_banner.setText(f"<b>Red flags</b><br>{items}")
        self.red_flag_banner.setVisible(bool(flags))
        self._fill_ratings(d)
        self._fill_recommendations(d)
        self._show_decision(d)

    def _fill_ratings(self, d: db.Debrief) -> None:
        headers = ["Dimension", *d.columns, "Spread"]
        self.ratings.clear()
        self.ratings.setColumnCount(len(headers))
        self.ratings.setHorizontalHeaderLabels(headers)
        self.ratings.setRowCount(len(d.rows))
        for index, row in enumerate(d.rows):
            items = [QTableWidgetItem(f"{row.name}\n{row.weight_pct:.0f}%")]
            for column, cell in zip(d.columns, row.cells, strict=True):
                text = "-" if cell.rating is None else str(cell.rating)
                if cell.evidence:
                    text += f" · {cell.evidence}"
                item = QTableWidgetItem(text)
                item.setToolTip(f"{html.escape(column)}: {html.escape(text)}")
                items.append(item)
            spread = QTableWidgetItem(
                "-" if row.spread is None else f"{row.spread}{' ⚠' if row.disagreement else ''}"
            )
            spread.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            items.append(spread)
            for column, item in enumerate(items):
                if row.disagreement:
                    item.setBackground(QBrush(DISAGREEMENT_BG))
                self.ratings.setItem(index, column, item)
        header = self.ratings.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in range(1, len(headers) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.ResizeToContents)
        self.ratings.resizeRowsToContents()
        self.ratings.setVisible(bool(d.rows))
        self.legend.setVisible(bool(d.rows))

    def _fill_recommendations(self, d: db.Debrief) -> None:
        self.recommendations.setRowCount(len(d.evaluations))
        for index, (column, ev) in enumerate(zip(d.columns, d.evaluations, strict=True)):
            state = "" if ev.submitted else " (not submitted)"
            cells = [column + state, iv.recommendation_label(ev.recommendation), ev.notes]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(" ".join(text.split()))
                if not ev.submitted:
                    item.setForeground(QBrush(HIDDEN_FG))
                self.recommendations.setItem(index, col, item)
        self.recommendations.resizeRowsToContents()

    def _show_decision(self, d: db.Debrief) -> None:
        cand = d.candidate
        readonly = self.ctx.readonly
        if not (self.rationale.hasFocus() and self.rationale.is_modified()):
            self.decision_combo.setCurrentIndex(max(self.decision_combo.findData(cand.decision), 0))
            self.rationale.set_text(cand.decision_rationale)
        if cand.decision:
            when = format_datetime(cand.decided_at, "") if cand.decided_at else ""
            self.decided.setText(
                f"Decided by {cand.decided_by or 'unknown'}" + (f" on {when}" if when else "")
            )
        else:
            self.decided.setText("No decision recorded yet.")
        for widget in (self.decision_combo, self.decide_button):
            widget.setEnabled(not readonly)
        self.decide_action.setEnabled(not readonly)
        self.rationale.setReadOnly(readonly)

    # -- edits ----------------------------------------------------------------------------

    def record_decision(self) -> bool:
        """Record the decision and rationale shown (undoable); False when refused."""
        d = self.debrief
        if d is None or self.ctx.readonly:
            return False
        decision = self.decision_combo.currentData()
        rationale = self.rationale.toPlainText().strip()
        self.rationale.finish()
        return self.ctx.run_edit(DecisionCommand(self.ctx, d.candidate.id, decision, rationale))

    # -- export ---------------------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        d = self.debrief
        if d is None:
            return
        path, markdown = ask_document_path(self, "Export debrief", f"Debrief - {d.candidate.name}")
        if path:
            self.export_to(path, markdown=markdown)

    def export_to(self, path: str | Path, *, markdown: bool = False) -> Task | None:
        """Write the debrief shown in a worker (suffix added if missing); the task, or
        None when nothing was started."""
        if self.debrief is None:
            return None
        return export_document(
            self.ctx, self, self.export_button, path, self.debrief, markdown=markdown,
            suffixes=db.EXPORT_SUFFIXES, check=db.check_target, write=db.write_debrief,
        )  # fmt: skip
