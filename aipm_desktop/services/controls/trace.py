"""The traceability matrix: use case -> risks -> mitigations / controls -> evidence ->
launch checks -> KPIs, as flat rows a GUI table shows and a CSV/XLSX file holds.

One row per control that applies to a use case (every catalog), with the risks,
mitigation actions and launch checks linked to its status and the evidence satisfying
it (direct, or ``(via <control>)`` through an equivalent crosswalk line); then one row per
risk of the use case that no control row names, with its mitigation actions. Every row
carries the use case's KPIs. Organisation-wide controls come first, under "(workspace)".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path

from sqlalchemy import select

from ...models import Kpi, MitigationAction, Risk, RiskUseCaseLink, UseCase
from ...models.common import table_of
from ...store import Workspace
from .. import records
from ..tabular import write_rows
from .gaps import PROGRESS_EVERY
from .state import APPLICABILITY, APPLIES, ROW_ID, STATUS, ControlsState
from .status import LINKS

_UC = table_of(UseCase)
_RISK = table_of(Risk)
_RISK_UC = table_of(RiskUseCaseLink)
_ACTION = table_of(MitigationAction)
_KPI = table_of(Kpi)
NONE: list[str] = []
#: The use-case column of organisation-wide rows.
WORKSPACE_SCOPE = "(workspace)"


#: Not frozen, with slots: built once per control and use case, where a frozen
#: dataclass's slower ``__init__`` was a fifth of the whole-workspace time.
@dataclass(slots=True)
class TraceRow(records.AsDict):
    use_case: str
    risks: str
    mitigations: str
    control: str
    control_title: str
    status: str
    evidence: str
    launch_checks: str
    kpis: str


HEADER = tuple(f.name for f in fields(TraceRow))


def _linked(conn: object, kind: str) -> dict[int, list[str]]:
    table, column, model = LINKS[kind]
    target = table_of(model)
    name = {"risks": "title", "mitigations": "action", "launch_checks": "item"}[kind]
    found: dict[int, list[str]] = defaultdict(list)
    query = select(table.c.control_status_id, target.c[name]).join(
        target, target.c.id == table.c[column]
    )
    for status_id, label in conn.execute(query.order_by(target.c.id)):  # type: ignore[attr-defined]
        found[status_id].append(str(label))
    return found


def trace_rows(
    *,
    ws: Workspace,
    use_case_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[TraceRow]:
    """The matrix rows, for every use case or one (with the workspace's rows).

    ``progress(done, total)`` is called as it goes (reading the workspace is the first
    step, then every :data:`~.gaps.PROGRESS_EVERY` levels); an exception it raises stops
    the work there (the GUI's Cancel)."""
    if progress is not None:
        progress(0, 1)
    levels = None if use_case_id is None else (None, use_case_id)
    state = ControlsState.load(ws=ws, levels=levels)
    with ws.engine.connect() as conn:
        use_cases = list(conn.execute(select(_UC.c.id, _UC.c.title).order_by(_UC.c.id)))
        linked = {kind: _linked(conn, kind) for kind in LINKS}
        risks: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for uc, risk_id, title in conn.execute(
            select(_RISK_UC.c.use_case_id, _RISK.c.id, _RISK.c.title)
            .join(_RISK, _RISK.c.id == _RISK_UC.c.risk_id)
            .order_by(_RISK.c.id)
        ):
            risks[uc].append((risk_id, title))
        actions: dict[int, list[str]] = defaultdict(list)
        for risk_id, action in conn.execute(
            select(_ACTION.c.risk_id, _ACTION.c.action).order_by(_ACTION.c.id)
        ):
            actions[risk_id].append(action)
        kpis: dict[int, list[str]] = defaultdict(list)
        for uc, name in conn.execute(
            select(_KPI.c.use_case_id, _KPI.c.name).where(_KPI.c.use_case_id.is_not(None))
        ):
            kpis[uc].append(name)
    scopes: list[tuple[int | None, str]] = [(None, WORKSPACE_SCOPE)]
    scopes += [(row.id, row.title) for row in use_cases]
    if use_case_id is not None:
        scopes = [s for s in scopes if s[0] in (None, use_case_id)]
    names = {
        control_id: (f"{state.catalog_keys[control_id]}:{ref}", title)
        for control_id, (ref, title, _priority) in state.labels.items()
    }
    rows: list[TraceRow] = []
    risk_links, mitigation_links = linked["risks"], linked["mitigations"]
    check_links = linked["launch_checks"]
    evidenced = state.evidenced
    total = len(scopes) + 1
    for done, (uc, title) in enumerate(scopes, start=1):
        if progress is not None and done % PROGRESS_EVERY == 1:
            progress(done, total)
        named_risks: set[str] = set()
        kpi_text = "; ".join(kpis.get(uc, [])) if uc is not None else ""
        set_rows = state.by_scope.get(uc, {})
        for control_id in state.candidates(uc):
            row = set_rows.get(control_id)
            if row is not None:  # set by the user (most rows): read as stored
                if row[APPLICABILITY] != APPLIES:
                    continue
                status, sid = row[STATUS], row[ROW_ID]
            else:
                applies, status, _source, _owner, _due, sid = state.standing(control_id, uc)
                if not applies:
                    continue
            evidence = ""
            if control_id in evidenced and state.may_have_evidence(control_id, uc):
                evidence = _evidence_text(state, control_id, uc)
            status_risks = risk_links.get(sid, NONE)
            named_risks.update(status_risks)
            control, control_title = names[control_id]
            rows.append(
                TraceRow(
                    title,
                    _joined(status_risks),
                    _joined(mitigation_links.get(sid, NONE)),
                    control,
                    control_title,
                    status,
                    evidence,
                    _joined(check_links.get(sid, NONE)),
                    kpi_text,
                )
            )
        for risk_id, risk in risks.get(uc, []) if uc is not None else []:
            if risk in named_risks:
                continue
            mitigations = "; ".join(actions.get(risk_id, []))
            rows.append(TraceRow(title, risk, mitigations, "", "", "", "", "", kpi_text))
    if progress is not None:
        progress(total, total)
    return rows


def _joined(labels: list[str]) -> str:
    return "; ".join(labels) if labels else ""


def _evidence_text(state: ControlsState, control_id: int, use_case_id: int | None) -> str:
    """The evidence satisfying a control for a use case: titles, those through an
    equivalent crosswalk line marked ``(via crosswalk)``."""
    direct, via = state.evidence_for(control_id, use_case_id)
    titles = [state.evidence[e].title for e in direct]
    titles += [f"{state.evidence[e].title} (via crosswalk)" for e in via]
    return "; ".join(titles)


def export_trace(
    *, ws: Workspace, out: Path | str, use_case_id: int | None = None, overwrite: bool = True
) -> Path:
    """Write the matrix to a CSV or XLSX file (by suffix; formula-safe)."""
    return write_trace(out, trace_rows(ws=ws, use_case_id=use_case_id), overwrite=overwrite)


def write_trace(out: Path | str, rows: Iterable[TraceRow], *, overwrite: bool = True) -> Path:
    """Write matrix rows (as :func:`trace_rows` reads them) to a CSV or XLSX file (by
    suffix; formula-safe): what the Traceability tab exports of the rows it shows."""
    return write_rows(
        out, HEADER, ([getattr(r, name) for name in HEADER] for r in rows), overwrite=overwrite
    )
