"""Control timings: the gap analysis of one catalog over every use case.

    python benchmarks/bench_controls.py [WORKSPACE.aipm]

Keys: ``controls_gaps_ms`` (``controls.gap_overview`` of a 300-control catalog over
1,000 use cases: every use case has 100 of the controls applied with a status, and 2,000
evidence items are linked to them; target 500): the reports with their coverage, counts
of missing controls by priority and expiring evidence, what the Gaps tab and its chart
show; the missing-control rows of a level are built when first read.
``controls_gaps_all_rows_ms`` is the same with every level's missing rows read too (what
``aipm controls gaps`` prints and the report pack reads). ``controls_gaps_reports``: how
many use cases had controls that apply; ``controls_trace_ms``: the traceability rows of
the same workspace. The ``_cpu_ms`` keys are the CPU time of the same calls (a busy
machine inflates wall time far more). A fresh workspace is built in a temporary folder
(the file given, if any, is not used: the figure needs this exact shape). Each figure is
the median of a few runs.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

#: Runs per figure; the shape of the workspace measured.
RUNS, USE_CASES, CONTROLS, APPLIED, EVIDENCE = 5, 1_000, 300, 100, 2_000


def _timed(action, runs: int = RUNS) -> tuple[float, float]:
    """The median wall and CPU times of ``action()`` over ``runs`` calls, in ms."""
    times = [_once(action) for _ in range(runs)]
    return tuple(round(statistics.median(t[i] for t in times), 1) for i in (0, 1))


def _once(action) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def _all_rows(ws, catalog_id: int) -> None:
    from aipm_desktop.services import controls

    for report in controls.gap_overview(ws=ws, catalog_id=catalog_id):
        report.missing.rows()


def _build(path: Path) -> int:
    """The workspace: use cases, a catalog, statuses, evidence; returns the catalog id."""
    from sqlalchemy import insert, select

    from aipm_desktop.models import (
        ControlStatus,
        EvidenceItem,
        EvidenceItemControlLink,
        UseCase,
        utcnow,
    )
    from aipm_desktop.models.common import table_of
    from aipm_desktop.services import controls
    from aipm_desktop.services.records import new_row
    from aipm_desktop.services.workspace import new_workspace

    ws = new_workspace(path)
    parsed = controls.ParsedCatalog(
        fields={"key": "bench", "name": "Bench", "catalog_version": "1", "built_in": False},
        controls=[
            {"ref": f"B-{i}", "title": f"Control {i}", "summary": "", "section": "",
             "priority": ("high", "medium", "low")[i % 3], "roles": "both", "scope": "use_case",
             "applies_tiers": [], "applies_answers": [], "position": i, "notes": ""}
            for i in range(CONTROLS)
        ],
    )  # fmt: skip
    controls.load_catalog(ws=ws, parsed=parsed)
    catalog_id = controls.find_catalog(ws=ws, ref="bench")
    now = utcnow()
    today = now.date()
    with ws.write(label="Benchmark controls") as session:
        conn = session.connection()
        conn.execute(
            insert(table_of(UseCase)),
            [
                new_row({"title": f"Use case {i}"}, now) | _use_case_defaults()
                for i in range(USE_CASES)
            ],
        )
        uc_ids = [r[0] for r in conn.execute(select(table_of(UseCase).c.id))]
        ctl_ids = [c.id for c in controls.controls(ws=ws, catalog_id=catalog_id)]
        states = ("not_started", "in_progress", "implemented", "verified")
        conn.execute(
            insert(table_of(ControlStatus)),
            [
                new_row({"control_id": ctl_ids[(u + k) % CONTROLS], "use_case_id": uc,
                         "applicability": "applies", "justification": "",
                         "status": states[(u + k) % 4], "owner": "", "notes": ""}, now)
                for u, uc in enumerate(uc_ids)
                for k in range(APPLIED)
            ],
        )  # fmt: skip
        conn.execute(
            insert(table_of(EvidenceItem)),
            [
                new_row({"title": f"Evidence {e}", "kind": "ticket", "ticket": f"T-{e}",
                         "use_case_id": uc_ids[e % USE_CASES], "sha256": "", "file_name": "",
                         "url": "", "added_by": "", "added_on": today, "reviewer": "",
                         "notes": ""}, now)
                for e in range(EVIDENCE)
            ],
        )  # fmt: skip
        ev_ids = [r[0] for r in conn.execute(select(table_of(EvidenceItem).c.id))]
        conn.execute(
            insert(table_of(EvidenceItemControlLink)),
            [{"evidence_item_id": e, "control_id": ctl_ids[i % CONTROLS]}
             for i, e in enumerate(ev_ids)],
        )  # fmt: skip
    ws.close()
    return catalog_id


def _use_case_defaults() -> dict[str, object]:
    from aipm_desktop.models import UseCase

    defaults = UseCase.model_validate({"title": "x"}).model_dump(
        exclude={"id", "created_at", "updated_at", "version", "title"}
    )
    return defaults


def run(_large_path: Path | None = None) -> dict[str, float]:
    from aipm_desktop.services import controls
    from aipm_desktop.store import open_workspace

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "controls.aipm"
        catalog_id = _build(path)
        ws = open_workspace(path, readonly=True)
        try:
            reports = controls.gap_overview(ws=ws, catalog_id=catalog_id)
            gaps = _timed(lambda: controls.gap_overview(ws=ws, catalog_id=catalog_id))
            every = _timed(lambda: _all_rows(ws, catalog_id))
            trace = _timed(lambda: controls.trace_rows(ws=ws), runs=3)
        finally:
            ws.close()
    return {
        "controls_gaps_ms": gaps[0],
        "controls_gaps_cpu_ms": gaps[1],
        "controls_gaps_all_rows_ms": every[0],
        "controls_gaps_all_rows_cpu_ms": every[1],
        "controls_gaps_reports": len(reports),
        "controls_trace_ms": trace[0],
        "controls_trace_cpu_ms": trace[1],
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None), indent=2))
