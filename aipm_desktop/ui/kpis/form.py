"""The detail form of one tracked KPI: every field, committed as the user leaves it.

Each edit is one :class:`~aipm_desktop.ui.undo.UpdateRecordCommand`. Input is checked with
the same pydantic class the service uses before anything is pushed, so an invalid value
shows a red message under the field and nothing is written. The four numbers (baseline,
target, warning, critical) commit together when the focus leaves their row, so they can be
typed in any order; when they are out of order the message stays and the typed numbers are
kept for the user to fix (they are not stored until they are valid).
"""

from __future__ import annotations

from typing import Any

import pydantic
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...models import Kpi
from ...models.enums import Frequency, KpiDirection
from ...models.kpis import KpiBase
from ...services import records
from ...services import usecases as usecases_service
from ..context import AppContext
from ..undo import UpdateRecordCommand
from ..widgets.form_hints import HintRows, validation_text

FIELD_HEIGHT = 28
DIRECTION_LABELS = {
    KpiDirection.HIGHER_IS_BETTER: "Higher is better",
    KpiDirection.LOWER_IS_BETTER: "Lower is better",
}
FREQUENCY_LABELS = {
    Frequency.DAILY: "Daily",
    Frequency.WEEKLY: "Weekly",
    Frequency.BIWEEKLY: "Every two weeks",
    Frequency.MONTHLY: "Monthly",
    Frequency.QUARTERLY: "Quarterly",
    Frequency.PER_RELEASE: "Per release",
}
#: Line fields: field -> (label, placeholder).
LINE_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("Name", "What the KPI is called"),
    "unit": ("Unit", "e.g. %, s, USD, per 1k"),
    "owner": ("Owner", "Who reports it"),
    "data_source": ("Data source", "Where the number comes from"),
}
THRESHOLDS = ("baseline", "target", "warning", "critical")


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def parse_number(text: str) -> float | None:
    """``""`` -> None; ``"1,200"`` -> 1200.0; raises ValueError for anything else."""
    text = text.strip().replace(",", "").replace("_", "").removesuffix("%").strip()
    return float(text) if text else None


class DescriptionEdit(QPlainTextEdit):
    """A plain-text box that commits when the focus leaves it after typing."""

    def __init__(self, form: KpiForm) -> None:
        super().__init__()
        self._form = form
        self.setTabChangesFocus(True)
        self.setFixedHeight(64)

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        if self.document().isModified():
            self._form.commit_description()


class KpiForm(HintRows, QWidget):
    """Every field of one KPI; edits are undoable commands on the context."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("kpiForm")
        self.kpi_id: int | None = None
        self._record: dict[str, Any] = {}
        self._loading = False
        self.hints: dict[str, QLabel] = {}
        self._hint_forms: dict[str, QFormLayout] = {}
        self.lines: dict[str, QLineEdit] = {}
        self.threshold_edits: dict[str, QLineEdit] = {}

        content = QWidget()
        content.setObjectName("pageContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(4, 0, 8, 8)
        layout.setSpacing(6)

        self.heading = QLabel()
        self.heading.setObjectName("kpiFormHeading")
        self.heading.setWordWrap(True)
        self.status_line = QLabel()
        self.status_line.setObjectName("kpiStatusLine")
        self.status_line.setWordWrap(True)
        self.status_line.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        layout.addWidget(self.status_line)

        form = self._card(layout, "Definition")
        self._add_line(form, "name")
        self.description = DescriptionEdit(self)
        self.description.setObjectName("descriptionEdit")
        self.description.setPlaceholderText("What it measures and how")
        self._add_row(form, "description", "Description", self.description)
        self._add_line(form, "unit")
        self.direction_combo = QComboBox()
        self.direction_combo.setObjectName("directionCombo")
        _compact(self.direction_combo)
        for value, label in DIRECTION_LABELS.items():
            self.direction_combo.addItem(label, str(value))
        self.direction_combo.currentIndexChanged.connect(self._on_direction_combo_index_changed)
        self._add_row(form, "direction", "Direction", self.direction_combo)

        form = self._card(layout, "Thresholds")
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        for column, field in enumerate(THRESHOLDS):
            caption = QLabel(field.capitalize())
            caption.setObjectName("mutedLabel")
            edit = QLineEdit()
            edit.setObjectName(f"{field}Edit")
            edit.setMinimumHeight(FIELD_HEIGHT)
            edit.setMinimumWidth(40)
            edit.editingFinished.connect(self._on_threshold_editing_finished)
            edit.returnPressed.connect(self.commit_thresholds)
            self.threshold_edits[field] = edit
            grid.addWidget(caption, 0, column)
            grid.addWidget(edit, 1, column)
        holder = QWidget()
        holder.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        form.addRow(holder)
        self._add_hint(form, "thresholds")
        self.threshold_help = QLabel()
        self.threshold_help.setObjectName("mutedLabel")
        self.threshold_help.setWordWrap(True)
        form.addRow(self.threshold_help)

        form = self._card(layout, "Tracking")
        self.frequency_combo = QComboBox()
        self.frequency_combo.setObjectName("frequencyCombo")
        _compact(self.frequency_combo)
        for value, label in FREQUENCY_LABELS.items():
            self.frequency_combo.addItem(label, str(value))
        self.frequency_combo.currentIndexChanged.connect(self._on_frequency_combo_index_changed)
        self._add_row(form, "frequency", "Frequency", self.frequency_combo)
        self._add_line(form, "owner")
        self._add_line(form, "data_source")
        self.use_case_combo = QComboBox()
        self.use_case_combo.setObjectName("useCaseCombo")
        _compact(self.use_case_combo)
        self.use_case_combo.currentIndexChanged.connect(self._on_use_case_combo_index_changed)
        self._add_row(form, "use_case_id", "Use case", self.use_case_combo)
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("kpiFormScroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.setEnabled(False)

    # -- building -------------------------------------------------------------------------

    def _card(self, layout: QVBoxLayout, title: str) -> QFormLayout:
        section = QLabel(title)
        section.setObjectName("sectionTitle")
        layout.addWidget(section)
        card = QFrame()
        card.setObjectName("formCard")
        form = QFormLayout(card)
        form.setContentsMargins(12, 10, 12, 10)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(card)
        return form

    def _add_row(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
        caption = QLabel(label)
        caption.setObjectName("formLabel")
        form.addRow(caption, widget)
        self._add_hint(form, key)

    def _add_hint(self, form: QFormLayout, key: str) -> None:
        hint = QLabel()
        hint.setObjectName("errorHint")
        hint.setWordWrap(True)
        form.addRow(hint)
        form.setRowVisible(hint, False)
        self.hints[key] = hint
        self._hint_forms[key] = form

    def _add_line(self, form: QFormLayout, field: str) -> None:
        label, placeholder = LINE_FIELDS[field]
        edit = QLineEdit()
        edit.setObjectName(f"{field}Edit")
        edit.setPlaceholderText(placeholder)
        edit.setMinimumHeight(FIELD_HEIGHT)
        for item in KpiBase.model_fields[field].metadata:
            if getattr(item, "max_length", None):
                edit.setMaxLength(item.max_length)
        edit.editingFinished.connect(lambda f=field: self._on_line_editing_finished(f))
        edit.textEdited.connect(lambda _t, f=field: self.clear_hint(f))
        self.lines[field] = edit
        self._add_row(form, field, label, edit)

    # -- loading --------------------------------------------------------------------------

    def load(self, kpi_id: int | None) -> None:
        """Show KPI ``kpi_id`` (None: an empty, disabled form)."""
        self.kpi_id = kpi_id
        for key in self.hints:
            self.clear_hint(key)
        self.reload(force=True)

    def reload(self, *, force: bool = False) -> None:
        """Read the KPI again (after a change); fields being typed in keep their text."""
        ws = self.ctx.workspace
        self._loading = True
        try:
            obj = None
            if ws is not None and self.kpi_id is not None:
                try:
                    obj = records.get(ws=ws, model=Kpi, id=self.kpi_id)
                except UserError:
                    obj = None
            if obj is None:
                self.kpi_id = None
                self._record = {}
                self.heading.setText("No KPI chosen")
                self.status_line.setText("")
                self.setEnabled(False)
                return
            self.setEnabled(True)
            self._record = {name: getattr(obj, name) for name in KpiBase.model_fields}
            self.heading.setText(obj.name)
            for field, edit in self.lines.items():
                _set_line(edit, self._record.get(field) or "", force=force)
            if force or not self.description.hasFocus():
                self.description.setPlainText(self._record.get("description") or "")
                self.description.document().setModified(False)
            thresholds_busy = any(e.hasFocus() for e in self.threshold_edits.values())
            if force or (not thresholds_busy and not self.hint_text("thresholds")):
                for field, edit in self.threshold_edits.items():
                    _set_line(edit, format_number(self._record.get(field)), force=True)
            self.direction_combo.setCurrentIndex(
                self.direction_combo.findData(str(self._record["direction"]))
            )
            self.frequency_combo.setCurrentIndex(
                self.frequency_combo.findData(str(self._record["frequency"]))
            )
            self._fill_use_cases()
            self._update_threshold_help()
            for widget in (
                *self.lines.values(),
                *self.threshold_edits.values(),
            ):
                widget.setReadOnly(self.ctx.readonly)
            self.description.setReadOnly(self.ctx.readonly)
            for combo in (self.direction_combo, self.frequency_combo, self.use_case_combo):
                combo.setEnabled(not self.ctx.readonly)
        finally:
            self._loading = False

    def _fill_use_cases(self) -> None:
        ws = self.ctx.workspace
        combo = self.use_case_combo
        combo.clear()
        combo.addItem("(none)", None)
        if ws is not None:
            for use_case_id, title in usecases_service.titles(ws=ws):
                combo.addItem(title, use_case_id)
        index = combo.findData(self._record.get("use_case_id"))
        combo.setCurrentIndex(max(index, 0))

    def set_status_text(self, html: str) -> None:
        """The status / trend / latest line under the heading."""
        self.status_line.setText(html)

    def _update_threshold_help(self) -> None:
        lower = str(self._record.get("direction")) == KpiDirection.LOWER_IS_BETTER
        if lower:
            text = "Lower is better: target ≤ warning ≤ critical."
        else:
            text = "Higher is better: target ≥ warning ≥ critical."
        self.threshold_help.setText(text + " Leave a threshold empty to skip it.")

    # -- hints ----------------------------------------------------------------------------

    # -- committing -----------------------------------------------------------------------

    def _validate(self, data: dict[str, Any]) -> str:
        """ "" when ``data`` merged into the stored record is valid, else the message."""
        try:
            KpiBase.model_validate({**self._record, **data})
        except pydantic.ValidationError as error:
            return validation_text(
                error,
                lambda field: (
                    LINE_FIELDS.get(field, (field.replace("_", " ").capitalize(),))[0]
                    if field
                    else ""
                ),
            )
        return ""

    def commit(self, key: str, data: dict[str, Any]) -> bool:
        """Validate and store ``data`` (hint ``key`` shows a problem); False if refused."""
        if self.kpi_id is None or self.ctx.readonly:
            return False
        changed = {k: v for k, v in data.items() if self._record.get(k) != v}
        if not changed:
            self.clear_hint(key)
            return True
        message = self._validate(changed)
        if message:
            self.show_hint(key, message)
            return False
        self.clear_hint(key)
        command = UpdateRecordCommand(self.ctx, Kpi, self.kpi_id, changed, merge=len(changed) == 1)
        return self.ctx.run_edit(command)

    def _on_line_editing_finished(self, field: str) -> None:
        if self._loading or self.kpi_id is None:
            return
        edit = self.lines[field]
        if not edit.isModified():
            return
        if not self.commit(field, {field: edit.text().strip()}):
            _set_line(edit, self._record.get(field) or "", force=True)
            self.show_hint(field, self.hint_text(field) + " The field was set back.")
        edit.setModified(False)

    def commit_description(self) -> None:
        if self._loading or self.kpi_id is None:
            return
        if not self.commit("description", {"description": self.description.toPlainText().strip()}):
            self.description.setPlainText(self._record.get("description") or "")
        self.description.document().setModified(False)

    def _on_direction_combo_index_changed(self, _index: int) -> None:
        if self._loading or self.kpi_id is None:
            return
        value = KpiDirection(self.direction_combo.currentData())
        if not self.commit("thresholds", {"direction": value}):
            self._loading = True
            self.direction_combo.setCurrentIndex(
                self.direction_combo.findData(str(self._record["direction"]))
            )
            self._loading = False

    def _on_frequency_combo_index_changed(self, _index: int) -> None:
        if self._loading or self.kpi_id is None:
            return
        self.commit("frequency", {"frequency": Frequency(self.frequency_combo.currentData())})

    def _on_use_case_combo_index_changed(self, _index: int) -> None:
        if self._loading or self.kpi_id is None:
            return
        self.commit("use_case_id", {"use_case_id": self.use_case_combo.currentData()})

    def _on_threshold_editing_finished(self) -> None:
        if self._loading or self.kpi_id is None:
            return
        # Moving between the four boxes: commit when the row is left. The focus moves
        # after editingFinished, so look once the event loop has settled it.
        QTimer.singleShot(0, self._maybe_commit_thresholds)

    def _maybe_commit_thresholds(self) -> None:
        if self.kpi_id is None:
            return
        if QApplication.focusWidget() in self.threshold_edits.values():
            return
        self.commit_thresholds()

    def commit_thresholds(self) -> bool:
        """Store the four numbers as typed; on a problem show it (nothing is stored)."""
        data: dict[str, Any] = {}
        for field, edit in self.threshold_edits.items():
            try:
                data[field] = parse_number(edit.text())
            except ValueError:
                self.show_hint(
                    "thresholds",
                    f"{field.capitalize()} must be a number, e.g. 42 or 3.5 "
                    "(not saved until fixed).",
                )
                return False
        if not self.commit("thresholds", data):
            hint = self.hint_text("thresholds")
            if hint and "not saved" not in hint:
                self.show_hint("thresholds", hint + " Not saved until fixed.")
            return False
        for edit in self.threshold_edits.values():
            edit.setModified(False)
        return True


def _set_line(edit: QLineEdit, text: str, *, force: bool = False) -> None:
    if not force and edit.hasFocus() and edit.isModified():
        return
    if edit.text() != text:
        edit.setText(text)
        edit.setCursorPosition(0)
    edit.setModified(False)


def _compact(combo: QComboBox) -> None:
    """A combo whose width does not follow its longest entry (long use-case titles)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)
