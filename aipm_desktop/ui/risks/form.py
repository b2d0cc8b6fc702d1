"""The detail form of one risk, on the shared :class:`RecordForm`, with its mitigation actions.

Every field commits as the user leaves it, as one undoable
:class:`~aipm_desktop.ui.undo.UpdateRecordCommand`, after ``RiskBase`` accepted it; an
invalid value is explained under the field and nothing is written. Inherent and residual
scores and levels come from :func:`aipm_desktop.services.risks.assess`, the one place they
are derived. Choosing "accepted" waits for a rationale and an approver, then stores all
three together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...models import MitigationAction, Risk
from ...models.enums import ActionStatus, RiskSource, RiskStatus, Treatment
from ...models.risks import RiskBase
from ...services import records, risks
from ...services import usecases as usecases_service
from ...services import workspace as workspace_service
from ...services.changes import Changes
from ...services.listing import ListColumn, ListSpec, fetch_rows, query_ids
from ..context import AppContext
from ..undo import CreateRecordCommand, DeleteRecordCommand, UpdateRecordCommand
from ..widgets.builders import (
    dialog_buttons,
    form_layout,
    open_dialog,
    resize_columns,
    select_id,
    selected_id,
    table,
    vbox,
)
from ..widgets.field_editors import fill_combo
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from ..widgets.record_form import DateInput, FieldSpec, RecordForm, TextArea
from ..widgets.row_form import push_update, show_row
from .edits import SetLinksCommand
from .fields import NOT_SET, Badge, EnumCombo, ListCompleter, split_level

ACCEPTED = RiskStatus.ACCEPTED.value
ACCEPT_HINT = "An accepted risk needs a rationale and an approver: fill them in below to accept it."
EMPTY_TEXT = (
    "Select a risk in the list to see and edit its details,\n"
    "or press “New risk” (Ctrl+Shift+N) to add one."
)
RMF_TAXONOMY = "nist_ai_rmf"
LINKS_TIP = "Choose the use cases this risk applies to"
ADD_ACTION_TIP = "Add a mitigation action (what will reduce this risk, who, by when)"
EDIT_ACTION_TIP = "Edit the selected mitigation action (or double click it)"
DELETE_ACTION_TIP = "Delete the selected mitigation action (Edit ▸ Undo brings it back)"
KINDS = ("risk", "mitigation_action", "use_case", "settings", "risk_taxonomy")


def _action_spec(risk_id: int) -> ListSpec:
    t = MitigationAction.__table__  # type: ignore[attr-defined]
    return ListSpec(
        kind="mitigation_action",
        source=t,
        id_column=t.c.id,
        columns=(
            ListColumn("action", "Action", t.c.action),
            ListColumn("owner", "Owner", t.c.owner),
            ListColumn("due", "Due", t.c.due_date, formatter="date"),
            ListColumn("status", "Status", t.c.status, formatter="enum"),
        ),
        where=(t.c.risk_id == risk_id,),
        default_sort="due",
    )


def use_case_titles(ws: Any, ids: list[int] | None = None) -> list[tuple[int, str]]:
    """``(id, title)`` of the given use cases (all when ``ids`` is None), by title."""
    return usecases_service.titles(ws=ws, ids=ids)


class LinksDialog(QDialog):
    """Choose the use cases a risk applies to: a filterable list of check boxes.

    The words are the risk's by default; another area links other records with the same
    dialog by giving its ``title``, ``heading``, ``noun`` (plural) and ``empty`` text.
    """

    def __init__(
        self,
        use_cases: list[tuple[int, str]],
        selected: set[int],
        parent: QWidget | None = None,
        *,
        title: str = "Linked use cases",
        heading: str = "Which use cases does this risk apply to?",
        noun: str = "use cases",
        empty: str = "There are no use cases yet: add them in the use-case area first.",
        name: str = "riskLinksDialog",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.resize(440, 480)
        heading_label = named_label(heading, "dialogHeading")
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(f"Filter {noun}…")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("riskLinksList")
        for use_case_id, text in use_cases:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, use_case_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if use_case_id in selected else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
        empty_label = named_label(empty, "mutedLabel", wrap=True)
        empty_label.setVisible(not use_cases)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading_label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(empty_label)
        layout.addWidget(buttons)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)

    def item_for(self, use_case_id: int) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == use_case_id:
                return item
        return None

    def checked_ids(self) -> list[int]:
        return [
            int(self.list.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _on_filter_edit_text_changed(self, text: str) -> None:
        words = text.lower().split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(not all(w in item.text().lower() for w in words))


class ActionDialog(QDialog):
    """Add or edit one mitigation action: what, who, by when, status."""

    def __init__(self, data: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mitigationActionDialog")
        self.setWindowTitle("Mitigation action" if data else "New mitigation action")
        self.resize(460, 0)
        data = data or {}
        self.action_edit = QLineEdit(data.get("action", ""))
        self.action_edit.setMaxLength(500)
        self.action_edit.setPlaceholderText("What will be done, e.g. add a jailbreak eval set")
        self.owner_edit = QLineEdit(data.get("owner", ""))
        self.owner_edit.setMaxLength(200)
        self.due_field = DateInput("Due", field_height=0)
        self.due_field.set_value(data.get("due_date"))
        self.status_combo = EnumCombo(ActionStatus)
        self.status_combo.set_value(data.get("status", ActionStatus.TO_DO))
        self.hint = named_label("", "errorHint")
        self.hint.setVisible(False)
        form = form_layout(
            ("Action", self.action_edit),
            ("Owner", self.owner_edit),
            ("Due date", self.due_field),
            ("Status", self.status_combo),
        )
        self.buttons = dialog_buttons(self, self._on_buttons_accepted)
        vbox(form, self.hint, self.buttons, parent=self)

    def values(self) -> dict[str, Any]:
        return {
            "action": self.action_edit.text().strip(),
            "owner": self.owner_edit.text().strip(),
            "due_date": self.due_field.value(),
            "status": self.status_combo.value(),
        }

    def _on_buttons_accepted(self) -> None:
        if not self.action_edit.text().strip():
            self.hint.setText("Describe the action first.")
            self.hint.setVisible(True)
            return
        self.accept()


S_RISK = "Risk"
S_INHERENT = "Inherent risk"
S_RESIDUAL = "Residual risk (after mitigation)"
S_STATUS = "Status and review"


def _levels(levels: tuple[str, ...], *, allow_unset: bool = False) -> list[tuple[Any, str]]:
    """``(number, "4 · Likely")`` for each anchored level (first "Not set" when allowed)."""
    items: list[tuple[Any, str]] = [(None, NOT_SET)] if allow_unset else []
    items.extend((n, f"{n} · {split_level(text)[0]}") for n, text in enumerate(levels, start=1))
    return items


def _level_fields(prefix: str, section: str, *, allow_unset: bool = False) -> list[FieldSpec]:
    """The likelihood and impact combos of one rating (inherent or residual)."""
    return [
        FieldSpec(
            f"{prefix}{name}",
            label,
            "combo",
            section=section,
            choices=_levels(levels, allow_unset=allow_unset),
        )
        for name, label, levels in (
            ("likelihood", "Likelihood", risks.LIKELIHOOD_LEVELS),
            ("impact", "Impact", risks.IMPACT_LEVELS),
        )
    ]


def _level_description(levels: tuple[str, ...], value: int | None) -> str:
    return "" if value is None else split_level(levels[value - 1])[1]


class RiskForm(RecordForm):
    """Every field of one risk; shows a hint of what to do when no risk is selected."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.ctx = ctx
        fields = (
            FieldSpec("title", "Title", placeholder="A short name for the risk", section=S_RISK),
            FieldSpec(
                "description",
                "Description",
                "text",
                placeholder="What could go wrong, for whom, and how it would show",
                section=S_RISK,
                height=76,
            ),
            FieldSpec(
                "category",
                "Category",
                "combo",
                placeholder="Pick a taxonomy item or type your own",
                section=S_RISK,
                choices=self._category_choices,
                editable=True,
            ),
            FieldSpec("source", "Source", "combo", section=S_RISK, choices=RiskSource),
            FieldSpec("owner", "Owner", placeholder="Who is accountable", section=S_RISK),
            *_level_fields("", S_INHERENT),
            FieldSpec("treatment", "Treatment", "combo", section=S_INHERENT, choices=Treatment),
            *_level_fields("residual_", S_RESIDUAL, allow_unset=True),
            FieldSpec("status", "Status", "combo", section=S_STATUS, choices=RiskStatus),
            FieldSpec(
                "acceptance_rationale",
                "Acceptance rationale",
                "text",
                placeholder="Why the remaining risk is acceptable",
                section=S_STATUS,
                height=60,
            ),
            FieldSpec(
                "approver", "Approver", placeholder="Who accepted the risk", section=S_STATUS
            ),
            FieldSpec("acceptance_expiry", "Acceptance expiry", "date", section=S_STATUS),
            FieldSpec(
                "review_cadence_days",
                "Review every",
                "int",
                section=S_STATUS,
                minimum=1,
                maximum=3650,
                suffix=" days",
            ),
            FieldSpec("next_review", "Next review", "date", section=S_STATUS),
            FieldSpec(
                "framework_refs",
                "Framework references",
                placeholder="e.g. MAP 5; MEASURE 2 (separate with ;)",
                section=S_STATUS,
            ),
        )
        super().__init__(
            fields, RiskBase, self._push, parent, empty_text=EMPTY_TEXT, name="riskForm"
        )
        self.risk_id: int | None = None
        self.risk: Risk | None = None
        self.linked_ids: list[int] = []
        self.action_ids: list[int] = []
        self._pending_accept = False
        self._bands: list[risks.Band] = []
        self._method = "multiply"
        self.links_dialog: LinksDialog | None = None
        self.action_dialog: ActionDialog | None = None

        editors = self.editors
        self.title_edit: QLineEdit = editors["title"]  # type: ignore[assignment]
        self.description_edit: TextArea = editors["description"]  # type: ignore[assignment]
        self.category_combo: QComboBox = editors["category"]  # type: ignore[assignment]
        self.source_combo: QComboBox = editors["source"]  # type: ignore[assignment]
        self.owner_edit: QLineEdit = editors["owner"]  # type: ignore[assignment]
        self.likelihood_combo: QComboBox = editors["likelihood"]  # type: ignore[assignment]
        self.impact_combo: QComboBox = editors["impact"]  # type: ignore[assignment]
        self.treatment_combo: QComboBox = editors["treatment"]  # type: ignore[assignment]
        self.residual_likelihood_combo: QComboBox = editors["residual_likelihood"]  # type: ignore[assignment]
        self.residual_impact_combo: QComboBox = editors["residual_impact"]  # type: ignore[assignment]
        self.status_combo: QComboBox = editors["status"]  # type: ignore[assignment]
        self.rationale_edit: TextArea = editors["acceptance_rationale"]  # type: ignore[assignment]
        self.approver_edit: QLineEdit = editors["approver"]  # type: ignore[assignment]
        self.expiry_field: DateInput = editors["acceptance_expiry"]  # type: ignore[assignment]
        self.expiry_field.check.setText("Expires")
        self.cadence_spin: QSpinBox = editors["review_cadence_days"]  # type: ignore[assignment]
        self.next_review_field: DateInput = editors["next_review"]  # type: ignore[assignment]
        self.refs_edit: QLineEdit = editors["framework_refs"]  # type: ignore[assignment]
        for combo, levels in (
            (self.likelihood_combo, risks.LIKELIHOOD_LEVELS),
            (self.impact_combo, risks.IMPACT_LEVELS),
            (self.residual_likelihood_combo, risks.LIKELIHOOD_LEVELS),
            (self.residual_impact_combo, risks.IMPACT_LEVELS),
        ):
            for index in range(combo.count()):
                value = combo.itemData(index)
                if value is not None:
                    name, description = split_level(levels[int(value) - 1])
                    combo.setItemData(index, description or name, Qt.ItemDataRole.ToolTipRole)

        # -- custom rows ----------------------------------------------------------------
        self.links_label = named_label("", "riskLinksLabel", wrap=True)
        self.links_button = QPushButton("Choose…")
        self.links_button.setToolTip(LINKS_TIP)
        links_row = QHBoxLayout()
        links_row.addWidget(self.links_label, 1)
        links_row.addWidget(self.links_button, 0, Qt.AlignmentFlag.AlignTop)
        self.insert_row(S_RISK, "links", "Use cases", links_row)

        self.likelihood_help = _help_label()
        self.impact_help = _help_label()
        self.inherent_badge = Badge()
        self.insert_row(
            S_INHERENT, "likelihood_help", "", self.likelihood_help, after="likelihood", hint=False
        )
        self.insert_row(S_INHERENT, "impact_help", "", self.impact_help, after="impact", hint=False)
        self.insert_row(
            S_INHERENT,
            "inherent",
            "Inherent score",
            _left(self.inherent_badge),
            after="impact_help",
        )

        self.residual_badge = Badge()
        self.residual_note = _help_label()
        self.insert_row(
            S_RESIDUAL,
            "residual",
            "Residual score",
            _stack(_left(self.residual_badge), self.residual_note),
        )
        self.overdue_label = named_label("", "overdueLabel")
        self.overdue_label.setVisible(False)
        self.insert_row(
            S_STATUS, "overdue", "", self.overdue_label, after="next_review", hint=False
        )

        self.actions_table = table(
            ["Action", "Owner", "Due", "Status"], "mitigationTable", read_only=True
        )
        resize_columns(self.actions_table, stretch=(0,), fit=(1, 2, 3))
        self.actions_table.setMinimumHeight(110)
        self.actions_table.setMaximumHeight(170)
        self.actions_empty = named_label(
            "No mitigation actions yet: add what will reduce this risk.", "mutedLabel", wrap=True
        )
        self.add_action_button = QPushButton("Add action…")
        self.edit_action_button = QPushButton("Edit…")
        self.delete_action_button = QPushButton("Delete")
        actions_box = QWidget()
        actions_layout = QVBoxLayout(actions_box)
        actions_layout.setContentsMargins(0, 0, 0, 0)
        actions_layout.addWidget(self.actions_table)
        actions_layout.addWidget(self.actions_empty)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_action_button)
        buttons.addWidget(self.edit_action_button)
        buttons.addWidget(self.delete_action_button)
        buttons.addStretch(1)
        actions_layout.addLayout(buttons)
        self.insert_card("Mitigation actions", actions_box, before=S_RESIDUAL)

        # -- signals --------------------------------------------------------------------
        self.links_button.clicked.connect(self._on_links_button_clicked)
        self.actions_table.itemSelectionChanged.connect(self._update_action_buttons)
        self.actions_table.itemDoubleClicked.connect(lambda _item: self.edit_action())
        self.add_action_button.clicked.connect(lambda: self.add_action())
        self.edit_action_button.clicked.connect(lambda: self.edit_action())
        self.delete_action_button.clicked.connect(self.delete_action)
        ctx.changed.connect(self._on_ctx_changed)
        self._load_reference()
        self.set_risk(None)

    # -- loading ------------------------------------------------------------------------

    def _category_choices(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        return [] if ws is None else [(c, c) for c in risks.category_choices(ws=ws)]

    def _load_reference(self) -> None:
        """Bands, scoring method, category choices and the framework completer."""
        ws = self.ctx.workspace
        if ws is None:
            return
        self._bands = list(risks.bands(ws=ws))
        self._method = workspace_service.get_settings(ws=ws).risk_method or "multiply"
        fill_combo(self.category_combo, self.specs["category"])
        words = risks.framework_choices(ws=ws)
        self.refs_edit.setCompleter(ListCompleter(words, self.refs_edit))

    def set_risk(self, risk_id: int | None) -> None:
        """Show ``risk_id`` (None: the empty state)."""
        force = risk_id != self.risk_id
        if force:
            self._pending_accept = False
        self.risk_id = risk_id
        self.load(force=force)

    def load(self, *, force: bool = False) -> None:
        """Read the risk again and show it (keeping a field the user is typing in)."""
        risk = show_row(self, self.ctx, Risk, self.risk_id, RiskBase, force=force)
        self.risk = risk
        if risk is None:
            self.risk_id = None
            return
        self.heading.setText(risk.title)
        if self._pending_accept:
            blocked = self.status_combo.blockSignals(True)
            self.status_combo.setCurrentIndex(self.status_combo.findData(ACCEPTED))
            self.status_combo.blockSignals(blocked)
        self.likelihood_help.setText(_level_description(risks.LIKELIHOOD_LEVELS, risk.likelihood))
        self.impact_help.setText(_level_description(risks.IMPACT_LEVELS, risk.impact))
        self._load_links()
        self._load_actions()
        self._update_scores()
        set_enabled_why(self.links_button, not self.readonly, LINKS_TIP, READ_ONLY_WHY)
        set_enabled_why(self.add_action_button, not self.readonly, ADD_ACTION_TIP, READ_ONLY_WHY)
        self._update_acceptance_enabled()
        self._update_action_buttons()

    def _load_links(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.risk_id is None:
            return
        self.linked_ids = list(risks.linked_use_cases(ws=ws, risk_id=self.risk_id))
        titles = [title for _id, title in use_case_titles(ws, self.linked_ids)]
        self.links_label.setText(", ".join(titles) if titles else "Not linked to any use case yet.")
        self.links_label.setProperty("empty", not titles)
        self.links_label.style().unpolish(self.links_label)
        self.links_label.style().polish(self.links_label)

    def _load_actions(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.risk_id is None:
            return
        spec = _action_spec(self.risk_id)
        ids = query_ids(ws=ws, spec=spec)
        rows = fetch_rows(ws=ws, spec=spec, ids=ids)
        selected = self.current_action_id()
        self.action_ids = [i for i in ids if i in rows]
        self.actions_table.setRowCount(len(self.action_ids))
        for row, action_id in enumerate(self.action_ids):
            for column, value in enumerate(rows[action_id]):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.actions_table.setItem(row, column, item)
        select_id(self.actions_table, self.action_ids, selected)
        self.actions_table.setVisible(bool(self.action_ids))
        self.actions_empty.setVisible(not self.action_ids)

    def _update_scores(self) -> None:
        risk = self.risk
        if risk is None or not self._bands:
            return
        result = risks.assess(risk, bands=self._bands, method=self._method)
        self.inherent_badge.set_badge(
            f"{result.inherent_score} · {result.inherent_level.name}",
            result.inherent_level.color,
        )
        self.residual_badge.set_badge(
            f"{result.residual_score} · {result.residual_level.name}",
            result.residual_level.color,
        )
        self.residual_note.setText(
            ""
            if result.residual_set
            else "Residual not set: the inherent score counts until you set both values."
        )
        if result.overdue:
            days = result.days_overdue
            self.overdue_label.setText(f"Overdue by {days} day{'s' if days != 1 else ''}")
            self.overdue_label.setVisible(True)
        else:
            self.overdue_label.setVisible(False)
        edit = self.next_review_field.edit
        edit.setProperty("overdue", result.overdue)
        edit.style().unpolish(edit)
        edit.style().polish(edit)

    @property
    def assessment(self) -> risks.RiskAssessment | None:
        """The derived scores of the risk shown (None when none is)."""
        if self.risk is None or not self._bands:
            return None
        return risks.assess(self.risk, bands=self._bands, method=self._method)

    # -- committing ---------------------------------------------------------------------

    def _push(self, changed: dict[str, Any]) -> bool:
        return push_update(self.ctx, Risk, self.risk_id, changed, self)

    def field_edited(self, name: str) -> None:
        if name in ("residual_likelihood", "residual_impact"):
            self._on_residual_changed(name)
        elif name == "status":
            self._on_status_changed()
        elif name in ("acceptance_rationale", "approver") and self._pending_accept:
            if not self._try_accept():
                self._kept.update(("acceptance_rationale", "approver"))
                self.show_hint("status", ACCEPT_HINT)
        else:
            super().field_edited(name)

    def _on_residual_changed(self, name: str) -> None:
        """Residual likelihood and impact are set together: fill the other from inherent."""
        risk = self.risk
        if risk is None:
            return
        likelihood = self.value_of("residual_likelihood")
        impact = self.value_of("residual_impact")
        if name == "residual_likelihood":
            if likelihood is None:
                impact = None
            elif impact is None:
                impact = risk.impact
        elif impact is None:
            likelihood = None
        elif likelihood is None:
            likelihood = risk.likelihood
        self.commit(
            name, {"residual_likelihood": likelihood, "residual_impact": impact}, revert=True
        )

    def _on_status_changed(self) -> None:
        risk = self.risk
        if risk is None:
            return
        status = self.value_of("status")
        if status == ACCEPTED and risk.status != ACCEPTED:
            self._pending_accept = True
            self._update_acceptance_enabled()
            if not self._try_accept():
                self.show_hint("status", ACCEPT_HINT)
            return
        self._pending_accept = False
        self._update_acceptance_enabled()
        self.commit("status", {"status": status}, revert=True)

    def _try_accept(self) -> bool:
        """Store the pending "accepted" status once a rationale and an approver are given."""
        values = {
            "acceptance_rationale": self.value_of("acceptance_rationale"),
            "approver": self.value_of("approver"),
        }
        if not all(values.values()):
            return False
        self._pending_accept = False
        if self.commit("status", {"status": ACCEPTED, **values}):
            return True
        self._pending_accept = True
        return False

    def _update_acceptance_enabled(self) -> None:
        accepted = self.status_combo.currentData() == ACCEPTED and not self.readonly
        self.rationale_edit.setReadOnly(not accepted)
        self.rationale_edit.setEnabled(accepted)
        self.approver_edit.setEnabled(accepted)
        self.approver_edit.setReadOnly(not accepted)
        self.expiry_field.set_editable(accepted)

    # -- links --------------------------------------------------------------------------

    def _on_links_button_clicked(self) -> None:
        self.edit_links()

    def edit_links(self) -> LinksDialog | None:
        """Open the use-case chooser (window-modal); OK stores the links (undoable)."""
        ws = self.ctx.workspace
        if ws is None or self.risk_id is None:
            return None
        dialog = LinksDialog(use_case_titles(ws), set(self.linked_ids), self)
        risk_id = self.risk_id
        dialog.accepted.connect(lambda: self._on_links_dialog_accepted(dialog, risk_id))
        dialog.finished.connect(dialog.deleteLater)
        self.links_dialog = dialog
        dialog.open()
        return dialog

    def _on_links_dialog_accepted(self, dialog: LinksDialog, risk_id: int) -> None:
        chosen = dialog.checked_ids()
        if sorted(chosen) != sorted(self.linked_ids):
            self.ctx.run_edit(SetLinksCommand(self.ctx, risk_id, chosen))
        self.links_dialog = None

    # -- mitigation actions -------------------------------------------------------------

    def current_action_id(self) -> int | None:
        return selected_id(self.actions_table, self.action_ids)

    def _update_action_buttons(self) -> None:
        writable = not self.ctx.readonly
        has = self.current_action_id() is not None and writable
        why = "Select a mitigation action first." if writable else READ_ONLY_WHY
        set_enabled_why(self.edit_action_button, has, EDIT_ACTION_TIP, why)
        set_enabled_why(self.delete_action_button, has, DELETE_ACTION_TIP, why)

    def add_action(self) -> ActionDialog | None:
        """Open the dialog for a new mitigation action; OK adds it (undoable)."""
        if self.risk_id is None or self.ctx.readonly:
            return None
        dialog = ActionDialog(None, self)
        risk_id = self.risk_id

        def store() -> None:
            data = {"risk_id": risk_id, **dialog.values()}
            self.ctx.run_edit(CreateRecordCommand(self.ctx, MitigationAction, data))

        return self._open_action_dialog(dialog, store)

    def edit_action(self) -> ActionDialog | None:
        """Open the selected mitigation action; OK stores the changes (undoable)."""
        action_id = self.current_action_id()
        ws = self.ctx.workspace
        if action_id is None or ws is None or self.ctx.readonly:
            return None
        action = records.get(ws=ws, model=MitigationAction, id=action_id)
        data = {k: getattr(action, k) for k in ("action", "owner", "due_date", "status")}
        dialog = ActionDialog(data, self)

        def store() -> None:
            new = dialog.values()
            changed = {k: v for k, v in new.items() if data[k] != v}
            if changed:
                self.ctx.run_edit(
                    UpdateRecordCommand(
                        self.ctx,
                        MitigationAction,
                        action_id,
                        changed,
                        text="edit mitigation action",
                    )
                )

        return self._open_action_dialog(dialog, store)

    def _open_action_dialog(self, dialog: ActionDialog, store: Callable[[], None]) -> ActionDialog:
        dialog.accepted.connect(store)
        return open_dialog(self, "action_dialog", dialog)

    def delete_action(self) -> None:
        action_id = self.current_action_id()
        if action_id is not None and not self.ctx.readonly:
            self.ctx.run_edit(DeleteRecordCommand(self.ctx, MitigationAction, action_id))

    # -- refresh ------------------------------------------------------------------------

    def _on_ctx_changed(self, changes: Changes) -> None:
        if changes.touches("settings", "risk_taxonomy"):
            self._load_reference()
        if self.risk_id is not None and changes.touches(*KINDS):
            self.load()


def _help_label() -> QLabel:
    label = named_label("", "levelHelp", wrap=True)
    return label


def _stack(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    for widget in widgets:
        layout.addWidget(widget)
    return box


def _left(widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)
    layout.addStretch(1)
    return box
