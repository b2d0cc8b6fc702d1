"""The Audit trail area, driven as a user would: the change log newest first, filtered by
person, record kind, days and words; Verify says "chain verified" with the head hash,
then names the entry someone edited with sqlite3; Export writes the entries shown; the
list follows new edits; the evidence size limit is set on the settings page (undoable)."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3

import pytest
from PySide6.QtCore import QDate, Qt

from aipm_desktop.models import Risk
from aipm_desktop.services import records
from aipm_desktop.services import workspace as workspace_service


@pytest.fixture
def edited(edited_ws):
    return edited_ws


@pytest.fixture
def page(qtbot, main_window, edited):
    shown = main_window.show_area("audit")
    qtbot.waitExposed(shown)
    return shown


def _column(page, key: str) -> list[str]:
    model = page.pane.model
    column = model.spec.index_of(key)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _choose(combo, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))


def test_the_log_shows_newest_first_and_filters(qtbot, page) -> None:
    assert _column(page, "label") == ["Prompt injection", "Ticket triage", "Reply drafts"]
    assert _column(page, "action") == ["Create"] * 3
    assert _column(page, "changes")[0].startswith("title: - -> Prompt injection")
    assert page.pane.count_label.text() == "3 entries"

    _choose(page.actor_combo, "Dana")
    assert _column(page, "label") == ["Ticket triage", "Reply drafts"]
    _choose(page.entity_combo, "Use case")
    qtbot.keyClicks(page.pane.filter_box, "reply")
    page.pane.filter_box.flush()
    assert _column(page, "label") == ["Reply drafts"]

    page.clear_button.click()
    assert len(_column(page, "label")) == 3
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    page.until_edit.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    assert _column(page, "label") == [] and page.pane.empty_label.isVisible()
    page.since_edit.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    page.until_edit.setDate(page.until_edit.minimumDate())
    assert len(_column(page, "label")) == 3


def test_a_new_edit_appears_and_the_people_list_grows(qtbot, page, edited, main_window) -> None:
    with qtbot.waitSignal(main_window.ctx.changed):
        main_window.ctx.notify(
            records.create(ws=edited, model=Risk, data={"title": "Data leak"}, who="Kim")[1]
        )
    assert _column(page, "label")[0] == "Data leak"
    assert page.actor_combo.findText("Kim") > 0


def test_verify_says_verified_then_names_the_edited_entry(qtbot, page, edited) -> None:
    page.verify_button.click()
    task = page.verify_task
    assert task is not None and not page.verify_button.isEnabled()
    qtbot.waitUntil(lambda: task.is_done, timeout=20_000)
    text = page.status.text()
    assert text.startswith("Chain verified: 3 entries. Head hash ")
    assert "Every evidence file matches its SHA-256." in text
    assert page.verify_button.isEnabled()

    entry = int(_column(page, "id")[1])  # "Ticket triage"
    conn = sqlite3.connect(edited.path)
    with conn:
        conn.execute("UPDATE change_log SET label = 'Churn model' WHERE id = ?", (entry,))
    conn.close()
    task = page.verify()
    assert task is not None
    qtbot.waitUntil(lambda: task.is_done, timeout=20_000)
    assert page.status.text().startswith(f"Chain broken at entry {entry} (")
    assert "'Churn model'" in page.status.text() and "by Dana" in page.status.text()
    assert page.status.objectName() == "verifyStatusBroken"


def test_export_writes_the_entries_shown(qtbot, page, tmp_path, monkeypatch) -> None:
    from aipm_desktop.ui.audit import page as page_module

    _choose(page.actor_combo, "Lee")
    out = tmp_path / "audit.csv"
    monkeypatch.setattr(page_module, "ask_save_path", lambda *_a: out)
    task = page._on_export_clicked()
    assert task is not None
    qtbot.waitUntil(lambda: task.is_done, timeout=20_000)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["who"], r["entity"], r["label"]) for r in rows] == [
        ("Lee", "risk", "Prompt injection")
    ]
    assert page.saved.text() == "Saved audit.csv"


def test_the_evidence_limit_is_set_on_the_settings_page(qtbot, main_window, ws) -> None:
    settings = main_window.show_area("settings")
    spin = settings.evidence_limit
    assert spin.value() == 50
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "12")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert workspace_service.get_settings(ws=ws).evidence_max_mb == 12
    assert main_window.actions["undo"].text() == "Undo set evidence size limit"
    with qtbot.waitSignal(main_window.ctx.changed):
        main_window.actions["undo"].trigger()
    assert workspace_service.get_settings(ws=ws).evidence_max_mb == 50
    assert spin.value() == 50
