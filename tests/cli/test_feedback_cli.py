"""``aipm feedback``: import (dry run, refusal with the rows, the real thing), list with a
class or a search, classify (undoable with ``aipm undo``) and the stats as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aipm_desktop.cli import app
from aipm_desktop.services import triage

runner = CliRunner()
CSV = (
    "text,date,source,customer,tags\n"
    "The draft promised a 60-day refund window,2026-09-03,Zendesk,Northwind,refunds\n"
    "Drafts are slow in the morning,2026-09-04,Intercom,Harbor,\n"
)


def _run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_import_list_classify_and_stats(ws, tmp_path: Path) -> None:
    path = ws.path
    ws.close()
    source = tmp_path / "tickets.csv"
    source.write_text(CSV, encoding="utf-8")
    dry = _run("feedback", "import", path, source, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "2 to add" in dry.output and "Dry run" in dry.output
    done = _run("feedback", "import", path, source)
    assert done.exit_code == 0, done.output
    assert "Imported 2 feedback items" in done.output and "SHA-256" in done.output
    again = _run("feedback", "import", path, source)
    assert "Nothing to import" in again.output

    listed = _run("feedback", "list", path, "--search", "refund", "--json")
    (item,) = json.loads(listed.output)
    assert item["customer"] == "Northwind" and item["triage_class"] == "untriaged"
    table = _run("feedback", "list", path)
    assert "Untriaged" in table.output and "2 items" in table.output

    classified = _run("feedback", "classify", path, item["id"], "3", "--cluster", "refund rules")
    assert classified.exit_code == 0, classified.output
    assert "is Model, cluster 'refund rules'" in classified.output
    models = json.loads(_run("feedback", "list", path, "--class", "model", "--json").output)
    assert [m["id"] for m in models] == [item["id"]]
    assert _run("feedback", "list", path, "--class", "ux").output.strip() == (
        "No feedback items match."
    )
    bad = _run("feedback", "classify", path, item["id"], "weird")
    assert bad.exit_code == 1 and "Unknown feedback class" in bad.output

    stats = json.loads(_run("feedback", "stats", path, "--json", "--count", "0").output)
    assert stats["total"] == 2 and stats["per_class"]["Model"] == 1
    assert stats["by_cluster"]["series"]["refund rules"][0] == 1
    text = _run("feedback", "stats", path)
    assert "By class, per month" in text.output and "Top clusters" in text.output

    assert _run("undo", path).exit_code == 0  # the classification
    from aipm_desktop.store import open_workspace

    reopened = open_workspace(path)
    try:
        assert triage.item(ws=reopened, item_id=item["id"]).triage_class == "untriaged"
    finally:
        reopened.close()


def test_a_file_with_bad_rows_is_refused_with_the_rows(ws, tmp_path: Path) -> None:
    path = ws.path
    ws.close()
    source = tmp_path / "bad.csv"
    source.write_text("text,date,source,customer\n,2026-09-03,Z,C\nok,someday,Z,C\n", "utf-8")
    errors = tmp_path / "problems.csv"
    result = _run("feedback", "import", path, source, "--errors", errors)
    assert result.exit_code == 1
    assert "row 2: text: the text is empty" in result.output
    assert "nothing imported, 2 of 2 rows" in result.output
    assert errors.read_text(encoding="utf-8-sig").startswith("row,column,problem\n2,text,")
