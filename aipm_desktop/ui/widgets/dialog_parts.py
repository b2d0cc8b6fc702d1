"""Pieces the areas' dialogs share: the heading-and-intro block, the delete question."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from .page_header import named_label

YES = QMessageBox.StandardButton.Yes
CANCEL = QMessageBox.StandardButton.Cancel


def dialog_heading(title: str, intro: str) -> tuple[QLabel, QLabel]:
    """A dialog's heading (``dialogHeading``) and the muted, word-wrapped intro under it."""
    return named_label(title, "dialogHeading"), named_label(intro, "mutedLabel", wrap=True)


def confirm_delete(
    parent: QWidget,
    title: str,
    text: str,
    *,
    informative: str = "",
    name: str = "",
    no: QMessageBox.StandardButton = CANCEL,
    yes_text: str = "",
    on_yes: Callable[[], object] | None = None,
) -> QMessageBox:
    """The question box asking to delete something: Yes (captioned ``yes_text`` when
    given) or ``no``, ``no`` the default.

    With ``on_yes`` the box opens window-modal, runs ``on_yes`` when Yes was clicked and
    is deleted when it closes; without, it is returned unopened for the caller to run.
    """
    box = QMessageBox(QMessageBox.Icon.Question, title, text, YES | no, parent)
    if name:
        box.setObjectName(name)
    if informative:
        box.setInformativeText(informative)
    if yes_text:
        box.button(YES).setText(yes_text)
    box.setDefaultButton(no)
    if on_yes is not None:
        box.finished.connect(lambda _result: box.clickedButton() is box.button(YES) and on_yes())
        box.finished.connect(box.deleteLater)
        box.open()
    return box
