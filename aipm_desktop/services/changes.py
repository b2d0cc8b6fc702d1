"""The small record every write returns, so views can refresh what changed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    """What a write touched: an entity kind, the ids, and the action.

    ``kind`` is a key of :data:`aipm_desktop.models.ENTITIES` or ``"workspace"`` for
    changes that touch everything (an import, a new workspace).
    """

    kind: str
    ids: tuple[int, ...] = ()
    action: str = "update"

    def touches(self, *kinds: str) -> bool:
        """True when a view showing ``kinds`` should refresh."""
        return self.kind == "workspace" or self.kind in kinds
