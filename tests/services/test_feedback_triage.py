"""Feedback triage core: the import (all or nothing, duplicates skipped, the file's
SHA-256 kept), classify and bulk re-classify (one operation each, undone whole), links,
the full-text search (kept right through edits and undo) and the counts over time
against a small example worked by hand. (Interview feedback is test_feedback.py.)"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.models import EntityKind, FeedbackItem, UseCase
from aipm_desktop.services import records, triage
from aipm_desktop.services.problems import ImportRefused

#: The same tests on SQLite and on PostgreSQL (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends

HEADER = "text,date,source,customer,tags\n"
#: The hand-worked example: (text, date, source, customer).
ROWS = [
    ("The draft promised a 60-day refund window", "2026-09-03", "Zendesk", "Northwind"),
    ("Refund terms in the reply are made up", "2026-09-20", "Intercom", "Harbor"),
    ("Drafts are slow in the morning", "2026-10-02", "Zendesk", "Harbor"),
    ("The bot gave a stale order status", "2026-10-05", "Survey", "Kestrel"),
    ("Another invented refund rule", "2026-10-06", "Zendesk", "Northwind"),
    ("Why were we charged twice?", "2026-10-07", "Zendesk", "Alder"),
]
TODAY = dt.date(2026, 10, 20)


def _csv(path: Path, rows: list[tuple[str, ...]], header: str = HEADER) -> Path:
    lines = [",".join(f'"{c}"' for c in (*row, "")) for row in rows]
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(ws, path: Path) -> triage.FeedbackPreview:
    preview = triage.preview_import(ws=ws, source=path)
    triage.apply_import(ws=ws, preview=preview)
    return preview


def _ids(ws) -> dict[str, int]:
    return {i.text: i.id for i in triage.items(ws=ws, ids=triage.list_ids(ws=ws))}


@pytest.fixture
def filled(ws, tmp_path):
    _import(ws, _csv(tmp_path / "tickets.csv", ROWS))
    return ws


def test_an_import_adds_every_row_with_its_batch_and_sha256(ws, tmp_path) -> None:
    path = _csv(tmp_path / "tickets.csv", ROWS)
    preview = triage.preview_import(ws=ws, source=path)
    assert (preview.row_count, preview.to_write, preview.rejected) == (6, 6, ())
    changes, added = triage.apply_import(ws=ws, preview=preview)
    assert added == 6 and changes.kind == "feedback_item"
    batch = triage.import_batches(ws=ws)[0]
    assert batch["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (batch["file_name"], batch["row_count"], batch["added"]) == ("tickets.csv", 6, 6)
    stored = triage.items(ws=ws, ids=triage.list_ids(ws=ws))
    assert [i.date for i in stored][:2] == [dt.date(2026, 10, 7), dt.date(2026, 10, 6)]
    assert {i.triage_class for i in stored} == {"untriaged"}
    assert all(i.import_id == batch["id"] for i in stored)
    # one undo step takes the whole import back
    ws.undo()
    assert triage.count_items(ws=ws) == 0 and triage.import_batches(ws=ws) == []


def test_an_xlsx_with_date_cells_and_classes_triaged_elsewhere(ws, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Text", "Date", "Source", "Customer", "Tags", "Class", "Cluster"])
    sheet.append(["Made-up refund rule", dt.datetime(2026, 10, 2), "Zendesk", "Harbor",
                  "refund, ai-reply", "3", "refund policy hallucination"])  # fmt: skip
    sheet.append(["Login is broken", dt.datetime(2026, 10, 3), "Intercom", None, None, None, None])
    source = tmp_path / "tickets.xlsx"
    book.save(source)
    preview = triage.preview_import(ws=ws, source=source)
    assert (preview.to_write, preview.rejected) == (2, ())
    triage.apply_import(ws=ws, preview=preview, who="Lena")
    newer, older = triage.items(ws=ws, ids=triage.list_ids(ws=ws))  # newest first
    assert (older.date, older.triage_class, older.cluster, older.tags) == (
        dt.date(2026, 10, 2),
        "model",
        "refund policy hallucination",
        "refund, ai-reply",
    )
    assert older.triaged_by == "Lena" and older.triaged_at is not None
    assert (newer.triage_class, newer.customer, newer.triaged_by, newer.triaged_at) == (
        "untriaged",
        "",
        "",
        None,
    )


def test_a_file_with_a_bad_row_imports_nothing_and_names_the_rows(ws, tmp_path) -> None:
    rows = [*ROWS, ("", "2026-10-08", "Zendesk", "X"), ("ok", "31/12/2026", "Zendesk", "X")]
    path = _csv(tmp_path / "bad.csv", rows)
    preview = triage.preview_import(ws=ws, source=path)
    assert [n for n, _m in preview.rejected] == [8, 9]
    assert [(p.row, p.column) for p in preview.problems] == [(8, "text"), (9, "date")]
    with pytest.raises(ImportRefused, match="nothing imported, 2 of 8 rows"):
        triage.apply_import(ws=ws, preview=preview)
    assert triage.count_items(ws=ws) == 0


def test_future_dates_unknown_classes_and_missing_columns_are_refused(ws, tmp_path) -> None:
    header = "text,date,source,customer,class,ticket_id\n"
    path = tmp_path / "extra.csv"
    path.write_text(
        header + "a,2026-10-01,Z,C,model,1\nb,2099-01-01,Z,C,,2\nc,2026-10-01,Z,C,weird,3\n",
        encoding="utf-8",
    )
    preview = triage.preview_import(ws=ws, source=path)
    assert preview.ignored_columns == ("ticket_id",)
    assert [p.column for p in preview.problems] == ["date", "class"]
    assert preview.rows[0][6] == "model"
    (tmp_path / "short.csv").write_text("text,date\nx,2026-10-01\n", encoding="utf-8")
    with pytest.raises(UserError, match="missing column"):
        triage.preview_import(ws=ws, source=tmp_path / "short.csv")


def test_importing_the_same_file_again_adds_nothing(filled, tmp_path) -> None:
    again = triage.preview_import(ws=filled, source=tmp_path / "tickets.csv")
    assert (again.to_write, len(again.duplicates)) == (0, 6)
    assert "same content" in again.earlier_import
    more = _csv(tmp_path / "more.csv", [*ROWS[:2], ("New one", "2026-10-08", "Zendesk", "A")])
    preview = triage.preview_import(ws=filled, source=more)
    assert [r[1] for r in preview.rows] == ["New one"]


def test_classify_stamps_who_and_when_and_is_one_undo_step(filled) -> None:
    item_id = _ids(filled)["Another invented refund rule"]
    mark = filled.operation_mark()
    triage.classify(
        ws=filled, item_id=item_id, triage_class="3", cluster=" refund  rules ", who="Lena"
    )
    ops = filled.operations_since(mark)
    assert len(ops) == 1 and ops[0].kinds == {EntityKind.FEEDBACK_ITEM}
    assert ops[0].label == f"classify feedback #{item_id} as Model"
    info = triage.item(ws=filled, item_id=item_id)
    assert (info.triage_class, info.cluster, info.triaged_by) == ("model", "refund rules", "Lena")
    assert info.triaged_at is not None
    triage.classify(ws=filled, item_id=item_id, triage_class="untriaged")
    back = triage.item(ws=filled, item_id=item_id)
    assert (back.triaged_at, back.triaged_by, back.cluster) == (None, "", "refund rules")
    filled.undo()
    filled.undo()
    assert triage.item(ws=filled, item_id=item_id).triage_class == "untriaged"
    assert triage.item(ws=filled, item_id=item_id).cluster == ""
    with pytest.raises(UserError, match="Unknown feedback class"):
        triage.classify(ws=filled, item_id=item_id, triage_class="7")


def test_bulk_reclassify_is_one_operation_undone_whole(filled) -> None:
    ids = list(_ids(filled).values())
    triage.classify(ws=filled, item_id=ids[0], triage_class="ux")
    mark = filled.operation_mark()
    triage.reclassify(ws=filled, item_ids=ids, triage_class="policy", cluster="PII")
    assert len(filled.operations_since(mark)) == 1
    assert {(i.triage_class, i.cluster) for i in triage.items(ws=filled, ids=ids)} == {
        ("policy", "PII")
    }
    filled.undo()
    classes = [i.triage_class for i in triage.items(ws=filled, ids=ids)]
    assert classes == ["ux"] + ["untriaged"] * 5
    filled.redo()
    assert triage.list_ids(ws=filled, triage_class="policy") == triage.list_ids(ws=filled)


def test_links_clusters_and_completion(filled) -> None:
    ids = _ids(filled)
    use_case, _ = records.create(ws=filled, model=UseCase, data={"title": "Reply drafts"})
    refund = [ids[t] for t in ids if "efund" in t]
    triage.set_cluster(ws=filled, item_ids=refund, cluster="refund hallucination")
    triage.set_cluster(ws=filled, item_ids=[ids["Drafts are slow in the morning"]], cluster="slow")
    triage.update_item(ws=filled, item_id=refund[0], data={"use_case_id": use_case.id})
    assert triage.item(ws=filled, item_id=refund[0]).links == {"use_case_id": "Reply drafts"}
    assert triage.cluster_names(ws=filled) == ["refund hallucination", "slow"]
    assert triage.cluster_names(ws=filled, prefix="REF") == ["refund hallucination"]
    with pytest.raises(UserError, match="does not exist"):
        triage.update_item(ws=filled, item_id=refund[0], data={"risk_id": 999})
    records.delete(ws=filled, model=UseCase, id=use_case.id)  # the link clears
    assert triage.item(ws=filled, item_id=refund[0]).use_case_id is None


def test_full_text_search_finds_word_prefixes_and_follows_edits_and_undo(filled) -> None:
    ids = _ids(filled)
    found = triage.list_ids(ws=filled, search="refund")
    assert sorted(found) == sorted(ids[t] for t in ids if "refund" in t.lower())
    assert triage.list_ids(ws=filled, search="refu wind") == [ids[ROWS[0][0]]]
    assert triage.list_ids(ws=filled, search="northwind refund") == [
        ids["Another invented refund rule"],
        ids[ROWS[0][0]],
    ]
    assert triage.list_ids(ws=filled, search='"OR" * -x') == []  # syntax taken literally
    slow = ids["Drafts are slow in the morning"]
    triage.set_cluster(ws=filled, item_ids=[slow], cluster="latency peak")
    assert triage.list_ids(ws=filled, search="latency") == [slow]
    filled.undo()
    assert triage.list_ids(ws=filled, search="latency") == []
    triage.delete_items(ws=filled, item_ids=[slow])
    assert triage.list_ids(ws=filled, search="slow") == []
    filled.undo()
    assert triage.list_ids(ws=filled, search="slow") == [slow]
    if filled.on_server:
        return  # PostgreSQL's index is an expression index: nothing apart to drift
    check = sqlite3.connect(filled.path)  # the index agrees with the table
    try:
        check.execute("INSERT INTO feedback_fts(feedback_fts) VALUES ('integrity-check')")
    finally:
        check.close()


def test_counts_per_class_and_cluster_over_time_match_the_hand_count(filled) -> None:
    ids = _ids(filled)
    plan = {
        ROWS[0][0]: ("model", "refund hallucination"),
        ROWS[1][0]: ("model", "refund hallucination"),
        ROWS[2][0]: ("model", "latency"),
        ROWS[3][0]: ("data", "stale orders"),
        ROWS[4][0]: ("model", "refund hallucination"),
    }
    for text_, (klass, cluster) in plan.items():
        triage.classify(ws=filled, item_id=ids[text_], triage_class=klass, cluster=cluster)
    monthly = triage.counts_by_class(ws=filled, period="month", count=3, today=TODAY)
    assert monthly.labels == ("Aug 2026", "Sep 2026", "Oct 2026")
    series = {s.key: list(s.counts) for s in monthly.series}
    # September: two refund items (model); October: slow (model), refund (model),
    # stale order (data) and the charge question (untriaged).
    assert series == {
        "ux": [0, 0, 0],
        "data": [0, 0, 1],
        "model": [0, 2, 2],
        "policy": [0, 0, 0],
        "not_ai": [0, 0, 0],
        "untriaged": [0, 0, 1],
    }
    weekly = triage.counts_by_cluster(ws=filled, period="week", count=7, today=TODAY)
    assert weekly.starts[0] == dt.date(2026, 9, 7) and weekly.labels[-1] == "2026-W43"
    clusters = {s.label: list(s.counts) for s in weekly.series}
    # weeks from Mon 7 Sep: the refund item of the 20th is in the week of the 14th,
    # the items of 2, 5 and 6 October in the weeks of 28 Sep and 5 Oct.
    assert clusters == {
        "refund hallucination": [0, 1, 0, 0, 1, 0, 0],
        "latency": [0, 0, 0, 1, 0, 0, 0],
        "stale orders": [0, 0, 0, 0, 1, 0, 0],
    }
    top = triage.top_clusters(ws=filled, today=TODAY)
    assert [(r.cluster, r.this_month, r.last_month, r.change) for r in top.rows] == [
        ("refund hallucination", 1, 2, -1),  # this month's most, then last month's
        ("latency", 1, 0, 1),
        ("stale orders", 1, 0, 1),
    ]
    stats = triage.feedback_stats(ws=filled, today=TODAY)
    assert stats.total == 6 and stats.per_class["Model"] == 4
    assert stats.as_dict()["top_clusters"]["this_month"] == "2026-10-01"
    everything = triage.counts_by_class(ws=filled, period="month", count=0, today=TODAY)
    assert everything.labels[0] == "Sep 2026"


def test_the_next_untriaged_item_follows_the_given_order(filled) -> None:
    order = triage.list_ids(ws=filled)
    triage.reclassify(ws=filled, item_ids=order[:3], triage_class="ux")
    assert triage.first_untriaged(ws=filled, candidates=order) == order[3]
    assert triage.first_untriaged(ws=filled, candidates=order[:3]) is None
    assert triage.parse_class("Not AI") is triage.parse_class("5")


def test_cells_are_tidied_and_classes_read_across_a_whole_file(ws, tmp_path) -> None:
    path = tmp_path / "messy.csv"
    path.write_text(
        "text,date,source,customer,tags,class,cluster\n"
        '" Wrong refund  rule ",2026-10-01,Zendesk,"North   wind","refund,\tai",Model,'
        "refund  hallucination\n"
        "Slow page,2026-10-02,  Intercom ,Harbor,,,\n"
        "Stale status,2026-10-03,Survey,Kestrel,,not ai,\n",
        encoding="utf-8",
    )
    preview = triage.preview_import(ws=ws, source=path)
    assert preview.rejected == ()
    assert [r[1:] for r in preview.rows] == [
        ("Wrong refund  rule", dt.date(2026, 10, 1), "Zendesk", "North wind", "refund, ai",
         "model", "refund hallucination"),
        ("Slow page", dt.date(2026, 10, 2), "Intercom", "Harbor", "", "untriaged", ""),
        ("Stale status", dt.date(2026, 10, 3), "Survey", "Kestrel", "", "not_ai", ""),
    ]  # fmt: skip


def test_a_large_import_reports_progress_and_is_searchable_and_undone_whole(
    ws, tmp_path, monkeypatch
) -> None:
    from aipm_desktop.store import bulk

    monkeypatch.setattr(bulk, "CHUNK", 2)  # three blocks of rows
    preview = triage.preview_import(ws=ws, source=_csv(tmp_path / "tickets.csv", ROWS))
    seen: list[tuple[int, int]] = []
    triage.apply_import(
        ws=ws, preview=preview, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(0, 6), (2, 6), (4, 6), (6, 6)]
    assert triage.count_items(ws=ws) == 6
    assert len(triage.list_ids(ws=ws, search="refund")) == 3
    assert len(triage.list_ids(ws=ws, search="northwind")) == 2
    assert ws.history(limit=1)[0]["rows"] == 7  # the batch and six items, one operation
    ws.undo()
    assert triage.count_items(ws=ws) == 0
    assert triage.list_ids(ws=ws, search="refund") == []


def test_an_import_after_an_undone_import_gets_new_ids(ws, tmp_path) -> None:
    """A bulk import never hands out an id a deleted item had: a form or an undo still
    holding the old id must not reach a new item."""
    _import(ws, _csv(tmp_path / "first.csv", ROWS[:3]))
    first = sorted(_ids(ws).values())
    ws.undo()  # the whole import taken back: its ids are free but never given again
    _import(ws, _csv(tmp_path / "second.csv", ROWS[3:]))
    second = sorted(_ids(ws).values())
    assert second[0] > first[-1]
    newest = triage.items(ws=ws, ids=[second[-1]])[0]
    records.delete(ws=ws, model=FeedbackItem, id=newest.id)
    _import(ws, _csv(tmp_path / "third.csv", [("A third batch", "2026-10-09", "Zendesk", "")]))
    assert _ids(ws)["A third batch"] > newest.id
