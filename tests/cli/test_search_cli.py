"""``aipm search FILE QUERY``: records of every area found by title, as a table or JSON,
filtered by kind and limited; an unknown kind is a plain error; the file is unchanged."""

from __future__ import annotations

import json
from pathlib import Path


def test_search_finds_records_across_areas(aipm, sample_path: Path, sha256) -> None:
    before = sha256(sample_path)
    out = aipm("search", sample_path, "refund", "--json")
    assert out.exit_code == 0, out.output
    hits = json.loads(out.output)
    kinds = {hit["kind"] for hit in hits}
    assert {"risk", "incident"} <= kinds
    risk = next(hit for hit in hits if hit["kind"] == "risk")
    assert "refund" in risk["title"].lower()
    assert set(risk) == {"kind", "label", "id", "title", "context", "match"}
    assert sha256(sample_path) == before


def test_kind_and_limit(aipm, sample_path: Path) -> None:
    out = aipm("search", sample_path, "art", "--kind", "control", "--limit", "3", "--json")
    assert out.exit_code == 0, out.output
    hits = json.loads(out.output)
    assert len(hits) == 3
    assert {hit["kind"] for hit in hits} == {"control"}
    table = aipm("search", sample_path, "Art. 9", "--kind", "control", "--limit", "1")
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == ["Kind", "Id", "Title", "Context"]
    assert "Art. 9 Risk management system" in lines[2]


def test_nothing_found_and_bad_kind(aipm, sample_path: Path) -> None:
    out = aipm("search", sample_path, "qqqzzz")
    assert out.exit_code == 0
    assert out.output.strip() == "Nothing matches 'qqqzzz'."
    bad = aipm("search", sample_path, "x", "--kind", "planet")
    assert bad.exit_code == 1
    assert "Unknown kind 'planet'" in bad.output
