"""The use-case list's score and rank (one ranking per query), and the list reader that
keeps them and the order between filters: the same answers as the list's queries."""

from __future__ import annotations

import itertools

import pytest

from aipm_desktop.models import Criterion, ScoringModel, UseCase
from aipm_desktop.services import records, scoring
from aipm_desktop.services.list_reader import ListReader
from aipm_desktop.services.listing import fetch_rows, query_ids, use_case_list_spec

#: The same answers on a file and on a server (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends


def _tiny_model(ws) -> dict[str, int]:
    """An active model of two criteria: "value" (benefit, weight 3) and "effort" (cost,
    weight 1); returns their ids."""
    model, _changes = records.create(
        ws=ws,
        model=ScoringModel,
        data={"key": "tiny", "name": "Tiny", "description": "", "is_preset": False},
    )
    levels = ["1", "2", "3", "4", "5"]
    criteria = [
        {"key": "value", "group": "value", "weight": 3.0, "direction": "benefit"},
        {"key": "effort", "group": "feasibility", "weight": 1.0, "direction": "cost"},
    ]
    ids = {}
    for position, fields in enumerate(criteria):
        fields.update(model_id=model.id, name=fields["key"], description="", levels=levels)
        crit, _changes = records.create(
            ws=ws, model=Criterion, data={**fields, "position": position}
        )
        ids[str(fields["key"])] = crit.id
    scoring.set_active_model(ws=ws, model_id=model.id)
    return ids


@pytest.fixture
def worked(ws) -> dict[str, int]:
    """Six use cases scored on the tiny model; returns their ids by title.

    Worked by hand, score = 100 * (3 * u(value) + 1 * u(effort)) / 4 with u = (v - 1) / 4
    for the benefit and (5 - v) / 4 for the cost criterion:

    ======  =====  ======  =================================  ====
    title   value  effort  score                              rank
    ======  =====  ======  =================================  ====
    Xylo    5      1       100 * (3 * 1 + 1 * 1) / 4 = 100    1
    alpha   4      2       100 * (3 * .75 + .75) / 4 = 75     2 (tie: title, no case)
    Beta    4      2       75                                 3
    Gamma   3      5       100 * (3 * .5 + 0) / 4 = 37.5      4
    Delta   5      -       incomplete                         -
    Eps     -      -       incomplete                         -
    ======  =====  ======  =================================  ====
    """
    crit = _tiny_model(ws)
    levels = {
        "Xylo": (5, 1),
        "alpha": (4, 2),
        "Beta": (4, 2),
        "Gamma": (3, 5),
        "Delta": (5, None),
        "Eps": (None, None),
    }
    ids = {}
    for title, (value, effort) in levels.items():
        obj, _changes = records.create(ws=ws, model=UseCase, data={"title": title})
        ids[title] = obj.id
        for key, level in (("value", value), ("effort", effort)):
            if level is not None:
                scoring.set_score(ws=ws, use_case_id=obj.id, criterion_id=crit[key], value=level)
    return ids


def _score_and_rank(ws, ids: list[int], reader: ListReader | None = None) -> list[tuple]:
    spec = use_case_list_spec()
    if reader is None:
        rows = fetch_rows(ws=ws, spec=spec, ids=ids)
        return [rows[i][:3] for i in ids]
    raw = reader.rows(ids)
    score, rank = spec.column("score"), spec.column("rank")
    return [(raw[i][0], score.format(raw[i][1]), rank.format(raw[i][2])) for i in ids]


EXPECTED = [
    ("Xylo", "100.0", "1"),
    ("alpha", "75.0", "2"),
    ("Beta", "75.0", "3"),
    ("Gamma", "37.5", "4"),
    ("Delta", "", ""),
    ("Eps", "", ""),
]


def test_the_list_shows_the_hand_worked_scores_and_ranks(ws, worked):
    spec = use_case_list_spec()
    by_rank = query_ids(ws=ws, spec=spec, sort_key="rank")
    assert _score_and_rank(ws, by_rank) == EXPECTED
    assert _score_and_rank(ws, by_rank, ListReader(ws, spec)) == EXPECTED
    # Best score first; the ties by title, the incomplete ones last in either direction.
    by_score = query_ids(ws=ws, spec=spec, sort_key="score", descending=True)
    assert [row[0] for row in _score_and_rank(ws, by_score)] == [t for t, *_ in EXPECTED]
    worst = query_ids(ws=ws, spec=spec, sort_key="rank", descending=True)
    assert [row[0] for row in _score_and_rank(ws, worst)] == [
        "Gamma",
        "Beta",
        "alpha",
        "Xylo",
        "Delta",
        "Eps",
    ]


def test_a_filtered_list_keeps_the_ranks_of_the_whole_portfolio(ws, worked):
    spec = use_case_list_spec()
    reader = ListReader(ws, spec)
    reader.ids()
    for ids in (
        query_ids(ws=ws, spec=spec, text="gamma"),
        reader.ids(text="gamma"),
        query_ids(ws=ws, spec=spec, text="gamma", sort_key="rank"),
    ):
        assert ids == [worked["Gamma"]]
        assert _score_and_rank(ws, ids) == [("Gamma", "37.5", "4")]
        assert _score_and_rank(ws, ids, reader) == [("Gamma", "37.5", "4")]


def test_the_reader_answers_as_the_list_queries_do(sample_on_backend):
    ws = sample_on_backend
    spec = use_case_list_spec()
    reader = ListReader(ws, spec)
    statuses = ("idea", "discovery", "pilot")
    sorts = [(None, False), ("rank", False), ("score", True), ("title", True), ("status", False)]
    texts = ["", "a", "an", "ana", "", "no such text 7f3a", "  a  ", "support"]
    for (sort_key, descending), filters in itertools.product(sorts, ({}, {"status": statuses})):
        for text in texts:  # a user typing, clearing and typing again
            wanted = dict(text=text, filters=filters, sort_key=sort_key, descending=descending)
            ids = reader.ids(**wanted)
            assert ids == query_ids(ws=ws, spec=spec, **wanted), wanted
        assert ids  # "support" matches some
        shown = reader.ids(sort_key=sort_key, descending=descending, filters=filters)
        assert reader.rows(shown) == fetch_rows(ws=ws, spec=spec, ids=shown, raw=True)
    # A window of a long list is read as asked, from the offset on.
    everything = query_ids(ws=ws, spec=spec, sort_key="rank")
    assert reader.ids(sort_key="rank", offset=2, limit=3) == everything[2:5]


def test_a_new_reader_sees_a_changed_score(sample_on_backend):
    ws = sample_on_backend
    spec = use_case_list_spec()
    reader = ListReader(ws, spec)
    ranking = scoring.rank(ws=ws)
    last = [r for r in ranking if r.complete][-1]
    assert last.rank > 1
    rank_at = spec.index_of("rank")
    assert reader.rows([last.use_case_id])[last.use_case_id][rank_at] == last.rank
    for crit in scoring.model_criteria(ws=ws):
        level = 1 if crit.direction == "cost" else 5
        scoring.set_score(ws=ws, use_case_id=last.use_case_id, criterion_id=crit.id, value=level)
    fresh = ListReader(ws, spec)
    assert fresh.rows([last.use_case_id])[last.use_case_id][rank_at] == 1
    assert fresh.ids(sort_key="rank")[0] == last.use_case_id
