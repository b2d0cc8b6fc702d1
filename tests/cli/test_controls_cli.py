"""``aipm controls`` on the demo workspace: catalogs, list, gaps --json, evidence add
(file, reference, refused above the limit), satisfies, verify, status and apply, trace to
CSV and XLSX, crosswalk add/list, a bad catalog refused naming row and column, and the
controls-gaps chart. Reading never changes the file."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from aipm_desktop.cli import app


def _run(*args: object):
    """``aipm ARGS`` as the shell runs it."""
    return CliRunner().invoke(app, list(map(str, args)), prog_name="aipm")


def _bytes_of(path: Path) -> bytes:
    return path.read_bytes()


def _import_acme(workspace: Path, source: Path):
    flags = {"--key": "acme", "--name": "Acme", "--version": "1"}
    return _run("controls", "import-catalog", workspace, source, *sum(flags.items(), ()))


def test_reading_commands_show_the_catalogs_and_gaps(sample_path: Path) -> None:
    before = _bytes_of(sample_path)
    out = _run("controls", "catalogs", sample_path)
    assert out.exit_code == 0, out.output
    assert "nist_ai_rmf" in out.output and "72" in out.output
    gaps = _run("controls", "gaps", sample_path, "--catalog", "nist_ai_rmf", "--json")
    assert gaps.exit_code == 0, gaps.output
    by_use_case = {r["use_case"]: r for r in json.loads(gaps.output)}
    # triage: MEASURE 2.4 implemented with current evidence; GOVERN 6.2 not applicable
    triage = by_use_case["Ticket auto-triage"]
    assert (triage["applicable"], triage["covered"], triage["not_applicable"]) == (1, 1, 1)
    assert triage["coverage_pct"] == 100.0
    assert [e["title"] for e in triage["expiring"]] == ["Triage drift monitor dashboard"]
    listed = _run(
        "controls",
        "list",
        sample_path,
        "--catalog",
        "nist_ai_rmf",
        "--use-case",
        "Ticket auto-triage",
        "--json",
    )
    rows = {r["ref"]: r for r in json.loads(listed.output)}
    assert rows["GOVERN 6.2"]["applies"] is False and rows["GOVERN 6.2"]["justification"]
    assert rows["MEASURE 2.4"]["evidence"] == 1
    assert _bytes_of(sample_path) == before


def test_evidence_added_once_satisfies_controls_across_catalogs(
    sample_path: Path, tmp_path: Path
) -> None:
    card = tmp_path / "model-card.md"
    card.write_text("# Model card\n")
    add = ("controls", "evidence", "add", sample_path, card)
    qa = ("--use-case", "Automated QA scoring of conversations")
    out = _run(*add, "--control", "eu_ai_act:Art. 11", *qa)
    assert out.exit_code == 0, out.output
    assert hashlib.sha256(card.read_bytes()).hexdigest() in out.output
    again = _run(*add, "--control", "A.6.2.3", *qa)
    assert "Already stored as evidence" in again.output
    items = json.loads(_run("controls", "evidence", "list", sample_path, "--json").output)
    (mine,) = [i for i in items if i["title"] == "model-card.md"]
    assert mine["controls"] == ["eu_ai_act:Art. 11", "iso_42001:A.6.2.3"]
    sat = _run("controls", "evidence", "satisfies", sample_path, mine["id"])
    assert "iso_42001:A.6.2.7" in sat.output and "equivalent, via eu_ai_act:Art. 11" in sat.output
    assert _run("controls", "evidence", "verify", sample_path).exit_code == 0


def test_a_file_above_the_limit_is_refused(sample_path: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"0" * 3 * 1024 * 1024)
    before = _bytes_of(sample_path)
    out = _run("controls", "evidence", "add", sample_path, big, "--max-mb", "2")
    assert out.exit_code == 1
    assert "3.0 MB, above the evidence size limit of 2.0 MB" in out.output
    assert _bytes_of(sample_path) == before


def test_status_apply_and_trace(sample_path: Path, tmp_path: Path) -> None:
    qa = "Automated QA scoring of conversations"
    out = _run(
        "controls",
        "status",
        sample_path,
        "eu_ai_act:Art. 15",
        "implemented",
        "--use-case",
        qa,
        "--owner",
        "Dev",
        "--due",
        "2027-01-31",
        "--risk",
        "1",
    )
    assert out.exit_code == 0, out.output
    refused = _run(
        "controls", "apply", sample_path, "Art. 15", "--use-case", qa, "--not-applicable"
    )
    assert refused.exit_code == 1 and "needs a justification" in refused.output
    trace = tmp_path / "trace.csv"
    assert _run("controls", "trace", sample_path, "--out", trace, "--use-case", qa).exit_code == 0
    with trace.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    art15 = next(r for r in rows if r["control"] == "eu_ai_act:Art. 15")
    assert art15["status"] == "implemented" and art15["use_case"] == qa
    assert art15["risks"]  # the linked risk's title
    art12 = next(r for r in rows if r["control"] == "iso_42001:A.6.2.8")
    assert art12["evidence"] == "QA scoring event-log design (via crosswalk)"
    xlsx = tmp_path / "trace.xlsx"
    assert _run("controls", "trace", sample_path, "--out", xlsx).exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[1]][:4] == ["use_case", "risks", "mitigations", "control"]


def test_crosswalk_add_and_list(sample_path: Path) -> None:
    out = _run(
        "controls",
        "crosswalk",
        "add",
        sample_path,
        "GOVERN 1.1",
        "eu_ai_act:Art. 17",
        "--strength",
        "related",
    )
    assert out.exit_code == 0, out.output
    listed = json.loads(
        _run(
            "controls", "crosswalk", "list", sample_path, "--control", "GOVERN 1.1", "--json"
        ).output
    )
    assert [(m["from_control"], m["to_control"]) for m in listed] == [
        ("nist_ai_rmf:GOVERN 1.1", "eu_ai_act:Art. 17")
    ]
    bad = _run("controls", "crosswalk", "add", sample_path, "Art. 9", "Art. 10")
    assert bad.exit_code == 1 and "same catalog" in bad.output


def test_a_bad_catalog_is_refused_naming_row_and_column(sample_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "acme.csv"
    path.write_text("ref,title,roles\nAC-1,Inventory,provider\nAC-2,Drill,owner\n")
    before = _bytes_of(sample_path)
    out = _import_acme(sample_path, path)
    assert out.exit_code == 1
    assert "row 3: roles: 'owner' is not one of provider, deployer, both" in out.output
    assert _bytes_of(sample_path) == before
    path.write_text("ref,title\nAC-1,Inventory\n")
    ok = _import_acme(sample_path, path)
    assert ok.exit_code == 0 and "New catalog Acme 1: 1 controls." in ok.output


def test_the_controls_gaps_chart(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "gaps.png"
    done = _run("chart", sample_path, "controls-gaps", "--catalog", "iso_42001", "--out", out)
    assert done.exit_code == 0, done.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
