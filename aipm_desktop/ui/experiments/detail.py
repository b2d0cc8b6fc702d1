"""The detail pane of one experiment: where it stands, the moves it can make, and its
tabs Design, Power, Results and Decision.

At the top: the title, a status chip with the use case, owner, dates and results, and a
button per allowed status move (Start running, Stop and analyse, Reopen, Abandon …;
*decided* is reached on the Decision tab). Every change is one step of Edit ▸ Undo.
"""

from __future__ import annotations

import contextlib
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QWidget

from ...errors import UserError
from ...models import Experiment
from ...services import experiments
from ...services.experiments import MOVES, ExperimentDetail
from ..context import AppContext
from ..widgets.builders import button, empty_state, hbox, panel, stacked, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from ..widgets.versioned import guard_move
from .decision_tab import DecisionTab
from .design_tab import DesignForm
from .edits import SetStatusCommand
from .figures import STATUS_CHIP, STATUS_LABELS, move_text
from .power_tab import PowerTab
from .results_tab import ResultsTab

EMPTY = (
    "Choose an experiment in the list, or press Ctrl+Shift+N to plan a new one: its "
    "hypothesis, metrics and variants, the sample size it needs, then its results and the "
    "decision."
)
TAB_DESIGN, TAB_POWER, TAB_RESULTS, TAB_DECISION = range(4)


class ExperimentDetailPane(ContextWidget):
    """One experiment, from its design to its decision (see the module docstring).

    Signals:
        navigate_requested(str, int): show area ``name`` on record ``id`` (the design
            document in Documents).
        import_requested(): the user asked to import results.
    """

    navigate_requested = Signal(str, int)
    import_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="experimentDetail")
        self.experiment_id: int | None = None
        self.info: ExperimentDetail | None = None
        self.move_buttons: dict[str, QPushButton] = {}

        self.heading = named_label("", "formHeading", wrap=True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.status_chip = named_label("", "statusChip")
        self.status_chip.setObjectName("statusChip")
        self.facts = named_label("", "mutedLabel", wrap=True)
        self.facts.setObjectName("experimentFacts")
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.moves = QHBoxLayout()
        self.moves.setSpacing(6)

        self.design = DesignForm(ctx)
        self.power = PowerTab(ctx)
        self.results = ResultsTab(ctx)
        self.decision = DecisionTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("experimentTabs")
        for page, title in (
            (self.design, "Design"),
            (self.power, "Power"),
            (self.results, "Results"),
            (self.decision, "Decision"),
        ):
            self.tabs.addTab(page, title)
        self.design.doc_card.open_requested.connect(
            lambda document_id: self.navigate_requested.emit("documents", document_id)
        )
        self.results.import_requested.connect(self.import_requested)

        body = panel(
            self.heading,
            hbox(self.status_chip, (self.facts, 1), spacing=8),
            hbox(named_label("Move to", "formLabel"), self.moves, 1, spacing=6),
            (self.tabs, 1),
            spacing=6,
            margins=(6, 0, 0, 0),
        )
        self.empty = empty_state(EMPTY, margin=24)
        self.stack = stacked(self.empty, body)
        vbox(self.stack, margins=(0, 0, 0, 0), parent=self)

    # -- showing ----------------------------------------------------------------------------

    def show_experiment(self, experiment_id: int | None) -> None:
        """Show experiment ``experiment_id`` (None: the empty state)."""
        self.refresh(experiment_id=experiment_id, force=experiment_id != self.experiment_id)

    def refresh(self, *, experiment_id: int | None = -1, force: bool = False) -> None:
        """Read the shown experiment (or ``experiment_id``) again after a change."""
        if experiment_id != -1:
            self.experiment_id = experiment_id
        ws, shown = self.ctx.workspace, self.experiment_id
        info = None
        with contextlib.suppress(UserError):  # deleted, or its creation undone
            if ws is not None and shown is not None:
                info = experiments.detail(ws=ws, experiment_id=shown)
        self.info = info
        if info is None:
            self.experiment_id = None
            self.stack.setCurrentWidget(self.empty)
            self.design.show_experiment(None)
            self.power.load(None)
            self.results.load(None)
            self.decision.load(None, None)
            return
        self.stack.setCurrentIndex(1)
        self.heading.setText(info.title)
        self._show_status(info)
        self.design.show_experiment(info)
        self.power.load(info, force=force)
        self.results.load(info)
        self.decision.load(info, self.results.readout, force=force)
        self.tabs.setTabText(
            TAB_RESULTS, f"Results ({info.result_count:,})" if info.result_count else "Results"
        )

    def _show_status(self, info: ExperimentDetail) -> None:
        self.status_chip.setText(STATUS_LABELS.get(info.status, info.status))
        self.status_chip.setProperty("status", STATUS_CHIP.get(info.status, info.status))
        self.status_chip.style().unpolish(self.status_chip)
        self.status_chip.style().polish(self.status_chip)
        parts = [info.use_case or "no use case", info.owner or "no owner"]
        if info.start is not None or info.planned_end is not None:
            start = info.start.isoformat() if info.start else "?"
            end = info.planned_end.isoformat() if info.planned_end else "?"
            parts.append(f"{start} to {end}")
        parts.append(
            f"{info.result_count:,} result rows" if info.result_count else "no results yet"
        )
        self.facts.setText(" · ".join(parts))
        while self.moves.count():
            item = self.moves.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.move_buttons = {}
        for target in MOVES.get(info.status, ()):  # type: ignore[call-overload]
            label, tip = move_text(info.status, target.value)
            widget = button(
                label,
                lambda _c=False, s=target.value: self.move_to(s),
                name=f"move_{target.value}",
            )
            set_enabled_why(widget, not self.ctx.readonly, tip, READ_ONLY_WHY)
            self.moves.addWidget(widget)
            self.move_buttons[target.value] = widget

    # -- actions ----------------------------------------------------------------------------

    def move_to(self, status: str) -> bool:
        """Move the shown experiment to ``status`` (undoable), only while it is as shown:
        when another window changed it since, nothing is written and a message says who
        changed what, with Reload theirs."""
        if self.experiment_id is None or self.info is None or self.ctx.readonly:
            return False
        experiment_id = self.experiment_id
        make = partial(SetStatusCommand, self.ctx, experiment_id, status)
        version = self.info.version
        return self.ctx.run_edit(guard_move(self.ctx, make, Experiment, experiment_id, version))
