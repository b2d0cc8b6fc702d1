"""The Design tab: what the experiment tests, on whom, how it is read, and its design
document.

The fields sit on the shared :class:`RecordForm` (each commits as the user leaves it,
validated by ``ExperimentBase`` first: a rate outside 0-1 or an end before the start is
explained under the field and nothing is written). The variants and guardrails are
cards of their own (:mod:`.arms`). At the top, the design document: "Write design
document" creates it in Documents from the template, filled from these fields; while
nobody edits it there, every change here rewrites it (in the same undo step); once its
author edits it, it is left alone and the card says so.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QSizePolicy, QWidget

from ...errors import UserError
from ...models import Experiment
from ...models.experiments import ExperimentBase
from ...services import kpis as kpi_service
from ...services import usecases as usecases_service
from ...services.experiments import ExperimentDetail, design_doc
from ...services.roadmap.items import item_rows
from ..context import AppContext
from ..widgets.builders import button, hbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from ..widgets.record_form import FieldSpec, in_section
from ..widgets.row_form import RowForm
from .arms import DIRECTION_CHOICES, GuardrailsPanel, VariantsPanel
from .edits import UpdateExperimentCommand, WriteDesignDocCommand
from .figures import KIND_CHOICES

S_DOC = "Design document"
S_WHAT = "Experiment"
S_METRIC = "Primary metric"
S_GUARDRAILS = "Guardrail metrics"
S_VARIANTS = "Variants and allocation"
S_UNITS = "Units and timing"
S_LINKS = "Links"
S_NOTES = "Design notes"
EMPTY_TEXT = "Choose an experiment in the list, or press Ctrl+Shift+N to plan a new one."
HYPOTHESIS = "We believe <the change> will change <the metric> for <these users> because <why>."
UNITS = ("user", "session", "account", "tenant", "request", "ticket", "conversation")
PEEKING_CHOICES = (
    ("none", "None: read once at the planned end"),
    ("msprt", "Always-valid interval (mSPRT): may stop any time"),
    ("obf", "O'Brien-Fleming boundaries at weekly looks"),
)
DOC_TIP = (
    "Create the experiment design document in Documents from its template, filled from "
    "this experiment; it follows every change here until you edit it there"
)


class DesignDocCard(ContextWidget):
    """Where the experiment's design document stands, and the buttons that write and
    open it.

    Signals:
        open_requested(int): show document ``id`` in Documents.
    """

    open_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="designDocCard")
        self.experiment_id: int | None = None
        self.status: design_doc.DesignDocStatus | None = None
        self.state_label = named_label("", "mutedLabel", wrap=True)
        self.state_label.setObjectName("designDocState")
        self.write_button = button(
            "Write design document", self.write, name="writeDesignDocButton", tip=DOC_TIP
        )
        self.open_button = button(
            "Open in Documents", self.open_document, name="openDesignDocButton"
        )
        hbox(
            (self.state_label, 1),
            self.write_button,
            self.open_button,
            spacing=8,
            margins=(0, 0, 0, 0),
            parent=self,
        )

    def show_status(self, experiment_id: int | None) -> None:
        ws = self.ctx.workspace
        self.experiment_id = experiment_id
        status = None
        with contextlib.suppress(UserError):  # the experiment is gone
            if ws is not None and experiment_id is not None:
                status = design_doc.design_doc_status(ws=ws, experiment_id=experiment_id)
        self.status = status
        if status is None:
            return
        text = status.message()
        if status.document_id is None:
            text = (
                "No design document yet. Write one into Documents, filled from these "
                "fields: it is kept in sync until you edit it there."
            )
        elif status.in_sync:
            text = f"“{status.title}”: kept in sync with the experiment until edited by hand."
        else:
            text = f"“{status.title}”: edited by hand; no longer kept in sync."
        self.state_label.setText(text)
        self.state_label.setProperty("edited", status.edited)
        writable = not self.ctx.readonly
        if status.document_id is None:
            label, tip = "Write design document", DOC_TIP
        elif status.edited:
            label = "Write a new design document"
            tip = "Write a fresh design document from the experiment; the edited one stays"
        else:
            label, tip = "Update design document", "Rewrite the design document from the experiment"
        self.write_button.setText(label)
        current = status.document_id is not None and status.in_sync and status.current
        set_enabled_why(
            self.write_button,
            writable and not current,
            tip,
            READ_ONLY_WHY if not writable else "The design document is up to date.",
        )
        self.open_button.setVisible(status.document_id is not None)

    def write(self) -> int | None:
        """Write the design document (a new one when the last was edited by hand); its id."""
        status = self.status
        if status is None or self.experiment_id is None or self.ctx.readonly:
            return None
        command = WriteDesignDocCommand(self.ctx, self.experiment_id, new=status.edited)
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        return command.record_id

    def open_document(self) -> None:
        if self.status is not None and self.status.document_id is not None:
            self.open_requested.emit(self.status.document_id)


class DesignForm(RowForm):
    """Every design field of one experiment, with its variants, guardrails and design
    document; edits are undoable commands on the context."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.ctx = ctx
        fields = (
            *in_section(
                S_WHAT,
                FieldSpec("title", "Title", placeholder="What is tested, in a line"),
                FieldSpec("use_case_id", "Use case", "combo", choices=self._use_cases),
                FieldSpec("owner", "Owner", placeholder="Who runs the experiment"),
                FieldSpec(
                    "hypothesis", "Hypothesis", "text", placeholder=HYPOTHESIS, height=76,
                    help="We believe X will change Y for Z because W: the change, the metric, "
                    "the users and the reason.",
                ),
            ),
            *in_section(
                S_METRIC,
                FieldSpec(
                    "primary_metric", "Name", placeholder="e.g. Draft acceptance rate",
                    tooltip="The one metric the decision rests on",
                ),
                FieldSpec("primary_kind", "Kind", "combo", choices=KIND_CHOICES),
                FieldSpec(
                    "primary_higher_is_better", "Better when", "combo", choices=DIRECTION_CHOICES
                ),
            ),
            *in_section(
                S_UNITS,
                FieldSpec(
                    "randomisation_unit", "Randomised by", "combo", editable=True,
                    choices=[(u, u) for u in UNITS], placeholder="user",
                    tooltip="What is assigned to an arm: a user, a session, an account …",
                ),
                FieldSpec(
                    "eligibility", "Eligible", "text",
                    placeholder="Who enters the experiment (and who is excluded)",
                ),
                FieldSpec("start", "Start", "date"),
                FieldSpec("planned_end", "Planned end", "date"),
                FieldSpec(
                    "peeking", "Peeking", "combo", choices=PEEKING_CHOICES,
                    tooltip="How the results may be looked at before the planned end without "
                    "inflating the error rate",
                ),
            ),
            *in_section(
                S_LINKS,
                FieldSpec("kpi_id", "KPI", "combo", choices=self._kpis),
                FieldSpec("roadmap_item_id", "Roadmap item", "combo", choices=self._items),
            ),
            FieldSpec(
                "design", "Notes", "text", section=S_NOTES,
                placeholder="Anything else about the design: novelty effects, exclusions …",
            ),
        )  # fmt: skip
        super().__init__(
            ctx,
            fields,
            Experiment,
            ExperimentBase,
            UpdateExperimentCommand,
            parent,
            empty_text=EMPTY_TEXT,
            name="designForm",
        )
        self.body.setContentsMargins(4, 4, 8, 8)
        self.heading.setVisible(False)  # the detail pane above names the experiment
        for editor in self.editors.values():
            if isinstance(editor, QComboBox):
                editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.doc_card = DesignDocCard(ctx)
        self.variants = VariantsPanel(ctx)
        self.guardrails = GuardrailsPanel(ctx)
        self.insert_card(S_DOC, self.doc_card, before=S_WHAT)
        self.insert_card(S_VARIANTS, self.variants, before=S_UNITS)
        self.insert_card(S_GUARDRAILS, self.guardrails, before=S_UNITS)
        self.links_note = named_label(
            "Recording the decision can add a snapshot to this KPI and move this roadmap item.",
            "mutedLabel",
            wrap=True,
        )
        self.insert_row(S_LINKS, "links_note", "", self.links_note, hint=False)

    # -- choices ----------------------------------------------------------------------------

    def _use_cases(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        found = usecases_service.titles(ws=ws) if ws is not None else []
        return [(None, "(no use case)"), *found]

    def _kpis(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        rows = kpi_service.kpi_rows(ws=ws) if ws is not None else []
        found = sorted(((int(r["id"]), str(r["name"])) for r in rows), key=lambda p: p[1].lower())
        return [(None, "(no KPI)"), *found]

    def _items(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        if ws is None:
            return [(None, "(no roadmap item)")]
        with ws.engine.connect() as conn:
            rows = item_rows(conn)
        found = sorted(((int(r.id), str(r.title)) for r in rows), key=lambda p: p[1].lower())
        return [(None, "(no roadmap item)"), *found]

    # -- loading ----------------------------------------------------------------------------

    def show_experiment(self, info: ExperimentDetail | None) -> None:
        """Show experiment ``info`` (None: the empty state), its fields, arms, guardrails
        and design document."""
        shown = self.row_id
        if self.load(info.id if info is not None else None) is None:
            info = None
        elif shown != self.row_id:
            self.scroll.verticalScrollBar().setValue(0)
        self.variants.show_info(info)
        self.guardrails.show_info(info)
        self.doc_card.show_status(self.row_id)
