"""Interview mode: the live session screen.

Pick a candidate, a case and an interviewer; the case prompt and materials sit on the
left under a countdown of the time box, the scorecard on the right: quick rating buttons
1-4 per dimension (the anchored level description as tooltip, "meets the bar" shown),
evidence notes, signal check boxes, the overall recommendation and notes. Every change is
saved at once through an undoable command.
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
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...models import Evaluation
from ...models.enums import Recommendation, SignalKind
from ...services import interviews as iv
from ...services.changes import Changes
from ..context import AppContext
from ..undo import UpdateRecordCommand
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
from .edits import SetRatingCommand, SetSignalsCommand, StartEvaluationCommand
from .markdown_view import MarkdownBrowser
from .timer import CountdownTimer
from .widgets import INTERVIEW_KINDS, NotesEdit, empty_state, muted_label, repolish, section_label

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


def case_markdown(exercise: iv.ExerciseInfo) -> str:
    """The prompt, materials and expected outputs of a case as one markdown document."""
    parts = [f"# {exercise.title}", f"*Time box: {exercise.time_box_minutes} minutes*"]
    parts += ["## Prompt", exercise.prompt or "No prompt written yet."]
    if exercise.materials.strip():
        parts += ["## Materials for the candidate", exercise.materials]
    if exercise.expected_outputs.strip():
        parts += ["## Expected outputs (for the interviewer)", exercise.expected_outputs]
    return "\n\n".join(parts)


def _combo(name: str, characters: int) -> QComboBox:
    """A combo box that shows ``characters`` at least and grows with the room it gets,
    instead of asking for the width of its longest entry."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


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


class DimensionRow(QFrame):
    """One scorecard dimension: rating buttons 1-4, meets-the-bar text and evidence."""

    def __init__(
        self, dim: iv.DimensionInfo, card: iv.ScorecardInfo, probed: bool, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dimensionCard")
        self.dimension = dim
        title = named_label(f"<b>{html.escape(dim.name)}</b>", "dimensionTitle")
        weight = named_label(f"{dim.weight_pct:.0f}%", "dimensionWeight")
        weight.setToolTip("Weight of this dimension in the weighted score (normalised to 100%)")
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(title, 1)
        if probed:
            tag = named_label("probed by this case", "probedTag")
            head.addWidget(tag)
        head.addWidget(weight)

        self.meets_bar = muted_label(f"Meets the bar: {dim.meets_bar}" if dim.meets_bar else "")
        self.meets_bar.setObjectName("meetsBar")
        self.meets_bar.setVisible(bool(dim.meets_bar))

        self.buttons: dict[int, QPushButton] = {}
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for level in iv.LEVELS:
            button = QPushButton(str(level))
            button.setObjectName("ratingButton")
            button.setCheckable(True)
            button.setFixedSize(40, 32)
            description = dim.levels[level - 1] if len(dim.levels) == 4 else ""
            button.setToolTip(
                f"<b>{level} - {html.escape(card.level_label(level))}</b><br>"
                f"{html.escape(description)}"
            )
            buttons.addWidget(button)
            self.buttons[level] = button
        self.level_label = muted_label("Not rated", wrap=True)
        self.level_label.setObjectName("levelDescription")
        buttons.addSpacing(6)
        buttons.addWidget(self.level_label, 1)

        self.evidence = QLineEdit()
        self.evidence.setObjectName("evidenceEdit")
        self.evidence.setMaxLength(2000)
        self.evidence.setPlaceholderText("Evidence: what the candidate said or did")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.meets_bar)
        layout.addLayout(buttons)
        layout.addWidget(self.evidence)

    def show_rating(self, rating: int | None, evidence: str) -> None:
        for level, level_button in self.buttons.items():
            level_button.setChecked(level == rating)
        if rating is None:
            self.level_label.setText("Not rated")
        else:
            levels = self.dimension.levels
            self.level_label.setText(levels[rating - 1] if len(levels) == 4 else "")
        typing = self.evidence.isModified() and (self.evidence.hasFocus() or rating is None)
        if not typing:
            self.evidence.setText(evidence)
            self.evidence.setCursorPosition(0)
            self.evidence.setModified(False)


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
        self._structure: tuple | None = None
        self._exercise: iv.ExerciseInfo | None = None
        self.rows: dict[int, DimensionRow] = {}
        self.signal_boxes: dict[int, QCheckBox] = {}
        self.recommendation_buttons: dict[str, QPushButton] = {}

        # -- selection bar
        self.candidate_combo = _combo("candidateCombo", 14)
        self.exercise_combo = _combo("exerciseCombo", 20)
        self.interviewer_combo = _combo("interviewerCombo", 12)
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
        for combo, stretch in (
            (self.candidate_combo, 2),
            (self.exercise_combo, 3),
            (self.interviewer_combo, 2),
        ):
            bar.setStretchFactor(combo, stretch)
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
        self.dimensions_box = panel(spacing=8)
        self.dimensions_layout = self.dimensions_box.layout()
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
            self.dimensions_box,
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
        ws = self.ctx.workspace
        exercise_id = self.exercise_combo.currentData()
        exercise = None
        if ws is not None and exercise_id is not None:
            try:
                exercise = iv.get_exercise(ws=ws, exercise_id=exercise_id)
            except UserError:
                exercise = None
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
        ws = self.ctx.workspace
        candidate_id = self.candidate_combo.currentData()
        exercise_id = self.exercise_combo.currentData()
        interviewer = self.interviewer_combo.currentText().strip()
        evaluation_id = None
        if ws is not None and candidate_id is not None and interviewer:
            evaluation_id = iv.find_evaluation(
                ws=ws, candidate_id=candidate_id, exercise_id=exercise_id, interviewer=interviewer
            )
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
        self._evaluation = ev
        structure = (
            card.id,
            tuple((d.id, d.name, d.weight_pct, d.meets_bar, d.levels) for d in card.dimensions),
            tuple((s.id, s.kind, s.text) for s in card.signals),
            self._exercise.dimension_keys if self._exercise else (),
        )
        if structure != self._structure:
            self._build(card)
            self._structure = structure
        self._loading = True
        try:
            for dim_id, row in self.rows.items():
                rating = ev.ratings.get(dim_id)
                row.show_rating(
                    rating.rating if rating else None, rating.evidence if rating else ""
                )
            for signal_id, box in self.signal_boxes.items():
                box.setChecked(signal_id in ev.signal_ids)
            for value, button in self.recommendation_buttons.items():
                button.setChecked(value == ev.recommendation)
            self.notes_edit.set_text(ev.notes)
        finally:
            self._loading = False
        self._show_score(ev)
        readonly = self.ctx.readonly
        for row in self.rows.values():
            for button in row.buttons.values():
                button.setEnabled(not readonly)
            row.evidence.setReadOnly(readonly)
        for box in self.signal_boxes.values():
            box.setEnabled(not readonly)
        for button in self.recommendation_buttons.values():
            button.setEnabled(not readonly)
        self.notes_edit.setReadOnly(readonly)
        self.right_stack.setCurrentWidget(self.sheet_scroll)

    def _build(self, card: iv.ScorecardInfo) -> None:
        for row in self.rows.values():
            row.deleteLater()
        self.rows.clear()
        probed = set(self._exercise.dimension_keys) if self._exercise else set()
        for dim in card.dimensions:
            row = DimensionRow(dim, card, dim.key in probed, self.dimensions_box)
            for level, level_button in row.buttons.items():
                level_button.clicked.connect(
                    lambda _c=False, d=dim.id, lv=level: self._on_rating_clicked(d, lv)
                )
            row.evidence.editingFinished.connect(
                lambda d=dim.id: self._on_evidence_editing_finished(d)
            )
            self.dimensions_layout.addWidget(row)
            self.rows[dim.id] = row
        while self.signals_layout.count():
            item = self.signals_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
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

    def _on_rating_clicked(self, dimension_id: int, level: int) -> None:
        ev = self._evaluation
        if ev is None or self._loading:
            return
        row = self.rows[dimension_id]
        stored = ev.ratings.get(dimension_id)
        text = row.evidence.text().strip()
        evidence = text if text != (stored.evidence if stored else "") else None
        name = row.dimension.name
        self.ctx.run_edit(
            SetRatingCommand(
                self.ctx, ev.id, dimension_id, level, evidence, text=f"rate {name} {level}"
            )
        )
        self._load(ev.id)

    def _on_evidence_editing_finished(self, dimension_id: int) -> None:
        ev = self._evaluation
        if ev is None or self._loading:
            return
        row = self.rows[dimension_id]
        if not row.evidence.isModified():
            return
        stored = ev.ratings.get(dimension_id)
        if stored is None:
            return  # kept in the box; saved together with the rating
        text = row.evidence.text().strip()
        row.evidence.setModified(False)
        if text == stored.evidence:
            return
        self.ctx.run_edit(
            SetRatingCommand(
                self.ctx,
                ev.id,
                dimension_id,
                stored.rating,
                text,
                text=f"edit evidence for {row.dimension.name}",
            )
        )

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
            UpdateRecordCommand(
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
            UpdateRecordCommand(
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
