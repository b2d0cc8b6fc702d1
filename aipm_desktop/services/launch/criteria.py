"""Rollout criteria: the free-text entry, exit and rollback criteria of each rollout stage,
read as KPI thresholds and checked against the KPIs' snapshots (the latest ones for a
stage still to run or running, those of its own window for a stage that is over).

Criteria are written as KPI thresholds: ``"14 days: hallucination rate <= 3%, P95
latency <= 3.5 s"``. The text is split into clauses (at ``,`` ``;`` `` and `` `` or ``),
each clause is read by :func:`parse_criterion` and matched to a tracked KPI
(:func:`match_kpi`), and :func:`criteria_status` tells whether the KPI meets it.
Clauses without a comparison ("beta agreements signed") are not KPI checks and are left
out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ...errors import NotFoundError
from ...models import Kpi, KpiSnapshot, Release, RolloutStage, StageStatus
from ...store import Workspace
from ..records import AsDict
from .rollout import SETTLED_STAGES, StageWindow, stage_windows

_RELEASE = Release.__table__  # type: ignore[attr-defined]
_STAGE = RolloutStage.__table__  # type: ignore[attr-defined]
_KPI = Kpi.__table__  # type: ignore[attr-defined]
_SNAP = KpiSnapshot.__table__  # type: ignore[attr-defined]


CRITERION_FIELDS = ("entry", "exit", "rollback")


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
class CriterionCheck(AsDict):
    """One KPI threshold of a stage and whether it is met (see ``basis``).

    ``met`` is None when no KPI matches or it has no snapshot to judge on. For a rollback
    criterion, ``met`` True means the rollback trigger fires (fired, for a settled stage).
    ``latest`` and ``latest_date`` are the value and day the check was judged on.
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
    #: What ``met`` rests on: "latest" (the KPI's latest snapshot; pending and active
    #: stages), "window" (the snapshots of a settled stage's own window) or "recorded"
    #: (a settled stage whose window is unknown: what its status records).
    basis: str = "latest"
    stage_status: str = ""
    window_start: dt.date | None = None
    window_end: dt.date | None = None


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


def _snapshot_values(conn: Any, kpi_ids: set[int]) -> dict[int, list[tuple[dt.date, float]]]:
    """Every snapshot of ``kpi_ids`` as ``{kpi id: [(date, value), ...]}`` by date."""
    if not kpi_ids:
        return {}
    found: dict[int, list[tuple[dt.date, float]]] = {}
    rows = conn.execute(
        select(_SNAP.c.kpi_id, _SNAP.c.date, _SNAP.c.value)
        .where(_SNAP.c.kpi_id.in_(sorted(kpi_ids)))
        .order_by(_SNAP.c.kpi_id, _SNAP.c.date)
    )
    for kpi_id, day, value in rows:
        found.setdefault(int(kpi_id), []).append((day, float(value)))
    return found


def _in_window(
    series: Sequence[tuple[dt.date, float]], which: str, window: StageWindow
) -> list[tuple[dt.date, float]]:
    """The snapshots a settled stage's criterion is judged on: for an entry criterion the
    last one on or before the stage started; else those from its start to its end (the
    last one before the end when none fell inside)."""
    end = window.ended or dt.date.max
    if which == "entry" and window.started is not None:
        end = window.started
    before = [point for point in series if point[0] <= end]
    if which == "entry" or window.started is None:
        return before[-1:]
    inside = [point for point in before if point[0] >= window.started]
    return inside or before[-1:]


def _judge(
    which: str, op: str, threshold: float, points: Sequence[tuple[dt.date, float]]
) -> tuple[float | None, dt.date | None, bool | None]:
    """(value, date, met) over ``points`` (already in the criterion's unit): a rollback
    criterion fires when any point meets it (that point is reported), any other is judged
    on the last point."""
    if not points:
        return None, None, None
    if which == "rollback":
        fired = [p for p in points if compare(p[1], op, threshold)]
        if fired:
            return fired[-1][1], fired[-1][0], True
    day, value = points[-1]
    return value, day, compare(value, op, threshold)


def _stage_checks(
    stage: Any,
    refs: Sequence[_KpiRef],
    use_case_id: int | None,
    window: StageWindow,
    series: dict[int, list[tuple[dt.date, float]]],
) -> list[CriterionCheck]:
    settled = str(stage.status) in SETTLED_STAGES
    basis = "latest"
    if settled:
        basis = "window" if window.ended is not None else "recorded"
    checks: list[CriterionCheck] = []
    for which in CRITERION_FIELDS:
        text = getattr(stage, f"{which}_criteria") or ""
        for clause in split_clauses(text):
            parsed = parse_criterion(clause)
            if parsed is None:
                continue
            metric, op, threshold, unit = parsed
            ref = match_kpi(metric, refs, use_case_id)
            latest: float | None = None
            day: dt.date | None = None
            met: bool | None = None
            if basis == "recorded":
                met = _recorded(str(stage.status), which)
            elif ref is not None and basis == "window":
                points = [
                    (d, _convert(v, ref.unit, unit))
                    for d, v in _in_window(series.get(ref.id, []), which, window)
                ]
                latest, day, met = _judge(which, op, threshold, points)
            elif ref is not None and ref.latest is not None:
                latest = _convert(ref.latest, ref.unit, unit)
                day = ref.latest_date
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
                    latest_date=day,
                    basis=basis,
                    stage_status=str(stage.status),
                    window_start=window.started if settled else None,
                    window_end=window.ended if settled else None,
                )
            )
    return checks


def _recorded(status: str, which: str) -> bool | None:
    """What a settled stage's status records about a criterion: a complete stage met
    its entry and exit criteria and was not rolled back; a rolled-back stage had
    started, and which rollback criterion fired is not recorded."""
    if which == "entry":
        return True
    if status == StageStatus.COMPLETE.value:
        return which == "exit"
    return None


def criteria_status(*, ws: Workspace, release_id: int) -> list[CriterionCheck]:
    """Every KPI threshold in the release's rollout stages (in stage order, then entry,
    exit, rollback) and whether it is met.

    Pending and active stages are judged on each KPI's latest snapshot. A complete or
    rolled-back stage is history: it is judged on the snapshots of its own window
    (:func:`~.rollout.stage_windows`; ``basis`` "window"), or, when the change log does
    not say when it ran, shows what its status records (``basis`` "recorded"), never
    today's values.
    """
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
        windows = stage_windows(conn, stages)
        wanted: set[int] = set()
        for stage in stages:
            if str(stage.status) in SETTLED_STAGES and windows[int(stage.id)].ended:
                for which in CRITERION_FIELDS:
                    for clause in split_clauses(getattr(stage, f"{which}_criteria") or ""):
                        parsed = parse_criterion(clause)
                        if parsed is None:
                            continue
                        ref = match_kpi(parsed[0], refs, release.use_case_id)
                        if ref is not None:
                            wanted.add(ref.id)
        series = _snapshot_values(conn, wanted)
    result: list[CriterionCheck] = []
    for stage in stages:
        result.extend(
            _stage_checks(stage, refs, release.use_case_id, windows[int(stage.id)], series)
        )
    return result


# --------------------------------------------------------------------------- shared
# The same reading serves the runbooks' rollback criteria (services/runbooks), which add
# a count of consecutive snapshots ("... for 2 consecutive snapshots").

_CONSECUTIVE = re.compile(
    r"\bfor\s+(?P<n>\d+)\s+(?:consecutive|successive|straight)?\s*"
    r"(?:snapshots?|weeks?|measurements?|readings?|samples?|days?)\b"
    r"|\b(?P<m>\d+)\s+(?:consecutive|successive)\s+(?:snapshots?|weeks?|measurements?)\b"
    r"|\b(?:twice|two times)\s+in\s+a\s+row\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Condition:
    """A KPI condition: ``metric op threshold unit`` on ``consecutive`` snapshots in a row."""

    metric: str
    op: str
    threshold: float
    unit: str
    consecutive: int = 1


def parse_condition(text: str) -> Condition | None:
    """``"Hallucination rate > 4% for 2 consecutive snapshots"`` ->
    ``Condition("hallucination rate", ">", 4.0, "%", 2)``: :func:`parse_criterion` plus
    the number of consecutive snapshots ("for N consecutive snapshots|weeks", "N
    consecutive snapshots", "twice in a row"; default 1). None without a comparison."""
    parsed = parse_criterion(text)
    if parsed is None:
        return None
    count = 1
    match = _CONSECUTIVE.search(text)
    if match is not None:
        number = match.group("n") or match.group("m")
        count = int(number) if number else 2
    return Condition(*parsed, consecutive=max(count, 1))


def kpi_refs(conn: Any) -> list[Any]:
    """Every KPI as :func:`match_kpi` reads it (name, catalog key, unit, use case, latest
    value), in one pass over the snapshots."""
    return _kpi_refs(conn)


def convert_unit(value: float, kpi_unit: str, unit: str) -> float:
    """A KPI's value in a criterion's unit (seconds and milliseconds convert)."""
    return _convert(value, kpi_unit, unit)
