"""The detail form of one risk: every field, committed as the user leaves it (undoable).

Each edit validates through the model's own rules (``RiskBase``) before it is pushed as an
:class:`~aipm_desktop.ui.undo.UpdateRecordCommand`; an invalid value shows a red message
under the field and the field goes back to the stored value. Inherent and residual scores
and levels come from :func:`aipm_desktop.services.risks.assess`, the one place they are
derived.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pydantic
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
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
from .commands import SetLinksCommand
from .fields import (
    Badge,
    DateField,
    EnumCombo,
    LevelCombo,
    ListCompleter,
    TextArea,
)

LABEL_WIDTH = 150
ACCEPTED = RiskStatus.ACCEPTED.value
ACCEPT_HINT = "An accepted risk needs a rationale and an approver: fill them in below to accept it."
EMPTY_TEXT = (
    "Select a risk in the list to see and edit its details,\n"
    "or press “New risk” (Ctrl+Shift+N) to add one."
)
RMF_TAXONOMY = "nist_ai_rmf"
KINDS = ("risk", "mitigation_action", "use_case", "settings", "risk_taxonomy")


def _message(error: pydantic.ValidationError) -> str:
    """The model's own message(s) for an invalid risk, without the field paths."""
    err = records.validation_error(error, "risk")
    text = "; ".join(msg for _field, msg in err.errors) or err.message
    return text[:1].upper() + text[1:]


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
    """Choose the use cases a risk applies to: a filterable list of check boxes."""

    def __init__(
        self, use_cases: list[tuple[int, str]], selected: set[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("riskLinksDialog")
        self.setWindowTitle("Linked use cases")
        self.resize(440, 480)
        heading = QLabel("Which use cases does this risk apply to?")
        heading.setObjectName("dialogHeading")
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter use cases…")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("riskLinksList")
        for use_case_id, title in use_cases:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, use_case_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if use_case_id in selected else Qt.CheckState.Unchecked
            )
            self.list.addItem(item)
        empty = QLabel("There are no use cases yet: add them in the use-case area first.")
        empty.setObjectName("mutedLabel")
        empty.setWordWrap(True)
        empty.setVisible(not use_cases)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(empty)
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
        self.due_field = DateField("Due")
        self.due_field.set_value(data.get("due_date"))
        self.status_combo = EnumCombo(ActionStatus)
        self.status_combo.set_value(data.get("status", ActionStatus.TO_DO))
        self.hint = QLabel()
        self.hint.setObjectName("errorHint")
        self.hint.setVisible(False)
        form = QFormLayout()
        form.addRow("Action", self.action_edit)
        form.addRow("Owner", self.owner_edit)
        form.addRow("Due date", self.due_field)
        form.addRow("Status", self.status_combo)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)

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


class RiskForm(QWidget):
    """Every field of one risk; shows a hint of what to do when no risk is selected."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("riskForm")
        self.risk_id: int | None = None
        self.risk: Risk | None = None
        self.linked_ids: list[int] = []
        self.action_ids: list[int] = []
        self._pending_accept = False
        self._bands: list[risks.Band] = []
        self._method = "multiply"
        self.hints: dict[str, QLabel] = {}
        self.links_dialog: LinksDialog | None = None
        self.action_dialog: ActionDialog | None = None

        # -- widgets ------------------------------------------------------------------
        self.heading = QLabel()
        self.heading.setObjectName("riskFormHeading")
        self.heading.setWordWrap(True)

        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("riskTitleEdit")
        self.title_edit.setMaxLength(200)
        self.title_edit.setPlaceholderText("A short name for the risk")
        self.description_edit = TextArea()
        self.description_edit.setPlaceholderText(
            "What could go wrong, for whom, and how it would show"
        )
        self.description_edit.setFixedHeight(76)
        self.category_combo = QComboBox()
        self.category_combo.setEditable(True)
        self.category_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.category_combo.lineEdit().setPlaceholderText("Pick a taxonomy item or type your own")
        self.source_combo = EnumCombo(RiskSource)
        self.owner_edit = QLineEdit()
        self.owner_edit.setMaxLength(200)
        self.owner_edit.setPlaceholderText("Who is accountable")
        self.links_label = QLabel()
        self.links_label.setObjectName("riskLinksLabel")
        self.links_label.setWordWrap(True)
        self.links_button = QPushButton("Choose…")
        self.links_button.setToolTip("Choose the use cases this risk applies to")

        self.likelihood_combo = LevelCombo(risks.LIKELIHOOD_LEVELS)
        self.impact_combo = LevelCombo(risks.IMPACT_LEVELS)
        self.likelihood_help = _help_label()
        self.impact_help = _help_label()
        self.inherent_badge = Badge()
        self.treatment_combo = EnumCombo(Treatment)

        self.actions_table = QTableWidget(0, 4)
        self.actions_table.setObjectName("mitigationTable")
        self.actions_table.setHorizontalHeaderLabels(["Action", "Owner", "Due", "Status"])
        self.actions_table.verticalHeader().setVisible(False)
        self.actions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.actions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.actions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.actions_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.actions_table.setMinimumHeight(110)
        self.actions_table.setMaximumHeight(170)
        self.actions_empty = QLabel("No mitigation actions yet: add what will reduce this risk.")
        self.actions_empty.setObjectName("mutedLabel")
        self.add_action_button = QPushButton("Add action…")
        self.edit_action_button = QPushButton("Edit…")
        self.delete_action_button = QPushButton("Delete")

        self.residual_likelihood_combo = LevelCombo(risks.LIKELIHOOD_LEVELS, allow_unset=True)
        self.residual_impact_combo = LevelCombo(risks.IMPACT_LEVELS, allow_unset=True)
        self.residual_badge = Badge()
        self.residual_note = _help_label()

        self.status_combo = EnumCombo(RiskStatus)
        self.rationale_edit = TextArea()
        self.rationale_edit.setPlaceholderText("Why the remaining risk is acceptable")
        self.rationale_edit.setFixedHeight(60)
        self.approver_edit = QLineEdit()
        self.approver_edit.setMaxLength(200)
        self.approver_edit.setPlaceholderText("Who accepted the risk")
        self.expiry_field = DateField("Expires")
        self.cadence_spin = QSpinBox()
        self.cadence_spin.setRange(1, 3650)
        self.cadence_spin.setSuffix(" days")
        self.next_review_field = DateField("Set")
        self.overdue_label = QLabel()
        self.overdue_label.setObjectName("overdueLabel")
        self.refs_edit = QLineEdit()
        self.refs_edit.setMaxLength(500)
        self.refs_edit.setPlaceholderText("e.g. MAP 5; MEASURE 2 (separate with ;)")

        # -- layout -------------------------------------------------------------------
        self._forms: dict[str, QFormLayout] = {}
        content = QWidget()
        content.setObjectName("riskFormContent")
        body = QVBoxLayout(content)
        body.setContentsMargins(18, 14, 18, 18)
        body.setSpacing(8)
        body.addWidget(self.heading)

        links_row = QHBoxLayout()
        links_row.addWidget(self.links_label, 1)
        links_row.addWidget(self.links_button, 0, Qt.AlignmentFlag.AlignTop)
        card = self._card(body, "Risk")
        self._row(card, "title", "Title", self.title_edit)
        self._row(card, "description", "Description", self.description_edit)
        self._row(card, "category", "Category", self.category_combo)
        self._row(card, "source", "Source", self.source_combo)
        self._row(card, "owner", "Owner", self.owner_edit)
        self._row(card, "links", "Use cases", links_row)

        card = self._card(body, "Inherent risk")
        self._row(card, "likelihood", "Likelihood", self.likelihood_combo)
        card.insertRow(card.rowCount() - 1, "", self.likelihood_help)
        self._row(card, "impact", "Impact", self.impact_combo)
        card.insertRow(card.rowCount() - 1, "", self.impact_help)
        self._row(card, "inherent", "Inherent score", _left(self.inherent_badge))
        self._row(card, "treatment", "Treatment", self.treatment_combo)

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
        body.addWidget(_section("Mitigation actions"))
        body.addWidget(_framed(actions_box))

        card = self._card(body, "Residual risk (after mitigation)")
        self._row(card, "residual_likelihood", "Likelihood", self.residual_likelihood_combo)
        self._row(card, "residual_impact", "Impact", self.residual_impact_combo)
        self._row(
            card,
            "residual",
            "Residual score",
            _stack(_left(self.residual_badge), self.residual_note),
        )

        card = self._card(body, "Status and review")
        self._row(card, "status", "Status", self.status_combo)
        self._row(card, "acceptance_rationale", "Acceptance rationale", self.rationale_edit)
        self._row(card, "approver", "Approver", self.approver_edit)
        self._row(card, "acceptance_expiry", "Acceptance expiry", self.expiry_field)
        self._row(card, "review_cadence_days", "Review every", self.cadence_spin)
        self._row(
            card, "next_review", "Next review", _stack(self.next_review_field, self.overdue_label)
        )
        self._row(card, "framework_refs", "Framework references", self.refs_edit)
        body.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("riskFormScroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self.scroll = scroll

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.empty_label)
        self._stack.addWidget(scroll)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

        # -- signals ------------------------------------------------------------------
        self.title_edit.editingFinished.connect(self._on_title_edit_editing_finished)
        self.title_edit.textEdited.connect(lambda _t: self._clear_hint("title"))
        self.description_edit.editing_finished.connect(self._on_description_edit_editing_finished)
        self.category_combo.lineEdit().editingFinished.connect(self._on_category_combo_edited)
        self.category_combo.activated.connect(lambda _i: self._on_category_combo_edited())
        self.source_combo.currentIndexChanged.connect(
            lambda _i: self._commit_one("source", self.source_combo.value())
        )
        self.owner_edit.editingFinished.connect(
            lambda: self._commit_one("owner", self.owner_edit.text().strip())
        )
        self.links_button.clicked.connect(self._on_links_button_clicked)
        self.likelihood_combo.currentIndexChanged.connect(
            lambda _i: self._commit_one("likelihood", self.likelihood_combo.value())
        )
        self.impact_combo.currentIndexChanged.connect(
            lambda _i: self._commit_one("impact", self.impact_combo.value())
        )
        self.treatment_combo.currentIndexChanged.connect(
            lambda _i: self._commit_one("treatment", self.treatment_combo.value())
        )
        self.actions_table.itemSelectionChanged.connect(self._update_action_buttons)
        self.actions_table.itemDoubleClicked.connect(lambda _item: self.edit_action())
        self.add_action_button.clicked.connect(lambda: self.add_action())
        self.edit_action_button.clicked.connect(lambda: self.edit_action())
        self.delete_action_button.clicked.connect(self.delete_action)
        self.residual_likelihood_combo.currentIndexChanged.connect(
            lambda _i: self._on_residual_changed("likelihood")
        )
        self.residual_impact_combo.currentIndexChanged.connect(
            lambda _i: self._on_residual_changed("impact")
        )
        self.status_combo.currentIndexChanged.connect(self._on_status_combo_changed)
        self.rationale_edit.editing_finished.connect(self._on_acceptance_edited)
        self.approver_edit.editingFinished.connect(self._on_acceptance_edited)
        self.expiry_field.edited.connect(
            lambda: self._commit_one("acceptance_expiry", self.expiry_field.value())
        )
        self.cadence_spin.editingFinished.connect(
            lambda: self._commit_one("review_cadence_days", self.cadence_spin.value())
        )
        self.next_review_field.edited.connect(
            lambda: self._commit_one("next_review", self.next_review_field.value())
        )
        self.refs_edit.editingFinished.connect(
            lambda: self._commit_one("framework_refs", self.refs_edit.text().strip())
        )
        ctx.changed.connect(self._on_ctx_changed)
        self._load_reference()
        self.set_risk(None)

    # -- building helpers ---------------------------------------------------------------

    def _card(self, body: QVBoxLayout, title: str) -> QFormLayout:
        body.addWidget(_section(title))
        frame = QFrame()
        frame.setObjectName("formCard")
        form = QFormLayout(frame)
        form.setContentsMargins(14, 12, 14, 12)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        body.addWidget(frame)
        return form

    def _row(self, form: QFormLayout, field: str, label: str, widget: Any) -> None:
        caption = QLabel(label)
        caption.setMinimumWidth(LABEL_WIDTH)
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(caption, widget)
        hint = QLabel()
        hint.setObjectName("errorHint")
        hint.setWordWrap(True)
        form.addRow("", hint)
        form.setRowVisible(hint, False)
        self.hints[field] = hint
        self._forms[field] = form

    # -- loading ------------------------------------------------------------------------

    def _load_reference(self) -> None:
        """Bands, scoring method, category choices and the framework completer."""
        ws = self.ctx.workspace
        if ws is None:
            return
        self._bands = list(risks.bands(ws=ws))
        self._method = workspace_service.get_settings(ws=ws).risk_method or "multiply"
        text = self.category_combo.currentText()
        self.category_combo.blockSignals(True)
        self.category_combo.clear()
        self.category_combo.addItems(risks.category_choices(ws=ws))
        self.category_combo.setEditText(text)
        self.category_combo.blockSignals(False)
        words = risks.framework_choices(ws=ws)
        self.refs_edit.setCompleter(ListCompleter(words, self.refs_edit))

    def set_risk(self, risk_id: int | None) -> None:
        """Show ``risk_id`` (None: the empty state)."""
        if risk_id != self.risk_id:
            self._pending_accept = False
            for field in self.hints:
                self._clear_hint(field)
        self.risk_id = risk_id
        self.load()

    def load(self) -> None:
        """Read the risk again and show it (keeping a field the user is typing in)."""
        ws = self.ctx.workspace
        risk = None
        if ws is not None and self.risk_id is not None:
            try:
                risk = records.get(ws=ws, model=Risk, id=self.risk_id)
            except UserError:
                risk = None
        self.risk = risk  # type: ignore[assignment]
        if risk is None:
            self.risk_id = None
            self._stack.setCurrentWidget(self.empty_label)
            return
        self._stack.setCurrentWidget(self.scroll)
        editable = not self.ctx.readonly
        self.heading.setText(risk.title)
        _set_line(self.title_edit, risk.title)
        if not self.description_edit.hasFocus():
            self.description_edit.setPlainText(risk.description)
        if not self.category_combo.lineEdit().hasFocus():
            self.category_combo.blockSignals(True)
            self.category_combo.setEditText(risk.category)
            self.category_combo.blockSignals(False)
        self.source_combo.set_value(risk.source)
        _set_line(self.owner_edit, risk.owner)
        self.likelihood_combo.set_value(risk.likelihood)
        self.impact_combo.set_value(risk.impact)
        self.likelihood_help.setText(self.likelihood_combo.description())
        self.impact_help.setText(self.impact_combo.description())
        self.treatment_combo.set_value(risk.treatment)
        self.residual_likelihood_combo.set_value(risk.residual_likelihood)
        self.residual_impact_combo.set_value(risk.residual_impact)
        self.status_combo.set_value(ACCEPTED if self._pending_accept else risk.status)
        if not self.rationale_edit.hasFocus():
            self.rationale_edit.setPlainText(risk.acceptance_rationale)
        _set_line(self.approver_edit, risk.approver)
        self.expiry_field.set_value(risk.acceptance_expiry)
        self.cadence_spin.blockSignals(True)
        self.cadence_spin.setValue(risk.review_cadence_days)
        self.cadence_spin.blockSignals(False)
        self.next_review_field.set_value(risk.next_review)
        _set_line(self.refs_edit, risk.framework_refs)
        self._load_links()
        self._load_actions()
        self._update_scores()
        for widget in (
            self.title_edit,
            self.owner_edit,
            self.approver_edit,
            self.refs_edit,
        ):
            widget.setReadOnly(not editable)
        self.description_edit.setReadOnly(not editable)
        for widget in (
            self.category_combo,
            self.source_combo,
            self.likelihood_combo,
            self.impact_combo,
            self.treatment_combo,
            self.residual_likelihood_combo,
            self.residual_impact_combo,
            self.status_combo,
            self.cadence_spin,
            self.links_button,
            self.add_action_button,
        ):
            widget.setEnabled(editable)
        self.next_review_field.set_editable(editable)
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
        if selected in self.action_ids:
            self.actions_table.selectRow(self.action_ids.index(selected))
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
        self.next_review_field.edit.setProperty("overdue", result.overdue)
        self.next_review_field.edit.style().unpolish(self.next_review_field.edit)
        self.next_review_field.edit.style().polish(self.next_review_field.edit)

    @property
    def assessment(self) -> risks.RiskAssessment | None:
        """The derived scores of the risk shown (None when none is)."""
        if self.risk is None or not self._bands:
            return None
        return risks.assess(self.risk, bands=self._bands, method=self._method)

    # -- hints --------------------------------------------------------------------------

    def hint_text(self, field: str) -> str:
        """The red message under ``field`` ("" when none is shown)."""
        hint = self.hints[field]
        return hint.text() if self._forms[field].isRowVisible(hint) else ""

    def _show_hint(self, field: str, message: str) -> None:
        hint = self.hints[field]
        hint.setText(message)
        self._forms[field].setRowVisible(hint, True)

    def _clear_hint(self, field: str) -> None:
        self._forms[field].setRowVisible(self.hints[field], False)

    # -- committing ---------------------------------------------------------------------

    def _commit(self, data: dict[str, Any], field: str) -> bool:
        """Validate and store ``data`` for the risk shown; on a refusal show why and revert."""
        risk = self.risk
        if risk is None or self.ctx.readonly:
            self._revert()
            return False
        changed = {k: v for k, v in data.items() if getattr(risk, k) != v}
        if not changed:
            self._clear_hint(field)
            return True
        current = {k: getattr(risk, k) for k in RiskBase.model_fields}
        try:
            RiskBase.model_validate({**current, **changed})
        except pydantic.ValidationError as error:
            self._show_hint(field, f"{_message(error)}. It was set back.")
            self._revert()
            return False
        self._clear_hint(field)
        command = UpdateRecordCommand(
            self.ctx,
            Risk,
            risk.id,  # type: ignore[arg-type]
            changed,
            merge=len(changed) == 1,
        )
        ok = self.ctx.run_edit(command)
        if not ok:
            self._revert()
        return ok

    def _revert(self) -> None:
        """Show the stored values again, also in the field being edited."""
        for edit in (self.title_edit, self.owner_edit, self.approver_edit, self.refs_edit):
            edit.setModified(False)
        self.load()

    def _commit_one(self, field: str, value: Any) -> bool:
        return self._commit({field: value}, field)

    def _on_title_edit_editing_finished(self) -> None:
        if self.risk is not None and self.title_edit.isModified():
            self._commit_one("title", self.title_edit.text().strip())
        self.title_edit.setModified(False)

    def _on_description_edit_editing_finished(self) -> None:
        if self.risk is not None:
            self._commit_one("description", self.description_edit.toPlainText().strip())

    def _on_category_combo_edited(self) -> None:
        if self.risk is not None:
            self._commit_one("category", self.category_combo.currentText().strip())

    def _on_residual_changed(self, which: str) -> None:
        """Residual likelihood and impact are set together: fill the other from inherent."""
        risk = self.risk
        if risk is None:
            return
        likelihood = self.residual_likelihood_combo.value()
        impact = self.residual_impact_combo.value()
        if which == "likelihood":
            if likelihood is None:
                impact = None
            elif impact is None:
                impact = risk.impact
        else:
            if impact is None:
                likelihood = None
            elif likelihood is None:
                likelihood = risk.likelihood
        self._commit(
            {"residual_likelihood": likelihood, "residual_impact": impact},
            f"residual_{which}",
        )

    def _on_status_combo_changed(self, _index: int) -> None:
        risk = self.risk
        if risk is None:
            return
        status = self.status_combo.value()
        if status == ACCEPTED and risk.status != ACCEPTED:
            self._pending_accept = True
            self._update_acceptance_enabled()
            if not self._try_accept():
                self._show_hint("status", ACCEPT_HINT)
            return
        self._pending_accept = False
        self._update_acceptance_enabled()
        self._commit_one("status", status)

    def _acceptance_values(self) -> dict[str, Any]:
        return {
            "acceptance_rationale": self.rationale_edit.toPlainText().strip(),
            "approver": self.approver_edit.text().strip(),
        }

    def _try_accept(self) -> bool:
        """Store the pending "accepted" status once a rationale and an approver are given."""
        values = self._acceptance_values()
        if not all(values.values()):
            return False
        self._pending_accept = False
        if self._commit({"status": ACCEPTED, **values}, "status"):
            return True
        self._pending_accept = True
        return False

    def _on_acceptance_edited(self) -> None:
        risk = self.risk
        if risk is None:
            return
        if self._pending_accept:
            if self._try_accept():
                return
            self._show_hint("status", ACCEPT_HINT)
            return
        field = "approver" if self.sender() is self.approver_edit else "acceptance_rationale"
        self._commit_one(field, self._acceptance_values()[field])

    def _update_acceptance_enabled(self) -> None:
        accepted = self.status_combo.value() == ACCEPTED and not self.ctx.readonly
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
        rows = self.actions_table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        return self.action_ids[row] if 0 <= row < len(self.action_ids) else None

    def _update_action_buttons(self) -> None:
        has = self.current_action_id() is not None and not self.ctx.readonly
        self.edit_action_button.setEnabled(has)
        self.delete_action_button.setEnabled(has)

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
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _r: setattr(self, "action_dialog", None))
        self.action_dialog = dialog
        dialog.open()
        return dialog

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


def _set_line(edit: QLineEdit, text: str) -> None:
    if edit.hasFocus() and edit.isModified():
        return
    edit.setText(text or "")
    edit.setModified(False)
    edit.setCursorPosition(0)


def _help_label() -> QLabel:
    label = QLabel()
    label.setObjectName("levelHelp")
    label.setWordWrap(True)
    return label


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
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


def _framed(widget: QWidget) -> QFrame:
    frame = QFrame()
    frame.setObjectName("formCard")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 10, 12, 10)
    layout.addWidget(widget)
    return frame
