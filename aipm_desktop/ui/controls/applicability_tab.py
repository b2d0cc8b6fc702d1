"""The Applicability tab: the controls of one use case (or of the workspace, for
organisation-wide controls), whether each applies and why (set here, derived from the EU
AI Act tier check and the use case's role, or an obligation item), its status, owner, due
date and evidence, and an editor for the chosen one: applies or not applicable (with the
justification that needs), status, owner, due date and the risks, mitigation actions and
launch checks it is linked to.

Keyboard: the table's Status and Owner cells edit in place (F2 or typing; Enter keeps);
Ctrl+Return in the editor saves it. Every change is one undo step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QListWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ...errors import UserError
from ...services import controls as controls_service
from ..context import AppContext
from ..operations.parts import record_table
from ..widgets.builders import (
    TAB_MARGINS,
    TYPE_TO_EDIT,
    button,
    button_row,
    form_layout,
    keep_state,
    labelled_row,
    line_edit,
    panel,
    scroll_area,
    splitter,
    vbox,
)
from ..widgets.page_header import READ_ONLY_WHY, local_action, named_label, set_enabled_why
from ..widgets.row_list_model import EDIT_ROLE, Column, ColumnTableModel
from ..widgets.service_edits import call_command
from .parts import (
    STATES,
    LevelTab,
    catalog_combo,
    catalog_items,
    check_items,
    checked_ids,
    current_row,
    day_in,
    filtered,
    named_combo,
    named_filter,
    refill,
    show_rows,
    shown,
)

#: The "Show" choices: which controls the table lists.
SHOW = (
    ("Controls that apply", "applies"),
    ("Every control at this level", "in_scope"),
    ("Every control", "all"),
)
APPLIES = (("Applies", "applies"), ("Not applicable", "not_applicable"))
ROLES = (("Provider", "provider"), ("Deployer", "deployer"), ("Both", "both"))
LINK_KINDS = (
    ("risks", "Risks"),
    ("mitigations", "Mitigation actions"),
    ("launch_checks", "Launch checks"),
)
SAVE_TIP = "Store these settings for the control (Ctrl+Return); Edit ▸ Undo takes them back"
CLEAR_TIP = "Forget what was set here: the tier check decides again (undoable)"
STATUS_COLUMN, OWNER_COLUMN = 4, 5


def _columns() -> tuple[Column[Any], ...]:
    return (
        Column("Control", lambda r: r.name),
        Column("Title", lambda r: r.title, tip=lambda r: r.summary or r.title),
        Column("Priority", lambda r: r.priority),
        Column(
            "Applies",
            lambda r: r.applicability,
            tip=lambda r: "; ".join(filter(None, (r.decided_by, r.justification))) or None,
        ),
        Column("Status", lambda r: shown(r.status) if r.applies else "", edit=lambda r: r.status),
        Column("Owner", lambda r: r.owner, edit=lambda r: r.owner),
        Column("Due", lambda r: r.due_date.isoformat() if r.due_date else ""),
        Column("Evidence", lambda r: str(r.evidence or ""), align="right"),
    )


class StatusDelegate(QStyledItemDelegate):
    """Edit a status cell with a combo of the four states (made only while editing)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        combo = QComboBox(parent)
        for state in STATES:
            combo.addItem(shown(state), state)
        combo.activated.connect(lambda _i, c=combo: self._on_combo_activated(c))
        return combo

    def _on_combo_activated(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(EDIT_ROLE)), 0))

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        if isinstance(editor, QComboBox) and editor.currentData() != index.data(EDIT_ROLE):
            model.setData(index, editor.currentData(), EDIT_ROLE)


class ApplicabilityTab(LevelTab):
    """The controls of the level the page chose, beside the chosen control's editor."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="applicabilityTab")
        self.rows: list[controls_service.ControlRow] = []
        self.choices = controls_service.LinkedRecords()
        self.catalog_combo = catalog_combo("applicabilityCatalog", "Show one catalog's controls")
        self.show_combo = named_combo("applicabilityShow", SHOW)
        self.role_combo = named_combo("aiActRole", ROLES)
        self.role_combo.setToolTip(
            "The use case's role under the EU AI Act (which obligations fall to it)"
        )
        self.filter_box = named_filter("applicabilityFilter")
        self.count_label = named_label("", "mutedLabel")
        self.model: ColumnTableModel[Any] = ColumnTableModel(_columns(), key=lambda r: r.id)
        self.table = record_table("applicabilityTable", self.model, stretch=1)
        self.table.setEditTriggers(TYPE_TO_EDIT)
        self.table.setItemDelegateForColumn(STATUS_COLUMN, StatusDelegate(self.table))
        self.model.edited.connect(self._on_model_edited)
        self.empty_label = named_label("", "emptyState", wrap=True)
        self._build_editor()
        toolbar = labelled_row(
            (
                ("Catalog", self.catalog_combo),
                ("Show", self.show_combo),
                ("AI Act role", self.role_combo),
            ),
            label_name="filterLabel",
        )
        toolbar.addWidget(self.filter_box, 1)
        toolbar.addWidget(self.count_label)
        left = panel((self.table, 1), self.empty_label, spacing=6)
        split = keep_state(
            splitter(
                left, scroll_area(self.editor, fit_width=True), stretch=(3, 2), collapsible=False
            ),
            ctx.settings,
            "controlApplicability",
            (840, 360),
        )
        vbox(toolbar, (split, 1), margins=TAB_MARGINS, spacing=8, parent=self)
        self.catalog_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.show_combo.currentIndexChanged.connect(lambda _i: self._show_rows())
        self.role_combo.activated.connect(self._on_role_combo_activated)
        self.filter_box.filter_changed.connect(lambda _t: self._show_rows())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_editor())

    def _build_editor(self) -> None:
        self.heading = named_label("", "sectionTitle", wrap=True)
        self.source_label = named_label("", "mutedLabel", wrap=True)
        self.applies_combo = named_combo("appliesCombo", APPLIES)
        self.justification = line_edit(
            "justificationEdit", "Why it does not apply (required when not applicable)"
        )
        self.status_combo = named_combo("statusCombo", tuple((shown(s), s) for s in STATES))
        self.owner_edit = line_edit("ownerEdit")
        self.due_edit = line_edit("dueEdit", "YYYY-MM-DD (empty: none)")
        self.link_lists: dict[str, QListWidget] = {}
        form = form_layout(
            ("Applies", self.applies_combo),
            ("Justification", self.justification),
            ("Status", self.status_combo),
            ("Owner", self.owner_edit),
            ("Due date", self.due_edit),
        )
        for kind, title in LINK_KINDS:
            widget = QListWidget()
            widget.setObjectName(f"{kind}Links")
            widget.setMaximumHeight(96)
            widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            widget.setTextElideMode(Qt.TextElideMode.ElideRight)
            self.link_lists[kind] = widget
            form.addRow(title, widget)
        self.problem = named_label("", "errorHint", wrap=True)
        self.save_button = button("Save", self.save, name="primaryButton", tip=SAVE_TIP)
        self.save_button.setObjectName("saveStatusButton")
        self.clear_button = button(
            "Follow the tier check", self.clear, name="clearStatusButton", tip=CLEAR_TIP
        )
        self.editor = panel(
            self.heading,
            self.source_label,
            form,
            self.problem,
            button_row(self.save_button, self.clear_button),
            1,
            margins=(8, 0, 4, 4),
            spacing=6,
        )
        local_action(self.editor, "Save control", "Ctrl+Return", self.save, owner=self)

    # -- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        ws = self.ctx.workspace
        refill(
            self.catalog_combo,
            catalog_items(self.ctx, "All catalogs"),
            self.catalog_combo.currentData(),
        )
        self.role_combo.setEnabled(self.use_case_id is not None and not self.ctx.readonly)
        if ws is not None and self.use_case_id is not None:
            role = controls_service.role_of(ws=ws, use_case_id=self.use_case_id)
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(role), 0))
        catalog = self.catalog_combo.currentData() or None
        self.rows = (
            controls_service.control_rows(ws=ws, use_case_id=self.use_case_id, catalog_id=catalog)
            if ws is not None
            else []
        )
        self.choices = (
            controls_service.link_choices(ws=ws, use_case_id=self.use_case_id)
            if ws is not None
            else controls_service.LinkedRecords()
        )
        self._show_rows()

    def current(self) -> controls_service.ControlRow | None:
        return current_row(self.table)

    def _show_rows(self) -> None:
        show = self.show_combo.currentData()
        rows = filtered(
            self.filter_box,
            (
                r
                for r in self.rows
                if (show == "all" or r.in_scope) and (show != "applies" or r.applies)
            ),
            lambda r: (r.name, r.title, r.owner, r.section),
        )
        show_rows(self.table, self.model, rows, cap=150, stretch=1)
        self.count_label.setText(f"{len(rows)} of {len(self.rows)} controls")
        self.empty_label.setVisible(not rows)
        self.empty_label.setText(self._empty_text(show))
        self._show_editor()

    def _empty_text(self, show: str) -> str:
        if show != "applies":
            return "No control matches the filter."
        if self.use_case_id is None:
            return (
                "No organisation-wide control applies yet. Show “Every control at this level” "
                "and set one to Applies, or run the EU AI Act tier check of a use case."
            )
        return (
            "No control applies to this use case yet. Run its EU AI Act tier check (Risks "
            "area), or show “Every control at this level” and set the ones you adopt to Applies."
        )

    def _show_editor(self) -> None:
        row = self.current()
        self.editor.setEnabled(row is not None and row.in_scope and not self.ctx.readonly)
        self.problem.setText("")
        if row is None:
            self.heading.setText("Choose a control in the table.")
            self.source_label.setText("")
            return
        self.heading.setText(f"{row.name}  {row.title}")
        self.source_label.setText(self._source_text(row))
        self.applies_combo.setCurrentIndex(0 if row.applies or not row.decided_by else 1)
        self.justification.setText(row.justification)
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(row.status), 0))
        self.owner_edit.setText(row.owner)
        self.due_edit.setText(row.due_date.isoformat() if row.due_date else "")
        ws = self.ctx.workspace
        linked = controls_service.LinkedRecords()
        if ws is not None and row.status_id is not None:
            linked = controls_service.linked_records(ws=ws, status_id=row.status_id)
        for kind, widget in self.link_lists.items():
            have = {i for i, _t in getattr(linked, kind)}
            check_items(widget, getattr(self.choices, kind), have)
        why = READ_ONLY_WHY if self.ctx.readonly else "Nothing was set here."
        set_enabled_why(
            self.clear_button, row.decided_by == "set" and not self.ctx.readonly, CLEAR_TIP, why
        )

    @staticmethod
    def _source_text(row: controls_service.ControlRow) -> str:
        if not row.in_scope:
            level = "the workspace" if row.scope == "organisation" else "each use case"
            return f"Tracked for {level}: choose that level above to edit it."
        return {
            "set": "Set here.",
            "tier check": "Derived from the EU AI Act tier check and the use case's role.",
            "obligation item": "Follows the tier check's obligation item for this article.",
        }.get(row.decided_by, "Not in scope until you set it to Applies.")

    # -- edits ------------------------------------------------------------------------------

    def checked_links(self) -> dict[str, list[int]]:
        return {kind: checked_ids(widget) for kind, widget in self.link_lists.items()}

    def save(self) -> bool:
        row = self.current()
        if row is None or not row.in_scope or self.ctx.readonly:
            return False
        try:
            due = day_in(self.due_edit, "Due date")
        except UserError as err:
            self.problem.setText(str(err))
            return False
        values = {
            "applicability": self.applies_combo.currentData(),
            "justification": self.justification.text().strip(),
            "status": self.status_combo.currentData(),
            "owner": self.owner_edit.text().strip(),
            "due_date": due,
        }
        if values["applicability"] == "not_applicable" and not values["justification"]:
            self.problem.setText("Say why it does not apply: a justification is required.")
            self.justification.setFocus()
            return False
        return self._set(row, values, self.checked_links())

    def clear(self) -> bool:
        row = self.current()
        if row is None or row.decided_by != "set" or self.ctx.readonly:
            return False
        args = {"control_id": row.id, "use_case_id": self.use_case_id}
        command = call_command(self.ctx, f"Clear {row.ref}", controls_service.clear_status, args)
        return self.ctx.run_edit(command)

    def _set(
        self, row: Any, values: dict[str, Any], links: dict[str, list[int]] | None = None
    ) -> bool:
        args: dict[str, Any] = {
            "control_id": row.id,
            "use_case_id": self.use_case_id,
            "values": values,
        }
        if links is not None:
            args["links"] = links
        command = call_command(
            self.ctx, f"Set control {row.ref}", controls_service.set_status, args
        )
        return self.ctx.run_edit(command)

    def _on_model_edited(self, row_index: int, column: int, value: object) -> None:
        row = self.model.rows[row_index]
        if not row.in_scope or self.ctx.readonly:
            return
        field = "status" if column == STATUS_COLUMN else "owner"
        if field == "owner" and str(value).strip() == row.owner:
            return
        # written once the cell's editor has closed (the rows are read again after it)
        QTimer.singleShot(0, lambda: self._set(row, {field: str(value).strip()}))

    def _on_role_combo_activated(self, _index: int) -> None:
        if self.use_case_id is None or self.ctx.readonly:
            return
        args = {"use_case_id": self.use_case_id, "role": self.role_combo.currentData()}
        command = call_command(self.ctx, "Set AI Act role", controls_service.set_role, args)
        self.ctx.run_edit(command)
