"""``aipm experiments`` on the sample workspace: list (--json), plan (rates, means, the
detectable effect, an unreachable design, bad input), import (dry run, problems with an
error file, per-unit), readout (text, --json with the per-arm inputs, exit code 3 on a
sample ratio mismatch) and the experiment chart; reading never changes the file."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from aipm_desktop.cli import app

PLACEMENT = "Draft placement: inline versus side panel"


def _run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="aipm")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_list_and_json(sample_path: Path) -> None:
    before = _digest(sample_path)
    table = _run("experiments", "list", sample_path)
    assert table.exit_code == 0, table.output
    assert PLACEMENT in table.stdout and table.stdout.rstrip().endswith("4 experiments")
    items = json.loads(_run("experiments", "list", sample_path, "--json").stdout)
    assert [i["status"] for i in items] == ["running", "draft", "decided", "decided"]
    assert _digest(sample_path) == before


def test_plan_a_rate_and_a_mean() -> None:
    result = _run("experiments", "plan", "--baseline", "0.10", "--mde", "0.02", "--daily", "1000")
    assert result.exit_code == 0, result.output
    assert "Per arm:  3,839" in result.stdout and "Total:    7,678" in result.stdout
    assert "8 days of traffic; run 14 days" in result.stdout
    data = json.loads(
        _run(
            "experiments", "plan", "--baseline", "0.12", "--mde", "0.1", "--relative",
            "--treatments", "2", "--json",
        ).stdout
    )  # fmt: skip
    assert data["alpha_per_test"] == 0.025 and data["treatments"] == 2
    means = json.loads(
        _run("experiments", "plan", "--mean", "50", "--sd", "20", "--mde", "2", "--json").stdout
    )
    # n = (z_0.975 + z_0.8)² · 2 sd² / mde² = 7.849 · 800 / 4 = 1,569.8 -> 1,570 per arm
    assert means["n_control"] == 1570


def test_plan_both_directions_and_bad_input() -> None:
    effect = json.loads(
        _run(
            "experiments", "plan", "--baseline", "0.1", "--daily", "1000", "--days", "8",
            "--json",
        ).stdout
    )  # fmt: skip
    assert 0.019 < effect["detectable_effect"] < 0.021  # about the 2 points 8 days need
    slow = _run("experiments", "plan", "--baseline", "0.1", "--mde", "0.001", "--daily", "50")
    assert slow.exit_code == 0 and "cannot reach its MDE in a year" in slow.stdout
    for args, message in (
        (["--baseline", "1.2", "--mde", "0.01"], "between 0 and 1"),
        (["--baseline", "0.1", "--mde", "0.01", "--daily", "0"], "above zero"),
        (["--mean", "5", "--mde", "1"], "--sd"),
        (["--mde", "0.01"], "either --baseline"),
        (["--baseline", "0.1"], "give --mde"),
    ):
        result = _run("experiments", "plan", *args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr, (args, result.stderr)


def test_readout_text_and_json(sample_path: Path) -> None:
    before = _digest(sample_path)
    text = _run("experiments", "readout", sample_path, PLACEMENT)
    assert text.exit_code == 0, text.output
    parts = ("Sample ratio (Draft acceptance rate)", "two-proportion z-test",
             "Welch's t-test with CUPED", "Guardrail: Unedited-send rate", "Summary:")  # fmt: skip
    for part in parts:
        assert part in text.stdout, part
    data = json.loads(_run("experiments", "readout", sample_path, "1", "--json").stdout)
    assert data["srm_detected"] is False and data["srm"]["dof"] == 1
    arms = data["metrics"][0]["arms"]
    assert {a["name"] for a in arms} == {"Side panel", "Inline"}
    assert all(a["units"] > 0 and a["conversions"] and a["planned_share"] == 0.5 for a in arms)
    comparison = data["metrics"][0]["treatments"][0]["comparison"]
    assert comparison["p_adjusted"] < 0.05 and len(comparison["abs_ci"]) == 2
    assert data["plan"]["n_control"] > 0
    assert _digest(sample_path) == before


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_import_dry_run_problems_and_srm_exit_code(sample_path: Path, tmp_path: Path) -> None:
    header = ["date", "variant", "metric", "units", "conversions"]
    bad = _write(
        tmp_path / "bad.csv",
        header,
        [["2027-01-04", "Side panel", "Draft acceptance rate", 10, 11],
         ["2027-01-04", "Sidebar", "Draft acceptance rate", 10, 1]],
    )  # fmt: skip
    before = _digest(sample_path)
    errors = tmp_path / "errors.csv"
    refused = _run("experiments", "import", sample_path, PLACEMENT, bad, "--errors", errors)
    assert refused.exit_code == 1
    assert "more than the 10 units" in refused.stderr and "unknown variant" in refused.stderr
    assert "3,variant," in errors.read_text(encoding="utf-8")
    assert _digest(sample_path) == before
    skewed = _write(
        tmp_path / "skewed.csv",
        header,
        [["2027-01-04", "Side panel", "Draft acceptance rate", 5000, 500],
         ["2027-01-04", "Inline", "Draft acceptance rate", 5400, 600]],
    )  # fmt: skip
    dry = _run("experiments", "import", sample_path, "1", skewed, "--dry-run")
    assert dry.exit_code == 0 and "Dry run: nothing written." in dry.stdout
    assert _digest(sample_path) == before
    done = _run("experiments", "import", sample_path, "1", skewed)
    assert done.exit_code == 0, done.output
    assert "Imported 2 daily aggregates" in done.stdout
    readout = _run("experiments", "readout", sample_path, "1")
    assert readout.exit_code == 3
    assert "NOT TRUSTWORTHY" in readout.stdout
    assert _run("experiments", "readout", sample_path, "1", "--json").exit_code == 3


def test_per_unit_import_and_chart(sample_path: Path, tmp_path: Path) -> None:
    rows = [[f"u{i}", "No citations" if i % 2 else "Numbered citations", "2027-01-04",
             3 + i % 3, i % 2] for i in range(40)]  # fmt: skip
    path = _write(
        tmp_path / "units.csv",
        ["unit_id", "variant", "date", "CSAT of bot conversations", "Self-service resolution rate"],
        rows,
    )
    result = _run(
        "experiments", "import", sample_path, "Citations in answer bot replies", path, "--per-unit"
    )
    assert result.exit_code == 0, result.output
    assert "40 per-unit rows -> 4 daily aggregates" in result.stdout
    out = tmp_path / "chart.png"
    chart = _run("chart", sample_path, "experiment", "--experiment", PLACEMENT, "--out", out)
    assert chart.exit_code == 0, chart.output
    assert out.read_bytes().startswith(b"\x89PNG")
    missing = _run("chart", sample_path, "experiment", "--out", tmp_path / "x.png")
    assert missing.exit_code == 1 and "--experiment" in missing.stderr
    unknown = _run("experiments", "readout", sample_path, "Nope")
    assert unknown.exit_code == 1 and "No experiment 'Nope'" in unknown.stderr
