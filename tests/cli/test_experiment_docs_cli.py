"""``aipm experiments doc FILE EXPERIMENT``: writes the design document, says when it is
up to date, refuses (exit 1, nothing written) once the author edited it, and writes a
fresh one with --new; --json says what it did."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aipm_desktop.cli import app
from aipm_desktop.services import documents
from aipm_desktop.store import open_workspace

PLACEMENT = "Draft placement: inline versus side panel"


def _doc(*args: object):
    return CliRunner().invoke(app, ["experiments", "doc", *map(str, args)], prog_name="aipm")


def test_doc_writes_then_keeps_the_document_in_sync(sample_path: Path) -> None:
    first = _doc(sample_path, PLACEMENT)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Wrote document ")
    assert f"“Experiment design: {PLACEMENT}”. Kept in sync with the experiment." in first.stdout
    again = json.loads(_doc(sample_path, PLACEMENT, "--json").stdout)
    assert again["action"] == "unchanged" and again["in_sync"] and not again["edited"]
    ws = open_workspace(sample_path)
    try:
        doc = documents.get_document(ws=ws, document_id=again["document_id"])
        assert doc.kind == "experiment_design" and "## Decision rules" in doc.body
        assert "**Decision: Ship**" in doc.body  # the demo decided it
    finally:
        ws.close()


def test_doc_leaves_an_edited_document_alone(sample_path: Path) -> None:
    written = json.loads(_doc(sample_path, PLACEMENT, "--json").stdout)
    ws = open_workspace(sample_path)
    try:
        document_id = written["document_id"]
        body = documents.get_document(ws=ws, document_id=document_id).body
        documents.save_body(ws=ws, document_id=document_id, body=body + "\nMy notes.\n")
    finally:
        ws.close()
    before = sample_path.read_bytes()
    refused = _doc(sample_path, PLACEMENT)
    assert refused.exit_code == 1
    assert "edited by hand" in refused.output
    assert sample_path.read_bytes() == before
    fresh = json.loads(_doc(sample_path, PLACEMENT, "--new", "--json").stdout)
    assert fresh["action"] == "created" and fresh["document_id"] != document_id


def test_doc_names_an_unknown_experiment(sample_path: Path) -> None:
    result = _doc(sample_path, "No such test")
    assert result.exit_code == 1
    assert "No such test" in result.output
