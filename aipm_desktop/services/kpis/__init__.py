"""KPIs: status against thresholds, trend, staleness, snapshots, import and export.

How status, trend and staleness are derived is described in :mod:`.status`.

Reading uses SQLAlchemy Core: :func:`status_all` reads only the last ``window`` points of
every KPI (one indexed query) and computes in Python. Imports validate every row first
(:func:`preview_import`) and write all-or-nothing (:func:`apply_import`).

The package, by concern (every public name is importable from here):

- :mod:`.status`: status, trend, staleness, number formatting;
- :mod:`.definitions`: finding KPIs, KPI rows, the KPI catalog;
- :mod:`.snapshots`: series, markers, before/after, setting one snapshot;
- :mod:`.imports`: snapshot import (preview, apply) and export.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .definitions import (
    add_from_catalog,
    catalog,
    find_kpi,
    get_kpi,
    kpi_rows,
    tracked_catalog_keys,
)
from .status import (
    DEFAULT_WINDOW,
    FLAT_TOLERANCE,
    FREQUENCY_DAYS,
    FREQUENCY_LABELS,
    GRACE_DAYS,
    MIN_TREND_POINTS,
    STATUS_LABELS,
    STATUS_ORDER,
    TREND_LABELS,
    KpiStatus,
    classify,
    format_number,
    format_value,
    is_stale,
    kpi_status,
    stale_after_days,
    status_all,
    trend_of,
)

# Snapshot editing and import/export are loaded on first use: the overview, drawn at
# start-up, needs only the status functions (and importing the spreadsheet readers would
# cost it ~30 ms).
__getattr__ = lazy_exports(
    __name__,
    {
        "DUPLICATE_CHOICES": "imports",
        "EXPORT_HEADER": "imports",
        "IMPORT_COLUMNS": "imports",
        "MAX_REPORTED_ERRORS": "imports",
        "ImportPreview": "imports",
        "ImportRow": "imports",
        "apply_import": "imports",
        "export_snapshots": "imports",
        "parse_day": "imports",
        "parse_value": "imports",
        "preview_import": "imports",
        "BeforeAfter": "snapshots",
        "GridCell": "snapshots",
        "Marker": "snapshots",
        "before_after": "snapshots",
        "grid_cells": "snapshots",
        "markers": "snapshots",
        "series": "snapshots",
        "set_snapshot": "snapshots",
        "snapshot_key": "snapshots",
        "snapshot_rows": "snapshots",
        "snapshot_values": "snapshots",
    },
)

if TYPE_CHECKING:
    from .imports import (
        DUPLICATE_CHOICES,
        EXPORT_HEADER,
        IMPORT_COLUMNS,
        MAX_REPORTED_ERRORS,
        ImportPreview,
        ImportRow,
        apply_import,
        export_snapshots,
        parse_day,
        parse_value,
        preview_import,
    )
    from .snapshots import (
        BeforeAfter,
        GridCell,
        Marker,
        before_after,
        grid_cells,
        markers,
        series,
        set_snapshot,
        snapshot_key,
        snapshot_rows,
        snapshot_values,
    )


__all__ = [
    "DEFAULT_WINDOW",
    "DUPLICATE_CHOICES",
    "EXPORT_HEADER",
    "FLAT_TOLERANCE",
    "FREQUENCY_DAYS",
    "FREQUENCY_LABELS",
    "GRACE_DAYS",
    "IMPORT_COLUMNS",
    "MAX_REPORTED_ERRORS",
    "MIN_TREND_POINTS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "TREND_LABELS",
    "BeforeAfter",
    "GridCell",
    "ImportPreview",
    "ImportRow",
    "KpiStatus",
    "Marker",
    "add_from_catalog",
    "apply_import",
    "before_after",
    "catalog",
    "classify",
    "export_snapshots",
    "find_kpi",
    "format_number",
    "format_value",
    "get_kpi",
    "grid_cells",
    "is_stale",
    "kpi_rows",
    "kpi_status",
    "markers",
    "parse_day",
    "parse_value",
    "preview_import",
    "series",
    "set_snapshot",
    "snapshot_key",
    "snapshot_rows",
    "snapshot_values",
    "stale_after_days",
    "status_all",
    "tracked_catalog_keys",
    "trend_of",
]
