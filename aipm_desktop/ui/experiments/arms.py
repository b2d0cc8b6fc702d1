"""Two cards of the Design tab: the variants (arms) and the guardrail metrics.

:class:`VariantsPanel` lists the control and its 1..4 treatments with their allocation
(weight and share of units); a double click (or F2) edits a name, weight or description
in place; Add treatment, Remove, Move up / Move down act on the chosen arm (the first
one is the control). :class:`GuardrailsPanel` lists the metrics that must not get worse
with their worst acceptable change; Add…, Edit… (or a double click) open
:class:`GuardrailDialog`, Remove removes. Every change is one undo step, and the core's
refusal (two arms with one name, the last treatment removed) is shown as it words it.
"""

from __future__ import annotations

from typing import Any

import pydantic
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLineEdit,
    QTableView,
    QWidget,
)

from ...models.experiments import (
    MAX_VARIANTS,
    ExperimentGuardrail,
    ExperimentGuardrailBase,
    ExperimentVariant,
)
from ...services.experiments import ExperimentDetail, GuardrailInfo, VariantInfo
from ..context import AppContext
from ..widgets.builders import (
    TYPE_TO_EDIT,
    button,
    dialog_buttons,
    empty_state,
    form_layout,
    hbox,
    open_dialog,
    stacked,
    table_view,
    vbox,
)
from ..widgets.combos import choice_combo
from ..widgets.context_widgets import ContextDialog, ContextWidget
from ..widgets.dialog_parts import dialog_heading
from ..widgets.field_editors import parse_number
from ..widgets.form_hints import validation_text
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from ..widgets.row_list_model import Column, ColumnTableModel
from ..widgets.versioned import RowVersions, guard_edit, run_from_dialog
from .edits import (
    AddVariantCommand,
    DeleteGuardrailCommand,
    DeleteVariantCommand,
    ReorderVariantsCommand,
    SaveGuardrailCommand,
    UpdateVariantCommand,
)
from .figures import KIND_CHOICES, margin_text, share_text

DIRECTION_CHOICES = ((True, "Higher is better"), (False, "Lower is better"))
NO_GUARDRAILS = (
    "No guardrail metrics yet. Add the metrics that must not get worse (CSAT, latency, "
    "escalations) with the worst change you would accept."
)


def fit_rows(view: QTableView, rows: int) -> None:
    """Make ``view`` as tall as its header and its rows, at least ``rows`` of the default
    height (no inner scroll bar)."""
    if view.wordWrap():
        view.resizeRowsToContents()
    vertical = view.verticalHeader()
    body = max(vertical.length(), vertical.defaultSectionSize() * max(rows, 1))
    height = view.horizontalHeader().sizeHint().height() + body + 2 * view.frameWidth()
    view.setFixedHeight(height + 2)


def _setup(view: QTableView, stretch: int) -> None:
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    for column in range(view.model().columnCount()):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if column == stretch
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(column, mode)


class VariantsPanel(ContextWidget):
    """The arms of the shown experiment (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="variantsPanel")
        self.info: ExperimentDetail | None = None
        self.model: ColumnTableModel[VariantInfo] = ColumnTableModel(
            (
                Column("Variant", lambda v: v.name, edit=lambda v: v.name),
                Column("Role", lambda v: "Control" if v.is_control else "Treatment"),
                Column(
                    "Weight",
                    lambda v: f"{v.weight:g}",
                    edit=lambda v: v.weight,
                    align="right",
                    header_tip="Relative allocation weight: 1 and 1 is 50/50, 3 and 1 is 75/25",
                ),
                Column("Share", lambda v: share_text(v.share), align="right"),
                Column("Description", lambda v: v.description, edit=lambda v: v.description),
            ),
            self,
            key=lambda v: v.id,
        )
        self.table = table_view(self.model, "variantsTable", edit=TYPE_TO_EDIT)
        _setup(self.table, 4)
        self.add_button = button("Add treatment", self.add_treatment, name="addVariantButton")
        self.remove_button = button("Remove", self.remove_variant, name="removeVariantButton")
        self.up_button = button("Move up", lambda: self.move(-1), name="variantUpButton")
        self.down_button = button("Move down", lambda: self.move(1), name="variantDownButton")
        self.note = named_label("", "mutedLabel", wrap=True)
        vbox(
            self.table,
            hbox(self.add_button, self.remove_button, self.up_button, self.down_button, 1),
            self.note,
            spacing=6,
            margins=(0, 0, 0, 0),
            parent=self,
        )
        self.model.edited.connect(self._on_model_edited)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.update_actions())
        self.versions = RowVersions()

    def show_info(self, info: ExperimentDetail | None) -> None:
        row = self.current_row()
        self.info = info
        self.model.set_rows(info.variants if info is not None else ())
        self.versions.read(info.variants if info is not None else ())
        fit_rows(self.table, self.model.rowCount())
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if self.ctx.readonly else TYPE_TO_EDIT
        )
        self.note.setText(
            "The first arm is the control. Double-click a name, weight or description to "
            f"change it; an experiment has a control and 1 to {MAX_VARIANTS - 1} treatments."
        )
        self.update_actions()

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def update_actions(self) -> None:
        count = self.model.rowCount()
        row = self.current_row()
        writable = not self.ctx.readonly and self.info is not None
        why = READ_ONLY_WHY if self.ctx.readonly else "Choose a variant first."
        set_enabled_why(
            self.add_button,
            writable and count < MAX_VARIANTS,
            "Add a treatment arm with weight 1",
            why if not writable else f"An experiment has at most {MAX_VARIANTS} arms.",
        )
        set_enabled_why(
            self.remove_button,
            writable and row >= 0 and count > 2,
            "Remove the chosen arm and its results (Edit ▸ Undo brings them back)",
            why if row < 0 or not writable else "An experiment keeps a control and a treatment.",
        )
        set_enabled_why(self.up_button, writable and row > 0, "Move the chosen arm up", why)
        set_enabled_why(
            self.down_button, writable and 0 <= row < count - 1, "Move the chosen arm down", why
        )

    def add_treatment(self) -> bool:
        info = self.info
        if info is None or self.ctx.readonly:
            return False
        names = {v.name.casefold() for v in info.variants}
        number = len(info.variants)
        name = f"Treatment {number}" if number > 1 else "Treatment"
        while name.casefold() in names:
            number += 1
            name = f"Treatment {number}"
        return self.ctx.run_edit(AddVariantCommand(self.ctx, info.id, name))

    def remove_variant(self) -> bool:
        info, row = self.info, self.current_row()
        if info is None or row < 0 or self.ctx.readonly:
            return False
        return self.ctx.run_edit(DeleteVariantCommand(self.ctx, info.id, info.variants[row].id))

    def move(self, step: int) -> bool:
        info, row = self.info, self.current_row()
        if info is None or not 0 <= row + step < len(info.variants) or row < 0:
            return False
        ids = [v.id for v in info.variants]
        ids[row], ids[row + step] = ids[row + step], ids[row]
        if self.ctx.run_edit(ReorderVariantsCommand(self.ctx, info.id, ids)):
            self.table.selectRow(row + step)
            return True
        return False

    def _on_model_edited(self, row: int, column: int, value: object) -> None:
        info = self.info
        record = self.model.record_at(self.model.index(row, 0))
        if info is None or record is None:
            return
        field = {0: "name", 2: "weight", 4: "description"}[column]
        if field == "weight":
            try:
                value = parse_number(str(value))
            except ValueError:
                value = None
        elif isinstance(value, str):
            value = value.strip()
        if value == getattr(record, field) or value is None:
            return

        def make(values: dict[str, Any]) -> QUndoCommand:
            return UpdateVariantCommand(self.ctx, info.id, record.id, values)

        variant = ExperimentVariant
        label = {"name": "Variant", "weight": "Weight", "description": "Description"}.get
        self.ctx.run_edit(
            self.versions.guard(make, variant, record.id, {field: value}, label_for=label)
        )


class GuardrailsPanel(ContextWidget):
    """The guardrail metrics of the shown experiment (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="guardrailsPanel")
        self.info: ExperimentDetail | None = None
        self.dialog: GuardrailDialog | None = None
        self.model: ColumnTableModel[GuardrailInfo] = ColumnTableModel(
            (
                Column("Metric", lambda g: g.name),
                Column("Kind", lambda g: dict(KIND_CHOICES)[g.kind]),
                Column(
                    "Worst acceptable change",
                    margin_text,
                    header_tip="The non-inferiority margin: how much worse it may get",
                ),
                Column("Better when", lambda g: "higher" if g.higher_is_better else "lower"),
            ),
            self,
            key=lambda g: g.id,
        )
        self.table = table_view(self.model, "guardrailsTable")
        _setup(self.table, 0)
        self.table.doubleClicked.connect(lambda _i: self.edit_guardrail())
        self.empty = empty_state(NO_GUARDRAILS, margin=8)
        self.stack = stacked(self.empty, self.table)
        self.add_button = button("Add…", self.add_guardrail, name="addGuardrailButton")
        self.edit_button = button("Edit…", self.edit_guardrail, name="editGuardrailButton")
        self.remove_button = button("Remove", self.remove_guardrail, name="removeGuardrailButton")
        vbox(
            self.stack,
            hbox(self.add_button, self.edit_button, self.remove_button, 1),
            spacing=6,
            margins=(0, 0, 0, 0),
            parent=self,
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.update_actions())

    def show_info(self, info: ExperimentDetail | None) -> None:
        row = self.current_row()
        self.info = info
        rows = info.guardrails if info is not None else ()
        self.model.set_rows(rows)
        fit_rows(self.table, len(rows))
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self.stack.setFixedHeight(
            self.table.height() if rows else self.empty.sizeHint().height() + 8
        )
        if 0 <= row < len(rows):
            self.table.selectRow(row)
        self.update_actions()

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def current(self) -> GuardrailInfo | None:
        return self.model.record_at(self.table.currentIndex())

    def update_actions(self) -> None:
        writable = not self.ctx.readonly and self.info is not None
        chosen = self.current() is not None
        why = READ_ONLY_WHY if self.ctx.readonly else "Choose a guardrail first."
        set_enabled_why(self.add_button, writable, "Add a guardrail metric", why)
        set_enabled_why(self.edit_button, writable and chosen, "Change the chosen guardrail", why)
        set_enabled_why(self.remove_button, writable and chosen, "Remove the chosen guardrail", why)

    def add_guardrail(self) -> GuardrailDialog | None:
        return self._open(None)

    def edit_guardrail(self) -> GuardrailDialog | None:
        guardrail = self.current()
        return self._open(guardrail) if guardrail is not None else None

    def _open(self, guardrail: GuardrailInfo | None) -> GuardrailDialog | None:
        if self.info is None or self.ctx.readonly:
            return None
        dialog = GuardrailDialog(self.ctx, self.info.id, guardrail, self)
        return open_dialog(self, "dialog", dialog)

    def remove_guardrail(self) -> bool:
        guardrail = self.current()
        if self.info is None or guardrail is None or self.ctx.readonly:
            return False
        return self.ctx.run_edit(DeleteGuardrailCommand(self.ctx, self.info.id, guardrail.id))


MARGIN_UNITS = {
    ("proportion", False): "points (2 = a drop of 2 percentage points)",
    ("mean", False): "in the metric's units",
    ("proportion", True): "% of the control's value",
    ("mean", True): "% of the control's value",
}
#: A margin's unit after its number (the conflict dialog's "2 points", "5% of …").
MARGIN_SUFFIXES = {
    ("proportion", False): " points",
    ("mean", False): "",
    ("proportion", True): "% of the control's value",
    ("mean", True): "% of the control's value",
}


class GuardrailDialog(ContextDialog):
    """Add or change one guardrail metric: its name, kind, worst acceptable change
    (absolute, or relative to the control) and which direction is better. OK validates
    through the model and the core; a refusal is shown here and nothing is written."""

    def __init__(
        self,
        ctx: AppContext,
        experiment_id: int,
        guardrail: GuardrailInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Add a guardrail" if guardrail is None else "Edit the guardrail"
        super().__init__(ctx, parent, name="guardrailDialog", title=title, size=(520, 360))
        self.experiment_id = experiment_id
        self.guardrail = guardrail
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("guardrailName")
        self.name_edit.setPlaceholderText("e.g. CSAT, handle time, escalations")
        self.kind_combo = choice_combo(
            "guardrailKind", _swap(KIND_CHOICES), "proportion", self._on_kind_combo_index_changed
        )
        self.margin_edit = QLineEdit()
        self.margin_edit.setObjectName("guardrailMargin")
        self.margin_edit.setPlaceholderText("empty: reported, not judged")
        self.relative_check = QCheckBox("As a share of the control's value")
        self.relative_check.setObjectName("guardrailRelative")
        self.relative_check.toggled.connect(self._on_relative_check_toggled)
        self.direction_combo = choice_combo(
            "guardrailDirection", _swap(DIRECTION_CHOICES), True, lambda _i: None
        )
        self.unit = named_label("", "mutedLabel", wrap=True)
        heading, intro = dialog_heading(
            title,
            "A guardrail must not get worse by more than its margin: breached when its whole "
            "interval lies beyond it, inconclusive when the interval reaches past it.",
        )
        self.error = named_label("", "errorHint", wrap=True)
        self.error.setVisible(False)
        form = form_layout(
            ("Metric", self.name_edit),
            ("Kind", self.kind_combo),
            ("Worst change", self.margin_edit),
            ("", self.unit),
            ("", self.relative_check),
            ("Better when", self.direction_combo),
        )
        self.buttons = dialog_buttons(self, self._on_buttons_accepted)
        vbox(heading, intro, form, self.error, 1, self.buttons, parent=self)
        if guardrail is not None:
            self.name_edit.setText(guardrail.name)
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(guardrail.kind), 0))
            self.direction_combo.setCurrentIndex(
                max(self.direction_combo.findData(guardrail.higher_is_better), 0)
            )
            self.relative_check.setChecked(guardrail.relative)
            if guardrail.margin is not None:
                self.margin_edit.setText(f"{guardrail.margin * self._scale():g}")
        self._show_unit()

    def _scale(self) -> float:
        """Typed margin units per stored unit: percent for shares, 1 for a mean's units."""
        relative = self.relative_check.isChecked()
        return 100.0 if relative or self.kind_combo.currentData() == "proportion" else 1.0

    def _show_unit(self) -> None:
        key = (self.kind_combo.currentData(), self.relative_check.isChecked())
        self.unit.setText(MARGIN_UNITS[key])

    def values(self) -> dict[str, Any]:
        """What the dialog holds as guardrail fields; ValueError with the message."""
        try:
            margin = parse_number(self.margin_edit.text())
        except ValueError:
            raise ValueError("The worst change must be a number, e.g. 2 or 0.5.") from None
        return {
            "name": " ".join(self.name_edit.text().split()),
            "kind": self.kind_combo.currentData(),
            "margin": None if margin is None else margin / self._scale(),
            "relative": self.relative_check.isChecked(),
            "higher_is_better": bool(self.direction_combo.currentData()),
        }

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _on_kind_combo_index_changed(self, _index: int) -> None:
        self._show_unit()

    def _on_relative_check_toggled(self, _checked: bool) -> None:
        self._show_unit()

    def _on_buttons_accepted(self) -> None:
        try:
            values = self.values()
            ExperimentGuardrailBase.model_validate({**values, "experiment_id": self.experiment_id})
        except pydantic.ValidationError as error:
            self.show_error(validation_text(error, _guardrail_label))
            return
        except ValueError as error:
            self.show_error(str(error))
            return
        command = self._save_command(values)
        if command is not None and not run_from_dialog(self.ctx, command, self):
            self.show_error(str(command.error))
            return
        self.accept()

    def _save_command(self, values: dict[str, Any]) -> QUndoCommand | None:
        """The edit storing ``values``: a new guardrail, or the fields changed of the one
        shown, against the version read (None: nothing changed)."""
        guardrail = self.guardrail
        if guardrail is None:
            return SaveGuardrailCommand(self.ctx, self.experiment_id, None, values)
        changed = {k: v for k, v in values.items() if getattr(guardrail, k) != v}
        if not changed:
            return None

        def make(fields: dict[str, Any]) -> QUndoCommand:
            return SaveGuardrailCommand(self.ctx, self.experiment_id, guardrail.id, fields)

        def show(field: str, value: Any) -> str | None:
            """A margin as typed (in percent or points for a share), with its unit."""
            if field != "margin" or value is None:
                return None
            key = (self.kind_combo.currentData(), self.relative_check.isChecked())
            return f"{value * self._scale():g}{MARGIN_SUFFIXES[key]}"

        model = ExperimentGuardrail
        label = _guardrail_label
        return guard_edit(
            make, model, guardrail.id, changed, guardrail.version, label_for=label, show=show
        )


def _swap(choices: Any) -> list[tuple[str, Any]]:
    """``(value, label)`` pairs as the ``(label, value)`` items a choice combo takes."""
    return [(label, value) for value, label in choices]


def _guardrail_label(field: str) -> str:
    return {"name": "Metric", "margin": "Worst change"}.get(field, "")
