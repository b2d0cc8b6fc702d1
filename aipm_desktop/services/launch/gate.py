"""Launch readiness and the go / no-go gate (:func:`readiness`): % of the checklist done
(not-applicable items left out), the blocking items still open, open high and critical
residual risks on the release's use case, and documentation completeness
(:data:`DOCUMENTATION`), summed up as go / no-go with the reasons.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ...errors import NotFoundError
from ...models import (
    CheckStatus,
    Document,
    DocumentStatus,
    LaunchCheck,
    LaunchChecklistTemplate,
    Release,
    Risk,
    RiskStatus,
    RiskUseCaseLink,
    RolloutStage,
)
from ...store import Workspace
from .. import records, risks
from ..records import AsDict
from .rollout import LaunchState, launch_state, stage_windows

_RELEASE = Release.__table__  # type: ignore[attr-defined]
_CHECK = LaunchCheck.__table__  # type: ignore[attr-defined]
_TEMPLATE = LaunchChecklistTemplate.__table__  # type: ignore[attr-defined]
_DOC = Document.__table__  # type: ignore[attr-defined]
_STAGE = RolloutStage.__table__  # type: ignore[attr-defined]

if TYPE_CHECKING:  # the computed evaluation item of the checklist
    from ..evaluations.gate import EvaluationItem


#: Check statuses that no longer hold a launch up.
SETTLED = (CheckStatus.DONE.value, CheckStatus.NOT_APPLICABLE.value)
#: Risk statuses that count as "open" for the gate: not closed and not formally accepted.
OPEN_RISK_STATUSES = (RiskStatus.OPEN.value, RiskStatus.MITIGATING.value)


@dataclass(frozen=True)
class DocRequirement:
    """A document a launch needs: any document of ``kinds``, or a document of
    ``section_kinds`` with a markdown heading containing ``section``."""

    kinds: tuple[str, ...]
    section: str = ""
    section_kinds: tuple[str, ...] = ()


#: Documentation completeness: what each entry needs. A document counts when it is linked
#: to the release's use case or to no use case (workspace-wide); the best status wins.
DOCUMENTATION: dict[str, DocRequirement] = {
    "PRD": DocRequirement(("ai_prd",)),
    "Evaluation plan": DocRequirement(("evaluation_plan",)),
    "Monitoring plan": DocRequirement(
        ("analytics_dashboard_spec",),
        section="monitoring",
        section_kinds=("ai_prd", "evaluation_plan"),
    ),
    "Risk documentation": DocRequirement(("responsible_ai_pack",)),
}


# --------------------------------------------------------------------------- readiness


@dataclass(frozen=True)
class LaunchCheckInfo(AsDict):
    id: int
    function: str
    item: str
    owner: str
    status: str
    blocking: bool
    evidence_url: str
    evidence_document_id: int | None
    evidence_title: str
    signed_off_by: str
    signed_off_on: dt.date | None
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0


@dataclass(frozen=True)
class Readiness:
    """How ready a release is to launch, and why it is (not) a go."""

    release_id: int
    name: str
    percent: float
    done: int
    total: int
    blocking: tuple[LaunchCheckInfo, ...]
    open_high_risks: int
    open_critical_risks: int
    documentation: dict[str, str]
    go: bool
    reasons: tuple[str, ...]
    risk_titles: tuple[str, ...] = field(default=())
    #: What each reason is about, in step with ``reasons``: "checklist", "blocking",
    #: "evaluation", "risks", "use_case", "docs_missing", "docs_draft", "go" or "launched".
    reason_kinds: tuple[str, ...] = field(default=())
    #: Whether the release has launched (every rollout stage complete) and when; a
    #: launched release shows that instead of a go / no-go.
    launch: LaunchState = field(default=LaunchState(False, None, 0))
    #: The computed evaluation item (:func:`~..evaluations.evaluation_item`): None when
    #: no eval suite is linked to the release's use case.
    evaluation: EvaluationItem | None = None

    @property
    def state(self) -> str:
        """ "launched", "go" or "no-go"."""
        if self.launch.launched:
            return "launched"
        return "go" if self.go else "no-go"

    @property
    def state_text(self) -> str:
        """``"Launched on 2026-10-22"``, ``"GO"`` or ``"NO-GO"``."""
        return self.launch.text() or ("GO" if self.go else "NO-GO")

    def reasons_except(self, *kinds: str) -> tuple[str, ...]:
        """The reasons not of ``kinds`` (the blocking items are listed on their own)."""
        return tuple(
            reason
            for reason, kind in zip(self.reasons, self.reason_kinds, strict=False)
            if kind not in kinds
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "release_id": self.release_id,
            "name": self.name,
            "percent": round(self.percent, 1),
            "done": self.done,
            "total": self.total,
            "blocking": [c.as_dict() for c in self.blocking],
            "open_high_risks": self.open_high_risks,
            "open_critical_risks": self.open_critical_risks,
            "documentation": dict(self.documentation),
            "go": self.go,
            "state": self.state,
            "launched_on": (
                None if self.launch.launched_on is None else self.launch.launched_on.isoformat()
            ),
            "reasons": list(self.reasons),
            "evaluation": None if self.evaluation is None else self.evaluation.as_dict(),
        }


def checks(*, ws: Workspace, release_id: int) -> list[LaunchCheckInfo]:
    """The release's launch checks in checklist order (function, then id)."""
    order = (
        select(_TEMPLATE.c.position)
        .where(_TEMPLATE.c.function == _CHECK.c.function, _TEMPLATE.c.item == _CHECK.c.item)
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(_CHECK, _DOC.c.title.label("doc_title"))
        .select_from(_CHECK.outerjoin(_DOC, _DOC.c.id == _CHECK.c.evidence_document_id))
        .where(_CHECK.c.release_id == release_id)
        .order_by(func.coalesce(order, 1_000_000), _CHECK.c.id)
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        records.from_row(
            LaunchCheckInfo,
            r,
            owner=r.owner or "",
            blocking=bool(r.blocking),
            evidence_url=r.evidence_url or "",
            evidence_title=r.doc_title or "",
            signed_off_by=r.signed_off_by or "",
        )
        for r in rows
    ]


def _band_roles(bands: Sequence[risks.Band]) -> tuple[str | None, str | None]:
    """Which band names count as high and critical: by name, else the top two bands."""
    names = [b.name.casefold() for b in bands]
    high = "high" if "high" in names else (names[-2] if len(names) >= 3 else None)
    critical = "critical" if "critical" in names else (names[-1] if len(names) >= 2 else None)
    return high, critical


def _open_risks(ws: Workspace, use_case_id: int | None) -> tuple[int, int, list[str]]:
    if use_case_id is None:
        return 0, 0, []
    t = Risk.__table__  # type: ignore[attr-defined]
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    query = (
        select(t)
        .select_from(t.join(link, link.c.risk_id == t.c.id))
        .where(link.c.use_case_id == use_case_id, t.c.status.in_(OPEN_RISK_STATUSES))
        .order_by(t.c.id)
    )
    with ws.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    band_list = risks.bands(ws=ws)
    method = risks.method_of(ws=ws)
    high_name, critical_name = _band_roles(band_list)
    high = critical = 0
    titles: list[str] = []
    for row in rows:
        level = risks.assess(row, bands=band_list, method=method).residual_level.name.casefold()
        if level == critical_name:
            critical += 1
            titles.append(row["title"])
        elif level == high_name:
            high += 1
            titles.append(row["title"])
    return high, critical, titles


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<title>.+)$", re.MULTILINE)


def documentation(*, ws: Workspace, use_case_id: int | None) -> dict[str, str]:
    """``{"PRD": "approved" | "draft" | "missing", ...}`` per :data:`DOCUMENTATION`; any
    status but approved reads "draft"."""
    kinds = {k for req in DOCUMENTATION.values() for k in (*req.kinds, *req.section_kinds)}
    scope = _DOC.c.use_case_id.is_(None)
    if use_case_id is not None:
        scope = scope | (_DOC.c.use_case_id == use_case_id)
    query = select(_DOC.c.kind, _DOC.c.status, _DOC.c.body).where(_DOC.c.kind.in_(kinds), scope)
    with ws.engine.connect() as conn:
        docs = conn.execute(query).all()
    result: dict[str, str] = {}
    for label, req in DOCUMENTATION.items():
        found = []
        for kind, status, body in docs:
            if kind in req.kinds:
                found.append(status)
            elif req.section and kind in req.section_kinds:
                headings = (m.group("title").lower() for m in _HEADING.finditer(body or ""))
                if any(req.section in h for h in headings):
                    found.append(status)
        if not found:
            result[label] = "missing"
        elif DocumentStatus.APPROVED.value in found:
            result[label] = "approved"
        else:
            result[label] = "draft"
    return result


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _launch_state(ws: Workspace, release_id: int, target_date: dt.date | None) -> LaunchState:
    with ws.engine.connect() as conn:
        stages = conn.execute(
            select(_STAGE.c.id, _STAGE.c.status)
            .where(_STAGE.c.release_id == release_id)
            .order_by(_STAGE.c.position, _STAGE.c.id)
        ).all()
        windows = stage_windows(conn, stages)
    return launch_state(stages, windows, target_date)


def _listing(names: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def readiness(*, ws: Workspace, release_id: int) -> Readiness:
    """% done (not-applicable items excluded), open blocking items, open high and critical
    residual risks on the release's use case, documentation, and go / no-go.

    Go only when no blocking item is open, no open (or mitigating) risk on the use case
    has a high or critical residual level, and every document of :data:`DOCUMENTATION`
    is present and approved. A launched release (:mod:`.rollout`) is past its gate: its
    first reason says when it launched and the others are what is still open.
    """
    with ws.engine.connect() as conn:
        release = conn.execute(
            select(
                _RELEASE.c.id, _RELEASE.c.name, _RELEASE.c.use_case_id, _RELEASE.c.target_date
            ).where(_RELEASE.c.id == release_id)
        ).first()
    if release is None:
        raise NotFoundError(f"No release with id {release_id}.")
    items = checks(ws=ws, release_id=release_id)
    counted = [c for c in items if c.status != CheckStatus.NOT_APPLICABLE]
    done = sum(1 for c in counted if c.status == CheckStatus.DONE)
    total = len(counted)
    percent = 100.0 * done / total if total else 0.0
    blocking = tuple(c for c in items if c.blocking and c.status not in SETTLED)
    from ..evaluations.gate import evaluation_item

    evaluation = evaluation_item(ws=ws, use_case_id=release.use_case_id)
    high, critical, risk_titles = _open_risks(ws, release.use_case_id)
    docs = documentation(ws=ws, use_case_id=release.use_case_id)
    state = _launch_state(ws, release_id, release.target_date)
    reasons: list[tuple[str, str]] = []
    if not items and not state.launched:
        reasons.append(
            ("checklist", "No launch checklist yet: create it from the default checklist.")
        )
    if blocking:
        reasons.append(
            (
                "blocking",
                f"{_plural(len(blocking), 'blocking item')} not done: "
                f"{_listing([c.item for c in blocking])}.",
            )
        )
    if evaluation is not None and not evaluation.passed:
        reasons.append(("evaluation", evaluation.text()))
    if critical or high:
        parts = []
        if critical:
            parts.append(f"{critical} critical")
        if high:
            parts.append(f"{high} high")
        where = "" if release.use_case_id is None else " on the release's use case"
        reasons.append(
            (
                "risks",
                f"Open residual risk{'s' if critical + high > 1 else ''}{where}: "
                f"{' and '.join(parts)} ({_listing(risk_titles, 3)}).",
            )
        )
    if release.use_case_id is None:
        reasons.append(
            ("use_case", "The release is not linked to a use case, so its risks are not checked.")
        )
    missing = [label for label, status in docs.items() if status == "missing"]
    unapproved = [label for label, status in docs.items() if status == "draft"]
    if missing:
        reasons.append(("docs_missing", f"Documentation missing: {', '.join(missing)}."))
    if unapproved:
        reasons.append(("docs_draft", f"Documentation not approved yet: {', '.join(unapproved)}."))
    go = not reasons
    if state.launched:
        stages = _plural(state.stages, "rollout stage")
        every = "its" if state.stages == 1 else f"all {stages}"
        reasons.insert(0, ("launched", f"{state.text()}: {every} complete."))
        if len(reasons) > 1:
            reasons[1:] = [(kind, f"Still open: {text}") for kind, text in reasons[1:]]
    elif go:
        reasons.append(
            (
                "go",
                f"All blocking items are done ({done} of {total} items), no open high or "
                "critical risk, and the documentation is approved."
                + ("" if evaluation is None else " " + evaluation.text()),
            )
        )
    return Readiness(
        release_id=release.id,
        name=release.name,
        percent=percent,
        done=done,
        total=total,
        blocking=blocking,
        open_high_risks=high,
        open_critical_risks=critical,
        documentation=docs,
        go=go,
        reasons=tuple(text for _kind, text in reasons),
        risk_titles=tuple(risk_titles),
        reason_kinds=tuple(kind for kind, _text in reasons),
        launch=state,
        evaluation=evaluation,
    )
