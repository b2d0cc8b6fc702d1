"""The Interviews area: candidates, interview mode, comparison, debrief, the panel's
agreement, calibration practice and the case library.

The header holds the candidate actions (the area convention of
:mod:`~aipm_desktop.ui.widgets.page_header`): "New candidate" (Ctrl+Shift+N anywhere in the
area) and "Delete" (Del in the candidate list; asks first, Edit ▸ Undo brings the
candidate back). Delete acts on the candidate selected in the Candidates tab, so it is
enabled only there.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ..context import AppContext
from ..widgets.area_tabs import area_tabs, tab_entity
from ..widgets.builders import NO_MARGINS, button, vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import NEW_SHORTCUT, enable_delete, page_header, record_actions
from .agreement import AgreementTab
from .candidates import CandidatesTab
from .comparison import ComparisonTab
from .debrief import DebriefTab
from .interview_mode import InterviewModeTab
from .library import CaseLibraryTab
from .practice import PracticeTab
from .widgets import INTERVIEW_KINDS

DELETE_TIP = "Delete the selected candidate and their evaluations (asks first; undoable)"
READ_ONLY_WHY = "This workspace is open read-only"
OFF_TAB_WHY = "Delete works on the candidate selected in the Candidates tab"
NONE_CHOSEN_WHY = "No candidate selected"


class InterviewsPage(ContextWidget):
    """Run AI PM case interviews: weighted scorecards, live interview mode, comparison.

    Signals:
        current_entity_changed(): another candidate or case is chosen, or another tab
            shown (:meth:`current_entity`).
    """

    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="interviewsPage")
        self.new_button = button(
            "New candidate",
            self.new_candidate,
            name="primaryButton",
            tip=f"Add a candidate ({NEW_SHORTCUT})",
        )
        self.delete_button = button("Delete", self.delete_candidate, tip=DELETE_TIP)
        header = page_header(
            "Interviews",
            "Case exercises, weighted scorecards, blind scoring and calibration for AI PM "
            "hiring loops. Every rating is saved at once; Edit ▸ Undo takes it back.",
            (self.new_button, self.delete_button),
        )

        self.candidates = CandidatesTab(ctx)
        self.interview = InterviewModeTab(ctx)
        self.comparison = ComparisonTab(ctx)
        self.debrief = DebriefTab(ctx)
        self.agreement = AgreementTab(ctx)
        self.practice = PracticeTab(ctx)
        self.library = CaseLibraryTab(ctx)
        self.tabs = area_tabs(
            (self.candidates, "Candidates"),
            (self.interview, "Interview mode"),
            (self.comparison, "Comparison"),
            (self.debrief, "Debrief"),
            (self.agreement, "Agreement"),
            (self.practice, "Calibration"),
            (self.library, "Case library"),
        )
        self.candidates.start_requested.connect(self._on_candidates_start_requested)
        self.candidates.list.currentItemChanged.connect(lambda *_a: self._update_actions())
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())
        self.tabs.currentChanged.connect(lambda _i: self.current_entity_changed.emit())
        for chosen in (self.candidates.list, self.library.exercises.list):
            chosen.currentItemChanged.connect(lambda *_a: self.current_entity_changed.emit())
        for combo in (self.interview.candidate_combo, self.debrief.candidate_combo):
            combo.currentIndexChanged.connect(lambda _i: self.current_entity_changed.emit())
        self.comparison.table.itemSelectionChanged.connect(self.current_entity_changed.emit)
        tabs_box = vbox((self.tabs, 1), margins=(24, 0, 24, 8))
        vbox(header, (tabs_box, 1), margins=NO_MARGINS, spacing=6, parent=self)

        self.new_action, self.delete_action = record_actions(
            self, "candidate", self.new_candidate, self.candidates.list, self.delete_candidate
        )
        ctx.watch(self, INTERVIEW_KINDS, self._update_actions)
        self._update_actions()

    # -- actions --------------------------------------------------------------------------

    def new_candidate(self) -> int | None:
        """Add a candidate (undoable), show it in the Candidates tab, name field focused."""
        if self.ctx.readonly:
            return None
        self.tabs.setCurrentWidget(self.candidates)
        return self.candidates.new_candidate()

    def delete_candidate(self) -> QMessageBox | None:
        """Ask, then delete the candidate selected in the Candidates tab (undoable)."""
        if self.ctx.readonly or self.tabs.currentWidget() is not self.candidates:
            return None
        return self.candidates.delete_candidate()

    def _update_actions(self) -> None:
        writable = not self.ctx.readonly
        self.new_button.setEnabled(writable)
        self.new_action.setEnabled(writable)
        chosen = self.candidates.current_id() is not None
        enable_delete(
            self, self.candidates, chosen, DELETE_TIP, OFF_TAB_WHY, NONE_CHOSEN_WHY, READ_ONLY_WHY
        )

    def show_candidate(self, candidate_id: int) -> bool:
        """Open the Candidates tab on ``candidate_id`` (the palette and the Related panel
        link here). False when the candidate is not listed."""
        self.tabs.setCurrentWidget(self.candidates)
        self.candidates.select(candidate_id)
        return self.candidates.current_id() == candidate_id

    def show_case(self, exercise_id: int) -> bool:
        """Open the Case library on exercise ``exercise_id`` (the palette and the Related
        panel link here). False when the exercise is not listed."""
        self.tabs.setCurrentWidget(self.library)
        exercises = self.library.exercises
        self.library.tabs.setCurrentWidget(exercises)
        exercises.select(exercise_id)
        return exercises.current_id() == exercise_id

    def current_entity(self) -> tuple[str, int] | None:
        """The candidate (Candidates, Interview mode, Comparison, Debrief) or case
        exercise (Case library) chosen, for the Related panel."""
        compared = self.comparison.selected_summary
        return tab_entity(
            self.tabs,
            (self.candidates, "candidate", self.candidates.current_id),
            (self.interview, "candidate", self.interview.candidate_combo.currentData),
            (self.comparison, "candidate", lambda: getattr(compared(), "id", None)),
            (self.debrief, "candidate", self.debrief.candidate_combo.currentData),
            (self.library, "case_exercise", self.library.exercises.current_id),
        )

    def _on_candidates_start_requested(self, candidate_id: int) -> None:
        self.interview.select(candidate_id)
        self.tabs.setCurrentWidget(self.interview)
