"""The risk-appetite dialog: the score bands' upper bounds and colours, the scoring method.

Save pushes one undoable :class:`~aipm_desktop.ui.risks.edits.SetAppetiteCommand`;
bounds that do not increase are refused inline before anything is stored, and an
appetite changed in another window since the dialog read it is not overwritten unasked.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QUndoCommand
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...errors import ConflictError, ValidationError
from ...models import WorkspaceSettings
from ...services import risks
from ...services import workspace as workspace_service
from ..context import AppContext
from ..widgets.builders import SAVE_CANCEL, Space, dialog_buttons, vbox
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import dialog_heading
from ..widgets.page_header import named_label
from ..widgets.versioned import ask_reload_or_overwrite, guard_edit, handed_over
from .edits import SetAppetiteCommand
from .fields import text_color_on

MAX_SCORE = 25


class AppetiteDialog(ContextDialog):
    """Edit the appetite bands (upper bound, colour) and the scoring method.

    Save stores them only while the workspace settings holding them are at the version
    read when the dialog opened (or reloaded); when another window changed the appetite
    since, :func:`~aipm_desktop.ui.widgets.versioned.ask_reload_or_overwrite` asks
    (``conflict_box`` while open)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="appetiteDialog", title="Risk appetite")
        self.bands: list[dict[str, Any]] = []
        self.colors: list[str] = []
        self.spins: list[QSpinBox] = []
        self.range_labels: list[QLabel] = []
        self.color_buttons: list[QPushButton] = []
        self.color_dialog: QColorDialog | None = None
        self.conflict_box: QMessageBox | None = None
        #: The appetite as read, and the version of the settings row holding it.
        self.read: tuple[list[dict[str, Any]], str] = ([], "")
        self.version: int | None = None
        #: The appetite was stored (at once, or after another window's change).
        self.saved = False

        heading, intro = dialog_heading(
            "Risk appetite",
            "A risk's score falls in the first band whose upper bound it does not exceed. "
            "The colours are used in the register, the heat map and exports.",
        )
        self.grid_holder = QVBoxLayout()
        self.grid_holder.setContentsMargins(0, 0, 0, 0)
        self.method_combo = QComboBox()
        for key, label in risks.METHODS.items():
            self.method_combo.addItem(label, key)
        method_row = QGridLayout()
        method_row.addWidget(QLabel("Scoring method"), 0, 0)
        method_row.addWidget(self.method_combo, 0, 1)
        method_row.setColumnStretch(1, 1)

        self.hint = named_label("", "errorHint", wrap=True)
        self.buttons = dialog_buttons(self, self.save, SAVE_CANCEL)
        vbox(
            heading,
            intro,
            self.grid_holder,
            Space(6),
            method_row,
            self.hint,
            self.buttons,
            parent=self,
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not ctx.readonly)
        self.reload()

    def reload(self) -> None:
        """Show the appetite stored now (the user's unsaved choices are dropped)."""
        settings = workspace_service.get_settings(ws=self.ctx.require_workspace())
        bands = [dict(b) for b in settings.risk_bands]
        self.read = ([dict(b) for b in bands], settings.risk_method)
        self.version = settings.version
        self._show_bands(bands)
        self.method_combo.setCurrentIndex(max(self.method_combo.findData(settings.risk_method), 0))
        self._update()

    def _show_bands(self, bands: list[dict[str, Any]]) -> None:
        """One row per band: its name, score range, upper bound and colour."""
        while self.grid_holder.count():
            old = self.grid_holder.takeAt(0).widget()
            if old is not None:
                old.deleteLater()
        self.bands = bands
        self.colors = [str(b.get("color", "#9aa5b1")) for b in bands]
        self.spins, self.range_labels, self.color_buttons = [], [], []
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        for column, text in enumerate(("Band", "Scores", "Up to", "Colour")):
            grid.addWidget(named_label(text, "sectionTitle"), 0, column)
        for row, band in enumerate(bands, start=1):
            name = QLabel(str(band.get("name", "")).capitalize())
            spin = QSpinBox()
            spin.setRange(1, MAX_SCORE)
            spin.setValue(int(band.get("max", MAX_SCORE)))
            if row == len(bands):
                spin.setEnabled(False)
                spin.setToolTip("The last band always ends at the highest score, 25.")
            spin.valueChanged.connect(lambda _v: self._update())
            range_label = QLabel()
            button = QPushButton()
            button.setObjectName("colorButton")
            button.setToolTip("Choose the colour of this band")
            button.clicked.connect(lambda _c=False, i=row - 1: self.choose_color(i))
            for column, widget in enumerate((name, range_label, spin, button)):
                grid.addWidget(widget, row, column)
            self.spins.append(spin)
            self.range_labels.append(range_label)
            self.color_buttons.append(button)
        self.grid_holder.addWidget(box)

    def set_upper(self, index: int, value: int) -> None:
        self.spins[index].setValue(value)

    def set_color(self, index: int, color: str) -> None:
        self.colors[index] = color
        self._update()

    def choose_color(self, index: int) -> QColorDialog:
        """Open a colour chooser for band ``index`` (window-modal)."""
        dialog = QColorDialog(QColor(self.colors[index]), self)
        dialog.setWindowTitle(f"Colour of the {self.bands[index].get('name', '')} band")
        dialog.colorSelected.connect(lambda color: self.set_color(index, color.name()))
        dialog.finished.connect(dialog.deleteLater)
        self.color_dialog = dialog
        dialog.open()
        return dialog

    def values(self) -> list[dict[str, Any]]:
        return [
            {**band, "max": spin.value(), "color": color}
            for band, spin, color in zip(self.bands, self.spins, self.colors, strict=True)
        ]

    def problem(self) -> str:
        """Why the bands cannot be saved ("" when they can): the service's own rules."""
        try:
            risks.validate_appetite(self.values(), str(self.method_combo.currentData()))
        except ValidationError as err:
            return "; ".join(f"{where.capitalize()}: {msg}" for where, msg in err.errors)
        return ""

    def _update(self) -> None:
        previous = 0
        for label, spin in zip(self.range_labels, self.spins, strict=True):
            low = previous + 1
            label.setText(f"{low}–{spin.value()}" if spin.value() >= low else "—")  # noqa: RUF001
            previous = spin.value()
        for button, color in zip(self.color_buttons, self.colors, strict=True):
            button.setText(color)
            button.setStyleSheet(
                f"QPushButton#colorButton {{ background: {color}; color: {text_color_on(color)};"
                " border: 1px solid #9aa5b1; border-radius: 6px; padding: 4px 14px; }"
            )
        problem = self.problem()
        self.hint.setText(problem)
        self.hint.setVisible(bool(problem))

    def save(self) -> bool:
        """Store the appetite (one undo step); stays open with a message when invalid,
        or asking when another window changed the appetite since it was read."""
        problem = self.problem()
        if problem:
            self.hint.setText(problem)
            self.hint.setVisible(True)
            return False
        self._store(self.version)
        return self.saved

    def _store(self, version: int | None) -> None:
        method = str(self.method_combo.currentData())
        values = {"risk_bands": self.values(), "risk_method": method}

        def make(fields: dict[str, Any]) -> QUndoCommand:
            return SetAppetiteCommand(self.ctx, fields["risk_bands"], fields["risk_method"])

        command = guard_edit(
            make, WorkspaceSettings, 1, values, version, on_conflict=self._on_conflict
        )
        if self.ctx.run_edit(command):
            self.saved = True
            self.accept()
            return
        error = getattr(command, "error", None)
        if error is not None and not handed_over(command):
            self.hint.setText(error.message)
            self.hint.setVisible(True)

    def _on_conflict(self, error: ConflictError) -> None:
        """The settings moved on since they were read: when the appetite itself is as
        read (another field of the settings changed), store it against the new version;
        else ask."""
        stored = workspace_service.get_settings(ws=self.ctx.require_workspace())
        if (stored.risk_bands, stored.risk_method) == self.read:
            self._store(stored.version)
            return
        self.conflict_box = ask_reload_or_overwrite(
            self.ctx,
            self,
            "The risk appetite",
            error,
            overwrite=lambda: self._store(self._version_now()),
            reload=self.reload,
        )
        self.conflict_box.finished.connect(lambda _r: setattr(self, "conflict_box", None))

    def _version_now(self) -> int | None:
        return workspace_service.get_settings(ws=self.ctx.require_workspace()).version
