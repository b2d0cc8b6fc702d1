"""Lazy exports for the service packages: see :mod:`aipm_desktop.lazy`."""

from ..lazy import lazy_exports

__all__ = ["lazy_exports"]
