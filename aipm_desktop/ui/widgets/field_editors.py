"""The field specs of a record form and the editors they make, without the form.

:class:`FieldSpec` describes one field (name, label, widget kind, placeholder, card);
:func:`create_editor` builds and sets up its editor widget (unwired: the form connects
its signals), :func:`read_editor` / :func:`show_in_editor` read and show a value in any
of those editors. :mod:`.record_form` puts them in cards and commits their edits.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pydantic
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from ...services import clock

FIELD_HEIGHT = 30


def date_display_format() -> str:
    """The ``QDateEdit`` display format matching :mod:`aipm_desktop.services.dates`' style
    (ISO, or the locale's short date format)."""
    from PySide6.QtCore import QLocale

    from ...services import dates

    if dates.style() == dates.ISO:
        return "yyyy-MM-dd"
    return QLocale().dateFormat(QLocale.FormatType.ShortFormat)


TEXT_HEIGHT = 64
#: Put in a choices list to draw a separator line in the combo.
SEPARATOR: Any = object()
#: What an invalid typed value adds to the model's message.
KEPT_SUFFIX = " Not saved: correct it, or press Esc for the stored value."
#: What an invalid choice adds to the model's message.
SET_BACK_SUFFIX = " It was set back."

KINDS = ("line", "text", "number", "int", "float", "combo", "date", "datetime", "check")
Choices = Sequence[tuple[Any, str]]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record form.

    ``kind``: ``line`` (one line of text), ``text`` (several lines), ``number`` (an
    optional number typed as text: "" is None), ``int`` / ``float`` (spin boxes),
    ``combo`` (from an enum class, a list of ``(value, label)`` or a callable returning
    one, read again on every load; ``editable`` lets the user type a value), ``date``
    (an optional date: a check box and a date editor), ``datetime`` (the same with a
    time: stored in UTC, shown in local time), ``check``.
    ``group``: fields of one group validate and commit together; the hint row is the
    group's. ``row``: consecutive fields with the same ``row`` share one form row labelled
    ``row`` ("" spans the card), each with its ``label`` as a small caption above it.
    """

    name: str
    label: str
    kind: str = "line"
    placeholder: str = ""
    section: str = ""
    choices: type[enum.Enum] | Choices | Callable[[], Choices] | None = None
    group: str = ""
    row: str | None = None
    help: str = ""
    tooltip: str = ""
    editable: bool = False
    minimum: float = 0
    maximum: float = 1_000_000_000
    decimals: int = 2
    suffix: str = ""
    height: int = TEXT_HEIGHT
    width: int = 0
    max_length: int = 0

    @property
    def key(self) -> str:
        """The hint / commit key: the group, else the field itself."""
        return self.group or self.name


def in_section(section: str, *fields: FieldSpec) -> tuple[FieldSpec, ...]:
    """``fields`` in the card ``section`` (each one's ``section`` set to it)."""
    return tuple(replace(field, section=section) for field in fields)


def enum_label(value: Any) -> str:
    """``in_progress`` -> ``In progress``."""
    raw = value.value if isinstance(value, enum.Enum) else value
    text = str(raw).replace("_", " ")
    return text[:1].upper() + text[1:]


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def parse_number(text: str) -> float | None:
    """``""`` -> None; ``"1,200"`` -> 1200.0; ``"12 %"`` -> 12.0; ValueError otherwise."""
    text = text.strip().replace(",", "").replace("_", "").removesuffix("%").strip()
    return float(text) if text else None


class TextArea(QPlainTextEdit):
    """A plain-text box that reports when the user leaves it after typing.

    Signals:
        editing_finished(): focus left the box and its text was modified.
    """

    editing_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(TEXT_HEIGHT)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.document().isModified():
            self.editing_finished.emit()

    def set_text(self, text: str) -> None:
        self.setPlainText(text)
        self.document().setModified(False)


def utc_moment(shown: QDateTime) -> dt.datetime:
    """A local date and time shown in an editor as an aware UTC datetime, to the minute."""
    day, time = shown.date(), shown.time()
    local = dt.datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())
    return local.astimezone().astimezone(dt.UTC)


def local_moment(value: dt.datetime) -> QDateTime:
    """A stored moment (UTC; naive is read as UTC) as the local time an editor shows."""
    moment = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone()
    return QDateTime(
        QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute)
    )


class DateInput(QWidget):
    """An optional date: a check box ("set") and a date editor with a calendar.

    With ``with_time`` it is an optional moment: a date and time editor showing local
    time; :meth:`value` gives it back as an aware UTC datetime (to the minute).

    Signals:
        edited(): the user changed the date or set / cleared it.
    """

    edited = Signal()

    def __init__(
        self,
        check_text: str = "Set",
        parent: QWidget | None = None,
        *,
        field_height: int = FIELD_HEIGHT,
        with_time: bool = False,
    ) -> None:
        super().__init__(parent)
        self.with_time = with_time
        self.check = QCheckBox(check_text)
        self.edit = QDateTimeEdit() if with_time else QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(date_display_format() + (" HH:mm" if with_time else ""))
        if with_time:
            self.edit.setDateTime(QDateTime.currentDateTime())
        else:
            self.edit.setDate(QDate(clock.today()))
        self.edit.setEnabled(False)
        self.edit.setMinimumHeight(field_height)
        self._editable = True
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)
        self.setFocusProxy(self.edit)
        self.check.clicked.connect(self._on_check_clicked)
        self.edit.editingFinished.connect(self.edited)
        self.edit.calendarWidget().clicked.connect(lambda _date: self.edited.emit())

    def value(self) -> dt.date | dt.datetime | None:
        if not self.check.isChecked():
            return None
        if self.with_time:
            return utc_moment(self.edit.dateTime())
        return self.edit.date().toPython()

    def set_value(self, value: dt.date | dt.datetime | None) -> None:
        self.check.setChecked(value is not None)
        self.edit.setEnabled(value is not None and self._editable)
        self.edit.blockSignals(True)
        if self.with_time:
            self.edit.setDateTime(
                local_moment(value)
                if isinstance(value, dt.datetime)
                else QDateTime.currentDateTime()
            )
        else:
            self.edit.setDate(QDate(value if value is not None else clock.today()))
        self.edit.blockSignals(False)

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        self.check.setEnabled(editable)
        self.edit.setEnabled(editable and self.check.isChecked())

    def _on_check_clicked(self, checked: bool) -> None:
        self.edit.setEnabled(checked and self._editable)
        self.edited.emit()


def create_editor(spec: FieldSpec, max_length: int = 0) -> QWidget:
    """A new editor for ``spec``, set up but with no signal connected."""
    kind = spec.kind
    editor: QWidget
    if kind in ("line", "number"):
        edit = QLineEdit()
        edit.setMinimumHeight(FIELD_HEIGHT)
        edit.setPlaceholderText(spec.placeholder)
        if max_length:
            edit.setMaxLength(max_length)
        if kind == "number":
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor = edit
    elif kind == "text":
        area = TextArea()
        area.setPlaceholderText(spec.placeholder)
        area.setFixedHeight(spec.height)
        editor = area
    elif kind in ("int", "float"):
        spin = QSpinBox() if kind == "int" else QDoubleSpinBox()
        if isinstance(spin, QDoubleSpinBox):
            spin.setDecimals(spec.decimals)
        spin.setRange(spec.minimum, spec.maximum)  # type: ignore[arg-type]
        spin.setSuffix(spec.suffix)
        spin.setMinimumHeight(FIELD_HEIGHT)
        spin.setKeyboardTracking(False)
        editor = spin
    elif kind == "combo":
        editor = _new_combo(spec)
    elif kind in ("date", "datetime"):
        editor = DateInput(with_time=kind == "datetime")
    elif kind == "check":
        editor = QCheckBox(spec.placeholder)
    else:
        raise ValueError(f"unknown field kind {kind!r} (one of {', '.join(KINDS)})")
    editor.setObjectName(f"{spec.name}Edit")
    if spec.width:
        editor.setMaximumWidth(spec.width)
        editor.setMinimumWidth(min(spec.width, 60))
    if spec.tooltip:
        editor.setToolTip(spec.tooltip)
    return editor


def _new_combo(spec: FieldSpec) -> QComboBox:
    combo = QComboBox()
    combo.setMinimumHeight(FIELD_HEIGHT)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)
    if spec.editable:
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.lineEdit().setPlaceholderText(spec.placeholder)
    fill_combo(combo, spec)
    return combo


def fill_combo(combo: QComboBox, spec: FieldSpec) -> None:
    """(Re)fill ``combo`` with the choices of ``spec``, keeping typed text if editable."""
    choices = spec.choices
    if isinstance(choices, type) and issubclass(choices, enum.Enum):
        items: Choices = [(member.value, enum_label(member)) for member in choices]
    elif callable(choices):
        items = choices()
    else:
        items = list(choices or ())
    text = combo.currentText()
    blocked = combo.blockSignals(True)
    combo.clear()
    for value, label in items:
        if value is SEPARATOR:
            combo.insertSeparator(combo.count())
        else:
            combo.addItem(label, value)
    if spec.editable:
        combo.setEditText(text)
    combo.blockSignals(blocked)


def read_editor(editor: QWidget, spec: FieldSpec, stored: Any = None) -> Any:
    """The value typed in ``editor``; ValueError (with a message) if unreadable.

    ``stored``: the record's value, so a choice comes back as the same enum type.
    """
    if isinstance(editor, QLineEdit):
        if spec.kind == "number":
            try:
                return parse_number(editor.text())
            except ValueError:
                raise ValueError(f"{spec.label} must be a number, e.g. 42 or 3.5.") from None
        return editor.text().strip()
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText().strip()
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        if spec.editable:
            return editor.currentText().strip()
        return stored_type(stored, editor.currentData())
    if isinstance(editor, DateInput):
        return editor.value()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    raise TypeError(spec.name)


def display_value(spec: FieldSpec, value: Any) -> Any:
    """The stored ``value`` as the editor of ``spec`` shows it."""
    if spec.kind == "number":
        return format_number(value)
    if spec.kind in ("line", "text"):
        return "" if value is None else str(value)
    return value


def show_in_editor(editor: QWidget, spec: FieldSpec, value: Any) -> None:
    """Put ``value`` (from :func:`display_value`) in ``editor``, emitting no signal."""
    blocked = editor.blockSignals(True)
    try:
        if isinstance(editor, QLineEdit):
            if editor.text() != value:
                editor.setText(value)
                editor.setCursorPosition(0)
            editor.setModified(False)
        elif isinstance(editor, TextArea):
            if editor.toPlainText() != value:
                editor.set_text(value)
            editor.document().setModified(False)
        elif isinstance(editor, QSpinBox | QDoubleSpinBox):
            editor.setValue(value if value is not None else editor.minimum())
        elif isinstance(editor, QComboBox):
            if spec.editable:
                editor.setEditText("" if value is None else str(value))
            else:
                raw = value.value if isinstance(value, enum.Enum) else value
                index = editor.findData(raw)
                editor.setCurrentIndex(max(index, 0) if editor.count() else -1)
        elif isinstance(editor, DateInput):
            editor.set_value(value)
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
    finally:
        editor.blockSignals(blocked)


def schema_max_length(schema: type[pydantic.BaseModel], name: str) -> int:
    """The ``max_length`` the schema sets on field ``name`` (0: none)."""
    field = schema.model_fields.get(name)
    if field is None:
        return 0
    for item in field.metadata:
        length = getattr(item, "max_length", None)
        if length:
            return int(length)
    return 0


def stored_type(current: Any, value: Any) -> Any:
    """A combo's data as the record holds it (an enum member when the record has one)."""
    if isinstance(current, enum.Enum) and value is not None:
        try:
            return type(current)(value)
        except ValueError:
            return value
    return value
