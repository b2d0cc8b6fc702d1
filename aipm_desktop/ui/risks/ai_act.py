"""The EU AI Act tab: each use case's suggested tier, the guided questionnaire, and the
obligations checklist of a high-risk use case.

The questionnaire shows the suggested tier and its reasons live as the user answers
(:func:`aipm_desktop.services.ai_act.evaluate`); Save stores them as one undoable
:class:`~aipm_desktop.ui.risks.edits.SaveAssessmentCommand`. Obligation items are
edited in place, each change one :class:`~aipm_desktop.ui.undo.UpdateRecordCommand`.
Everything here is labelled as guidance, not legal advice.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...errors import ConflictError, UserError
from ...models import ComplianceObligation
from ...models.enums import CheckStatus
from ...services import ai_act, dates
from ...services.changes import Changes
from ..context import AppContext
from ..widgets.builders import (
    SAVE_CANCEL,
    TAB_MARGINS,
    dialog_buttons,
    open_dialog,
    resize_columns,
    select_id,
    selected_id,
    table,
)
from ..widgets.context_widgets import ContextWidget
from ..widgets.lazy_table import set_enabled_why
from ..widgets.page_header import named_label
from ..widgets.refresh import RefreshWhenShown
from ..widgets.versioned import RowVersions, ask_reload_or_overwrite
from .edits import SaveAssessmentCommand
from .fields import Badge, EnumCombo, enum_text, text_color_on
from .form import use_case_titles

TIER_COLORS = {
    "prohibited": "#6a1b9a",
    "high": "#c62828",
    "limited": "#ffb300",
    "minimal": "#43a047",
}
NOT_ASSESSED = "Not assessed"
CHECK_TIP = "Answer the EU AI Act screening questions to set this use case's tier"
NOT_ASSESSED_COLOR = "#cbd2d9"
KINDS = ("use_case", "ai_act_assessment", "compliance_obligation")
OBLIGATION_COLUMNS = ("Article", "Obligation", "Status", "Owner", "Due date", "Evidence")
STATUS_COLORS = {"done": "#1d6b35", "in_progress": "#8a5300", "blocked": "#c62828"}


def tier_label(tier: str | None) -> str:
    if not tier:
        return NOT_ASSESSED
    return ai_act.TIERS[str(tier)][0] if str(tier) in ai_act.TIERS else str(tier)


def tier_color(tier: str | None) -> str:
    return TIER_COLORS.get(str(tier or ""), NOT_ASSESSED_COLOR)


def _disclaimer() -> QLabel:
    label = named_label(ai_act.DISCLAIMER, "disclaimerBox", wrap=True)
    return label


def _reasons_html(reasons: Any) -> str:
    items = "".join(f"<li>{html.escape(str(r))}</li>" for r in reasons)
    return f"<ul style='margin-left:-20px'>{items}</ul>" if items else ""


class QuestionnaireDialog(QDialog):
    """The guided tier check of one use case: yes/no per question, live suggested tier."""

    def __init__(
        self,
        ctx: AppContext,
        use_case_id: int,
        title: str,
        answers: dict[str, bool] | None = None,
        assessor: str = "",
        parent: QWidget | None = None,
        *,
        version: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.use_case_id = use_case_id
        #: The version of the stored answers shown (0: none were; None: not checked).
        self.version = version
        self.conflict_box: QMessageBox | None = None
        self.setObjectName("aiActDialog")
        self.setWindowTitle(f"EU AI Act tier check: {title}")
        self.resize(980, 720)
        answers = answers or {}
        self.yes_buttons: dict[str, QRadioButton] = {}
        self.no_buttons: dict[str, QRadioButton] = {}

        heading = named_label(f"EU AI Act tier check: {title}", "dialogHeading", wrap=True)
        intro = named_label(
            "Answer each question for this use case as it is (or will be) deployed. "
            "The suggested tier on the right follows your answers.",
            "mutedLabel",
            wrap=True,
        )

        questions = QWidget()
        questions.setObjectName("aiActQuestions")
        q_layout = QVBoxLayout(questions)
        q_layout.setContentsMargins(4, 4, 12, 4)
        q_layout.setSpacing(6)
        for section, section_title in ai_act.SECTIONS.items():
            label = named_label(section_title, "sectionTitle")
            q_layout.addWidget(label)
            for question in (q for q in ai_act.QUESTIONS if q.section == section):
                q_layout.addWidget(self._question_card(question, answers.get(question.key)))
        q_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(questions)

        self.tier_badge = Badge()
        self.tier_summary = QLabel()
        self.tier_summary.setWordWrap(True)
        self.reasons_label = named_label("", "aiActReasons", wrap=True)
        self.reasons_label.setTextFormat(Qt.TextFormat.RichText)
        self.reasons_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.assessor_edit = QLineEdit(assessor)
        self.assessor_edit.setMaxLength(200)
        self.assessor_edit.setPlaceholderText("Who answered (e.g. PM with legal)")
        result = QFrame()
        result.setObjectName("formCard")
        r_layout = QVBoxLayout(result)
        r_layout.setContentsMargins(14, 12, 14, 12)
        caption = named_label("Suggested tier", "sectionTitle")
        r_layout.addWidget(caption)
        r_layout.addWidget(self.tier_badge, 0, Qt.AlignmentFlag.AlignLeft)
        r_layout.addWidget(self.tier_summary)
        why = named_label("Why", "sectionTitle")
        r_layout.addWidget(why)
        reasons_scroll = QScrollArea()
        reasons_scroll.setWidgetResizable(True)
        reasons_scroll.setFrameShape(QFrame.Shape.NoFrame)
        reasons_scroll.setWidget(self.reasons_label)
        r_layout.addWidget(reasons_scroll, 1)
        r_layout.addWidget(QLabel("Assessed by"))
        r_layout.addWidget(self.assessor_edit)
        result.setMinimumWidth(320)
        result.setMaximumWidth(380)

        body = QHBoxLayout()
        body.addWidget(scroll, 1)
        body.addWidget(result)
        self.buttons = dialog_buttons(self, self.save, SAVE_CANCEL)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not ctx.readonly)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(_disclaimer())
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self.update_result()

    def _question_card(self, question: ai_act.Question, answer: bool | None) -> QFrame:
        card = QFrame()
        card.setObjectName("questionCard")
        text = named_label(question.text, "questionText", wrap=True)
        help_label = named_label(f"{question.article} · {question.help}", "levelHelp", wrap=True)
        yes = QRadioButton("Yes")
        no = QRadioButton("No")
        group = QButtonGroup(card)
        group.addButton(yes)
        group.addButton(no)
        (yes if answer else no).setChecked(True)
        yes.toggled.connect(lambda _checked: self.update_result())
        self.yes_buttons[question.key] = yes
        self.no_buttons[question.key] = no
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(text)
        words.addWidget(help_label)
        layout = QHBoxLayout(card)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(words, 1)
        layout.addWidget(yes, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(no, 0, Qt.AlignmentFlag.AlignTop)
        card.setToolTip(question.help)
        return card

    def answers(self) -> dict[str, bool]:
        return {key: button.isChecked() for key, button in self.yes_buttons.items()}

    def set_answer(self, key: str, yes: bool) -> None:
        (self.yes_buttons[key] if yes else self.no_buttons[key]).setChecked(True)

    def result(self) -> ai_act.TierResult:  # type: ignore[override]
        return ai_act.evaluate(self.answers())

    def update_result(self) -> None:
        outcome = ai_act.evaluate(self.answers())
        self.tier_badge.set_badge(outcome.label, tier_color(outcome.tier))
        self.tier_summary.setText(outcome.summary)
        self.reasons_label.setText(_reasons_html(outcome.reasons))

    def save(self) -> bool:
        """Store the answers; when another window saved this use case's tier check since
        it was shown, nothing is stored and the user is asked (``conflict_box``)."""
        return self._store(self.version)

    def _store(self, version: int | None) -> bool:
        assessor = self.assessor_edit.text().strip()
        command = SaveAssessmentCommand(
            self.ctx, self.use_case_id, self.answers(), assessor, expected_version=version
        )
        if self.ctx.run_edit(command):
            self.accept()
            return True
        if isinstance(command.error, ConflictError):
            self.conflict_box = ask_reload_or_overwrite(
                self.ctx,
                self,
                "The tier check of this use case",
                command.error,
                overwrite=lambda: self._store(stored_version(self.ctx, self.use_case_id)),
                reload=self.reload,
                values="answers",
            )
            self.conflict_box.finished.connect(lambda _r: setattr(self, "conflict_box", None))
        elif command.error is not None:
            self.ctx.show_error(command.error)
        return False

    def reload(self) -> None:
        """Show the answers stored now (the user's unsaved ones are dropped)."""
        ws = self.ctx.require_workspace()
        stored = ai_act.get_assessment(ws=ws, use_case_id=self.use_case_id)
        answers = dict(stored.answers) if stored is not None else {}
        for key in self.yes_buttons:
            self.set_answer(key, bool(answers.get(key)))
        self.assessor_edit.setText(
            stored.assessor if stored is not None else self.ctx.author() or ""
        )
        self.version = stored.version if stored is not None else 0


def stored_version(ctx: AppContext, use_case_id: int) -> int:
    """The version of the use case's stored tier check now (0: it has none)."""
    stored = ai_act.get_assessment(ws=ctx.require_workspace(), use_case_id=use_case_id)
    return stored.version if stored is not None else 0


OBLIGATION_FIELDS = (None, None, "status", "owner", "due_date", "evidence")
_VALUE_ROLE = Qt.ItemDataRole.UserRole
_EDIT_ROLE = Qt.ItemDataRole.EditRole


def _date_text(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


class ObligationDelegate(QStyledItemDelegate):
    """Editors for an obligation's cells, made only while a cell is edited.

    Status: a combo that stores its choice at once; owner and evidence: a line; due date:
    a line taking ``YYYY-MM-DD`` (empty clears it). A date that does not parse is refused
    with a message in the table's ``message`` label.
    """

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        field = OBLIGATION_FIELDS[index.column()]
        if field == "status":
            combo = EnumCombo(CheckStatus, parent)
            combo.activated.connect(lambda _i, c=combo: self._on_combo_activated(c))
            return combo
        edit = QLineEdit(parent)
        if field == "owner":
            edit.setMaxLength(200)
            edit.setPlaceholderText("Owner")
        elif field == "due_date":
            edit.setPlaceholderText("YYYY-MM-DD")
        else:
            edit.setPlaceholderText("Link or note proving it is done")
        return edit

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        value = index.data(_VALUE_ROLE)
        if isinstance(editor, EnumCombo):
            editor.set_value(value or CheckStatus.OPEN)
        elif isinstance(editor, QLineEdit):
            editor.setText(_date_text(value) if isinstance(value, dt.date) else value or "")

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        if isinstance(editor, EnumCombo):
            model.setData(index, editor.value(), _VALUE_ROLE)
        elif isinstance(editor, QLineEdit):
            text = editor.text().strip()
            if OBLIGATION_FIELDS[index.column()] == "due_date":
                try:
                    value: Any = dt.date.fromisoformat(text) if text else None
                except ValueError:
                    table = self.parent()
                    if isinstance(table, ObligationsTable):
                        table.show_message("Enter the due date as YYYY-MM-DD, e.g. 2026-09-30.")
                    return
            else:
                value = text
            model.setData(index, value, _VALUE_ROLE)

    def _on_combo_activated(self, combo: EnumCombo) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)


class ObligationsTable(QTableWidget):
    """The obligations of a high-risk use case, edited in place (each edit undoable).

    Cells hold values (the status, owner, due date and evidence of each obligation); the
    :class:`ObligationDelegate` makes an editor only for the cell being edited.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(0, len(OBLIGATION_COLUMNS), parent)
        self.ctx = ctx
        self.setObjectName("obligationsTable")
        self.setHorizontalHeaderLabels(list(OBLIGATION_COLUMNS))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setItemDelegate(ObligationDelegate(self))
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(2, 130)
        self.setColumnWidth(3, 130)
        self.setColumnWidth(4, 110)
        self.ids: list[int] = []
        #: The version of each obligation shown (an edit expects it: no lost update).
        self.versions = RowVersions()
        self._filling = False
        self.message = named_label("", "errorHint", wrap=True)
        self.message.setVisible(False)
        self.itemChanged.connect(self._on_item_changed)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def value(self, row: int, field: str) -> Any:
        """The value shown for ``field`` of the obligation in ``row``."""
        item = self.item(row, OBLIGATION_FIELDS.index(field))
        return None if item is None else item.data(_VALUE_ROLE)

    def set_value(self, row: int, field: str, value: Any) -> None:
        """Set a cell as the user would (the edit is stored, undoable)."""
        item = self.item(row, OBLIGATION_FIELDS.index(field))
        if item is not None:
            item.setData(_VALUE_ROLE, value)

    def show_obligations(self, items: list[ComplianceObligation]) -> None:
        self._filling = True
        try:
            ids = [int(o.id) for o in items]  # type: ignore[arg-type]
            self.versions.read(items)
            if ids != self.ids:
                self.ids = ids
                self.setRowCount(len(items))
            editable = not self.ctx.readonly
            for row, item in enumerate(items):
                article = QTableWidgetItem(item.article)
                article.setFlags(article.flags() & ~Qt.ItemFlag.ItemIsEditable)
                title = QTableWidgetItem(item.title)
                title.setToolTip(item.description)
                title.setFlags(title.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.setItem(row, 0, article)
                self.setItem(row, 1, title)
                for column, field in enumerate(OBLIGATION_FIELDS):
                    if field is None:
                        continue
                    cell = self.item(row, column)
                    if cell is None:
                        cell = QTableWidgetItem()
                        self.setItem(row, column, cell)
                    cell.setData(_VALUE_ROLE, getattr(item, field))
                    self._show_cell(cell, field)
                    flags = cell.flags() | Qt.ItemFlag.ItemIsEditable
                    if not editable:
                        flags &= ~Qt.ItemFlag.ItemIsEditable
                    cell.setFlags(flags)
        finally:
            self._filling = False
        self.resizeRowsToContents()

    def _show_cell(self, cell: QTableWidgetItem, field: str) -> None:
        value = cell.data(_VALUE_ROLE)
        if field == "status":
            text = enum_text(value)
            cell.setForeground(QBrush(QColor(STATUS_COLORS.get(str(value), "#323f4b"))))
        elif field == "due_date":
            text = dates.format_date(value, "") if isinstance(value, dt.date) else ""
        else:
            text = value or ""
        placeholder = {"owner": "Owner", "due_date": "Due date", "evidence": "Evidence"}
        if not text and field in placeholder:
            cell.setForeground(QBrush(QColor("#9aa5b1")))
            text = f"({placeholder[field].lower()})"
        elif field != "status":
            cell.setForeground(QBrush(QColor("#1f2933")))
        cell.setData(Qt.ItemDataRole.DisplayRole, text)
        cell.setToolTip(f"{text} (double click or type to edit)")

    def _on_item_changed(self, cell: QTableWidgetItem) -> None:
        if self._filling:
            return
        field = OBLIGATION_FIELDS[cell.column()]
        if field is None or not 0 <= cell.row() < len(self.ids):
            return
        self._filling = True
        try:
            self._show_cell(cell, field)
        finally:
            self._filling = False
        self.show_message("")
        self._commit(self.ids[cell.row()], field, cell.data(_VALUE_ROLE))

    def _commit(self, obligation_id: int, field: str, value: Any) -> None:
        ws = self.ctx.workspace
        if ws is None or self.ctx.readonly:
            return
        from ...services import records

        try:
            current = getattr(
                records.get(ws=ws, model=ComplianceObligation, id=obligation_id), field
            )
        except UserError:
            return
        if current == value:
            return
        self.ctx.run_edit(
            self.versions.update(
                self.ctx,
                ComplianceObligation,
                obligation_id,
                {field: value},
                text=f"edit obligation {field.replace('_', ' ')}",
                merge=True,
            )
        )


class AiActTab(RefreshWhenShown, ContextWidget):
    """Use cases with their tier on the left; the chosen one's result and obligations."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="aiActTab")
        self.use_case_ids: list[int] = []
        self.tiers: dict[int, str] = {}
        self.dialog: QuestionnaireDialog | None = None

        self.use_case_table = table(["Use case", "Tier"], "aiActUseCases", read_only=True)
        resize_columns(self.use_case_table, stretch=(0,), fit=(1,))
        self.no_use_cases = named_label(
            "No use cases yet. Add a use case first, then check its EU AI Act tier here.",
            "emptyState",
            wrap=True,
        )
        self.no_use_cases.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.left_stack = QStackedWidget()
        self.left_stack.addWidget(self.use_case_table)
        self.left_stack.addWidget(self.no_use_cases)

        self.heading = named_label("", "riskFormHeading", wrap=True)
        self.tier_badge = Badge()
        self.assessed_label = named_label("", "mutedLabel")
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.reasons_label = named_label("", "aiActReasons", wrap=True)
        self.reasons_label.setTextFormat(Qt.TextFormat.RichText)
        self.check_button = QPushButton("Start the tier check…")
        self.check_button.setObjectName("primaryButton")
        self.check_button.setToolTip(CHECK_TIP)
        self.obligations_title = named_label("Obligations of a high-risk system", "sectionTitle")
        self.obligations = ObligationsTable(ctx)
        self.obligations.setMinimumHeight(260)

        detail = QWidget()
        detail.setObjectName("pageContent")
        d_layout = QVBoxLayout(detail)
        d_layout.setContentsMargins(16, 8, 16, 16)
        d_layout.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        d_layout.addLayout(top)
        tier_row = QHBoxLayout()
        tier_row.addWidget(self.tier_badge)
        tier_row.addWidget(self.assessed_label, 1)
        d_layout.addLayout(tier_row)
        d_layout.addWidget(self.summary_label)
        d_layout.addWidget(self.reasons_label)
        d_layout.addWidget(self.obligations_title)
        d_layout.addWidget(self.obligations, 1)
        d_layout.addWidget(self.obligations.message)
        d_layout.addStretch(0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(detail)

        self.empty_detail = named_label(
            "Select a use case on the left to check its EU AI Act tier.", "emptyState"
        )
        self.empty_detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_stack = QStackedWidget()
        self.detail_stack.addWidget(self.empty_detail)
        self.detail_stack.addWidget(scroll)
        self._detail = scroll

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left_stack)
        splitter.addWidget(self.detail_stack)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([330, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.addWidget(_disclaimer())
        layout.addWidget(splitter, 1)

        self.use_case_table.itemSelectionChanged.connect(self._on_use_case_table_selection)
        self.check_button.clicked.connect(lambda: self.open_questionnaire())
        ctx.changed.connect(self._on_ctx_changed)
        # Filled when first shown (a portfolio of 10,000 use cases is 20,000 table items
        # that a user who never opens this tab should not pay for), then kept current.

    # -- loading --------------------------------------------------------------------------

    def current_use_case(self) -> int | None:
        return selected_id(self.use_case_table, self.use_case_ids)

    def select_use_case(self, use_case_id: int) -> None:
        select_id(self.use_case_table, self.use_case_ids, use_case_id)

    def refresh(self) -> None:
        """Read the use cases and their tiers now (see ``RefreshWhenShown``)."""
        ws = self.begin_refresh()
        if ws is None:
            return
        current = self.current_use_case()
        pairs = use_case_titles(ws)
        self.tiers = {int(k): str(v) for k, v in ai_act.assessments(ws=ws).items()}
        self.use_case_ids = [i for i, _t in pairs]
        table = self.use_case_table
        table.blockSignals(True)
        table.setRowCount(len(pairs))
        for row, (use_case_id, title) in enumerate(pairs):
            tier = self.tiers.get(use_case_id)
            table.setItem(row, 0, QTableWidgetItem(title))
            # Plain items, not a widget per row: a portfolio of 10,000 use cases stays fast.
            cell = QTableWidgetItem(tier_label(tier))
            cell.setData(Qt.ItemDataRole.UserRole, tier)
            cell.setToolTip(tier_label(tier))
            color = tier_color(tier)
            cell.setBackground(QBrush(QColor(color)))
            cell.setForeground(QBrush(QColor(text_color_on(color))))
            cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            table.setItem(row, 1, cell)
        table.blockSignals(False)
        self.left_stack.setCurrentWidget(self.use_case_table if pairs else self.no_use_cases)
        if current in self.use_case_ids:
            self.select_use_case(current)
        elif self.use_case_ids:
            self.select_use_case(self.use_case_ids[0])
        self.show_detail()

    def tier_of(self, use_case_id: int) -> str | None:
        return self.tiers.get(use_case_id)

    def show_detail(self) -> None:
        ws = self.ctx.workspace
        use_case_id = self.current_use_case()
        if ws is None or use_case_id is None:
            self.detail_stack.setCurrentWidget(self.empty_detail)
            return
        self.detail_stack.setCurrentWidget(self._detail)
        title = self.use_case_table.item(self.use_case_ids.index(use_case_id), 0).text()
        self.heading.setText(title)
        assessment = ai_act.get_assessment(ws=ws, use_case_id=use_case_id)
        editable = not self.ctx.readonly
        set_enabled_why(self.check_button, editable, CHECK_TIP, "This workspace is open read-only.")
        if assessment is None:
            self.tier_badge.set_badge(NOT_ASSESSED, NOT_ASSESSED_COLOR)
            self.assessed_label.setText("")
            self.summary_label.setText(
                "This use case has no tier check yet. Start the tier check: about 25 yes/no "
                "questions on prohibited practices, high-risk areas, transparency cases and "
                "general-purpose AI."
            )
            self.reasons_label.setText("")
            self.check_button.setText("Start the tier check…")
        else:
            tier = str(assessment.tier)
            self.tier_badge.set_badge(tier_label(tier), tier_color(tier))
            by = f" by {assessment.assessor}" if assessment.assessor else ""
            self.assessed_label.setText(
                f"Assessed on {dates.format_date(assessment.assessed_on)}{by}"
            )
            self.summary_label.setText(ai_act.TIERS.get(tier, ("", ""))[1])
            self.reasons_label.setText(_reasons_html(assessment.reasons))
            self.check_button.setText("Review the answers…")
        items = ai_act.obligations(ws=ws, use_case_id=use_case_id)
        self.obligations.show_obligations(items)
        self.obligations.setVisible(bool(items))
        self.obligations_title.setVisible(bool(items))
        if items:
            done = sum(
                1 for o in items if o.status in (CheckStatus.DONE, CheckStatus.NOT_APPLICABLE)
            )
            self.obligations_title.setText(
                f"Obligations of a high-risk system: {done} of {len(items)} done"
            )

    # -- questionnaire --------------------------------------------------------------------

    def open_questionnaire(self, use_case_id: int | None = None) -> QuestionnaireDialog | None:
        """Open the tier check of a use case (the selected one by default), window-modal."""
        ws = self.ctx.workspace
        use_case_id = use_case_id if use_case_id is not None else self.current_use_case()
        if ws is None or use_case_id is None or use_case_id not in self.use_case_ids:
            return None
        title = self.use_case_table.item(self.use_case_ids.index(use_case_id), 0).text()
        assessment = ai_act.get_assessment(ws=ws, use_case_id=use_case_id)
        answers = dict(assessment.answers) if assessment is not None else {}
        assessor = assessment.assessor if assessment is not None else (self.ctx.author() or "")
        version = assessment.version if assessment is not None else 0
        dialog = QuestionnaireDialog(
            self.ctx, use_case_id, title, answers, assessor, self, version=version
        )
        return open_dialog(self, "dialog", dialog)

    # -- slots ----------------------------------------------------------------------------

    def _on_use_case_table_selection(self) -> None:
        self.show_detail()

    def _on_ctx_changed(self, changes: Changes) -> None:
        if changes.touches("use_case", "ai_act_assessment"):
            self.invalidate()
        elif changes.touches("compliance_obligation") and not self._dirty:
            self.show_detail()
