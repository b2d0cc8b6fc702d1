"""The inputs of one cost model: every input with its unit and source note, in groups.

The form recalculates as the user types: every keystroke in a number rebuilds the inputs
from what is on screen (validated by ``make_inputs``, so by ``CostModelBase``, the same
rules as saving) and emits :attr:`CostModelForm.inputs_changed`; nothing is read from or
written to the workspace. Leaving a field (or Return) commits it through the operation
layer as one undo step; a value the model refuses is explained under the field, in red,
and nothing is written (Esc brings back the stored value). Shares are typed in percent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QSizePolicy, QWidget

from ...errors import UserError, ValidationError
from ...models.costs import COST_INPUT_FIELDS
from ...services import costs
from ...services import kpis as kpi_service
from ...services import usecases as usecases_service
from ...services.dates import format_date
from ..context import AppContext
from ..widgets.builders import card_layout, fit_content_width, page_content, scrolled_or_empty
from ..widgets.field_editors import FIELD_HEIGHT, TextArea, parse_number
from ..widgets.page_header import named_label
from .edits import UpdateCostModelCommand

EMPTY_TEXT = (
    "Choose a cost model in the list to see its inputs and what a successful task costs, "
    "or add one with “New cost model” (Ctrl+Shift+N)."
)
#: Card titles of the input groups of ``INPUT_SPECS``.
GROUP_TITLES = {
    "Volume": "Volume: requests a month",
    "Model": "Model: tokens and prices",
    "Per request": "Per request: retrieval and guardrails",
    "Human review": "Human review",
    "Fixed": "Fixed and one-off costs",
    "Outcome": "Success, human baseline and envelope",
    "Revenue": "Pricing, for the margin",
}
#: The fields of a cost model that its inputs hold as they are, besides the numbers.
OPTION_FIELDS = ("name", "option_label", "role", "currency", "use_case_id", "kpi_id")
PRICE_FIELDS = ("price_input_per_m", "price_cached_input_per_m", "price_output_per_m")
ROLE_LABELS = {
    "none": "None of them",
    "build": "Build",
    "partner": "Partner",
    "buy": "Buy",
}
#: The combo entry of a model whose prices are typed in.
TYPED_PRICES = "Typed in below"
KEPT = " Not saved: correct it, or press Esc for the stored value."
VALUE_WIDTH = 118


def format_value(spec: costs.InputSpec, value: float | None) -> str:
    """An input as its editor shows it: ``1,000,000``, ``0.0004``, ``66.67`` (percent)."""
    if value is None:
        return ""
    if spec.kind == "share":
        value = round(value * 100, 10)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.10g}"


def parse_value(spec: costs.InputSpec, text: str) -> float | None:
    """What is typed in an input's editor as the stored value; ValueError with a message."""
    try:
        value = parse_number(text)
    except ValueError:
        raise ValueError(f"{spec.label} must be a number, e.g. 42 or 3.5.") from None
    if value is not None and not math.isfinite(value):
        raise ValueError(f"{spec.label} must be a finite number.")
    if value is None and not spec.optional:
        raise ValueError(f"{spec.label} needs a number (type 0 for none).")
    if value is not None and spec.kind == "share":
        value = value / 100
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-15)
    return bool(a == b)


def record_of(inputs: costs.CostInputs) -> dict[str, Any]:
    """The stored fields of a cost model (as ``CostModelBase`` takes them) from its inputs."""
    plain = (*COST_INPUT_FIELDS, *OPTION_FIELDS)
    record: dict[str, Any] = {name: getattr(inputs, name) for name in plain}
    record.update(
        price_id=inputs.price.id if inputs.price is not None else None,
        sources=dict(inputs.sources),
        sensitivity_ranges=costs.ranges_record(inputs.sensitivity_ranges),
        notes=inputs.notes,
    )
    return record


class CostModelForm(QWidget):
    """Every input of one cost model; edits commit as undo steps on the context.

    Signals:
        inputs_changed(object): the :class:`CostInputs` on screen (typed, not yet saved
            included) whenever they change and are valid; None when no model is shown.
    """

    inputs_changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costModelForm")
        self.ctx = ctx
        self.model_id: int | None = None
        self.stored: costs.CostInputs | None = None
        self.record: dict[str, Any] = {}
        self.inputs: costs.CostInputs | None = None
        self.prices: list[costs.PriceRow] = []
        self.value_edits: dict[str, QLineEdit] = {}
        self.source_edits: dict[str, QLineEdit] = {}
        self.unit_labels: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        self.hints: dict[str, QLabel] = {}
        self._shown: dict[str, str] = {}
        self._kept: set[str] = set()  # fields holding refused text
        self._loading = False

        self.heading = named_label("", "formHeading", wrap=True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        content, self.body = page_content((4, 4, 12, 12), 6, self.heading)

        self._build_option_card()
        for group in dict.fromkeys(spec.group for spec in costs.INPUT_SPECS):
            grid = self._card(GROUP_TITLES.get(group, group))
            if group == "Model":
                self._add_price_choice(grid)
            for spec in costs.INPUT_SPECS:
                if spec.group == group:
                    self._add_input(grid, spec)
            if group == "Outcome":
                self.kpi_combo = self._combo("kpiCombo")
                self.kpi_combo.setToolTip(
                    "The tracked KPI this model's cost per successful task is recorded to "
                    "(“Record KPI snapshot”); the overview says when its actual is over the "
                    "envelope."
                )
                self._add_choice_row(grid, "kpi_id", "Tracked KPI", self.kpi_combo)
        notes_grid = self._card("Notes")
        self.notes_edit = TextArea()
        self.notes_edit.setObjectName("costNotesEdit")
        self.notes_edit.setPlaceholderText("What this option is, what success means")
        self.notes_edit.editing_finished.connect(self._on_notes_edit_editing_finished)
        self._add_row(notes_grid, "notes", "Notes", self.notes_edit)
        self.body.addStretch(1)

        self.stack, self.scroll_area, self.empty_label = scrolled_or_empty(
            self, content, EMPTY_TEXT, scroll_name="costFormScroll"
        )
        self._content = content

    def minimumSizeHint(self) -> QSize:
        """Never narrower than the cards need (the scroll area has no horizontal bar)."""
        return fit_content_width(super().minimumSizeHint(), self._content, self.scroll_area)

    # -- building -------------------------------------------------------------------------

    def _card(self, title: str) -> QGridLayout:
        self.body.addWidget(named_label(title, "sectionTitle"))
        frame, grid = card_layout(QGridLayout, (12, 10, 12, 10), h_spacing=8, v_spacing=3)
        grid.setColumnStretch(1, 0)
        grid.setColumnStretch(2, 1)
        self.body.addWidget(frame)
        return grid

    def _label(self, text: str) -> QLabel:
        label = named_label(text, "formLabel", wrap=True)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setMinimumHeight(FIELD_HEIGHT)
        label.setMinimumWidth(120)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        return label

    def _hint(self, grid: QGridLayout, key: str, row: int) -> None:
        hint = named_label("", "errorHint", wrap=True)
        hint.setObjectName("errorHint")
        hint.setVisible(False)
        grid.addWidget(hint, row, 1, 1, 2)
        self.hints[key] = hint

    def _add_row(self, grid: QGridLayout, key: str, label: str, editor: QWidget) -> None:
        row = grid.rowCount()
        self.labels[key] = self._label(label)
        grid.addWidget(self.labels[key], row, 0)
        grid.addWidget(editor, row, 1, 1, 2)
        self._hint(grid, key, row + 1)

    def _add_text_row(self, grid: QGridLayout, key: str, label: str, edit: QLineEdit) -> None:
        """A row for the text field ``key``, committed when the user leaves it."""
        edit.editingFinished.connect(lambda: self._commit_text(key, edit))
        self._add_row(grid, key, label, edit)

    def _add_choice_row(self, grid: QGridLayout, key: str, label: str, combo: QComboBox) -> None:
        """A row for the choice ``key``, committed when the user picks an entry."""
        combo.activated.connect(lambda _i: self._commit_choice(key, combo))
        self._add_row(grid, key, label, combo)

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setMinimumHeight(FIELD_HEIGHT)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return combo

    def _line(self, name: str, placeholder: str = "", max_length: int = 0) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setMinimumHeight(FIELD_HEIGHT)
        edit.setPlaceholderText(placeholder)
        if max_length:
            edit.setMaxLength(max_length)
        edit.installEventFilter(self)
        return edit

    def _build_option_card(self) -> None:
        grid = self._card("Option")
        self.name_edit = self._line("costNameEdit", "What this cost model is called", 200)
        self._add_text_row(grid, "name", "Name", self.name_edit)
        self.use_case_combo = self._combo("costUseCaseCombo")
        self._add_choice_row(grid, "use_case_id", "Use case", self.use_case_combo)
        self.option_edit = self._line(
            "costOptionEdit", "e.g. large model, small model + cache, vendor product", 100
        )
        self._add_text_row(grid, "option_label", "Option", self.option_edit)
        self.role_combo = self._combo("costRoleCombo")
        for role in costs.ROLES:
            self.role_combo.addItem(ROLE_LABELS[role], role)
        self.role_combo.setToolTip(
            "Which of the use case's build / partner / buy options this is (set it with "
            "“Use as build/partner/buy cost…” to write the costs into the use case)"
        )
        self._add_choice_row(grid, "role", "Role", self.role_combo)
        self.currency_edit = self._line("costCurrencyEdit", "USD", 3)
        self.currency_edit.setMaximumWidth(VALUE_WIDTH)
        self.currency_edit.setToolTip("Three-letter currency code every amount is in")
        self._add_text_row(grid, "currency", "Currency", self.currency_edit)

    def _add_price_choice(self, grid: QGridLayout) -> None:
        self.price_combo = self._combo("costPriceCombo")
        self.price_combo.setToolTip(
            "Take the three token prices from a row of the model price table (they follow "
            "the row when it is edited), or type them in below"
        )
        self.price_combo.activated.connect(self._on_price_combo_activated)
        self._add_row(grid, "price_id", "Prices from", self.price_combo)
        self.price_note = named_label("", "mutedLabel", wrap=True)
        self.price_note.setTextFormat(Qt.TextFormat.PlainText)
        grid.addWidget(self.price_note, grid.rowCount(), 1, 1, 2)

    def _add_input(self, grid: QGridLayout, spec: costs.InputSpec) -> None:
        name = spec.field
        row = grid.rowCount()
        self.labels[name] = self._label(spec.label)
        edit = self._line(f"{name}Edit", "optional" if spec.optional else "")
        edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        edit.setMaximumWidth(VALUE_WIDTH)
        edit.setMinimumWidth(90)
        edit.textEdited.connect(lambda _t, n=name: self._on_value_typed(n))
        edit.editingFinished.connect(lambda n=name: self._on_value_finished(n))
        unit = named_label(spec.unit, "mutedLabel", wrap=True)
        source = self._line(f"{name}Source", "Source of this number", 500)
        source.setObjectName("costSourceEdit")
        source.setProperty("field", name)
        source.setToolTip(f"Where “{spec.label}” comes from (saved with the model)")
        source.editingFinished.connect(lambda n=name: self._on_source_finished(n))
        self.value_edits[name] = edit
        self.unit_labels[name] = unit
        self.source_edits[name] = source
        grid.addWidget(self.labels[name], row, 0)
        grid.addWidget(edit, row, 1)
        grid.addWidget(unit, row, 2)
        grid.addWidget(source, row + 1, 1, 1, 2)
        self._hint(grid, name, row + 2)

    # -- loading --------------------------------------------------------------------------

    def load(self, model_id: int | None) -> None:
        """Show cost model ``model_id`` (None: the empty state)."""
        changed = model_id != self.model_id
        self.model_id = model_id
        self.reload(force=changed)

    def reload(self, *, force: bool = False) -> None:
        """Read the model again (after a change); a field being typed in keeps its text."""
        ws = self.ctx.workspace
        stored = None
        if ws is not None and self.model_id is not None:
            try:
                stored = costs.load_inputs(ws=ws, model_id=self.model_id)
            except UserError:
                stored = None
        if stored is None:
            self.model_id = None
            self.stored, self.record, self.inputs = None, {}, None
            self.stack.setCurrentIndex(0)
            self.inputs_changed.emit(None)
            return
        if force:
            self._kept.clear()
            for key in self.hints:
                self._set_hint(key, "")
        self.stored = stored
        self.record = record_of(stored)
        self.prices = costs.price_rows(ws=ws) if ws is not None else []
        self._loading = True
        try:
            self._show(stored, force=force)
        finally:
            self._loading = False
        self.stack.setCurrentIndex(1)
        self._set_readonly(self.ctx.readonly)
        self.recalculate()

    def _show(self, stored: costs.CostInputs, *, force: bool) -> None:
        self.heading.setText(stored.name)
        self._show_text(self.name_edit, stored.name, force)
        self._show_text(self.option_edit, stored.option_label, force)
        self._show_text(self.currency_edit, stored.currency, force)
        if force or not self.notes_edit.hasFocus():
            self.notes_edit.set_text(stored.notes)
        ws = self.ctx.workspace
        use_cases = usecases_service.titles(ws=ws) if ws is not None else []
        _fill(self.use_case_combo, [(None, "(none)"), *use_cases], stored.use_case_id)
        self.role_combo.setCurrentIndex(max(self.role_combo.findData(stored.role), 0))
        kpis = (
            [(int(r["id"]), str(r["name"])) for r in kpi_service.kpi_rows(ws=ws)]
            if ws is not None
            else []
        )
        kpis.sort(key=lambda pair: pair[1].casefold())
        _fill(self.kpi_combo, [(None, "(none)"), *kpis], stored.kpi_id)
        price_items: list[tuple[Any, str]] = [(None, TYPED_PRICES)]
        for row in self.prices:
            when = f" · as of {format_date(row.as_of)}" if row.as_of else ""
            price_items.append((row.id, f"{row.provider} {row.model}{when}"))
        _fill(self.price_combo, price_items, stored.price.id if stored.price else None)
        self._show_price_note(stored)
        for spec in costs.INPUT_SPECS:
            name = spec.field
            self.unit_labels[name].setText(spec.unit_for(stored.currency))
            self._show_value(spec, stored.value(name), force)
            source = self.source_edits[name]
            self._show_text(source, stored.sources.get(name, ""), force)
        linked = stored.price is not None
        for name in PRICE_FIELDS:
            edit = self.value_edits[name]
            edit.setReadOnly(linked or self.ctx.readonly)
            edit.setToolTip(
                "From the price table row chosen above; edit it under Model prices, or "
                "choose “Typed in below”."
                if linked
                else ""
            )

    def _show_price_note(self, stored: costs.CostInputs) -> None:
        ref = stored.price
        if ref is None:
            self.price_note.setText(
                "Prices typed in for this model. Choose a row of the model price table to "
                "follow its prices instead."
            )
            return
        when = f" as of {format_date(ref.as_of)}" if ref.as_of else " (no date given)"
        source = f"; source: {ref.source}" if ref.source else ""
        self.price_note.setText(
            f"List prices of {ref.provider} {ref.model}{when}{source}. Prices change: check "
            "them and keep the table up to date under Model prices."
        )

    def _show_text(self, edit: QLineEdit, text: str, force: bool) -> None:
        if force or not (edit.hasFocus() and edit.isModified()):
            edit.setText(text)
            edit.setCursorPosition(0)
            edit.setModified(False)

    def _show_value(self, spec: costs.InputSpec, value: float | None, force: bool) -> None:
        name = spec.field
        edit = self.value_edits[name]
        text = format_value(spec, value)
        typing = edit.hasFocus() and edit.isModified() and edit.text() != self._shown.get(name)
        if force or not (typing or name in self._kept):
            edit.setText(text)
            edit.setCursorPosition(0)
            self._kept.discard(name)
            self._set_hint(name, "")
        self._shown[name] = text

    def _set_readonly(self, readonly: bool) -> None:
        linked = self.stored is not None and self.stored.price is not None
        for name, edit in self.value_edits.items():
            edit.setReadOnly(readonly or (linked and name in PRICE_FIELDS))
        for edit in (
            self.name_edit,
            self.option_edit,
            self.currency_edit,
            *self.source_edits.values(),
        ):
            edit.setReadOnly(readonly)
        self.notes_edit.setReadOnly(readonly)
        for combo in (self.use_case_combo, self.role_combo, self.kpi_combo, self.price_combo):
            combo.setEnabled(not readonly)

    # -- the values on screen ---------------------------------------------------------------

    def screen_values(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The stored record with what is typed on screen, and the fields that do not read
        as numbers (field -> message)."""
        values = dict(self.record)
        problems: dict[str, str] = {}
        for spec in costs.INPUT_SPECS:
            name = spec.field
            text = self.value_edits[name].text()
            if text == self._shown.get(name):
                continue
            try:
                values[name] = parse_value(spec, text)
            except ValueError as error:
                problems[name] = str(error)
        return values, problems

    def price_row(self, price_id: int | None) -> costs.PriceRow | None:
        return next((p for p in self.prices if p.id == price_id), None)

    def check(self, values: Mapping[str, Any], blame: str) -> dict[str, str]:
        """Field -> message for what ``CostModelBase`` refuses in ``values`` (a problem of
        the model as a whole is shown under ``blame``, the field being edited)."""
        try:
            self.inputs_of(values)
        except ValidationError as error:
            found: dict[str, str] = {}
            for field, message in error.errors or [("record", str(error))]:
                key = field if field in self.hints else blame
                found.setdefault(key, "")
                found[key] = (found[key] + " " + _message(field, message)).strip()
            return found
        return {}

    def inputs_of(self, values: Mapping[str, Any]) -> costs.CostInputs:
        """Validated inputs of ``values`` with the chosen price row's prices in effect."""
        price = self.price_row(values.get("price_id"))
        inputs = costs.make_inputs(values, price=price)
        if self.stored is not None:
            inputs = _with_identity(inputs, self.stored)
        return inputs

    def recalculate(self, typing: str | None = None) -> costs.CostInputs | None:
        """Rebuild the inputs from the screen and emit them when valid (see module doc)."""
        if self.stored is None:
            return None
        values, problems = self.screen_values()
        blame = typing or "record"
        if not problems:
            problems = self.check(values, blame)
        for spec in costs.INPUT_SPECS:
            name = spec.field
            message = problems.get(name, "")
            if message or name == typing or name not in self._kept:
                self._set_hint(name, message)
        if problems:
            return None
        self.inputs = self.inputs_of(values)
        self.inputs_changed.emit(self.inputs)
        return self.inputs

    # -- committing -----------------------------------------------------------------------

    def commit(self, data: Mapping[str, Any], key: str) -> bool:
        """Validate the stored model with ``data`` and store it as one undo step; a refusal
        shows under ``key`` and writes nothing."""
        if self.model_id is None or self.stored is None or self.ctx.readonly:
            return False
        changed = {k: v for k, v in data.items() if not _same(self.record.get(k), v)}
        if not changed:
            self._set_hint(key, "")
            return True
        problems = self.check({**self.record, **changed}, key)
        if problems:
            for field, message in problems.items():
                self._set_hint(field, message + KEPT)
                self._kept.add(field)
            return False
        self._set_hint(key, "")
        command = UpdateCostModelCommand(self.ctx, self.model_id, changed, name=self.stored.name)
        ok = self.ctx.run_edit(command)
        if ok:
            self._kept.discard(key)
            self.record.update(changed)
            for name, value in changed.items():
                edit = self.value_edits.get(name)
                if edit is not None:  # show what was stored, as it will be shown
                    text = format_value(costs.SPEC_BY_FIELD[name], value)
                    edit.setText(text)
                    edit.setModified(False)
                    self._shown[name] = text
        return ok

    def _on_value_typed(self, name: str) -> None:
        if not self._loading:
            self.recalculate(typing=name)

    def _on_value_finished(self, name: str) -> None:
        if self._loading or self.stored is None:
            return
        edit = self.value_edits[name]
        if edit.isReadOnly() or edit.text() == self._shown.get(name):
            return
        spec = costs.SPEC_BY_FIELD[name]
        try:
            value = parse_value(spec, edit.text())
        except ValueError as error:
            self._set_hint(name, f"{error}{KEPT}")
            self._kept.add(name)
            return
        if self.commit({name: value}, name) and _same(self.record.get(name), value):
            self._kept.discard(name)

    def _on_source_finished(self, name: str) -> None:
        if self._loading or self.stored is None:
            return
        edit = self.source_edits[name]
        if not edit.isModified():
            return
        sources = dict(self.record.get("sources") or {})
        text = edit.text().strip()
        if text:
            sources[name] = text
        else:
            sources.pop(name, None)
        edit.setModified(False)
        self.commit({"sources": sources}, name)

    def _commit_text(self, name: str, edit: QLineEdit) -> None:
        if self._loading or self.stored is None:
            return
        if not edit.isModified() and name not in self._kept:
            return
        text = edit.text().strip()
        if name == "currency":
            text = text.upper()
        if self.commit({name: text}, name):
            edit.setModified(False)
            self._kept.discard(name)

    def _commit_choice(self, name: str, combo: QComboBox) -> None:
        if self._loading or self.stored is None:
            return
        if not self.commit({name: combo.currentData()}, name):
            self.reload(force=True)

    def _on_price_combo_activated(self, _index: int) -> None:
        if self._loading or self.stored is None:
            return
        price_id = self.price_combo.currentData()
        data: dict[str, Any] = {"price_id": price_id}
        old = self.stored.price
        if price_id is None and old is not None:
            # Typed in from now on: start from the prices the row gave, so nothing jumps.
            data.update({name: self.stored.value(name) for name in PRICE_FIELDS})
        if not self.commit(data, "price_id"):
            self.reload(force=True)

    def _on_notes_edit_editing_finished(self) -> None:
        if self._loading or self.stored is None:
            return
        self.commit({"notes": self.notes_edit.toPlainText().strip()}, "notes")

    # -- hints and keys -------------------------------------------------------------------

    def hint_text(self, key: str) -> str:
        """The red message under ``key`` ("" when none is shown)."""
        hint = self.hints[key]
        return hint.text() if not hint.isHidden() else ""

    def _set_hint(self, key: str, message: str) -> None:
        hint = self.hints.get(key)
        if hint is None:
            return
        hint.setText(message)
        hint.setVisible(bool(message))

    def revert(self, name: str) -> None:
        """Show the stored value of ``name`` again and drop its message."""
        self._kept.discard(name)
        self._set_hint(name, "")
        if name in self.value_edits and self.stored is not None:
            edit = self.value_edits[name]
            edit.setText(self._shown.get(name, ""))
            edit.setModified(False)
        elif self.stored is not None:
            self.reload(force=True)
            return
        self.recalculate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            for name, edit in self.value_edits.items():
                if watched is edit and (edit.text() != self._shown.get(name) or name in self._kept):
                    self.revert(name)
                    return True
            for name, edit in (
                ("name", self.name_edit),
                ("option_label", self.option_edit),
                ("currency", self.currency_edit),
            ):
                if watched is edit and (edit.isModified() or name in self._kept):
                    self._kept.discard(name)
                    self._set_hint(name, "")
                    edit.setText(str(self.record.get(name, "")))
                    edit.setModified(False)
                    return True
        return super().eventFilter(watched, event)


def _message(field: str, message: str) -> str:
    """A pydantic message as a person reads it next to the field (shares in percent)."""
    spec = costs.SPEC_BY_FIELD.get(field)
    if spec is None:
        label = {"name": "Name", "currency": "Currency", "option_label": "Option"}.get(field, "")
        text = message[:1].upper() + message[1:]
        return (
            f"{label}: {text}" if label and not text.startswith(label) else text.rstrip(".") + "."
        )
    if spec.kind == "share" and ("less than or equal" in message or "greater than" in message):
        return f"{spec.label} must be between 0 and 100 %."
    if "greater than or equal to 0" in message:
        return f"{spec.label} cannot be negative."
    return f"{spec.label}: {message.rstrip('.')}."


def _with_identity(inputs: costs.CostInputs, stored: costs.CostInputs) -> costs.CostInputs:
    import dataclasses

    return dataclasses.replace(inputs, id=stored.id, warnings=inputs.warnings)


def _fill(combo: QComboBox, items: list[tuple[Any, str]], current: Any) -> None:
    blocked = combo.blockSignals(True)
    combo.clear()
    for value, text in items:
        combo.addItem(text, value)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(blocked)
