"""Which inputs move the cost per successful task most: the rows of a tornado chart.

Each input that drives the cost per successful task is set, one at a time with the others
at their values, to a low and a high value: its value -/+ ``swing`` (20 % by default) or
the low / high the user gives for it. Shares (cached share, review share, success rate)
stay within 0-100 %; nothing goes below 0. The rows come sorted by their impact, the
spread between the two results, largest first. Pure and fast (two evaluations per input).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import UserError
from .calc import _check_scenario, cost_per_successful_task
from .inputs import SPEC_BY_FIELD, CostInputs

DEFAULT_SWING = 0.2

#: The inputs a tornado varies (the volume is the scenario's).
SENSITIVE_FIELDS = (
    "requests_per_month",
    "input_tokens_per_request",
    "output_tokens_per_request",
    "cached_input_share",
    "retries_per_request",
    "price_input_per_m",
    "price_cached_input_per_m",
    "price_output_per_m",
    "retrieval_cost_per_request",
    "guardrail_calls_per_request",
    "guardrail_cost_per_call",
    "review_share",
    "review_minutes",
    "review_hourly_cost",
    "fixed_monthly_cost",
    "success_rate",
)
_SHARES = frozenset({"cached_input_share", "review_share", "success_rate"})


@dataclass(frozen=True)
class TornadoRow:
    """One input set low and high, and the cost per successful task at each.

    A result is None where that value leaves no successful task (e.g. a success rate of
    0); ``impact`` is then infinite, so the row sorts first.
    """

    field: str
    label: str
    unit: str
    base_value: float
    low_value: float
    high_value: float
    result_low: float | None
    result_high: float | None
    impact: float


@dataclass(frozen=True)
class Sensitivity:
    """The tornado of one model in one scenario around ``base_result``."""

    scenario: str
    swing: float
    base_result: float | None
    rows: tuple[TornadoRow, ...]
    problems: tuple[str, ...]


def _clamp(field_name: str, value: float) -> float:
    value = max(0.0, value)
    return min(value, 1.0) if field_name in _SHARES else value


def _with(inputs: CostInputs, name: str, value: float) -> CostInputs:
    changed: dict[str, Any] = {name: value}
    return dataclasses.replace(inputs, **changed)


def sensitivity(
    inputs: CostInputs,
    scenario: str = "base",
    *,
    swing: float = DEFAULT_SWING,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> Sensitivity:
    """The tornado rows of ``inputs`` (see the module doc), largest impact first.

    ``ranges`` maps an input's field name to the (low, high) values to try instead of
    its value -/+ ``swing``.
    """
    _check_scenario(scenario)
    if not math.isfinite(swing) or not 0 < swing <= 1:
        raise UserError(f"The swing is a share between 0 and 1 (0.2 = ±20 %), not {swing!r}.")
    ranges = dict(ranges or {})
    unknown = sorted(set(ranges) - set(SENSITIVE_FIELDS))
    if unknown:
        raise UserError(
            f"No tornado input named {', '.join(map(repr, unknown))}; inputs: "
            f"{', '.join(SENSITIVE_FIELDS)}."
        )
    for name, pair in ranges.items():
        low, high = pair
        if not (math.isfinite(low) and math.isfinite(high)) or low > high:
            raise UserError(f"The range of {name} must be two numbers, low first.")
    volume = inputs.volume(scenario)
    # The scenario's volume is what the tornado varies as "requests per month".
    base_inputs = dataclasses.replace(inputs, requests_per_month=volume)
    base = cost_per_successful_task(base_inputs)
    if base is None:
        reason = "no requests in this scenario" if volume <= 0 else "the success rate is 0 %"
        return Sensitivity(
            scenario,
            swing,
            None,
            (),
            (f"No tornado: there is no cost per successful task ({reason}).",),
        )
    rows: list[TornadoRow] = []
    for name in SENSITIVE_FIELDS:
        value = base_inputs.cached_price if name == "price_cached_input_per_m" else None
        if value is None:
            value = float(getattr(base_inputs, name) or 0.0)
        if name in ranges:
            low, high = (_clamp(name, v) for v in ranges[name])
        else:
            low, high = _clamp(name, value * (1 - swing)), _clamp(name, value * (1 + swing))
        result_low = cost_per_successful_task(_with(base_inputs, name, low))
        result_high = cost_per_successful_task(_with(base_inputs, name, high))
        if result_low is None or result_high is None:
            impact = math.inf
        else:
            impact = abs(result_high - result_low)
        spec = SPEC_BY_FIELD[name]
        label = spec.label
        if name == "requests_per_month":
            label = f"Requests per month, {scenario}"
        rows.append(
            TornadoRow(
                field=name,
                label=label,
                unit=spec.unit_for(inputs.currency),
                base_value=value,
                low_value=low,
                high_value=high,
                result_low=result_low,
                result_high=result_high,
                impact=impact,
            )
        )
    rows.sort(key=lambda r: (-r.impact, r.label))
    return Sensitivity(scenario, swing, base, tuple(rows), tuple(inputs.warnings))
