"""Pieces the Controls area's tabs share: the level a tab shows (a use case, or the
workspace for organisation-wide controls), the catalog and level combos, labels of stored
choices, and the base of a tab that reads its rows again for the level chosen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QComboBox, QHeaderView, QTableView, QWidget

from ...services import controls as controls_service
from ...services import usecases as usecases_service
from ..context import AppContext
from ..widgets.context_widgets import ContextWidget

#: The level combo's data for the workspace ("Organisation"): use case ids start at 1.
ORGANISATION = 0
ORGANISATION_TEXT = "Organisation (workspace-wide controls)"
#: What the tabs read again on (every kind the controls views show).
WATCHED = (
    "control_catalog",
    "control",
    "control_mapping",
    "control_profile",
    "control_status",
    "control_status_risk",
    "control_status_mitigation_action",
    "control_status_launch_check",
    "evidence_item",
    "evidence_item_control",
    "use_case",
    "ai_act_assessment",
    "compliance_obligation",
    "risk",
    "mitigation_action",
    "launch_check",
    "kpi",
)
STATES = ("not_started", "in_progress", "implemented", "verified")


def shown(value: Any) -> str:
    """A stored choice as people read it: ``not_started`` -> ``not started``."""
    return str(value or "").replace("_", " ")


def use_case_of(level: int | None) -> int | None:
    """The use case id of a level combo's data (None: the workspace)."""
    return None if not level else int(level)


def refill(combo: QComboBox, items: Iterable[tuple[str, Any]], keep: Any = None) -> None:
    """Put ``(text, data)`` items in ``combo`` (signals held), the one whose data is
    ``keep`` (else the first) chosen."""
    blocked = combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(combo.findData(keep), 0) if keep is not None else 0)
    combo.blockSignals(blocked)


def level_items(ctx: AppContext) -> list[tuple[str, int]]:
    """The levels a tab can show: the workspace, then each use case by title."""
    ws = ctx.workspace
    titles = usecases_service.titles(ws=ws) if ws is not None else []
    return [(ORGANISATION_TEXT, ORGANISATION), *((title, uc) for uc, title in titles)]


def catalog_items(ctx: AppContext, all_text: str = "") -> list[tuple[str, int]]:
    """The workspace's catalogs as ``(name and version, id)`` (after ``all_text``, data
    0, when given)."""
    ws = ctx.workspace
    found = controls_service.catalogs(ws=ws) if ws is not None else []
    items = [(f"{c.name} ({c.catalog_version})", c.id) for c in found]
    return [(all_text, 0), *items] if all_text else items


def catalog_combo(name: str, tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


class LevelTab(ContextWidget):
    """A tab showing one level (a use case, or None for the workspace) the page chooses;
    it reads its rows again (:meth:`refresh`) when the level or the data changes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, name: str) -> None:
        super().__init__(ctx, parent, name=name)
        self.use_case_id: int | None = None

    def set_level(self, use_case_id: int | None) -> None:
        self.use_case_id = use_case_id
        self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError


def fit_columns(view: QTableView, cap: int = 240, stretch: int | None = None) -> None:
    """Each column of ``view`` as wide as its contents but at most ``cap`` pixels (long
    texts elide; the tooltip shows them whole), column ``stretch`` taking the spare width
    (else the last one). Call after the rows change."""
    header = view.horizontalHeader()
    header.setStretchLastSection(stretch is None)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.resizeColumnsToContents()
    for column in range(header.count()):
        if header.sectionSize(column) > cap:
            header.resizeSection(column, cap)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
