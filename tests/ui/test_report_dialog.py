"""File ▸ Export report…: choose, reorder, see the outline, export in a worker, save a
named report (undoable)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.services.reports import saved as saved_reports

CHECKED = Qt.CheckState.Checked


@pytest.fixture
def dialog(qtbot, app_ctx, sample_ws, monkeypatch):
    from aipm_desktop.ui.reports import export_dialog

    opened: list[str] = []
    monkeypatch.setattr(
        export_dialog.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile())
    )
    app_ctx.set_workspace(sample_ws)
    widget = export_dialog.ExportReportDialog(app_ctx)
    widget.opened = opened
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.outline_task is None and widget.outline.count() > 0)
    return widget


def _outline(qtbot, dialog) -> list[str]:
    qtbot.waitUntil(lambda: dialog.outline_task is None and not dialog._outline_later.isActive())
    return [dialog.outline.item(r).text() for r in range(dialog.outline.count())]


def _section_keys(dialog) -> list[str]:
    return [dialog.section_list.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(dialog.section_list.count())]  # fmt: skip


def test_the_outline_follows_the_sections_chosen_and_their_order(qtbot, dialog) -> None:
    outline = _outline(qtbot, dialog)
    assert outline[0] == "Executive summary" and "    Ranking" in outline
    # uncheck everything but the risk register and the portfolio, then move risks up
    for row in range(dialog.section_list.count()):
        item = dialog.section_list.item(row)
        if item.data(Qt.ItemDataRole.UserRole) not in ("portfolio", "risks"):
            item.setCheckState(Qt.CheckState.Unchecked)
    dialog.section_list.setCurrentRow(_section_keys(dialog).index("risks"))
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert dialog.options().sections == ("risks", "portfolio")
    outline = _outline(qtbot, dialog)
    assert [t for t in outline if not t.startswith(" ")] == ["Risk register", "Portfolio"]
    assert dialog.status.text() == "2 sections, the whole portfolio."


def test_a_rai_pack_lists_the_chosen_use_case(qtbot, dialog) -> None:
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("rai-pack"))
    titles = [dialog.use_case_list.item(r).text() for r in range(dialog.use_case_list.count())]
    row = titles.index("Help-center answer bot")
    dialog.use_case_list.item(row).setCheckState(CHECKED)
    outline = _outline(qtbot, dialog)
    assert outline[0] == "Help-center answer bot: responsible-AI documentation"
    assert "    Human oversight" in outline and "Controls and evidence" in outline
    # the matrix of the chosen use case follows the organisation-wide controls
    trace = outline.index("Traceability matrix")
    assert outline[trace + 1 : trace + 3] == ["    Organisation-wide", "    Help-center answer bot"]
    assert dialog.status.text() == "4 sections, 1 use case."


def test_export_writes_the_file_in_a_worker_and_opens_it(qtbot, dialog, tmp_path: Path) -> None:
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("readout"))
    dialog.client_safe.setChecked(True)
    dialog.as_of.set_value(dt.date(2026, 12, 1))
    out = tmp_path / "readout.html"
    with qtbot.waitSignal(dialog.exported, timeout=120_000) as signal:
        dialog.export_to(out)
    assert signal.args == [out]
    html = out.read_text()
    assert "Executive readout" in html and "Client confidential" in html and "<script" not in html
    assert dialog.opened == [str(out)]
    assert dialog.status.text() == f"Saved {out}"
    assert dialog.export_button.isEnabled()


def test_save_as_named_report_is_one_undo_step_and_loads_back(
    qtbot, dialog, app_ctx, sample_ws
) -> None:
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("readout"))
    dialog.page_size.setCurrentIndex(dialog.page_size.findData("letter"))
    dialog.hide_names.setChecked(True)
    dialog.as_of.set_value(dt.date(2026, 11, 30))
    assert dialog.save_as("Monthly review")
    saved = saved_reports.find_saved(ws=sample_ws, name="Monthly review")
    assert saved.kind == "readout" and saved.options.page_size == "letter"
    assert saved.options.hide_names and saved.options.as_of == dt.date(2026, 11, 30)
    assert dialog.saved_combo.currentText() == "Monthly review"
    # another choice, then load the saved one back
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("assessment"))
    dialog.hide_names.setChecked(False)
    dialog.load(saved.options)
    assert dialog.options() == saved.options
    app_ctx.undo_stack.undo()
    assert saved_reports.saved_reports(ws=sample_ws) == []


def test_file_menu_opens_the_dialog(qtbot, main_window) -> None:
    action = main_window.actions["export_report"]
    assert action.isEnabled() and action.text() == "Export &Report…"
    dialog = main_window.open_report_dialog()
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.outline_task is None and dialog.outline.count() > 0)
    dialog.close()


def test_a_model_card_needs_one_use_case_and_writes_markdown(qtbot, dialog, tmp_path: Path) -> None:
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("model-card"))
    assert [dialog.section_list.item(r).text() for r in range(dialog.section_list.count())] == [
        "A model card has fixed parts: see the outline."
    ]
    assert not dialog.section_list.isEnabled() and not dialog.up_button.isEnabled()
    assert not dialog.export_button.isEnabled() and dialog.options().sections == ()
    assert dialog.outline.item(0).text() == "(check one use case to see its model card)"
    titles = [dialog.use_case_list.item(r).text() for r in range(dialog.use_case_list.count())]
    dialog.use_case_list.item(titles.index("Help-center answer bot")).setCheckState(CHECKED)
    outline = _outline(qtbot, dialog)
    assert outline[0] == "Model card for Help-center answer bot"
    assert "Uses" in [t.strip() for t in outline] and dialog.export_button.isEnabled()
    assert dialog.status.text().startswith("Model card of Help-center answer bot")
    dialog.use_case_list.item(titles.index("Agent reply drafts")).setCheckState(CHECKED)
    assert not dialog.export_button.isEnabled()
    dialog.use_case_list.item(titles.index("Agent reply drafts")).setCheckState(
        Qt.CheckState.Unchecked
    )
    dialog.as_of.set_value(dt.date(2026, 12, 1))
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("readout"))
    assert dialog.section_list.isEnabled() and dialog.up_button.isEnabled()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("model-card"))
    out = tmp_path / "card.md"
    with qtbot.waitSignal(dialog.exported, timeout=120_000):
        dialog.export_to(out)
    assert out.read_text().startswith("---\ntags:")
    assert "# Model card for Help-center answer bot" in out.read_text()
    assert dialog.opened == [str(out)]


def test_the_save_dialog_offers_the_card_formats(monkeypatch, dialog) -> None:
    from aipm_desktop.ui.reports import export_dialog

    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(
        export_dialog, "ask_save_path",
        lambda _parent, _title, start, filters: asked.append((Path(start).name, filters)),
    )  # fmt: skip
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("model-card"))
    dialog._on_export_button_clicked()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("readout"))
    dialog._on_export_button_clicked()
    assert asked[0] == ("model-card.md", "Model card, Markdown (*.md);;CycloneDX ML-BOM (*.json)")
    assert asked[1][0] == "executive-readout.pdf" and "PowerPoint deck (*.pptx)" in asked[1][1]
