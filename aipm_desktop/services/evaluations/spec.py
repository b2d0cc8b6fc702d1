"""A metric as reports compute it (no numpy: the Overview and the launch gate read stored
values through it without loading the statistics)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...models.enums import KpiDirection
from ...models.evaluations import LABEL_KINDS, EvalMetricKind
from ..records import AsDict

K = EvalMetricKind
#: The percentile kinds and their share.
QUANTILES = {K.LATENCY_P50: 0.5, K.LATENCY_P95: 0.95}
#: ``progress(done, total)`` of long work.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MetricSpec(AsDict):
    """A metric as a report computes it (an :class:`~aipm_desktop.models.EvalMetric`'s
    fields and the suite's positive label)."""

    id: int
    name: str
    kind: str
    column: str = ""
    direction: str = KpiDirection.HIGHER_IS_BETTER.value
    threshold: float | None = None
    blocking: bool = False
    slice_column: str = ""
    slice_value: str = ""
    positive_label: str = ""
    #: The metric's version when read (an edit of it expects it: no lost update).
    version: int = 0

    @property
    def lower_is_better(self) -> bool:
        return self.direction == KpiDirection.LOWER_IS_BETTER.value

    @property
    def reads(self) -> tuple[str, ...]:
        """The result columns the metric reads (and the slice column it is restricted to)."""
        kind = EvalMetricKind(self.kind)
        if kind == K.ECE:
            cols: tuple[str, ...] = ("expected", "predicted", "probability")
        elif kind in LABEL_KINDS:
            cols = ("expected", "predicted")
        elif kind in QUANTILES:
            cols = ("latency",)
        elif kind == K.COST_PER_ITEM:
            cols = ("cost",)
        else:
            cols = (self.column,)
        return (*cols, self.slice_column) if self.slice_column else cols

    @property
    def restriction(self) -> str:
        return f"{self.slice_column}={self.slice_value}" if self.slice_column else ""

    def meets(self, value: float | None) -> bool | None:
        """Whether ``value`` meets the threshold (None: no threshold or no value)."""
        if self.threshold is None or value is None:
            return None
        return value <= self.threshold if self.lower_is_better else value >= self.threshold

    def worse(self, a: float, b: float) -> bool:
        """Whether ``b`` is worse than ``a`` in the metric's direction."""
        return b > a if self.lower_is_better else b < a
