"""The scoring grid: use cases x criteria of the active model, edited like a spreadsheet.

Rows are the ranking of :func:`aipm_desktop.services.scoring.rank` (complete use cases by
score, incomplete ones after them, marked); columns are the use case, one per criterion,
the score and the rank. Arrows move; typing 1-5 sets the score of the current cell at
once; Delete or Backspace clears it; Enter moves down. After a change the rows re-sort and
the current cell stays on the same use case.

Below the grid, the Rationale panel shows why the current cell has its level and edits it
(F2 or Shift+Enter jumps there; Ctrl+Enter or leaving the box saves, Esc reverts). Cells
with a rationale carry a small corner marker and show the rationale in their tooltip.

With "Risk criterion from the risk register" ticked (the page's ``risk_from_register``),
the ranking takes the level of the model's first risk criterion from each use case's open
residual risks; those *fed* cells are italic with a purple corner marker, and their
tooltip names the residual exposure, the level it gives and the stored score (which is
what typing a digit still edits).

An edit of a cell (its level or its rationale) writes only while the score is the one
the cell shows (no lost update): the ranking that fills the grid carries each use case's
scores mark, read in the same query as the levels, and the edit expects the score row
that mark vouches for (:func:`aipm_desktop.services.scoring.score_slot`). When another
window changed it since, nothing is written and the conflict dialog shows the user's
value beside the stored one.

The table model and the cell painting are in :mod:`.grid_model`.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QShowEvent, QTextCursor, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...models import Score
from ...services import scoring
from ...services.conflicts import Slot
from ...services.scoring import CriterionInfo, RankedUseCase
from ..context import AppContext
from ..widgets.builders import TAB_MARGINS
from ..widgets.context_widgets import ContextWidget
from ..widgets.versioned import guard_slot
from .edits import SetActiveModelCommand, SetScoreCommand
from .grid_model import (
    ScoreCellDelegate,
    ScoreGridModel,
    fed_text,
    load_fed_levels,
    load_rationales,
)

RISK_FEED_LABEL = "Risk criterion from the risk register"
RISK_FEED_TIP = (
    "Let each use case's open residual risk exposure in the risk register set the level of "
    "the model's risk criterion: the highest residual score (1-25) of the open risks linked "
    "to it gives level 1-5 (1-5 → 1, 6-10 → 2, … 21-25 → 5). Scores, ranks, the matrix and "
    "ranking stability use that level; the stored scores are not changed. Use cases without "
    "linked open risks keep their own score."
)
DIGIT_KEYS = {
    Qt.Key.Key_1: 1,
    Qt.Key.Key_2: 2,
    Qt.Key.Key_3: 3,
    Qt.Key.Key_4: 4,
    Qt.Key.Key_5: 5,
}


class ScoreGridView(QTableView):
    """The grid's table, with spreadsheet keys.

    Signals:
        score_entered(int, int, object): use case id, criterion id, level 1-5 or None
            (cleared), typed on the current cell.
        rationale_requested(): F2 or Shift+Enter on a cell: edit the current cell's
            rationale.
    """

    score_entered = Signal(int, int, object)
    rationale_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoreGrid")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setItemDelegate(ScoreCellDelegate(self))
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumHeight(self.fontMetrics().height() * 3 + 16)

    def grid_model(self) -> ScoreGridModel:
        model = self.model()
        assert isinstance(model, ScoreGridModel)
        return model

    def size_columns(self) -> None:
        """Title wide, criteria narrow and equal, score and rank compact."""
        model = self.grid_model()
        header = self.horizontalHeader()
        char = self.fontMetrics().averageCharWidth()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 34 * char)
        for column in range(1, model.score_column):
            header.resizeSection(column, 18 * char)
        header.resizeSection(model.score_column, 8 * char)
        header.resizeSection(model.rank_column, 7 * char)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        index = self.currentIndex()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if index.isValid() and (
            (key == Qt.Key.Key_F2 and modifiers == Qt.KeyboardModifier.NoModifier)
            or (enter and modifiers == Qt.KeyboardModifier.ShiftModifier)
        ):
            self.rationale_requested.emit()
            event.accept()
            return
        if modifiers == Qt.KeyboardModifier.NoModifier and index.isValid():
            model = self.grid_model()
            crit = model.criterion_at(index.column())
            row = model.use_case_at(index.row())
            if key in DIGIT_KEYS:
                if crit is not None and row is not None:
                    self.score_entered.emit(row.use_case_id, crit.id, DIGIT_KEYS[key])
                event.accept()
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                if (
                    crit is not None
                    and row is not None
                    and model.stored_value(row, crit.id) is not None
                ):
                    self.score_entered.emit(row.use_case_id, crit.id, None)
                event.accept()
                return
            if enter:
                below = model.index(min(index.row() + 1, model.rowCount() - 1), index.column())
                self.setCurrentIndex(below)
                event.accept()
                return
        super().keyPressEvent(event)


class RationaleEdit(QPlainTextEdit):
    """The rationale box: Ctrl+Enter saves, leaving it after typing saves, Esc reverts.

    Signals:
        commit_requested(): Ctrl+Enter was pressed.
        editing_finished(): focus left the box and its text was modified.
        revert_requested(): Esc was pressed.
    """

    commit_requested = Signal()
    editing_finished = Signal()
    revert_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rationaleEdit")
        self.setTabChangesFocus(True)
        lines = 3
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 18)

    def set_text(self, text: str) -> None:
        self.setPlainText(text)
        self.document().setModified(False)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.height())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and modifiers == Qt.KeyboardModifier.ControlModifier
        ):
            self.commit_requested.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and modifiers == Qt.KeyboardModifier.NoModifier:
            self.revert_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.document().isModified():
            self.editing_finished.emit()


class GridTab(ContextWidget):
    """The Scoring grid tab: model picker, the grid, and what the colours mean.

    The page owns the ranking (shared with the form); the tab asks for it when it is shown
    after a change.

    Signals:
        current_changed(object): the use case of the current cell (id or None).
        ranking_needed(): the tab is visible and its ranking is out of date; the page
            answers with :meth:`show_ranking`.
        risk_feed_toggled(bool): the user ticked or cleared "Risk criterion from the risk
            register"; the page owns the setting and tells every tab.
    """

    current_changed = Signal(object)
    ranking_needed = Signal()
    risk_feed_toggled = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="scoreGridTab")
        self._dirty = True
        self._pending: int | None = None
        self._filling = False

        self.model_combo = QComboBox()
        self.model_combo.setObjectName("scoringModelCombo")
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_combo.setToolTip("The active scoring model: scores, ranks and the matrix use it")
        self.model_combo.currentIndexChanged.connect(self._on_model_combo_index_changed)
        self.models_button = QPushButton("Models…")
        self.models_button.setObjectName("modelsButton")
        self.models_button.setToolTip(
            "Pick the active model, copy one, edit criteria, levels, directions and weights"
        )
        self.models_button.clicked.connect(self._on_models_button_clicked)
        self.risk_feed_check = QCheckBox(RISK_FEED_LABEL)
        self.risk_feed_check.setObjectName("riskFeedCheck")
        self.risk_feed_check.setToolTip(RISK_FEED_TIP)
        self.risk_feed_check.toggled.connect(self._on_risk_feed_check_toggled)
        self.summary = QLabel()
        self.summary.setObjectName("mutedLabel")
        caption = QLabel("Scoring model")
        caption.setObjectName("filterLabel")
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(caption)
        top.addWidget(self.model_combo)
        top.addWidget(self.models_button)
        top.addSpacing(12)
        top.addWidget(self.risk_feed_check)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)

        self.grid_model = ScoreGridModel(self)
        self.view = ScoreGridView(self)
        self.view.setModel(self.grid_model)
        self.view.score_entered.connect(self._on_view_score_entered)
        self.view.rationale_requested.connect(self._on_view_rationale_requested)
        self.view.selectionModel().currentRowChanged.connect(self._on_selection_current_row_changed)
        self.view.selectionModel().currentChanged.connect(self._on_selection_current_changed)
        self.empty_label = QLabel(
            "No use cases to score yet. Add one with New use case (Ctrl+Shift+N), then score it "
            "here: select a cell and type 1-5."
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.help = QLabel(
            "Arrows move · type 1-5 to score · Del clears · Enter moves down · F2 or "
            "Shift+Enter writes why · hover a cell for the level's meaning, its points and "
            "its rationale (a dark corner marks cells that have one). Green is good: for "
            "criteria marked (-) (risk, cost) a high level is red. ◌ = incomplete, ranked apart. "
            "Italic with a purple corner: level from the risk register."
        )
        self.help.setObjectName("gridHelp")
        self.help.setWordWrap(True)

        # -- the current cell's rationale --
        #: (use case id, criterion id) the rationale box shows, or None.
        self._rationale_target: tuple[int, int] | None = None
        self.rationale_label = QLabel()
        self.rationale_label.setObjectName("formLabel")
        self.rationale_label.setTextFormat(Qt.TextFormat.RichText)
        self.rationale_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.rationale_keys = QLabel("Ctrl+Enter saves · Esc reverts")
        self.rationale_keys.setObjectName("mutedLabel")
        self.rationale_edit = RationaleEdit()
        self.rationale_edit.commit_requested.connect(self._on_rationale_edit_commit_requested)
        self.rationale_edit.editing_finished.connect(self._on_rationale_edit_editing_finished)
        self.rationale_edit.revert_requested.connect(self._on_rationale_edit_revert_requested)
        self.rationale_panel = QFrame()
        self.rationale_panel.setObjectName("formCard")
        heading = QHBoxLayout()
        heading.setSpacing(8)
        heading.addWidget(self.rationale_label, 1)
        heading.addWidget(self.rationale_keys)
        panel = QVBoxLayout(self.rationale_panel)
        panel.setContentsMargins(12, 8, 12, 10)
        panel.setSpacing(6)
        panel.addLayout(heading)
        panel.addWidget(self.rationale_edit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.rationale_panel)
        layout.addWidget(self.help)
        self.empty_label.hide()
        self._show_rationale()

    # -- refreshing -----------------------------------------------------------------------

    def mark_dirty(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.ranking_needed.emit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.ranking_needed.emit()

    def show_ranking(self, ranking: list[RankedUseCase], current_id: int | None) -> None:
        """Show ``ranking`` (by the active model); keep or set the current use case."""
        ws = self.ctx.workspace
        if ws is None:
            return
        self._dirty = False
        self._fill_models()
        criteria = scoring.model_criteria(ws=ws)
        columns_before = self.grid_model.columnCount()
        had_rows = bool(self.grid_model.rows)
        criterion_ids = [c.id for c in criteria]

        def rationales_of(use_case_ids: list[int]) -> dict[tuple[int, int], str]:
            if self.ctx.workspace is not ws:
                return {}
            return load_rationales(ws=ws, criterion_ids=criterion_ids, use_case_ids=use_case_ids)

        fed = load_fed_levels(ws=ws, ranking=ranking)
        self.grid_model.set_ranking(criteria, ranking, rationales_of, fed)
        if self.grid_model.columnCount() != columns_before or not had_rows:
            self.view.size_columns()
        if not self.view.currentIndex().isValid() or self._pending is not None:
            self.select_use_case(self._pending if self._pending is not None else current_id)
        self._pending = None
        complete = sum(1 for r in ranking if r.complete)
        summary = f"{complete} of {len(ranking)} use cases fully scored on {len(criteria)} criteria"
        if self.risk_feed_check.isChecked():
            summary += f" · {len(fed)} with the risk level from the register"
        self.summary.setText(summary)
        self.view.setVisible(bool(ranking))
        self.empty_label.setVisible(not ranking)
        self.rationale_panel.setVisible(bool(ranking))
        self.view.setEnabled(not self.ctx.readonly)
        self._show_rationale()

    def set_risk_feed(self, on: bool) -> None:
        """Show the risk-register option as ``on`` (without emitting a toggle)."""
        self.risk_feed_check.blockSignals(True)
        self.risk_feed_check.setChecked(on)
        self.risk_feed_check.blockSignals(False)

    def _on_risk_feed_check_toggled(self, on: bool) -> None:
        self.risk_feed_toggled.emit(on)

    def _fill_models(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        active = scoring.active_model_id(ws=ws)
        self._filling = True
        try:
            self.model_combo.clear()
            for model_id, name, preset in scoring.list_models(ws=ws):
                self.model_combo.addItem(f"{name} (preset)" if preset else name, model_id)
            self.model_combo.setCurrentIndex(self.model_combo.findData(active))
        finally:
            self._filling = False
        self.model_combo.setEnabled(not self.ctx.readonly)

    def select_use_case(self, use_case_id: int | None) -> None:
        """Put the current cell on ``use_case_id``'s row (same column as before)."""
        if use_case_id is None:
            return
        if self._dirty:
            self._pending = use_case_id
            return
        row = self.grid_model.row_of(use_case_id)
        if row is None:
            return
        column = self.view.currentIndex().column()
        if column < 0:
            column = 1 if self.grid_model.criteria else 0
        index = self.grid_model.index(row, column)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(index)

    # -- edits ----------------------------------------------------------------------------

    def _on_view_score_entered(self, use_case_id: int, criterion_id: int, value: object) -> None:
        if self.ctx.readonly:
            return
        row = self.grid_model.row_of(use_case_id)
        entry = self.grid_model.use_case_at(row) if row is not None else None
        if entry is None:
            return
        level = value if isinstance(value, int) else None
        command = self._score_edit(entry, criterion_id, {"value": level})
        if command is not None:
            self.ctx.run_edit(command)

    def _score_edit(
        self, entry: RankedUseCase, criterion_id: int, changed: dict[str, Any]
    ) -> QUndoCommand | None:
        """The edit of ``changed`` (``value`` and / or ``rationale``) on one cell, expecting
        the score the cell shows (see the module's docstring)."""
        ws = self.ctx.workspace
        column = self.grid_model.column_of(criterion_id)
        crit = self.grid_model.criterion_at(column) if column is not None else None
        if ws is None or crit is None:
            return None
        use_case_id = entry.use_case_id
        shown_level = self.grid_model.stored_value(entry, criterion_id)
        slot = scoring.score_slot(
            ws=ws,
            use_case_id=use_case_id,
            criterion_id=criterion_id,
            mark=entry.scores_mark,
            shown=shown_level,
            shown_rationale=(
                self.grid_model.rationale(use_case_id, criterion_id)
                if "rationale" in changed
                else None
            ),
        )

        def make(values: dict[str, Any], expect: Slot) -> Any:
            if "value" in values:
                level = values["value"]
            elif expect == slot:
                level = shown_level
            else:  # the rationale kept after a conflict goes with the level stored now
                stored = scoring.stored_levels(
                    ws=ws, criterion_id=criterion_id, use_case_ids=[use_case_id]
                )
                level = stored.get(use_case_id)
            if "rationale" in values:
                text = f"edit rationale of '{_clip(entry.title, 40)} / {crit.name}'"
            else:
                what = f" of '{entry.title}'"
                text = f"clear score{what}" if level is None else f"set score{what} to {level}"
            return SetScoreCommand(
                self.ctx,
                use_case_id,
                criterion_id,
                level,
                rationale=values.get("rationale"),
                text=text,
                expect=expect,
            )

        names = {"value": "Level (1-5)", "rationale": "Rationale"}
        return guard_slot(make, Score, slot, changed, label_for=lambda name: names.get(name, ""))

    # -- the rationale panel --------------------------------------------------------------

    def _current_cell(self) -> tuple[RankedUseCase | None, CriterionInfo | None]:
        index = self.view.currentIndex()
        if not index.isValid():
            return None, None
        return (
            self.grid_model.use_case_at(index.row()),
            self.grid_model.criterion_at(index.column()),
        )

    def _show_rationale(self) -> None:
        """Point the rationale panel at the current cell (keeping text being typed)."""
        entry, crit = self._current_cell()
        target = (entry.use_case_id, crit.id) if entry is not None and crit is not None else None
        edit = self.rationale_edit
        typing = edit.document().isModified() and target == self._rationale_target
        self._rationale_target = target
        if entry is None or crit is None:
            self.rationale_label.setText("Rationale")
            self.rationale_label.setToolTip("")
            edit.setPlaceholderText("Select a criterion cell to see or write why it has its level.")
            edit.set_text("")
            edit.setEnabled(False)
            self.rationale_keys.hide()
            return
        title = html.escape(_clip(entry.title, 60))
        name = html.escape(_clip(crit.name, 40))
        value = self.grid_model.stored_value(entry, crit.id)
        fed = self.grid_model.fed.get(entry.use_case_id)
        if fed is not None and crit.id in entry.fed and value is None:
            self.rationale_label.setText(
                f"<b>{name}</b> on <b>{title}</b>: level <b>{fed.level}</b> from the risk "
                f"register (residual exposure {fed.exposure}); no stored score"
            )
            self.rationale_label.setToolTip(fed_text(fed))
            edit.setPlaceholderText(
                "No stored level yet: type 1-5 in the grid to store one, then write why here."
            )
            edit.set_text("")
            edit.setEnabled(False)
            self.rationale_keys.hide()
            return
        if value is None:
            self.rationale_label.setText(f"No level yet for <b>{name}</b> on <b>{title}</b>")
            self.rationale_label.setToolTip("")
            edit.setPlaceholderText(
                "Type a level first (1-5 in the grid), then write here why it is that level."
            )
            edit.set_text("")
            edit.setEnabled(False)
            self.rationale_keys.hide()
            return
        anchor = crit.levels[value - 1] if len(crit.levels) >= value else ""
        heading = f"Why <b>{name}</b> is <b>{value}</b> for <b>{title}</b>"
        tip = f"{crit.name}, level {value} of 5" + (f": {anchor}" if anchor else "")
        if fed is not None and crit.id in entry.fed:
            heading += f" <i>(stored; the register gives level {fed.level})</i>"
            tip = f"{fed_text(fed)}\n{tip}"
        self.rationale_label.setText(heading)
        self.rationale_label.setToolTip(tip)
        edit.setPlaceholderText(
            "Why this level? The evidence, the assumption or who said so "
            "(Ctrl+Enter or leaving the box saves)."
        )
        edit.setEnabled(not self.ctx.readonly)
        self.rationale_keys.setVisible(not self.ctx.readonly)
        if not typing:
            edit.set_text(self.grid_model.rationale(entry.use_case_id, crit.id))

    def _commit_rationale(self) -> None:
        """Store the rationale box's text on its cell's score (keeping the level)."""
        edit = self.rationale_edit
        target = self._rationale_target
        if not edit.document().isModified():
            return
        edit.document().setModified(False)
        if target is None or self.ctx.readonly:
            return
        use_case_id, criterion_id = target
        row = self.grid_model.row_of(use_case_id)
        entry = self.grid_model.use_case_at(row) if row is not None else None
        column = self.grid_model.column_of(criterion_id)
        crit = self.grid_model.criterion_at(column) if column is not None else None
        value = self.grid_model.stored_value(entry, criterion_id) if entry is not None else None
        if entry is None or crit is None or value is None:
            return
        text = edit.toPlainText().strip()
        if text == self.grid_model.rationale(use_case_id, criterion_id):
            return
        command = self._score_edit(entry, criterion_id, {"rationale": text})
        if command is not None:
            self.ctx.run_edit(command)

    def _on_view_rationale_requested(self) -> None:
        if self.rationale_edit.isEnabled():
            self.rationale_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.rationale_edit.moveCursor(QTextCursor.MoveOperation.End)

    def _on_rationale_edit_commit_requested(self) -> None:
        self._commit_rationale()
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_rationale_edit_editing_finished(self) -> None:
        self._commit_rationale()

    def _on_rationale_edit_revert_requested(self) -> None:
        self.rationale_edit.document().setModified(False)
        self._show_rationale()
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_selection_current_changed(self, current: QModelIndex, _previous: Any) -> None:
        entry = self.grid_model.use_case_at(current.row()) if current.isValid() else None
        crit = self.grid_model.criterion_at(current.column()) if current.isValid() else None
        target = (entry.use_case_id, crit.id) if entry is not None and crit is not None else None
        if target != self._rationale_target:
            self._commit_rationale()  # typed text belongs to the cell it was typed for
        self._show_rationale()

    def _on_selection_current_row_changed(self, current: QModelIndex, _previous: Any) -> None:
        entry = self.grid_model.use_case_at(current.row()) if current.isValid() else None
        self.current_changed.emit(entry.use_case_id if entry is not None else None)

    def _on_model_combo_index_changed(self, _index: int) -> None:
        if self._filling or self.ctx.readonly:
            return
        model_id = self.model_combo.currentData()
        if isinstance(model_id, int):
            self.ctx.run_edit(
                SetActiveModelCommand(self.ctx, model_id, name=self.model_combo.currentText())
            )

    def _on_models_button_clicked(self) -> None:
        from .models_dialog import ModelsDialog

        dialog = ModelsDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
