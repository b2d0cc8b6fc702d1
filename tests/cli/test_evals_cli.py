"""``aipm evals`` on the demo workspace: list, new-suite with metric texts, import (dry
run, refused rows with an error file, the mapping), report (--json names each metric's
kind and columns, recomputable from the export), compare (exit 1 on the demo's German
regression, 0 without one; flips exported), export, and the eval charts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

TRIAGE = "Ticket triage regression set"
V2, V3 = "triage-v2 (multilingual prompt)", "triage-v3 (distilled model)"


def test_list_shows_the_suites_and_reading_changes_nothing(aipm, sha256, sample_path: Path) -> None:
    before = sha256(sample_path)
    result = aipm("evals", "list", sample_path)
    assert result.exit_code == 0, result.output
    assert TRIAGE in result.stdout and result.stdout.rstrip().endswith("2 eval suites")
    items = json.loads(aipm("evals", "list", sample_path, "--json").stdout)
    assert {i["name"]: i["runs"] for i in items} == {TRIAGE: 3, "Answer bot grounded QA": 3}
    aipm("evals", "report", sample_path, TRIAGE, "--resamples", "50")
    assert sha256(sample_path) == before


def test_compare_exits_1_on_the_demo_regression_and_lists_it(
    aipm, sample_path: Path, tmp_path: Path
) -> None:
    flips = tmp_path / "flips.csv"
    result = aipm(
        "evals", "compare", sample_path, TRIAGE, V2, V3, "--resamples", "200", "--flips", flips
    )
    assert result.exit_code == 1, result.output
    assert "REGRESSION" in result.stdout and "Accuracy [language=de]" in result.stdout
    with flips.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {"metric", "id", "change", "language", "tier"} <= set(rows[0])
    data = json.loads(
        aipm("evals", "compare", sample_path, TRIAGE, V2, V3, "--resamples", "200", "--json").stdout
    )
    assert data["regression"] is True
    german = next(
        d for d in data["regressions"] if d["metric"] == "Accuracy" and d["group"] == "language=de"
    )
    assert german["test"] == "mcnemar" and german["p_value"] < 0.05 and german["examples"]
    bot = "Answer bot grounded QA"
    same = aipm(
        "evals", "compare", sample_path, bot, "bot-2025.3", "bot-2025.3", "--resamples", "50"
    )
    assert same.exit_code == 0 and "No regression." in same.stdout
    # the same run of the triage suite: no drop, but its blocking German metric misses 0.8
    gated = aipm("evals", "compare", sample_path, TRIAGE, V3, V3, "--resamples", "50")
    assert gated.exit_code == 1 and "misses its threshold 0.8" in gated.stdout


def test_report_json_names_kind_and_columns_and_recomputes_from_the_export(
    aipm, sample_path: Path, tmp_path: Path
) -> None:
    data = json.loads(
        aipm(
            "evals", "report", sample_path, TRIAGE, "--run", V3, "--resamples", "100", "--json"
        ).stdout
    )
    metrics = {m["name"]: m for m in data["metrics"]}
    accuracy = metrics["Accuracy"]
    assert accuracy["kind"] == "accuracy" and accuracy["columns"] == ["expected", "predicted"]
    assert metrics["Accuracy, German tickets"]["columns"] == ["expected", "predicted", "language"]
    assert data["failing_blocking"] == ["Accuracy, German tickets"]
    assert accuracy["ci_low"] <= accuracy["value"] <= accuracy["ci_high"]
    out = tmp_path / "v3.csv"
    exported = aipm("evals", "export", sample_path, TRIAGE, "--run", V3, "--out", out)
    assert exported.exit_code == 0, exported.output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    right = sum(r["expected"] == r["predicted"] for r in rows)
    assert accuracy["value"] == pytest.approx(right / len(rows))
    german = [r for r in rows if r["slice:language"] == "de"]
    value = sum(r["expected"] == r["predicted"] for r in german) / len(german)
    assert metrics["Accuracy, German tickets"]["value"] == pytest.approx(value)


def test_new_suite_import_and_refusal(aipm, sample_path: Path, tmp_path: Path) -> None:
    made = aipm(
        "evals", "new-suite", sample_path, "--use-case", "Ticket auto-triage", "--name", "Smoke",
        "--metric", "accuracy:0.9:blocking", "--metric", "pass_rate:toxic:0.01:blocking:lower",
        "--slices", "lang", "--classes", "a, b",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    good = tmp_path / "good.csv"
    good.write_text("case,gold,out,lang,toxic\n1,a,a,en,no\n2,b,a,de,no\n", encoding="utf-8")
    dry = aipm(
        "evals",
        "import",
        sample_path,
        "Smoke",
        good,
        "--map",
        "case=id",
        "--map",
        "out=predicted",
        "--dry-run",
    )
    assert dry.exit_code == 0 and "Dry run" in dry.stdout and "case=id" in dry.stdout
    imported = aipm(
        "evals",
        "import",
        sample_path,
        "Smoke",
        good,
        "--version",
        "v1",
        "--map",
        "case=id",
        "--map",
        "out=predicted",
    )
    assert imported.exit_code == 0, imported.output
    report = json.loads(aipm("evals", "report", sample_path, "Smoke", "--json").stdout)
    assert report["metrics"][0]["value"] == 0.5 and report["failing_blocking"] == ["Accuracy"]
    bad = tmp_path / "bad.csv"
    bad.write_text("case,gold,out,lang,toxic\n1,a,z,en,no\n1,b,a,de,perhaps\n", encoding="utf-8")
    errors = tmp_path / "errors.csv"
    refused = aipm(
        "evals", "import", sample_path, "Smoke", bad, "--version", "v2", "--errors", errors
    )
    assert refused.exit_code == 1
    assert "row 2: out" in refused.stderr and "row 3: case" in refused.stderr
    assert "not one of the suite's classes" in refused.stderr
    assert "3,toxic," in errors.read_text(encoding="utf-8-sig")
    listed = json.loads(aipm("evals", "list", sample_path, "--json").stdout)
    assert next(i for i in listed if i["name"] == "Smoke")["runs"] == 1


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("eval", ["--metric", "Accuracy"]),
        ("eval_slices", ["--metric", "accuracy"]),
        ("eval_reliability", []),
    ],
)
def test_eval_charts(aipm, sample_path: Path, tmp_path: Path, kind: str, extra: list[str]) -> None:
    out = tmp_path / f"{kind}.svg"
    result = aipm("chart", sample_path, kind, "--suite", TRIAGE, *extra, "--out", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text
    missing = aipm("chart", sample_path, kind, "--out", tmp_path / "x.png")
    assert missing.exit_code == 1 and "--suite" in missing.stderr


def test_record_kpi_puts_a_runs_metric_on_the_kpi_chart(aipm, sample_path: Path) -> None:
    from sqlmodel import select

    from aipm_desktop.models import Kpi, KpiSnapshot
    from aipm_desktop.store import open_workspace

    report = json.loads(
        aipm(
            "evals", "report", sample_path, TRIAGE, "--run", V3, "--resamples", "0", "--json"
        ).stdout
    )
    accuracy = next(m for m in report["metrics"] if m["name"] == "Accuracy")["value"]
    ws = open_workspace(sample_path, readonly=True)
    with ws.session() as session:
        kpi = session.exec(select(Kpi).order_by(Kpi.id)).first()
        kpi_id, kpi_name = kpi.id, kpi.name
    ws.close()
    result = aipm(
        "evals", "record-kpi", sample_path, TRIAGE, "--run", V3, "--metric", "accuracy",
        "--kpi", kpi_name, "--scale", "100",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Recorded Accuracy" in result.stdout
    ws = open_workspace(sample_path, readonly=True)
    with ws.session() as session:
        values = [
            s.value for s in session.exec(select(KpiSnapshot).where(KpiSnapshot.kpi_id == kpi_id))
        ]
    ws.close()
    assert any(abs(v - accuracy * 100) < 1e-9 for v in values)
    # A metric the suite does not have is refused with a message; nothing is written.
    bad = aipm("evals", "record-kpi", sample_path, TRIAGE, "--metric", "nope", "--kpi", kpi_name)
    assert bad.exit_code != 0 and "nope" in bad.output
