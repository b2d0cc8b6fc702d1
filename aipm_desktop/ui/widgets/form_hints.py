"""Inline validation for record forms: red hint rows under fields, messages from pydantic.

A form keeps, per field key, a hint ``QLabel`` (``self.hints``) placed as its own row of a
``QFormLayout`` (``self._hint_forms``); the row is hidden until there is something to say.
"""

from __future__ import annotations

from collections.abc import Callable

import pydantic
from PySide6.QtWidgets import QFormLayout, QLabel


class HintRows:
    """Mixin for forms: show, read and clear the red message under a field."""

    hints: dict[str, QLabel]
    _hint_forms: dict[str, QFormLayout]

    def hint_text(self, key: str) -> str:
        """The red message under ``key`` ("" when none is shown)."""
        hint = self.hints[key]
        return hint.text() if self._hint_forms[key].isRowVisible(hint) else ""

    def show_hint(self, key: str, message: str) -> None:
        hint = self.hints[key]
        hint.setText(message)
        self._hint_forms[key].setRowVisible(hint, True)

    def clear_hint(self, key: str) -> None:
        self._hint_forms[key].setRowVisible(self.hints[key], False)


def sentence(message: str) -> str:
    """``"needs a unit"`` -> ``"Needs a unit."``"""
    message = message.strip().rstrip(".")
    return (message[:1].upper() + message[1:] + ".") if message else ""


def validation_text(error: pydantic.ValidationError, label_for: Callable[[str], str]) -> str:
    """One readable line for a pydantic error, each problem named by its field's label."""
    messages = []
    for item in error.errors():
        field = ".".join(str(p) for p in item.get("loc", ()))
        msg = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        label = label_for(field)
        if label and not msg.lower().startswith(label.lower()):
            msg = f"{label}: {msg}"
        messages.append(msg)
    return " ".join(sentence(m) for m in messages)
