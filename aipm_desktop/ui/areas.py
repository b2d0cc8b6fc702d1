"""The areas of the main window: one line each, in sidebar order.

An area is a page of the main window with a sidebar entry, a View-menu action
(Ctrl+1..9 in this order) and a ``--view NAME`` for screenshots. To add one, write its
page class (``__init__(self, ctx: AppContext, parent=None)``) and add one line here::

    Area("risks", "Risks", "aipm_desktop.ui.risks.page:RisksPage", "risk"),

``factory`` is either a callable ``factory(ctx) -> QWidget`` or a ``"module:attribute"``
string, imported only when the page is first shown (so a page's heavy imports, such as
matplotlib, never slow down start-up). A page is built for one open workspace
(``ctx.workspace`` is set when the factory runs) and dropped when that workspace closes;
it refreshes itself on ``ctx.changed``.

This module does not import Qt, so ``aipm-desktop --help`` can list the view names fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Area:
    """One area: ``name`` for ``--view``, ``label`` for people, the page ``factory``.

    ``icon`` names a ``QStyle.StandardPixmap`` member (e.g. ``"SP_FileDialogInfoView"``)
    shown in the sidebar; empty for none.
    """

    name: str
    label: str
    factory: str | Callable[[Any], Any]
    icon: str = ""

    def build(self, ctx: Any) -> Any:
        """Create the page widget for ``ctx``."""
        factory = self.factory
        if isinstance(factory, str):
            module_name, _, attribute = factory.partition(":")
            factory = getattr(importlib.import_module(module_name), attribute)
        return factory(ctx)


AREAS: tuple[Area, ...] = (
    Area("overview", "Overview", "aipm_desktop.ui.overview:OverviewPage"),
    Area("usecases", "Use cases", "aipm_desktop.ui.usecases.page:UseCasesPage"),
    Area("risks", "Risks", "aipm_desktop.ui.risks.page:RisksPage"),
    Area("documents", "Documents", "aipm_desktop.ui.documents.page:DocumentsPage"),
    Area("kpis", "KPIs", "aipm_desktop.ui.kpis.page:KpisPage"),
    Area("roadmap", "Roadmap", "aipm_desktop.ui.roadmap.page:RoadmapPage"),
    Area("launch", "Launch", "aipm_desktop.ui.launch.page:LaunchPage"),
    Area("experiments", "Experiments", "aipm_desktop.ui.experiments.page:ExperimentsPage"),
    Area("evaluations", "Evaluations", "aipm_desktop.ui.evaluations.page:EvaluationsPage"),
    Area("costs", "Costs", "aipm_desktop.ui.costs.page:CostsPage"),
    Area("operations", "Operations", "aipm_desktop.ui.operations.page:OperationsPage"),
    Area("interviews", "Interviews", "aipm_desktop.ui.interviews.page:InterviewsPage"),
    Area("controls", "Controls", "aipm_desktop.ui.controls.page:ControlsPage"),
    Area("audit", "Audit trail", "aipm_desktop.ui.audit.page:AuditPage"),
    # New areas go here, above the settings, which stay last.
    Area("settings", "Workspace settings", "aipm_desktop.ui.settings_page:SettingsPage"),
)


@dataclass(frozen=True)
class Opener:
    """How the palette and the Related panel open a record of ``kind`` (an ``EntityKind``
    value of :data:`aipm_desktop.services.search.SOURCES`): show area ``area``, then call
    ``page.<method>(id, *args)`` on its page, which chooses the record (and returns
    False when it cannot). Every kind the search index holds has one line in
    :data:`OPENERS` (a test checks it); a kind without an opener would still be found by
    ``aipm search`` but not listed in the palette."""

    kind: str
    area: str
    method: str = "show_entity"
    args: tuple[Any, ...] = ()


OPENERS: tuple[Opener, ...] = (
    Opener("use_case", "usecases"),
    Opener("risk", "risks"),
    Opener("document", "documents", "open_document"),
    Opener("kpi", "kpis"),
    Opener("roadmap_item", "roadmap"),
    Opener("release", "launch", args=("release",)),
    Opener("experiment", "experiments"),
    Opener("eval_suite", "evaluations", "show_suite"),
    Opener("incident", "operations"),
    Opener("runbook", "operations", "show_runbook"),
    Opener("cost_model", "costs"),
    Opener("candidate", "interviews", "show_candidate"),
    Opener("case_exercise", "interviews", "show_case"),
    Opener("control", "controls", "show_control"),
    Opener("evidence_item", "controls", "show_evidence"),
)


def find_opener(kind: str, areas: tuple[Area, ...] = AREAS) -> Opener | None:
    """The opener of ``kind`` whose area is among ``areas``."""
    names = set(area_names(areas))
    return next((o for o in OPENERS if o.kind == kind and o.area in names), None)


def area_names(areas: tuple[Area, ...] = AREAS) -> list[str]:
    return [area.name for area in areas]


def find_area(name: str, areas: tuple[Area, ...] = AREAS) -> Area | None:
    return next((area for area in areas if area.name == name), None)
