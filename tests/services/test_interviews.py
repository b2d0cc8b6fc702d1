"""Interview scoring: weighted scores, incomplete evaluations, disagreement and red flags."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import Candidate, ChangeLog
from aipm_desktop.models.enums import SignalKind
from aipm_desktop.services import interviews as iv
from aipm_desktop.services import records


def _candidate(ws, name="Dana Ortiz"):
    obj, _ = records.create(ws=ws, model=Candidate, data={"name": name, "role_level": "PM"})
    return obj.id


def _exercise_id(ws):
    return iv.list_exercises(ws=ws)[0].id


def _rate_all(ws, evaluation_id, ratings):
    card = iv.scorecard_info(ws=ws)
    for dim, rating in zip(card.dimensions, ratings, strict=True):
        if rating is not None:
            iv.set_rating(ws=ws, evaluation_id=evaluation_id, dimension_id=dim.id, rating=rating)


def test_default_scorecard_weights_are_normalised_to_100_percent(ws):
    card = iv.scorecard_info(ws=ws)
    assert [round(d.weight_pct) for d in card.dimensions] == [20, 20, 15, 15, 15, 10, 5]
    assert sum(d.weight_pct for d in card.dimensions) == pytest.approx(100.0)


def test_weights_not_summing_to_100_are_normalised():
    shares = iv.normalised_weights({"a": 2, "b": 1, "c": 1})
    assert shares == {"a": 0.5, "b": 0.25, "c": 0.25}
    assert iv.weighted_score({"a": 4, "b": 2, "c": 2}, {"a": 2, "b": 1, "c": 1}) == 3.0
    assert iv.score_percent(1.0) == 0.0
    assert iv.score_percent(4.0) == 100.0
    assert iv.score_percent(2.5) == 50.0


def test_missing_rating_makes_the_evaluation_incomplete_not_zero(ws):
    cand = _candidate(ws)
    ev_id, _ = iv.start_evaluation(
        ws=ws, candidate_id=cand, exercise_id=_exercise_id(ws), interviewer="Maya"
    )
    _rate_all(ws, ev_id, [4, 4, 4, 4, 4, 4, None])  # communication not rated
    ev = iv.get_evaluation(ws=ws, evaluation_id=ev_id)
    assert not ev.complete
    assert ev.score is None and ev.percent is None
    assert ev.missing == ("Communication",)
    summary = iv.candidate_summary(ws=ws, candidate_id=cand, blind=False)
    assert summary.score is None  # nothing complete: not scored, not 0
    assert summary.dimension("product_sense").mean == 4.0
    assert summary.dimension("communication").mean is None

    card = iv.scorecard_info(ws=ws)
    iv.set_rating(ws=ws, evaluation_id=ev_id, dimension_id=card.dimensions[-1].id, rating=1)
    ev = iv.get_evaluation(ws=ws, evaluation_id=ev_id)
    assert ev.complete
    # 95% of the weight at 4, 5% at 1: 3.85 on 1-4, 95% on 0-100.
    assert ev.score == pytest.approx(3.85)
    assert ev.percent == pytest.approx(95.0)


def test_weighted_score_uses_the_section_19_weights(ws):
    cand = _candidate(ws)
    ev_id, _ = iv.start_evaluation(
        ws=ws, candidate_id=cand, exercise_id=_exercise_id(ws), interviewer="Maya"
    )
    _rate_all(ws, ev_id, [4, 1, 1, 1, 1, 1, 1])  # product sense 20% at 4
    assert iv.get_evaluation(ws=ws, evaluation_id=ev_id).score == pytest.approx(1.6)


def test_disagreement_when_interviewers_differ_by_two_levels(ws):
    cand = _candidate(ws)
    ex = _exercise_id(ws)
    a, _ = iv.start_evaluation(ws=ws, candidate_id=cand, exercise_id=ex, interviewer="Maya")
    b, _ = iv.start_evaluation(ws=ws, candidate_id=cand, exercise_id=ex, interviewer="Daniel")
    _rate_all(ws, a, [4, 3, 3, 3, 3, 3, 3])
    _rate_all(ws, b, [2, 2, 3, 3, 3, 3, 3])
    for ev_id in (a, b):
        iv.submit_evaluation(ws=ws, evaluation_id=ev_id)
    s = iv.candidate_summary(ws=ws, candidate_id=cand)
    product = s.dimension("product_sense")
    assert (product.mean, product.spread, product.disagreement) == (3.0, 2, True)
    metrics = s.dimension("metrics_experimentation")
    assert (metrics.spread, metrics.disagreement) == (1, False)
    assert [d.key for d in s.disagreements] == ["product_sense"]
    # Overall: mean of the two complete evaluations' weighted scores.
    scores = [e.score for e in s.evaluations]
    assert s.score == pytest.approx(sum(scores) / 2)


def test_red_flag_is_listed_with_who_ticked_it_whatever_the_score(ws):
    cand = _candidate(ws)
    ev_id, _ = iv.start_evaluation(
        ws=ws, candidate_id=cand, exercise_id=_exercise_id(ws), interviewer="Jonas"
    )
    _rate_all(ws, ev_id, [4, 4, 4, 4, 4, 4, 4])
    card = iv.scorecard_info(ws=ws)
    red = card.signals_of(SignalKind.RED_FLAG)[0]
    strong = card.signals_of(SignalKind.STRONG)[0]
    changes, old = iv.set_signals(ws=ws, evaluation_id=ev_id, signal_ids=[red.id, strong.id])
    assert old == [] and changes.kind == "evaluation"
    with pytest.raises(ValidationError):
        iv.set_signals(ws=ws, evaluation_id=ev_id, signal_ids=[99999])
    iv.submit_evaluation(ws=ws, evaluation_id=ev_id)
    s = iv.candidate_summary(ws=ws, candidate_id=cand)
    assert s.percent == pytest.approx(100.0)
    assert [(f.text, f.interviewer) for f in s.red_flags] == [(red.text, "Jonas")]


def test_set_rating_returns_the_old_value_for_undo_and_logs(ws):
    cand = _candidate(ws)
    ev_id, _ = iv.start_evaluation(
        ws=ws, candidate_id=cand, exercise_id=_exercise_id(ws), interviewer="Maya"
    )
    dim = iv.scorecard_info(ws=ws).dimensions[0]
    changes, old = iv.set_rating(
        ws=ws, evaluation_id=ev_id, dimension_id=dim.id, rating=3, evidence="Framed it well"
    )
    assert old is None and changes.kind == "rating" and changes.action == "create"
    _, old = iv.set_rating(ws=ws, evaluation_id=ev_id, dimension_id=dim.id, rating=2)
    assert old == (3, "Framed it well")
    ev = iv.get_evaluation(ws=ws, evaluation_id=ev_id)
    assert ev.ratings[dim.id].rating == 2 and ev.ratings[dim.id].evidence == "Framed it well"
    iv.set_rating(ws=ws, evaluation_id=ev_id, dimension_id=dim.id, rating=None)
    assert dim.id not in iv.get_evaluation(ws=ws, evaluation_id=ev_id).ratings
    with pytest.raises(ValidationError):
        iv.set_rating(ws=ws, evaluation_id=ev_id, dimension_id=dim.id, rating=5)
    with ws.session() as session:
        actions = list(
            session.scalars(select(ChangeLog.action).where(ChangeLog.entity == "rating"))
        )
    assert actions == ["create", "update", "delete"]


def test_start_evaluation_uses_default_scorecard_and_refuses_duplicates(ws):
    cand = _candidate(ws)
    ex = _exercise_id(ws)
    ev_id, changes = iv.start_evaluation(
        ws=ws, candidate_id=cand, exercise_id=ex, interviewer="Maya"
    )
    assert changes.kind == "evaluation"
    assert iv.get_evaluation(ws=ws, evaluation_id=ev_id).scorecard_id == iv.default_scorecard_id(
        ws=ws
    )
    with pytest.raises(ValidationError, match="already has an evaluation"):
        iv.start_evaluation(ws=ws, candidate_id=cand, exercise_id=ex, interviewer=" maya ")


def test_resolve_candidate_by_id_name_or_part(ws):
    ana = _candidate(ws, "Ana Silva")
    ben = _candidate(ws, "Ben Carter")
    assert iv.resolve_candidate(ws=ws, ref=str(ben)) == ben
    assert iv.resolve_candidate(ws=ws, ref="ana silva") == ana
    assert iv.resolve_candidate(ws=ws, ref="carter") == ben
    with pytest.raises(UserError, match=r"several candidates: .*Ana Silva \(id 1\)"):
        iv.resolve_candidate(ws=ws, ref="a")
    with pytest.raises(UserError, match="No candidate matches"):
        iv.resolve_candidate(ws=ws, ref="Zed")


def test_demo_comparison_has_seven_candidates_one_waiting_and_one_red_flag(tmp_path):
    from aipm_desktop.services.workspace import new_workspace

    demo = new_workspace(tmp_path / "demo.aipm", demo=True)
    try:
        data = iv.comparison(ws=demo)
        assert len(data.candidates) == 7
        assert [round(w) for _k, _n, w in data.dimensions] == [20, 20, 15, 15, 15, 10, 5]
        flagged = [c.name for c in data.candidates if c.red_flags]
        assert flagged == ["Chloe Nguyen"]
        waiting = [c for c in data.candidates if not c.open]
        assert [(c.name, c.waiting_for) for c in waiting] == [("Grace Kim", ["Jonas Berg"])]
        assert waiting[0].score is None and waiting[0].evaluations == []
        assert all(c.score is not None for c in data.candidates if c.open)
        from aipm_desktop.services.charts.radar import build_figure

        figure = build_figure(ws=demo)
        labels = [t.get_text() for t in figure.legends[0].get_texts()]
        assert any("Chloe Nguyen" in t and "red flag" in t for t in labels)
    finally:
        demo.close()
