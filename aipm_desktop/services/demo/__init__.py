"""The demo workspace: a believable AI portfolio of a fictional help-desk SaaS company.

:func:`populate_demo` fills a freshly created workspace (reference data and the settings
row already present) inside the creating transaction. The content is deterministic: a
fixed random seed, and every date is relative to ``anchor`` (by default the Monday of the
current week), so the same anchor always gives the same portfolio.

The company is Tidewell, a help-desk SaaS for mid-market B2B companies. Its AI portfolio
runs from launched features (agent reply drafts, ticket auto-triage, handoff summaries)
through a pilot answer bot to ideas, with one parked and one retired use case.

The content is data under ``aipm_desktop/resources/demo/`` (read by :mod:`.content`);
:mod:`.builder` writes it, and :mod:`.kpi_series` generates the weekly KPI values.
"""

from __future__ import annotations

from typing import Any

from .builder import SEED, populate_demo, this_monday
from .kpi_series import STALE_KPI_KEY, STALE_WEEKS, WEEKS_OF_HISTORY

__all__ = [
    "PRD_ANSWER_BOT",
    "SEED",
    "STALE_KPI_KEY",
    "STALE_WEEKS",
    "WEEKS_OF_HISTORY",
    "populate_demo",
    "this_monday",
]


def __getattr__(name: str) -> Any:
    # The demo PRD's markdown template (a ``str.format`` template over ``gate`` and
    # ``ga``), read on first use: the benchmarks build a large document from it.
    if name == "PRD_ANSWER_BOT":
        from .content import document_template

        return document_template("ai_prd.md")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
