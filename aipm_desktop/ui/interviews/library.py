"""Case library tab: the case exercises and the scorecard (dimensions, weights, levels, signals).

A case may carry a sample answer and its reference ratings (:mod:`.references`), which
make it a calibration case; "Export pack…" and "Import pack…" share a case with its
scorecard as one zip (:mod:`.packs`), never with candidates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTableWidgetItem,
    QWidget,
)

from ...errors import UserError
from ...models import CaseExercise, ScorecardDimension, ScorecardSignal
from ...models.enums import SignalKind
from ...services import interviews as iv
from ...services.changes import Changes
from ..context import AppContext
from ..undo import CreateRecordCommand, DeleteRecordCommand
from ..widgets.area_tabs import area_tabs
from ..widgets.builders import (
    LABELS_RIGHT_TOP,
    button,
    button_row,
    line_edit,
    panel,
    resize_columns,
    scroll_area,
    splitter,
    stacked,
    table,
    vbox,
)
from ..widgets.page_header import named_label
from ..widgets.roles import ID_ROLE as USER_ROLE
from ..widgets.versioned import RowVersions
from . import packs
from .references import ReferenceEditor
from .widgets import (
    NotesEdit,
    clear_layout,
    empty_state,
    list_id,
    muted_label,
    refill_list,
    row_of,
    section_label,
)

EXERCISE_TEXTS = {
    "prompt": ("Prompt", "What the candidate is asked to do"),
    "materials": ("Materials (markdown)", "Hand-outs: scenario, data pack, risk brief…"),
    "expected_outputs": ("Expected outputs", "What a strong answer contains (interviewer only)"),
    "sample_answer": (
        "Sample answer (markdown)",
        "A recorded answer interviewers score in calibration sessions (Calibration tab)",
    ),
}
KIND_LABELS = {
    SignalKind.STRONG: "Strong",
    SignalKind.WEAK: "Weak",
    SignalKind.RED_FLAG: "Red flag",
}
KIND_COLOURS = {SignalKind.STRONG: "#1e7b45", SignalKind.WEAK: "#8a5a00",
                SignalKind.RED_FLAG: "#b71c1c"}  # fmt: skip


class ExercisesEditor(QWidget):
    """List of case exercises and an editor for the selected one."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.versions = RowVersions()
        self.ctx = ctx
        self._exercise: iv.ExerciseInfo | None = None
        self.list = QListWidget()
        self.list.setObjectName("exerciseList")
        self.list.currentItemChanged.connect(lambda *_: self._show())
        self.new_button = button("New exercise", self._on_new_button_clicked, name="primaryButton")
        self.delete_button = button("Delete", self._on_delete_button_clicked)
        self.export_pack_button = button(
            "Export pack…",
            self._on_export_pack_button_clicked,
            name="exportPackButton",
            tip="Write the selected case with its materials and scorecard as one zip (no "
            "candidate data), to share with another hiring team",
        )
        self.import_pack_button = button(
            "Import pack…",
            self._on_import_pack_button_clicked,
            name="importPackButton",
            tip="Add a case from a case pack (checked whole first; undoable)",
        )
        left = panel(
            button_row(self.new_button, self.delete_button),
            button_row(self.export_pack_button, self.import_pack_button),
            (self.list, 1),
        )
        self.import_question: object = None
        self._card_id: int | None = None

        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("exerciseTitle")
        self.title_edit.setMaxLength(200)
        self.title_edit.editingFinished.connect(self._on_title_edit_editing_finished)
        self.time_box = QSpinBox()
        self.time_box.setObjectName("exerciseTimeBox")
        self.time_box.setRange(5, 480)
        self.time_box.setSuffix(" min")
        self.time_box.setKeyboardTracking(False)
        self.time_box.valueChanged.connect(self._on_time_box_value_changed)
        self.built_in_label = muted_label("")
        self.texts: dict[str, NotesEdit] = {}
        form = QFormLayout()
        form.setLabelAlignment(LABELS_RIGHT_TOP)
        form.addRow("Title", self.title_edit)
        form.addRow("Time box", self.time_box)
        for field, (label, placeholder) in EXERCISE_TEXTS.items():
            edit = NotesEdit()
            edit.setObjectName(f"exercise_{field}")
            edit.setPlaceholderText(placeholder)
            edit.setMinimumHeight(150 if field == "materials" else 80)
            edit.editing_finished.connect(lambda f=field: self._on_text_editing_finished(f))
            form.addRow(label, edit)
            self.texts[field] = edit
        self.dimension_boxes: dict[str, QCheckBox] = {}
        self.dimension_grid = QGridLayout()
        self.dimension_grid.setContentsMargins(0, 0, 0, 0)
        dims = QWidget()
        dims.setLayout(self.dimension_grid)
        form.addRow("Dimensions probed", dims)
        self.references = ReferenceEditor(ctx)
        self.references_hint = muted_label(
            "The level the sample answer deserves on each dimension: with a sample answer "
            "and these set, the case appears in the Calibration tab."
        )

        editor = panel(
            self.built_in_label,
            form,
            section_label("Reference ratings of the sample answer"),
            self.references_hint,
            self.references,
            1,
            name="pageContent",
            margins=(8, 0, 12, 12),
        )
        scroll = scroll_area(editor)
        self.empty_label = empty_state(
            "No case exercises. Press New exercise to write one: a prompt, materials to "
            "hand out, the expected outputs and a time box."
        )
        self.stack = stacked(self.empty_label, scroll)
        self._editor = scroll
        split = splitter(left, self.stack, sizes=(280, 800), stretch=(0, 1), collapsible=False)
        vbox(split, margins=(0, 8, 0, 0), parent=self)
        self.reload()

    def current_id(self) -> int | None:
        return list_id(self.list)

    def reload(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        refill_list(
            self.list,
            (
                (QListWidgetItem(ex.title + ("  · built in" if ex.built_in else "")), ex.id)
                for ex in iv.list_exercises(ws=ws)
            ),
        )
        self._card_id = None
        self._show()

    def _card(self, ex: iv.ExerciseInfo) -> iv.ScorecardInfo | None:
        ws = self.ctx.workspace
        try:
            return None if ws is None else iv.scorecard_info(ws=ws, scorecard_id=ex.scorecard_id)
        except UserError:
            return None

    def _fill_dimensions(self, card: iv.ScorecardInfo | None) -> None:
        clear_layout(self.dimension_grid)
        self.dimension_boxes.clear()
        if card is None:
            return
        for index, dim in enumerate(card.dimensions):
            box = QCheckBox(dim.name.replace("&", "&&"))  # "&" is not a mnemonic
            box.setObjectName("probedDimension")
            box.clicked.connect(self._on_dimension_box_clicked)
            self.dimension_grid.addWidget(box, index // 2, index % 2)
            self.dimension_boxes[dim.key] = box

    def _show(self) -> None:
        ws = self.ctx.workspace
        exercise_id = self.current_id()
        readonly = self.ctx.readonly
        self.new_button.setEnabled(not readonly)
        self.import_pack_button.setEnabled(not readonly)
        self.export_pack_button.setEnabled(exercise_id is not None)
        if ws is None or exercise_id is None:
            self._exercise = None
            self.delete_button.setEnabled(False)
            self.stack.setCurrentWidget(self.empty_label)
            return
        try:
            ex = iv.get_exercise(ws=ws, exercise_id=exercise_id)
        except UserError:
            self.stack.setCurrentWidget(self.empty_label)
            return
        typing = (self.title_edit.hasFocus() and self.title_edit.isModified()) or any(
            edit.hasFocus() and edit.is_modified() for edit in self.texts.values()
        )
        if not (typing and self._exercise is not None and self._exercise.id == ex.id):
            self.versions.read([ex])  # (typing in a field: saving it expects what was read)
        self._exercise = ex
        card = self._card(ex)
        if card is not None and card.id != self._card_id:
            self._fill_dimensions(card)
            self._card_id = card.id
        if card is not None:
            self.references.show_case(ex, card)
        self.stack.setCurrentWidget(self._editor)
        self.delete_button.setEnabled(not readonly and not ex.built_in)
        self.built_in_label.setText(
            "Built-in exercise from the AI PM hiring guide; your edits are kept in this workspace."
            if ex.built_in
            else "Your own exercise."
        )
        if not (self.title_edit.hasFocus() and self.title_edit.isModified()):
            self.title_edit.setText(ex.title)
            self.title_edit.setModified(False)
        self.time_box.blockSignals(True)
        self.time_box.setValue(ex.time_box_minutes)
        self.time_box.blockSignals(False)
        for field, edit in self.texts.items():
            edit.set_text(getattr(ex, field))
            edit.setReadOnly(readonly)
        for key, box in self.dimension_boxes.items():
            box.setChecked(key in ex.dimension_keys)
            box.setEnabled(not readonly)
        self.title_edit.setReadOnly(readonly)
        self.time_box.setReadOnly(readonly)

    def _update(self, data: dict, text: str) -> None:
        if self._exercise is None:
            return
        if not self.ctx.run_edit(
            self.versions.update(self.ctx, CaseExercise, self._exercise.id, data, text=text)
        ):
            self._show()

    def _on_title_edit_editing_finished(self) -> None:
        if self.title_edit.isModified():
            self.title_edit.setModified(False)
            self._update({"title": self.title_edit.text().strip()}, "rename exercise")

    def _on_time_box_value_changed(self, value: int) -> None:
        if self._exercise is None or self._exercise.id != self.current_id():
            return
        self.ctx.run_edit(
            self.versions.update(
                self.ctx,
                CaseExercise,
                self._exercise.id,
                {"time_box_minutes": value},
                text="edit exercise time box",
                merge=True,
            )
        )

    def _on_text_editing_finished(self, field: str) -> None:
        label = EXERCISE_TEXTS[field][0].split(" (")[0].lower()
        self._update({field: self.texts[field].toPlainText()}, f"edit exercise {label}")

    def _on_dimension_box_clicked(self) -> None:
        keys = [key for key, box in self.dimension_boxes.items() if box.isChecked()]
        self._update({"dimension_keys": keys}, "edit dimensions probed")

    def _on_new_button_clicked(self) -> None:
        ws = self.ctx.workspace
        keys: list[str] = []
        if ws is not None:
            try:
                keys = [d.key for d in iv.scorecard_info(ws=ws).dimensions]
            except UserError:
                keys = []
        command = CreateRecordCommand(
            self.ctx,
            CaseExercise,
            {"title": "New case exercise", "time_box_minutes": 45, "dimension_keys": keys},
            text="add case exercise",
        )
        if self.ctx.run_edit(command) and command.record_id is not None:
            self.select(command.record_id)
            self.title_edit.setFocus()
            self.title_edit.selectAll()

    def _on_delete_button_clicked(self) -> None:
        if self._exercise is not None and not self._exercise.built_in:
            self.ctx.run_edit(DeleteRecordCommand(self.ctx, CaseExercise, self._exercise.id))

    def _on_export_pack_button_clicked(self) -> None:
        if self._exercise is not None:
            packs.ask_export(self.ctx, self, self._exercise.id, self._exercise.title)

    def _on_import_pack_button_clicked(self) -> None:
        self.import_pack(None)

    def import_pack(self, path: Path | None) -> object:
        """Import a case pack (asking for the file when ``path`` is None) and select the
        new case; returns the command, the question asked first, or None."""
        result = (
            packs.import_from(self.ctx, self, path) if path else packs.ask_import(self.ctx, self)
        )
        self.import_question = result
        record = getattr(result, "record_id", None)
        if record is not None:
            self.select(record)
        return result

    def select(self, exercise_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(USER_ROLE) == exercise_id:
                self.list.setCurrentRow(row)


class ScorecardEditor(QWidget):
    """Dimensions (name, weight with the normalised share, meets-the-bar, 4 levels) and
    signals of the default scorecard."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dimension_versions = RowVersions()
        self.signal_versions = RowVersions()
        self.ctx = ctx
        self.card: iv.ScorecardInfo | None = None
        self._filling = False

        self.title = named_label("", "scorecardName")
        self.dimensions = table(["Dimension", "Weight", "Share"], "dimensionTable")
        resize_columns(self.dimensions, stretch=(0,), fit=(1, 2))
        self.dimensions.itemChanged.connect(self._on_dimensions_item_changed)
        self.dimensions.currentCellChanged.connect(lambda *_: self._show_dimension())
        self.add_dimension = button("Add dimension", self._on_add_dimension_clicked)
        self.remove_dimension = button("Remove", self._on_remove_dimension_clicked)

        self.meets_bar = QLineEdit()
        self.meets_bar.setObjectName("meetsBarEdit")
        self.meets_bar.setPlaceholderText("What meeting the bar looks like")
        self.meets_bar.editingFinished.connect(self._on_meets_bar_editing_finished)
        self.level_edits: list[QLineEdit] = []
        level_form = QFormLayout()
        level_form.addRow("Meets the bar", self.meets_bar)
        for level in iv.LEVELS:
            edit = line_edit(f"levelEdit{level}", f"What a {level} looks like")
            edit.editingFinished.connect(self._on_level_editing_finished)
            level_form.addRow(f"Level {level}", edit)
            self.level_edits.append(edit)

        self.signals = table(["Kind", "Signal"], "signalTable", single=False)
        resize_columns(self.signals, stretch=(1,), fit=(0,))
        self.signals.itemChanged.connect(self._on_signals_item_changed)
        self.signal_kind = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.signal_kind.addItem(label, kind.value)
        self.add_signal = button("Add signal", self._on_add_signal_clicked)
        self.remove_signal = button("Remove", self._on_remove_signal_clicked)

        left = panel(
            self.title,
            muted_label("Weights are normalised: Share is each weight as a % of their sum."),
            (self.dimensions, 1),
            button_row(self.add_dimension, self.remove_dimension),
            section_label("Selected dimension"),
            level_form,
        )
        right = panel(
            section_label("Signals interviewers can tick"),
            (self.signals, 1),
            button_row(self.signal_kind, self.add_signal, self.remove_signal),
        )
        split = splitter(left, right, sizes=(560, 520), collapsible=False)
        self.empty_label = empty_state("This workspace has no scorecard.")
        self.stack = stacked(self.empty_label, split)
        self._content = split
        vbox(self.stack, margins=(0, 8, 0, 0), parent=self)
        self.reload()

    def current_dimension(self) -> iv.DimensionInfo | None:
        return row_of(self.dimensions, None if self.card is None else self.card.dimensions)

    def reload(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        try:
            self.card = card = iv.scorecard_info(ws=ws)
            self.dimension_versions.read(card.dimensions)  # edits expect what is shown
            self.signal_versions.read(card.signals)
        except UserError:
            self.card = None
            self.stack.setCurrentWidget(self.empty_label)
            return
        self.stack.setCurrentWidget(self._content)
        self.title.setText(f"<b>{card.name}</b>")
        readonly = self.ctx.readonly
        row = max(self.dimensions.currentRow(), 0)
        self._filling = True
        try:
            self.dimensions.setRowCount(len(card.dimensions))
            for index, dim in enumerate(card.dimensions):
                name = QTableWidgetItem(dim.name)
                weight = QTableWidgetItem(f"{dim.weight:g}")
                weight.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                share = QTableWidgetItem(f"{dim.weight_pct:.1f}%")
                share.setFlags(share.flags() & ~Qt.ItemFlag.ItemIsEditable)
                share.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if readonly:
                    for item in (name, weight):
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.dimensions.setItem(index, 0, name)
                self.dimensions.setItem(index, 1, weight)
                self.dimensions.setItem(index, 2, share)
            self.signals.setRowCount(len(card.signals))
            order = {SignalKind.STRONG: 0, SignalKind.WEAK: 1, SignalKind.RED_FLAG: 2}
            signals = sorted(card.signals, key=lambda s: (order.get(s.kind, 3), s.position, s.id))
            for index, signal in enumerate(signals):
                kind = QTableWidgetItem(KIND_LABELS.get(signal.kind, signal.kind))
                kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
                kind.setForeground(QColor(KIND_COLOURS.get(signal.kind, "#323f4b")))
                text = QTableWidgetItem(signal.text)
                text.setData(USER_ROLE, signal.id)
                if readonly:
                    text.setFlags(text.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.signals.setItem(index, 0, kind)
                self.signals.setItem(index, 1, text)
        finally:
            self._filling = False
        if card.dimensions:
            self.dimensions.setCurrentCell(min(row, len(card.dimensions) - 1), 0)
        self._show_dimension()
        for widget in (self.add_dimension, self.remove_dimension, self.add_signal,
                       self.remove_signal):  # fmt: skip
            widget.setEnabled(not readonly)

    def _show_dimension(self) -> None:
        dim = self.current_dimension()
        readonly = self.ctx.readonly
        edits = [self.meets_bar, *self.level_edits]
        for edit in edits:
            edit.setEnabled(dim is not None)
            edit.setReadOnly(readonly)
        if dim is None:
            return
        values = [dim.meets_bar, *(dim.levels if len(dim.levels) == 4 else ("",) * 4)]
        for edit, value in zip(edits, values, strict=True):
            if not (edit.hasFocus() and edit.isModified()):
                edit.setText(value)
                edit.setCursorPosition(0)
                edit.setModified(False)

    def _update_dimension(self, dimension_id: int, data: dict, text: str) -> None:
        self._update(self.dimension_versions, ScorecardDimension, dimension_id, data, text=text)

    def _update(
        self, versions: RowVersions, model: type, row_id: int, data: dict, **options: Any
    ) -> None:
        """Store ``data`` on a row shown, against the version read (the table shows the
        stored rows again when the edit is refused)."""
        if not self.ctx.run_edit(versions.update(self.ctx, model, row_id, data, **options)):
            self.reload()

    def _on_dimensions_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or self.card is None:
            return
        dim = self.card.dimensions[item.row()]
        if item.column() == 0:
            name = item.text().strip()
            if name != dim.name:
                self._update_dimension(dim.id, {"name": name}, "rename dimension")
        elif item.column() == 1:
            try:
                weight = float(item.text().replace("%", "").strip())
            except ValueError:
                self.ctx.show_error(UserError(f"{item.text()!r} is not a number; weights are > 0."))
                self.reload()
                return
            if weight != dim.weight:
                self._update_dimension(dim.id, {"weight": weight}, "edit dimension weight")

    def _on_meets_bar_editing_finished(self) -> None:
        dim = self.current_dimension()
        if dim is None or not self.meets_bar.isModified():
            return
        self.meets_bar.setModified(False)
        self._update_dimension(
            dim.id, {"meets_bar": self.meets_bar.text().strip()}, "edit meets the bar"
        )

    def _on_level_editing_finished(self) -> None:
        dim = self.current_dimension()
        if dim is None or not any(e.isModified() for e in self.level_edits):
            return
        for edit in self.level_edits:
            edit.setModified(False)
        levels = [e.text().strip() for e in self.level_edits]
        self._update_dimension(dim.id, {"levels": levels}, "edit level descriptions")

    def _on_add_dimension_clicked(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.card is None:
            return
        name = "New dimension"
        self.ctx.run_edit(
            CreateRecordCommand(
                self.ctx,
                ScorecardDimension,
                {
                    "scorecard_id": self.card.id,
                    "key": iv.new_dimension_key(ws=ws, scorecard_id=self.card.id, name=name),
                    "name": name,
                    "weight": 10,
                    "levels": ["", "", "", ""],
                    "position": len(self.card.dimensions),
                },
                text="add dimension",
            )
        )
        if self.card is not None and self.card.dimensions:
            self.dimensions.setCurrentCell(len(self.card.dimensions) - 1, 0)

    def _on_remove_dimension_clicked(self) -> None:
        dim = self.current_dimension()
        if dim is not None:
            self.ctx.run_edit(
                DeleteRecordCommand(
                    self.ctx, ScorecardDimension, dim.id, text=f"remove dimension '{dim.name}'"
                )
            )

    def _on_signals_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 1:
            return
        signal_id = item.data(USER_ROLE)
        text = item.text().strip()
        if not text:
            self.ctx.show_error(UserError("A signal needs some text; remove it instead."))
            self.reload()
            return
        self._update(
            self.signal_versions,
            ScorecardSignal,
            signal_id,
            {"text": text},
            text="edit signal",
            label_for=lambda _field: "Signal",
        )

    def _on_add_signal_clicked(self) -> None:
        if self.card is None:
            return
        kind = self.signal_kind.currentData()
        position = len(self.card.signals_of(kind))
        self.ctx.run_edit(
            CreateRecordCommand(
                self.ctx,
                ScorecardSignal,
                {
                    "scorecard_id": self.card.id,
                    "kind": kind,
                    "text": "New signal",
                    "position": position,
                },
                text=f"add {KIND_LABELS[SignalKind(kind)].lower()} signal",
            )
        )

    def _on_remove_signal_clicked(self) -> None:
        item = self.signals.item(self.signals.currentRow(), 1)
        if item is not None:
            self.ctx.run_edit(
                DeleteRecordCommand(
                    self.ctx, ScorecardSignal, item.data(USER_ROLE), text="remove signal"
                )
            )


class CaseLibraryTab(QWidget):
    """Case exercises and the scorecard, in two sub-tabs."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.exercises = ExercisesEditor(ctx)
        self.scorecard = ScorecardEditor(ctx)
        tabs = area_tabs((self.exercises, "Case exercises"), (self.scorecard, "Scorecard"))
        tabs.setObjectName("libraryTabs")
        self.tabs = tabs
        vbox(tabs, margins=(16, 8, 16, 12), parent=self)
        ctx.changed.connect(self._on_ctx_changed)

    def _on_ctx_changed(self, changes: Changes) -> None:
        if changes.touches("case_exercise", "scorecard_dimension", "scorecard", "reference_rating"):
            self.exercises.reload()
        if changes.touches("scorecard", "scorecard_dimension", "scorecard_signal"):
            self.scorecard.reload()
