"""Go-anywhere search: fuzzy matching ranked as a user expects (prefix, word start,
inside a word, initials, scattered letters; shorter titles first), case and accents
ignored, typing on narrowing the last results, and the index kept current by the
changes of each write (create, rename, delete, undo) without a rebuild."""

from __future__ import annotations

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.models import Kpi, Risk, UseCase
from aipm_desktop.services import records, search
from aipm_desktop.services.changes import Changes
from aipm_desktop.services.search import SearchIndex, fold, scatter_score


def _add(ws, model, **data) -> int:
    obj, _ = records.create(ws=ws, model=model, data=data)
    return int(obj.id)


def _titles(hits) -> list[str]:
    return [hit.title for hit in hits]


@pytest.fixture
def filled(ws):
    _add(ws, UseCase, title="Route support requests")
    _add(ws, UseCase, title="Support ticket summaries")
    _add(ws, UseCase, title="Résumé screening", area="HR")
    _add(ws, Risk, title="Supplier lock-in")
    _add(ws, Risk, title="Unsupported languages in the support bot")
    _add(ws, Kpi, name="Ticket deflection rate", unit="%")
    return ws


def test_fold_drops_accents_and_case():
    assert fold("Résumé ÉVALUER") == "resume evaluer"
    assert fold("Straße") == "strasse"


def test_ranking_prefix_then_word_start_then_inside_then_initials(filled):
    index = SearchIndex().build(ws=filled, kinds=["use_case", "risk", "kpi"])
    # "sup": starts "Support…" and "Supplier…" (prefix; shorter first), starts the word
    # "support" in two titles, and sits inside "Unsupported".
    hits = index.search("sup")
    assert _titles(hits) == [
        "Supplier lock-in",
        "Support ticket summaries",
        "Route support requests",
        "Unsupported languages in the support bot",
    ]
    assert [search.TIERS[h.tier] for h in hits] == ["prefix", "prefix", "word start", "word start"]
    # Initials: r(oute) s(upport) r(equests).
    assert _titles(index.search("rsr"))[0] == "Route support requests"
    assert search.TIERS[index.search("rsr")[0].tier] == "initials"


def test_accents_case_words_and_kinds(filled):
    index = SearchIndex().build(ws=filled)
    hit = index.search("RESUME")[0]
    assert (hit.title, hit.kind, hit.label, hit.context) == (
        "Résumé screening",
        "use_case",
        "Use case",
        "HR",
    )
    # Every word must match, in any order.
    assert _titles(index.search("rate ticket")) == ["Ticket deflection rate"]
    assert _titles(index.search("ticket", kinds=["kpi"])) == ["Ticket deflection rate"]
    assert index.search("zzz") == []
    assert index.search("   ") == []
    assert len(index.search("s", limit=2)) == 2


def test_scattered_letters_prefer_word_starts_and_runs():
    # Worked by hand: "tdr" in "ticket deflection rate": t(0) word start 1+8, d(7) word
    # start 1+8 - 6 skipped, r(18) word start 1+8 - 10 skipped -> 27 - 16 = 11.
    assert scatter_score("tdr", "ticket deflection rate") == 11
    # "tic" is a contiguous run at a word start: 9 + (1+6) + (1+6) = 23.
    assert scatter_score("tic", "ticket") == 23
    assert scatter_score("tic", "ticket") > scatter_score("tkt", "ticket")


def test_scattered_match_found_and_ranked_after_contiguous(filled):
    index = SearchIndex().build(ws=filled)
    hits = index.search("tktsum")
    assert _titles(hits) == ["Support ticket summaries"]
    assert search.TIERS[hits[0].tier] == "scattered"


def test_typing_on_narrows_the_last_candidates(filled):
    index = SearchIndex().build(ws=filled)
    index.search("s")
    narrowed = index.search("su")
    assert index._last is not None and index._last[0] == ("su",)
    fresh = SearchIndex().build(ws=filled).search("su")
    assert _titles(narrowed) == _titles(fresh)
    # A word added after a space narrows too, and matches as a fresh search does.
    assert _titles(index.search("su bot")) == ["Unsupported languages in the support bot"]
    # Deleting a letter (not an extension) searches the whole index again.
    assert len(index.search("s")) == len(SearchIndex().build(ws=filled).search("s"))


def test_index_follows_writes_without_rebuild(filled):
    index = SearchIndex().build(ws=filled)
    before = len(index)
    created, changes = records.create(ws=filled, model=Risk, data={"title": "Model drift"})
    index.apply(changes, ws=filled)
    assert _titles(index.search("drift")) == ["Model drift"]
    assert len(index) == before + 1

    _obj, changes, _old = records.update(
        ws=filled, model=Risk, id=int(created.id), data={"title": "Data drift in claims"}
    )
    index.apply(changes, ws=filled)
    assert _titles(index.search("drift")) == ["Data drift in claims"]

    changes = records.delete(ws=filled, model=Risk, id=int(created.id))
    index.apply(changes, ws=filled)
    assert index.search("drift") == []
    assert len(index) == before

    # Undo brings it back: changes that name the kind without ids reload that kind.
    result = filled.undo()
    index.apply(Changes("risk").with_kinds(result.kinds), ws=filled)
    assert _titles(index.search("drift")) == ["Data drift in claims"]
    assert index.title_of("risk", int(created.id)) == "Data drift in claims"


def test_search_function_and_kind_names(filled):
    hits = search.search(ws=filled, query="ticket", kinds=["kpi", "use_case"])
    assert [(h.label, h.title) for h in hits] == [
        ("KPI", "Ticket deflection rate"),
        ("Use case", "Support ticket summaries"),
    ]
    assert hits[0].as_dict()["match"] == "prefix"
    assert search.parse_kind("Use case") == "use_case"
    assert search.parse_kind("roadmap-item") == "roadmap_item"
    with pytest.raises(UserError, match="Unknown kind 'planet'"):
        search.parse_kind("planet")


def test_controls_are_indexed_with_their_reference_and_catalog(ws):
    hits = search.search(ws=ws, query="art 9", kinds=["control"], limit=1)
    assert hits[0].title.startswith("Art. 9 ")
    assert "AI Act" in hits[0].context


def test_contexts_read_as_the_areas_show_them(ws):
    """Stored codes are shown as words: a document's kind, an incident's severity, an
    evidence item's kind, an experiment's status, a case's time box."""
    from aipm_desktop.models import CaseExercise, Document, Experiment
    from aipm_desktop.services import controls
    from aipm_desktop.services.incidents import data as incidents

    _add(ws, Document, kind="ai_prd", title="Claims triage PRD")
    incidents.create_incident(ws=ws, data={"title": "Denials spike", "severity": "sev2"})
    controls.add_reference(
        ws=ws,
        kind="url",
        target="https://example.org/risk-plan",
        about=controls.About(control_ids=(controls.find_control(ws=ws, ref="Art. 9"),),
                             title="Risk plan"),
    )  # fmt: skip
    _add(ws, Experiment, title="Shorter drafts", status="running")
    _add(ws, CaseExercise, title="Pricing case", time_box_minutes=30)
    index = SearchIndex().build(ws=ws)
    contexts = {
        hit.title: hit.context
        for query in ("claims triage prd", "denials spike", "risk plan", "shorter", "pricing")
        for hit in index.search(query, limit=1)
    }
    assert contexts == {
        "Claims triage PRD": "AI PRD",
        "Denials spike": "SEV2",
        "Risk plan": "URL",
        "Shorter drafts": "Running",
        "Pricing case": "30 min",
    }
    # A write read again keeps the words.
    doc = search.search(ws=ws, query="claims triage prd", kinds=["document"])[0]
    index.apply(Changes("document", (doc.id,), "update"), ws=ws)
    assert index.search("claims triage prd", limit=1)[0].context == "AI PRD"
