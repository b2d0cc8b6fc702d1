"""Shared helpers of the experiment statistics: input checks that raise a
:class:`~aipm_desktop.errors.ValidationError` naming the field, and the number formats of
the plain-language messages. No database, no Qt."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

from ...errors import ValidationError

#: Multiple-comparison corrections understood by planning and readouts.
CORRECTIONS = ("holm", "bonferroni", "none")
#: Metric kinds: a share of units that convert, or a mean of a per-unit value.
METRICS = ("proportion", "mean")
#: Treatment arms an experiment may have beside its control.
MAX_TREATMENTS = 4


def invalid(field: str, message: str) -> ValidationError:
    """A :class:`ValidationError` whose one error pair names ``field``."""
    return ValidationError(message, [(field, message)])


def finite(field: str, label: str, value: float) -> float:
    """``value`` as a float; a ValidationError when it is not a finite number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise invalid(field, f"{label} must be a number, not {value!r}.") from None
    if not math.isfinite(number):
        raise invalid(field, f"{label} must be a finite number, not {value!r}.")
    return number


def open_unit(field: str, label: str, value: float) -> float:
    """A number strictly between 0 and 1 (a rate, a significance level, a power)."""
    number = finite(field, label, value)
    if not 0.0 < number < 1.0:
        raise invalid(field, f"{label} must be between 0 and 1 (exclusive), not {value}.")
    return number


def positive(field: str, label: str, value: float) -> float:
    """A finite number above zero."""
    number = finite(field, label, value)
    if number <= 0:
        raise invalid(field, f"{label} must be above zero, not {value}.")
    return number


def whole(field: str, label: str, value: int, *, low: int, high: int | None = None) -> int:
    """A whole number in ``low..high`` (no upper bound when ``high`` is None)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)  # numpy's numbers included
        or not math.isfinite(value)
        or value != int(value)
    ):
        raise invalid(field, f"{label} must be a whole number, not {value!r}.")
    number = int(value)
    if number < low or (high is not None and number > high):
        span = f"at least {low}" if high is None else f"from {low} to {high}"
        raise invalid(field, f"{label} must be {span}, not {value}.")
    return number


def choice(field: str, label: str, value: str, options: Sequence[str]) -> str:
    """One of ``options``."""
    if value not in options:
        listed = ", ".join(f'"{o}"' for o in options)
        raise invalid(field, f"{label} must be one of {listed}, not {value!r}.")
    return value


def tests_for(treatments: int, correction: str) -> int:
    """How many comparisons share the significance level: one per treatment arm against
    the control, or 1 when no correction is applied."""
    return 1 if correction == "none" else treatments


def number(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits, thousands separated, no exponent and
    no trailing zeros: 1234.5 -> "1,234" (whole above 1,000), 0.0523 -> "0.0523"."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    if abs(value) >= 10 ** (digits - 1):
        return f"{round(value):,}"
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals and thousands separators ("-0" shown as "0")."""
    text = f"{value:,.{decimals}f}"
    return text[1:] if text.lstrip("-0.,") == "" and text.startswith("-") else text


def decimals_for(spread: float, *values: float) -> int:
    """Decimals that show ``spread`` (a CI half-width) to one or two significant digits,
    so an estimate is printed as precisely as it is known: 0.8 -> 1 ("1.2 (0.4 to 2.0)"),
    1.5 -> 1, 3 -> 0, 0.05 -> 2; more while one of ``values`` (the bounds) other than 0
    would print as 0, so "0.02 to 7.98" does not read "0 to 8" (0 to 6 decimals)."""
    if spread <= 0 or not math.isfinite(spread):
        decimals = 2
    else:
        decimals = max(0, min(6, -math.floor(math.log10(spread / 2))))
    while decimals < 6 and any(v and round(v, decimals) == 0 for v in values):
        decimals += 1
    return decimals


def span(low: float, high: float, *, scale: float = 1.0, unit: str = "") -> tuple[str, int]:
    """An interval as text, "0.3 to 2.1 points", and the decimals it was shown with
    (``scale`` 100 with ``unit`` " points" shows a difference of rates in points)."""
    lo, hi = low * scale, high * scale
    decimals = decimals_for((hi - lo) / 2, lo, hi)
    return f"{fixed(lo, decimals)} to {fixed(hi, decimals)}{unit}", decimals


def points(value: float) -> str:
    """A difference of rates in percentage points: 0.005 -> "0.5 points", 0.01 -> "1 point"."""
    text = number(value * 100)
    return f"{text} point{'' if text == '1' else 's'}"


def percent(share: float, digits: int = 3) -> str:
    """A share as a percentage: 0.1 -> "10%", 0.0167 -> "1.67%"."""
    return f"{number(share * 100, digits)}%"


def p_text(p: float) -> str:
    """A p-value as a reader expects it: "p < 0.001" or "p = 0.042"."""
    return "p < 0.001" if p < 0.001 else f"p = {number(p, 2)}"
