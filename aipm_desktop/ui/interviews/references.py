"""The reference ratings of a case's sample answer (Case library): per dimension the level
the answer deserves and why; calibration sessions measure interviewers against them."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from ...services import interviews as iv
from ..context import AppContext
from ..widgets.context_widgets import ContextWidget
from .edits import ReferenceRatingCommand
from .widgets import clear_layout

NOT_SET = "—"


class ReferenceEditor(ContextWidget):
    """One row per dimension of the case's scorecard: a level (or none) and the reason."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="referenceEditor")
        self.exercise_id: int | None = None
        self.levels: dict[str, QComboBox] = {}
        self.reasons: dict[str, QLineEdit] = {}
        self._stored: dict[str, iv.ReferenceInfo] = {}
        self._structure: tuple = ()
        self._filling = False
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setColumnStretch(2, 1)

    def show_case(self, case: iv.ExerciseInfo, card: iv.ScorecardInfo) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        self.exercise_id = case.id
        self._stored = iv.reference_ratings(ws=ws, exercise_id=case.id)
        structure = tuple((d.key, d.name) for d in card.dimensions)
        if structure != self._structure:
            self._build(card)
            self._structure = structure
        readonly = self.ctx.readonly
        self._filling = True
        try:
            for key, box in self.levels.items():
                ref = self._stored.get(key)
                box.setCurrentIndex(0 if ref is None else ref.rating)
                box.setEnabled(not readonly)
                reason = self.reasons[key]
                if not (reason.hasFocus() and reason.isModified()):
                    reason.setText("" if ref is None else ref.rationale)
                    reason.setCursorPosition(0)
                    reason.setModified(False)
                reason.setReadOnly(readonly)
                reason.setEnabled(ref is not None)
        finally:
            self._filling = False

    def _build(self, card: iv.ScorecardInfo) -> None:
        clear_layout(self.grid)
        self.levels.clear()
        self.reasons.clear()
        for row, dim in enumerate(card.dimensions):
            box = QComboBox()
            box.setObjectName("referenceLevel")
            box.addItem(NOT_SET, None)
            for level in iv.LEVELS:
                box.addItem(f"{level} {card.level_label(level)}", level)
            box.setToolTip(f"The level the sample answer deserves on {dim.name}")
            box.currentIndexChanged.connect(lambda _i, k=dim.key: self._on_level_changed(k))
            reason = QLineEdit()
            reason.setObjectName("referenceReason")
            reason.setPlaceholderText("Why this level (shown after a practice is submitted)")
            reason.editingFinished.connect(lambda k=dim.key: self._on_reason_editing_finished(k))
            self.grid.addWidget(QLabel(dim.name), row, 0)
            self.grid.addWidget(box, row, 1)
            self.grid.addWidget(reason, row, 2)
            self.levels[dim.key] = box
            self.reasons[dim.key] = reason

    def _on_level_changed(self, key: str) -> None:
        if self._filling or self.exercise_id is None:
            return
        level = self.levels[key].currentData()
        reason = self.reasons[key].text().strip()
        self.ctx.run_edit(ReferenceRatingCommand(self.ctx, self.exercise_id, key, level, reason))

    def _on_reason_editing_finished(self, key: str) -> None:
        edit = self.reasons[key]
        stored = self._stored.get(key)
        if self._filling or self.exercise_id is None or not edit.isModified() or stored is None:
            return
        edit.setModified(False)
        text = edit.text().strip()
        if text != stored.rationale:
            self.ctx.run_edit(
                ReferenceRatingCommand(self.ctx, self.exercise_id, key, stored.rating, text)
            )
