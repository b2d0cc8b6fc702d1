"""The detail form of one use case: every field, committed as the user leaves it.

Each edit is one :class:`~aipm_desktop.ui.undo.UpdateRecordCommand` (consecutive edits of
the same field merge). Input is checked with the same pydantic class the service uses
before anything is pushed, so an invalid value shows a red message under the field, the
field goes back to the stored value and nothing is written. The outcome metric (name,
baseline, target, unit, date) is one statement and commits together when the focus leaves
its row, so its parts can be typed in any order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...models import UseCase
from ...models.enums import Decision, UseCaseStatus
from ...models.usecases import UseCaseBase
from ...services import records
from ...services import usecases as usecase_service
from ..context import AppContext
from ..undo import UpdateRecordCommand
from ..widgets.form_hints import HintRows, validation_text

FIELD_HEIGHT = 30
TEXT_AREA_HEIGHT = 64

STATUS_LABELS = {
    UseCaseStatus.IDEA: "Idea",
    UseCaseStatus.DISCOVERY: "Discovery",
    UseCaseStatus.VALIDATED: "Validated",
    UseCaseStatus.PILOT: "Pilot",
    UseCaseStatus.LAUNCHED: "Launched",
    UseCaseStatus.PARKED: "Parked",
    UseCaseStatus.RETIRED: "Retired",
}
#: The pipeline, then the two side exits (after a separator in the combo).
PIPELINE = (
    UseCaseStatus.IDEA,
    UseCaseStatus.DISCOVERY,
    UseCaseStatus.VALIDATED,
    UseCaseStatus.PILOT,
    UseCaseStatus.LAUNCHED,
)
SIDE_EXITS = (UseCaseStatus.PARKED, UseCaseStatus.RETIRED)
DECISION_LABELS = {
    Decision.UNDECIDED: "Undecided",
    Decision.BUILD: "Build",
    Decision.PARTNER: "Partner",
    Decision.BUY: "Buy",
}
OPTIONS = ("build", "partner", "buy")

#: Single-line text fields: field -> (label, placeholder).
LINE_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("Title", "What the use case does, in a few words"),
    "owner": ("Owner", "Who drives it"),
    "area": ("Product area", "e.g. Support, Sales, Platform"),
    "tags": ("Tags", "Comma separated, e.g. generative, agent-assist"),
    "latency_requirement": ("Latency requirement", "e.g. first token under 1.5 s"),
}
#: Multi-line text fields: field -> (label, placeholder).
TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "problem": ("Problem statement", "The user problem, in the user's words"),
    "target_users": ("Target users", "Who has the problem, how many"),
    "value_hypothesis": ("Value hypothesis", "We believe that … will … because …"),
    "data_sources": ("Data sources", "Which systems and data sets it needs"),
    "data_availability": ("Data availability", "What exists, its quality, consent"),
    "safety_constraints": ("Safety constraints", "What must never happen; guardrails"),
    "human_in_loop": ("Human-in-the-loop step", "Where a person reviews or approves"),
    "decision_rationale": ("Rationale", "Why build, partner or buy"),
}
METRIC_FIELDS = ("metric_name", "metric_baseline", "metric_target", "metric_unit", "metric_date")
COST_LABELS = {"build": "Build", "partner": "Partner", "buy": "Buy"}


def _format_number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}"


def _format_money(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}"


def _parse_number(text: str) -> float | None:
    """``""`` -> None; ``"1,200"`` -> 1200.0; raises ValueError for anything else."""
    text = text.strip().replace(",", "").replace("_", "")
    if not text:
        return None
    return float(text)


def _parse_date(text: str) -> dt.date | None:
    text = text.strip()
    return dt.date.fromisoformat(text) if text else None


def metric_statement(record: dict[str, Any]) -> str:
    """``median case resolution: 42 → 36 min by 2026-09-30`` ("" without a metric)."""
    name = record.get("metric_name") or "Outcome"
    target = record.get("metric_target")
    if target is None and not record.get("metric_name"):
        return ""
    unit = record.get("metric_unit") or ""
    baseline = record.get("metric_baseline")
    parts = [f"{name}:"]
    if baseline is not None:
        parts.append(f"{_format_number(baseline)} →")
    parts.append(f"{_format_number(target)} {unit}".strip())
    if record.get("metric_date"):
        parts.append(f"by {record['metric_date']}")
    return " ".join(parts)


class TextArea(QPlainTextEdit):
    """A plain-text box that reports when the user leaves it after typing.

    Signals:
        editing_finished(): focus left the box and its text was modified.
    """

    editing_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(TEXT_AREA_HEIGHT)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.document().isModified():
            self.editing_finished.emit()

    def set_text(self, text: str) -> None:
        self.setPlainText(text)
        self.document().setModified(False)


class UseCaseForm(HintRows, QWidget):
    """Every field of one use case; edits are undoable commands on the context."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("useCaseForm")
        self.use_case_id: int | None = None
        self._record: dict[str, Any] = {}
        self._loading = False
        self.lines: dict[str, QLineEdit] = {}
        self.texts: dict[str, TextArea] = {}
        self.hints: dict[str, QLabel] = {}
        self._hint_forms: dict[str, QFormLayout] = {}

        self.heading = QLabel()
        self.heading.setObjectName("formHeading")
        self.heading.setWordWrap(True)
        self.score_label = QLabel()
        self.score_label.setObjectName("scoreSummary")
        self.score_label.setWordWrap(True)

        content = QWidget()
        content.setObjectName("pageContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(16, 12, 16, 16)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.score_label)

        # -- summary --
        _card, form = self._card(layout, "Summary")
        self._add_line(form, "title")
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusCombo")
        for status in PIPELINE:
            self.status_combo.addItem(STATUS_LABELS[status], status.value)
        self.status_combo.insertSeparator(len(PIPELINE))
        for status in SIDE_EXITS:
            self.status_combo.addItem(STATUS_LABELS[status], status.value)
        self.status_combo.setToolTip(
            "Pipeline: idea → discovery → validated → pilot → launched; or parked / retired"
        )
        self.status_combo.currentIndexChanged.connect(self._on_status_combo_index_changed)
        self._add_row(form, "status", "Status", self.status_combo)
        for field in ("owner", "area", "tags"):
            self._add_line(form, field)

        # -- problem and value --
        _card, form = self._card(layout, "Problem and value")
        for field in ("problem", "target_users", "value_hypothesis"):
            self._add_text(form, field)

        # -- outcome metric --
        _card, form = self._card(layout, "Outcome metric")
        self.metric_edits: dict[str, QLineEdit] = {}
        metric_name = self._metric_edit("metric_name", "Metric, e.g. median case resolution")
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self._metric_edit("metric_baseline", "Baseline", 90))
        row.addWidget(_small_label("→"))
        row.addWidget(self._metric_edit("metric_target", "Target", 90))
        row.addWidget(self._metric_edit("metric_unit", "Unit", 80))
        row.addStretch(1)
        date_row = QHBoxLayout()
        date_row.setContentsMargins(0, 0, 0, 0)
        date_row.addWidget(self._metric_edit("metric_date", "YYYY-MM-DD", 120))
        date_row.addStretch(1)
        date_holder = QWidget()
        date_holder.setLayout(date_row)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        form.addRow(_form_label("Metric"), metric_name)
        form.addRow(_form_label("Baseline → target"), holder)
        self._add_row(form, "metric", "By (date)", date_holder)
        self.metric_preview = QLabel()
        self.metric_preview.setObjectName("metricPreview")
        self.metric_preview.setWordWrap(True)
        form.addRow("", self.metric_preview)

        # -- delivery --
        _card, form = self._card(layout, "Data and delivery constraints")
        self._add_text(form, "data_sources")
        self._add_text(form, "data_availability")
        self._add_line(form, "latency_requirement")
        self._add_text(form, "safety_constraints")
        self._add_text(form, "human_in_loop")

        # -- decision --
        _card, form = self._card(layout, "Build, partner or buy")
        self.decision_combo = QComboBox()
        self.decision_combo.setObjectName("decisionCombo")
        for decision, label in DECISION_LABELS.items():
            self.decision_combo.addItem(label, decision.value)
        self.decision_combo.currentIndexChanged.connect(self._on_decision_combo_index_changed)
        self._add_row(form, "decision", "Decision", self.decision_combo)
        self._add_text(form, "decision_rationale")
        form.addRow(_form_label("3-year cost"), self._build_tco())
        self._add_hint(form, "costs")
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("useCaseFormScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)

        self.empty_label = QLabel(
            "Select a use case in the list to see and edit it here,\n"
            "or press Ctrl+N (New) to add one."
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.empty_label)
        self._stack.addWidget(scroll)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

    # -- building -------------------------------------------------------------------------

    def _card(self, layout: QVBoxLayout, title: str) -> tuple[QFrame, QFormLayout]:
        section = QLabel(title)
        section.setObjectName("sectionTitle")
        layout.addWidget(section)
        card = QFrame()
        card.setObjectName("formCard")
        form = QFormLayout(card)
        form.setContentsMargins(14, 12, 14, 12)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(card)
        return card, form

    def _add_row(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
        form.addRow(_form_label(label), widget)
        self._add_hint(form, key)

    def _add_hint(self, form: QFormLayout, key: str) -> None:
        hint = QLabel()
        hint.setObjectName("errorHint")
        hint.setWordWrap(True)
        form.addRow("", hint)
        form.setRowVisible(hint, False)
        self.hints[key] = hint
        self._hint_forms[key] = form

    def _add_line(self, form: QFormLayout, field: str) -> None:
        label, placeholder = LINE_FIELDS[field]
        edit = QLineEdit()
        edit.setObjectName(f"{field}Edit")
        edit.setPlaceholderText(placeholder)
        edit.setMinimumHeight(FIELD_HEIGHT)
        max_length = UseCaseBase.model_fields[field].metadata
        for item in max_length:
            if getattr(item, "max_length", None):
                edit.setMaxLength(item.max_length)
        edit.editingFinished.connect(lambda f=field: self._on_line_editing_finished(f))
        edit.textEdited.connect(lambda _t, f=field: self.clear_hint(f))
        self.lines[field] = edit
        self._add_row(form, field, label, edit)

    def _add_text(self, form: QFormLayout, field: str) -> None:
        label, placeholder = TEXT_FIELDS[field]
        edit = TextArea()
        edit.setObjectName(f"{field}Edit")
        edit.setPlaceholderText(placeholder)
        edit.editing_finished.connect(lambda f=field: self._on_text_editing_finished(f))
        self.texts[field] = edit
        self._add_row(form, field, label, edit)

    def _metric_edit(self, field: str, placeholder: str, width: int = 0) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"{field}Edit")
        edit.setPlaceholderText(placeholder)
        edit.setMinimumHeight(FIELD_HEIGHT)
        if width:
            edit.setMinimumWidth(width // 2)
            edit.setMaximumWidth(width)
        edit.editingFinished.connect(self._on_metric_editing_finished)
        edit.textEdited.connect(lambda _t: self.clear_hint("metric"))
        self.metric_edits[field] = edit
        return edit

    def _build_tco(self) -> QWidget:
        box = QFrame()
        box.setObjectName("tcoTable")
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        for column, text in enumerate(("", "One-off", "Yearly", "3-year total")):
            header = QLabel(text)
            header.setObjectName("tcoHeader")
            grid.addWidget(header, 0, column)
        self.cost_edits: dict[str, QLineEdit] = {}
        self.tco_labels: dict[str, QLabel] = {}
        self.tco_names: dict[str, QLabel] = {}
        for row, option in enumerate(OPTIONS, start=1):
            name = QLabel(COST_LABELS[option])
            name.setObjectName("tcoOption")
            grid.addWidget(name, row, 0)
            self.tco_names[option] = name
            for column, period in enumerate(("oneoff", "yearly"), start=1):
                field = f"cost_{option}_{period}"
                edit = QLineEdit()
                edit.setObjectName(f"{field}Edit")
                edit.setPlaceholderText("—")
                edit.setMinimumHeight(FIELD_HEIGHT)
                edit.setAlignment(Qt.AlignmentFlag.AlignRight)
                edit.editingFinished.connect(lambda f=field: self._on_cost_editing_finished(f))
                edit.textEdited.connect(lambda _t: self.clear_hint("costs"))
                grid.addWidget(edit, row, column)
                self.cost_edits[field] = edit
            total = QLabel("—")
            total.setObjectName("tcoTotal")
            total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(total, row, 3)
            self.tco_labels[option] = total
        self.cheapest_label = QLabel()
        self.cheapest_label.setObjectName("mutedLabel")
        grid.addWidget(self.cheapest_label, len(OPTIONS) + 1, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)
        return box

    # -- loading --------------------------------------------------------------------------

    def load(self, use_case_id: int | None) -> None:
        """Show use case ``use_case_id`` (None: the empty state)."""
        if use_case_id != self.use_case_id:
            for key in list(self.hints):
                self.clear_hint(key)
        self.use_case_id = use_case_id
        self.reload()

    def reload(self) -> None:
        """Read the shown use case again (keeping a field the user is typing in)."""
        ws = self.ctx.workspace
        obj: Any = None
        if ws is not None and self.use_case_id is not None:
            try:
                obj = records.get(ws=ws, model=UseCase, id=self.use_case_id)
            except UserError:
                obj = None
        if obj is None:
            self.use_case_id = None
            self._record = {}
            self._stack.setCurrentIndex(0)
            return
        self._stack.setCurrentIndex(1)
        self._record = {k: getattr(obj, k) for k in UseCaseBase.model_fields}
        record = self._record
        self._loading = True
        try:
            self.heading.setText(record["title"])
            for field, edit in self.lines.items():
                _set_line(edit, record[field] or "")
            for field, text_area in self.texts.items():
                if not (text_area.hasFocus() and text_area.document().isModified()):
                    text_area.set_text(record[field] or "")
            metric_focused = any(e.hasFocus() for e in self.metric_edits.values())
            if not metric_focused:
                for field, edit in self.metric_edits.items():
                    _set_line(edit, self._display(field))
            for field, edit in self.cost_edits.items():
                _set_line(edit, _format_number(record[field]))
            self.status_combo.setCurrentIndex(self.status_combo.findData(str(record["status"])))
            self.decision_combo.setCurrentIndex(
                self.decision_combo.findData(str(record["decision"]))
            )
        finally:
            self._loading = False
        self.metric_preview.setText(metric_statement(record))
        self._show_tco(obj)
        self._apply_readonly()

    def _display(self, field: str) -> str:
        value = self._record.get(field)
        if field in ("metric_baseline", "metric_target"):
            return _format_number(value)
        if field == "metric_date":
            return value.isoformat() if value else ""
        return value or ""

    def _show_tco(self, obj: Any) -> None:
        options, cheapest = usecase_service.tco(obj)
        by_name = {option.option: option for option in options}
        for option in OPTIONS:
            info = by_name.get(option)
            total = info.three_year if info is not None else None
            label = self.tco_labels[option]
            label.setText(_format_money(total))
            is_cheapest = option == cheapest
            for widget in (label, self.tco_names[option]):
                widget.setProperty("cheapest", is_cheapest)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        if cheapest:
            self.cheapest_label.setText(
                f"Cheapest over 3 years: {COST_LABELS.get(cheapest, cheapest)} "
                "(one-off + 3 x yearly)."
            )
        else:
            self.cheapest_label.setText("Enter the costs of an option to compare 3-year totals.")

    def _apply_readonly(self) -> None:
        readonly = self.ctx.readonly
        for edit in (*self.lines.values(), *self.metric_edits.values(), *self.cost_edits.values()):
            edit.setReadOnly(readonly)
        for text_area in self.texts.values():
            text_area.setReadOnly(readonly)
        self.status_combo.setEnabled(not readonly)
        self.decision_combo.setEnabled(not readonly)

    def set_score_text(self, text: str) -> None:
        """The score / rank / completeness line at the top."""
        self.score_label.setText(text)

    # -- hints ----------------------------------------------------------------------------

    # -- committing -----------------------------------------------------------------------

    def _validate(self, data: dict[str, Any]) -> str:
        """ "" when ``data`` merged into the stored record is valid, else the message."""
        try:
            UseCaseBase.model_validate({**self._record, **data})
        except pydantic.ValidationError as error:
            return validation_text(error, _field_label)
        return ""

    def commit(self, key: str, data: dict[str, Any]) -> bool:
        """Validate and store ``data`` (hint ``key`` shows a problem); False if refused."""
        if self.use_case_id is None or self.ctx.readonly:
            return False
        changed = {k: v for k, v in data.items() if self._record.get(k) != v}
        if not changed:
            return True
        message = self._validate(changed)
        if message:
            self.show_hint(key, message + " The field was set back.")
            return False
        self.clear_hint(key)
        command = UpdateRecordCommand(
            self.ctx, UseCase, self.use_case_id, changed, merge=len(changed) == 1
        )
        return self.ctx.run_edit(command)

    def _on_line_editing_finished(self, field: str) -> None:
        if self._loading or self.use_case_id is None:
            return
        edit = self.lines[field]
        if not edit.isModified():
            return
        if not self.commit(field, {field: edit.text().strip()}):
            _set_line(edit, self._record.get(field) or "", force=True)
        edit.setModified(False)

    def _on_text_editing_finished(self, field: str) -> None:
        if self._loading or self.use_case_id is None:
            return
        text_area = self.texts[field]
        if not self.commit(field, {field: text_area.toPlainText().strip()}):
            text_area.set_text(self._record.get(field) or "")
        text_area.document().setModified(False)

    def _on_status_combo_index_changed(self, _index: int) -> None:
        if self._loading or self.use_case_id is None:
            return
        value = self.status_combo.currentData()
        if value is None:
            return
        if not self.commit("status", {"status": UseCaseStatus(value)}):
            self._loading = True
            self.status_combo.setCurrentIndex(
                self.status_combo.findData(str(self._record["status"]))
            )
            self._loading = False

    def _on_decision_combo_index_changed(self, _index: int) -> None:
        if self._loading or self.use_case_id is None:
            return
        value = self.decision_combo.currentData()
        if not self.commit("decision", {"decision": Decision(value)}):
            self._loading = True
            self.decision_combo.setCurrentIndex(
                self.decision_combo.findData(str(self._record["decision"]))
            )
            self._loading = False

    def _on_metric_editing_finished(self) -> None:
        if self._loading or self.use_case_id is None:
            return
        focus = QApplication.focusWidget()
        if focus is not self.sender() and focus in self.metric_edits.values():
            return  # moving within the metric row: commit when the row is left
        self.commit_metric()

    def commit_metric(self) -> bool:
        """Store the metric row as typed; on a problem show it and set the row back."""
        edits = self.metric_edits
        data: dict[str, Any] = {
            "metric_name": edits["metric_name"].text().strip(),
            "metric_unit": edits["metric_unit"].text().strip(),
        }
        try:
            data["metric_baseline"] = _parse_number(edits["metric_baseline"].text())
            data["metric_target"] = _parse_number(edits["metric_target"].text())
        except ValueError:
            return self._refuse_metric("Baseline and target must be numbers, e.g. 42 or 3.5.")
        try:
            data["metric_date"] = _parse_date(edits["metric_date"].text())
        except ValueError:
            return self._refuse_metric("Enter the date as YYYY-MM-DD, e.g. 2026-09-30.")
        ok = self.commit("metric", data)
        if not ok:
            self._reset_metric()
        for edit in edits.values():
            edit.setModified(False)
        return ok

    def _refuse_metric(self, message: str) -> bool:
        self.show_hint("metric", message + " The metric was set back.")
        self._reset_metric()
        return False

    def _reset_metric(self) -> None:
        for field, edit in self.metric_edits.items():
            _set_line(edit, self._display(field), force=True)

    def _on_cost_editing_finished(self, field: str) -> None:
        if self._loading or self.use_case_id is None:
            return
        edit = self.cost_edits[field]
        if not edit.isModified():
            return
        try:
            value = _parse_number(edit.text())
        except ValueError:
            self.show_hint("costs", "Costs must be numbers, e.g. 120000. The cost was set back.")
            ok = False
        else:
            ok = self.commit("costs", {field: value})
        if not ok:
            _set_line(edit, _format_number(self._record.get(field)), force=True)
        edit.setModified(False)


def _set_line(edit: QLineEdit, text: str, *, force: bool = False) -> None:
    if not force and edit.hasFocus() and edit.isModified():
        return
    if edit.text() != text:
        edit.setText(text)
    edit.setModified(False)


def _field_label(field: str) -> str:
    if field in ("", "record"):
        return ""
    for table in (LINE_FIELDS, TEXT_FIELDS):
        if field in table:
            return table[field][0]
    if field.startswith("cost_"):
        _cost, option, period = field.split("_")
        return f"{COST_LABELS.get(option, option)} {'one-off' if period == 'oneoff' else period}"
    return field.replace("metric_", "metric ").replace("_", " ").capitalize()


def _form_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("formLabel")
    label.setMinimumHeight(FIELD_HEIGHT)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


def _small_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("mutedLabel")
    return label
