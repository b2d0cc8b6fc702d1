"""The Use cases page: list and form, scoring grid, matrix and ranking stability as tabs.

The page keeps one *current use case* that every tab follows: selecting a row of the list,
a row of the grid or a bubble of the matrix makes it current, and the others show it.

Keyboard (while the focus is inside the page, as in every area; Ctrl+N stays File ▸ New
workspace):

* Ctrl+Shift+N: new use case.
* Ctrl+D: duplicate the current use case (with its scores).
* Del: delete the selected use case, after a confirmation naming it (only while the list
  has the focus; in the grid Del clears a score). Edit ▸ Undo brings it back.
* Ctrl+F: filter the list.

The list shows each use case's score and rank by the active scoring model (stored scores;
blank for an incomplete one) and keeps its column layout in the app settings.

The Scoring grid's "Risk criterion from the risk register" check box sets the page's
:attr:`UseCasesPage.risk_from_register`: the grid, the form's score line, the matrix and
ranking stability then rank with the level of the model's risk criterion taken from each
use case's open residual risks (:func:`aipm_desktop.services.scoring.rank`). It is view
state of the open workspace, kept in memory only (the app settings have no generic
key/value store); stored scores never change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import bindparam, func, literal

from ...models import UseCase
from ...models.enums import UseCaseStatus
from ...services import scoring
from ...services import usecases as usecases_service
from ...services.changes import Changes
from ...services.listing import ListSpec, count_rows, use_case_list_spec
from ...services.scoring import RankedUseCase
from ..context import AppContext
from ..undo import CreateRecordCommand, DeleteRecordCommand
from ..widgets.area_tabs import area_tabs
from ..widgets.builders import NO_MARGINS, TAB_MARGINS, button, labelled_row, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import confirm_delete
from ..widgets.master_detail import MasterDetail
from ..widgets.page_header import (
    NEW_SHORTCUT,
    READ_ONLY_WHY,
    local_action,
    page_header,
    set_enabled_why,
)
from .edits import DuplicateUseCaseCommand
from .form import STATUS_LABELS, UseCaseForm
from .grid import GridTab
from .matrix import MatrixTab
from .stability import StabilityTab

SPLITTER_NAME = "usecases"
NEW_TITLE = "Untitled use case"
NEW_TIP = f"Add a use case ({NEW_SHORTCUT})"
DELETE_TIP = "Delete the selected use case (Del in the list); Edit ▸ Undo brings it back"
DUPLICATE_TIP = "Copy the current use case with its scores (Ctrl+D)"
#: Change kinds that move scores, ranks or the matrix.
SCORING_KINDS = ("use_case", "score", "criterion", "scoring_model", "settings")
#: Change kinds that move the risk register's levels (risks, their use-case links), which
#: matter only while :attr:`UseCasesPage.risk_from_register` is on.
RISK_FEED_KINDS = ("risk", "risk_use_case")
ALL = "__all__"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class UseCasesPage(ContextWidget):
    """The Use cases area (view ``usecases``).

    Signals:
        navigate_requested(str, int): show area ``name`` on record ``id`` (an incident
            opened from a met rollback criterion, in Operations).
        current_entity_changed(): another use case is chosen (:meth:`current_entity`).
    """

    navigate_requested = Signal(str, int)
    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="useCasesPage")
        self.current_id: int | None = None
        self._syncing = False
        self._tag = ""
        self._ranking: list[RankedUseCase] | None = None
        self._ranking_by_id: dict[int, RankedUseCase] = {}
        #: Rank with the risk criterion fed by the risk register (the grid's check box).
        self.risk_from_register = False

        # -- header and actions (New, Delete, then the others; see page_header) --
        self.new_button = button("New use case", self._on_new, name="primaryButton", tip=NEW_TIP)
        self.delete_button = button("Delete", self._on_delete, tip=DELETE_TIP)
        self.duplicate_button = button("Duplicate", self._on_duplicate, tip=DUPLICATE_TIP)
        header = page_header(
            "Use cases",
            "",
            (self.new_button, self.delete_button, self.duplicate_button),
        )
        self.new_action = local_action(self, "New use case", NEW_SHORTCUT, self._on_new)
        self.new_action.setObjectName("newUseCaseAction")
        self.duplicate_action = local_action(
            self, "Duplicate use case", "Ctrl+D", self._on_duplicate
        )

        # -- list tab --
        self._tag_param = bindparam("uc_tag_pattern", callable_=self._tag_pattern)
        self.spec = self._list_spec()
        self.form = UseCaseForm(ctx, self)
        self.master = MasterDetail(
            self.spec, ctx.workspace, self.form, settings=ctx.settings, name=SPLITTER_NAME
        )
        self.list_pane = self.master.list_pane
        self.list_pane.setObjectName("useCaseList")
        self.delete_action = local_action(
            self.list_pane, "Delete use case", QKeySequence.StandardKey.Delete, self._on_delete
        )
        self.splitter = self.master.splitter
        self.splitter.setObjectName("useCaseSplitter")

        self.status_filter = self._filter_combo("statusFilter", "All statuses")
        for status in UseCaseStatus:
            self.status_filter.addItem(STATUS_LABELS[status], status.value)
        self.area_filter = self._filter_combo("areaFilter", "All areas")
        self.tag_filter = self._filter_combo("tagFilter", "All tags")
        self.owner_filter = self._filter_combo("ownerFilter", "All owners")
        filters = labelled_row(
            (
                ("Status", self.status_filter),
                ("Area", self.area_filter),
                ("Tag", self.tag_filter),
                ("Owner", self.owner_filter),
            ),
            label_name="filterLabel",
        )
        filters.addStretch(1)

        list_tab = QWidget()
        list_tab.setObjectName("useCaseListTab")
        list_layout = QVBoxLayout(list_tab)
        list_layout.setContentsMargins(*TAB_MARGINS)
        list_layout.setSpacing(8)
        list_layout.addLayout(filters)
        list_layout.addWidget(self.master, 1)

        # -- other tabs --
        self.grid_tab = GridTab(ctx, self)
        self.matrix_tab = MatrixTab(ctx, self)
        self.stability_tab = StabilityTab(ctx, self)
        self.tabs = area_tabs(
            (list_tab, "List"),
            (self.grid_tab, "Scoring grid"),
            (self.matrix_tab, "Matrix"),
            (self.stability_tab, "Ranking stability"),
        )
        vbox(header, (self.tabs, 1), margins=NO_MARGINS, spacing=6, parent=self)
        subtitle = self.findChild(QLabel, "pageSubtitle")
        assert subtitle is not None
        self.subtitle: QLabel = subtitle

        # -- wiring --
        self.list_pane.current_changed.connect(self._on_list_pane_current_changed)
        self.grid_tab.current_changed.connect(self._on_grid_tab_current_changed)
        self.grid_tab.ranking_needed.connect(self._on_grid_tab_ranking_needed)
        self.grid_tab.risk_feed_toggled.connect(self._on_grid_tab_risk_feed_toggled)
        self.matrix_tab.use_case_clicked.connect(self._on_matrix_tab_use_case_clicked)
        self.form.breaches.incident_opened.connect(
            lambda incident_id: self.navigate_requested.emit("operations", incident_id)
        )
        ctx.changed.connect(self._on_ctx_changed)
        self._refresh_filter_choices()
        self._update_header()
        self._update_actions()
        if self.list_pane.model.rowCount():
            first = self.list_pane.model.id_at(0)
            self.list_pane.select_ids([first], current=first)
        else:
            self.form.load(None)

    # -- building -------------------------------------------------------------------------

    def _filter_combo(self, name: str, all_label: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMinimumWidth(120)
        combo.addItem(all_label, ALL)
        combo.currentIndexChanged.connect(self._on_filter_combo_index_changed)
        return combo

    def _tag_pattern(self) -> str:
        tag = self._tag.replace(" ", "").lower()
        return "%" if not tag else f"%,{_escape_like(tag)},%"

    def _list_spec(self) -> ListSpec:
        t = UseCase.__table__  # type: ignore[attr-defined]
        padded = literal(",") + func.replace(t.c.tags, " ", "") + literal(",")
        return use_case_list_spec().with_where(padded.ilike(self._tag_param, escape="\\"))

    # -- current use case -----------------------------------------------------------------

    def show_entity(self, use_case_id: int) -> None:
        """Open the List tab on ``use_case_id`` (used when the overview links here)."""
        self.tabs.setCurrentIndex(0)
        self.set_current(use_case_id)

    def set_current(self, use_case_id: int | None, *, source: str = "") -> None:
        """Make ``use_case_id`` the use case every tab shows."""
        if self._syncing:
            return
        self._syncing = True
        try:
            changed = use_case_id != self.current_id
            self.current_id = use_case_id
            model = self.list_pane.model
            in_list = use_case_id is not None and model.row_of(use_case_id) is not None
            if source != "list" and in_list:
                self.list_pane.select_ids([use_case_id], current=use_case_id)
            if source != "grid":
                self.grid_tab.select_use_case(use_case_id)
            if changed:
                self.form.load(use_case_id)
                self._update_score_text()
                self.matrix_tab.set_highlight(use_case_id)
        finally:
            self._syncing = False
        self._update_actions()
        if changed:
            self.current_entity_changed.emit()

    def current_entity(self) -> tuple[str, int] | None:
        """The use case chosen, for the Related panel."""
        return None if self.current_id is None else ("use_case", self.current_id)

    def _on_list_pane_current_changed(self, use_case_id: object) -> None:
        if isinstance(use_case_id, int):
            self.set_current(use_case_id, source="list")

    def _on_grid_tab_current_changed(self, use_case_id: object) -> None:
        if isinstance(use_case_id, int):
            self.set_current(use_case_id, source="grid")

    def _on_matrix_tab_use_case_clicked(self, use_case_id: int) -> None:
        self.set_current(use_case_id, source="matrix")

    # -- ranking (shared by the form header and the grid) ---------------------------------

    def ranking(self) -> list[RankedUseCase]:
        """The ranking by the active model (computed once per change)."""
        if self._ranking is None:
            ws = self.ctx.workspace
            self._ranking = (
                scoring.rank(ws=ws, risk_from_register=self.risk_from_register, marks=True)
                if ws is not None
                else []
            )
            self._ranking_by_id = {r.use_case_id: r for r in self._ranking}
        return self._ranking

    def _on_grid_tab_ranking_needed(self) -> None:
        self.grid_tab.show_ranking(self.ranking(), self.current_id)

    def set_risk_from_register(self, on: bool) -> None:
        """Let open residual risks feed the risk criterion in every tab (or stop it)."""
        on = bool(on)
        self.grid_tab.set_risk_feed(on)
        if on == self.risk_from_register:
            return
        self.risk_from_register = on
        self._invalidate_ranking(stale_stability=False)
        self.matrix_tab.set_risk_from_register(on)
        self.stability_tab.set_risk_from_register(on)

    def _on_grid_tab_risk_feed_toggled(self, on: bool) -> None:
        self.set_risk_from_register(on)

    def _invalidate_ranking(self, *, stale_stability: bool = True) -> None:
        self._ranking = None
        self.grid_tab.mark_dirty()
        self.matrix_tab.mark_dirty()
        if stale_stability:
            self.stability_tab.mark_stale()
        self._update_score_text()

    def _update_score_text(self) -> None:
        if self.current_id is None:
            return
        ranking = self.ranking()
        entry = self._ranking_by_id.get(self.current_id)
        if entry is None:
            self.form.set_score_text("")
            return
        complete = sum(1 for r in ranking if r.complete)
        n_criteria = len(entry.values) + len(entry.missing)
        if entry.complete and entry.score is not None:
            text = (
                f"Score <b>{entry.score:.1f}</b> / 100 · rank <b>{entry.rank}</b> of {complete}"
                f" · complete ({n_criteria} of {n_criteria} criteria scored)"
            )
            if entry.fed:
                text += " · <i>risk level from the risk register</i>"
        else:
            text = (
                f"<b>Incomplete</b>: {len(entry.values)} of {n_criteria} criteria scored, so "
                "it has no score and is ranked apart. Score it in the Scoring grid tab."
            )
        self.form.set_score_text(text)

    # -- refreshing -----------------------------------------------------------------------

    def _on_ctx_changed(self, changes: Changes) -> None:
        self.list_pane.apply_changes(changes)
        if changes.touches(*SCORING_KINDS) or (
            self.risk_from_register and changes.touches(*RISK_FEED_KINDS)
        ):
            self._invalidate_ranking()
        if changes.touches("use_case"):
            self.form.reload()
            if self.form.use_case_id is None and self.current_id is not None:
                self.current_id = None
            self._refresh_filter_choices()
            self._update_header()
        self._update_actions()

    def _update_header(self) -> None:
        total = self.list_pane.model.total_count() if self._tag == "" else None
        if total is None:
            total = count_rows(ws=self.ctx.workspace, spec=use_case_list_spec())
        self.subtitle.setText(
            f"{self.spec.count_text(total)} · frame them as outcomes, score them, "
            "compare value against feasibility"
        )

    def _update_actions(self) -> None:
        writable = not self.ctx.readonly
        has_current = self.current_id is not None
        why = READ_ONLY_WHY if not writable else "Select a use case in the list first."
        self.new_action.setEnabled(writable)
        self.duplicate_action.setEnabled(writable and has_current)
        self.delete_action.setEnabled(writable and has_current)
        set_enabled_why(self.new_button, writable, NEW_TIP, READ_ONLY_WHY)
        set_enabled_why(self.delete_button, writable and has_current, DELETE_TIP, why)
        set_enabled_why(self.duplicate_button, writable and has_current, DUPLICATE_TIP, why)

    # -- filters --------------------------------------------------------------------------

    def _refresh_filter_choices(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        areas, owners, tags = usecases_service.filter_choices(ws=ws)
        self._fill(self.area_filter, areas)
        self._fill(self.owner_filter, owners)
        self._fill(self.tag_filter, tags)

    def _fill(self, combo: QComboBox, values: list[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for value in values:
            combo.addItem(value, value)
        index = combo.findData(current)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)
        if index < 0:
            self._apply_filters()

    def _on_filter_combo_index_changed(self, _index: int) -> None:
        self._apply_filters()

    def _apply_filters(self) -> None:
        filters: dict[str, Any] = {}
        for key, combo in (
            ("status", self.status_filter),
            ("area", self.area_filter),
            ("owner", self.owner_filter),
        ):
            value = combo.currentData()
            if value not in (None, ALL):
                filters[key] = value
        tag = self.tag_filter.currentData()
        tag = "" if tag in (None, ALL) else str(tag)
        tag_changed = tag != self._tag
        self._tag = tag
        if tag:
            self.list_pane.set_empty_text(
                f"No use cases match the filters with the tag “{tag}”. "
                "Choose All tags (or other filters) to see more."
            )
        else:
            self.list_pane.set_empty_text(self.spec.no_rows_text())
        self.list_pane.set_filters(filters)
        if tag_changed:
            self.list_pane.refresh()

    def clear_filters(self) -> None:
        """Show every use case (filters and filter text cleared)."""
        for combo in (self.status_filter, self.area_filter, self.tag_filter, self.owner_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.list_pane.filter_box.clear()
        self.list_pane.model.set_text_filter("")
        self._apply_filters()

    # -- actions --------------------------------------------------------------------------

    def _on_new(self) -> None:
        if self.ctx.readonly:
            return
        command = CreateRecordCommand(self.ctx, UseCase, {"title": NEW_TITLE}, text="add use case")
        if not self.ctx.run_edit(command) or command.record_id is None:
            return
        new_id = command.record_id
        if self.list_pane.model.row_of(new_id) is None:
            self.clear_filters()
        self.tabs.setCurrentIndex(0)
        self.list_pane.select_ids([new_id], current=new_id)
        self.set_current(new_id, source="list")
        edit = self.form.lines["title"]
        edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        edit.selectAll()

    def _on_duplicate(self) -> None:
        if self.ctx.readonly or self.current_id is None:
            return
        entry = self.ranking_entry(self.current_id)
        command = DuplicateUseCaseCommand(
            self.ctx, self.current_id, label=entry.title if entry else ""
        )
        if self.ctx.run_edit(command) and command.record_id is not None:
            new_id = command.record_id
            if self.list_pane.model.row_of(new_id) is None:
                self.clear_filters()
            self.list_pane.select_ids([new_id], current=new_id)
            self.set_current(new_id, source="list")

    def ranking_entry(self, use_case_id: int) -> RankedUseCase | None:
        self.ranking()
        return self._ranking_by_id.get(use_case_id)

    def _on_delete(self) -> None:
        if self.ctx.readonly:
            return
        target = self.list_pane.current_id() or self.current_id
        if target is None:
            return
        entry = self.ranking_entry(target)
        title = entry.title if entry is not None else f"#{target}"
        scored = len(entry.values) if entry is not None else 0
        detail = f" and its {scored} scores" if scored else ""
        box = confirm_delete(
            self,
            "Delete use case",
            f"Delete the use case “{title}”{detail}?\n\nEdit ▸ Undo (Ctrl+Z) brings it back.",
            name="deleteUseCaseBox",
            yes_text="Delete",
        )
        box.exec()
        confirmed = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        if not confirmed:
            return
        row = self.list_pane.model.row_of(target)
        command = DeleteRecordCommand(self.ctx, UseCase, target)
        if self.ctx.run_edit(command):
            model = self.list_pane.model
            if model.rowCount():
                next_row = min(row if row is not None else 0, model.rowCount() - 1)
                next_id = model.id_at(next_row)
                self.list_pane.select_ids([next_id], current=next_id)
                self.set_current(next_id, source="list")
            else:
                self.set_current(None, source="list")
                self.form.load(None)
