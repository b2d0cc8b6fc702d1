"""Candidates tab: the list, and per candidate the details, evaluations and red flags."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTableWidgetItem,
    QWidget,
)

from ...errors import UserError
from ...models import Candidate
from ...services import clock, dates, feedback, records
from ...services import interviews as iv
from ...services.dates import format_date
from ..context import AppContext
from ..tasks import Task
from ..undo import CreateRecordCommand, DeleteRecordCommand
from ..widgets.builders import (
    LABELS_RIGHT,
    button,
    button_row,
    form_card,
    panel,
    splitter,
    stacked,
    table,
    vbox,
)
from ..widgets.dialog_parts import confirm_delete
from ..widgets.page_header import named_label
from ..widgets.versioned import RowVersions
from .widgets import (
    INTERVIEW_KINDS,
    ask_document_path,
    empty_state,
    export_document,
    list_id,
    muted_label,
    refill_list,
    section_label,
)

#: Field -> (label, placeholder).
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("Name", "Candidate name"),
    "role_level": ("Role level", "e.g. Senior AI Product Manager"),
    "interview_date": ("Interview date", "YYYY-MM-DD"),
    "interviewers": ("Interviewers", "Names, separated by commas"),
}
USER_ROLE = Qt.ItemDataRole.UserRole


def _parse_date(text: str) -> dt.date | None:
    """A date typed as YYYY-MM-DD, or as this computer's short date when dates are shown
    that way; None when it is neither."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    if dates.style() == dates.LOCALE:
        try:
            return dt.datetime.strptime(text, "%x").date()
        except ValueError:
            return None
    return None


class CandidatesTab(QWidget):
    """Candidate list and detail.

    Signals:
        start_requested(int): the user wants to run an interview with this candidate.
    """

    start_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.versions = RowVersions()
        self.ctx = ctx
        self._summary: iv.CandidateSummary | None = None

        self.list = QListWidget()
        self.list.setObjectName("candidateList")
        self.list.currentItemChanged.connect(self._on_list_current_changed)
        self.confirm_box: QMessageBox | None = None
        # New candidate and Delete sit in the page header (InterviewsPage).
        left = panel((self.list, 1))

        # detail
        self.edits: dict[str, QLineEdit] = {}
        form_box, form = form_card((16, 12, 16, 12), h_spacing=14, align=LABELS_RIGHT)
        for field, (label, placeholder) in FIELDS.items():
            edit = QLineEdit()
            edit.setObjectName(f"candidate_{field}")
            edit.setPlaceholderText(placeholder)
            edit.setMaxLength(500 if field == "interviewers" else 200)
            edit.editingFinished.connect(lambda f=field: self._on_field_editing_finished(f))
            form.addRow(label, edit)
            self.edits[field] = edit

        self.red_flag_banner = named_label("", "redFlagBanner", wrap=True)
        self.red_flag_banner.hide()
        self.score_label = named_label("", "candidateScore", wrap=True)

        self.evaluations = table(
            ["Interviewer", "Case", "Recommendation", f"Weighted score ({iv.SCALE})"],
            "evaluationTable",
            read_only=True,
            single=False,
        )
        header = self.evaluations.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.evaluations.setMinimumHeight(120)
        self.no_evaluations = muted_label(
            "No evaluations yet. Press Start interview to rate this candidate on a case."
        )

        self.start_button = button(
            "Start interview…", self._on_start_button_clicked, name="primaryButton"
        )
        self.export_button = button(
            "Export feedback…", self._on_export_button_clicked, name="exportFeedbackButton"
        )
        detail = panel(
            self.red_flag_banner,
            form_box,
            self.score_label,
            button_row(self.start_button, self.export_button),
            section_label("Evaluations"),
            (self.evaluations, 1),
            self.no_evaluations,
            name="pageContent",
            margins=(8, 0, 0, 0),
            spacing=8,
        )

        self.empty_label = empty_state(
            "No candidates yet. Press New candidate to add one (name, role level, interview "
            "date and interviewers), then run the interview in Interview mode."
        )
        self.stack = stacked(self.empty_label, detail)
        split = splitter(left, self.stack, sizes=(260, 800), stretch=(0, 1), collapsible=False)
        vbox(split, margins=(16, 12, 16, 12), parent=self)

        ctx.watch(self, INTERVIEW_KINDS, self.reload)
        self.reload()

    # -- data -----------------------------------------------------------------------------

    def current_id(self) -> int | None:
        return list_id(self.list)

    def viewer(self) -> str:
        """Who looks (blind scoring): the author set in the settings, else the login."""
        return self.ctx.author() or records.default_author()

    def select(self, candidate_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(USER_ROLE) == candidate_id:
                self.list.setCurrentRow(row)
                return

    def reload(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        summaries = iv.candidate_summaries(ws=ws, viewer=self.viewer())
        refill_list(self.list, ((self._list_item(s), s.id) for s in summaries))
        self._show_detail()

    @staticmethod
    def _list_item(s: iv.CandidateSummary) -> QListWidgetItem:
        text = s.name
        if s.candidate.role_level:
            text += f"\n{s.candidate.role_level}"
        item = QListWidgetItem(("⚑ " if s.red_flags else "") + text)
        if s.red_flags:
            item.setForeground(Qt.GlobalColor.darkRed)
            item.setToolTip(f"{len(s.red_flags)} red flag(s)")
        return item

    def _show_detail(self) -> None:
        ws = self.ctx.workspace
        candidate_id = self.current_id()
        if ws is None or candidate_id is None:
            self._summary = None
            self.stack.setCurrentWidget(self.empty_label)
            return
        try:
            s = iv.candidate_summary(ws=ws, candidate_id=candidate_id, viewer=self.viewer())
        except UserError:
            self.stack.setCurrentWidget(self.empty_label)
            return
        self._summary = s
        self.versions.read([s.candidate])  # an edit of a field expects the version shown
        self.stack.setCurrentIndex(1)
        values = {
            "name": s.candidate.name,
            "role_level": s.candidate.role_level,
            "interview_date": format_date(s.candidate.interview_date, ""),
            "interviewers": s.candidate.interviewers,
        }
        for field, edit in self.edits.items():
            if not (edit.hasFocus() and edit.isModified()):
                edit.setText(values[field])
                edit.setModified(False)
            edit.setReadOnly(self.ctx.readonly)
        flags = s.red_flags
        if flags:
            items = "<br>".join(
                f"⚑ {html.escape(f.text)} <i>(ticked by {html.escape(f.interviewer)})</i>"
                for f in flags
            )
            self.red_flag_banner.setText(
                f"<b>Red flag{'s' if len(flags) > 1 else ''}</b><br>{items}"
            )
        self.red_flag_banner.setVisible(bool(flags))
        parts = [f"<b>Overall weighted score: {html.escape(s.score_text())}</b>"]
        if s.incomplete_evaluations:
            parts.append(f"{len(s.incomplete_evaluations)} incomplete evaluation(s) not counted")
        if s.disagreements:
            parts.append(
                "interviewers disagree on "
                + ", ".join(html.escape(d.name) for d in s.disagreements)
            )
        if s.blind_text():
            parts.append(html.escape(s.blind_text()))
        if s.candidate.decision:
            parts.append(
                f"<b>decision: {html.escape(iv.decision_label(s.candidate.decision))}</b> "
                f"({html.escape(s.candidate.decided_by or 'unknown')})"
            )
        self.score_label.setText(" · ".join(parts))

        shown = {e.id for e in s.evaluations}
        self.evaluations.setRowCount(len(s.panel))
        for row, ev in enumerate(s.panel):
            if ev.id not in shown:
                state = "submitted" if ev.submitted else "not submitted yet"
                cells = [ev.interviewer, ev.exercise_title, "hidden", f"hidden ({state})"]
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setForeground(Qt.GlobalColor.gray)
                    item.setToolTip(
                        "Blind scoring: shown once you have submitted your own evaluation "
                        "and theirs is submitted (or, off the panel, once everyone has)."
                    )
                    self.evaluations.setItem(row, column, item)
                continue
            if ev.complete:
                score = ev.score_text(short=True)
            else:
                score = f"Incomplete ({len(ev.missing)} not rated)"
            if not ev.submitted:
                score += " · not submitted"
            cells = [
                ev.interviewer + (" ⚑" if ev.red_flags else ""),
                ev.exercise_title,
                iv.recommendation_label(ev.recommendation),
                score,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3 and not ev.complete:
                    item.setForeground(Qt.GlobalColor.darkYellow)
                    item.setToolTip("Not rated: " + ", ".join(ev.missing))
                if column == 0 and ev.red_flags:
                    item.setForeground(Qt.GlobalColor.darkRed)
                    item.setToolTip("\n".join(f.text for f in ev.red_flags))
                self.evaluations.setItem(row, column, item)
        self.evaluations.setVisible(bool(s.panel))
        self.no_evaluations.setVisible(not s.panel)
        self.start_button.setEnabled(not self.ctx.readonly)

    def _on_list_current_changed(self, *_args: object) -> None:
        self._show_detail()

    # -- edits ----------------------------------------------------------------------------

    def _on_field_editing_finished(self, field: str) -> None:
        edit = self.edits[field]
        candidate_id = self.current_id()
        if candidate_id is None or not edit.isModified():
            return
        edit.setModified(False)
        text = edit.text().strip()
        value: object = text
        if field == "interview_date":
            if not text:
                value = None
            else:
                value = _parse_date(text)
                if value is None:
                    self.ctx.show_error(
                        UserError(f"{text!r} is not a date; write it as YYYY-MM-DD.")
                    )
                    self._show_detail()
                    return
        label = FIELDS[field][0].lower()
        if not self.ctx.run_edit(
            self.versions.update(
                self.ctx, Candidate, candidate_id, {field: value}, text=f"edit candidate {label}"
            )
        ):
            self._show_detail()

    def new_candidate(self) -> int | None:
        """Add a candidate interviewed today (undoable); select it, name field focused."""
        if self.ctx.readonly:
            return None
        command = CreateRecordCommand(
            self.ctx,
            Candidate,
            {"name": "New candidate", "interview_date": clock.today()},
            text="add candidate",
        )
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.select(command.record_id)
        edit = self.edits["name"]
        edit.setFocus()
        edit.selectAll()
        return command.record_id

    def delete_candidate(self) -> QMessageBox | None:
        """Ask, then delete the selected candidate with their evaluations (undoable)."""
        candidate_id = self.current_id()
        if candidate_id is None or self.ctx.readonly:
            return None
        item = self.list.currentItem()
        name = item.text().split("\n")[0].removeprefix("⚑ ") if item is not None else ""
        count = len(self._summary.panel) if self._summary is not None else 0
        evaluations = f" and {count} evaluation{'s' if count != 1 else ''}" if count else ""
        self.confirm_box = confirm_delete(
            self,
            "Delete candidate",
            f"Delete “{name}”{evaluations}?",
            informative="Edit ▸ Undo brings them back.",
            name="confirmDeleteCandidate",
            yes_text="Delete",
            on_yes=lambda: self.ctx.run_edit(
                DeleteRecordCommand(self.ctx, Candidate, candidate_id)
            ),
        )
        return self.confirm_box

    def _on_start_button_clicked(self) -> None:
        candidate_id = self.current_id()
        if candidate_id is not None:
            self.start_requested.emit(candidate_id)

    def _on_export_button_clicked(self) -> None:
        s = self._summary
        if s is None or self.ctx.workspace is None:
            return
        path, markdown = ask_document_path(self, "Export feedback summary", f"Feedback - {s.name}")
        if path:
            self.export_to(path, markdown=markdown)

    def export_to(self, path: str | Path, *, markdown: bool = False) -> Task | None:
        """Write the current candidate's feedback summary in a worker (suffix added if
        missing); returns the task, or None when nothing was started."""
        s = self._summary
        if self.ctx.workspace is None or s is None:
            return None
        return export_document(
            self.ctx, self, self.export_button, path, s, markdown=markdown,
            suffixes=feedback.EXPORT_SUFFIXES, check=feedback.check_target,
            write=feedback.write_summary,
        )  # fmt: skip
