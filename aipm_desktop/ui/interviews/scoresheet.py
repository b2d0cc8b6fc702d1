"""The scorecard an interviewer fills in, shared by interview mode and calibration
practice: one row per dimension with quick rating buttons 1-4 (the anchored level as
tooltip, "meets the bar" shown) and an evidence line; and the submit bar of blind
scoring. Every rating is saved at once through an undoable command.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...models import Rating
from ...services import interviews as iv
from ...services.dates import format_datetime
from ..context import AppContext
from ..widgets.builders import button, hbox
from ..widgets.page_header import local_action, named_label
from ..widgets.versioned import guard_edit
from .edits import RateCommand, SetRatingCommand, SubmitCommand
from .widgets import muted_label, repolish

#: Submits the evaluation shown (interview mode, calibration).
SUBMIT_SHORTCUT = "Ctrl+Return"


def case_markdown(exercise: iv.ExerciseInfo) -> str:
    """The prompt, materials and expected outputs of a case as one markdown document."""
    parts = [f"# {exercise.title}", f"*Time box: {exercise.time_box_minutes} minutes*"]
    parts += ["## Prompt", exercise.prompt or "No prompt written yet."]
    if exercise.materials.strip():
        parts += ["## Materials for the candidate", exercise.materials]
    if exercise.expected_outputs.strip():
        parts += ["## Expected outputs (for the interviewer)", exercise.expected_outputs]
    return "\n\n".join(parts)


def chosen_exercise(ctx: AppContext, exercises: QComboBox) -> iv.ExerciseInfo | None:
    """The case exercise picked in ``exercises`` (its item data is the id), if it exists."""
    ws, exercise_id = ctx.workspace, exercises.currentData()
    if ws is None or exercise_id is None:
        return None
    try:
        return iv.get_exercise(ws=ws, exercise_id=exercise_id)
    except UserError:
        return None


def selected_evaluation(
    ctx: AppContext, candidate_id: int | None, exercise_id: int | None, interviewer: str
) -> int | None:
    """The id of the evaluation by ``interviewer`` of this candidate (None: of the case's
    sample answer) on this case, when there is one."""
    ws = ctx.workspace
    if ws is None or not interviewer.strip():
        return None
    return iv.find_evaluation(
        ws=ws, candidate_id=candidate_id, exercise_id=exercise_id, interviewer=interviewer
    )


def combo(name: str, characters: int) -> QComboBox:
    """A combo box that shows ``characters`` at least and grows with the room it gets,
    instead of asking for the width of its longest entry."""
    widget = QComboBox()
    widget.setObjectName(name)
    widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    widget.setMinimumContentsLength(characters)
    return widget


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
            level_button = QPushButton(str(level))
            level_button.setObjectName("ratingButton")
            level_button.setCheckable(True)
            level_button.setFixedSize(40, 32)
            description = dim.levels[level - 1] if len(dim.levels) == 4 else ""
            level_button.setToolTip(
                f"<b>{level} - {html.escape(card.level_label(level))}</b><br>"
                f"{html.escape(description)}"
            )
            buttons.addWidget(level_button)
            self.buttons[level] = level_button
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

    def set_locked(self, locked: bool) -> None:
        for level_button in self.buttons.values():
            level_button.setEnabled(not locked)
        self.evidence.setReadOnly(locked)


class ScoreSheet(QWidget):
    """The dimension rows of one evaluation; rating and evidence edits are saved here.

    Signals:
        edited(): a rating or its evidence was saved (the owner shows the new state).
    """

    edited = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: dict[int, DimensionRow] = {}
        self._evaluation: iv.EvaluationScore | None = None
        self._structure: tuple | None = None
        self._loading = False
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)

    def show_evaluation(
        self, ev: iv.EvaluationScore, card: iv.ScorecardInfo, probed: tuple[str, ...], locked: bool
    ) -> None:
        """Show ``ev`` (rows rebuilt only when the scorecard changed); ``locked``: read
        only (submitted, or a read-only workspace)."""
        self._evaluation = ev
        structure = (
            card.id,
            tuple((d.id, d.name, d.weight_pct, d.meets_bar, d.levels) for d in card.dimensions),
            tuple(probed),
        )
        if structure != self._structure:
            self._build(card, set(probed))
            self._structure = structure
        self._loading = True
        try:
            for dim_id, row in self.rows.items():
                rating = ev.ratings.get(dim_id)
                row.show_rating(
                    rating.rating if rating else None, rating.evidence if rating else ""
                )
                row.set_locked(locked)
        finally:
            self._loading = False

    def _build(self, card: iv.ScorecardInfo, probed: set[str]) -> None:
        for row in self.rows.values():
            row.deleteLater()
        self.rows.clear()
        for dim in card.dimensions:
            row = DimensionRow(dim, card, dim.key in probed, self)
            for level, level_button in row.buttons.items():
                level_button.clicked.connect(
                    lambda _c=False, d=dim.id, lv=level: self._on_rating_clicked(d, lv)
                )
            row.evidence.editingFinished.connect(
                lambda d=dim.id: self._on_evidence_editing_finished(d)
            )
            self._layout.addWidget(row)
            self.rows[dim.id] = row

    def _on_rating_clicked(self, dimension_id: int, level: int) -> None:
        ev = self._evaluation
        if ev is None or self._loading:
            return
        row = self.rows[dimension_id]
        stored = ev.ratings.get(dimension_id)
        text = row.evidence.text().strip()
        evidence = text if text != (stored.evidence if stored else "") else None
        name = row.dimension.name
        text = f"rate {name} {level}"
        if stored is None:
            command = SetRatingCommand(self.ctx, ev.id, dimension_id, level, evidence, text=text)
        else:
            changed: dict[str, Any] = {"rating": level}
            if evidence is not None:
                changed["evidence"] = evidence
            command = self._guarded(ev.id, stored, changed, text)
        self.ctx.run_edit(command)
        self.edited.emit()

    def _guarded(
        self, evaluation_id: int, stored: iv.RatingInfo, changed: dict[str, Any], text: str
    ) -> QUndoCommand:
        """The edit of the rating ``stored`` to ``changed``, against the version read."""

        def make(values: dict[str, Any]) -> QUndoCommand:
            return RateCommand(self.ctx, evaluation_id, stored, values, text=text)

        label = {"rating": "Rating", "evidence": "Evidence"}.get
        return guard_edit(make, Rating, stored.id, changed, stored.version, label_for=label)

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
        what = f"edit evidence for {row.dimension.name}"
        self.ctx.run_edit(self._guarded(ev.id, stored, {"evidence": text}, what))


class SubmitBar(QFrame):
    """Blind scoring for the evaluation shown: what is hidden from whom, "Submit"
    (:data:`SUBMIT_SHORTCUT`; every dimension rated) and, once submitted, "Reopen"."""

    def __init__(self, ctx: AppContext, host: QWidget, *, practice: bool = False) -> None:
        super().__init__()
        self.setObjectName("blindBar")
        self.ctx = ctx
        self.practice = practice
        self.evaluation: iv.EvaluationScore | None = None
        self.label = named_label("", "blindText", wrap=True)
        self.submit_button = button(
            "Submit evaluation", self.submit, name="primaryButton", tip=f"({SUBMIT_SHORTCUT})"
        )
        self.submit_button.setObjectName("submitButton")
        self.reopen_button = button(
            "Reopen", self.reopen, tip="Take the evaluation back to scoring (undoable)"
        )
        hbox((self.label, 1), self.reopen_button, self.submit_button, margins=(12, 8, 12, 8),
             spacing=8, parent=self)  # fmt: skip
        self.submit_action = local_action(host, "Submit evaluation", SUBMIT_SHORTCUT, self.submit)

    def show_evaluation(self, ev: iv.EvaluationScore) -> None:
        self.evaluation = ev
        readonly = self.ctx.readonly
        if ev.submitted:
            when = format_datetime(ev.submitted_at, "")
            after = (
                "see your distance from the reference below"
                if self.practice
                else "it counts in the comparison once every interviewer has submitted"
            )
            self.label.setText(
                f"<b>Submitted</b> {html.escape(when)} · the ratings are locked; {after}."
            )
        elif self.practice:
            self.label.setText(
                "<b>Practice</b> · score the sample answer as you would a candidate, then "
                "submit to see how far each rating is from the reference. Practice never "
                "counts in hiring figures."
            )
        else:
            self.label.setText(
                "<b>Blind until submitted</b> · the other interviewers and the comparison "
                "cannot see these ratings until you submit, and you see theirs only once "
                "you have submitted yours."
            )
        self.setProperty("submitted", ev.submitted)
        repolish(self)
        self.submit_button.setVisible(not ev.submitted)
        self.reopen_button.setVisible(ev.submitted)
        self.reopen_button.setEnabled(not readonly)
        self.submit_button.setEnabled(not readonly and ev.complete)
        self.submit_action.setEnabled(not readonly and ev.complete and not ev.submitted)
        self.submit_button.setToolTip(
            f"Submit: lock the ratings and share them with the panel ({SUBMIT_SHORTCUT})"
            if ev.complete
            else "Rate every dimension first; not rated yet: " + ", ".join(ev.missing)
        )

    def submit(self) -> bool:
        """Submit the evaluation shown (undoable); False when it could not be."""
        ev = self.evaluation
        if ev is None or ev.submitted or not ev.complete or self.ctx.readonly:
            return False
        return self.ctx.run_edit(SubmitCommand(self.ctx, ev.id, ev.interviewer))

    def reopen(self) -> bool:
        ev = self.evaluation
        if ev is None or not ev.submitted or self.ctx.readonly:
            return False
        return self.ctx.run_edit(SubmitCommand(self.ctx, ev.id, ev.interviewer, reopen=True))
