"""The scoring models dialog: pick the active model, copy one, edit its criteria.

Criteria names, directions and weights are edited in the table (the share column shows
each weight as a % of the model's total, normalised); the five anchored level
descriptions of the selected criterion below it. Every edit is an undoable
:class:`~aipm_desktop.ui.undo.UpdateRecordCommand` on the criterion; making a model active
and copying one are :class:`SetActiveModelCommand` and :class:`CopyModelCommand`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...models import Criterion
from ...models.enums import Direction
from ...services import scoring
from ...services.scoring import CriterionInfo
from ..context import AppContext
from ..widgets.builders import line_edit
from ..widgets.choice_delegate import VALUE_ROLE, ChoiceDelegate, NumberDelegate
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import dialog_heading
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from ..widgets.versioned import RowVersions
from .edits import CopyModelCommand, SetActiveModelCommand

MODEL_ROLE = Qt.ItemDataRole.UserRole
ACTIVATE_TIP = "Rank and score every use case with this model"
COPY_TIP = "Copy this model (criteria, weights and scores) to experiment with"
COLUMNS = ("Criterion", "Group", "Direction", "Weight", "Share")
DIRECTIONS = (
    (Direction.BENEFIT.value, "Benefit (higher is better)"),
    (Direction.COST.value, "Cost (counts against)"),
)


class ModelsDialog(ContextDialog):
    """Scoring models of the workspace and the criteria of the selected one."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="modelsDialog", title="Scoring models", size=(980, 620))
        self.versions = RowVersions()  # of the criteria shown: an edit expects them
        self.criteria: list[CriterionInfo] = []
        self._row_ids: list[int] = []
        self._filling = False

        heading, intro = dialog_heading(
            "Scoring models",
            "The active model scores and ranks the use cases. Copy a model to experiment "
            "with other weights without losing the original; the copy keeps every score.",
        )

        self.model_list = QListWidget()
        self.model_list.setObjectName("modelList")
        self.model_list.setMinimumWidth(240)
        self.model_list.currentItemChanged.connect(self._on_model_list_current_item_changed)
        self.activate_button = QPushButton("Make active")
        self.activate_button.setObjectName("activateModelButton")
        self.activate_button.clicked.connect(self._on_activate_button_clicked)
        self.copy_button = QPushButton("Copy…")
        self.copy_button.setObjectName("copyModelButton")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        left_buttons = QHBoxLayout()
        left_buttons.addWidget(self.activate_button)
        left_buttons.addWidget(self.copy_button)
        left = QVBoxLayout()
        left.addWidget(self.model_list, 1)
        left.addLayout(left_buttons)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("criteriaTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 16)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self._direction_delegate = ChoiceDelegate(DIRECTIONS, self.table)
        self.table.setItemDelegateForColumn(2, self._direction_delegate)
        self.table.setItemDelegateForColumn(3, NumberDelegate(0.1, 1000, 1, self.table))
        self.table.itemChanged.connect(self._on_table_item_changed)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)

        self.level_title = named_label("Levels", "sectionTitle")
        self.level_edits: list[QLineEdit] = []
        levels_form = QFormLayout()
        levels_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for level in range(1, 6):
            edit = line_edit(f"level{level}Edit", f"What level {level} means")
            edit.editingFinished.connect(self._on_level_editing_finished)
            levels_form.addRow(f"{level}", edit)
            self.level_edits.append(edit)

        right = QVBoxLayout()
        right.addWidget(self.table, 1)
        right.addWidget(self.level_title)
        right.addLayout(levels_form)

        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)

        ctx.watch(self, ("criterion", "scoring_model", "settings"), self.reload_models)
        self.reload_models()

    # -- loading --------------------------------------------------------------------------

    def selected_model(self) -> int | None:
        item = self.model_list.currentItem()
        value = item.data(MODEL_ROLE) if item is not None else None
        return value if isinstance(value, int) else None

    def reload_models(self, select: int | None = None) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        keep = select if select is not None else self.selected_model()
        active = scoring.active_model_id(ws=ws)
        self.model_list.blockSignals(True)
        self.model_list.clear()
        for model_id, name, preset in scoring.list_models(ws=ws):
            text = name + (" (preset)" if preset else "")
            if model_id == active:
                text = f"● {text} — active"
            item = QListWidgetItem(text)
            item.setData(MODEL_ROLE, model_id)
            self.model_list.addItem(item)
            if model_id == (keep if keep is not None else active):
                self.model_list.setCurrentItem(item)
        self.model_list.blockSignals(False)
        self.reload_criteria()

    def reload_criteria(self) -> None:
        ws = self.ctx.workspace
        model_id = self.selected_model()
        if ws is None or model_id is None:
            return
        readonly = self.ctx.readonly
        active = model_id == scoring.active_model_id(ws=ws)
        why = READ_ONLY_WHY if readonly else "This model is already the active one."
        set_enabled_why(self.activate_button, not readonly and not active, ACTIVATE_TIP, why)
        set_enabled_why(self.copy_button, not readonly, COPY_TIP, READ_ONLY_WHY)
        row = max(self.table.currentRow(), 0)
        self.criteria = scoring.model_criteria(ws=ws, model_id=model_id)
        self.versions.read(self.criteria)
        same_rows = [c.id for c in self.criteria] == self._row_ids
        self._row_ids = [c.id for c in self.criteria]
        self._filling = True
        try:
            if same_rows:
                self._update_rows()
            else:
                self._build_rows(readonly)
        finally:
            self._filling = False
        if self.criteria:
            self.table.setCurrentCell(min(row, len(self.criteria) - 1), 0)
        self._show_levels()

    def _build_rows(self, readonly: bool) -> None:
        self.table.setRowCount(len(self.criteria))
        for r, crit in enumerate(self.criteria):
            name = QTableWidgetItem(crit.name)
            name.setToolTip(crit.description)
            if readonly:
                name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 0, name)
            self.table.setItem(r, 1, _fixed(crit.group))
            direction = QTableWidgetItem(self._direction_delegate.label(crit.direction))
            direction.setData(VALUE_ROLE, str(crit.direction))
            direction.setToolTip("Double click to change")
            weight = QTableWidgetItem(NumberDelegate.text(crit.weight))
            weight.setData(VALUE_ROLE, float(crit.weight))
            weight.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            weight.setToolTip("Double click or type to change the weight")
            for column, cell in ((2, direction), (3, weight)):
                if readonly:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, column, cell)
            share = _fixed(f"{crit.weight_pct:.1f}%")
            share.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            share.setToolTip("The weight as a share of the model's total weight")
            self.table.setItem(r, 4, share)

    def _update_rows(self) -> None:
        """Same criteria as shown: update the values in place (keeps focus and editors)."""
        for r, crit in enumerate(self.criteria):
            item = self.table.item(r, 0)
            if item is not None and item.text() != crit.name:
                item.setText(crit.name)
            direction = self.table.item(r, 2)
            if direction is not None and direction.data(VALUE_ROLE) != str(crit.direction):
                direction.setData(VALUE_ROLE, str(crit.direction))
                direction.setText(self._direction_delegate.label(str(crit.direction)))
            weight = self.table.item(r, 3)
            if weight is not None and weight.data(VALUE_ROLE) != float(crit.weight):
                weight.setData(VALUE_ROLE, float(crit.weight))
                weight.setText(NumberDelegate.text(crit.weight))
            share = self.table.item(r, 4)
            if share is not None:
                share.setText(f"{crit.weight_pct:.1f}%")

    def current_criterion(self) -> CriterionInfo | None:
        row = self.table.currentRow()
        return self.criteria[row] if 0 <= row < len(self.criteria) else None

    def _show_levels(self) -> None:
        crit = self.current_criterion()
        self.level_title.setText(
            f"Levels of “{crit.name}” (anchored descriptions)" if crit else "Levels"
        )
        levels = list(crit.levels) if crit is not None else []
        for i, edit in enumerate(self.level_edits):
            if not (edit.hasFocus() and edit.isModified()):
                edit.setText(levels[i] if i < len(levels) else "")
                edit.setModified(False)
            edit.setReadOnly(self.ctx.readonly or crit is None)

    # -- edits ----------------------------------------------------------------------------

    def _update(self, criterion_id: int, data: dict, *, merge: bool = True) -> None:
        if self.ctx.readonly:
            return
        command = self.versions.update(self.ctx, Criterion, criterion_id, data, merge=merge)
        if not self.ctx.run_edit(command):
            self.reload_criteria()

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() not in (0, 2, 3):
            return
        crit = self.criteria[item.row()] if item.row() < len(self.criteria) else None
        if crit is None:
            return
        if item.column() == 2:
            value = item.data(VALUE_ROLE)
            if value is not None and value != str(crit.direction):
                self._update(crit.id, {"direction": Direction(value)})
            return
        if item.column() == 3:
            value = item.data(VALUE_ROLE)
            if value is not None and float(value) != float(crit.weight):
                self._update(crit.id, {"weight": float(value)})
            return
        name = item.text().strip()
        if not name:
            self.reload_criteria()
            return
        if name != crit.name:
            self._update(crit.id, {"name": name})

    def _on_level_editing_finished(self) -> None:
        crit = self.current_criterion()
        if crit is None or self.ctx.readonly:
            return
        levels = [edit.text().strip() for edit in self.level_edits]
        for edit in self.level_edits:
            edit.setModified(False)
        if levels == list(crit.levels):
            return
        if not all(levels):
            self._show_levels()
            return
        self._update(crit.id, {"levels": levels}, merge=False)

    def _on_table_current_cell_changed(self, row: int, _c: int, previous: int, _p: int) -> None:
        if row != previous:
            self._show_levels()

    def _on_model_list_current_item_changed(self, *_args: object) -> None:
        self.reload_criteria()

    def _on_activate_button_clicked(self) -> None:
        model_id = self.selected_model()
        item = self.model_list.currentItem()
        if model_id is None or item is None:
            return
        name = next(
            (
                n
                for m, n, _p in scoring.list_models(ws=self.ctx.require_workspace())
                if m == model_id
            ),
            "",
        )
        self.ctx.run_edit(SetActiveModelCommand(self.ctx, model_id, name=name))

    def _on_copy_button_clicked(self) -> None:
        model_id = self.selected_model()
        ws = self.ctx.workspace
        if model_id is None or ws is None:
            return
        name = scoring.model_name(ws=ws, model_id=model_id)
        new_name, ok = QInputDialog.getText(
            self, "Copy scoring model", "Name of the copy:", text=f"{name} (copy)"
        )
        if ok and new_name.strip():
            self.copy_model(model_id, new_name.strip())

    def copy_model(self, model_id: int, name: str) -> int | None:
        """Copy ``model_id`` as ``name`` (undoable) and select the copy."""
        command = CopyModelCommand(self.ctx, model_id, name)
        if self.ctx.run_edit(command) and command.record_id is not None:
            self.reload_models(select=command.record_id)
            return command.record_id
        return None


def _fixed(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item
