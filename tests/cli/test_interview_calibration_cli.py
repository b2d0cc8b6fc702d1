"""``aipm interviews ratings | agreement | debrief | export-case | import-case``."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli.interviews import app


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from aipm_desktop.services.workspace import new_workspace

    path = tmp_path_factory.mktemp("cli") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


def _run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_ratings_lists_every_submitted_rating(demo_file):
    result = _run("ratings", demo_file)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Candidate", "Interviewer", "Case", "Dimension", "Level"]
    assert len(lines) == 2 + 6 * 3 * 7 + 1  # header, rule, six panels of three, the note
    assert "Grace Kim" not in "\n".join(lines[:-1])
    assert lines[-1] == (
        "Not listed until every evaluation is submitted: Grace Kim (waiting for Jonas Berg)."
    )
    data = json.loads(_run("ratings", demo_file, "--json").output)
    assert len(data["ratings"]) == 126 and data["withheld"] == [
        {"candidate": "Grace Kim", "waiting_for": ["Jonas Berg"]}
    ]
    first = data["ratings"][0]
    assert set(first) == {
        "candidate", "interviewer", "case", "dimension", "dimension_name", "level", "evidence"
    }  # fmt: skip


def test_agreement_text_and_json(demo_file):
    result = _run("agreement", demo_file)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Agreement over 6 candidates scored by two or more interviewers")
    assert "Product sense (AI use cases) (poor)" in out
    assert "Daniel Reyes: +0.58 (rates high; 42 comparisons)" in out
    assert "Poor agreement (alpha < 0.667):" in out
    data = json.loads(_run("agreement", demo_file, "--json").output)
    assert data["bootstrap"] == {"resamples": 1000, "seed": data["bootstrap"]["seed"]}
    metrics = next(d for d in data["dimensions"] if d["key"] == "metrics_experimentation")
    assert metrics["alpha_ordinal"] == pytest.approx(0.98, abs=0.005) and not metrics["poor"]
    low, high = metrics["icc_ci95"]
    assert low < metrics["icc_2_1"] < high
    assert data["overall"]["units"] == 42
    assert "product_sense" in data["poor_dimensions"]
    # the same seed, the same interval
    again = json.loads(_run("agreement", demo_file, "--json").output)
    assert again["overall"]["alpha_ci95"] == data["overall"]["alpha_ci95"]


def test_agreement_on_an_empty_workspace_says_why(tmp_path):
    from aipm_desktop.services.workspace import new_workspace

    path = tmp_path / "empty.aipm"
    new_workspace(path).close()
    result = _run("agreement", path)
    assert result.exit_code == 0
    assert result.output.startswith("No candidate has been scored by two or more interviewers")


def test_debrief_to_stdout_markdown_and_pdf(demo_file, tmp_path):
    result = _run("debrief", demo_file, "Emma")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Debrief: Emma Rossi")
    assert result.output.index("## Disagreements first") < result.output.index("## Evidence")
    pdf = tmp_path / "chloe.pdf"
    result = _run("debrief", demo_file, "Chloe Nguyen", "--out", pdf)
    assert result.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
    result = _run("debrief", demo_file, "Chloe Nguyen", "--out", pdf)
    assert result.exit_code == 1 and "--force" in result.output
    result = _run("debrief", demo_file, "Zed")
    assert result.exit_code == 1 and "No candidate matches 'Zed'" in result.output


def test_export_and_import_a_case_pack(demo_file, tmp_path):
    work = tmp_path / "work.aipm"
    shutil.copyfile(demo_file, work)
    pack = tmp_path / "case.zip"
    result = _run("export-case", demo_file, "AI Feature PRD + Evaluation Plan", "--out", pack)
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {pack}\n"
    assert "manifest.json" in zipfile.ZipFile(pack).namelist()
    result = _run("import-case", work, pack, "--on-clash", "refuse")
    assert result.exit_code == 1
    assert "a case called 'AI Feature PRD + Evaluation Plan' already exists" in result.output
    result = _run("import-case", work, pack)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "Imported the case 'AI Feature PRD + Evaluation Plan (imported)'."
    )
    result = _run("import-case", work, pack, "--on-clash", "merge")
    assert result.exit_code == 1 and "rename or refuse" in result.output
    result = _run("export-case", demo_file, "No such case", "--out", tmp_path / "x.zip")
    assert result.exit_code == 1 and "No case 'No such case'" in result.output


def test_a_tampered_pack_is_one_line_error_and_nothing_changes(demo_file, tmp_path: Path):
    work = tmp_path / "work.aipm"
    shutil.copyfile(demo_file, work)
    pack = tmp_path / "case.zip"
    _run("export-case", demo_file, "1", "--out", pack)
    with zipfile.ZipFile(pack) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["materials.md"] += b"\nAlso: the answer key."
    with zipfile.ZipFile(pack, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    before = work.read_bytes()
    result = _run("import-case", work, pack)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "materials.md does not match the SHA-256 in its manifest" in result.output
    assert work.read_bytes() == before
