"""The Runbooks tab: a runbook per use case (or release) beside its editor.

Above the list: "New runbook", "Delete" (after asking) and "Export…" (Markdown or PDF,
written in the background). The editor's tabs: Runbook (title, use case, release, owner,
scope, safe-mode behaviour, notes), Escalation path, Rollback criteria (with their live
state, and "Open incident…" for a met one) and Communication (templates with a preview
filled from an incident). Every edit is one step of Edit ▸ Undo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTabWidget, QWidget

from ...errors import UserError
from ...models import Runbook
from ...models.incidents import RunbookBase
from ...services import runbooks
from ...services import usecases as usecases_service
from ...services.incidents import workflow
from ...services.runbooks import RunbookInfo, editing
from ...services.runbooks.export import write_runbook
from ..context import AppContext
from ..tasks import Task, report_error
from ..widgets.builders import button, button_row, panel, stacked, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.lazy_table import set_enabled_why
from ..widgets.page_header import local_action, named_label
from ..widgets.record_form import FieldSpec, RecordForm
from ..widgets.row_form import show_row
from .edits import DeleteRunbookCommand, NewRunbookCommand, UpdateRunbookCommand
from .incident_form import widen_combos
from .parts import (
    READ_ONLY_WHY,
    ask_to_delete,
    master_detail,
    read_or_none,
    select_listed,
    who_am_i,
)
from .runbook_parts import ContactsPanel, CriteriaPanel
from .templates import TemplatesPanel

LIST_NAME = "runbooks"
NEW_TITLE = "New runbook"
EXPORT_FILTERS = "PDF document (*.pdf);;Markdown (*.md)"
WATCHED = (
    "runbook",
    "runbook_contact",
    "rollback_criterion",
    "communication_template",
    "kpi",
    "kpi_snapshot",
    "use_case",
    "release",
    "incident",
)
TAB_RUNBOOK, TAB_CONTACTS, TAB_CRITERIA, TAB_TEMPLATES = range(4)
S_RUNBOOK = "Runbook"
S_SAFE = "Safe mode and notes"


class RunbookForm(RecordForm):
    """The fields of one runbook; each commits when the cursor leaves it (undoable)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.ctx = ctx
        fields = (
            FieldSpec(
                "title",
                "Title",
                placeholder="e.g. Reply drafts: AI incident runbook",
                section=S_RUNBOOK,
            ),
            FieldSpec(
                "use_case_id", "Use case", "combo", section=S_RUNBOOK, choices=self._use_cases
            ),
            FieldSpec("release_id", "Release", "combo", section=S_RUNBOOK, choices=self._releases),
            FieldSpec("owner", "Owner", placeholder="Who keeps it current", section=S_RUNBOOK),
            FieldSpec(
                "scope", "Scope", "text", placeholder="Which failures it covers", section=S_RUNBOOK
            ),
            FieldSpec(
                "safe_mode",
                "Safe mode",
                "text",
                placeholder="What the feature does in reduced-capability mode",
                section=S_SAFE,
                height=96,
            ),
            FieldSpec("notes", "Notes", "text", section=S_SAFE),
        )
        super().__init__(fields, RunbookBase, self._push, parent, empty_text="", name="runbookForm")
        self.body.setContentsMargins(4, 0, 8, 8)
        self.heading.setVisible(False)
        widen_combos(self)
        self.runbook_id: int | None = None

    def _use_cases(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        return [(None, "(no use case)"), *(usecases_service.titles(ws=ws) if ws else [])]

    def _releases(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        return [(None, "(no release)"), *(workflow.choices(ws=ws, kind="release") if ws else [])]

    def load(self, runbook_id: int | None) -> None:
        force = runbook_id != self.runbook_id
        self.runbook_id = runbook_id
        if show_row(self, self.ctx, Runbook, runbook_id, RunbookBase, force=force) is None:
            self.runbook_id = None

    def _push(self, changed: dict[str, Any]) -> bool:
        if self.runbook_id is None:
            return False
        return self.ctx.run_edit(UpdateRunbookCommand(self.ctx, self.runbook_id, changed))


class RunbookEditor(ContextWidget):
    """The shown runbook in four tabs (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="runbookEditor")
        self.runbook_id: int | None = None
        self.info: RunbookInfo | None = None
        self.heading = named_label("", "formHeading", wrap=True)
        self.form = RunbookForm(ctx)
        self.contacts = ContactsPanel(ctx)
        self.criteria = CriteriaPanel(ctx)
        self.templates = TemplatesPanel(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("runbookTabs")
        for widget, title in (
            (self.form, "Runbook"),
            (self.contacts, "Escalation path"),
            (self.criteria, "Rollback criteria"),
            (self.templates, "Communication"),
        ):
            self.tabs.addTab(widget, title)
        self.empty = named_label(
            "Choose a runbook in the list, or press \u201cNew runbook\u201d to write one.",
            "emptyState",
            wrap=True,
        )
        self.body = panel(self.heading, (self.tabs, 1), spacing=6, margins=(6, 0, 0, 0))
        self.stack = stacked(self.empty, self.body)
        vbox(self.stack, margins=(0, 0, 0, 0), parent=self)

    def show_runbook(self, runbook_id: int | None) -> None:
        self.runbook_id = runbook_id
        self.refresh()

    def refresh(self) -> None:
        """Read the shown runbook again (keeping a field the user is typing in)."""
        ws, runbook_id = self.ctx.workspace, self.runbook_id
        info = None
        if ws is not None and runbook_id is not None:
            info = read_or_none(lambda: runbooks.get_runbook(ws=ws, runbook_id=runbook_id))
        self.info = info
        if info is None:
            self.runbook_id = None
            self.stack.setCurrentWidget(self.empty)
            self.form.load(None)
            self.templates.show_runbook(None)
            return
        self.stack.setCurrentWidget(self.body)
        where = info.use_case or info.release
        self.heading.setText(f"{info.title}" + (f" \u2014 {where}" if where else ""))
        self.form.load(info.id)
        self.contacts.show_rows(info.id, info.contacts)
        self.criteria.show_criteria(info.id, info.criteria)
        self.templates.show_runbook(info)
        met = sum(1 for r in self.criteria.model.rows if r.state == runbooks.MET)
        self.tabs.setTabText(TAB_CONTACTS, f"Escalation path ({len(info.contacts)})")
        self.tabs.setTabText(
            TAB_CRITERIA,
            f"Rollback criteria ({len(info.criteria)}{f' · {met} met' if met else ''})",
        )


class RunbooksTab(ContextWidget):
    """The runbooks beside the chosen one's editor (see the module docstring).

    Signals:
        incident_opened(int): an incident was opened from a met criterion (its id).
    """

    incident_opened = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="runbooksTab")
        self.confirm_box: QMessageBox | None = None
        self.export_task: Task | None = None
        self.editor = RunbookEditor(ctx)
        self.editor.setMinimumWidth(460)
        self.master = master_detail(
            ctx,
            editing.runbook_list_spec(),
            self.editor,
            self.editor.show_runbook,
            name=LIST_NAME,
            object_name="runbookList",
            sizes=(380, 780),
            hidden=("release", "owner"),
        )
        self.list_pane = self.master.list_pane
        self.new_button = button("New runbook", self.new_runbook, name="newRunbookButton")
        self.delete_button = button("Delete", self.delete_runbook, name="deleteRunbookButton")
        self.export_button = button("Export…", self.choose_export, name="exportRunbookButton")
        self.status = named_label("", "mutedLabel")
        self.status.setObjectName("runbookExportStatus")
        vbox(
            button_row(self.new_button, self.delete_button, self.export_button, self.status),
            (self.master, 1),
            margins=(12, 10, 12, 12),
            spacing=6,
            parent=self,
        )
        self.delete_action = local_action(
            self.list_pane, "Delete runbook", QKeySequence.StandardKey.Delete, self.delete_runbook
        )
        self.editor.criteria.incident_opened.connect(self.incident_opened)
        self.master.current_changed.connect(lambda _i: self.update_actions())
        ctx.watch(self, WATCHED, self._on_watched_changed)
        self.master.select_first()
        self.update_actions()

    # -- actions ----------------------------------------------------------------------------

    def current_id(self) -> int | None:
        return self.master.current_id()

    def select(self, runbook_id: int) -> bool:
        """Make ``runbook_id`` the chosen runbook (clearing a filter that hides it)."""
        return select_listed(self.master, runbook_id, self._clear_filter)

    def _clear_filter(self) -> None:
        self.list_pane.filter_box.clear()
        self.list_pane.filter_box.flush()

    def new_runbook(self) -> int | None:
        """Add a runbook (for the chosen one's use case), choose it, focus its title."""
        if self.ctx.readonly:
            return None
        data: dict[str, Any] = {"title": NEW_TITLE, "owner": who_am_i(self.ctx)}
        if self.editor.info is not None and self.editor.info.use_case_id is not None:
            data["use_case_id"] = self.editor.info.use_case_id
        command = NewRunbookCommand(self.ctx, data)
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.master.refresh()
        self.select(command.record_id)
        self.editor.tabs.setCurrentIndex(TAB_RUNBOOK)
        title = self.editor.form.editors["title"]
        title.setFocus()
        title.selectAll()  # type: ignore[attr-defined]
        return command.record_id

    def delete_runbook(self) -> QMessageBox | None:
        """Ask, then delete the chosen runbook (undoable)."""
        info = self.editor.info
        if info is None or self.ctx.readonly:
            return None
        runbook_id, title = info.id, info.title
        return ask_to_delete(
            self,
            "runbook",
            title,
            "Its escalation path, rollback criteria and templates go with it.",
            lambda: DeleteRunbookCommand(self.ctx, runbook_id, title),
        )

    def choose_export(self) -> Task | None:
        """Ask where to write the chosen runbook (PDF or Markdown), then write it."""
        info = self.editor.info
        if info is None:
            return None
        stem = "-".join("".join(c if c.isalnum() else " " for c in info.title).lower().split())
        start = Path(str(self.ctx.settings.last_directory())) / f"{stem or 'runbook'}.pdf"
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self, "Export runbook", str(start), EXPORT_FILTERS
        )
        if not chosen:
            return None
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".md" if "*.md" in chosen_filter else ".pdf")
        return self.export_to(path)

    def export_to(self, out: Path) -> Task | None:
        """Write the chosen runbook to ``out`` (.pdf or .md) in the background."""
        info = self.editor.info
        if info is None:
            return None
        self.ctx.settings.set_last_directory(out.parent)
        self.export_button.setEnabled(False)
        self.status.setText(f"Exporting {out.name}…")
        task = self.ctx.tasks.run(write_runbook, info, out)
        task.finished.connect(self._on_export_task_finished)
        task.failed.connect(self._on_export_task_failed)
        self.export_task = task
        return task

    def _on_export_task_finished(self, path: object) -> None:
        self.export_task = None
        self.status.setText(f"Saved {Path(str(path)).name}")
        self.status.setToolTip(str(path))
        self.update_actions()

    def _on_export_task_failed(self, error: BaseException) -> None:
        self.export_task = None
        self.status.setText("")
        self.update_actions()
        if isinstance(error, UserError):
            self.ctx.show_error(error)
        else:
            report_error(error)

    def update_actions(self) -> None:
        editable = not self.ctx.readonly
        chosen = self.editor.info is not None
        set_enabled_why(
            self.new_button, editable, "Write a runbook for a use case or a release", READ_ONLY_WHY
        )
        why = READ_ONLY_WHY if not editable else "Choose a runbook in the list first."
        set_enabled_why(
            self.delete_button,
            editable and chosen,
            "Delete the chosen runbook (Del in the list)",
            why,
        )
        self.delete_action.setEnabled(editable and chosen)
        set_enabled_why(
            self.export_button,
            chosen and self.export_task is None,
            "Save the chosen runbook as a PDF or Markdown file",
            "Choose a runbook in the list first." if not chosen else "Exporting…",
        )

    def _on_watched_changed(self) -> None:
        self.master.refresh()
        self.editor.refresh()
        self.update_actions()
