"""Key columns first: the use-case list's Score and Rank, the risk list's order and level
colours, and dates in the app's date style."""

from __future__ import annotations

import datetime as dt

import pytest

from aipm_desktop.models import UseCase
from aipm_desktop.services import dates, records, risks, scoring
from aipm_desktop.services.listing import (
    INCOMPLETE_TOOLTIP,
    ListColumn,
    fetch_rows,
    query_ids,
    use_case_list_spec,
)
from aipm_desktop.services.risks.scoring import level_colors

DEMO_DAY = dt.date(2026, 12, 6)


#: The same lists on a file and on a server (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends


@pytest.fixture
def demo(sample_on_backend):
    return sample_on_backend


def _column(spec, key: str, ws, ids) -> dict[int, object]:
    rows = fetch_rows(ws=ws, spec=spec, ids=ids, raw=True)
    at = spec.index_of(key)
    return {i: rows[i][at] for i in ids}


def test_use_case_list_has_score_and_rank_right_after_the_title():
    spec = use_case_list_spec()
    assert spec.keys[:3] == ("title", "score", "rank")
    for key in ("score", "rank"):
        column = spec.column(key)
        assert column.sortable and not column.filterable
        assert column.align == "right"
        assert column.empty_tooltip == INCOMPLETE_TOOLTIP
    # Scores, criteria, models and the active-model setting all move them.
    assert {"use_case", "score", "criterion", "scoring_model", "settings"} <= spec.kinds


def test_score_and_rank_are_the_active_models_ranking(demo):
    spec = use_case_list_spec()
    ids = query_ids(ws=demo, spec=spec)
    scores = _column(spec, "score", demo, ids)
    ranks = _column(spec, "rank", demo, ids)
    ranking = scoring.rank(ws=demo)
    assert any(not r.complete for r in ranking)  # the demo has an incomplete one
    for entry in ranking:
        assert ranks[entry.use_case_id] == entry.rank
        if entry.score is None:
            assert scores[entry.use_case_id] is None
        else:
            assert scores[entry.use_case_id] == pytest.approx(entry.score, abs=1e-9)
    # Shown with one decimal, as the form's score line; incomplete ones blank.
    shown = fetch_rows(ws=demo, spec=spec, ids=ids)
    best = ranking[0]
    assert shown[best.use_case_id][1:3] == (f"{best.score:.1f}", "1")
    incomplete = next(r for r in ranking if not r.complete)
    assert shown[incomplete.use_case_id][1:3] == ("", "")


def test_sorting_by_rank_and_by_score_puts_incomplete_ones_last(demo):
    spec = use_case_list_spec()
    ranking = scoring.rank(ws=demo)
    complete = [r.use_case_id for r in ranking if r.complete]
    apart = {r.use_case_id for r in ranking if not r.complete}
    by_rank = query_ids(ws=demo, spec=spec, sort_key="rank")
    assert by_rank[: len(complete)] == complete
    assert set(by_rank[len(complete) :]) == apart
    by_score = query_ids(ws=demo, spec=spec, sort_key="score", descending=True)
    assert by_score[: len(complete)] == complete
    assert set(by_score[len(complete) :]) == apart
    # Descending rank: worst first, the incomplete ones still last.
    worst_first = query_ids(ws=demo, spec=spec, sort_key="rank", descending=True)
    assert worst_first[: len(complete)] == complete[::-1]


def test_another_active_model_ranks_by_its_own_criteria(demo):
    spec = use_case_list_spec()
    models = scoring.list_models(ws=demo)
    active = scoring.active_model_id(ws=demo)
    other = next(m for m, _name, _preset in models if m != active)
    scoring.set_active_model(ws=demo, model_id=other)
    ids = query_ids(ws=demo, spec=spec)
    ranks = _column(spec, "rank", demo, ids)
    assert ranks == {r.use_case_id: r.rank for r in scoring.rank(ws=demo)}


def test_a_new_unscored_use_case_has_no_score_and_no_rank(demo):
    spec = use_case_list_spec()
    obj, _changes = records.create(ws=demo, model=UseCase, data={"title": "Aaa unscored"})
    row = fetch_rows(ws=demo, spec=spec, ids=[obj.id])[obj.id]
    assert row[:3] == ("Aaa unscored", "", "")


def test_risk_list_leads_with_scores_level_and_review(demo):
    spec = risks.risk_list_spec(ws=demo, today=DEMO_DAY)
    assert spec.keys[:9] == (
        "title",
        "likelihood",
        "impact",
        "inherent_score",
        "residual_score",
        "residual_level",
        "next_review",
        "status",
        "overdue",
    )
    assert spec.keys.index("category") > spec.keys.index("next_review")
    assert spec.keys.index("owner") > spec.keys.index("next_review")
    assert set(spec.keys) >= {"source", "treatment", "use_case", "updated", "inherent_level"}


def test_risk_levels_carry_the_heat_map_colours(demo):
    spec = risks.risk_list_spec(ws=demo, today=DEMO_DAY)
    band_list = risks.bands(ws=demo)
    colours = level_colors(band_list)
    assert colours == {band.name: band.color for band in band_list}
    level = spec.column("residual_level")
    assert dict(level.colors) == colours
    assert dict(spec.column("inherent_level").colors) == colours
    ids = query_ids(ws=demo, spec=spec)
    raw = fetch_rows(ws=demo, spec=spec, ids=ids, raw=True)
    at = spec.index_of("residual_level")
    seen = {raw[i][at] for i in ids}
    assert len(seen) >= 2
    for name in seen:
        assert level.color_of(name) == colours[name]
    # The heat map paints its cells in the same colours.
    heat = risks.heatmap(ws=demo)
    assert set(heat.colors.values()) == set(colours.values())


def test_column_colours_look_up_stored_values():
    column = ListColumn("level", "Level", None, colors={"high": "#c62828"})  # type: ignore[arg-type]
    assert column.color_of("high") == "#c62828"
    assert column.color_of("low") is None
    assert column.color_of(None) is None
    assert ListColumn("t", "T", None).color_of("high") is None  # type: ignore[arg-type]


def test_list_dates_follow_the_date_style(demo):
    spec = risks.risk_list_spec(ws=demo, today=DEMO_DAY)
    ids = query_ids(ws=demo, spec=spec, sort_key="next_review")
    raw = fetch_rows(ws=demo, spec=spec, ids=ids[:1], raw=True)[ids[0]]
    day = raw[spec.index_of("next_review")]
    assert isinstance(day, dt.date)
    shown = fetch_rows(ws=demo, spec=spec, ids=ids[:1])[ids[0]]
    assert shown[spec.index_of("next_review")] == day.isoformat()
    dates.set_style(dates.LOCALE)
    try:
        shown = fetch_rows(ws=demo, spec=spec, ids=ids[:1])[ids[0]]
        assert shown[spec.index_of("next_review")] == dates.format_date(day)
    finally:
        dates.set_style(dates.ISO)
