"""The scoring grid's table model and cell painting.

:class:`ScoreGridModel` shows the ranking of :func:`aipm_desktop.services.scoring.rank`
(complete use cases by score, incomplete ones after them, marked); columns are the use
case, one per criterion, the score and the rank. Cells are coloured by level on a
good-to-bad scale; :class:`ScoreCellDelegate` frames the current cell and marks the cells
with a rationale (a dark top-right corner) and those whose level the risk register fed
(italic, a purple bottom-left corner). Also the roles, colours, tooltips and the loaders
of rationales and fed levels the model uses. The widgets are in :mod:`.grid`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ...services import risks, scoring
from ...services.scoring import CriterionInfo, RankedUseCase
from ..widgets.roles import (
    ALIGNMENT_ROLE,
    BACKGROUND_ROLE,
    DISPLAY_ROLE,
    FONT_ROLE,
    FOREGROUND_ROLE,
    HORIZONTAL,
    ID_ROLE,
    ITEM_FLAGS,
    TOOLTIP_ROLE,
)

if TYPE_CHECKING:
    from ...store import Workspace

#: A criterion cell's rationale ("" when it has none).
RATIONALE_ROLE = Qt.ItemDataRole.UserRole + 1
#: True on a criterion cell whose level came from the risk register.
FED_ROLE = Qt.ItemDataRole.UserRole + 2
#: Rows whose rationales are read together (one query) when one of them is first shown.
RATIONALE_BLOCK = 200
RationaleLoader = Callable[[list[int]], dict[tuple[int, int], str]]
_CENTER = int(Qt.AlignmentFlag.AlignCenter.value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)

#: Background per level on a good-to-bad scale (index 1 = worst, 5 = best).
GOOD_SCALE = {
    1: QColor("#f6cfca"),
    2: QColor("#fbe0c3"),
    3: QColor("#fbf1c2"),
    4: QColor("#d9eed3"),
    5: QColor("#b9e0b0"),
}
EMPTY_CELL = QColor("#f4f5f7")
MUTED = QColor("#8a96a3")
#: The corner marker of a cell with a rationale.
MARKER = QColor("#3e4c59")
#: The frame of the current cell.
CURRENT_FRAME = QColor("#2f6fd6")
#: The corner marker of a cell whose level came from the risk register.
FED_MARKER = QColor("#7b4fd6")


@dataclass(frozen=True)
class FedLevel:
    """A use case's risk criterion level taken from the risk register.

    ``exposure`` is the highest residual score (1-25) of its open linked risks, ``level``
    the level it gives, ``stored`` the use case's own stored level (None when unscored).
    """

    exposure: int
    level: int
    stored: int | None


def load_fed_levels(*, ws: Workspace, ranking: Sequence[RankedUseCase]) -> dict[int, FedLevel]:
    """use case id -> :class:`FedLevel` for the rows of ``ranking`` the register fed."""
    fed = {r.use_case_id: r for r in ranking if r.fed}
    if not fed:
        return {}
    criterion_id = next(iter(fed.values())).fed[0]
    exposures = risks.residual_exposure_by_use_case(ws=ws)
    stored = scoring.stored_levels(ws=ws, criterion_id=criterion_id, use_case_ids=fed)
    return {
        uc: FedLevel(
            exposure=round(exposures.get(uc, 0.0) * 25),
            level=row.values[criterion_id],
            stored=stored.get(uc),
        )
        for uc, row in fed.items()
    }


def fed_text(fed: FedLevel) -> str:
    """``From the risk register: residual exposure 20 → level 4 (stored: 2)``."""
    stored = "none" if fed.stored is None else str(fed.stored)
    return (
        f"From the risk register: residual exposure {fed.exposure} → level {fed.level} "
        f"(stored: {stored})"
    )


def level_colour(level: int, direction: str) -> QColor:
    """The cell colour of a level: green is good, so for a cost criterion high is red."""
    goodness = 6 - level if direction == "cost" else level
    return GOOD_SCALE[goodness]


class ScoreGridModel(QAbstractTableModel):
    """The ranking as a table: title, one column per criterion, score, rank."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.criteria: list[CriterionInfo] = []
        self.rows: list[RankedUseCase] = []
        # Rationales are read in blocks of rows when first painted (10,000 use cases x 8
        # criteria would take ~0.4 s to read at each refresh): (use case id, criterion id)
        # -> rationale for the loaded use cases' scores that have one.
        self._load_rationales: RationaleLoader | None = None
        self._rationales: dict[tuple[int, int], str] = {}
        self._rationales_loaded: set[int] = set()
        self._row_of: dict[int, int] = {}
        #: use case id -> its risk-register level (only while the feed is on).
        self.fed: dict[int, FedLevel] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._brushes = {
            (level, direction): QBrush(level_colour(level, direction))
            for level in range(1, 6)
            for direction in ("benefit", "cost")
        }
        self._empty = QBrush(EMPTY_CELL)
        self._muted = QBrush(MUTED)

    # -- content --------------------------------------------------------------------------

    def set_ranking(
        self,
        criteria: Sequence[CriterionInfo],
        rows: Sequence[RankedUseCase],
        load_rationales: RationaleLoader | None = None,
        fed: Mapping[int, FedLevel] | None = None,
    ) -> None:
        """Show a new ranking; the current and selected cells follow their use cases.

        ``load_rationales(use_case_ids)`` reads the rationales of those use cases' scores
        (``(use case id, criterion id) -> text``) when their rows are first shown. ``fed``
        describes the cells whose level came from the risk register (see
        :func:`load_fed_levels`).
        """
        criteria = list(criteria)
        self.fed = dict(fed or {})
        same_columns = [c.id for c in criteria] == [c.id for c in self.criteria]
        self._load_rationales = load_rationales
        self._rationales = {}
        self._rationales_loaded = set()
        if not same_columns or not self.rows:
            self.beginResetModel()
            self.criteria = criteria
            self.rows = list(rows)
            self._row_of = {r.use_case_id: i for i, r in enumerate(self.rows)}
            self.endResetModel()
            return
        self.layoutAboutToBeChanged.emit()
        old_rows = self.rows
        persistent = self.persistentIndexList()
        self.criteria = criteria
        self.rows = list(rows)
        self._row_of = {r.use_case_id: i for i, r in enumerate(self.rows)}
        moved = []
        for index in persistent:
            row = index.row()
            old_id = old_rows[row].use_case_id if 0 <= row < len(old_rows) else None
            new_row = self._row_of.get(old_id) if old_id is not None else None
            moved.append(QModelIndex() if new_row is None else self.index(new_row, index.column()))
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, self.columnCount() - 1)
            )

    def row_of(self, use_case_id: int) -> int | None:
        return self._row_of.get(use_case_id)

    def use_case_at(self, row: int) -> RankedUseCase | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def is_fed(self, row: RankedUseCase, criterion_id: int) -> bool:
        """True when the ranking took this cell's level from the risk register."""
        return criterion_id in row.fed and row.use_case_id in self.fed

    def stored_value(self, row: RankedUseCase, criterion_id: int) -> int | None:
        """The level stored for this cell (a fed cell shows the register's level)."""
        if self.is_fed(row, criterion_id):
            return self.fed[row.use_case_id].stored
        return row.values.get(criterion_id)

    def rationale(self, use_case_id: int, criterion_id: int) -> str:
        """The rationale of a score ("" when it has none or there is no such score)."""
        if use_case_id not in self._rationales_loaded:
            self._load_block(use_case_id)
        return self._rationales.get((use_case_id, criterion_id), "")

    def _load_block(self, use_case_id: int) -> None:
        row = self._row_of.get(use_case_id)
        if row is None:
            ids = [use_case_id]
        else:
            start = row - row % RATIONALE_BLOCK
            ids = [r.use_case_id for r in self.rows[start : start + RATIONALE_BLOCK]]
        if self._load_rationales is not None:
            self._rationales.update(self._load_rationales(ids))
        self._rationales_loaded.update(ids)

    def criterion_at(self, column: int) -> CriterionInfo | None:
        index = column - 1
        return self.criteria[index] if 0 <= index < len(self.criteria) else None

    def column_of(self, criterion_id: int) -> int | None:
        for i, crit in enumerate(self.criteria):
            if crit.id == criterion_id:
                return i + 1
        return None

    @property
    def score_column(self) -> int:
        return len(self.criteria) + 1

    @property
    def rank_column(self) -> int:
        return len(self.criteria) + 2

    # -- QAbstractTableModel --------------------------------------------------------------

    def rowCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.criteria) + 3

    def flags(self, index: Any) -> Qt.ItemFlag:
        return ITEM_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Any, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == ID_ROLE:
            return row.use_case_id
        if column == 0:
            return self._title_data(row, role)
        if column == self.score_column:
            return self._score_data(row, role)
        if column == self.rank_column:
            return self._rank_data(row, role)
        crit = self.criteria[column - 1]
        value = row.values.get(crit.id)
        fed = self.fed.get(row.use_case_id) if crit.id in row.fed else None
        if role == RATIONALE_ROLE:
            return self.rationale(row.use_case_id, crit.id)
        if role == FED_ROLE:
            return fed is not None
        if role == DISPLAY_ROLE:
            return "" if value is None else str(value)
        if role == FONT_ROLE:
            return self._italic if fed is not None else None
        if role == BACKGROUND_ROLE:
            if value is None:
                return self._empty
            return self._brushes[(value, "cost" if crit.direction == "cost" else "benefit")]
        if role == ALIGNMENT_ROLE:
            return _CENTER
        if role == TOOLTIP_ROLE:
            rationale = self.rationale(row.use_case_id, crit.id)
            text = cell_tooltip(crit, value, row.contributions.get(crit.id), rationale)
            if fed is None:
                return text
            return (
                f"{fed_text(fed)}\n{text}\nTyping 1-5 changes the stored score, which counts "
                "again once the register no longer feeds this criterion."
            )
        return None

    def _title_data(self, row: RankedUseCase, role: int) -> Any:
        if role == DISPLAY_ROLE:
            return row.title if row.complete else f"◌ {row.title}"
        if role == FOREGROUND_ROLE and not row.complete:
            return self._muted
        if role == FONT_ROLE and not row.complete:
            return self._italic
        if role == TOOLTIP_ROLE:
            if row.complete:
                return f"{row.title}\nScore {row.score:.1f}, rank {row.rank}"
            names = [c.name for c in self.criteria if c.id in set(row.missing)]
            return (
                f"{row.title}\nIncomplete: no score yet for {', '.join(names)}.\n"
                "Ranked apart from the complete use cases, never as zero."
            )
        return None

    def _score_data(self, row: RankedUseCase, role: int) -> Any:
        if role == DISPLAY_ROLE:
            return "—" if row.score is None else f"{row.score:.1f}"
        if role == ALIGNMENT_ROLE:
            return _RIGHT
        if role == FONT_ROLE and row.complete:
            return self._bold
        if role == FOREGROUND_ROLE and not row.complete:
            return self._muted
        if role == TOOLTIP_ROLE:
            if row.score is None:
                return f"No score: {len(row.missing)} criteria not scored yet."
            text = f"Score {row.score:.1f} of 100 (sum of the criteria's contributions)"
            if row.fed and row.use_case_id in self.fed:
                text += "\nThe risk criterion's level comes from the risk register."
            return text
        return None

    def _rank_data(self, row: RankedUseCase, role: int) -> Any:
        if role == DISPLAY_ROLE:
            return str(row.rank) if row.rank is not None else "—"
        if role == TOOLTIP_ROLE and row.rank is None:
            return "Incomplete: not ranked until every criterion is scored"
        if role == ALIGNMENT_ROLE:
            return _CENTER
        if role == FOREGROUND_ROLE and row.rank is None:
            return self._muted
        if role == FONT_ROLE and row.rank is None:
            return self._italic
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE
    ) -> Any:
        if orientation != HORIZONTAL:
            return None
        crit = self.criterion_at(section)
        if role == DISPLAY_ROLE:
            if section == 0:
                return "Use case"
            if section == self.score_column:
                return "Score"
            if section == self.rank_column:
                return "Rank"
            if crit is not None:
                sign = " (-)" if crit.direction == "cost" else ""
                return f"{wrap_name(crit.name)}\n{crit.group}{sign} · {crit.weight_pct:.0f}%"
        if role == TOOLTIP_ROLE and crit is not None:
            direction = (
                "counts against the score (higher level = worse)"
                if crit.direction == "cost"
                else "counts for the score (higher level = better)"
            )
            return (
                f"{crit.name} ({crit.group}, weight {crit.weight:g} = {crit.weight_pct:.1f}%)\n"
                f"{crit.description}\nThis criterion {direction}."
            )
        return None


def wrap_name(name: str, width: int = 13) -> str:
    """A criterion name on at most two header lines (the second elided if needed)."""
    if len(name) <= width:
        return name + "\n"
    words = name.split()
    first = ""
    while words and len(f"{first} {words[0]}".strip()) <= width:
        first = f"{first} {words.pop(0)}".strip()
    if not first:
        first = words.pop(0)
    rest = " ".join(words)
    if len(rest) > width + 2:
        rest = rest[: width + 1].rstrip() + "…"
    return f"{first}\n{rest}"


def cell_tooltip(
    crit: CriterionInfo, value: int | None, points: float | None, rationale: str = ""
) -> str:
    """What a grid cell's tooltip says: the level's anchored text, why (the rationale, if
    any) and its points."""
    if value is None:
        return f"{crit.name}: not scored yet.\nType 1-5 to score it."
    level_text = crit.levels[value - 1] if len(crit.levels) >= value else ""
    lines = [f"{crit.name}: level {value} of 5"]
    if level_text:
        lines.append(level_text)
    if rationale:
        lines.append(textwrap.fill(f"Why: {rationale}", width=70))
    else:
        lines.append("No rationale yet (F2 to write one).")
    if points is not None:
        best = crit.weight_pct
        lines.append(f"Contribution: {points:.1f} of {best:.1f} possible points")
    if crit.direction == "cost":
        lines.append("A cost criterion: higher levels lower the score.")
    return "\n".join(lines)


def load_rationales(
    *, ws: Workspace, criterion_ids: Iterable[int], use_case_ids: Iterable[int]
) -> dict[tuple[int, int], str]:
    """(use case id, criterion id) -> rationale of the scores of these use cases on these
    criteria that have one."""
    return scoring.rationales(ws=ws, use_case_ids=use_case_ids, criterion_ids=criterion_ids)


class ScoreCellDelegate(QStyledItemDelegate):
    """Paints the grid's cells: the current cell keeps its level colour inside a blue frame
    (the style sheet's selected-item box would paint it grey), and a cell whose score has a
    rationale gets a small triangle in its top-right corner (a spreadsheet's comment mark).
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        state = option.state  # type: ignore[attr-defined]
        selected = bool(state & QStyle.StateFlag.State_Selected)
        plain = QStyleOptionViewItem(option)
        # Selected or focused, the style would shade the level colour: paint it plain.
        plain.state = state & ~(  # type: ignore[attr-defined]
            QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus
        )
        super().paint(painter, plain, index)
        rect = QRectF(option.rect)  # type: ignore[attr-defined]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if index.data(FED_ROLE):
            size = max(6.0, rect.height() / 3.5)
            left, bottom = rect.left(), rect.bottom()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(FED_MARKER)
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(left, bottom - size),
                        QPointF(left, bottom),
                        QPointF(left + size, bottom),
                    ]
                )
            )
        if index.data(RATIONALE_ROLE):
            size = max(6.0, rect.height() / 3.5)
            right, top = rect.right(), rect.top()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(MARKER)
            painter.drawPolygon(
                QPolygonF(
                    [QPointF(right - size, top), QPointF(right, top), QPointF(right, top + size)]
                )
            )
        if selected:
            pen = QPen(CURRENT_FRAME, 2.0)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1.0, 1.0, -1.0, -1.0))
        painter.restore()
