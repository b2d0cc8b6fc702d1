"""A report as JSON: the representation itself, charts inline as SVG text."""

from __future__ import annotations

import json

from .charts import ChartCache
from .model import Report


def render(report: Report, *, charts: ChartCache) -> bytes:
    data = report.to_dict(chart_svg=charts.svg)
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
