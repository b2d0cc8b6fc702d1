"""The risk register service: scoring, banding, residual, overdue, lists, heat map, links,
appetite, taxonomies, and spreadsheet import/export."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import NotFoundError, UserError, ValidationError
from aipm_desktop.models import (
    ChangeLog,
    Risk,
    RiskTaxonomy,
    RiskUseCaseLink,
    UseCase,
    WorkspaceSettings,
)
from aipm_desktop.services import clock, records, risks
from aipm_desktop.services.listing import fetch_rows, query_ids
from aipm_desktop.services.workspace import get_settings, new_workspace
from aipm_desktop.store import Workspace

#: The same tests on SQLite and on PostgreSQL (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends

TODAY = dt.date(2025, 6, 2)
DEFAULT = risks.bands_from_settings(
    [
        {"name": "low", "max": 4, "color": "#4caf50"},
        {"name": "medium", "max": 9, "color": "#ffc107"},
        {"name": "high", "max": 16, "color": "#ff7043"},
        {"name": "critical", "max": 25, "color": "#c62828"},
    ]
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = new_workspace(tmp_path_factory.mktemp("demo") / "demo.aipm", demo=True)
    yield ws
    ws.close()


def _use_case(ws: Workspace, title: str) -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    return obj.id


def _risk(ws: Workspace, **data: Any) -> int:
    data.setdefault("title", "Model invents refund terms")
    obj, _ = records.create(ws=ws, model=Risk, data=data)
    return obj.id


def _count(ws: Workspace, model: type) -> int:
    with ws.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


# --------------------------------------------------------------------------- scoring


def test_multiply_is_likelihood_times_impact() -> None:
    assert [risks.risk_score(lik, 3) for lik in range(1, 6)] == [3, 6, 9, 12, 15]
    assert risks.risk_score(1, 1) == 1 and risks.risk_score(5, 5) == 25
    assert risks.METHODS["multiply"] == "Likelihood × impact"  # noqa: RUF001


def test_impact_weighted_is_monotonic_and_weights_impact() -> None:
    grid = [[risks.risk_score(lik, imp, "impact_weighted") for imp in range(1, 6)]
            for lik in range(1, 6)]  # fmt: skip
    assert grid[0][0] == 1 and grid[4][4] == 25
    for lik in range(5):
        for imp in range(5):
            assert 1 <= grid[lik][imp] <= 25
            if lik < 4:
                assert grid[lik + 1][imp] >= grid[lik][imp]
            if imp < 4:
                assert grid[lik][imp + 1] >= grid[lik][imp]
    # rare but severe counts for more than frequent but negligible
    assert risks.risk_score(1, 5, "impact_weighted") > risks.risk_score(5, 1, "impact_weighted")
    assert risks.risk_score(1, 5) == risks.risk_score(5, 1)


def test_scores_outside_the_grid_or_unknown_method_are_refused() -> None:
    with pytest.raises(ValueError):
        risks.risk_score(0, 3)
    with pytest.raises(ValidationError, match="Unknown risk scoring method"):
        risks.risk_score(3, 3, "sum")


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, "low"), (4, "low"), (5, "medium"), (9, "medium"), (10, "high"), (16, "high"),
     (17, "critical"), (25, "critical")],
)  # fmt: skip
def test_default_band_edges(score: int, band: str) -> None:
    assert risks.level_of(score, DEFAULT).name == band


def test_band_labels_show_their_ranges() -> None:
    assert [b.label for b in DEFAULT] == [
        "Low (1-4)", "Medium (5-9)", "High (10-16)", "Critical (17-25)",
    ]  # fmt: skip


def test_levels_are_anchored() -> None:
    assert risks.LIKELIHOOD_NAMES[0] == "Rare" and risks.LIKELIHOOD_NAMES[-1] == "Almost certain"
    assert risks.IMPACT_NAMES[0] == "Negligible" and risks.IMPACT_NAMES[-1] == "Severe"
    assert len(risks.LIKELIHOOD_LEVELS) == len(risks.IMPACT_LEVELS) == 5
    assert all(": " in level and len(level) > 30 for level in risks.LIKELIHOOD_LEVELS)


# --------------------------------------------------------------------------- assess


def test_residual_falls_back_to_inherent() -> None:
    risk = Risk(title="x", likelihood=4, impact=4, next_review=TODAY)
    result = risks.assess(risk, bands=DEFAULT, today=TODAY)
    assert (result.inherent_score, result.inherent_level.name) == (16, "high")
    assert (result.residual_score, result.residual_level.name) == (16, "high")
    assert result.residual_set is False
    assert (result.residual_likelihood, result.residual_impact) == (4, 4)


def test_residual_comes_from_residual_likelihood_and_impact() -> None:
    risk = {"likelihood": 4, "impact": 5, "residual_likelihood": 2, "residual_impact": 4,
            "status": "mitigating", "next_review": None, "acceptance_expiry": None}  # fmt: skip
    result = risks.assess(risk, bands=DEFAULT, today=TODAY)
    assert (result.inherent_score, result.inherent_level.name) == (20, "critical")
    assert (result.residual_score, result.residual_level.name) == (8, "medium")
    assert result.residual_set is True
    weighted = risks.assess(risk, bands=DEFAULT, method="impact_weighted", today=TODAY)
    assert weighted.residual_score == risks.risk_score(2, 4, "impact_weighted")


def _overdue(**fields: Any) -> risks.RiskAssessment:
    risk = {"likelihood": 3, "impact": 3, "status": "open", "next_review": None,
            "acceptance_expiry": None, **fields}  # fmt: skip
    return risks.assess(risk, bands=DEFAULT, today=TODAY)


def test_overdue_logic() -> None:
    assert not _overdue(next_review=TODAY).overdue  # due today is not late
    late = _overdue(next_review=TODAY - dt.timedelta(days=9))
    assert late.overdue and late.days_overdue == 9
    assert "9 days ago" in late.overdue_reasons[0]
    assert not _overdue(next_review=None).overdue
    assert not _overdue(status="closed", next_review=TODAY - dt.timedelta(days=30)).overdue
    expired = _overdue(
        status="accepted",
        next_review=TODAY + dt.timedelta(days=30),
        acceptance_expiry=TODAY - dt.timedelta(days=1),
    )
    assert expired.overdue and expired.days_overdue == 1
    assert "acceptance expired" in expired.overdue_reasons[0]
    # an expiry only matters for an accepted risk
    assert not _overdue(status="open", acceptance_expiry=TODAY - dt.timedelta(days=5)).overdue


# --------------------------------------------------------------------------- the list


def test_list_heatmap_and_export_agree_for_every_demo_risk(demo: Workspace) -> None:
    today = clock.today()
    for method in risks.METHODS:
        risks.set_appetite(ws=demo, bands=get_settings(ws=demo).risk_bands, method=method)
        band_list = risks.bands(ws=demo)
        spec = risks.risk_list_spec(ws=demo, today=today)
        ids = query_ids(ws=demo, spec=spec)
        listed = fetch_rows(ws=demo, spec=spec, ids=ids, raw=True)
        exported = {row["id"]: row for row in risks.export_rows(ws=demo, today=today)}
        with demo.session() as session:
            stored = {r.id: r for r in session.execute(select(Risk)).scalars()}
        assert set(listed) == set(exported) == set(stored) and len(stored) == 25
        col = {key: spec.index_of(key) for key in spec.keys}
        for risk_id, risk in stored.items():
            derived = risks.assess(risk, bands=band_list, method=method, today=today)
            row, out = listed[risk_id], exported[risk_id]
            assert row[col["inherent_score"]] == out["inherent_score"] == derived.inherent_score
            assert row[col["residual_score"]] == out["residual_score"] == derived.residual_score
            assert row[col["inherent_level"]] == out["inherent_level"]
            assert row[col["inherent_level"]] == derived.inherent_level.name
            assert row[col["residual_level"]] == out["residual_level"]
            assert row[col["residual_level"]] == derived.residual_level.name
            assert bool(row[col["overdue"]]) == (out["overdue"] == "yes") == derived.overdue
        for residual in (False, True):
            data = risks.heatmap(ws=demo, residual=residual)
            live = [r for r in stored.values() if r.status != "closed"]
            assert data.total == len(live)
            for lik in range(1, 6):
                for imp in range(1, 6):
                    in_cell = risks.ids_in_cell(
                        ws=demo, likelihood=lik, impact=imp, residual=residual, spec=spec
                    )
                    assert data.counts[lik - 1][imp - 1] == len(in_cell)
                    assert sorted(data.ids.get((lik, imp), ())) == sorted(in_cell)
                    for risk_id in in_cell:
                        derived = risks.assess(stored[risk_id], bands=band_list, method=method)
                        cell = (
                            (derived.residual_likelihood, derived.residual_impact)
                            if residual
                            else (stored[risk_id].likelihood, stored[risk_id].impact)
                        )
                        assert cell == (lik, imp)
                    score = risks.risk_score(lik, imp, method)
                    assert data.colors[(lik, imp)] == risks.level_of(score, band_list).color
    risks.set_appetite(ws=demo, bands=get_settings(ws=demo).risk_bands, method="multiply")


def test_list_sorts_by_residual_score_by_default(demo: Workspace) -> None:
    spec = risks.risk_list_spec(ws=demo)
    ids = query_ids(ws=demo, spec=spec)
    rows = fetch_rows(ws=demo, spec=spec, ids=ids, raw=True)
    scores = [rows[i][spec.index_of("residual_score")] for i in ids]
    assert scores == sorted(scores, reverse=True)
    by_level = query_ids(ws=demo, spec=spec, sort_key="inherent_level")
    inherent = [rows[i][spec.index_of("inherent_score")] for i in by_level]
    assert inherent == sorted(inherent)


def test_list_filters(sample_on_backend: Workspace) -> None:
    demo = sample_on_backend  # the demo workspace, on each back end
    spec = risks.risk_list_spec(ws=demo)
    rows = {r["id"]: r for r in risks.export_rows(ws=demo)}
    bot = demo_use_case(demo, "Help-center answer bot")
    linked = query_ids(ws=demo, spec=spec, filters={"use_case": bot})
    assert linked and sorted(linked) == sorted(i for i, r in rows.items()
                                               if bot in r["use_case_ids"])  # fmt: skip
    both = query_ids(ws=demo, spec=spec, filters={"use_case": [bot, bot + 1]})
    assert set(linked) <= set(both)
    overdue = query_ids(ws=demo, spec=spec, filters={"overdue": True})
    assert overdue and sorted(overdue) == sorted(
        i for i, r in rows.items() if r["overdue"] == "yes"
    )
    high = query_ids(ws=demo, spec=spec, filters={"residual_level": "high"})
    assert sorted(high) == sorted(i for i, r in rows.items() if r["residual_level"] == "high")
    accepted = query_ids(ws=demo, spec=spec, filters={"status": "accepted"})
    assert len(accepted) >= 2
    # the use-case column shows titles and its words are searchable
    shown = fetch_rows(ws=demo, spec=spec, ids=linked[:1])[linked[0]]
    assert "Help-center answer bot" in shown[spec.index_of("use_case")]
    assert linked[0] in query_ids(ws=demo, spec=spec, text="answer bot")
    unlinked = query_ids(ws=demo, spec=spec, filters={"use_case": None})
    assert sorted(unlinked) == sorted(i for i, r in rows.items() if not r["use_case_ids"])
    # Sorted by the use cases shown: the risks of one use case (and one only) together.
    by_titles = query_ids(ws=demo, spec=spec, sort_key="use_case")
    assert sorted(by_titles) == sorted(rows)
    titles = fetch_rows(ws=demo, spec=spec, ids=by_titles, raw=True)
    shown = [titles[i][spec.index_of("use_case")] for i in by_titles]
    runs = [title for at, title in enumerate(shown) if at == 0 or shown[at - 1] != title]
    assert len(runs) == len(set(shown))


def demo_use_case(ws: Workspace, title: str) -> int:
    with ws.session() as session:
        return session.execute(select(UseCase.id).where(UseCase.title == title)).scalar_one()


def test_custom_bands_from_settings_change_levels_and_colours(ws: Workspace) -> None:
    risk = _risk(ws, likelihood=3, impact=3)
    changes, old = risks.set_appetite(
        ws=ws,
        bands=[
            {"name": "acceptable", "max": 8, "color": "#00AA00"},
            {"name": "watch", "max": 14, "color": "#ffaa00"},
            {"name": "intolerable", "max": 25, "color": "#aa0000"},
        ],
        method="multiply",
    )
    assert changes.kind == "settings"
    assert old["method"] == "multiply" and [b["max"] for b in old["bands"]] == [4, 9, 16, 25]
    band_list = risks.bands(ws=ws)
    assert [(b.name, b.low, b.high) for b in band_list] == [
        ("acceptable", 1, 8), ("watch", 9, 14), ("intolerable", 15, 25),
    ]  # fmt: skip
    assert band_list[0].color == "#00aa00"
    spec = risks.risk_list_spec(ws=ws)
    row = fetch_rows(ws=ws, spec=spec, ids=[risk])[risk]
    assert row[spec.index_of("inherent_level")] == "Watch"
    assert risks.heatmap(ws=ws).colors[(3, 3)] == "#ffaa00"
    risks.set_appetite(ws=ws, bands=old["bands"], method=old["method"])  # undo
    assert [b.high for b in risks.bands(ws=ws)] == [4, 9, 16, 25]


@pytest.mark.parametrize(
    ("bands", "method", "message"),
    [
        ([{"name": "a", "max": 9, "color": "#fff"}, {"name": "b", "max": 20, "color": "#000"}],
         "multiply", "must end at 25"),
        ([{"name": "a", "max": 9, "color": "#fff"}, {"name": "b", "max": 9, "color": "#000"},
          {"name": "c", "max": 25, "color": "#000"}], "multiply", "must be above 9"),
        ([{"name": "a", "max": 30, "color": "#fff"}], "multiply", "above 25"),
        ([{"name": "", "max": 25, "color": "#fff"}], "multiply", "needs a name"),
        ([{"name": "a", "max": 25, "color": "red"}], "multiply", "not a colour"),
        ([{"name": "a", "max": "x", "color": "#fff"}], "multiply", "whole number"),
        ([], "multiply", "at least one band"),
        ([{"name": "a", "max": 25, "color": "#fff"}], "sum", "Unknown risk scoring method"),
    ],
)  # fmt: skip
def test_appetite_validation(ws: Workspace, bands: list, method: str, message: str) -> None:
    before = get_settings(ws=ws)
    with pytest.raises(ValidationError, match=message):
        risks.set_appetite(ws=ws, bands=bands, method=method)
    after = get_settings(ws=ws)
    assert (after.risk_bands, after.risk_method) == (before.risk_bands, before.risk_method)


# --------------------------------------------------------------------------- heat map


def test_heatmap_counts_use_case_filter_and_closed(ws: Workspace) -> None:
    bot, drafts = _use_case(ws, "Answer bot"), _use_case(ws, "Reply drafts")
    a = _risk(ws, likelihood=4, impact=5, residual_likelihood=2, residual_impact=5,
              status="mitigating")  # fmt: skip
    b = _risk(ws, likelihood=4, impact=5)
    c = _risk(ws, likelihood=1, impact=2, status="closed")
    risks.set_links(ws=ws, risk_id=a, use_case_ids=[bot])
    risks.set_links(ws=ws, risk_id=b, use_case_ids=[bot, drafts])
    risks.set_links(ws=ws, risk_id=c, use_case_ids=[bot])
    inherent = risks.heatmap(ws=ws)
    assert inherent.counts[3][4] == 2 and inherent.total == 2  # the closed risk is left out
    assert inherent.ids[(4, 5)] == (a, b)
    residual = risks.heatmap(ws=ws, residual=True)
    assert residual.counts[1][4] == 1 and residual.counts[3][4] == 1
    assert risks.heatmap(ws=ws, include_closed=True).counts[0][1] == 1
    only_drafts = risks.heatmap(ws=ws, use_case_id=drafts)
    assert only_drafts.total == 1 and only_drafts.ids == {(4, 5): (b,)}
    assert risks.ids_in_cell(ws=ws, likelihood=4, impact=5, use_case_id=drafts) == [b]
    assert risks.ids_in_cell(ws=ws, likelihood=2, impact=5, residual=True) == [a]
    with pytest.raises(ValidationError):
        risks.ids_in_cell(ws=ws, likelihood=6, impact=1)


def test_movements_from_inherent_to_residual(ws: Workspace) -> None:
    uc = _use_case(ws, "Answer bot")
    moved = _risk(ws, title="Moved", likelihood=4, impact=4, residual_likelihood=2,
                  residual_impact=3, status="mitigating")  # fmt: skip
    _risk(ws, title="Untreated", likelihood=3, impact=3)
    closed = _risk(ws, title="Done", likelihood=5, impact=5, residual_likelihood=1,
                   residual_impact=1, status="closed")  # fmt: skip
    risks.set_links(ws=ws, risk_id=moved, use_case_ids=[uc])
    assert risks.movements(ws=ws) == [risks.Movement(moved, "Moved", (4, 4), (2, 3))]
    assert [m.risk_id for m in risks.movements(ws=ws, include_closed=True)] == [moved, closed]
    assert [m.risk_id for m in risks.movements(ws=ws, use_case_id=uc)] == [moved]


def test_residual_exposure_by_use_case(ws: Workspace) -> None:
    bot, drafts, idle = (_use_case(ws, t) for t in ("Bot", "Drafts", "Idle"))
    a = _risk(ws, likelihood=5, impact=4, residual_likelihood=2, residual_impact=4,
              status="mitigating")  # fmt: skip
    b = _risk(ws, likelihood=3, impact=3)
    c = _risk(ws, likelihood=5, impact=5, status="closed")
    risks.set_links(ws=ws, risk_id=a, use_case_ids=[bot])
    risks.set_links(ws=ws, risk_id=b, use_case_ids=[bot, drafts])
    risks.set_links(ws=ws, risk_id=c, use_case_ids=[idle])
    assert risks.residual_exposure_by_use_case(ws=ws) == {bot: 9 / 25, drafts: 9 / 25}


# --------------------------------------------------------------------------- links


def test_set_links_returns_old_ids_for_undo(ws: Workspace) -> None:
    one, two, three = (_use_case(ws, t) for t in ("One", "Two", "Three"))
    risk = _risk(ws)
    changes, old = risks.set_links(ws=ws, risk_id=risk, use_case_ids=[two, one, two])
    assert (changes.kind, changes.ids, old) == ("risk", (risk,), [])
    assert risks.linked_use_cases(ws=ws, risk_id=risk) == [one, two]
    _changes, old = risks.set_links(ws=ws, risk_id=risk, use_case_ids=[three])
    assert old == [one, two]
    risks.set_links(ws=ws, risk_id=risk, use_case_ids=old)  # undo
    assert risks.linked_use_cases(ws=ws, risk_id=risk) == [one, two]
    with ws.session() as session:
        logged = session.execute(
            select(ChangeLog).where(ChangeLog.entity == "risk_use_case")
        ).scalars().all()  # fmt: skip
    # Each link added or removed is logged under the risk, with the use case it names.
    trail = [(e.action, e.entity_id, e.changes["use_case_id"]) for e in logged]
    assert trail == [
        ("create", risk, [None, one]), ("create", risk, [None, two]),
        ("delete", risk, [one, None]), ("delete", risk, [two, None]),
        ("create", risk, [None, three]),
        ("delete", risk, [three, None]),
        ("create", risk, [None, one]), ("create", risk, [None, two]),
    ]  # fmt: skip


def test_set_links_refuses_unknown_ids(ws: Workspace) -> None:
    uc = _use_case(ws, "One")
    risk = _risk(ws)
    risks.set_links(ws=ws, risk_id=risk, use_case_ids=[uc])
    with pytest.raises(ValidationError, match="no use case with id 999"):
        risks.set_links(ws=ws, risk_id=risk, use_case_ids=[uc, 999])
    assert risks.linked_use_cases(ws=ws, risk_id=risk) == [uc]
    with pytest.raises(NotFoundError):
        risks.set_links(ws=ws, risk_id=12345, use_case_ids=[uc])


# --------------------------------------------------------------------------- taxonomies


def test_builtin_taxonomies_and_choices(ws: Workspace) -> None:
    found = {t.key: t for t in risks.taxonomies(ws=ws)}
    assert len(found["nist_ai_600_1"].items) == 12
    assert found["nist_ai_rmf"].is_framework
    choices = risks.category_choices(ws=ws)
    assert "Confabulation" in choices and "Prompt injection" in choices
    assert not any(name.startswith("GOVERN") for name in choices)
    assert any(name.startswith("GOVERN 1") for name in risks.framework_choices(ws=ws))


def test_add_and_enable_taxonomies(ws: Workspace) -> None:
    tax_id, changes = risks.add_taxonomy(
        ws=ws,
        name="Client policy risks",
        items=["Unapproved vendor", ("Works-council objection", "EU employee monitoring")],
    )
    assert changes.kind == "risk_taxonomy" and changes.ids == (tax_id,)
    added = next(t for t in risks.taxonomies(ws=ws) if t.id == tax_id)
    assert added.enabled and added.key == "custom_client_policy_risks"
    assert added.items[1] == ("works_council_objection", "Works-council objection",
                              "EU employee monitoring")  # fmt: skip
    assert "Works-council objection" in risks.category_choices(ws=ws)
    nist = next(t for t in risks.taxonomies(ws=ws) if t.key == "nist_ai_600_1")
    _changes, old = risks.set_taxonomy_enabled(ws=ws, taxonomy_id=nist.id, enabled=False)
    assert old is True
    assert "Confabulation" not in risks.category_choices(ws=ws)
    risks.set_taxonomy_enabled(ws=ws, taxonomy_id=nist.id, enabled=old)
    assert "Confabulation" in risks.category_choices(ws=ws)
    second, _ = risks.add_taxonomy(ws=ws, name="Client policy risks", items=["Other"])
    assert next(t for t in risks.taxonomies(ws=ws) if t.id == second).key.endswith("_2")
    records.delete(ws=ws, model=RiskTaxonomy, id=tax_id)  # undo of the add
    assert "Works-council objection" not in risks.category_choices(ws=ws)
    ws.undo()
    assert "Works-council objection" in risks.category_choices(ws=ws)


@pytest.mark.parametrize(
    ("name", "items", "message"),
    [("", ["A"], "needs a name"), ("X", [], "at least one item"),
     ("X", ["A", "a"], "listed twice"), ("X", ["  "], "an item needs a name")],
)  # fmt: skip
def test_add_taxonomy_validation(ws: Workspace, name: str, items: list, message: str) -> None:
    before = len(risks.taxonomies(ws=ws))
    with pytest.raises(ValidationError, match=message):
        risks.add_taxonomy(ws=ws, name=name, items=items)
    assert len(risks.taxonomies(ws=ws)) == before


# --------------------------------------------------------------------------- import/export


def _small_register(ws: Workspace, *, with_risks: bool = True) -> dict[str, int]:
    ucs = {t: _use_case(ws, t) for t in ("Answer bot", "Reply drafts")}
    if with_risks:
        a = _risk(ws, title="=HYPERLINK(\"http://x\")", category="Confabulation",
                  likelihood=4, impact=5, residual_likelihood=2, residual_impact=4,
                  status="mitigating", next_review=dt.date(2025, 1, 1),
                  framework_refs="NIST AI RMF MEASURE 2.5", source="red_team")  # fmt: skip
        b = _risk(ws, title="Vendor retention", status="accepted", acceptance_rationale="DPA",
                  approver="Carmen", acceptance_expiry=dt.date(2026, 1, 1),
                  description="Line one\nline two")  # fmt: skip
        risks.set_links(ws=ws, risk_id=a, use_case_ids=list(ucs.values()))
        risks.set_links(ws=ws, risk_id=b, use_case_ids=[ucs["Reply drafts"]])
    return ucs


def _comparable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in ("id", "use_case_ids")} for r in rows]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_import_round_trip(ws: Workspace, tmp_path: Path, suffix: str) -> None:
    _small_register(ws)
    out = risks.export_risks(ws=ws, out=tmp_path / f"register{suffix}")
    other = new_workspace(tmp_path / "other.aipm", name="Other")
    try:
        _small_register(other, with_risks=False)
        # The ids of another workspace are unknown here: added as new risks when asked.
        changes, count = risks.import_risks(ws=other, source=out, on_unknown_id="add")
        assert count == 2 and changes.kind == "risk" and len(changes.ids) == 2
        assert _comparable(risks.export_rows(ws=other)) == _comparable(risks.export_rows(ws=ws))
        with other.session() as session:
            logged = session.execute(select(func.count()).select_from(ChangeLog).where(
                ChangeLog.entity == "risk", ChangeLog.action == "create")).scalar_one()  # fmt: skip
        assert logged == 2
    finally:
        other.close()


def test_export_is_formula_safe(ws: Workspace, tmp_path: Path) -> None:
    _small_register(ws)
    out = risks.export_risks(ws=ws, out=tmp_path / "register.csv")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["title"].startswith("'=HYPERLINK")
    assert rows[0]["inherent_score"] == "20" and rows[0]["residual_level"] == "medium"
    assert rows[0]["use_cases"] == "Answer bot; Reply drafts"
    assert list(rows[0]) == list(risks.EXPORT_COLUMNS)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_import_accepts_labels_titles_and_ids(ws: Workspace, tmp_path: Path) -> None:
    ucs = _small_register(ws, with_risks=False)
    source = _write_csv(
        tmp_path / "in.csv",
        ["Title", "Source", "Likelihood", "Impact", "Status", "Next review", "Use cases"],
        [
            ["Drift after retrain", "Red team", "3", "4", "Open", "2025-07-01",
             f"answer bot; {ucs['Reply drafts']}"],
            ["Cost spike", "vendor-change", "2", "2", "", "", ""],
        ],
    )  # fmt: skip
    _changes, count = risks.import_risks(ws=ws, source=source)
    assert count == 2
    rows = {r["title"]: r for r in risks.export_rows(ws=ws)}
    assert rows["Drift after retrain"]["source"] == "red_team"
    assert sorted(rows["Drift after retrain"]["use_case_ids"]) == sorted(ucs.values())
    assert (
        rows["Cost spike"]["source"] == "vendor_change" and rows["Cost spike"]["status"] == "open"
    )


def test_import_rejects_bad_rows_and_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    _small_register(ws, with_risks=False)
    before = (_count(ws, Risk), _count(ws, RiskUseCaseLink), _count(ws, ChangeLog))
    source = _write_csv(
        tmp_path / "bad.csv",
        ["title", "likelihood", "impact", "status", "approver", "use_cases"],
        [
            ["Fine row", "3", "3", "open", "", "Answer bot"],
            ["Too likely", "7", "3", "open", "", ""],
            ["Accepted without approval", "2", "2", "accepted", "", ""],
            ["Unknown status", "2", "2", "parked", "", ""],
            ["Bad link", "2", "2", "open", "", "Nonexistent feature"],
            ["", "2", "2", "open", "", ""],
        ],
    )
    with pytest.raises(ValidationError) as info:
        risks.import_risks(ws=ws, source=source)
    message = info.value.message
    assert "nothing imported" in message and "5 of 6 rows" in message
    assert "row 3: likelihood" in message
    assert "row 4" in message and "rationale and an approver" in message
    assert "row 5: status" in message
    assert "row 6: use_cases: no use case 'Nonexistent feature'" in message
    assert "row 7: title" in message
    assert "row 2" not in message
    assert (_count(ws, Risk), _count(ws, RiskUseCaseLink), _count(ws, ChangeLog)) == before


def test_import_refuses_unknown_columns_and_empty_files(ws: Workspace, tmp_path: Path) -> None:
    source = _write_csv(tmp_path / "typo.csv", ["title", "likelyhood"], [["A", "3"]])
    with pytest.raises(UserError, match=r"unknown column.*likelyhood"):
        risks.import_risks(ws=ws, source=source)
    empty = _write_csv(tmp_path / "empty.csv", ["title"], [])
    with pytest.raises(UserError, match="no risks to import"):
        risks.import_risks(ws=ws, source=empty)
    with pytest.raises(UserError, match="missing column"):
        risks.import_risks(ws=ws, source=_write_csv(tmp_path / "n.csv", ["name"], [["A"]]))
    assert _count(ws, Risk) == 0


def test_import_of_an_ambiguous_title_asks_for_ids(ws: Workspace, tmp_path: Path) -> None:
    _use_case(ws, "Bot")
    _use_case(ws, "Bot")
    source = _write_csv(tmp_path / "a.csv", ["title", "use_cases"], [["Risk", "bot"]])
    with pytest.raises(ValidationError, match="names several use cases; use ids"):
        risks.import_risks(ws=ws, source=source)


def test_demo_register_is_consistent_with_the_settings(demo: Workspace) -> None:
    with demo.session() as session:
        settings = session.get(WorkspaceSettings, 1)
    assert settings is not None and settings.risk_method in risks.METHODS
    levels = Counter(r["residual_level"] for r in risks.export_rows(ws=demo))
    assert set(levels) <= {b.name for b in risks.bands(ws=demo)}


def test_owner_choices_are_the_distinct_owners(ws) -> None:
    from aipm_desktop.models import Risk
    from aipm_desktop.services import records
    from aipm_desktop.services.risks import owner_choices

    for title, owner in (("a", "Kim"), ("b", ""), ("c", "Ana"), ("d", "Kim")):
        records.create(ws=ws, model=Risk, data={"title": title, "owner": owner})
    assert owner_choices(ws=ws) == ["Ana", "Kim"]
