"""A detail form built from a field spec: cards, hint rows and one commit / revert path.

An area describes its record as a tuple of :class:`FieldSpec` (name, label, widget kind,
placeholder, card) and gives the form its pydantic ``XBase`` class and ONE commit callback
(``commit(changed) -> bool``, which pushes an undo command). The form then

- builds one card per section, a label and an editor per field, a red hint row under it;
- commits a field when the user leaves it (``editingFinished`` / focus out / a new combo
  index / a toggled check); fields of one ``group`` (e.g. an outcome metric, thresholds)
  commit together when the focus leaves the group or Return is pressed in it;
- validates the stored record merged with the edit through the pydantic class first: an
  invalid value shows the model's message under the field and nothing is written. Typed
  text stays for the user to fix (a choice goes back to the stored one); Esc in an editor
  brings back the stored value;
- shows the stored values again after a change, keeping a field the user is typing in.

The field specs and their editors live in :mod:`.field_editors` (re-exported here).

Areas add their own widgets with :meth:`RecordForm.insert_row` (a labelled row with a hint
row under it, e.g. a cost table whose editors come from :meth:`RecordForm.make_editor`) and
:meth:`RecordForm.insert_card` (a whole card, e.g. a table of mitigation actions), and may
override :meth:`RecordForm.field_edited` to handle one field themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pydantic
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from .builders import LABELS_RIGHT, form_card, page_content, panel, scrolled_or_empty
from .field_editors import (
    FIELD_HEIGHT,
    KINDS,
    SEPARATOR,
    TEXT_HEIGHT,
    Choices,
    DateInput,
    FieldSpec,
    TextArea,
    create_editor,
    display_value,
    enum_label,
    fill_combo,
    format_number,
    in_section,
    parse_number,
    read_editor,
    schema_max_length,
    show_in_editor,
)
from .form_hints import HintRows, validation_text
from .page_header import named_label

__all__ = [
    "FIELD_HEIGHT",
    "KINDS",
    "SEPARATOR",
    "TEXT_HEIGHT",
    "Choices",
    "DateInput",
    "FieldSpec",
    "RecordForm",
    "TextArea",
    "enum_label",
    "format_number",
    "in_section",
    "parse_number",
]

#: The margins inside a card of fields.
CARD_MARGINS = (14, 12, 14, 12)
#: What an invalid typed value adds to the model's message.
KEPT_SUFFIX = " Not saved: correct it, or press Esc for the stored value."
#: What an invalid choice adds to the model's message.
SET_BACK_SUFFIX = " It was set back."


class RecordForm(HintRows, QWidget):
    """Cards of labelled fields for one record; edits go through one commit callback.

    ``schema`` is the entity's pydantic ``XBase``; ``commit(changed)`` stores a dict of
    changed fields (pushing an undo command) and returns whether it did. Show a record
    with :meth:`set_record` (a dict of its ``schema`` fields; None shows ``empty_text``).
    """

    def __init__(
        self,
        fields: Sequence[FieldSpec],
        schema: type[pydantic.BaseModel],
        commit: Callable[[dict[str, Any]], bool],
        parent: QWidget | None = None,
        *,
        empty_text: str = "",
        name: str = "recordForm",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.schema = schema
        self._commit_callback = commit
        self.specs: dict[str, FieldSpec] = {f.name: f for f in fields}
        self.editors: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.hints: dict[str, QLabel] = {}
        self._hint_forms: dict[str, QFormLayout] = {}
        self.cards: dict[str, QFormLayout] = {}
        self._card_frames: dict[str, QFrame] = {}
        self.record: dict[str, Any] | None = None
        #: The stored version of the record shown (edits expect it), when known.
        self.version: int | None = None
        #: True while a field being typed in changed in the store under the typing: the
        #: form keeps expecting the version it read, so saving the field asks first.
        self.version_held = False
        #: Why edits cannot be stored now ("" when they can), e.g. the workspace is
        #: unreachable: an edit then keeps its typed text and says so.
        self.unavailable: Callable[[], str] | None = None
        self.readonly = False
        self._loading = False
        self._kept: set[str] = set()  # fields holding typed, refused text
        self._group_dirty: set[str] = set()

        self.heading = named_label("", "formHeading", wrap=True)
        self.summary = named_label("", "scoreSummary", wrap=True)
        self.summary.setVisible(False)

        content, self.body = page_content((16, 12, 16, 16), 8, self.heading, self.summary)
        self._place_fields(fields)
        self.body.addStretch(1)
        self.align_labels()

        self._stack, self.scroll, self.empty_label = scrolled_or_empty(
            self, content, empty_text, scroll_name=f"{name}Scroll"
        )
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._on_app_focus_changed)

    # -- building -------------------------------------------------------------------------

    def _place_fields(self, fields: Sequence[FieldSpec]) -> None:
        last_of_key = {f.key: f.name for f in fields}
        index = 0
        while index < len(fields):
            spec = fields[index]
            form = self.card(spec.section)
            if spec.row is None:
                editor = self.make_editor(spec)
                label = self._form_label(spec.label)
                self.labels[spec.name] = label
                form.addRow(label, editor)
                index += 1
                placed = [spec]
            else:
                placed = [spec]
                index += 1
                while (
                    index < len(fields)
                    and fields[index].row == spec.row
                    and fields[index].section == spec.section
                ):
                    placed.append(fields[index])
                    index += 1
                holder = self._inline_row(placed)
                if spec.row:
                    form.addRow(self._form_label(spec.row), holder)
                else:
                    form.addRow(holder)
            for item in placed:
                if item.help:
                    help_label = named_label(item.help, "mutedLabel", wrap=True)
                    help_label.setSizePolicy(
                        QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
                    )
                    form.addRow("", help_label)
                if last_of_key[item.key] == item.name:
                    self._add_hint(form, item.key)

    def _inline_row(self, specs: list[FieldSpec]) -> QWidget:
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        for column, spec in enumerate(specs):
            caption = named_label(spec.label, "mutedLabel")
            self.labels[spec.name] = caption
            editor = self.make_editor(spec)
            grid.addWidget(caption, 0, column)
            grid.addWidget(editor, 1, column)
            grid.setColumnStretch(column, 0 if spec.width else 1)
        return holder

    def card(self, title: str) -> QFormLayout:
        """The form layout of card ``title`` (made, at the end, the first time)."""
        if title in self.cards:
            return self.cards[title]
        frame, form = self._new_card()
        if title:
            section = named_label(title, "sectionTitle")
            self.body.addWidget(section)
            frame.setProperty("sectionLabel", section)
        self.body.addWidget(frame)
        self.cards[title] = form
        self._card_frames[title] = frame
        return form

    def _new_card(self) -> tuple[QFrame, QFormLayout]:
        frame, form = form_card(
            CARD_MARGINS,
            h_spacing=12,
            v_spacing=6,
            align=LABELS_RIGHT,
            growth=QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow,
        )
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return frame, form

    def insert_card(self, title: str, widget: QWidget, *, before: str | None = None) -> None:
        """Add a card holding ``widget`` (before card ``before``, else at the end)."""
        section = named_label(title, "sectionTitle")
        frame = panel(widget, name="formCard", margins=CARD_MARGINS, frame=True)
        if before is not None and before in self._card_frames:
            target = self._card_frames[before]
            label = target.property("sectionLabel")
            position = self.body.indexOf(label if isinstance(label, QLabel) else target)
        else:
            position = self.body.count() - 1  # before the stretch
        self.body.insertWidget(position, section)
        self.body.insertWidget(position + 1, frame)

    def insert_row(
        self,
        section: str,
        key: str,
        label: str,
        widget: QWidget | Any,
        *,
        after: str | None = None,
        hint: bool = True,
    ) -> None:
        """Add a labelled row for a custom ``widget`` (or layout) to card ``section``.

        ``after``: a field or row key whose row (and hint row) it follows; else at the
        end of the card. With ``hint`` it gets its own hint row keyed ``key``.
        """
        form = self.card(section)
        if isinstance(widget, QWidget):
            # Fill the field column: QFormLayout sizes a Preferred widget to its size hint,
            # which clips word-wrapped text measured for the full column width.
            policy = widget.sizePolicy()
            policy.setHorizontalPolicy(QSizePolicy.Policy.Expanding)
            widget.setSizePolicy(policy)
        row = form.rowCount()
        if after is not None:
            anchor = self.hints.get(after) or self.editors.get(after)
            if anchor is not None:
                found, _role = form.getWidgetPosition(anchor)
                if found >= 0:
                    row = found + 1
        form.insertRow(row, self._form_label(label) if label else QLabel(), widget)
        if hint:
            self._add_hint(form, key, row + 1)
        self.align_labels()

    def align_labels(self) -> None:
        """Give every card's label column the same width, so fields line up across cards."""
        labels = [
            form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            for form in self.cards.values()
            for row in range(form.rowCount())
            if form.itemAt(row, QFormLayout.ItemRole.LabelRole) is not None
        ]
        labels = [label for label in labels if isinstance(label, QLabel)]
        width = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(width)

    def _add_hint(self, form: QFormLayout, key: str, row: int = -1) -> None:
        hint = named_label("", "errorHint", wrap=True)
        form.insertRow(row, "", hint)
        form.setRowVisible(hint, False)
        self.hints[key] = hint
        self._hint_forms[key] = form

    def _form_label(self, text: str) -> QLabel:
        label = named_label(text, "formLabel")
        label.setMinimumHeight(FIELD_HEIGHT)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return label

    def make_editor(self, spec: FieldSpec) -> QWidget:
        """Create and wire the editor of ``spec`` (an area may place it itself)."""
        if spec.name not in self.specs:
            self.specs[spec.name] = spec
        name = spec.name
        editor = create_editor(spec, spec.max_length or schema_max_length(self.schema, name))
        if isinstance(editor, QLineEdit):
            editor.editingFinished.connect(lambda n=name: self._on_editor_finished(n))
            editor.textEdited.connect(lambda _t, n=name: self._on_editor_typed(n))
        elif isinstance(editor, TextArea):
            editor.editing_finished.connect(lambda n=name: self._on_editor_finished(n))
            editor.textChanged.connect(lambda n=name: self._on_text_changed(n))
        elif isinstance(editor, QSpinBox | QDoubleSpinBox):
            editor.editingFinished.connect(lambda n=name: self._on_editor_finished(n))
        elif isinstance(editor, QComboBox) and spec.editable:
            line = editor.lineEdit()
            line.editingFinished.connect(lambda n=name: self._on_editor_finished(n))
            editor.activated.connect(lambda _i, n=name: self._on_editor_finished(n))
            line.installEventFilter(self)
        elif isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(lambda _i, n=name: self._on_editor_finished(n))
        elif isinstance(editor, DateInput):
            editor.edited.connect(lambda n=name: self._on_editor_finished(n))
            editor.edit.installEventFilter(self)
        elif isinstance(editor, QCheckBox):
            editor.toggled.connect(lambda _c, n=name: self._on_editor_finished(n))
        editor.installEventFilter(self)
        self.editors[name] = editor
        return editor

    # -- values ---------------------------------------------------------------------------

    def value_of(self, name: str) -> Any:
        """The value typed in ``name``'s editor; ValueError (with a message) if unreadable."""
        stored = None if self.record is None else self.record.get(name)
        return read_editor(self.editors[name], self.specs[name], stored)

    def display(self, name: str) -> Any:
        """The stored value of ``name`` as its editor shows it."""
        value = None if self.record is None else self.record.get(name)
        return display_value(self.specs[name], value)

    def show_value(self, name: str, *, force: bool = False) -> None:
        """Put the stored value of ``name`` in its editor (unless the user is typing)."""
        editor = self.editors[name]
        if not force and (name in self._kept or self._is_typing(editor)):
            return
        show_in_editor(editor, self.specs[name], self.display(name))
        self._kept.discard(name)

    def typed_over(self, record: Mapping[str, Any]) -> bool:
        """True when ``record`` (the stored record read again) has another value in a
        field the user is typing in, or that holds refused text, than the form showed."""
        if self.record is None:
            return False
        return any(
            name in record
            and self.record.get(name) != record[name]
            and (name in self._kept or self._is_typing(editor))
            for name, editor in self.editors.items()
        )

    def _is_typing(self, editor: QWidget) -> bool:
        if isinstance(editor, QLineEdit):
            return editor.hasFocus() and editor.isModified()
        if isinstance(editor, QPlainTextEdit):
            return editor.hasFocus() and editor.document().isModified()
        if isinstance(editor, QComboBox) and editor.isEditable():
            return editor.lineEdit().hasFocus()
        return False

    def fields_of(self, key: str) -> list[str]:
        """The fields committed under ``key`` (a group's fields, or the field itself)."""
        return [n for n, s in self.specs.items() if s.key == key and n in self.editors]

    def focus_field(
        self, name: str, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason
    ) -> None:
        """Put the cursor in field ``name``, its text selected (a new record's title, to
        type over)."""
        editor = self.editors[name]
        editor.setFocus(reason)
        if isinstance(editor, QLineEdit):
            editor.selectAll()

    # -- loading --------------------------------------------------------------------------

    def set_record(self, record: Mapping[str, Any] | None, *, force: bool = False) -> None:
        """Show ``record`` (its ``schema`` fields); None shows the empty text.

        ``force`` (another record, or after a revert): every editor shows the stored
        value and every hint goes; otherwise fields being typed in and fields holding a
        refused value keep their text.
        """
        if force or record is None:
            for key in list(self.hints):
                self.clear_hint(key)
            self._kept.clear()
            self._group_dirty.clear()
        self.record = None if record is None else dict(record)
        if record is None:
            self._stack.setCurrentIndex(0)
            return
        self._stack.setCurrentIndex(1)
        self._loading = True
        try:
            for name, spec in self.specs.items():
                if (
                    spec.kind == "combo"
                    and callable(spec.choices)
                    and not isinstance(spec.choices, type)
                ):
                    fill_combo(self.editors[name], spec)  # type: ignore[arg-type]
                self.show_value(name, force=force)
        finally:
            self._loading = False
        self.set_readonly(self.readonly)

    def set_readonly(self, readonly: bool) -> None:
        """Editors show values but take no input."""
        self.readonly = readonly
        for editor in self.editors.values():
            if isinstance(editor, QLineEdit | QPlainTextEdit):
                editor.setReadOnly(readonly)
            elif isinstance(editor, QAbstractSpinBox):
                editor.setReadOnly(readonly)
                editor.setEnabled(not readonly)
            elif isinstance(editor, DateInput):
                editor.set_editable(not readonly)
            else:
                editor.setEnabled(not readonly)

    def set_summary(self, text: str) -> None:
        """The line under the heading (score, status); hidden when empty."""
        self.summary.setText(text)
        self.summary.setVisible(bool(text))

    # -- committing -----------------------------------------------------------------------

    def label_for(self, field: str) -> str:
        """The label naming ``field`` in messages ("" for the record as a whole)."""
        if field in ("", "record"):
            return ""
        spec = self.specs.get(field)
        if spec is not None:
            return spec.label
        return field.replace("_", " ").capitalize()

    def validate(self, changed: Mapping[str, Any]) -> str:
        """ "" when the stored record with ``changed`` is valid, else the message."""
        try:
            self.schema.model_validate({**(self.record or {}), **changed})
        except pydantic.ValidationError as error:
            return validation_text(error, self.label_for)
        return ""

    def commit(self, key: str, data: Mapping[str, Any], *, revert: bool = False) -> bool:
        """Validate and store ``data``; a problem shows under hint ``key``. False if refused.

        The one path every edit takes. On a refusal nothing is written; typed text stays
        for the user to fix unless ``revert`` (then the fields of ``key`` show the stored
        values again).
        """
        if self.record is None or self.readonly:
            return False
        changed = {k: v for k, v in data.items() if self.record.get(k) != v}
        names = self.fields_of(key) or [k for k in data if k in self.editors]
        if not changed:
            self.clear_hint(key)
            self._settle(key, names)
            return True
        message = self.validate(changed)
        if message:
            self.show_hint(key, message + (SET_BACK_SUFFIX if revert else KEPT_SUFFIX))
            if revert:
                self._revert_fields(names)
            else:
                self._kept.update(n for n in names if n in self.editors)
            return False
        why = self.unavailable() if self.unavailable is not None else ""
        if why:
            self.show_hint(key, why)
            self._kept.update(n for n in names if n in self.editors)
            return False
        self.clear_hint(key)
        ok = bool(self._commit_callback(changed))
        if ok and self.record is not None:
            self.record.update(changed)
        self._settle(key, names)
        if not ok:
            self._revert_fields(names)
        return ok

    def commit_key(self, key: str) -> bool:
        """Read the editors of ``key`` and :meth:`commit` them."""
        names = self.fields_of(key)
        data: dict[str, Any] = {}
        for name in names:
            try:
                data[name] = self.value_of(name)
            except ValueError as error:
                self.show_hint(key, f"{error}{KEPT_SUFFIX}")
                self._kept.update(names)
                return False
        choice = all(self.specs[n].kind in ("combo", "check") for n in names) and not any(
            self.specs[n].editable for n in names
        )
        return self.commit(key, data, revert=choice)

    def revert(self, key: str) -> None:
        """Show the stored values of ``key`` again and drop its message."""
        self.clear_hint(key)
        self._revert_fields(self.fields_of(key))

    def _revert_fields(self, names: list[str]) -> None:
        self.version_held = False
        self._loading = True
        try:
            for name in names:
                self._kept.discard(name)
                self.show_value(name, force=True)
        finally:
            self._loading = False
        for name in names:
            self._group_dirty.discard(self.specs[name].key)

    def _settle(self, key: str, names: list[str]) -> None:
        self.version_held = False
        self._group_dirty.discard(key)
        for name in names:
            self._kept.discard(name)
            editor = self.editors.get(name)
            if isinstance(editor, QLineEdit):
                editor.setModified(False)
            elif isinstance(editor, QPlainTextEdit):
                editor.document().setModified(False)

    def field_edited(self, name: str) -> None:
        """The user finished editing ``name``: commit it (areas override for special cases)."""
        self.commit_key(self.specs[name].key)

    # -- slots ----------------------------------------------------------------------------

    def _on_editor_typed(self, name: str) -> None:
        spec = self.specs[name]
        if spec.group:
            self._group_dirty.add(spec.group)

    def _on_text_changed(self, name: str) -> None:
        if not self._loading and self.specs[name].group:
            self._group_dirty.add(self.specs[name].group)

    def _on_editor_finished(self, name: str) -> None:
        if self._loading or self.record is None:
            return
        spec = self.specs[name]
        editor = self.editors[name]
        if (
            isinstance(editor, QLineEdit)
            and not (editor.isModified() or name in self._kept)
            and not (spec.group and spec.group in self._group_dirty)
        ):
            return
        if isinstance(editor, QSpinBox | QDoubleSpinBox) and (
            self.record.get(name) == editor.value()
        ):
            return
        if spec.group:
            focus = QApplication.focusWidget()
            if focus is not editor and self._in_group(focus, spec.group):
                self._group_dirty.add(spec.group)
                return  # moving within the group: commit when the group is left
        self.field_edited(name)

    def _in_group(self, widget: QWidget | None, group: str) -> bool:
        while widget is not None:
            for name in self.fields_of(group):
                if widget is self.editors[name]:
                    return True
            widget = widget.parentWidget()
        return False

    def _on_app_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if self._loading or self.record is None or not self._group_dirty:
            return
        for group in list(self._group_dirty):
            if self._in_group(old, group) and not self._in_group(new, group):
                self._group_dirty.discard(group)
                self.commit_key(group)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.record is not None
        ):
            name = self._editor_name(watched)
            if name is not None:
                key = self.specs[name].key
                editor = self.editors[name]
                dirty = (
                    bool(self.hint_text(key))
                    or name in self._kept
                    or (isinstance(editor, QLineEdit) and editor.isModified())
                    or (isinstance(editor, QPlainTextEdit) and editor.document().isModified())
                    or key in self._group_dirty
                )
                if dirty:
                    self.revert(key)
                    return True
        return super().eventFilter(watched, event)

    def _editor_name(self, watched: QObject) -> str | None:
        for name, editor in self.editors.items():
            if watched is editor:
                return name
            if isinstance(editor, QComboBox) and watched is editor.lineEdit():
                return name
            if isinstance(editor, DateInput) and watched is editor.edit:
                return name
        return None
