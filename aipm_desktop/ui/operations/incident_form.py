"""The fields of one incident, on the shared :class:`RecordForm`.

Every field commits as the user leaves it, as one undoable edit through
``incidents.update_incident``, after ``IncidentBase`` accepted the whole incident (a
timestamp before an earlier one is explained under the field and nothing is written).
The severity shows the workspace's definition of the chosen level under it; affected use
cases and KPIs are chosen in a list of check boxes; linked risks come from "Add to the
risk register".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ...models import Incident
from ...models.incidents import IncidentBase
from ...services import incidents
from ...services.incidents import workflow
from ..context import AppContext
from ..risks.form import LinksDialog
from ..widgets.builders import open_dialog
from ..widgets.lazy_table import set_enabled_why
from ..widgets.page_header import named_label
from ..widgets.record_form import FieldSpec, in_section
from ..widgets.versioned import guard_stale
from .edits import UpdateIncidentCommand
from .parts import READ_ONLY_WHY, PaneForm

S_INCIDENT = "Incident"
S_AFFECTED = "Affected"
S_TIMES = "Timestamps"
EMPTY_TEXT = "Choose an incident in the log to see and work it here."
#: The timestamps in the order they must follow each other.
TIMESTAMPS = (
    ("detected_at", "Detected"),
    ("acknowledged_at", "Acknowledged"),
    ("mitigated_at", "Mitigated"),
    ("resolved_at", "Resolved"),
    ("reviewed_at", "Reviewed"),
)
#: The words of the use-case and KPI choosers.
USE_CASE_WORDS = {
    "title": "Affected use cases",
    "heading": "Which use cases did this incident affect?",
    "noun": "use cases",
    "empty": "There are no use cases yet: add them under Use cases first.",
}
KPI_WORDS = {
    "title": "Affected KPIs",
    "heading": "Which KPIs did this incident move?",
    "noun": "KPIs",
    "empty": "No KPIs are tracked yet: add them under KPIs first.",
}


@dataclass(frozen=True)
class Links:
    """The links of one kind (``field``: ``use_case_ids``) an incident had when its
    chooser opened, with the incident's version then."""

    incident_id: int
    field: str
    before: set[int]
    version: int
    noun: str


class IncidentForm(PaneForm):
    """Every field of one incident; edits are undoable commands on the context."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self._definitions: dict[str, tuple[str, str, float | None]] = {}
        fields = (
            *in_section(
                S_INCIDENT,
                FieldSpec("title", "Title", placeholder="What failed, in a line"),
                FieldSpec("severity", "Severity", "combo", choices=self._severities),
                FieldSpec(
                    "category_id",
                    "Failure category",
                    "combo",
                    choices=self._categories,
                    tooltip="The triage list: wrong answer, unsafe response, latency spike …",
                ),
                FieldSpec(
                    "root_cause_class",
                    "Root cause",
                    "combo",
                    choices=(
                        (None, "(not classified yet)"),
                        *((c.value, text) for c, text in incidents.ROOT_CAUSE_LABELS.items()),
                    ),
                    tooltip="Where the cause lies: UX, data, model, policy, infrastructure, vendor",
                ),
                FieldSpec("owner", "Owner", placeholder="Who leads the response"),
                FieldSpec(
                    "customer_impact",
                    "Customer impact",
                    "text",
                    placeholder="Who was hurt and how (accounts, drafts sent, money)",
                ),
                FieldSpec(
                    "description", "What happened", "text", placeholder="The failure as it was seen"
                ),
                FieldSpec(
                    "root_cause",
                    "Cause in words",
                    "text",
                    placeholder="Why it happened (for the review)",
                ),
                FieldSpec(
                    "actions",
                    "Response in words",
                    "text",
                    placeholder="What was done, in a few sentences (each action with who and "
                    "when is on the Actions tab)",
                    tooltip="A summary of the response for the review; the structured actions "
                    "are on the Actions tab",
                ),
                FieldSpec(
                    "rolled_back",
                    "Rolled back",
                    "check",
                    placeholder="The feature was rolled back (a feature-flag rollback sets it)",
                    tooltip="Whether the AI feature was rolled back during this incident",
                ),
            ),
            FieldSpec("release_id", "Release", "combo", section=S_AFFECTED, choices=self._releases),
            *(FieldSpec(name, label, "datetime", section=S_TIMES) for name, label in TIMESTAMPS),
        )
        super().__init__(
            ctx,
            fields,
            Incident,
            IncidentBase,
            UpdateIncidentCommand,
            parent,
            empty_text=EMPTY_TEXT,
            name="incidentForm",
        )
        self.info: incidents.IncidentDetail | None = None
        self.links_dialog: LinksDialog | None = None
        self.severity_combo: QComboBox = self.editors["severity"]  # type: ignore[assignment]
        self.severity_hint = named_label("", "mutedLabel", wrap=True)
        self.severity_hint.setObjectName("severityHint")
        self.insert_row(
            S_INCIDENT, "severity_hint", "", self.severity_hint, after="severity", hint=False
        )
        self.severity_combo.currentIndexChanged.connect(self._on_severity_combo_index_changed)
        self.use_cases_label, self.use_cases_button = self._links_row(
            "use_cases", "Use cases", self.choose_use_cases
        )
        self.kpis_label, self.kpis_button = self._links_row("kpis", "KPIs", self.choose_kpis)
        self.risks_label = named_label("", "mutedLabel", wrap=True)
        self.risks_label.setObjectName("incidentRisks")
        self.insert_row(S_AFFECTED, "risks", "Risks", self.risks_label, hint=False)
        for name, label in TIMESTAMPS:
            self.editors[name].setToolTip(
                f"When the incident was {label.lower()} (your local time); each step comes "
                "after the one above"
            )

    def _links_row(
        self, key: str, label: str, slot: Callable[[], object]
    ) -> tuple[QLabel, QPushButton]:
        text = named_label("", "riskLinksLabel", wrap=True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        button = QPushButton("Choose…")
        button.setObjectName(f"{key}ChooseButton")
        button.clicked.connect(slot)
        row = QHBoxLayout()
        row.addWidget(text, 1)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.insert_row(S_AFFECTED, key, label, row)
        return text, button

    # -- choices ----------------------------------------------------------------------------

    def _severities(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        found = incidents.severity_definitions(ws=ws) if ws is not None else []
        self._definitions = {
            str(d.severity): (
                d.name,
                d.definition,
                d.acknowledge_within_hours,
            )
            for d in found
        }
        return [
            (code, f"{code.upper()} · {name}" if name else code.upper())
            for code, (name, _d, _h) in self._definitions.items()
        ] or [(s, s.upper()) for s in workflow.SEVERITY_LABELS]

    def _categories(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        items: list[tuple[Any, str]] = [(None, "(no category)")]
        if ws is not None:
            items += [(c.id, c.name) for c in incidents.failure_categories(ws=ws)]
        return items

    def _releases(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        items: list[tuple[Any, str]] = [(None, "(no release)")]
        if ws is not None:
            items += workflow.choices(ws=ws, kind="release")
        return items

    def severity_text(self, code: str | None) -> str:
        """What the workspace says severity ``code`` means, and how fast to acknowledge."""
        if code is None or code not in self._definitions:
            return ""
        name, definition, hours = self._definitions[code]
        within = ""
        if hours is not None:
            within = (
                f" Acknowledge within {hours * 60:.0f} minutes."
                if hours < 1
                else f" Acknowledge within {hours:g} hour{'s' if hours != 1 else ''}."
            )
        return f"{name}: {definition}{within}".strip()

    # -- loading ----------------------------------------------------------------------------

    def load(self, row_id: int | None) -> Any:
        """Show incident ``row_id`` with its links (None: the empty state)."""
        obj = super().load(row_id)
        ws = self.ctx.workspace
        if obj is None or ws is None or self.row_id is None:
            self.info = None
            return obj
        self.info = incidents.detail(ws=ws, incident_id=self.row_id)
        self.severity_hint.setText(self.severity_text(self.severity_combo.currentData()))
        for label, pairs, none in (
            (self.use_cases_label, self.info.use_cases, "No use case linked yet."),
            (self.kpis_label, self.info.kpis, "No KPI linked yet."),
            (
                self.risks_label,
                self.info.risks,
                "Not in the risk register yet: use \u201cAdd to the risk register\u201d.",
            ),
        ):
            label.setText(", ".join(name for _i, name in pairs) or none)
        for button in (self.use_cases_button, self.kpis_button):
            set_enabled_why(
                button, not self.readonly, "Choose which ones it affected", READ_ONLY_WHY
            )
        return obj

    # -- links ------------------------------------------------------------------------------

    def choose_use_cases(self) -> LinksDialog | None:
        """Open the chooser of the use cases the incident affected (OK stores them)."""
        return self._choose("use_case_ids", USE_CASE_WORDS)

    def choose_kpis(self) -> LinksDialog | None:
        """Open the chooser of the KPIs the incident moved (OK stores them)."""
        return self._choose("kpi_ids", KPI_WORDS)

    def _choose(self, field: str, words: dict[str, str]) -> LinksDialog | None:
        """The chooser of the records ``field`` links (``use_case_ids``: the use cases),
        worded by ``words``; OK stores the ones checked."""
        ws, info, incident_id = self.ctx.workspace, self.info, self.row_id
        if ws is None or info is None or self.readonly or incident_id is None:
            return None
        kind = field.removesuffix("_ids")
        chosen = {i for i, _t in getattr(info, f"{kind}s")}
        items = workflow.choices(ws=ws, kind=kind)
        dialog = LinksDialog(items, chosen, self, name="incidentLinksDialog", **words)
        read = Links(incident_id, field, chosen, info.version, words["noun"])
        dialog.accepted.connect(lambda: self._store_links(read, dialog.checked_ids()))
        return open_dialog(self, "links_dialog", dialog)

    def _store_links(self, read: Links, chosen: list[int]) -> bool:
        """Store ``chosen`` as the incident's links of ``read.field``, only while the
        incident is as it was when the chooser opened (a link change moves its version on):
        else nothing is written and the user chooses to keep theirs or to reload."""
        if set(chosen) == read.before:
            return False

        def make() -> QUndoCommand:
            return UpdateIncidentCommand(self.ctx, read.incident_id, {read.field: chosen})

        what = f"your choice of {read.noun}"
        command = guard_stale(
            self.ctx, make, Incident, read.incident_id, read.version, what=what, parent=self
        )
        return self.ctx.run_edit(command)

    def _on_severity_combo_index_changed(self, _index: int) -> None:
        self.severity_hint.setText(self.severity_text(self.severity_combo.currentData()))
