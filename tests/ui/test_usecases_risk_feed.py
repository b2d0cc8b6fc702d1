"""The Use cases page's "Risk criterion from the risk register" option."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from aipm_desktop.models import Risk, Score, UseCase
from aipm_desktop.services import records, risks, scoring
from aipm_desktop.ui.undo import UpdateRecordCommand
from aipm_desktop.ui.usecases.grid import RISK_FEED_LABEL
from aipm_desktop.ui.usecases.grid_model import FED_ROLE

TOOLTIP = Qt.ItemDataRole.ToolTipRole
FONT = Qt.ItemDataRole.FontRole

# business value, marginal value, reach, data, technical, time to value, safety, cost to serve
TOP_LEVELS = [4, 4, 4, 4, 4, 4, 1, 2]  # 78.0
SECOND_LEVELS = [4, 4, 4, 3, 4, 4, 1, 2]  # 74.25


def _use_case(ws, title: str, levels: list[int]) -> int:
    use_case, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    for crit, level in zip(scoring.model_criteria(ws=ws), levels, strict=True):
        scoring.set_score(ws=ws, use_case_id=use_case.id, criterion_id=crit.id, value=level)
    return use_case.id


@pytest.fixture
def portfolio(ws):
    """Two fully scored use cases; an open risk with residual 4 x 5 = 20 on the top one."""
    top = _use_case(ws, "Claims triage assistant", TOP_LEVELS)
    second = _use_case(ws, "Invoice matching", SECOND_LEVELS)
    risk, _ = records.create(
        ws=ws,
        model=Risk,
        data={
            "title": "Wrong denial of a valid claim",
            "likelihood": 5,
            "impact": 5,
            "residual_likelihood": 4,
            "residual_impact": 5,
        },
    )
    risks.set_links(ws=ws, risk_id=risk.id, use_case_ids=[top])
    safety = scoring.risk_feed_criterion(scoring.model_criteria(ws=ws))
    assert safety is not None and safety.key == "safety_compliance"
    return {"top": top, "second": second, "risk": risk.id, "safety": safety.id}


@pytest.fixture
def page(qtbot, app_ctx, ws, portfolio):
    from aipm_desktop.ui.usecases.page import UseCasesPage

    app_ctx.set_workspace(ws)
    widget = UseCasesPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.tabs.setCurrentWidget(widget.grid_tab)
    return widget


def _order(model) -> list[int]:
    return [model.use_case_at(row).use_case_id for row in range(model.rowCount())]


def _stored(ws, use_case_id: int, criterion_id: int) -> int | None:
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(Score.value).where(
                Score.use_case_id == use_case_id, Score.criterion_id == criterion_id
            )
        ).first()
    return row[0] if row else None


def test_ticking_the_box_reranks_and_marks_the_fed_cell(qtbot, page, portfolio):
    tab = page.grid_tab
    model = tab.grid_model
    top, second, safety = portfolio["top"], portfolio["second"], portfolio["safety"]
    check = tab.risk_feed_check
    assert check.text() == RISK_FEED_LABEL
    assert "stored scores are not changed" in check.toolTip()
    assert not check.isChecked() and not page.risk_from_register
    assert _order(model) == [top, second]
    page.set_current(top)
    cell = model.index(0, model.column_of(safety))
    assert cell.data() == "1" and not cell.data(FED_ROLE)
    assert "risk register" not in cell.data(TOOLTIP)
    assert "rank <b>1</b>" in page.form.score_label.text()

    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)

    assert check.isChecked() and page.risk_from_register
    assert _order(model) == [second, top]
    row = model.row_of(top)
    assert model.index(row, model.rank_column).data() == "2"
    assert model.index(row, model.score_column).data() == "69.0"
    cell = model.index(row, model.column_of(safety))
    assert cell.data() == "4"
    assert cell.data(FED_ROLE) is True
    assert cell.data(FONT).italic()
    assert cell.data(TOOLTIP).startswith(
        "From the risk register: residual exposure 20 → level 4 (stored: 1)"
    )
    # Only the fed cell is marked; the other use case has no linked risk.
    other = model.index(model.row_of(second), model.column_of(safety))
    assert other.data() == "1" and not other.data(FED_ROLE)
    assert "1 with the risk level from the register" in tab.summary.text()
    # The form's score line follows the same ranking; the stored score is untouched.
    text = page.form.score_label.text()
    assert "Score <b>69.0</b>" in text and "rank <b>2</b>" in text
    assert "risk register" in text
    assert _stored(page.ctx.workspace, top, safety) == 1

    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)

    assert not page.risk_from_register
    assert _order(model) == [top, second]
    cell = model.index(0, model.column_of(safety))
    assert cell.data() == "1" and not cell.data(FED_ROLE)
    assert not (cell.data(FONT) and cell.data(FONT).italic())
    assert "risk register" not in page.form.score_label.text()


def test_risk_register_edits_refresh_the_grid_while_on(qtbot, page, portfolio, app_ctx):
    model = page.grid_tab.grid_model
    top, second = portfolio["top"], portfolio["second"]
    page.grid_tab.risk_feed_check.setChecked(True)
    assert _order(model) == [second, top]

    # Closing the risk (an undoable edit from the risk register) stops the feed.
    closing = UpdateRecordCommand(app_ctx, Risk, portfolio["risk"], {"status": "closed"})
    assert app_ctx.run_edit(closing)
    assert _order(model) == [top, second]
    assert not model.index(0, model.column_of(portfolio["safety"])).data(FED_ROLE)

    app_ctx.undo_stack.undo()
    assert _order(model) == [second, top]

    # Unlinking the risk from the use case (Changes kind "risk") is seen as well.
    changes, _old = risks.set_links(
        ws=app_ctx.workspace, risk_id=portfolio["risk"], use_case_ids=[]
    )
    app_ctx.notify(changes)
    assert _order(model) == [top, second]


def test_the_matrix_and_stability_use_the_option(qtbot, page, portfolio):
    top = portfolio["top"]
    matrix = page.matrix_tab
    page.tabs.setCurrentWidget(matrix)
    qtbot.waitUntil(lambda: not matrix.dirty)
    before = matrix.bubbles[top]
    assert before.score == pytest.approx(78.0)
    drawn = matrix.draw_count

    page.set_risk_from_register(True)

    assert page.grid_tab.risk_feed_check.isChecked()
    assert matrix.risk_from_register and matrix.dirty
    qtbot.waitUntil(lambda: not matrix.dirty)
    assert matrix.draw_count == drawn + 1
    after = matrix.bubbles[top]
    assert after.score == pytest.approx(69.0)
    assert after.risk > before.risk
    assert "risk register" in matrix.hint.text()
    # Value and feasibility do not move; only the risk colour and the score do.
    assert (after.value, after.feasibility) == (before.value, before.feasibility)

    stability = page.stability_tab
    page.tabs.setCurrentWidget(stability)
    with qtbot.waitSignal(stability.run_finished, timeout=10_000):
        stability.draws_spin.setValue(100)
        stability.run()
    assert stability.result.use_case_ids == (portfolio["second"], top)
    assert "risk register" in stability.summary.text()
    page.set_risk_from_register(False)
    assert stability.stale_label.isVisibleTo(stability)
    assert "risk register" in stability.stale_label.text()


def test_score_edits_undo_and_redo_with_the_option_on(qtbot, page, portfolio, app_ctx):
    ws = app_ctx.workspace
    tab = page.grid_tab
    model = tab.grid_model
    view = tab.view
    top, second, safety = portfolio["top"], portfolio["second"], portfolio["safety"]
    tab.risk_feed_check.setChecked(True)
    assert _order(model) == [second, top]
    data = scoring.model_criteria(ws=ws)[3]  # data availability: 3 -> 5 lifts "second"

    # An ordinary cell: the ranking (fed) moves, undo and redo follow.
    view.setFocus()
    view.setCurrentIndex(model.index(model.row_of(second), model.column_of(data.id)))
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert _stored(ws, second, data.id) == 1
    assert _order(model) == [top, second]  # 74.25 - 7.5 = 66.75 < 69.0
    app_ctx.undo_stack.undo()
    assert _stored(ws, second, data.id) == 3
    assert _order(model) == [second, top]
    app_ctx.undo_stack.redo()
    assert _stored(ws, second, data.id) == 1
    assert _order(model) == [top, second]
    app_ctx.undo_stack.undo()

    # The fed cell: typing stores the level but the register's level still counts.
    view.setCurrentIndex(model.index(model.row_of(top), model.column_of(safety)))
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert _stored(ws, top, safety) == 3
    cell = model.index(model.row_of(top), model.column_of(safety))
    assert cell.data() == "4"
    assert "(stored: 3)" in cell.data(TOOLTIP)
    assert "stored; the register gives level 4" in tab.rationale_label.text()
    app_ctx.undo_stack.undo()
    assert _stored(ws, top, safety) == 1
    cell = model.index(model.row_of(top), model.column_of(safety))
    assert "(stored: 1)" in cell.data(TOOLTIP)
    app_ctx.undo_stack.redo()
    assert _stored(ws, top, safety) == 3

    # Unticked, the stored level counts again: 78 - 6 = 72 (still below 74.25).
    tab.risk_feed_check.setChecked(False)
    cell = model.index(model.row_of(top), model.column_of(safety))
    assert cell.data() == "3"
    assert model.index(model.row_of(top), model.score_column).data() == "72.0"
