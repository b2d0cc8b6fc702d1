"""Roadmap: lanes, the timeline (items and finish-to-start dependencies), scheduling and
predictability.

Dates are inclusive days: an item runs from ``start`` to ``end``; a milestone has
``start == end``. A dependency is finish-to-start: the successor must not start before
the predecessor ends (``successor.start >= predecessor.end``); a dependency where the
successor starts earlier is *violated*. The planned (baseline) dates are never moved by
scheduling, so slip stays visible.

Lists are read with SQLAlchemy Core (5,000 items and 10,000 dependencies in a few tens of
milliseconds); the critical path is a longest-path pass over a topological order.

The package, by concern (every public name is importable from here):

- :mod:`.items`: the item and dependency records, reading items, finding one;
- :mod:`.scheduling`: the timeline, the critical path, the Now / Next / Later board;
- :mod:`.dependencies`: adding and removing dependencies, moving items;
- :mod:`.lane_config`: the lanes, renaming a lane, items per lane;
- :mod:`.delivery`: predictability per quarter and its KPI.
"""

from __future__ import annotations

from .delivery import (
    PREDICTABILITY_KEY,
    QuarterPredictability,
    predictability,
    predictability_kpi_id,
    quarter_end,
    quarter_of,
    record_predictability_kpi,
)
from .dependencies import add_dependency, move_item, remove_dependency, restore_dates
from .items import CLOSED_STATUSES, Dependency, TimelineItem, find_item, get_item
from .lane_config import lane_counts, lanes, rename_lane, set_lanes
from .scheduling import NEXT_WINDOW_DAYS, board, critical_path, timeline

__all__ = [
    "CLOSED_STATUSES",
    "NEXT_WINDOW_DAYS",
    "PREDICTABILITY_KEY",
    "Dependency",
    "QuarterPredictability",
    "TimelineItem",
    "add_dependency",
    "board",
    "critical_path",
    "find_item",
    "get_item",
    "lane_counts",
    "lanes",
    "move_item",
    "predictability",
    "predictability_kpi_id",
    "quarter_end",
    "quarter_of",
    "record_predictability_kpi",
    "remove_dependency",
    "rename_lane",
    "restore_dates",
    "set_lanes",
    "timeline",
]
