"""The Controls area: framework controls and their evidence, per use case.

**Catalogs**: the EU AI Act, NIST AI RMF, ISO/IEC 42001 Annex A and the user's own, with
their controls and the notes a user keeps (the licensed wording of a standard); "Import
catalog…" loads a new catalog or a newer version after showing the diff. For the level
chosen above the tabs (a use case, or "Organisation" for workspace-wide controls):
**Applicability** (which controls apply and why, status, owner, due date, linked risks,
mitigations and launch checks, the use case's EU AI Act role), **Evidence** (files stored
in the workspace and references, and which controls each satisfies across catalogs),
**Gaps** (coverage per catalog, missing controls by priority, evidence expiring in 30
days, the chart) and **Traceability** (the matrix, exported as CSV or XLSX). **Crosswalk**
edits the lines between catalogs.

Shortcuts (while focus is inside the page): Ctrl+Shift+N adds evidence, Ctrl+I imports a
catalog, Ctrl+L puts the focus on the level picker, Ctrl+F filters the current tab's
list. Every edit is one step of Edit ▸ Undo.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from ...models import Control, EvidenceItem
from ..context import AppContext
from ..widgets.area_tabs import show_in_tab, tab_entity, tabbed_page
from ..widgets.builders import button, labelled_row, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import (
    NEW_SHORTCUT,
    READ_ONLY_WHY,
    local_action,
    page_header,
    set_enabled_why,
)
from .applicability_tab import ApplicabilityTab
from .catalogs_tab import CatalogsTab
from .crosswalk_tab import CrosswalkTab
from .evidence_tab import EvidenceTab
from .gaps_tab import GapsTab
from .import_dialog import CatalogImportDialog
from .parts import WATCHED, LevelTab, level_items, refill, use_case_of
from .trace_tab import TraceTab

EVIDENCE_TIP = (
    f"Store a file or reference as evidence for controls of the level chosen ({NEW_SHORTCUT})"
)
IMPORT_TIP = (
    "Load your own catalog, or a newer version of a loaded one, from JSON, CSV or XLSX (Ctrl+I)"
)
TAB_CATALOGS, TAB_APPLICABILITY, TAB_EVIDENCE, TAB_CROSSWALK, TAB_GAPS, TAB_TRACE = range(6)


class ControlsPage(ContextWidget):
    """The Controls area (see the module docstring).

    Signals:
        current_entity_changed(): another record is chosen, or another tab or level shown
            (:meth:`current_entity`).
    """

    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="controlsPage")
        self.import_dialog: CatalogImportDialog | None = None
        self.evidence_button = button(
            "Add evidence…", self.add_evidence, name="primaryButton", tip=EVIDENCE_TIP
        )
        self.import_button = button(
            "Import catalog…", self.import_catalog, name="importCatalogButton", tip=IMPORT_TIP
        )
        header = page_header(
            "Controls",
            "EU AI Act, NIST AI RMF and ISO/IEC 42001 controls per use case: what applies, "
            "how far it is, the evidence (once, for every catalog it satisfies) and the gaps.",
            (self.evidence_button, self.import_button),
        )
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("controlsLevel")
        self.level_combo.setToolTip("The use case the tabs show (Ctrl+L)")
        self.level_combo.setMinimumContentsLength(28)
        self.level_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        level_row = labelled_row((("Use case", self.level_combo),), label_name="filterLabel")
        level_row.setContentsMargins(24, 0, 24, 0)
        level_row.addStretch(1)
        header_box = vbox(header, level_row, spacing=6)
        self.catalogs = CatalogsTab(ctx)
        self.applicability = ApplicabilityTab(ctx)
        self.evidence = EvidenceTab(ctx)
        self.crosswalk = CrosswalkTab(ctx)
        self.gaps = GapsTab(ctx)
        self.trace = TraceTab(ctx)
        self.tabs = tabbed_page(
            self,
            header_box,
            (self.catalogs, "Catalogs"),
            (self.applicability, "Applicability"),
            (self.evidence, "Evidence"),
            (self.crosswalk, "Crosswalk"),
            (self.gaps, "Gaps"),
            (self.trace, "Traceability"),
        )
        self.level_tabs: tuple[LevelTab, ...] = (
            self.applicability,
            self.evidence,
            self.gaps,
            self.trace,
        )
        self._stale: set[LevelTab] = set(self.level_tabs)
        local_action(self, "Add evidence", NEW_SHORTCUT, self.add_evidence)
        local_action(self, "Import catalog", "Ctrl+I", self.import_catalog)
        local_action(self, "Choose the use case", "Ctrl+L", self._focus_level)
        local_action(self, "Filter", "Ctrl+F", self._focus_filter)
        self.level_combo.currentIndexChanged.connect(self._on_level_combo_index_changed)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current())
        self.applicability.table.selectionModel().currentRowChanged.connect(
            lambda *_a: self._remember_control()
        )
        for view in (self.catalogs.control_table, self.applicability.table, self.evidence.table):
            view.selectionModel().currentRowChanged.connect(
                lambda *_a: self.current_entity_changed.emit()
            )
        self.tabs.currentChanged.connect(lambda _i: self.current_entity_changed.emit())
        self.level_combo.currentIndexChanged.connect(lambda _i: self.current_entity_changed.emit())
        ctx.watch(self, WATCHED, self._on_watched_changed)
        self._fill_levels()
        self._on_level_combo_index_changed(self.level_combo.currentIndex())
        self._update_actions()

    # -- the level --------------------------------------------------------------------------

    def use_case_id(self) -> int | None:
        return use_case_of(self.level_combo.currentData())

    def show_level(self, use_case_id: int | None) -> bool:
        """Show use case ``use_case_id`` (None: the workspace) in every tab."""
        index = self.level_combo.findData(use_case_id or 0)
        if index < 0:  # made since the list was read (e.g. by the command line)
            self._fill_levels()
            index = self.level_combo.findData(use_case_id or 0)
        if index < 0:
            return False
        self.level_combo.setCurrentIndex(index)
        return True

    def show_control(self, control_id: int) -> bool:
        """Open control ``control_id`` (the command palette and the Related panel link
        here): the Catalogs tab with its catalog and the control chosen."""
        return show_in_tab(
            self.ctx,
            Control,
            control_id,
            self.tabs,
            self.catalogs,
            lambda c: self.catalogs.select_control(c.catalog_id, c.id),
        )

    def show_evidence(self, evidence_id: int) -> bool:
        """Open evidence item ``evidence_id`` (the command palette, the Related panel):
        the Evidence tab at its level (its use case, or the organisation), the item
        chosen (the filter cleared when it hides it)."""
        return show_in_tab(
            self.ctx, EvidenceItem, evidence_id, self.tabs, self.evidence, self._choose_evidence
        )

    def _choose_evidence(self, item: EvidenceItem) -> bool:
        if not self.show_level(item.use_case_id):
            return False
        tab = self.evidence
        if tab.model.row_of_key(item.id) is None:
            tab.filter_box.clear()
            tab.filter_box.flush()
        row = tab.model.row_of_key(item.id)
        if row is None:
            return False
        tab.table.selectRow(row)
        return True

    def current_entity(self) -> tuple[str, int] | None:
        """The record chosen in the tab shown, for the Related panel: a control (Catalogs,
        Applicability), an evidence item (Evidence), the use case shown (Gaps,
        Traceability)."""

        def control() -> int | None:
            chosen = self.catalogs.current_control()
            return None if chosen is None else int(chosen.id)

        def row_id(tab: ApplicabilityTab | EvidenceTab) -> int | None:
            chosen = tab.current()
            return None if chosen is None else int(chosen.id)

        return tab_entity(
            self.tabs,
            (self.catalogs, "control", control),
            (self.applicability, "control", lambda: row_id(self.applicability)),
            (self.evidence, "evidence_item", lambda: row_id(self.evidence)),
            (self.gaps, "use_case", self.use_case_id),
            (self.trace, "use_case", self.use_case_id),
        )

    def _fill_levels(self) -> None:
        refill(self.level_combo, level_items(self.ctx), self.level_combo.currentData())

    def _on_level_combo_index_changed(self, _index: int) -> None:
        level = self.use_case_id()
        for tab in self.level_tabs:
            tab.use_case_id = level
        self._stale = set(self.level_tabs)
        self._refresh_current()

    def _refresh_current(self) -> None:
        tab = self.tabs.currentWidget()
        if tab in self._stale:
            self._stale.discard(tab)
            tab.refresh()
        self._update_actions()

    def _on_watched_changed(self) -> None:
        self._fill_levels()
        if self.level_combo.currentData() is not None and self.use_case_id() != (
            self.applicability.use_case_id
        ):
            self._on_level_combo_index_changed(self.level_combo.currentIndex())
            return
        self._stale = set(self.level_tabs)
        self._refresh_current()

    def _remember_control(self) -> None:
        row = self.applicability.current()
        self.evidence.chosen_controls = (row.id,) if row is not None else ()

    # -- actions ----------------------------------------------------------------------------

    def add_evidence(self) -> object:
        """The Evidence tab, and the form adding evidence for the level shown."""
        if self.ctx.readonly or self.ctx.workspace is None:
            return None
        self.tabs.setCurrentIndex(TAB_EVIDENCE)
        return self.evidence.add_evidence()

    def import_catalog(self) -> CatalogImportDialog | None:
        if self.ctx.readonly or self.ctx.workspace is None or self.import_dialog is not None:
            return None
        dialog = CatalogImportDialog(self.ctx, self)
        dialog.finished.connect(lambda _r: setattr(self, "import_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _focus_level(self) -> None:
        self.level_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_filter(self) -> None:
        box = getattr(self.tabs.currentWidget(), "filter_box", None)
        if box is not None:
            box.focus_filter()

    def _update_actions(self) -> None:
        writable = not self.ctx.readonly and self.ctx.workspace is not None
        set_enabled_why(self.evidence_button, writable, EVIDENCE_TIP, READ_ONLY_WHY)
        set_enabled_why(self.import_button, writable, IMPORT_TIP, READ_ONLY_WHY)
