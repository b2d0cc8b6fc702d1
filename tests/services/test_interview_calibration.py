"""Interview calibration: blind scoring, compare now, decisions, agreement, practice and
the debrief."""

from __future__ import annotations

import numpy as np
import pytest

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import Candidate, CaseExercise
from aipm_desktop.services import interviews as iv
from aipm_desktop.services import records
from aipm_desktop.services.interviews import agreement, debrief
from aipm_desktop.services.interviews.reliability import icc, krippendorff_alpha


def _candidate(ws, name: str) -> int:
    obj, _ = records.create(ws=ws, model=Candidate, data={"name": name})
    assert obj.id is not None
    return obj.id


def _exercise(ws) -> int:
    return iv.list_exercises(ws=ws)[0].id


def _evaluate(ws, candidate, who, levels, *, submit=True, evidence="") -> int:
    ev_id, _ = iv.start_evaluation(
        ws=ws, candidate_id=candidate, exercise_id=_exercise(ws), interviewer=who
    )
    for dim, level in zip(iv.scorecard_info(ws=ws).dimensions, levels, strict=True):
        if level is not None:
            iv.set_rating(
                ws=ws,
                evaluation_id=ev_id,
                dimension_id=dim.id,
                rating=level,
                evidence=f"{evidence}{who} on {dim.key}" if evidence else "",
            )
    if submit:
        iv.submit_evaluation(ws=ws, evaluation_id=ev_id)
    return ev_id


# --------------------------------------------------------------------------- blind


def test_ratings_stay_hidden_until_every_interviewer_submits(ws) -> None:
    cand = _candidate(ws, "Dana Ortiz")
    maya = _evaluate(ws, cand, "Maya", [3] * 7, submit=False)
    daniel = _evaluate(ws, cand, "Daniel", [4] * 7, submit=False)

    def seen(viewer):
        s = iv.candidate_summary(ws=ws, candidate_id=cand, viewer=viewer)
        return sorted(e.interviewer for e in s.evaluations), s

    assert seen(None)[0] == []  # the comparison waits
    assert seen("maya")[0] == ["Maya"]  # your own, always (names match case-blind)
    assert seen("Daniel")[0] == ["Daniel"]
    iv.submit_evaluation(ws=ws, evaluation_id=maya)
    # Maya submitted, but Daniel has not: she still cannot see his draft, nor he hers.
    assert seen("Maya")[0] == ["Maya"]
    assert seen("Daniel")[0] == ["Daniel"]
    names, summary = seen(None)
    assert names == [] and summary.waiting_for == ["Daniel"] and not summary.open
    assert summary.score is None and summary.dimensions == []
    assert summary.blind_text() == "2 evaluations hidden until submitted (waiting for Daniel)"
    iv.submit_evaluation(ws=ws, evaluation_id=daniel)
    names, summary = seen(None)
    assert names == ["Daniel", "Maya"] and summary.open and summary.blind_text() == ""
    assert summary.dimension("product_sense").mean == 3.5
    assert [c.name for c in iv.comparison(ws=ws).candidates if c.open] == ["Dana Ortiz"]


def test_a_submitted_viewer_sees_other_submitted_ratings_only(ws) -> None:
    cand = _candidate(ws, "Eli Park")
    _evaluate(ws, cand, "Maya", [3] * 7)
    _evaluate(ws, cand, "Daniel", [2] * 7)
    _evaluate(ws, cand, "Lena", [4] * 7, submit=False)
    s = iv.candidate_summary(ws=ws, candidate_id=cand, viewer="Maya")
    assert [e.interviewer for e in s.evaluations] == ["Maya", "Daniel"]
    assert [e.interviewer for e in s.hidden] == ["Lena"]
    lena = iv.candidate_summary(ws=ws, candidate_id=cand, viewer="Lena")
    assert [e.interviewer for e in lena.evaluations] == ["Lena"]  # not before she submits
    outsider = iv.candidate_summary(ws=ws, candidate_id=cand, viewer="Hiring manager")
    assert outsider.evaluations == [] and outsider.waiting_for == ["Lena"]


def test_submitting_needs_every_rating_and_locks_them_until_reopened(ws) -> None:
    cand = _candidate(ws, "Fay Lin")
    ev_id = _evaluate(ws, cand, "Maya", [3, 3, 3, 3, 3, 3, None], submit=False)
    with pytest.raises(ValidationError, match="not rated yet: Communication"):
        iv.submit_evaluation(ws=ws, evaluation_id=ev_id)
    dims = iv.scorecard_info(ws=ws).dimensions
    iv.set_rating(ws=ws, evaluation_id=ev_id, dimension_id=dims[-1].id, rating=2)
    mark = ws.operation_mark()
    iv.submit_evaluation(ws=ws, evaluation_id=ev_id)
    (op,) = ws.operations_since(mark)
    assert op.label == "Submit evaluation by Maya"
    assert iv.get_evaluation(ws=ws, evaluation_id=ev_id).submitted
    with pytest.raises(UserError, match="submitted, so its ratings are locked"):
        iv.set_rating(ws=ws, evaluation_id=ev_id, dimension_id=dims[0].id, rating=1)
    with pytest.raises(UserError, match="locked"):
        iv.set_signals(ws=ws, evaluation_id=ev_id, signal_ids=[])
    iv.submit_evaluation(ws=ws, evaluation_id=ev_id)  # again: nothing changes
    assert ws.operations_since(mark) == [op]
    iv.reopen_evaluation(ws=ws, evaluation_id=ev_id)
    assert not iv.get_evaluation(ws=ws, evaluation_id=ev_id).submitted
    iv.set_rating(ws=ws, evaluation_id=ev_id, dimension_id=dims[0].id, rating=1)
    ws.undo()  # the rating
    ws.undo()  # the reopen
    assert iv.get_evaluation(ws=ws, evaluation_id=ev_id).submitted


def test_compare_now_needs_a_reason_and_keeps_who_and_why(ws) -> None:
    cand = _candidate(ws, "Gil Ross")
    _evaluate(ws, cand, "Maya", [3] * 7)
    _evaluate(ws, cand, "Daniel", [4, 4, 4, None, None, None, None], submit=False)
    with pytest.raises(ValidationError, match="Say why"):
        iv.reveal_ratings(ws=ws, candidate_id=cand, reason="  ")
    iv.reveal_ratings(ws=ws, candidate_id=cand, reason="Daniel is on leave", who="Jonas")
    s = iv.comparison(ws=ws).candidates[0]
    assert s.open and [e.interviewer for e in s.evaluations] == ["Maya", "Daniel"]
    assert (s.candidate.revealed_by, s.candidate.reveal_reason) == ("Jonas", "Daniel is on leave")
    assert s.blind_text() == (
        "Compared before every evaluation was submitted by Jonas: Daniel is on leave"
    )
    assert [e.interviewer for e in s.incomplete_evaluations] == ["Daniel"]
    # a revealed draft is seen, but only submitted ratings are figures
    rows, withheld = iv.submitted_ratings(ws=ws)
    assert {r.interviewer for r in rows} == {"Maya"} and withheld == []
    ws.undo()
    assert not iv.comparison(ws=ws).candidates[0].open


def test_the_decision_needs_a_rationale_and_records_who(ws) -> None:
    cand = _candidate(ws, "Hana Ito")
    with pytest.raises(ValidationError, match="rationale"):
        iv.record_decision(ws=ws, candidate_id=cand, decision="hire", rationale="")
    with pytest.raises(ValidationError, match="not a decision"):
        iv.record_decision(ws=ws, candidate_id=cand, decision="maybe", rationale="x")
    iv.record_decision(ws=ws, candidate_id=cand, decision="hire", rationale="Strong", who="Jonas")
    info = iv.list_candidates(ws=ws)[0]
    assert (info.decision, info.decision_rationale, info.decided_by) == ("hire", "Strong", "Jonas")
    assert info.decided_at is not None
    iv.record_decision(ws=ws, candidate_id=cand, decision=None)
    info = iv.list_candidates(ws=ws)[0]
    assert (info.decision, info.decided_by, info.decided_at) == (None, "", None)


# --------------------------------------------------------------------------- agreement


def test_agreement_uses_submitted_hiring_ratings_of_complete_panels(ws) -> None:
    levels = {
        "Ana": ([4, 4, 3, 3, 4, 3, 4], [4, 3, 3, 3, 4, 3, 4], [4, 4, 4, 3, 4, 4, 4]),
        "Ben": ([2, 2, 2, 1, 2, 2, 3], [2, 3, 2, 2, 2, 2, 3], [3, 3, 2, 2, 3, 3, 3]),
        "Cy": ([3, 3, 3, 2, 3, 3, 2], [3, 2, 3, 2, 3, 2, 3], [4, 3, 4, 3, 3, 3, 3]),
    }
    for name, panel in levels.items():
        cand = _candidate(ws, name)
        for who, given in zip(("Maya", "Lena", "Daniel"), panel, strict=True):
            _evaluate(ws, cand, who, given)
    waiting = _candidate(ws, "Dee")
    _evaluate(ws, waiting, "Maya", [1] * 7)
    _evaluate(ws, waiting, "Lena", [4] * 7, submit=False)
    case = _exercise(ws)
    iv.set_reference_rating(ws=ws, exercise_id=case, dimension_key="product_sense", rating=3)
    practice, _ = iv.start_evaluation(ws=ws, candidate_id=None, exercise_id=case, interviewer="Z")
    iv.set_rating(
        ws=ws,
        evaluation_id=practice,
        dimension_id=iv.scorecard_info(ws=ws).dimensions[0].id,
        rating=1,
    )

    result = agreement.agreement(ws=ws, resamples=300)
    assert result.units == ["Ana", "Ben", "Cy"]
    assert result.interviewers == ["Daniel", "Lena", "Maya"]
    assert result.withheld == [("Dee", ["Lena"])]
    product = result.dimensions[0]
    table = [[p[2][0], p[1][0], p[0][0]] for p in levels.values()]  # Daniel, Lena, Maya
    assert product.alpha == pytest.approx(krippendorff_alpha(table, "ordinal"))
    expected_icc = icc(table)
    assert expected_icc is not None
    assert product.icc == pytest.approx(expected_icc.icc2)
    assert product.icc_ci == pytest.approx(expected_icc.icc2_ci)
    assert (product.units, product.icc_units, product.icc_raters) == (
        3,
        3,
        ("Daniel", "Lena", "Maya"),
    )
    assert result.overall.units == 21
    assert result.overall.alpha == pytest.approx(
        krippendorff_alpha(
            [[p[2][d], p[1][d], p[0][d]] for d in range(7) for p in levels.values()], "ordinal"
        )
    )
    offsets = {o.interviewer: o for o in result.offsets}
    assert offsets["Daniel"].offset > 0.4 and offsets["Daniel"].comparisons == 21
    assert offsets["Daniel"].by_dimension["product_sense"] == pytest.approx(
        np.mean([4 - 4, 3 - 2, 4 - 3])
    )
    assert {d.key for d in result.poor} == {d.key for d in result.dimensions if d.alpha < 0.667}
    as_json = agreement.agreement_dict(result)
    assert as_json["withheld"] == [{"candidate": "Dee", "waiting_for": ["Lena"]}]
    assert as_json["dimensions"][0]["icc_interviewers"] == ["Daniel", "Lena", "Maya"]


def test_the_icc_uses_the_largest_complete_block() -> None:
    nan = np.nan
    table = np.array([[1, 2, nan], [2, 2, 3], [3, 4, 4], [4, 3, nan], [nan, 1, 1]], dtype=float)
    rows, cols = agreement.complete_block(table)
    assert (rows, cols) == ([0, 1, 2, 3], [0, 1])  # 4 x 2 beats 2 x 3 and 3 x 2
    assert agreement.complete_block(np.array([[1.0, nan], [nan, 2.0]])) == ([], [])


def test_no_agreement_without_two_interviewers_on_a_candidate(ws) -> None:
    cand = _candidate(ws, "Solo")
    _evaluate(ws, cand, "Maya", [3] * 7)
    result = agreement.agreement(ws=ws, resamples=100)
    assert result.empty and result.overall.alpha is None and result.overall.icc is None
    assert agreement.figure_text(None) == "n/a"
    assert agreement.figure_text(0.8123, (0.5, 0.95)) == "0.81 [0.50, 0.95]"


# --------------------------------------------------------------------------- practice


def test_practice_against_the_reference_and_never_a_hiring_figure(ws) -> None:
    case = _exercise(ws)
    with pytest.raises(ValidationError, match="no sample answer"):
        iv.start_practice(ws=ws, exercise_id=case, interviewer="Maya")
    records.update(ws=ws, model=CaseExercise, id=case, data={"sample_answer": "Hi"})
    dims = iv.scorecard_info(ws=ws).dimensions
    for dim, level in zip(dims[:3], (3, 2, 4), strict=True):
        iv.set_reference_rating(
            ws=ws, exercise_id=case, dimension_key=dim.key, rating=level, rationale="because"
        )
    iv.set_reference_rating(ws=ws, exercise_id=case, dimension_key=dims[2].key, rating=None)
    assert [c.id for c in iv.calibration_cases(ws=ws)] == [case]
    with pytest.raises(ValidationError, match="level from 1 to 4"):
        iv.set_reference_rating(ws=ws, exercise_id=case, dimension_key=dims[0].key, rating=7)

    ev_id, _ = iv.start_practice(ws=ws, exercise_id=case, interviewer="Maya")
    with pytest.raises(ValidationError, match="already has an evaluation of the sample answer"):
        iv.start_practice(ws=ws, exercise_id=case, interviewer="maya")
    for dim, level in zip(dims, (4, 2, 1, 3, 3, 3, 3), strict=True):
        iv.set_rating(ws=ws, evaluation_id=ev_id, dimension_id=dim.id, rating=level)
    assert iv.practice_results(ws=ws, exercise_id=case) == []  # not submitted yet
    iv.submit_evaluation(ws=ws, evaluation_id=ev_id)
    (result,) = iv.practice_results(ws=ws, exercise_id=case)
    distances = {d.key: d.distance for d in result.distances}
    assert distances[dims[0].key] == 1 and distances[dims[1].key] == 0
    assert distances[dims[2].key] is None  # no reference any more
    assert result.distances[0].rationale == "because"
    assert result.mean_absolute == pytest.approx(0.5) and result.exact == 1
    assert result.summary() == "1 of 2 on the reference level, mean distance 0.5 levels"
    # practice is never a hiring figure
    assert iv.evaluations(ws=ws) == []
    assert iv.list_candidates(ws=ws) == []
    assert iv.submitted_ratings(ws=ws) == ([], [])
    assert agreement.agreement(ws=ws, resamples=100).empty


# --------------------------------------------------------------------------- debrief


def test_the_debrief_puts_disagreements_first_and_waits_for_the_panel(ws, tmp_path) -> None:
    cand = _candidate(ws, "Ida Moss")
    _evaluate(ws, cand, "Maya", [3, 3, 3, 3, 3, 3, 3], evidence="Seen: ")
    lena = _evaluate(ws, cand, "Lena", [3, 1, 3, 3, 3, 3, 4], submit=False, evidence="Saw: ")
    waiting = debrief.debrief(ws=ws, candidate_id=cand)
    assert waiting.columns == [] and waiting.rows == []
    assert waiting.status_text().startswith("Waiting for Lena to submit")
    text = debrief.debrief_markdown(waiting)
    assert "Seen:" not in text and "## Ratings side by side" not in text

    iv.submit_evaluation(ws=ws, evaluation_id=lena)
    red = iv.scorecard_info(ws=ws).signals_of("red_flag")[0]
    iv.reopen_evaluation(ws=ws, evaluation_id=lena)
    iv.set_signals(ws=ws, evaluation_id=lena, signal_ids=[red.id])
    iv.submit_evaluation(ws=ws, evaluation_id=lena)
    iv.record_decision(ws=ws, candidate_id=cand, decision="no_hire", rationale="Red flag", who="Jo")
    d = debrief.debrief(ws=ws, candidate_id=cand)
    assert d.columns == ["Maya", "Lena"]
    assert d.rows[0].key == "metrics_experimentation"
    assert [r.key for r in d.disagreements] == ["metrics_experimentation"]
    first = d.rows[0]
    assert [(c.rating, c.evidence) for c in first.cells] == [
        (3, "Seen: Maya on metrics_experimentation"),
        (1, "Saw: Lena on metrics_experimentation"),
    ]
    assert d.status_text() == "All 2 evaluations submitted."
    assert d.decision_text().startswith("No hire (decided by Jo, ")
    text = debrief.debrief_markdown(d)
    assert text.index("## Decision") < text.index("## ⚠ Red flags (1)")
    assert text.index("## Disagreements first") < text.index("## Ratings side by side")
    assert "| Metrics & experimentation | 3 | 1 | 2 ⚠ |" in text
    assert f"- **{red.text}** (ticked by Lena)" in text

    pdf = debrief.export_debrief(ws=ws, candidate=cand, out=tmp_path / "ida.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    md = debrief.export_debrief(ws=ws, candidate=cand, out=tmp_path / "ida.md")
    assert md.read_text("utf-8") == text
    with pytest.raises(UserError, match=r"use \.md or \.pdf"):
        debrief.export_debrief(ws=ws, candidate=cand, out=tmp_path / "ida.txt")
