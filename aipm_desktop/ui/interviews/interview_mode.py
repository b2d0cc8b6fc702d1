"""Interview mode: the live session screen.

Pick a candidate, a case and an interviewer; the case prompt and materials sit on the
left under a countdown of the time box, the scorecard on the right (:mod:`.scoresheet`:
quick rating buttons 1-4 per dimension, evidence notes), signal check boxes, the overall
recommendation and notes. Every change is saved at once through an undoable command.
Blind scoring: the bar above the sheet says what stays hidden until the evaluation is
submitted (Ctrl+Return); a submitted evaluation is locked until reopened.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from ...errors import UserError
from ...models import Evaluation
from ...models.enums import Recommendation, SignalKind
from ...services import interviews as iv
from ...services.changes import Changes
from ..context import AppContext
from ..widgets.builders import (
    button,
    fill,
    hbox,
    labelled_row,
    panel,
    scroll_area,
    splitter,
    stacked,
    vbox,
)
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import named_label
from ..widgets.versioned import RowVersions
from .edits import SetSignalsCommand, StartEvaluationCommand
from .markdown_view import MarkdownBrowser
from .scoresheet import (
    ScoreSheet,
    SubmitBar,
    case_markdown,
    chosen_exercise,
    combo,
    selected_evaluation,
)
from .timer import CountdownTimer
from .widgets import (
    INTERVIEW_KINDS,
    NotesEdit,
    clear_layout,
    empty_state,
    muted_label,
    repolish,
    section_label,
)

SIGNAL_OBJECT_NAMES = {
    SignalKind.STRONG: "signalStrong",
    SignalKind.WEAK: "signalWeak",
    SignalKind.RED_FLAG: "signalRedFlag",
}
SIGNAL_TITLES = {
    SignalKind.STRONG: "Strong signals",
    SignalKind.WEAK: "Weak signals",
    SignalKind.RED_FLAG: "Red flags",
}


class ClickableLabel(QLabel):
    """A wrapped label that toggles its check box when clicked."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self.setWordWrap(True)
        self._box = box

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self._box.isEnabled():
            self._box.click()


class InterviewModeTab(ContextWidget):
    """The live interview screen for one evaluation (candidate x case x interviewer)."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(ctx, parent, name="interviewMode")
        self._loading = False
        self._evaluation: iv.EvaluationScore | None = None
        self.versions = RowVersions()
        self._structure: tuple | None = None
        self._exercise: iv.ExerciseInfo | None = None
        self.signal_boxes: dict[int, QCheckBox] = {}
        self.recommendation_buttons: dict[str, QPushButton] = {}

        # -- selection bar
        self.candidate_combo = combo("candidateCombo", 14)
        self.exercise_combo = combo("exerciseCombo", 20)
        self.interviewer_combo = combo("interviewerCombo", 12)
        self.interviewer_combo.setEditable(True)
        self.interviewer_combo.lineEdit().setPlaceholderText("Your name")
        self.start_button = button(
            "Start evaluation", self._on_start_button_clicked, name="primaryButton"
        )
        bar = labelled_row(
            [
                ("Candidate", self.candidate_combo),
                ("Case", self.exercise_combo),
                ("Interviewer", self.interviewer_combo),
            ],
            label_name="fieldLabel",
        )
        for widget, stretch in (
            (self.candidate_combo, 2),
            (self.exercise_combo, 3),
            (self.interviewer_combo, 2),
        ):
            bar.setStretchFactor(widget, stretch)
        fill(bar, self.start_button)
        self.candidate_combo.currentIndexChanged.connect(self._on_candidate_combo_changed)
        self.exercise_combo.currentIndexChanged.connect(self._on_exercise_combo_changed)
        self.interviewer_combo.currentTextChanged.connect(self._on_interviewer_combo_changed)

        # -- left: timer and case
        self.timer = CountdownTimer(45 * 60, clock=clock, parent=self)
        self.timer.changed.connect(self._on_timer_changed)
        self.time_label = named_label("45:00", "caseTimer")
        self.time_label.setProperty("phase", "normal")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.time_label.setMinimumWidth(150)
        self.timer_start = button("Start", self._on_timer_start_clicked, name="timerStart")
        self.timer_reset = button("Reset", self.timer.reset, name="timerReset")
        self.time_box_label = muted_label("Time box", wrap=False)
        timer_box = QFrame()
        timer_box.setObjectName("timerBox")
        timer_box.setLayout(
            hbox(
                self.time_label,
                self.timer_start,
                self.timer_reset,
                (self.time_box_label, 1),
                margins=(12, 8, 12, 8),
                spacing=8,
            )
        )

        self.case_view = MarkdownBrowser()
        self.case_view.setObjectName("caseView")
        left = panel(timer_box, (self.case_view, 1), spacing=8)

        # -- right: the scorecard
        self.score_label = named_label("", "evaluationScore", wrap=True)
        self.red_flag_banner = named_label("", "redFlagBanner", wrap=True)
        self.red_flag_banner.hide()
        self.submit_bar = SubmitBar(ctx, self)
        self.sheet = ScoreSheet(ctx)
        self.sheet.edited.connect(self._on_sheet_edited)
        self.signals_box = panel(spacing=2)
        self.signals_layout = self.signals_box.layout()

        self.recommendation_group = QButtonGroup(self)
        self.recommendation_group.setExclusive(False)
        rec_row = hbox(spacing=6)
        for value in Recommendation:
            choice = button(
                iv.recommendation_label(value),
                lambda _c=False, v=value: self._on_recommendation_clicked(v),
                name="recommendationButton",
            )
            choice.setProperty("tone", "no" if "no" in value.value.split("_") else "yes")
            choice.setCheckable(True)
            rec_row.addWidget(choice)
            self.recommendation_buttons[value.value] = choice
        rec_row.addStretch(1)

        self.notes_edit = NotesEdit()
        self.notes_edit.setObjectName("evaluationNotes")
        self.notes_edit.setPlaceholderText("Overall notes for the debrief")
        self.notes_edit.setFixedHeight(80)
        self.notes_edit.editing_finished.connect(self._on_notes_edit_editing_finished)

        sheet = panel(
            self.red_flag_banner,
            self.score_label,
            self.submit_bar,
            self.sheet,
            section_label("Signals"),
            self.signals_box,
            section_label("Overall recommendation"),
            rec_row,
            section_label("Notes"),
            self.notes_edit,
            1,
            name="pageContent",
            margins=(4, 0, 12, 12),
            spacing=8,
        )
        scroll = scroll_area(sheet)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sheet_scroll = scroll

        self.empty_label = empty_state("")
        self.right_stack = stacked(self.empty_label, scroll)
        split = splitter(
            left,
            self.right_stack,
            sizes=(500, 620),
            stretch=(5, 6),
            name="interviewSplitter",
            collapsible=False,
        )
        vbox(bar, (split, 1), margins=(16, 12, 16, 12), spacing=10, parent=self)

        ctx.changed.connect(self._on_ctx_changed)
        self._fill_candidates()
        self._fill_exercises()
        self._fill_interviewers()
        self._on_timer_changed()
        self.select(self.candidate_combo.currentData())

    # -- public ---------------------------------------------------------------------------

    @property
    def evaluation_id(self) -> int | None:
        return None if self._evaluation is None else self._evaluation.id

    @property
    def rows(self) -> dict:
        """The dimension rows of the score sheet, by dimension id."""
        return self.sheet.rows

    def select(
        self,
        candidate_id: int | None,
        exercise_id: int | None = None,
        interviewer: str | None = None,
    ) -> None:
        """Show the evaluation of this candidate / case / interviewer (or offer to start it).

        With only a candidate, open on their evaluation (:meth:`_evaluation_to_open`): the
        case they were evaluated on, not whatever case was picked before."""
        if candidate_id is not None and exercise_id is None and interviewer is None:
            opened = self._evaluation_to_open(candidate_id)
            if opened is not None:
                exercise_id, interviewer = opened
        self._loading = True
        try:
            if candidate_id is not None:
                index = self.candidate_combo.findData(candidate_id)
                if index >= 0:
                    self.candidate_combo.setCurrentIndex(index)
                self._fill_interviewers()
            if exercise_id is not None:
                index = self.exercise_combo.findData(exercise_id)
                if index >= 0:
                    self.exercise_combo.setCurrentIndex(index)
            if interviewer is not None:
                self.interviewer_combo.setCurrentText(interviewer)
        finally:
            self._loading = False
        self._show_case()
        self._resolve()

    def _evaluation_to_open(self, candidate_id: int) -> tuple[int | None, str] | None:
        """(case id, interviewer) of the evaluation to show for ``candidate_id``: the
        user's own latest one, else the latest anyone started; None without any."""
        ws = self.ctx.workspace
        if ws is None:
            return None
        ev = iv.evaluation_to_open(ws=ws, candidate_id=candidate_id, interviewer=self.ctx.author())
        return None if ev is None else (ev.exercise_id, ev.interviewer)

    # -- combos ---------------------------------------------------------------------------

    def _refill(self, combo: QComboBox, entries: list[tuple[str, int]]) -> None:
        """Replace ``combo``'s (text, id) entries, keeping the current id when still there."""
        current = combo.currentData()
        self._loading = True
        try:
            combo.clear()
            for text, entry_id in entries:
                combo.addItem(text, entry_id)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0) if combo.count() else -1)
        finally:
            self._loading = False

    def _fill_candidates(self) -> None:
        ws = self.ctx.workspace
        if ws is not None:
            entries = [(cand.name, cand.id) for cand in iv.list_candidates(ws=ws)]
            self._refill(self.candidate_combo, entries)

    def _fill_exercises(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        entries = [
            (f"{ex.title} ({ex.time_box_minutes} min)", ex.id) for ex in iv.list_exercises(ws=ws)
        ]
        self._refill(self.exercise_combo, entries)
        self._show_case()

    def _fill_interviewers(self) -> None:
        ws = self.ctx.workspace
        candidate_id = self.candidate_combo.currentData()
        names: list[str] = []
        if ws is not None and candidate_id is not None:
            cand = next((c for c in iv.list_candidates(ws=ws) if c.id == candidate_id), None)
            if cand is not None:
                names = iv.interviewer_names(cand.interviewers)
            for ev in iv.evaluations(ws=ws, candidate_ids=[candidate_id]):
                if ev.interviewer not in names:
                    names.append(ev.interviewer)
        author = self.ctx.author()
        if author and author not in names:
            names.append(author)
        current = self.interviewer_combo.currentText()
        was_loading = self._loading
        self._loading = True
        try:
            self.interviewer_combo.clear()
            self.interviewer_combo.addItems(names)
            self.interviewer_combo.setCurrentText(
                current if current else (names[0] if names else "")
            )
        finally:
            self._loading = was_loading

    def _on_candidate_combo_changed(self, _index: int) -> None:
        if self._loading:
            return
        self.select(self.candidate_combo.currentData())

    def _on_exercise_combo_changed(self, _index: int) -> None:
        if self._loading:
            return
        self._show_case()
        self._resolve()

    def _on_interviewer_combo_changed(self, _text: str) -> None:
        if not self._loading:
            self._resolve()

    # -- case and timer -------------------------------------------------------------------

    def _show_case(self) -> None:
        exercise = chosen_exercise(self.ctx, self.exercise_combo)
        changed_box = (
            exercise is None
            or self._exercise is None
            or (
                (exercise.id, exercise.time_box_minutes)
                != (self._exercise.id, self._exercise.time_box_minutes)
            )
        )
        self._exercise = exercise
        if exercise is None:
            self.case_view.setHtml(
                "<p style='color:#616e7c'>No case exercises yet. Add one in the Case library "
                "tab, then pick it here.</p>"
            )
            self.time_box_label.setText("")
            return
        self.case_view.set_markdown_text(case_markdown(exercise))
        self.time_box_label.setText(f"of {exercise.time_box_minutes} min")
        if changed_box and not self.timer.running:
            self.timer.set_duration(exercise.time_box_minutes * 60)

    def _on_timer_start_clicked(self) -> None:
        if self.timer.running:
            self.timer.pause()
        else:
            self.timer.start()

    def _on_timer_changed(self) -> None:
        self.time_label.setText(self.timer.text())
        phase = self.timer.phase()
        if self.time_label.property("phase") != phase:
            self.time_label.setProperty("phase", phase)
            repolish(self.time_label)
        self.timer_start.setText("Pause" if self.timer.running else "Start")

    # -- the evaluation -------------------------------------------------------------------

    def _resolve(self) -> None:
        """Find the evaluation of the current selection and show it (or the empty state)."""
        candidate_id = self.candidate_combo.currentData()
        exercise_id = self.exercise_combo.currentData()
        interviewer = self.interviewer_combo.currentText().strip()
        evaluation_id = None
        if candidate_id is not None:
            evaluation_id = selected_evaluation(self.ctx, candidate_id, exercise_id, interviewer)
        if evaluation_id is None:
            self._evaluation = None
            self._structure = None
            if self.candidate_combo.count() == 0:
                text = (
                    "No candidates yet. Add one in the Candidates tab, then come back here "
                    "to run the interview."
                )
            elif not interviewer:
                text = "Type your name as the interviewer, then press Start evaluation."
            else:
                text = (
                    f"{interviewer} has not evaluated {self.candidate_combo.currentText()} on "
                    "this case yet. Press Start evaluation to rate the candidate."
                )
            self.empty_label.setText(text)
            self.right_stack.setCurrentWidget(self.empty_label)
            self.start_button.setEnabled(
                not self.ctx.readonly and candidate_id is not None and bool(interviewer)
            )
            self.start_button.setVisible(True)
            return
        self.start_button.setVisible(False)
        self._load(evaluation_id)

    def _load(self, evaluation_id: int) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        try:
            ev = iv.get_evaluation(ws=ws, evaluation_id=evaluation_id)
            card = iv.scorecard_info(ws=ws, scorecard_id=ev.scorecard_id)
        except UserError:
            self._evaluation = None
            self._resolve()
            return
        typing = self.notes_edit.hasFocus() and self.notes_edit.is_modified()
        if not (typing and self._evaluation is not None and self._evaluation.id == ev.id):
            self.versions.read([ev])  # (typing notes: saving them expects what was read)
        self._evaluation = ev
        locked = self.ctx.readonly or ev.submitted
        probed = self._exercise.dimension_keys if self._exercise else ()
        self.sheet.show_evaluation(ev, card, probed, locked)
        signals = (card.id, tuple((s.id, s.kind, s.text) for s in card.signals))
        if signals != self._structure:
            self._build_signals(card)
            self._structure = signals
        self._loading = True
        try:
            for signal_id, box in self.signal_boxes.items():
                box.setChecked(signal_id in ev.signal_ids)
            for value, button in self.recommendation_buttons.items():
                button.setChecked(value == ev.recommendation)
            self.notes_edit.set_text(ev.notes)
        finally:
            self._loading = False
        self._show_score(ev)
        self.submit_bar.show_evaluation(ev)
        for box in self.signal_boxes.values():
            box.setEnabled(not locked)
        for button in self.recommendation_buttons.values():
            button.setEnabled(not locked)
        self.notes_edit.setReadOnly(locked)
        self.right_stack.setCurrentWidget(self.sheet_scroll)

    def _build_signals(self, card: iv.ScorecardInfo) -> None:
        clear_layout(self.signals_layout)
        self.signal_boxes.clear()
        for kind in (SignalKind.STRONG, SignalKind.WEAK, SignalKind.RED_FLAG):
            signals = card.signals_of(kind)
            if not signals:
                continue
            heading = QLabel(SIGNAL_TITLES[kind])
            heading.setObjectName(f"{SIGNAL_OBJECT_NAMES[kind]}Heading")
            self.signals_layout.addWidget(heading)
            grid = QWidget()
            grid_layout = QGridLayout(grid)
            grid_layout.setContentsMargins(8, 0, 0, 4)
            grid_layout.setVerticalSpacing(2)
            for index, signal in enumerate(signals):
                box = QCheckBox()
                box.setObjectName(SIGNAL_OBJECT_NAMES[kind])
                box.setAccessibleName(signal.text)
                box.clicked.connect(self._on_signal_box_clicked)
                label = ClickableLabel(signal.text, box)
                label.setObjectName(SIGNAL_OBJECT_NAMES[kind])
                grid_layout.addWidget(box, index, 0, Qt.AlignmentFlag.AlignTop)
                grid_layout.addWidget(label, index, 1)
                self.signal_boxes[signal.id] = box
            grid_layout.setColumnStretch(1, 1)
            self.signals_layout.addWidget(grid)

    def _show_score(self, ev: iv.EvaluationScore) -> None:
        if ev.complete and ev.score is not None:
            self.score_label.setText(
                f"<b>Weighted score {html.escape(ev.score_text())}</b> · "
                f"{html.escape(ev.interviewer)} on {html.escape(ev.exercise_title)}"
            )
            self.score_label.setProperty("incomplete", False)
        else:
            rated = len(ev.ratings)
            total = rated + len(ev.missing)
            self.score_label.setText(
                f"<b>Incomplete: {rated} of {total} dimensions rated</b> · the weighted score "
                "appears once every dimension has a rating"
            )
            self.score_label.setProperty("incomplete", True)
        repolish(self.score_label)
        flags = ev.red_flags
        if flags:
            items = "<br>".join(f"⚑ {html.escape(s.text)}" for s in flags)
            self.red_flag_banner.setText(f"<b>Red flag ticked</b><br>{items}")
        self.red_flag_banner.setVisible(bool(flags))

    # -- edits ----------------------------------------------------------------------------

    def _on_start_button_clicked(self) -> None:
        candidate_id = self.candidate_combo.currentData()
        interviewer = self.interviewer_combo.currentText().strip()
        if candidate_id is None or not interviewer:
            return
        self.ctx.run_edit(
            StartEvaluationCommand(
                self.ctx, candidate_id, self.exercise_combo.currentData(), interviewer
            )
        )
        self._resolve()

    def _on_sheet_edited(self) -> None:
        if self._evaluation is not None:
            self._load(self._evaluation.id)

    def _on_signal_box_clicked(self) -> None:
        ev = self._evaluation
        if ev is None or self._loading:
            return
        ticked = [sid for sid, box in self.signal_boxes.items() if box.isChecked()]
        added = set(ticked) - set(ev.signal_ids)
        text = "tick signal" if added else "untick signal"
        self.ctx.run_edit(SetSignalsCommand(self.ctx, ev.id, ticked, text=text))
        self._load(ev.id)

    def _on_recommendation_clicked(self, value: Recommendation) -> None:
        ev = self._evaluation
        if ev is None or self._loading:
            return
        new = None if ev.recommendation == value.value else value.value
        self.ctx.run_edit(
            self.versions.update(
                self.ctx,
                Evaluation,
                ev.id,
                {"recommendation": new},
                text=f"recommend {iv.recommendation_label(new).lower()}",
            )
        )
        self._load(ev.id)

    def _on_notes_edit_editing_finished(self) -> None:
        ev = self._evaluation
        if ev is None or self._loading:
            return
        self.ctx.run_edit(
            self.versions.update(
                self.ctx, Evaluation, ev.id, {"notes": self.notes_edit.toPlainText().strip()}
            )
        )

    # -- refresh --------------------------------------------------------------------------

    def _on_ctx_changed(self, changes: Changes) -> None:
        if not changes.touches(*INTERVIEW_KINDS):
            return
        if changes.touches("candidate"):
            self._fill_candidates()
            self._fill_interviewers()
        if changes.touches("case_exercise"):
            self._fill_exercises()
        if changes.touches("evaluation"):
            self._fill_interviewers()
        self._resolve()
