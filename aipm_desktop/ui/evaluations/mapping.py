"""The column mapping of a results import: for each column of the file, what it is.

One line per file column: its name, a few of its values and a choice of what it holds
(the example id, the expected label, the prediction, a probability, latency, cost, a slice,
a boolean flag, a numeric score, or nothing to import). Fields kept as ``slice:lang`` in
a mapping (a slice stored under another name) keep that name when shown again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from ..widgets.builders import clear_layout
from ..widgets.page_header import named_label

#: What a file column may be, as the mapping names it, and as the user reads it.
FIELDS = (
    ("ignore", "Not imported"),
    ("id", "Example id"),
    ("expected", "Expected label"),
    ("predicted", "Prediction"),
    ("probability", "Probability (confidence)"),
    ("latency", "Latency"),
    ("cost", "Cost"),
    ("slice", "Slice"),
    ("flag", "Boolean flag"),
    ("score", "Numeric score"),
)
#: Values of a column shown beside it.
SAMPLES = 3


def sample_text(values: Sequence[str]) -> str:
    """The first few distinct non-empty values of a column, comma separated."""
    seen = list(dict.fromkeys(v for v in values if v))[:SAMPLES]
    return ", ".join(v if len(v) <= 24 else v[:23] + "…" for v in seen) or "(empty)"


class MappingGrid(QWidget):
    """The file's columns, each with a choice of what it holds (see the module docstring).

    Signals:
        changed(): the user chose another field for a column.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mappingGrid")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.combos: dict[str, QComboBox] = {}
        self._names: dict[str, str] = {}

    def set_columns(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        mapping: Mapping[str, str],
    ) -> None:
        """Show the file's ``header`` (its first ``rows`` for the samples) mapped as
        ``mapping`` says."""
        clear_layout(self.grid)
        self.combos = {}
        self._names = {}
        for title, column in (("Column in the file", 0), ("Values", 1), ("Holds", 2)):
            self.grid.addWidget(named_label(title, "formLabel"), 0, column)
        for line, name in enumerate(header, start=1):
            if not name:
                continue
            spec = mapping.get(name, "ignore")
            head, _sep, stored = spec.partition(":")
            self._names[name] = stored
            caption = QLabel(name)
            caption.setTextFormat(Qt.TextFormat.PlainText)
            values = named_label(sample_text([r[line - 1] for r in rows]), "mutedLabel")
            values.setTextFormat(Qt.TextFormat.PlainText)
            combo = QComboBox()
            combo.setObjectName(f"map_{name}")
            for field, label in FIELDS:
                shown = f"{label} ({stored})" if field == head and stored else label
                combo.addItem(shown, field)
            combo.setCurrentIndex(max(combo.findData(head), 0))
            combo.activated.connect(lambda _i: self.changed.emit())
            self.grid.addWidget(caption, line, 0)
            self.grid.addWidget(values, line, 1)
            self.grid.addWidget(combo, line, 2)
            self.combos[name] = combo
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        self.grid.setRowStretch(len(header) + 1, 1)  # the lines at the top, not spread

    def mapping(self) -> dict[str, str]:
        """The mapping shown: file column -> field (a kept name as ``slice:lang``)."""
        out = {}
        for name, combo in self.combos.items():
            field = str(combo.currentData())
            kept = self._names.get(name, "")
            out[name] = f"{field}:{kept}" if kept and field in ("slice", "flag", "score") else field
        return out

    def choose(self, column: str, field: str) -> None:
        """Map ``column`` to ``field`` as the user does (``changed`` is emitted)."""
        combo = self.combos[column]
        combo.setCurrentIndex(combo.findData(field))
        combo.activated.emit(combo.currentIndex())
