"""What one cost model's inputs give, recalculated on every keystroke: cost per request in
its parts, cost per successful task, monthly and 3-year cost per scenario, break-even
against the human-only baseline, margins and the envelope.

Pure display of :func:`~aipm_desktop.services.costs.compute`; it reads nothing from the
workspace.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from ...services import costs
from ..widgets.builders import (
    NO_MARGINS,
    card_layout,
    fit_content_width,
    hbox,
    page_content,
    panel,
    scroll_area,
)
from ..widgets.page_header import named_label

#: Rows of the cost-per-request breakdown: (key, label, bold).
BREAKDOWN = (
    ("input", "Input tokens (not cached)", False),
    ("cached", "Cached input tokens", False),
    ("output", "Output tokens", False),
    ("per_call", "Token cost per model call", True),
    ("model", "Model cost, retries included", False),
    ("retrieval", "Embedding and retrieval", False),
    ("guardrail", "Guardrail / moderation calls", False),
    ("review", "Human review", False),
    ("request", "Cost per request", True),
    ("fixed", "Fixed cost per request", False),
    ("all_in", "All-in cost per request", True),
)
#: Rows of the scenario table: (key, label).
SCENARIO_ROWS = (
    ("requests", "Requests / month"),
    ("tasks", "Successful tasks"),
    ("monthly", "Monthly cost"),
    ("three_year", "3-year cost"),
    ("per_task", "Per successful task"),
)
VERDICTS = {
    "above": "Cheaper than people above a volume",
    "always": "Cheaper than people at any volume",
    "never": "Never cheaper than people",
    "unknown": "No human baseline",
}
EMPTY = "\u2013"


def _amount(value: float | None) -> str:
    return costs.format_amount(value)


def compact(value: float | None) -> str:
    """A figure in few characters for the scenario table: ``29.6 k``, ``1.45 M``,
    ``0.04774`` (the tooltip has the exact figure)."""
    if value is None:
        return EMPTY
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.3g} bn"
    if size >= 1e6:
        return f"{value / 1e6:.3g} M"
    if size >= 1e4:
        return f"{value / 1e3:.3g} k"
    if size >= 1 or value == 0:
        return f"{value:,.2f}".removesuffix(".00")
    return f"{value:.4g}"


def _value_label(bold: bool = False) -> QLabel:
    label = QLabel(EMPTY)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setWeight(QFont.Weight.DemiBold)
        label.setFont(font)
    return label


class OutputsPanel(QWidget):
    """The outputs of the inputs shown, in one scenario (see the module doc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costOutputs")
        self.outputs: costs.CostOutputs | None = None

        self.per_task_caption = named_label("Cost per successful task", "cardLabel")
        self.per_task = named_label(EMPTY, "cardValue")
        self.per_task.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.envelope = named_label("", "costEnvelope", wrap=True)
        self.envelope.setProperty("status", "none")
        headline = panel(
            self.per_task_caption,
            self.per_task,
            self.envelope,
            name="countCard",
            margins=(14, 10, 14, 10),
            spacing=2,
            frame=True,
        )

        self.problems = named_label("", "hintBox", wrap=True)
        self.problems.setObjectName("costProblems")
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setVisible(False)

        self.breakdown: dict[str, QLabel] = {}
        breakdown_card, grid = _card()
        for row, (key, label, bold) in enumerate(BREAKDOWN):
            caption = QLabel(label)
            if bold:
                caption.setFont(_bold(caption.font()))
            grid.addWidget(caption, row, 0)
            value = _value_label(bold)
            grid.addWidget(value, row, 1)
            self.breakdown[key] = value
        grid.setColumnStretch(0, 1)
        self.retries_note = named_label("", "mutedLabel", wrap=True)
        grid.addWidget(self.retries_note, len(BREAKDOWN), 0, 1, 2)

        self.scenario_cells: dict[tuple[str, str], QLabel] = {}
        self.scenario_heads: dict[str, QLabel] = {}
        scenario_card, table = _card()
        for column, scenario in enumerate(costs.SCENARIOS, start=1):
            head = named_label(scenario.capitalize(), "mutedLabel")
            head.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.addWidget(head, 0, column)
            self.scenario_heads[scenario] = head
        for row, (key, label) in enumerate(SCENARIO_ROWS, start=1):
            table.addWidget(QLabel(label), row, 0)
            for column, scenario in enumerate(costs.SCENARIOS, start=1):
                cell = _value_label()
                table.addWidget(cell, row, column)
                self.scenario_cells[(key, scenario)] = cell
        table.setColumnStretch(0, 1)

        self.verdict = QLabel(EMPTY)
        self.verdict.setObjectName("costVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setFont(_bold(self.verdict.font()))
        self.reason = named_label("", "mutedLabel", wrap=True)
        self.reason.setObjectName("costVerdictReason")
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        break_even_card, be = _card()
        be.addWidget(self.verdict, 0, 0)
        be.addWidget(self.reason, 1, 0)

        margin_card, margins = _card()
        self.margin_lines: list[QLabel] = []
        self.margin_empty = named_label(
            "No price given. Type a price per task or per seat under “Pricing, for the "
            "margin” to see the gross margin.",
            "mutedLabel",
            wrap=True,
        )
        margins.addWidget(self.margin_empty, 0, 0, 1, 3)
        for row, basis in enumerate(("task", "seat"), start=1):
            caption = QLabel(f"Per {basis}")
            value = _value_label(True)
            share = _value_label()
            margins.addWidget(caption, row, 0)
            margins.addWidget(value, row, 1)
            margins.addWidget(share, row, 2)
            self.margin_lines.extend((caption, value, share))
        margins.setColumnStretch(0, 1)
        self.margin_detail = named_label("", "mutedLabel", wrap=True)
        margins.addWidget(self.margin_detail, 3, 0, 1, 3)

        self.currency_note = named_label("", "mutedLabel", wrap=True)
        sections = []
        for title, card in (
            ("Cost per request", breakdown_card),
            ("By scenario", scenario_card),
            ("Break-even against people", break_even_card),
            ("Gross margin", margin_card),
        ):
            sections += [named_label(title, "sectionTitle"), card]
        content, _layout = page_content(
            (4, 4, 12, 12), 6, headline, self.problems, *sections, self.currency_note, 1
        )
        self.scroll = scroll_area(content, name="costOutputsScroll", fit_width=True)
        hbox(self.scroll, margins=NO_MARGINS, parent=self)
        self._content = content

    def minimumSizeHint(self) -> QSize:
        """Never narrower than the cards need (the scroll area has no horizontal bar)."""
        return fit_content_width(super().minimumSizeHint(), self._content, self.scroll)

    # -- showing --------------------------------------------------------------------------

    def show_inputs(self, inputs: costs.CostInputs | None, scenario: str = "base") -> None:
        """Compute ``inputs`` in ``scenario`` and show every figure (None: blank)."""
        if inputs is None:
            self.outputs = None
            self.per_task.setText(EMPTY)
            self._set_envelope("none", "")
            self.problems.setVisible(False)
            return
        out = costs.compute(inputs, scenario)
        self.outputs = out
        cur = inputs.currency
        self.per_task_caption.setText(f"Cost per successful task, {scenario} scenario")
        self.per_task.setText(
            EMPTY
            if out.cost_per_successful_task is None
            else _amount(out.cost_per_successful_task) + f" {cur}"
        )
        self._show_envelope(out, cur)
        # The envelope line says when the model is over it; the box says the rest.
        problems = [p for p in out.problems if not p.startswith("Over the envelope")]
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        values = {
            "input": out.input_token_cost_per_call,
            "cached": out.cached_input_token_cost_per_call,
            "output": out.output_token_cost_per_call,
            "per_call": out.token_cost_per_call,
            "model": out.model_cost_per_request,
            "retrieval": out.retrieval_cost_per_request,
            "guardrail": out.guardrail_cost_per_request,
            "review": out.review_cost_per_request,
            "request": out.cost_per_request,
            "fixed": out.fixed_cost_per_request,
            "all_in": out.all_in_cost_per_request,
        }
        for key, value in values.items():
            self.breakdown[key].setText(_amount(value))
        self.retries_note.setText(
            "Model cost = token cost per call x (1 + "
            f"{costs.format_count(inputs.retries_per_request)} retries). Fixed cost per "
            f"request = {_amount(out.fixed_monthly_cost)} a month / "
            f"{costs.format_count(out.requests_per_month)} requests."
        )
        for figures in out.scenarios:
            name = figures.scenario
            cells = {
                "requests": (compact(figures.requests_per_month), figures.requests_per_month),
                "tasks": (
                    compact(figures.successful_tasks_per_month),
                    figures.successful_tasks_per_month,
                ),
                "monthly": (compact(figures.monthly_cost), figures.monthly_cost),
                "three_year": (compact(figures.three_year_cost), figures.three_year_cost),
                "per_task": (
                    compact(figures.cost_per_successful_task),
                    figures.cost_per_successful_task,
                ),
            }
            current = name == scenario
            for key, (text, exact) in cells.items():
                cell = self.scenario_cells[(key, name)]
                cell.setText(text)
                money = key not in ("requests", "tasks")
                cell.setToolTip(
                    EMPTY
                    if exact is None
                    else (_amount(exact) + f" {cur}" if money else costs.format_count(exact))
                )
                font = cell.font()
                font.setWeight(QFont.Weight.DemiBold if current else QFont.Weight.Normal)
                cell.setFont(font)
            head = self.scenario_heads[name]
            head.setText(f"{name.capitalize()} ◂" if current else name.capitalize())
        be = out.break_even
        verdict = VERDICTS.get(be.verdict, be.verdict)
        if be.verdict == "above" and be.requests_per_month is not None:
            verdict = f"Cheaper than people above {be.requests_per_month:,.0f} requests a month"
        self.verdict.setText(verdict)
        self.reason.setText(
            be.reason
            if be.verdict != "unknown"
            else "Type the human-only cost per task (under “Success, human baseline and "
            "envelope”) to see from which volume the AI is cheaper per successful task."
        )
        self._show_margins(out, cur)
        self.updateGeometry()
        self.currency_note.setText(
            f"Amounts in {cur}. Per-request amounts show six significant digits; "
            "every figure is recomputed as you type and saved when you leave a field."
        )

    def _show_envelope(self, out: costs.CostOutputs, cur: str) -> None:
        target = out.target_cost_per_task
        if target is None:
            self._set_envelope("none", "No envelope set (target cost per successful task).")
        elif out.within_envelope is None:
            self._set_envelope("none", f"Envelope {_amount(target)} {cur}: nothing to compare yet.")
        elif out.within_envelope:
            room = target - (out.cost_per_successful_task or 0.0)
            self._set_envelope(
                "within",
                f"Within the envelope of {_amount(target)} {cur} ({_amount(room)} to spare)",
            )
        else:
            over = (out.cost_per_successful_task or 0.0) - target
            share = f", {over / target:.0%}" if target > 0 else ""
            self._set_envelope(
                "over", f"Over the envelope of {_amount(target)} {cur} by {_amount(over)}{share}"
            )

    def _set_envelope(self, status: str, text: str) -> None:
        self.envelope.setText(text)
        self.envelope.setVisible(bool(text))
        if self.envelope.property("status") != status:
            self.envelope.setProperty("status", status)
            self.envelope.style().unpolish(self.envelope)
            self.envelope.style().polish(self.envelope)

    def _show_margins(self, out: costs.CostOutputs, cur: str) -> None:
        by_basis = {m.basis: m for m in out.margins}
        self.margin_empty.setVisible(not by_basis)
        details = []
        for index, basis in enumerate(("task", "seat")):
            caption, value, share = self.margin_lines[index * 3 : index * 3 + 3]
            margin = by_basis.get(basis)
            for widget in (caption, value, share):
                widget.setVisible(margin is not None)
            if margin is None:
                continue
            value.setText(EMPTY if margin.margin is None else f"{_amount(margin.margin)} {cur}")
            share.setText(EMPTY if margin.margin_share is None else f"{margin.margin_share:.0%}")
            cost = EMPTY if margin.cost is None else _amount(margin.cost)
            details.append(f"per {basis}: price {_amount(margin.price)} - cost {cost}")
        self.margin_detail.setText("; ".join(details).capitalize() if details else "")
        self.margin_detail.setVisible(bool(details))

    def envelope_status(self) -> str:
        """``within``, ``over`` or ``none`` as shown."""
        return str(self.envelope.property("status"))


def _card() -> tuple[QFrame, QGridLayout]:
    return card_layout(QGridLayout, (12, 8, 12, 8), h_spacing=10, v_spacing=3)


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setWeight(QFont.Weight.DemiBold)
    return bold
