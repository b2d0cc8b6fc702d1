"""``aipm docs``: list, new, export, review, search; exit codes and one-line errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli.docs import app
from aipm_desktop.services.workspace import new_workspace


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docs_cli") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.fixture
def blank_file(tmp_path: Path) -> Path:
    path = tmp_path / "blank.aipm"
    new_workspace(path).close()
    return path


def _run(runner: CliRunner, *args):
    return runner.invoke(app, [str(a) for a in args], prog_name="aipm docs")


def _one_error_line(result, *fragments: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aipm: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_list_shows_the_demo_documents_as_a_table_and_json(runner, demo_file: Path) -> None:
    before = _digest(demo_file)
    table = _run(runner, "list", demo_file)
    assert table.exit_code == 0, table.output
    assert "AI PRD: Help-center answer bot" in table.stdout
    assert "Launch Readiness Checklist" in table.stdout
    assert table.stdout.rstrip().endswith("7 documents")
    data = json.loads(_run(runner, "list", demo_file, "--json").stdout)
    prd = next(d for d in data if d["kind"] == "ai_prd")
    assert prd["kind_name"] == "AI PRD" and prd["status"] == "in_review"
    assert prd["use_case"] == "Help-center answer bot" and prd["size"] > 1000
    approved = [d for d in data if d["status"] == "approved"]
    assert approved and all(d["approver"] and d["approved_on"] for d in approved)
    assert _digest(demo_file) == before  # reading never changes the file


def test_new_creates_a_document_from_the_template(runner, blank_file: Path) -> None:
    result = _run(runner, "new", blank_file, "--kind", "evaluation_plan", "--title", "Eval v1")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Created document 1: Eval v1 (Evaluation Plan)"
    data = json.loads(_run(runner, "list", blank_file, "--json").stdout)
    assert [(d["id"], d["title"], d["kind"], d["status"]) for d in data] == [
        (1, "Eval v1", "evaluation_plan", "draft")
    ]


def test_new_rejects_unknown_kind_and_use_case_without_writing(runner, blank_file: Path) -> None:
    _one_error_line(
        _run(runner, "new", blank_file, "--kind", "memo", "--title", "x"), "Unknown document kind"
    )
    _one_error_line(
        _run(runner, "new", blank_file, "--kind", "ai_prd", "--title", "x", "--use-case", 77),
        "No use case with id 77",
    )
    assert json.loads(_run(runner, "list", blank_file, "--json").stdout) == []


def test_review_prints_findings_and_score(runner, demo_file: Path) -> None:
    result = _run(runner, "review", demo_file, 1)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Document 1: AI PRD: Help-center answer bot (AI PRD")
    assert "Readiness: 100/100, ready: No findings" in result.stdout
    result = _run(runner, "review", demo_file, 3)  # the behaviour spec: one error
    assert "Readiness: 92/100, not ready: 1 error to fix." in result.stdout
    assert "fix: " in result.stdout
    data = json.loads(_run(runner, "review", demo_file, 3, "--json").stdout)
    assert (data["verdict"], data["band"]) == ("Not ready", "poor")
    assert 0 <= data["score"] <= 100
    assert data["score"] == 100 - sum(data["breakdown"].values())
    assert data["findings"] and all(
        set(f) == {"line", "rule", "severity", "message", "suggestion"} and f["line"] >= 1
        for f in data["findings"]
    )


def test_review_of_a_fresh_template_lists_the_empty_sections(runner, blank_file: Path) -> None:
    _run(runner, "new", blank_file, "--kind", "ai_prd", "--title", "New")
    data = json.loads(_run(runner, "review", blank_file, 1, "--json").stdout)
    empty = [f for f in data["findings"] if f["rule"] == "required_section_empty"]
    assert len(empty) == 12
    assert data["score"] < 50


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_export_each_format(runner, demo_file: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"prd.{fmt}"
    result = _run(runner, "export", demo_file, 1, "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Exported document 1 to {out}"
    data = out.read_bytes()
    if fmt == "md":
        assert data.startswith(b"# AI PRD: Help-center answer bot")
    elif fmt == "html":
        text = data.decode("utf-8")
        assert text.startswith("<!DOCTYPE html>") and "<table>" in text and "<script" not in text
    else:
        assert data.startswith(b"%PDF")


def test_export_errors(runner, demo_file: Path, tmp_path: Path) -> None:
    _one_error_line(
        _run(runner, "export", demo_file, 1, "--format", "docx", "--out", tmp_path / "x.docx"),
        "Unknown format 'docx'",
    )
    _one_error_line(
        _run(runner, "export", demo_file, 99, "--format", "md", "--out", tmp_path / "x.md"),
        "No document with id 99",
    )
    _one_error_line(
        _run(
            runner, "export", demo_file, 1, "--format", "html", "--out", tmp_path / "no" / "x.html"
        ),
        "does not exist",
    )
    assert list(tmp_path.iterdir()) == []


def test_search_finds_lines_with_every_word(runner, demo_file: Path) -> None:
    result = _run(runner, "search", demo_file, "rollback criteria")
    assert result.exit_code == 0, result.output
    assert "Rollback criteria" in result.stdout
    data = json.loads(_run(runner, "search", demo_file, "rollback criteria", "--json").stdout)
    assert data
    for hit in data:
        snippet = hit["snippet"].lower()
        assert hit["line"] >= 0
        assert [snippet[s:e] for s, e in hit["spans"]] and all(
            snippet[s:e] in ("rollback", "criteria") for s, e in hit["spans"]
        )
    empty = _run(runner, "search", demo_file, "zebra unicorn")
    assert empty.exit_code == 0 and "No document matches" in empty.stdout


def test_missing_workspace_is_one_error_line(runner, tmp_path: Path) -> None:
    result = _run(runner, "list", tmp_path / "nope.aipm")
    assert result.exit_code == 1
    assert result.stderr.startswith("aipm: error: ")
    assert not (tmp_path / "nope.aipm").exists()


def test_new_help_lists_every_kind(runner) -> None:
    from aipm_desktop.services.documents import known_kinds

    result = runner.invoke(app, ["new", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for kind in known_kinds():
        assert kind in result.output
