"""The small record every write returns, so views can refresh what changed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ..models import EntityKind


@dataclass(frozen=True)
class Changes:
    """What a write touched.

    ``kind``/``ids``/``action`` name the record the caller acted on; ``kinds`` are the
    entity kinds the operation actually wrote (cascades included), filled in from the
    operation layer (:meth:`with_kinds`); ``op_ids`` the operations recorded. ``kind``
    ``"workspace"`` means everything may have changed (an import, a new workspace).
    """

    kind: str
    ids: tuple[int, ...] = ()
    action: str = "update"
    kinds: frozenset[EntityKind] = field(default_factory=frozenset)
    op_ids: tuple[int, ...] = ()

    def touches(self, *kinds: str) -> bool:
        """True when a view showing ``kinds`` should refresh."""
        if self.kind == "workspace":
            return True
        wanted = set(kinds)
        return self.kind in wanted or any(k.value in wanted for k in self.kinds)

    def with_kinds(self, kinds: Iterable[EntityKind], op_ids: Iterable[int] = ()) -> Changes:
        """These changes with the kinds (and operation ids) the operation layer recorded."""
        return replace(
            self,
            kinds=self.kinds | frozenset(kinds),
            op_ids=tuple(dict.fromkeys((*self.op_ids, *op_ids))),
        )
