"""Pieces the areas' dialogs share: the heading-and-intro block, the delete question (and
other yes-or-no questions), the question where to save an export and a file name for it,
the export button and the label saying where the export went."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton, QWidget

from .builders import button
from .page_header import named_label

#: What a chart exports to: images, or images and drawings.
IMAGE_FILTERS = "PNG image (*.png);;SVG image (*.svg)"
DRAWING_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"
#: What a spreadsheet import reads.
SPREADSHEET_FILTERS = "Spreadsheets (*.csv *.xlsx);;CSV files (*.csv);;Excel workbooks (*.xlsx)"
YES = QMessageBox.StandardButton.Yes
CANCEL = QMessageBox.StandardButton.Cancel


def dialog_heading(title: str, intro: str) -> tuple[QLabel, QLabel]:
    """A dialog's heading (``dialogHeading``) and the muted, word-wrapped intro under it."""
    return named_label(title, "dialogHeading"), named_label(intro, "mutedLabel", wrap=True)


def choose_spreadsheet(parent: QWidget, title: str, current: Path | None, start: Path) -> str:
    """Ask for a spreadsheet to import, in the folder of the ``current`` file (or in
    ``start``): the chosen path, or "" when the user cancelled."""
    folder = current.parent if current else start
    chosen, _filter = QFileDialog.getOpenFileName(parent, title, str(folder), SPREADSHEET_FILTERS)
    return chosen


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
    given) or ``no``, ``no`` the default (see :func:`question_box`)."""
    return question_box(
        parent,
        title,
        text,
        informative=informative,
        name=name,
        no=no,
        yes_text=yes_text,
        default=no,
        on_yes=on_yes,
    )


def question_box(
    parent: QWidget,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
    informative: str = "",
    name: str = "",
    no: QMessageBox.StandardButton = CANCEL,
    yes_text: str = "",
    no_text: str = "",
    default: QMessageBox.StandardButton = CANCEL,
    on_yes: Callable[[], object] | None = None,
) -> QMessageBox:
    """A message box saying ``text`` with Yes and ``no`` (captioned ``yes_text`` and
    ``no_text`` when given), ``default`` the default button.

    With ``on_yes`` the box opens window-modal, runs ``on_yes`` when Yes was clicked and
    is deleted when it closes; without, it is returned unopened for the caller to run.
    """
    box = QMessageBox(icon, title, text, YES | no, parent)
    if name:
        box.setObjectName(name)
    if informative:
        box.setInformativeText(informative)
    if yes_text:
        box.button(YES).setText(yes_text)
    if no_text:
        box.button(no).setText(no_text)
    box.setDefaultButton(default)
    if on_yes is not None:
        box.finished.connect(lambda _result: box.clickedButton() is box.button(YES) and on_yes())
        box.finished.connect(box.deleteLater)
        box.open()
    return box


def export_controls(
    slot: Callable[[], object], *, name: str, tip: str = "", text: str = "Export chart…"
) -> tuple[QPushButton, QLabel]:
    """The button that exports (a chart, a document: captioned ``text``) and the muted
    label beside it saying where the last export went (:func:`show_saved`)."""
    return button(text, slot, name=name, tip=tip), named_label("", "mutedLabel")


def show_saved(label: QLabel, path: Path) -> None:
    """Say on ``label`` that ``path`` was written (its full path as the tooltip)."""
    label.setText(f"Saved {path.name}")
    label.setToolTip(str(path))


def file_stem(name: str, default: str) -> str:
    """A file name (without suffix) for something called ``name``: its letters and digits
    in lower case, the words joined by hyphens (``default`` when none is left)."""
    return "-".join("".join(c if c.isalnum() else " " for c in name).lower().split()) or default


def ask_save_path(parent: QWidget, caption: str, start: Path, filters: str) -> Path | None:
    """Ask where to save (a save dialog at ``start`` offering ``filters``, e.g.
    ``"PNG image (*.png);;SVG image (*.svg)"``); None when cancelled. A name typed without
    a suffix gets the suffix of the filter chosen."""
    chosen, chosen_filter = QFileDialog.getSaveFileName(parent, caption, str(start), filters)
    if not chosen:
        return None
    path = Path(chosen)
    suffix = re.search(r"\(\*(\.\w+)", chosen_filter)
    if not path.suffix and suffix is not None:
        path = path.with_suffix(suffix.group(1))
    return path
