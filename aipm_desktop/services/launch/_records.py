"""Shared bits of the launch records."""

from __future__ import annotations

from typing import Any

from ..records import record_dict


class AsDict:
    """A record whose :meth:`as_dict` is its plain :func:`record_dict`."""

    def as_dict(self) -> dict[str, Any]:
        return record_dict(self)
