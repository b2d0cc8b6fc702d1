"""Releases, rollout criteria and launch-readiness gates.

* **Rollout criteria** are free text on each stage (entry, exit, rollback), written as
  KPI thresholds: ``"14 days: hallucination rate <= 3%, P95 latency <= 3.5 s"``. The text
  is split into clauses (at ``,`` ``;`` `` and `` `` or ``), each clause is read by
  :func:`parse_criterion` and matched to a tracked KPI, and :func:`criteria_status` tells
  whether the KPI's latest snapshot meets it. Clauses without a comparison ("beta
  agreements signed") are not KPI checks and are left out.
* **Launch checklist**: one :class:`LaunchCheck` per item, copied from the workspace's
  editable default checklist (:class:`LaunchChecklistTemplate`, seeded from
  ``resources/data/launch_checklist.json``) by :func:`ensure_checklist`.
* **Readiness** (:func:`readiness`): % done (not-applicable items left out), the
  blocking items still open, open high and critical risks on the release's use case,
  and documentation completeness (:data:`DOCUMENTATION`), summed up as go / no-go with
  the reasons.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic
from sqlalchemy import func, insert, select, update

from ..errors import NotFoundError, UserError, ValidationError
from ..models import (
    ChangeLog,
    CheckStatus,
    Document,
    DocumentStatus,
    Kpi,
    KpiSnapshot,
    LaunchCheck,
    LaunchChecklistTemplate,
    Release,
    Risk,
    RiskStatus,
    RiskUseCaseLink,
    RolloutStage,
    UseCase,
    utcnow,
)
from ..store import Workspace
from . import records, risks
from .changes import Changes

_RELEASE = Release.__table__  # type: ignore[attr-defined]
_STAGE = RolloutStage.__table__  # type: ignore[attr-defined]
_CHECK = LaunchCheck.__table__  # type: ignore[attr-defined]
_TEMPLATE = LaunchChecklistTemplate.__table__  # type: ignore[attr-defined]
_LOG = ChangeLog.__table__  # type: ignore[attr-defined]
_KPI = Kpi.__table__  # type: ignore[attr-defined]
_SNAP = KpiSnapshot.__table__  # type: ignore[attr-defined]
_DOC = Document.__table__  # type: ignore[attr-defined]
_UC = UseCase.__table__  # type: ignore[attr-defined]

TEMPLATE_KIND = "launch_checklist_template"
CRITERION_FIELDS = ("entry", "exit", "rollback")
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


# --------------------------------------------------------------------------- criteria

_OPS = {"<=": "<=", "≤": "<=", ">=": ">=", "≥": ">=", "<": "<", ">": ">", "=": "=", "==": "="}
_CRITERION = re.compile(
    r"^\s*(?P<metric>[^<>=≤≥]*?[A-Za-z][^<>=≤≥]*?)\s*"
    r"(?P<op><=|>=|==|<|>|=|≤|≥)\s*"
    r"(?P<dollar>\$)?\s*(?P<number>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*"
    r"(?P<unit>%|ms\b|s\b|sec\b|seconds?\b|per\s+1k\b|per\s+1,?000\b|USD\b|\$)?",
    re.IGNORECASE,
)
_PREFIX = re.compile(r"^[^:<>=≤≥]*:\s*")
_SPLIT = re.compile(r"\s*(?:[;,](?!\d{3}\b)|\band\b|\bor\b)\s*", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")


def _unit(text: str | None, dollar: bool) -> str:
    if dollar:
        return "$"
    if not text:
        return ""
    folded = " ".join(text.lower().split())
    if folded in ("s", "sec", "second", "seconds"):
        return "s"
    if folded.startswith("per"):
        return "per 1k"
    if folded == "usd":
        return "$"
    return folded


def parse_criterion(text: str) -> tuple[str, str, float, str] | None:
    """``"Hallucination rate < 3%"`` -> ``("hallucination rate", "<", 3.0, "%")``.

    Operators ``<`` ``<=`` ``>`` ``>=`` ``=`` (and ``≤`` ``≥``); units ``%``, ``ms``,
    ``s``, ``$`` (before or after the number, ``USD`` alike) and ``per 1k``. A leading
    ``"14 days:"`` and anything after the threshold ("for 30 minutes") are ignored. None
    when the text holds no comparison.
    """
    text = _PREFIX.sub("", text.strip(), count=1) if _PREFIX.match(text.strip()) else text
    match = _CRITERION.match(text)
    if match is None:
        return None
    metric = " ".join(match.group("metric").lower().split()).strip(" .:-")
    if not metric:
        return None
    number = float(match.group("number").replace(",", ""))
    return (
        metric,
        _OPS[match.group("op")],
        number,
        _unit(match.group("unit"), bool(match["dollar"])),
    )


def split_clauses(text: str) -> list[str]:
    """The clauses of a criteria text, with a leading ``"N days:"`` label dropped."""
    body = text.strip()
    label = _PREFIX.match(body)
    if label:
        body = body[label.end() :]
    return [part.strip(" .") for part in _SPLIT.split(body) if part and part.strip(" .")]


@dataclass(frozen=True)
class CriterionCheck:
    """One KPI threshold of a stage and whether the KPI's latest snapshot meets it.

    ``met`` is None when no KPI matches or it has no snapshot. For a rollback criterion,
    ``met`` True means the rollback trigger fires.
    """

    stage_id: int
    stage: str
    which: str  # "entry" | "exit" | "rollback"
    text: str
    kpi_id: int | None
    kpi_name: str | None
    op: str | None
    threshold: float | None
    latest: float | None
    met: bool | None
    unit: str = ""
    latest_date: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage_id": self.stage_id,
            "stage": self.stage,
            "which": self.which,
            "text": self.text,
            "kpi_id": self.kpi_id,
            "kpi_name": self.kpi_name,
            "op": self.op,
            "threshold": self.threshold,
            "unit": self.unit,
            "latest": self.latest,
            "latest_date": self.latest_date.isoformat() if self.latest_date else None,
            "met": self.met,
        }


@dataclass(frozen=True)
class _KpiRef:
    id: int
    name: str
    key: str
    unit: str
    use_case_id: int | None
    words: frozenset[str]
    latest: float | None
    latest_date: dt.date | None


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower().replace("_", " ")))


def _kpi_refs(conn: Any) -> list[_KpiRef]:
    newest = (
        select(_SNAP.c.kpi_id, func.max(_SNAP.c.date).label("day"))
        .group_by(_SNAP.c.kpi_id)
        .subquery()
    )
    latest = select(_SNAP.c.kpi_id, _SNAP.c.date, _SNAP.c.value).join(
        newest, (newest.c.kpi_id == _SNAP.c.kpi_id) & (newest.c.day == _SNAP.c.date)
    )
    values = {row.kpi_id: (row.value, row.date) for row in conn.execute(latest)}
    refs = []
    for row in conn.execute(
        select(_KPI.c.id, _KPI.c.name, _KPI.c.catalog_key, _KPI.c.unit, _KPI.c.use_case_id)
    ):
        value, day = values.get(row.id, (None, None))
        refs.append(
            _KpiRef(
                id=row.id,
                name=row.name,
                key=row.catalog_key or "",
                unit=row.unit or "",
                use_case_id=row.use_case_id,
                words=_words(f"{row.name} {row.catalog_key or ''}"),
                latest=value,
                latest_date=day,
            )
        )
    return refs


def match_kpi(metric: str, refs: Sequence[Any], use_case_id: int | None = None) -> Any | None:
    """The KPI a criterion's metric names: same name or catalog key (any case), else the
    KPI whose name and key hold every word of the metric (``"P95 latency"`` finds
    ``"Reply draft latency P95"``). Ties go to the release's use case, then the closest
    name."""
    folded = metric.casefold()
    exact = [
        r
        for r in refs
        if r.name.casefold() == folded or r.key.casefold() in (folded, folded.replace(" ", "_"))
    ]
    candidates = exact
    if not candidates:
        wanted = _words(metric)
        if not wanted:
            return None
        candidates = [r for r in refs if wanted <= r.words]
    if not candidates:
        return None

    def rank(ref: Any) -> tuple[int, int, int]:
        return (0 if ref.use_case_id == use_case_id else 1, len(ref.words), ref.id)

    return min(candidates, key=rank)


def _convert(value: float, kpi_unit: str, unit: str) -> float:
    """The KPI's value in the criterion's unit (only seconds / milliseconds differ)."""
    kpi_unit = _unit(kpi_unit, False)
    if kpi_unit == "ms" and unit == "s":
        return value / 1000
    if kpi_unit == "s" and unit == "ms":
        return value * 1000
    return value


def compare(value: float, op: str, threshold: float) -> bool:
    eps = 1e-9 * max(1.0, abs(threshold))
    if op == "<":
        return value < threshold - eps
    if op == "<=":
        return value <= threshold + eps
    if op == ">":
        return value > threshold + eps
    if op == ">=":
        return value >= threshold - eps
    return abs(value - threshold) <= eps


def _stage_checks(stage: Any, refs: Sequence[_KpiRef], use_case_id: int | None) -> list:
    checks: list[CriterionCheck] = []
    for which in CRITERION_FIELDS:
        text = getattr(stage, f"{which}_criteria") or ""
        for clause in split_clauses(text):
            parsed = parse_criterion(clause)
            if parsed is None:
                continue
            metric, op, threshold, unit = parsed
            ref = match_kpi(metric, refs, use_case_id)
            latest = None
            met = None
            if ref is not None and ref.latest is not None:
                latest = _convert(ref.latest, ref.unit, unit)
                met = compare(latest, op, threshold)
            checks.append(
                CriterionCheck(
                    stage_id=stage.id,
                    stage=stage.name,
                    which=which,
                    text=clause,
                    kpi_id=ref.id if ref else None,
                    kpi_name=ref.name if ref else None,
                    op=op,
                    threshold=threshold,
                    latest=latest,
                    met=met,
                    unit=unit,
                    latest_date=ref.latest_date if ref else None,
                )
            )
    return checks


def criteria_status(*, ws: Workspace, release_id: int) -> list[CriterionCheck]:
    """Every KPI threshold in the release's rollout stages (in stage order, then entry,
    exit, rollback) with the matched KPI's latest snapshot and whether it meets it."""
    with ws.engine.connect() as conn:
        release = conn.execute(
            select(_RELEASE.c.id, _RELEASE.c.use_case_id).where(_RELEASE.c.id == release_id)
        ).first()
        if release is None:
            raise NotFoundError(f"No release with id {release_id}.")
        stages = conn.execute(
            select(_STAGE)
            .where(_STAGE.c.release_id == release_id)
            .order_by(_STAGE.c.position, _STAGE.c.id)
        ).all()
        refs = _kpi_refs(conn)
    result: list[CriterionCheck] = []
    for stage in stages:
        result.extend(_stage_checks(stage, refs, release.use_case_id))
    return result


# --------------------------------------------------------------------------- checklist


@dataclass(frozen=True)
class TemplateItem:
    id: int
    function: str
    item: str
    description: str
    position: int


def template(*, ws: Workspace) -> list[TemplateItem]:
    """The workspace's default launch checklist, in order."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(_TEMPLATE).order_by(_TEMPLATE.c.position, _TEMPLATE.c.id))
        return [
            TemplateItem(r.id, r.function, r.item, r.description or "", r.position) for r in rows
        ]


class TemplateItemInput(pydantic.BaseModel):
    function: str = pydantic.Field(max_length=100)
    item: str = pydantic.Field(max_length=300)
    description: str = ""

    @pydantic.field_validator("function", "item")
    @classmethod
    def _required(cls, v: str) -> str:
        v = (v or "").strip()
        if not v:
            raise ValueError("must not be empty")
        return v


def _template_input(data: Mapping[str, Any]) -> TemplateItemInput:
    try:
        return TemplateItemInput.model_validate(dict(data))
    except pydantic.ValidationError as error:
        raise records.validation_error(error, "checklist item") from error


def add_template_item(
    *,
    ws: Workspace,
    function: str,
    item: str,
    description: str = "",
    who: str | None = None,
) -> tuple[int, Changes]:
    """Add an item at the end of the default checklist."""
    checked = _template_input({"function": function, "item": item, "description": description})
    with ws.write(who=who) as session:
        conn = session.connection()
        position = conn.execute(select(func.coalesce(func.max(_TEMPLATE.c.position), -1))).scalar()
        result = conn.execute(
            insert(_TEMPLATE).values(**checked.model_dump(), position=int(position) + 1)
        )
        key = result.inserted_primary_key
        assert key is not None
        item_id = int(key[0])
    return item_id, Changes(TEMPLATE_KIND, (item_id,), "create")


def update_template_item(
    *, ws: Workspace, item_id: int, data: Mapping[str, Any], who: str | None = None
) -> tuple[Changes, dict[str, Any]]:
    """Change an item of the default checklist; returns the changes and the OLD values."""
    unknown = set(data) - {"function", "item", "description"}
    if unknown:
        raise ValidationError(f"Invalid checklist item: unknown field(s) {', '.join(unknown)}")
    with ws.write(who=who) as session:
        conn = session.connection()
        row = conn.execute(select(_TEMPLATE).where(_TEMPLATE.c.id == item_id)).first()
        if row is None:
            raise NotFoundError(f"No checklist item with id {item_id}; it may have been removed.")
        current = {"function": row.function, "item": row.item, "description": row.description}
        checked = _template_input({**current, **data}).model_dump()
        old = {k: current[k] for k in data if current[k] != checked[k]}
        if old:
            conn.execute(
                update(_TEMPLATE)
                .where(_TEMPLATE.c.id == item_id)
                .values({k: checked[k] for k in old})
            )
    return Changes(TEMPLATE_KIND, (item_id,), "update"), old


def delete_template_item(*, ws: Workspace, item_id: int, who: str | None = None) -> Changes:
    """Remove an item from the default checklist (existing releases keep their checks)."""
    return records.delete(ws=ws, model=LaunchChecklistTemplate, id=item_id, who=who)


def ensure_checklist(
    *, ws: Workspace, release_id: int, who: str | None = None
) -> tuple[Changes, int]:
    """Copy the default checklist into the release's checks when it has none yet.

    Returns the changes (the new check ids) and how many checks were created (0 when the
    release already had a checklist).
    """
    with ws.write(who=who) as session:
        conn = session.connection()
        release = conn.execute(
            select(_RELEASE.c.id, _RELEASE.c.name).where(_RELEASE.c.id == release_id)
        ).first()
        if release is None:
            raise NotFoundError(f"No release with id {release_id}; it may have been deleted.")
        has = conn.execute(
            select(func.count()).select_from(_CHECK).where(_CHECK.c.release_id == release_id)
        ).scalar()
        if has:
            return Changes("launch_check", (), "create"), 0
        rows = conn.execute(
            select(_TEMPLATE.c.function, _TEMPLATE.c.item).order_by(
                _TEMPLATE.c.position, _TEMPLATE.c.id
            )
        ).all()
        if not rows:
            raise UserError(
                "The default launch checklist is empty: add items to it first "
                "(Edit default checklist…)."
            )
        now = utcnow()
        ids: list[int] = []
        for function, item in rows:
            result = conn.execute(
                insert(_CHECK).values(
                    release_id=release_id,
                    function=function,
                    item=item,
                    owner="",
                    status=CheckStatus.OPEN.value,
                    blocking=True,
                    evidence_url="",
                    evidence_document_id=None,
                    signed_off_by="",
                    signed_off_on=None,
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            ids.append(int(key[0]))
    return Changes("launch_check", tuple(ids), "create"), len(ids)


def delete_checks(*, ws: Workspace, check_ids: Sequence[int], who: str | None = None) -> Changes:
    """Remove checks (the undo of :func:`ensure_checklist`)."""
    ids = [int(i) for i in check_ids]
    if not ids:
        return Changes("launch_check", (), "delete")
    with ws.write(who=who) as session:
        conn = session.connection()
        conn.execute(_CHECK.delete().where(_CHECK.c.id.in_(ids)))
    return Changes("launch_check", tuple(ids), "delete")


# --------------------------------------------------------------------------- stages


def stages(*, ws: Workspace, release_id: int) -> list[RolloutStage]:
    """The release's rollout stages in order."""
    with ws.session() as session:
        return list(
            session.execute(
                select(RolloutStage)
                .where(_STAGE.c.release_id == release_id)
                .order_by(_STAGE.c.position, _STAGE.c.id)
            ).scalars()
        )


def next_stage_position(*, ws: Workspace, release_id: int) -> int:
    with ws.engine.connect() as conn:
        value = conn.execute(
            select(func.coalesce(func.max(_STAGE.c.position), -1)).where(
                _STAGE.c.release_id == release_id
            )
        ).scalar()
    return int(value) + 1


def reorder_stages(
    *, ws: Workspace, release_id: int, order: Sequence[int], who: str | None = None
) -> tuple[Changes, list[int]]:
    """Put the release's stages in ``order`` (every stage id once). Returns the changes and
    the OLD order (undo)."""
    wanted = [int(i) for i in order]
    with ws.write(who=who) as session:
        conn = session.connection()
        rows = conn.execute(
            select(_STAGE.c.id, _STAGE.c.name, _STAGE.c.position)
            .where(_STAGE.c.release_id == release_id)
            .order_by(_STAGE.c.position, _STAGE.c.id)
        ).all()
        old = [r.id for r in rows]
        if sorted(old) != sorted(wanted) or len(set(wanted)) != len(wanted):
            raise ValidationError(
                "The new stage order must list every stage of the release exactly once.",
                [("order", "stage ids do not match")],
            )
        positions = {r.id: r.position for r in rows}
        now = utcnow()
        for position, stage_id in enumerate(wanted):
            if positions[stage_id] != position:
                conn.execute(
                    update(_STAGE)
                    .where(_STAGE.c.id == stage_id)
                    .values(position=position, version=_STAGE.c.version + 1, updated_at=now)
                )
    return Changes("rollout_stage", tuple(wanted), "update"), old


# --------------------------------------------------------------------------- readiness


@dataclass(frozen=True)
class LaunchCheckInfo:
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "function": self.function,
            "item": self.item,
            "owner": self.owner,
            "status": self.status,
            "blocking": self.blocking,
            "evidence_url": self.evidence_url,
            "evidence_document_id": self.evidence_document_id,
            "evidence_title": self.evidence_title,
            "signed_off_by": self.signed_off_by,
            "signed_off_on": self.signed_off_on.isoformat() if self.signed_off_on else None,
        }


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
            "reasons": list(self.reasons),
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
        LaunchCheckInfo(
            id=r.id,
            function=r.function,
            item=r.item,
            owner=r.owner or "",
            status=r.status,
            blocking=bool(r.blocking),
            evidence_url=r.evidence_url or "",
            evidence_document_id=r.evidence_document_id,
            evidence_title=r.doc_title or "",
            signed_off_by=r.signed_off_by or "",
            signed_off_on=r.signed_off_on,
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


def _listing(names: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def readiness(*, ws: Workspace, release_id: int) -> Readiness:
    """% done (not-applicable items excluded), open blocking items, open high and critical
    residual risks on the release's use case, documentation, and go / no-go.

    Go only when no blocking item is open, no open (or mitigating) risk on the use case
    has a high or critical residual level, and every document of :data:`DOCUMENTATION`
    is present and approved.
    """
    with ws.engine.connect() as conn:
        release = conn.execute(
            select(_RELEASE.c.id, _RELEASE.c.name, _RELEASE.c.use_case_id).where(
                _RELEASE.c.id == release_id
            )
        ).first()
    if release is None:
        raise NotFoundError(f"No release with id {release_id}.")
    items = checks(ws=ws, release_id=release_id)
    counted = [c for c in items if c.status != CheckStatus.NOT_APPLICABLE]
    done = sum(1 for c in counted if c.status == CheckStatus.DONE)
    total = len(counted)
    percent = 100.0 * done / total if total else 0.0
    blocking = tuple(c for c in items if c.blocking and c.status not in SETTLED)
    high, critical, risk_titles = _open_risks(ws, release.use_case_id)
    docs = documentation(ws=ws, use_case_id=release.use_case_id)
    reasons: list[str] = []
    if not items:
        reasons.append("No launch checklist yet: create it from the default checklist.")
    if blocking:
        reasons.append(
            f"{_plural(len(blocking), 'blocking item')} not done: "
            f"{_listing([c.item for c in blocking])}."
        )
    if critical or high:
        parts = []
        if critical:
            parts.append(_plural(critical, "critical"))
        if high:
            parts.append(_plural(high, "high"))
        where = "" if release.use_case_id is None else " on the release's use case"
        reasons.append(
            f"Open residual risk{'s' if critical + high > 1 else ''}{where}: "
            f"{' and '.join(parts)} ({_listing(risk_titles, 3)})."
        )
    if release.use_case_id is None:
        reasons.append("The release is not linked to a use case, so its risks are not checked.")
    missing = [label for label, status in docs.items() if status == "missing"]
    unapproved = [label for label, status in docs.items() if status == "draft"]
    if missing:
        reasons.append(f"Documentation missing: {', '.join(missing)}.")
    if unapproved:
        reasons.append(f"Documentation not approved yet: {', '.join(unapproved)}.")
    go = not reasons
    if go:
        reasons.append(
            f"All blocking items are done ({done} of {total} items), no open high or "
            "critical risk, and the documentation is approved."
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
        reasons=tuple(reasons),
        risk_titles=tuple(risk_titles),
    )


# --------------------------------------------------------------------------- releases


@dataclass(frozen=True)
class ReleaseInfo:
    id: int
    name: str
    target_date: dt.date | None
    feature_flag: str
    use_case_id: int | None
    use_case: str
    percent: float
    go: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "target_date": self.target_date.isoformat() if self.target_date else None,
            "feature_flag": self.feature_flag,
            "use_case_id": self.use_case_id,
            "use_case": self.use_case,
            "percent": round(self.percent, 1),
            "go": self.go,
        }


def release_list(*, ws: Workspace) -> list[ReleaseInfo]:
    """Every release with its readiness, by target date (undated last), then name."""
    query = (
        select(
            _RELEASE.c.id,
            _RELEASE.c.name,
            _RELEASE.c.target_date,
            _RELEASE.c.feature_flag,
            _RELEASE.c.use_case_id,
            _UC.c.title,
        )
        .select_from(_RELEASE.outerjoin(_UC, _UC.c.id == _RELEASE.c.use_case_id))
        .order_by(_RELEASE.c.target_date.is_(None), _RELEASE.c.target_date, _RELEASE.c.name)
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    result = []
    for row in rows:
        ready = readiness(ws=ws, release_id=row.id)
        result.append(
            ReleaseInfo(
                id=row.id,
                name=row.name,
                target_date=row.target_date,
                feature_flag=row.feature_flag or "",
                use_case_id=row.use_case_id,
                use_case=row.title or "",
                percent=ready.percent,
                go=ready.go,
            )
        )
    return result


def resolve_release(*, ws: Workspace, ref: str | int) -> int:
    """The id of the release ``ref`` names: an id, or a name (any case)."""
    return records.resolve_ref(
        ws=ws,
        table=_RELEASE,
        name_column="name",
        ref=ref,
        noun="release",
        plural="releases",
        id_hint="the release id",
        cutoff=0.4,
        list_names=True,
    )


def document_choices(*, ws: Workspace) -> list[tuple[int, str]]:
    """(id, "Title (status)") of every document, for evidence pickers."""
    query = select(_DOC.c.id, _DOC.c.title, _DOC.c.status).order_by(_DOC.c.title, _DOC.c.id)
    with ws.engine.connect() as conn:
        return [(r.id, f"{r.title} ({r.status.replace('_', ' ')})") for r in conn.execute(query)]


def release_of(*, ws: Workspace, kind: str, entity_id: int) -> int | None:
    """The release a record belongs to: ``kind`` "release" (itself), "launch_check" or
    "rollout_stage"; None when there is no such record."""
    owner = {"launch_check": LaunchCheck, "rollout_stage": RolloutStage}.get(kind)
    if owner is None:
        return entity_id
    t = owner.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        found = conn.execute(select(t.c.release_id).where(t.c.id == entity_id)).scalar()
    return None if found is None else int(found)
