"""``aipm kpis``: list, status, import (all-or-nothing, duplicates, dry run), export."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from aipm_desktop.cli.kpis import app
from aipm_desktop.models import KpiSnapshot
from aipm_desktop.services import clock
from aipm_desktop.services.demo import this_monday
from aipm_desktop.services.tabular import read_rows, write_rows
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import open_workspace

#: The demo is dated from this day, and so are the expectations on it.
DEMO_DAY = clock.today()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _run(runner: CliRunner, *args):
    return runner.invoke(app, [str(a) for a in args], prog_name="aipm kpis")


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kpis-cli") / "demo.aipm"
    new_workspace(path, demo=True, today=DEMO_DAY).close()
    return path


@pytest.fixture
def demo_file(demo_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.aipm"
    copy.write_bytes(demo_template.read_bytes())
    return copy


def _snapshot_count(path: Path) -> int:
    ws = open_workspace(path, readonly=True)
    try:
        with ws.session() as session:
            return int(session.execute(select(func.count()).select_from(KpiSnapshot)).scalar_one())
    finally:
        ws.close()


def test_list_as_table_json_and_catalog(runner: CliRunner, demo_file: Path) -> None:
    result = _run(runner, "list", demo_file)
    assert result.exit_code == 0, result.output
    assert "Reply draft latency P95" in result.output and "lower" in result.output
    assert result.output.splitlines()[0].split()[:3] == ["ID", "Name", "Unit"]

    data = json.loads(_run(runner, "list", demo_file, "--json").output)
    assert len(data) == 10
    hall = next(k for k in data if k["catalog_key"] == "hallucination_rate")
    assert (hall["target"], hall["warning"], hall["critical"]) == (2.0, 4.0, 6.0)
    assert hall["use_case"] == "Agent reply drafts"

    catalog = json.loads(_run(runner, "list", demo_file, "--catalog", "--json").output)
    assert {"key", "what", "why", "example_target"} <= set(catalog[0])
    assert any(e["key"] == "latency_p95" for e in catalog)


def test_status_table_and_json(runner: CliRunner, demo_file: Path) -> None:
    today = (this_monday(DEMO_DAY) + dt.timedelta(days=2)).isoformat()
    result = _run(runner, "status", demo_file, "--today", today)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["ID", "KPI", "Latest", "Date"]
    assert "Reply draft latency P95" in lines[2] and "Critical" in lines[2]  # most urgent first
    stale_line = next(line for line in lines if "AI instrumentation coverage" in line)
    assert stale_line.rstrip().endswith("stale")
    assert "10 KPIs" in lines[-1] and "1 stale" in lines[-1]

    data = json.loads(_run(runner, "status", demo_file, "--json", "--today", today).output)
    by_name = {d["name"]: d for d in data}
    assert by_name["Reply draft latency P95"]["status"] == "critical"
    assert by_name["AI instrumentation coverage"]["stale"] is True
    assert {"latest_value", "latest_date", "target", "trend", "slope_per_week"} <= set(data[0])

    bad = _run(runner, "status", demo_file, "--today", "soon")
    assert bad.exit_code == 1 and "not a date" in bad.stderr


def test_import_writes_and_reports(runner: CliRunner, demo_file: Path, tmp_path: Path) -> None:
    day = this_monday(DEMO_DAY) + dt.timedelta(days=7)
    source = write_rows(
        tmp_path / "new.csv",
        ["kpi", "date", "value", "note"],
        [
            ["Reply draft latency P95", day.isoformat(), "4.1", "after caching"],
            ["latency_p95", this_monday(DEMO_DAY).isoformat(), "5.0", ""],  # replaces
        ],
    )
    before = _snapshot_count(demo_file)
    dry = _run(runner, "import", demo_file, source, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "1 to add, 1 to replace, 0 to skip, 0 rejected" in dry.output
    assert "nothing written" in dry.output and _snapshot_count(demo_file) == before

    done = _run(runner, "import", demo_file, source)
    assert done.exit_code == 0, done.output
    assert "Imported 2 snapshot(s)" in done.output
    assert _snapshot_count(demo_file) == before + 1
    status = json.loads(_run(runner, "status", demo_file, "--json", "--today", day).output)
    latency = next(s for s in status if s["name"] == "Reply draft latency P95")
    assert (latency["latest_value"], latency["status"]) == (4.1, "warning")

    again = _run(runner, "import", demo_file, source, "--on-duplicate", "skip")
    assert again.exit_code == 0 and "0 to add, 0 to replace, 2 to skip" in again.output


def test_import_with_rejected_rows_writes_nothing(
    runner: CliRunner, demo_file: Path, tmp_path: Path
) -> None:
    source = write_rows(
        tmp_path / "bad.csv",
        ["kpi", "date", "value"],
        [
            ["Reply draft latency P95", "2030-01-06", "4.1"],
            ["Reply draft latency P95", "2030-01-13", "fast"],
            ["Made-up KPI", "2030-01-13", "1"],
        ],
    )
    before = _snapshot_count(demo_file)
    result = _run(runner, "import", demo_file, source)
    assert result.exit_code == 1
    assert "1 to add, 0 to replace, 0 to skip, 2 rejected" in result.stdout
    assert "row 3: 'fast' is not a number" in result.stderr
    assert "row 4: unknown KPI 'Made-up KPI'" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("aipm: error: bad.csv: nothing")
    assert "Traceback" not in result.output
    assert _snapshot_count(demo_file) == before

    wrong = _run(runner, "import", demo_file, source, "--on-duplicate", "merge")
    assert wrong.exit_code == 1 and "--on-duplicate must be one of" in wrong.stderr
    missing = _run(runner, "import", demo_file, tmp_path / "nope.csv")
    assert missing.exit_code == 1 and "No such file" in missing.stderr


def test_export_all_or_one_kpi(runner: CliRunner, demo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    result = _run(runner, "export", demo_file, "--out", out)
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert len(rows) == 1040
    assert list(rows[0].cells) == ["kpi", "date", "value", "use_case", "note"]

    one = tmp_path / "one.csv"
    result = _run(runner, "export", demo_file, "--out", one, "--kpi", "hallucination_rate")
    assert result.exit_code == 0, result.output
    names = {r.cells["kpi"] for r in read_rows(one)}
    assert names == {"Hallucination rate (drafts and bot)"}

    unknown = _run(runner, "export", demo_file, "--out", one, "--kpi", "Latncy P95")
    assert unknown.exit_code == 1 and "No KPI named 'Latncy P95'" in unknown.stderr
    bad = _run(runner, "export", demo_file, "--out", tmp_path / "x.txt")
    assert bad.exit_code == 1 and "unsupported file type" in bad.stderr
