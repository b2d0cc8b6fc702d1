"""The Interviews area: candidates, interview mode, comparison and the case library."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..context import AppContext
from ..widgets.area_tabs import area_tabs
from ..widgets.builders import vbox
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import named_label
from .candidates import CandidatesTab
from .comparison import ComparisonTab
from .interview_mode import InterviewModeTab
from .library import CaseLibraryTab


class InterviewsPage(ContextWidget):
    """Run AI PM case interviews: weighted scorecards, live interview mode, comparison."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="interviewsPage")
        title = named_label("Interviews", "pageTitle")
        subtitle = named_label(
            "Case exercises, weighted scorecards and side-by-side comparison for AI PM "
            "hiring loops. Every rating is saved at once; Edit ▸ Undo takes it back.",
            "pageSubtitle",
            wrap=True,
        )

        self.candidates = CandidatesTab(ctx)
        self.interview = InterviewModeTab(ctx)
        self.comparison = ComparisonTab(ctx)
        self.library = CaseLibraryTab(ctx)
        self.tabs = area_tabs(
            (self.candidates, "Candidates"),
            (self.interview, "Interview mode"),
            (self.comparison, "Comparison"),
            (self.library, "Case library"),
        )
        self.candidates.start_requested.connect(self._on_candidates_start_requested)
        vbox(title, subtitle, (self.tabs, 1), margins=(24, 20, 24, 8), spacing=6, parent=self)

    def _on_candidates_start_requested(self, candidate_id: int) -> None:
        self.interview.select(candidate_id)
        self.tabs.setCurrentWidget(self.interview)
