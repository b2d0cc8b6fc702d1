"""The weekly values of the demo KPIs: the story each one tells over two years.

The values are generated, not stored: a seeded random walk around a curve per KPI, so the
same seed always gives the same series. The notes a reader sees on the charts are data
(``resources/demo/kpis.json``, by KPI key and week index).
"""

from __future__ import annotations

import math
import random

WEEKS_OF_HISTORY = 104
#: The KPI whose measurements stopped arriving, and how many weeks ago its last one is.
STALE_KPI_KEY = "instrumentation_coverage"
STALE_WEEKS = 6
#: The week (0 = first of the 104) the model vendor upgrade went out.
VENDOR_CHANGE_WEEK = WEEKS_OF_HISTORY - 20


def _season(t: int) -> float:
    """Yearly seasonality in [-1, 1] peaking in late November (ticket peak season)."""
    return math.sin(2 * math.pi * (t - 34) / 52)


def kpi_value(key: str, t: int, rng: random.Random) -> float:
    """One weekly value of the story each demo KPI tells."""
    g = rng.gauss
    vendor = t - VENDOR_CHANGE_WEEK
    spike = math.exp(-vendor / 2.5) if vendor >= 0 else 0.0
    if key == "ai_feature_adoption_rate":
        v2_at_full = 4.0 if t >= WEEKS_OF_HISTORY - 6 else 0.0
        v = 6 + 58 / (1 + math.exp(-(t - 68) / 12)) + v2_at_full + 1.5 * _season(t) + g(0, 1.1)
    elif key == "hallucination_rate":
        v = 2.2 + 6.8 * math.exp(-t / 30) + 4.6 * spike + g(0, 0.22)
    elif key == "latency_p95":
        v = 2.0 + 0.031 * t + 0.25 * max(_season(t), 0) + 0.35 * spike + g(0, 0.1)
    elif key == "escalation_rate_to_human":
        v = 35.5 + 11 * math.exp(-t / 38) + 2.0 * _season(t) + g(0, 0.9)
    elif key == "deflection_cost_to_serve_reduction":
        beta = max(0, t - (WEEKS_OF_HISTORY - 6))
        v = 4 + 0.055 * t + 0.9 * beta + g(0, 0.6)
    elif key == "cost_per_successful_task":
        v = 0.060 - (0.014 if t >= 40 else 0) - (0.012 if t >= 70 else 0)
        v += 0.009 * spike + g(0, 0.0012)
    elif key == "model_quality_score":
        drift = -5.5 * math.exp(-(t - 60) / 6) if t >= 60 else 0.0
        v = 72 + 15 * (1 - math.exp(-t / 28)) + drift + g(0, 0.7)
    elif key == "safety_policy_violation_rate":
        v = 0.06 + 0.26 * math.exp(-t / 26) + 0.05 * spike + abs(g(0, 0.015))
    elif key == "user_report_rate":
        v = 1.2 + 2.0 * math.exp(-t / 35) + 1.6 * spike + 0.15 * _season(t) + g(0, 0.12)
    else:  # instrumentation coverage: stepwise, a new surface instrumented every month
        v = 52 + 34 * min(1.0, (t // 4) / 24) + g(0, 0.4)
    return max(v, 0.0)
