"""The detail form of one use case, on the shared :class:`RecordForm`.

Every field commits as the user leaves it, as one undoable
:class:`~aipm_desktop.ui.undo.UpdateRecordCommand` (consecutive edits of one field merge),
after ``UseCaseBase`` accepted it; an invalid value is explained under the field and
nothing is written. The outcome metric (name, baseline, target, unit, date) and the cost
table each commit together when the focus leaves them, so their parts can be typed in any
order.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from ...models import UseCase
from ...models.enums import Decision, UseCaseStatus
from ...models.usecases import UseCaseBase
from ...services import usecases as usecase_service
from ..context import AppContext
from ..operations.breach import BreachPanel
from ..widgets.builders import NO_MARGINS, card_layout
from ..widgets.page_header import named_label
from ..widgets.record_form import (
    SEPARATOR,
    FieldSpec,
    RecordForm,
    TextArea,
    format_number,
)
from ..widgets.row_form import push_update, show_row

STATUS_LABELS = {
    UseCaseStatus.IDEA: "Idea",
    UseCaseStatus.DISCOVERY: "Discovery",
    UseCaseStatus.VALIDATED: "Validated",
    UseCaseStatus.PILOT: "Pilot",
    UseCaseStatus.LAUNCHED: "Launched",
    UseCaseStatus.PARKED: "Parked",
    UseCaseStatus.RETIRED: "Retired",
}
#: The pipeline, then the two side exits (after a separator in the combo).
PIPELINE = (
    UseCaseStatus.IDEA,
    UseCaseStatus.DISCOVERY,
    UseCaseStatus.VALIDATED,
    UseCaseStatus.PILOT,
    UseCaseStatus.LAUNCHED,
)
SIDE_EXITS = (UseCaseStatus.PARKED, UseCaseStatus.RETIRED)
DECISION_LABELS = {
    Decision.UNDECIDED: "Undecided",
    Decision.BUILD: "Build",
    Decision.PARTNER: "Partner",
    Decision.BUY: "Buy",
}
OPTIONS = ("build", "partner", "buy")
COST_LABELS = {"build": "Build", "partner": "Partner", "buy": "Buy"}
EMPTY_TEXT = (
    "Select a use case in the list to see and edit it here,\n"
    "or press Ctrl+Shift+N (New use case) to add one."
)

S_SUMMARY = "Summary"
S_PROBLEM = "Problem and value"
S_METRIC = "Outcome metric"
S_DELIVERY = "Data and delivery constraints"
S_DECISION = "Build, partner or buy"

STATUS_CHOICES = (
    *((s.value, STATUS_LABELS[s]) for s in PIPELINE),
    (SEPARATOR, ""),
    *((s.value, STATUS_LABELS[s]) for s in SIDE_EXITS),
)

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "Title", placeholder="What the use case does, in a few words",
              section=S_SUMMARY),
    FieldSpec(
        "status", "Status", "combo", section=S_SUMMARY, choices=STATUS_CHOICES,
        tooltip="Pipeline: idea → discovery → validated → pilot → launched; or parked / retired",
    ),
    FieldSpec("owner", "Owner", placeholder="Who drives it", section=S_SUMMARY),
    FieldSpec("area", "Product area", placeholder="e.g. Support, Sales, Platform",
              section=S_SUMMARY),
    FieldSpec("tags", "Tags", placeholder="Comma separated, e.g. generative, agent-assist",
              section=S_SUMMARY),
    FieldSpec("problem", "Problem statement", "text",
              placeholder="The user problem, in the user's words", section=S_PROBLEM),
    FieldSpec("target_users", "Target users", "text",
              placeholder="Who has the problem, how many", section=S_PROBLEM),
    FieldSpec("value_hypothesis", "Value hypothesis", "text",
              placeholder="We believe that … will … because …", section=S_PROBLEM),
    FieldSpec("metric_name", "Metric", placeholder="e.g. median case resolution",
              section=S_METRIC, group="metric"),
    FieldSpec("metric_baseline", "Baseline", "number", section=S_METRIC, group="metric",
              row="Baseline → target", placeholder="e.g. 42"),
    FieldSpec("metric_target", "Target", "number", section=S_METRIC, group="metric",
              row="Baseline → target", placeholder="e.g. 36"),
    FieldSpec("metric_unit", "Unit", section=S_METRIC, group="metric",
              row="Baseline → target", placeholder="e.g. min"),
    FieldSpec("metric_date", "By (date)", "date", section=S_METRIC, group="metric"),
    FieldSpec("data_sources", "Data sources", "text",
              placeholder="Which systems and data sets it needs", section=S_DELIVERY),
    FieldSpec("data_availability", "Data availability", "text",
              placeholder="What exists, its quality, consent", section=S_DELIVERY),
    FieldSpec("latency_requirement", "Latency requirement",
              placeholder="e.g. first token under 1.5 s", section=S_DELIVERY),
    FieldSpec("safety_constraints", "Safety constraints", "text",
              placeholder="What must never happen; guardrails", section=S_DELIVERY),
    FieldSpec("human_in_loop", "Human-in-the-loop step", "text",
              placeholder="Where a person reviews or approves", section=S_DELIVERY),
    FieldSpec("decision", "Decision", "combo", section=S_DECISION,
              choices=tuple((d.value, label) for d, label in DECISION_LABELS.items())),
    FieldSpec("decision_rationale", "Rationale", "text",
              placeholder="Why build, partner or buy", section=S_DECISION),
)  # fmt: skip
COST_FIELDS = tuple(
    FieldSpec(
        f"cost_{option}_{period}",
        f"{COST_LABELS[option]} {'one-off' if period == 'oneoff' else period}",
        "number",
        placeholder="—",
        section=S_DECISION,
        group="costs",
    )
    for option in OPTIONS
    for period in ("oneoff", "yearly")
)


def _format_money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def metric_statement(record: dict[str, Any]) -> str:
    """``median case resolution: 42 → 36 min by 2026-09-30`` ("" without a metric)."""
    name = record.get("metric_name") or "Outcome"
    target = record.get("metric_target")
    if target is None and not record.get("metric_name"):
        return ""
    unit = record.get("metric_unit") or ""
    baseline = record.get("metric_baseline")
    parts = [f"{name}:"]
    if baseline is not None:
        parts.append(f"{format_number(baseline)} →")
    parts.append(f"{format_number(target)} {unit}".strip())
    if record.get("metric_date"):
        parts.append(f"by {record['metric_date']}")
    return " ".join(parts)


class UseCaseForm(RecordForm):
    """Every field of one use case; edits are undoable commands on the context."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            FIELDS, UseCaseBase, self._push, parent, empty_text=EMPTY_TEXT, name="useCaseForm"
        )
        self.ctx = ctx
        self.use_case_id: int | None = None
        self.score_label = self.summary
        self.lines: dict[str, QLineEdit] = {
            f.name: self.editors[f.name]  # type: ignore[misc]
            for f in FIELDS
            if f.kind == "line" and not f.group
        }
        self.texts: dict[str, TextArea] = {
            f.name: self.editors[f.name]  # type: ignore[misc]
            for f in FIELDS
            if f.kind == "text"
        }
        self.metric_edits = {n: self.editors[n] for n in self.fields_of("metric")}
        self.status_combo = self.editors["status"]
        self.decision_combo = self.editors["decision"]

        self.breaches = BreachPanel(ctx)
        self.body.insertWidget(self.body.indexOf(self.summary) + 1, self.breaches)
        self.metric_preview = named_label("", "metricPreview", wrap=True)
        self.insert_row(S_METRIC, "metric_preview", "", self.metric_preview, hint=False)
        self.insert_row(S_DECISION, "costs", "3-year cost", self._build_tco())

    def _build_tco(self) -> QWidget:
        box, grid = card_layout(QGridLayout, NO_MARGINS, h_spacing=8, v_spacing=4, name="tcoTable")
        for column, text in enumerate(("", "One-off", "Yearly", "3-year total")):
            header = named_label(text, "tcoHeader")
            grid.addWidget(header, 0, column)
        self.cost_edits: dict[str, QLineEdit] = {}
        self.tco_labels: dict[str, QLabel] = {}
        self.tco_names: dict[str, QLabel] = {}
        specs = iter(COST_FIELDS)
        for row, option in enumerate(OPTIONS, start=1):
            name = named_label(COST_LABELS[option], "tcoOption")
            grid.addWidget(name, row, 0)
            self.tco_names[option] = name
            for column in (1, 2):
                spec = next(specs)
                edit = self.make_editor(spec)
                edit.setMinimumWidth(60)
                grid.addWidget(edit, row, column)
                self.cost_edits[spec.name] = edit  # type: ignore[assignment]
            total = named_label("—", "tcoTotal")
            total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(total, row, 3)
            self.tco_labels[option] = total
        self.cheapest_label = named_label("", "mutedLabel", wrap=True)
        grid.addWidget(self.cheapest_label, len(OPTIONS) + 1, 0, 1, 4)
        for column in (1, 2, 3):
            grid.setColumnStretch(column, 1)
        return box

    # -- loading --------------------------------------------------------------------------

    def load(self, use_case_id: int | None) -> None:
        """Show use case ``use_case_id`` (None: the empty state)."""
        force = use_case_id != self.use_case_id
        self.use_case_id = use_case_id
        self.reload(force=force)

    def reload(self, *, force: bool = False) -> None:
        """Read the shown use case again (keeping a field the user is typing in)."""
        obj = show_row(self, self.ctx, UseCase, self.use_case_id, UseCaseBase, force=force)
        self.breaches.show_for(self.use_case_id if obj is not None else None)
        if obj is None:
            self.use_case_id = None
            return
        record = self.record or {}
        self.heading.setText(record["title"])
        self.metric_preview.setText(metric_statement(record))
        self._show_tco(obj)

    def _show_tco(self, obj: Any) -> None:
        options, cheapest = usecase_service.tco(obj)
        by_name = {option.option: option for option in options}
        for option in OPTIONS:
            info = by_name.get(option)
            label = self.tco_labels[option]
            label.setText(_format_money(info.three_year if info is not None else None))
            for widget in (label, self.tco_names[option]):
                widget.setProperty("cheapest", option == cheapest)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        if cheapest:
            self.cheapest_label.setText(
                f"Cheapest over 3 years: {COST_LABELS.get(cheapest, cheapest)} "
                "(one-off + 3 x yearly)."
            )
        else:
            self.cheapest_label.setText("Enter the costs of an option to compare 3-year totals.")

    def set_score_text(self, text: str) -> None:
        """The score / rank / completeness line at the top."""
        self.set_summary(text)

    # -- committing -----------------------------------------------------------------------

    def _push(self, changed: dict[str, Any]) -> bool:
        return push_update(self.ctx, UseCase, self.use_case_id, changed, self)
