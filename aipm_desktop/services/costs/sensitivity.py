"""Which inputs move the cost per successful task most: the rows of a tornado chart.

Each input that drives the cost per successful task is set, one at a time with the others
at their values, to a low and a high value: its value -/+ ``swing`` (20 % by default) or
the low / high the user gives for it (a cost model stores them in its
``sensitivity_ranges``, which :class:`~.inputs.CostInputs` carries; either side may be
left to the swing). Each row says which of its bounds the user set. Shares (cached share,
review share, success rate) stay within 0-100 %; nothing goes below 0. The rows come
sorted by their impact, the spread between the two results, largest first. Pure and fast
(two evaluations per input).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import UserError
from ...models.costs import SENSITIVE_FIELDS, SHARE_FIELDS
from .calc import _check_scenario, cost_per_successful_task
from .inputs import SPEC_BY_FIELD, CostInputs

DEFAULT_SWING = 0.2

_SHARES = SHARE_FIELDS


@dataclass(frozen=True)
class TornadoRow:
    """One input set low and high, and the cost per successful task at each.

    A result is None where that value leaves no successful task (e.g. a success rate of
    0); ``impact`` is then infinite, so the row sorts first. ``user_low`` / ``user_high``:
    that bound is the user's value, not the value -/+ the swing.
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
    user_low: bool = False
    user_high: bool = False

    @property
    def user_set(self) -> bool:
        """Whether the user set either bound of this input."""
        return self.user_low or self.user_high


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


def tornado_value(inputs: CostInputs, name: str, scenario: str = "base") -> float:
    """The value the tornado varies input ``name`` around: the scenario's volume for the
    requests per month, the cached-input price in effect, else the input's value."""
    if name == "requests_per_month":
        return inputs.volume(scenario)
    if name == "price_cached_input_per_m":
        return inputs.cached_price
    return float(getattr(inputs, name) or 0.0)


def default_bounds(name: str, value: float, swing: float = DEFAULT_SWING) -> tuple[float, float]:
    """The low and high values input ``name`` takes without a range of the user's: its
    ``value`` -/+ ``swing``, shares kept within 0-100 %, nothing below 0."""
    return _clamp(name, value * (1 - swing)), _clamp(name, value * (1 + swing))


def sensitivity(
    inputs: CostInputs,
    scenario: str = "base",
    *,
    swing: float = DEFAULT_SWING,
    ranges: Mapping[str, tuple[float | None, float | None]] | None = None,
) -> Sensitivity:
    """The tornado rows of ``inputs`` (see the module doc), largest impact first.

    The user's ranges are the ones the inputs carry (``inputs.sensitivity_ranges``, a
    stored model's), with ``ranges`` on top: each maps an input's field name to the
    (low, high) values to try instead of its value -/+ ``swing``; None on one side keeps
    that side's default.
    """
    _check_scenario(scenario)
    if not math.isfinite(swing) or not 0 < swing <= 1:
        raise UserError(f"The swing is a share between 0 and 1 (0.2 = ±20 %), not {swing!r}.")
    given = dict(ranges or {})
    unknown = sorted(set(given) - set(SENSITIVE_FIELDS))
    if unknown:
        raise UserError(
            f"No tornado input named {', '.join(map(repr, unknown))}; inputs: "
            f"{', '.join(SENSITIVE_FIELDS)}."
        )
    chosen: dict[str, tuple[float | None, float | None]] = {
        name: (pair[0], pair[1]) for name, pair in inputs.sensitivity_ranges.items()
    }
    chosen.update({name: (pair[0], pair[1]) for name, pair in given.items()})
    for name, (low, high) in chosen.items():
        finite = all(v is None or math.isfinite(v) for v in (low, high))
        if not finite or (low is not None and high is not None and low > high):
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
        value = tornado_value(base_inputs, name, scenario)
        user_low, user_high = chosen.get(name, (None, None))
        default_low, default_high = default_bounds(name, value, swing)
        low = default_low if user_low is None else _clamp(name, user_low)
        high = default_high if user_high is None else _clamp(name, user_high)
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
                user_low=user_low is not None,
                user_high=user_high is not None,
            )
        )
    rows.sort(key=lambda r: (-r.impact, r.label))
    return Sensitivity(scenario, swing, base, tuple(rows), tuple(inputs.warnings))
