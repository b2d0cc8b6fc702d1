"""``aipm audit`` and the short evidence/trace names on the demo workspace: verify passes
and prints the head hash, then names the entry edited, the entry after one removed, and
a tampered evidence file (exit 1); the log filters and exports; ``aipm evidence`` and
``aipm trace`` are the ``aipm controls`` commands under shorter names; remove, prune and
the size limit. Reading never changes the file."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path


def _sql(path: Path, statement: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement, params)
    conn.close()


def _log_ids(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    ids = [i for (i,) in conn.execute("SELECT id FROM change_log ORDER BY id")]
    conn.close()
    return ids


def test_verify_passes_and_prints_the_head(aipm, sample_path: Path, sha256) -> None:
    before = sha256(sample_path)
    out = aipm("audit", "verify", sample_path)
    assert out.exit_code == 0, out.output
    assert "chain verified" in out.output and "every stored file matches" in out.output
    head = re.search(r"Head hash: ([0-9a-f]{64})", out.output)
    assert head is not None
    as_json = json.loads(aipm("audit", "verify", sample_path, "--json").output)
    assert as_json["ok"] is True and as_json["head"] == head.group(1)
    assert as_json["entries"] == len(_log_ids(sample_path))
    assert aipm("audit", "verify", sample_path, "--head", head.group(1)).exit_code == 0
    assert sha256(sample_path) == before


def test_an_edited_entry_is_named_and_exits_1(aipm, sample_path: Path) -> None:
    target = _log_ids(sample_path)[3]
    _sql(sample_path, "UPDATE change_log SET who = 'Mallory' WHERE id = ?", target)
    out = aipm("audit", "verify", sample_path)
    assert out.exit_code == 1
    assert f"chain broken at entry {target} (" in out.output and "by Mallory" in out.output
    broken = json.loads(aipm("audit", "verify", sample_path, "--json").output)["broken"]
    assert (broken["id"], broken["who"]) == (target, "Mallory")


def test_a_removed_entry_is_found_at_the_next(aipm, sample_path: Path) -> None:
    ids = _log_ids(sample_path)
    _sql(sample_path, "DELETE FROM change_log WHERE id = ?", ids[5])
    out = aipm("audit", "verify", sample_path)
    assert out.exit_code == 1
    assert f"entry {ids[6]} (" in out.output and f"({ids[5]}) were removed" in out.output


def test_a_tampered_evidence_file_fails_verify(aipm, sample_path: Path) -> None:
    _sql(sample_path, "UPDATE evidence_blob SET data = X'00' WHERE rowid = 1")
    out = aipm("audit", "verify", sample_path)
    assert out.exit_code == 1
    assert "chain verified" in out.output and "does not match its SHA-256" in out.output


def test_the_log_filters_and_exports(aipm, sample_path: Path, tmp_path: Path) -> None:
    rows = json.loads(aipm("audit", "log", sample_path, "--entity", "use case", "--json").output)
    assert rows and {r["entity"] for r in rows} == {"use_case"}
    who = rows[0]["who"]
    mine = json.loads(aipm("audit", "log", sample_path, "--actor", who.upper(), "--json").output)
    assert mine and {r["who"] for r in mine} == {who}
    text = aipm("audit", "log", sample_path, "--until", "2000-01-01")
    assert text.exit_code == 0 and "No change-log entries match." in text.output
    bad = aipm("audit", "log", sample_path, "--since", "yesterday")
    assert bad.exit_code == 1 and "--since takes a date" in bad.output
    out = tmp_path / "log.csv"
    written = aipm("audit", "log", sample_path, "--entity", "use_case", "--out", out)
    assert written.exit_code == 0, written.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert [int(r["id"]) for r in lines] == [r["id"] for r in rows]
    assert all(len(r["entry_hash"]) == 64 for r in lines)


def test_evidence_and_trace_have_short_names(aipm, sample_path: Path, tmp_path: Path) -> None:
    long = aipm("controls", "evidence", "list", sample_path, "--json")
    short = aipm("evidence", "list", sample_path, "--json")
    assert short.exit_code == 0 and short.output == long.output
    assert aipm("evidence", "verify", sample_path).exit_code == 0
    first = json.loads(short.output)[0]["id"]
    satisfies = aipm("evidence", "satisfies", sample_path, first)
    assert satisfies.exit_code == 0 and "(direct)" in satisfies.output
    out = tmp_path / "trace.xlsx"
    traced = aipm("trace", sample_path, "--out", out)
    assert traced.exit_code == 0 and out.stat().st_size > 0


def test_remove_prune_and_limit(aipm, sample_path: Path, tmp_path: Path) -> None:
    assert "50 MB per file" in aipm("evidence", "limit", sample_path).output
    assert aipm("evidence", "limit", sample_path, 1).exit_code == 0
    big = tmp_path / "big.bin"
    big.write_bytes(b"b" * (1024 * 1024 + 10))
    refused = aipm("evidence", "add", sample_path, big)
    assert refused.exit_code == 1 and "above the evidence size limit of 1.0 MB" in refused.output
    added = aipm("evidence", "add", sample_path, big, "--max-mb", 2)
    assert added.exit_code == 0, added.output
    new_id = int(re.search(r"Added evidence (\d+)", added.output).group(1))  # type: ignore[union-attr]
    removed = aipm("evidence", "remove", sample_path, new_id)
    assert "Removed 1 evidence item and 1 stored file (1.0 MB)." in removed.output
    assert aipm("undo", sample_path).exit_code == 0  # the file is back
    # an orphan, as an older version left them
    _sql(sample_path, "DELETE FROM evidence_item_control WHERE evidence_item_id = ?", new_id)
    _sql(sample_path, "DELETE FROM evidence_item WHERE id = ?", new_id)
    dry = aipm("evidence", "prune", sample_path, "--dry-run", "--json")
    assert json.loads(dry.output) == {"items": 0, "files": 1, "bytes": 1048586, "dry_run": True}
    pruned = aipm("evidence", "prune", sample_path)
    assert pruned.output.strip() == "Removed 1 unused evidence file (1.0 MB)."
    assert aipm("evidence", "prune", sample_path).output.strip() == "No unused evidence files."
