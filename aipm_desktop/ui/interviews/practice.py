"""Calibration tab: practise on a case's recorded sample answer.

Pick a calibration case (one with a sample answer and reference ratings, set in the
Case library) and your name, press "Start practice" and score the answer on the left
with the same score sheet as a live interview. Submitting (Ctrl+Return) shows, per
dimension, your rating, the reference, the distance and why the reference is what it
is; the panel's results sit underneath. Practice never counts in hiring figures.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableWidgetItem, QWidget

from ...services import interviews as iv
from ...services import records
from ..context import AppContext
from ..widgets import builders
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import named_label
from .edits import StartPracticeCommand
from .markdown_view import MarkdownBrowser
from .scoresheet import ScoreSheet, SubmitBar, chosen_exercise, combo, selected_evaluation
from .widgets import INTERVIEW_KINDS, empty_state, fit_height, section_label

ON_FG = QColor("#1e7b45")
OFF_FG = QColor("#b71c1c")
CENTRE = Qt.AlignmentFlag.AlignCenter
EMPTY_TEXT = (
    "No calibration case yet. In the Case library, open a case, write its sample answer "
    "(a recorded answer) and set the reference rating of each dimension; then every "
    "interviewer scores it here and sees how far they are from the reference."
)


def practice_markdown(case: iv.ExerciseInfo) -> str:
    """The case's prompt and its sample answer, as the interviewer reads them."""
    return "\n\n".join(
        [
            f"# {case.title}",
            "## Prompt",
            case.prompt or "No prompt written yet.",
            "## Sample answer",
            case.sample_answer,
        ]
    )


def _distance_text(distance: int | None) -> str:
    """ "+1" (rated higher than the reference), "-2", "0" (on it), "no reference"."""
    if distance is None:
        return "no reference"
    return f"{distance:+d}" if distance else "0"


def _cell(text: str, colour: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if colour is not None:
        item.setForeground(QBrush(colour))
    return item


class PracticeTab(ContextWidget):
    """One interviewer's practice evaluation of a calibration case, and the results."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="practiceTab")
        self._loading = False
        self.evaluation: iv.EvaluationScore | None = None

        self.case_combo = combo("practiceCase", 22)
        self.case_combo.currentIndexChanged.connect(self._on_case_combo_changed)
        self.interviewer_combo = combo("practiceInterviewer", 12)
        self.interviewer_combo.setEditable(True)
        self.interviewer_combo.lineEdit().setPlaceholderText("Your name")
        self.interviewer_combo.currentTextChanged.connect(self._on_interviewer_combo_changed)
        self.start_button = builders.button(
            "Start practice", self._on_start_button_clicked, name="primaryButton"
        )
        bar = builders.labelled_row(
            [("Calibration case", self.case_combo), ("Interviewer", self.interviewer_combo)],
            label_name="fieldLabel",
        )
        builders.fill(bar, self.start_button)

        self.answer_view = MarkdownBrowser()
        self.answer_view.setObjectName("sampleAnswer")

        self.submit_bar = SubmitBar(ctx, self, practice=True)
        self.sheet = ScoreSheet(ctx)
        self.sheet.edited.connect(self._resolve)
        self.result_label = named_label("", "practiceResult", wrap=True)
        self.distances = builders.table(
            ["Dimension", "You", "Reference", "Distance"], "distanceTable", read_only=True
        )
        builders.resize_columns(self.distances, stretch=(0,), fit=(1, 2, 3))
        self.reasons = named_label("", "referenceReasons", wrap=True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.panel_results = builders.table(
            ["Interviewer", "On the reference", "Mean distance"], "panelPractice", read_only=True
        )
        builders.resize_columns(self.panel_results, stretch=(0,), fit=(1, 2))
        self.results = builders.panel(
            section_label("Your distance from the reference"),
            self.result_label,
            self.distances,
            self.reasons,
            section_label("The panel so far"),
            self.panel_results,
            spacing=6,
        )
        self.empty_sheet = empty_state("")
        sheet = builders.panel(
            self.submit_bar, self.results, self.sheet, 1, name="pageContent",
            margins=(4, 0, 12, 12), spacing=8,
        )  # fmt: skip
        self.sheet_scroll = builders.scroll_area(sheet)
        self.sheet_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.right = builders.stacked(self.empty_sheet, self.sheet_scroll)
        split = builders.splitter(
            self.answer_view, self.right, sizes=(520, 600), stretch=(5, 6), collapsible=False
        )
        self.empty_label = empty_state(EMPTY_TEXT)
        self.stack = builders.stacked(self.empty_label, split)
        self._content = split
        builders.vbox(bar, (self.stack, 1), margins=(16, 12, 16, 12), spacing=10, parent=self)
        ctx.watch(self, INTERVIEW_KINDS, self.reload)
        self.reload()

    # -- data -----------------------------------------------------------------------------

    @property
    def evaluation_id(self) -> int | None:
        return None if self.evaluation is None else self.evaluation.id

    def reload(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        cases = iv.calibration_cases(ws=ws)
        current = self.case_combo.currentData()
        self._loading = True
        try:
            self.case_combo.clear()
            for case in cases:
                self.case_combo.addItem(case.title, case.id)
            index = self.case_combo.findData(current)
            self.case_combo.setCurrentIndex(max(index, 0) if cases else -1)
            self._fill_interviewers()
        finally:
            self._loading = False
        self.stack.setCurrentWidget(self._content if cases else self.empty_label)
        self.interviewer_combo.setEnabled(bool(cases))
        self._show_case(resolve=True)

    def _fill_interviewers(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        names: list[str] = []
        for ev in [*iv.evaluations(ws=ws), *iv.evaluations(ws=ws, practice=True)]:
            if not any(iv.same_person(ev.interviewer, n) for n in names):
                names.append(ev.interviewer)
        author = self.ctx.author() or records.default_author()
        typed = self.interviewer_combo.currentText().strip()
        self.interviewer_combo.clear()
        self.interviewer_combo.addItems(sorted(names, key=str.casefold))
        self.interviewer_combo.setCurrentText(typed or author)

    def _show_case(self, *, resolve: bool = False) -> None:
        """Show the chosen case's prompt and sample answer (and, with ``resolve``, the
        interviewer's practice evaluation of it)."""
        case = chosen_exercise(self.ctx, self.case_combo)
        if case is None:
            self.answer_view.setHtml("")
        else:
            self.answer_view.set_markdown_text(practice_markdown(case))
        if resolve:
            self._resolve()

    def _on_case_combo_changed(self, _index: int) -> None:
        if not self._loading:
            self._show_case(resolve=True)

    def _on_interviewer_combo_changed(self, _text: str) -> None:
        if not self._loading:
            self._resolve()

    def _resolve(self) -> None:
        """Show the practice evaluation of the chosen case and interviewer, if any."""
        ws = self.ctx.workspace
        case_id = self.case_combo.currentData()
        who = self.interviewer_combo.currentText().strip()
        found = None if case_id is None else selected_evaluation(self.ctx, None, case_id, who)
        if ws is None or found is None:
            self.evaluation = None
            self.start_button.setVisible(True)
            self.start_button.setEnabled(
                not self.ctx.readonly and case_id is not None and bool(who)
            )
            self.empty_sheet.setText(
                "Type your name, then press Start practice to score the sample answer."
                if not who
                else f"{html.escape(who)} has not scored this sample answer yet. Press "
                "Start practice; you see the reference ratings after you submit."
            )
            self.right.setCurrentWidget(self.empty_sheet)
            return
        self.start_button.setVisible(False)
        self.evaluation = ev = iv.get_evaluation(ws=ws, evaluation_id=found)
        card = iv.scorecard_info(ws=ws, scorecard_id=ev.scorecard_id)
        self.sheet.show_evaluation(ev, card, (), self.ctx.readonly or ev.submitted)
        self.submit_bar.show_evaluation(ev)
        self._show_results(ev)
        self.right.setCurrentWidget(self.sheet_scroll)

    def _show_results(self, ev: iv.EvaluationScore) -> None:
        ws = self.ctx.workspace
        self.results.setVisible(ev.submitted)
        if ws is None or not ev.submitted or ev.exercise_id is None:
            return
        mine = iv.practice_result(ws=ws, evaluation_id=ev.id)
        self.result_label.setText(html.escape(mine.summary()) + ".")
        self.distances.setRowCount(len(mine.distances))
        for row, d in enumerate(mine.distances):
            distance = d.distance
            colour = None if distance is None else (ON_FG if distance == 0 else OFF_FG)
            cells = [
                _cell(d.name),
                _cell("-" if d.rating is None else str(d.rating)),
                _cell("-" if d.reference is None else str(d.reference)),
                _cell(_distance_text(distance), colour),
            ]
            for column, item in enumerate(cells):
                if column:
                    item.setTextAlignment(CENTRE)
                self.distances.setItem(row, column, item)
        fit_height(self.distances)
        reasons = [
            f"<li><b>{html.escape(d.name)}</b> ({d.reference}): {html.escape(d.rationale)}</li>"
            for d in mine.distances
            if d.reference is not None and d.rationale
        ]
        self.reasons.setText(
            f"<p style='margin:0'>Why the reference is what it is:</p><ul>{''.join(reasons)}</ul>"
            if reasons
            else ""
        )
        self.reasons.setVisible(bool(reasons))
        others = iv.practice_results(ws=ws, exercise_id=ev.exercise_id)
        self.panel_results.setRowCount(len(others))
        for row, result in enumerate(others):
            mean = result.mean_absolute
            cells = [
                result.evaluation.interviewer,
                f"{result.exact} of {len(result.compared)}",
                "-" if mean is None else f"{mean:.2f} levels",
            ]
            for column, text in enumerate(cells):
                self.panel_results.setItem(row, column, _cell(text))
        self.panel_results.resizeRowsToContents()
        fit_height(self.panel_results)

    def distance_text(self, dimension_name: str) -> str:
        """The distance shown for a dimension (for tests and the fit check)."""
        for row in range(self.distances.rowCount()):
            if self.distances.item(row, 0).text() == dimension_name:
                return self.distances.item(row, 3).text()
        raise KeyError(dimension_name)

    # -- edits ----------------------------------------------------------------------------

    def _on_start_button_clicked(self) -> None:
        case_id = self.case_combo.currentData()
        who = self.interviewer_combo.currentText().strip()
        if case_id is None or not who:
            return
        self.ctx.run_edit(StartPracticeCommand(self.ctx, case_id, who))
        self._resolve()
