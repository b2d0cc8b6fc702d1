"""Field and model validators the entity classes share (re-exported by ``common``)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import field_validator, model_validator


def clean_text(value: str | None) -> str | None:
    """Strip surrounding white space; keep None."""
    return value.strip() if isinstance(value, str) else value


def require_text(value: str, label: str = "This field") -> str:
    """Stripped text that must not be empty."""
    value = (value or "").strip()
    if not value:
        raise ValueError(f"{label} must not be empty")
    return value


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A timestamp with its time zone: a naive one is read as UTC; seconds kept."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0)


def check_finite(value: float | None, message: str = "must be a finite number") -> float | None:
    """The number itself, or ValueError(``message``) for infinity or NaN; None passes."""
    if value is not None and not math.isfinite(value):
        raise ValueError(message)
    return value


def validate_stripped(*fields: str) -> Any:
    """A field validator for ``fields``: :func:`clean_text` on each value.

    Use in a class body: ``_strip = validate_stripped("owner", "area")``.
    """
    return field_validator(*fields)(clean_text)


def validate_required(*fields: str, label: str) -> Any:
    """A field validator for ``fields``: :func:`require_text` with ``label``; None passes
    (an ``XUpdate`` leaves the field as it is).

    Use in a class body: ``_title = validate_required("title", label="Title")``.
    """

    def check(value: str | None) -> str | None:
        return None if value is None else require_text(value, label)

    return field_validator(*fields)(check)


def validate_aware(*fields: str) -> Any:
    """A field validator for ``fields``: :func:`aware` on each timestamp.

    Use in a class body: ``_aware = validate_aware("at")``.
    """
    return field_validator(*fields)(aware)


def validate_finite(*fields: str, message: str = "must be a finite number") -> Any:
    """A field validator for ``fields``: :func:`check_finite` with ``message``.

    Use in a class body: ``_finite = validate_finite("value")``.
    """

    def check(value: float | None) -> float | None:
        return check_finite(value, message)

    return field_validator(*fields)(check)


def validate_date_order(
    first: str, last: str, message: str = "the end date must not be before the start date"
) -> Any:
    """A model validator: the date in field ``last`` must not be before the one in
    ``first`` (either may be missing).

    Use in a class body: ``_dates = validate_date_order("start", "end")``.
    """

    def check(self: Any) -> Any:
        start, end = getattr(self, first), getattr(self, last)
        if start is not None and end is not None and end < start:
            raise ValueError(message)
        return self

    return model_validator(mode="after")(check)


def validate_level_count(count: int, what: str) -> Any:
    """A field validator for ``levels``: empty, or exactly ``count`` level descriptions.

    Use in a class body: ``_levels = validate_level_count(5, "a criterion")``.
    """

    def check(value: list[str] | None) -> list[str] | None:
        if value is not None and len(value) not in (0, count):
            raise ValueError(f"{what} has exactly {count} level descriptions")
        return value

    return field_validator("levels")(check)
