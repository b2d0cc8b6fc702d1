"""The Controls area's Evidence, Gaps and Traceability tabs as a user meets them: a file
stored, deduplicated and saved back byte for byte, refusals that store nothing, what an
item satisfies through the crosswalk, a hand-counted coverage with expiring evidence and
its chart, the matrix exported as CSV and XLSX, and the area opened from the main window."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from PySide6.QtGui import QDesktopServices
from sqlalchemy import func, select

from aipm_desktop.models import EvidenceItem, Risk, UseCase
from aipm_desktop.models.common import table_of
from aipm_desktop.services import clock, records, risks
from aipm_desktop.services import controls as ctl
from aipm_desktop.services.changes import Changes
from aipm_desktop.ui.controls.page import TAB_EVIDENCE, TAB_GAPS, TAB_TRACE, ControlsPage


def _use_case(ws, title: str) -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    return int(obj.id)


def _count(ws) -> int:
    with ws.engine.connect() as conn:
        query = select(func.count()).select_from(table_of(EvidenceItem))
        return int(conn.execute(query).scalar())


@pytest.fixture
def scoring(ws) -> int:
    return _use_case(ws, "Claims scoring")


@pytest.fixture
def page(controls_page, scoring):
    controls_page.show_level(scoring)
    return controls_page


def _tick(dialog, *refs: str) -> None:
    ids = {ctl.find_control(ws=dialog.ctx.workspace, ref=r) for r in refs}
    dialog.set_checked(ids)


def test_a_file_is_stored_once_linked_again_and_saved_back_identical(
    qtbot, page, ws, scoring, tmp_path, monkeypatch
):
    page.tabs.setCurrentIndex(TAB_EVIDENCE)
    tab = page.evidence
    assert tab.stack.currentIndex() == 0  # the empty state says what to do
    report = tmp_path / "logging-test.pdf"
    report.write_bytes(b"%PDF-1.4 event logging test report\x00\xff")
    dialog = page.add_evidence()
    dialog.path_edit.setText(str(report))
    dialog.valid_until.setText("2027-06-30")
    dialog.reviewer_edit.setText("Mia Wong")
    assert not dialog.add()
    assert "Tick at least one control" in dialog.problem.text()
    _tick(dialog, "eu_ai_act:Art. 12")
    assert dialog.add()
    assert [e.title for e in tab.model.rows] == ["logging-test.pdf"]
    item = tab.model.rows[0]
    assert (item.kind, item.reviewer, item.controls) == ("file", "Mia Wong", ("eu_ai_act:Art. 12",))
    # Art. 12 is equivalent to ISO A.6.2.8: the item satisfies both
    how = [(s.control, s.how, s.via) for s in tab.satisfied_model.rows]
    assert ("eu_ai_act:Art. 12", "direct", "") in how
    assert ("iso_42001:A.6.2.8", "equivalent", "eu_ai_act:Art. 12") in how
    assert "SHA-256" in tab.info.text() and "reviewed by Mia Wong" in tab.info.text()

    # the same bytes again for the same use case: one item, linked to the new control too
    dialog = page.add_evidence()
    dialog.path_edit.setText(str(report))
    _tick(dialog, "nist_ai_rmf:MEASURE 2.8")
    assert dialog.add() and dialog.added is not None and dialog.added.reused
    assert _count(ws) == 1
    assert tab.model.rows[0].controls == ("eu_ai_act:Art. 12", "nist_ai_rmf:MEASURE 2.8")

    out = tab.save_file(tmp_path / "copy.pdf")
    assert out is not None and out.read_bytes() == report.read_bytes()
    assert tab.saved_label.text() == "Saved copy.pdf"

    # "Open file" hands the viewer a copy in one folder for the session, removed at exit
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    first, second = tab.open_file(), tab.open_file()
    assert first is not None and second is not None and opened == [str(first), str(second)]
    assert first.read_bytes() == report.read_bytes() and first.name == "logging-test.pdf"
    assert first.parent.parent == second.parent.parent
    assert first.parent.parent.name.startswith("aipm-evidence-")

    page.ctx.undo_stack.undo()  # the second link
    assert tab.model.rows[0].controls == ("eu_ai_act:Art. 12",)


def test_refusals_show_in_the_dialog_and_store_nothing(qtbot, page, ws, tmp_path):
    big = tmp_path / "huge.bin"
    with big.open("wb") as handle:  # sparse: above the limit without writing 50 MB
        handle.truncate(ctl.DEFAULT_MAX_BYTES + 1)
    dialog = page.add_evidence()
    dialog.path_edit.setText(str(big))
    _tick(dialog, "eu_ai_act:Art. 12")
    assert not dialog.add()
    assert "above the evidence size limit of 50.0 MB" in dialog.problem.text()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("url"))
    dialog.url_edit.setText("wiki.example/policy")
    assert not dialog.add()
    assert "needs a scheme" in dialog.problem.text()
    dialog.url_edit.setText("https://wiki.example/policy")
    dialog.valid_from.setText("2027-01-01")
    dialog.valid_until.setText("2026-01-01")
    assert not dialog.add()
    assert "before valid from" in dialog.problem.text()
    dialog.valid_from.setText("soon")
    assert not dialog.add()
    assert "'soon' is not a date" in dialog.problem.text()
    assert _count(ws) == 0
    dialog.valid_from.clear()
    dialog.valid_until.clear()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("ticket"))
    dialog.ticket_edit.setText("SEC-118")
    assert dialog.add()
    assert [(e.kind, e.target) for e in page.evidence.model.rows] == [("ticket", "SEC-118")]


def test_gaps_count_coverage_by_hand_list_expiry_and_draw_the_chart(
    qtbot, page, ws, scoring, tmp_path
):
    page.tabs.setCurrentIndex(TAB_GAPS)
    tab = page.gaps
    qtbot.waitUntil(lambda: not tab.busy.running)
    assert tab.stack.currentIndex() == 0 and "No control of this catalog" in tab.empty.text()
    # three ISO controls for the use case: A.6.2.8 implemented with evidence valid 10 more
    # days (covered), A.6.2.4 verified without evidence, A.5.3 not started: 1 of 3 covered
    refs = {
        r: ctl.find_control(ws=ws, ref=f"iso_42001:{r}") for r in ("A.6.2.8", "A.6.2.4", "A.5.3")
    }
    for ref, status in (
        ("A.6.2.8", "implemented"),
        ("A.6.2.4", "verified"),
        ("A.5.3", "not_started"),
    ):
        ctl.set_status(ws=ws, control_id=refs[ref], use_case_id=scoring, values={"status": status})
    until = clock.today() + dt.timedelta(days=10)
    about = ctl.About(use_case_id=scoring, control_ids=(refs["A.6.2.8"],), valid_until=until)
    ctl.add_reference(ws=ws, kind="url", target="https://wiki.example/logs", about=about)
    page.ctx.notify(Changes("control_status"))  # written by another window
    tab.catalog_combo.setCurrentIndex(
        tab.catalog_combo.findText("ISO/IEC 42001:2023 Annex A (2023)")
    )
    qtbot.waitUntil(lambda: not tab.busy.running)  # computed off the UI thread
    assert tab.stack.currentIndex() == 1
    report = tab.current()
    assert (report.use_case, report.applicable, report.covered) == ("Claims scoring", 3, 1)
    assert tab.overview_model.index(tab.overview.currentIndex().row(), 3).data() == "33 %"
    assert "33 % covered (1 of 3); 2 missing" in tab.level_label.text()
    missing = [(g.ref, g.missing) for g in tab.missing_model.rows]
    # high priority first
    assert missing == [("A.6.2.4", "no evidence"), ("A.5.3", "not started, no evidence")]
    assert [(e.title, e.days_left) for e in tab.expiring_model.rows] == [
        ("https://wiki.example/logs", 10)
    ]
    tab.detail.setCurrentWidget(tab.chart)
    figure = tab.chart.figure()
    assert figure.axes and "ISO/IEC 42001" in figure.texts[0].get_text()
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == ["Claims scoring"]
    out = tab.export_chart(tmp_path / "gaps.png")
    assert out is not None and out.stat().st_size > 1000


def test_trace_rows_filter_and_export_csv_and_xlsx(qtbot, page, ws, scoring, tmp_path):
    from aipm_desktop.models import Kpi

    control = ctl.find_control(ws=ws, ref="iso_42001:A.6.2.8")
    ctl.set_status(ws=ws, control_id=control, use_case_id=scoring, values={"status": "verified"})
    records.create(ws=ws, model=Kpi, data={"name": "Claims auto-scored", "use_case_id": scoring})
    risk, _ = records.create(ws=ws, model=Risk, data={"title": "Scores drift"})
    risks.set_links(ws=ws, risk_id=risk.id, use_case_ids=[scoring])  # a row of its own
    page.tabs.setCurrentIndex(TAB_TRACE)
    tab = page.trace
    page.show_level(None)
    page.show_level(scoring)
    qtbot.waitUntil(lambda: not tab.busy.running)
    rows = [(r.use_case, r.control, r.status, r.kpis) for r in tab.model.rows]
    assert ("Claims scoring", "iso_42001:A.6.2.8", "verified", "Claims auto-scored") in rows
    tab.filter_box.setText("A.6.2.8")
    tab.filter_box.flush()
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 5).data() == "verified"
    # exported in the background: every row of the level, whatever the filter
    with qtbot.waitSignal(tab.export(tmp_path / "trace.csv").done):
        assert not tab.export_button.isEnabled()
    assert tab.saved_label.text().startswith("Saved") and tab.export_button.isEnabled()
    with (tmp_path / "trace.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0][:4] == ["use_case", "risks", "mitigations", "control"]
    assert ["Claims scoring", "", "", "iso_42001:A.6.2.8"] in [row[:4] for row in table]
    assert len(table) == 1 + len(tab.rows) and len(tab.rows) > tab.model.rowCount() == 1
    assert ["Claims scoring", "Scores drift"] in [row[:2] for row in table]
    with qtbot.waitSignal(tab.export(tmp_path / "trace.xlsx").done):
        pass
    assert (tmp_path / "trace.xlsx").read_bytes()[:2] == b"PK"


def test_the_area_opens_from_the_main_window(qtbot, main_window, ws):
    action = main_window.actions["view_controls"]
    assert action.shortcut().toString() == "Ctrl+0"
    action.trigger()
    page = main_window.pages["controls"]
    assert isinstance(page, ControlsPage)
    assert page.tabs.count() == 6
    assert page.level_combo.itemText(0).startswith("Organisation")


def test_a_read_only_workspace_offers_no_edits(qtbot, app_ctx, ws, tmp_path):
    from aipm_desktop.store import open_workspace

    path = ws.path
    ws.close()
    readonly = open_workspace(path, readonly=True)
    app_ctx.set_workspace(readonly)
    page = ControlsPage(app_ctx)
    qtbot.addWidget(page)
    assert not page.evidence_button.isEnabled() and not page.import_button.isEnabled()
    assert page.add_evidence() is None and page.import_catalog() is None
    assert not page.crosswalk.add_button.isEnabled()
