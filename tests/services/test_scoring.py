"""Score maths, ranking, score edits, model management and ranking stability."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import NotFoundError, UserError, ValidationError
from aipm_desktop.models import ChangeLog, Criterion, Score, ScoringModel, UseCase
from aipm_desktop.services import records, scoring
from aipm_desktop.services.scoring import CriterionInfo


def _crit(cid: int, weight: float, direction: str = "benefit", group: str = "value"):
    return CriterionInfo(
        id=cid,
        key=f"c{cid}",
        name=f"C{cid}",
        group=group,
        weight=weight,
        weight_pct=0.0,
        direction=direction,
        description="",
        levels=(),
        position=cid,
    )


def _use_case(ws, title: str) -> int:
    obj, _changes = records.create(ws=ws, model=UseCase, data={"title": title})
    return obj.id


def _model_id(ws, key: str) -> int:
    with ws.session() as session:
        return session.execute(select(ScoringModel.id).where(ScoringModel.key == key)).scalar_one()


def _score_all(ws, uc: int, levels: list[int], model_id: int | None = None) -> None:
    for crit, level in zip(scoring.model_criteria(ws=ws, model_id=model_id), levels, strict=True):
        scoring.set_score(ws=ws, use_case_id=uc, criterion_id=crit.id, value=level)


# maths --------------------------------------------------------------------------------


def test_score_value_normalises_weights_and_inverts_cost_criteria() -> None:
    criteria = [_crit(1, 3.0), _crit(2, 1.0, "cost", "risk")]
    # Best level on the benefit criterion, worst (5) on the cost criterion.
    score, parts = scoring.score_value({1: 5, 2: 5}, criteria)
    assert score == pytest.approx(75.0)
    assert parts == {1: pytest.approx(75.0), 2: pytest.approx(0.0)}
    # A cost criterion at level 1 counts fully in favour.
    score, parts = scoring.score_value({1: 1, 2: 1}, criteria)
    assert score == pytest.approx(25.0)
    # Doubling every weight changes nothing: only the shares matter.
    doubled = [_crit(1, 6.0), _crit(2, 2.0, "cost", "risk")]
    assert scoring.score_value({1: 3, 2: 2}, doubled)[0] == pytest.approx(
        scoring.score_value({1: 3, 2: 2}, criteria)[0]
    )
    assert sum(scoring.score_value({1: 4, 2: 3}, criteria)[1].values()) == pytest.approx(
        scoring.score_value({1: 4, 2: 3}, criteria)[0]
    )


def test_missing_value_gives_no_score_not_zero() -> None:
    criteria = [_crit(1, 1.0), _crit(2, 1.0)]
    score, parts = scoring.score_value({1: 5}, criteria)
    assert score is None
    assert parts == {1: pytest.approx(50.0)}


def test_model_criteria_weights_as_percentages(ws) -> None:
    criteria = scoring.model_criteria(ws=ws)
    assert [c.key for c in criteria][:3] == ["business_value", "marginal_value", "reach"]
    assert sum(c.weight_pct for c in criteria) == pytest.approx(100.0)
    assert {c.group for c in criteria} == {"value", "feasibility", "risk"}
    assert all(len(c.levels) == 5 for c in criteria)
    risk = [c for c in criteria if c.group == "risk"]
    assert risk and all(c.direction == "cost" for c in risk)


def test_active_model_and_list(ws) -> None:
    models = scoring.list_models(ws=ws)
    names = [m[1] for m in models]
    assert names == ["AI value / feasibility / risk", "RICE", "ICE"]
    assert all(m[2] for m in models)
    assert scoring.active_model_id(ws=ws) == models[0][0]
    rice = _model_id(ws, "rice")
    changes, old = scoring.set_active_model(ws=ws, model_id=rice)
    assert old == models[0][0] and changes.kind == "settings"
    assert scoring.active_model_id(ws=ws) == rice
    assert [c.key for c in scoring.model_criteria(ws=ws)] == [
        "reach",
        "impact",
        "confidence",
        "effort",
    ]
    scoring.set_active_model(ws=ws, model_id=old)
    assert scoring.active_model_id(ws=ws) == old
    with pytest.raises(NotFoundError):
        scoring.set_active_model(ws=ws, model_id=9999)
    assert scoring.model_by_name(ws=ws, name="ice") == _model_id(ws, "ice")
    with pytest.raises(UserError, match="available: 'AI value / feasibility / risk'"):
        scoring.model_by_name(ws=ws, name="nope")


# ranking ------------------------------------------------------------------------------


def test_rank_orders_by_score_with_stable_ties_and_incomplete_apart(ws) -> None:
    low = _use_case(ws, "Low")
    high = _use_case(ws, "High")
    tie_b = _use_case(ws, "beta tie")
    tie_a = _use_case(ws, "Alpha tie")
    partial = _use_case(ws, "Partial")
    zero = _use_case(ws, "Zero")
    _score_all(ws, low, [2, 2, 2, 2, 2, 2, 4, 4])
    _score_all(ws, high, [5, 5, 5, 5, 5, 5, 1, 1])
    _score_all(ws, tie_b, [3, 3, 3, 3, 3, 3, 3, 3])
    _score_all(ws, tie_a, [3, 3, 3, 3, 3, 3, 3, 3])
    _score_all(ws, zero, [1, 1, 1, 1, 1, 1, 5, 5])
    crit = scoring.model_criteria(ws=ws)
    scoring.set_score(ws=ws, use_case_id=partial, criterion_id=crit[0].id, value=5)

    ranking = scoring.rank(ws=ws)
    assert [r.use_case_id for r in ranking] == [high, tie_a, tie_b, low, zero, partial]
    assert [r.rank for r in ranking] == [1, 2, 3, 4, 5, None]
    assert ranking[0].score == pytest.approx(100.0)
    assert ranking[1].score == ranking[2].score == pytest.approx(50.0)
    assert ranking[4].score == pytest.approx(0.0) and ranking[4].complete
    incomplete = ranking[5]
    assert incomplete.score is None and not incomplete.complete
    assert incomplete.missing == tuple(c.id for c in crit[1:])
    assert incomplete.values == {crit[0].id: 5}
    for r in ranking[:5]:
        assert sum(r.contributions.values()) == pytest.approx(r.score)
    # Restricting to some use cases ranks those only.
    subset = scoring.rank(ws=ws, use_case_ids=[low, partial, tie_b])
    assert [(r.use_case_id, r.rank) for r in subset] == [(tie_b, 1), (low, 2), (partial, None)]


def test_rice_and_ice_presets_give_sensible_orders(ws) -> None:
    rice = _model_id(ws, "rice")
    ice = _model_id(ws, "ice")
    quick = _use_case(ws, "Quick, wide and sure")
    moonshot = _use_case(ws, "Huge but costly")
    dud = _use_case(ws, "Small, unsure, costly")
    # RICE: reach, impact, confidence, effort (cost: a high level counts against).
    _score_all(ws, quick, [4, 3, 5, 1], rice)
    _score_all(ws, moonshot, [5, 5, 2, 5], rice)
    _score_all(ws, dud, [1, 2, 1, 5], rice)
    order = [r.title for r in scoring.rank(ws=ws, model_id=rice)]
    assert order == ["Quick, wide and sure", "Huge but costly", "Small, unsure, costly"]
    # ICE: impact, confidence, ease (ease is a benefit: easy is good).
    _score_all(ws, quick, [3, 5, 5], ice)
    _score_all(ws, moonshot, [5, 2, 1], ice)
    _score_all(ws, dud, [1, 1, 1], ice)
    ranking = scoring.rank(ws=ws, model_id=ice)
    assert [r.title for r in ranking] == order
    assert ranking[-1].score == pytest.approx(0.0)
    # The default model has no scores yet: every use case is incomplete.
    assert all(not r.complete for r in scoring.rank(ws=ws))


def test_rank_handles_models_wider_than_one_packed_integer(ws) -> None:
    # 8 default criteria + 17 more: the levels no longer fit one 64-bit integer.
    wide, _changes = scoring.copy_model(ws=ws, model_id=scoring.active_model_id(ws=ws), name="Wide")
    for i in range(17):
        records.create(
            ws=ws,
            model=Criterion,
            data={
                "model_id": wide,
                "key": f"extra_{i}",
                "name": f"Extra {i}",
                "group": ("value", "feasibility", "risk")[i % 3],
                "weight": 1.0 + i % 4,
                "direction": "cost" if i % 3 == 2 else "benefit",
                "description": "",
                "levels": ["1", "2", "3", "4", "5"],
                "position": 100 + i,
            },
        )
    criteria = scoring.model_criteria(ws=ws, model_id=wide)
    assert len(criteria) == 25
    full = _use_case(ws, "Full")
    gap = _use_case(ws, "Gap")
    levels = [1 + (i * 3) % 5 for i in range(25)]
    _score_all(ws, full, levels, model_id=wide)
    for crit, level in zip(criteria, levels, strict=True):
        if crit is not criteria[21]:
            scoring.set_score(ws=ws, use_case_id=gap, criterion_id=crit.id, value=level)

    ranking = scoring.rank(ws=ws, model_id=wide)
    assert [r.use_case_id for r in ranking] == [full, gap]
    expected = {c.id: level for c, level in zip(criteria, levels, strict=True)}
    score, parts = scoring.score_value(expected, criteria)
    assert ranking[0].values == expected
    assert ranking[0].score == pytest.approx(score)
    assert ranking[0].contributions == pytest.approx(parts)
    assert ranking[1].missing == (criteria[21].id,) and ranking[1].score is None
    # A long id list (filtered after the query) and a short one (filtered in SQL) agree.
    many = [gap, *range(10_000, 10_600)]
    assert [r.use_case_id for r in scoring.rank(ws=ws, model_id=wide, use_case_ids=many)] == [gap]
    assert [r.use_case_id for r in scoring.rank(ws=ws, model_id=wide, use_case_ids=[gap])] == [gap]


def test_ranked_rows_behave_like_plain_records(ws) -> None:
    uc = _use_case(ws, "Solo")
    _score_all(ws, uc, [4, 4, 4, 4, 4, 4, 2, 2])
    row = scoring.rank(ws=ws)[0]
    criteria = scoring.model_criteria(ws=ws)
    score, parts = scoring.score_value(row.values, criteria)
    built = scoring.RankedUseCase(
        uc, "Solo", "idea", score, 1, True, (), {c.id: row.values[c.id] for c in criteria}, parts
    )
    assert scoring.rank(ws=ws)[0].contributions == built.contributions  # read first
    assert scoring.rank(ws=ws)[0] == built
    assert dataclasses.asdict(scoring.rank(ws=ws)[0]) == dataclasses.asdict(built)
    moved = dataclasses.replace(scoring.rank(ws=ws)[0], rank=7)
    assert moved.rank == 7 and moved.values == built.values
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.score = 1.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        _ = row.no_such_field  # type: ignore[attr-defined]


# score edits --------------------------------------------------------------------------


def _score_rows(ws, uc: int) -> list[tuple[int, int, str]]:
    with ws.session() as session:
        return [
            (r.criterion_id, r.value, r.rationale)
            for r in session.execute(select(Score).where(Score.use_case_id == uc)).scalars()
        ]


def test_set_score_upserts_deletes_and_returns_old_values(ws) -> None:
    uc = _use_case(ws, "Drafts")
    crit = scoring.model_criteria(ws=ws)[0]
    changes, old = scoring.set_score(
        ws=ws, use_case_id=uc, criterion_id=crit.id, value=4, rationale="Interviews"
    )
    assert (changes.kind, changes.ids) == ("score", (uc,))
    assert old == (None, "")
    assert _score_rows(ws, uc) == [(crit.id, 4, "Interviews")]
    # Update keeps the rationale when none is given.
    _changes, old = scoring.set_score(ws=ws, use_case_id=uc, criterion_id=crit.id, value=2)
    assert old == (4, "Interviews")
    assert _score_rows(ws, uc) == [(crit.id, 2, "Interviews")]
    # Undo puts the old value back.
    scoring.set_score(ws=ws, use_case_id=uc, criterion_id=crit.id, value=old[0], rationale=old[1])
    assert _score_rows(ws, uc) == [(crit.id, 4, "Interviews")]
    # None deletes; undoing a delete restores value and rationale.
    _changes, old = scoring.set_score(ws=ws, use_case_id=uc, criterion_id=crit.id, value=None)
    assert _score_rows(ws, uc) == []
    scoring.set_score(ws=ws, use_case_id=uc, criterion_id=crit.id, value=old[0], rationale=old[1])
    assert _score_rows(ws, uc) == [(crit.id, 4, "Interviews")]
    with ws.session() as session:
        actions = session.execute(
            select(ChangeLog.action).where(ChangeLog.entity == "score").order_by(ChangeLog.id)
        ).scalars()
        assert list(actions) == ["create", "update", "update", "delete", "create"]


@pytest.mark.parametrize("bad", [0, 6, 2.5, "3", True])
def test_set_score_rejects_levels_outside_1_to_5(ws, bad) -> None:
    uc = _use_case(ws, "Drafts")
    crit = scoring.model_criteria(ws=ws)[0]
    with pytest.raises(ValidationError, match="1 to 5"):
        scoring.set_score(ws=ws, use_case_id=uc, criterion_id=crit.id, value=bad)
    assert _score_rows(ws, uc) == []


def test_set_score_unknown_use_case_or_criterion(ws) -> None:
    uc = _use_case(ws, "Drafts")
    crit = scoring.model_criteria(ws=ws)[0]
    with pytest.raises(NotFoundError, match="criterion"):
        scoring.set_score(ws=ws, use_case_id=uc, criterion_id=99999, value=3)
    with pytest.raises(NotFoundError, match="use case"):
        scoring.set_score(ws=ws, use_case_id=99999, criterion_id=crit.id, value=3)


def test_score_edit_moves_rank(ws) -> None:
    first = _use_case(ws, "First")
    second = _use_case(ws, "Second")
    _score_all(ws, first, [4, 4, 4, 4, 4, 4, 2, 2])
    _score_all(ws, second, [3, 3, 3, 3, 3, 3, 2, 2])
    assert [r.title for r in scoring.rank(ws=ws)] == ["First", "Second"]
    crit = scoring.model_criteria(ws=ws)[0]
    scoring.set_score(ws=ws, use_case_id=second, criterion_id=crit.id, value=5)
    scoring.set_score(ws=ws, use_case_id=first, criterion_id=crit.id, value=1)
    assert [r.title for r in scoring.rank(ws=ws)] == ["Second", "First"]


# models -------------------------------------------------------------------------------


def test_copy_model_copies_criteria_and_scores(ws) -> None:
    uc = _use_case(ws, "Drafts")
    other = _use_case(ws, "Routing")
    _score_all(ws, uc, [5, 4, 3, 2, 1, 2, 3, 4])
    _score_all(ws, other, [1, 1, 1, 1, 1, 1, 1, 1])
    source = scoring.active_model_id(ws=ws)
    new_id, changes = scoring.copy_model(ws=ws, model_id=source, name="Experiment")
    assert (changes.kind, changes.ids, changes.action) == ("scoring_model", (new_id,), "create")
    old_criteria = scoring.model_criteria(ws=ws, model_id=source)
    new_criteria = scoring.model_criteria(ws=ws, model_id=new_id)
    assert [(c.key, c.weight, c.direction, c.levels) for c in new_criteria] == [
        (c.key, c.weight, c.direction, c.levels) for c in old_criteria
    ]
    assert {c.id for c in new_criteria}.isdisjoint(c.id for c in old_criteria)
    assert scoring.score_count(ws=ws, model_id=new_id) == 16
    original = {r.use_case_id: r.score for r in scoring.rank(ws=ws, model_id=source)}
    copied = {r.use_case_id: r.score for r in scoring.rank(ws=ws, model_id=new_id)}
    assert copied == original
    # Editing the copy leaves the original alone.
    scoring.set_score(ws=ws, use_case_id=uc, criterion_id=new_criteria[0].id, value=1)
    assert scoring.rank(ws=ws, model_id=source)[0].score == original[uc]
    with pytest.raises(ValidationError, match="already exists"):
        scoring.copy_model(ws=ws, model_id=source, name="experiment")
    with pytest.raises(ValidationError, match="must not be empty"):
        scoring.copy_model(ws=ws, model_id=source, name="  ")
    assert ("Experiment", False) in [(m[1], m[2]) for m in scoring.list_models(ws=ws)]


def test_delete_model_refuses_active_and_last(ws) -> None:
    active = scoring.active_model_id(ws=ws)
    with pytest.raises(UserError, match="active scoring model"):
        scoring.delete_model(ws=ws, model_id=active)
    rice = _model_id(ws, "rice")
    ice = _model_id(ws, "ice")
    scoring.delete_model(ws=ws, model_id=rice)
    assert rice not in [m[0] for m in scoring.list_models(ws=ws)]
    ws.undo()
    assert len(scoring.model_criteria(ws=ws, model_id=rice)) == 4
    scoring.delete_model(ws=ws, model_id=rice)
    scoring.delete_model(ws=ws, model_id=ice)
    with pytest.raises(UserError, match="only scoring model"):
        scoring.check_model_deletable(ws=ws, model_id=active)
    with ws.session() as session:
        assert session.execute(select(func.count()).select_from(ScoringModel)).scalar_one() == 1


# stability ----------------------------------------------------------------------------


def _portfolio(ws) -> dict[str, int]:
    ids = {}
    levels = {
        "Dominant": [5, 5, 5, 5, 5, 5, 1, 1],
        "Close A": [4, 3, 3, 3, 3, 3, 3, 3],
        "Close B": [3, 4, 3, 3, 3, 3, 3, 3],
        "Close C": [3, 3, 4, 3, 3, 4, 3, 3],
        "Weak": [1, 1, 1, 2, 1, 1, 5, 5],
    }
    for title, values in levels.items():
        ids[title] = _use_case(ws, title)
        _score_all(ws, ids[title], values)
    ids["Incomplete"] = _use_case(ws, "Incomplete")
    return ids


def test_stability_is_deterministic_and_sane(ws) -> None:
    ids = _portfolio(ws)
    calls: list[tuple[int, int]] = []
    result = scoring.stability(
        ws=ws, draws=500, top_n=2, progress=lambda d, t: calls.append((d, t))
    )
    again = scoring.stability(ws=ws, draws=500, top_n=2)
    assert result == again
    assert calls[-1] == (500, 500) and len(calls) == 5
    assert ids["Incomplete"] not in result.use_case_ids
    assert len(result.use_case_ids) == 5
    assert result.baseline_rank[ids["Dominant"]] == 1
    assert result.p_top_n[ids["Dominant"]] == 1.0
    assert result.rank_counts[ids["Dominant"]] == [500, 0, 0, 0, 0]
    assert result.p_top_n[ids["Weak"]] == 0.0
    assert result.worst_rank[ids["Weak"]] == 5
    close = [result.rank_counts[ids[t]] for t in ("Close A", "Close B", "Close C")]
    # The close ones trade places 2-4: each lands on more than one rank.
    assert all(sum(1 for c in counts if c) > 1 for counts in close)
    assert all(sum(counts) == 500 for counts in result.rank_counts.values())
    assert sum(result.p_top_n.values()) == pytest.approx(2.0)
    other_seed = scoring.stability(ws=ws, draws=500, top_n=2, seed=99)
    assert other_seed.rank_counts != result.rank_counts
    # No perturbation: everybody keeps the baseline rank.
    still = scoring.stability(ws=ws, draws=50, spread=0.0)
    for uc, base in still.baseline_rank.items():
        assert still.rank_counts[uc][base - 1] == 50


def test_stability_dirichlet_and_bad_options(ws) -> None:
    ids = _portfolio(ws)
    result = scoring.stability(ws=ws, draws=400, method="dirichlet", top_n=1)
    assert result == scoring.stability(ws=ws, draws=400, method="dirichlet", top_n=1)
    assert result.p_top_n[ids["Dominant"]] == 1.0
    assert result.method == "dirichlet"
    with pytest.raises(UserError, match="uniform or dirichlet"):
        scoring.stability(ws=ws, method="gauss")
    with pytest.raises(UserError, match="spread"):
        scoring.stability(ws=ws, spread=1.5)
    with pytest.raises(UserError, match="draws"):
        scoring.stability(ws=ws, draws=0)


def test_stability_without_complete_use_cases(ws) -> None:
    _use_case(ws, "Unscored")
    result = scoring.stability(ws=ws, draws=10)
    assert result.use_case_ids == () and result.p_top_n == {}


# risk register feed -------------------------------------------------------------------


def _risk(ws, uc: int, *, residual: tuple[int, int], status: str = "open") -> None:
    from sqlalchemy import insert

    from aipm_desktop.models import Risk, RiskUseCaseLink

    data = {
        "title": f"Risk {residual}",
        "likelihood": 5,
        "impact": 5,
        "residual_likelihood": residual[0],
        "residual_impact": residual[1],
        "status": status,
    }
    risk, _ = records.create(ws=ws, model=Risk, data=data)
    with ws.write() as session:
        session.execute(
            insert(RiskUseCaseLink.__table__), [{"risk_id": risk.id, "use_case_id": uc}]
        )


def test_exposure_levels() -> None:
    assert [scoring.exposure_level(s / 25) for s in (1, 5, 6, 10, 12, 16, 20, 21, 25)] == [
        1,
        1,
        2,
        2,
        3,
        4,
        4,
        5,
        5,
    ]
    assert scoring.exposure_level(1.0, "benefit") == 1


def test_open_residual_risk_feeds_the_risk_criterion(ws) -> None:
    risky = _use_case(ws, "Risky")
    safe = _use_case(ws, "Safe")
    unscored = _use_case(ws, "Only risk missing")
    _score_all(ws, risky, [4, 4, 4, 4, 4, 4, 1, 2])
    _score_all(ws, safe, [3, 3, 3, 3, 3, 3, 1, 2])
    crit = scoring.model_criteria(ws=ws)
    safety = crit[6]
    assert safety.key == "safety_compliance"
    for c, level in zip(crit, [3, 3, 3, 3, 3, 3, 3, 2], strict=True):
        if c.id != safety.id:
            scoring.set_score(ws=ws, use_case_id=unscored, criterion_id=c.id, value=level)
    _risk(ws, risky, residual=(5, 5))  # 25: level 5 on safety
    _risk(ws, risky, residual=(1, 2))
    _risk(ws, safe, residual=(5, 5), status="closed")  # closed risks do not count
    _risk(ws, unscored, residual=(2, 3))  # 6: level 2

    plain = {r.use_case_id: r for r in scoring.rank(ws=ws)}
    fed = {r.use_case_id: r for r in scoring.rank(ws=ws, risk_from_register=True)}
    assert plain[risky].values[safety.id] == 1 and plain[risky].fed == ()
    assert fed[risky].values[safety.id] == 5 and fed[risky].fed == (safety.id,)
    assert fed[risky].score == pytest.approx(plain[risky].score - 12.0)
    assert fed[safe].score == plain[safe].score and fed[safe].fed == ()
    # The register fills the one missing level: the use case becomes complete.
    assert not plain[unscored].complete
    assert fed[unscored].complete and fed[unscored].values[safety.id] == 2
    assert sum(fed[risky].contributions.values()) == pytest.approx(fed[risky].score)
    # The stored score is unchanged.
    assert scoring.use_case_scores(ws=ws, use_case_id=risky)[safety.id] == (1, "")
    result = scoring.stability(ws=ws, draws=20, risk_from_register=True)
    assert unscored in result.use_case_ids


def test_rationales_and_stored_levels_read_back_what_set_score_wrote(ws) -> None:
    from aipm_desktop.models import UseCase
    from aipm_desktop.services import records

    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Triage"})
    crit = scoring.model_criteria(ws=ws)[0].id
    scoring.set_score(ws=ws, use_case_id=uc.id, criterion_id=crit, value=4, rationale="Clear pull")
    assert scoring.rationales(ws=ws, use_case_ids=[uc.id], criterion_ids=[crit]) == {
        (uc.id, crit): "Clear pull"
    }
    assert scoring.stored_levels(ws=ws, criterion_id=crit) == {uc.id: 4}
    assert scoring.stored_levels(ws=ws, criterion_id=crit, use_case_ids=[uc.id + 1]) == {}
