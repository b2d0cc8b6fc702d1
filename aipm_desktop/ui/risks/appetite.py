"""The risk-appetite dialog: the score bands' upper bounds and colours, the scoring method.

Save pushes one undoable :class:`~aipm_desktop.ui.risks.edits.SetAppetiteCommand`;
bounds that do not increase are refused inline before anything is stored.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...errors import ValidationError
from ...services import risks
from ...services import workspace as workspace_service
from ..context import AppContext
from ..widgets.builders import SAVE_CANCEL, Space, dialog_buttons, vbox
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import dialog_heading
from ..widgets.page_header import named_label
from .edits import SetAppetiteCommand
from .fields import text_color_on

MAX_SCORE = 25


class AppetiteDialog(ContextDialog):
    """Edit the four appetite bands (upper bound, colour) and the scoring method."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="appetiteDialog", title="Risk appetite")
        ws = ctx.require_workspace()
        settings = workspace_service.get_settings(ws=ws)
        self.bands: list[dict[str, Any]] = [dict(b) for b in settings.risk_bands]
        self.colors: list[str] = [str(b.get("color", "#9aa5b1")) for b in self.bands]
        self.color_dialog: QColorDialog | None = None

        heading, intro = dialog_heading(
            "Risk appetite",
            "A risk's score falls in the first band whose upper bound it does not exceed. "
            "The colours are used in the register, the heat map and exports.",
        )

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        for column, text in enumerate(("Band", "Scores", "Up to", "Colour")):
            label = named_label(text, "sectionTitle")
            grid.addWidget(label, 0, column)
        self.spins: list[QSpinBox] = []
        self.range_labels: list[QLabel] = []
        self.color_buttons: list[QPushButton] = []
        for row, band in enumerate(self.bands, start=1):
            name = QLabel(str(band.get("name", "")).capitalize())
            spin = QSpinBox()
            spin.setRange(1, MAX_SCORE)
            spin.setValue(int(band.get("max", MAX_SCORE)))
            last = row == len(self.bands)
            if last:
                spin.setEnabled(False)
                spin.setToolTip("The last band always ends at the highest score, 25.")
            spin.valueChanged.connect(lambda _v: self._update())
            range_label = QLabel()
            button = QPushButton()
            button.setObjectName("colorButton")
            button.setToolTip("Choose the colour of this band")
            button.clicked.connect(lambda _c=False, i=row - 1: self.choose_color(i))
            grid.addWidget(name, row, 0)
            grid.addWidget(range_label, row, 1)
            grid.addWidget(spin, row, 2)
            grid.addWidget(button, row, 3)
            self.spins.append(spin)
            self.range_labels.append(range_label)
            self.color_buttons.append(button)

        self.method_combo = QComboBox()
        for key, label in risks.METHODS.items():
            self.method_combo.addItem(label, key)
        self.method_combo.setCurrentIndex(max(self.method_combo.findData(settings.risk_method), 0))
        method_row = QGridLayout()
        method_row.addWidget(QLabel("Scoring method"), 0, 0)
        method_row.addWidget(self.method_combo, 0, 1)
        method_row.setColumnStretch(1, 1)

        self.hint = named_label("", "errorHint", wrap=True)
        self.buttons = dialog_buttons(self, self.save, SAVE_CANCEL)
        vbox(heading, intro, grid, Space(6), method_row, self.hint, self.buttons, parent=self)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not ctx.readonly)
        self._update()

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
        """Store the appetite (one undo step); stays open with a message when invalid."""
        problem = self.problem()
        if problem:
            self.hint.setText(problem)
            self.hint.setVisible(True)
            return False
        command = SetAppetiteCommand(self.ctx, self.values(), str(self.method_combo.currentData()))
        if self.ctx.run_edit(command):
            self.accept()
            return True
        if command.error is not None:
            self.hint.setText(command.error.message)
            self.hint.setVisible(True)
        return False
