"""The launch checklist's evaluation item: computed, not ticked.

For a release's use case, the latest run of each eval suite linked to it must meet every
blocking threshold. :func:`evaluation_item` says whether it does, which metrics fail (to
open them in the Evaluations area) and which suites have no run yet; the go / no-go of
:func:`aipm_desktop.services.launch.readiness` counts it. A use case without suites has
no evaluation item (None). The module imports no numpy until a run must be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select

from ...models import EvalMetric, EvalRun, EvalSuite
from ...models.common import table_of

if TYPE_CHECKING:
    from ...store import Workspace
    from .data import FailingMetric

_S = table_of(EvalSuite)
_M = table_of(EvalMetric)
_RUN = table_of(EvalRun)


@dataclass(frozen=True)
class EvaluationItem:
    """The computed checklist item: ``state`` "pass" or "fail", the failing blocking
    metrics, and the suites without a run."""

    use_case_id: int
    suites: int
    failing: tuple[FailingMetric, ...]
    unrun: tuple[str, ...]

    @property
    def state(self) -> str:
        return "fail" if self.failing or self.unrun else "pass"

    @property
    def passed(self) -> bool:
        return self.state == "pass"

    def text(self) -> str:
        """One line: what passes, or which metric failed."""
        if self.passed:
            return (
                f"Evaluations: the latest run of {self._suites()} meets every blocking threshold."
            )
        parts = [f.text() for f in self.failing]
        parts += [f"{name}: no run yet" for name in self.unrun]
        return "Evaluations failing: " + "; ".join(parts) + "."

    def _suites(self) -> str:
        return "the suite" if self.suites == 1 else f"each of {self.suites} suites"

    def as_dict(self) -> dict[str, Any]:
        return {
            "use_case_id": self.use_case_id,
            "suites": self.suites,
            "state": self.state,
            "text": self.text(),
            "failing": [f.as_dict() for f in self.failing],
            "unrun": list(self.unrun),
        }


def evaluation_item(*, ws: Workspace, use_case_id: int | None) -> EvaluationItem | None:
    """The evaluation item of a release on ``use_case_id`` (None: no use case, or no
    suite linked to it)."""
    if use_case_id is None:
        return None
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(
                _S.c.id,
                _S.c.name,
                exists().where(_RUN.c.suite_id == _S.c.id).label("has_run"),
            ).where(_S.c.use_case_id == use_case_id)
        ).all()
        if not rows:
            return None
        blocking = conn.execute(
            select(exists().where(_M.c.suite_id.in_([r.id for r in rows]), _M.c.blocking.is_(True)))
        ).scalar()
    unrun = tuple(sorted(r.name for r in rows if not r.has_run))
    failing: tuple[FailingMetric, ...] = ()
    if blocking:
        from .data import failing_blocking

        failing = tuple(failing_blocking(ws=ws, suite_ids=[r.id for r in rows if r.has_run]))
    return EvaluationItem(use_case_id, len(rows), failing, unrun)
