"""The SQL behind every list: filter, exact filters, stable sort, pages of values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import insert

from aipm_desktop.errors import ValidationError
from aipm_desktop.models import Risk, UseCase
from aipm_desktop.models.enums import RiskStatus
from aipm_desktop.services import listing, records
from aipm_desktop.services.listing import (
    ListColumn,
    ListSpec,
    enum_order,
    fetch_rows,
    query_ids,
    use_case_list_spec,
)

T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)
#: The same SQL on a file and on a server (see tests/pg_cluster.py): every test that
#: reads a list, but the 100,000-row one (its inserts alone take a minute on a server).
on_both = pytest.mark.backends


def use_case_row(title: str, **values: Any) -> dict[str, Any]:
    """A full use_case row for a Core insert (every NOT NULL column)."""
    row: dict[str, Any] = {
        "created_at": T0,
        "updated_at": T0,
        "version": 1,
        "title": title,
        "problem": "",
        "target_users": "",
        "value_hypothesis": "",
        "metric_name": "",
        "metric_unit": "",
        "status": "idea",
        "owner": "",
        "area": "",
        "tags": "",
        "data_sources": "",
        "data_availability": "",
        "latency_requirement": "",
        "safety_constraints": "",
        "human_in_loop": "",
        "decision": "undecided",
        "decision_rationale": "",
    }
    row.update(values)
    return row


def insert_use_cases(ws, rows: list[dict[str, Any]]) -> list[int]:
    with ws.write() as session:
        session.connection().execute(insert(UseCase.__table__), rows)
    return query_ids(ws=ws, spec=use_case_list_spec(), sort_key="title")


@pytest.fixture
def portfolio(ws) -> dict[str, int]:
    """Five use cases; returns their ids by title."""
    insert_use_cases(
        ws,
        [
            use_case_row(
                "Support ticket triage",
                area="Support",
                owner="Ana Ruiz",
                status="pilot",
                tags="nlp, routing",
            ),
            use_case_row("Invoice extraction", area="Finance", owner="Ben Ode", status="validated"),
            use_case_row("churn forecast", area="Sales", owner="Ana Ruiz", status="idea"),
            use_case_row(
                "Contract review copilot", area="Legal", owner="Chen Li", status="discovery"
            ),
            use_case_row("Fraud_alerts 100%", area="Finance", owner="Chen Li", status="idea"),
        ],
    )
    spec = use_case_list_spec()
    ids = query_ids(ws=ws, spec=spec)
    rows = fetch_rows(ws=ws, spec=spec, ids=ids)
    return {rows[i][0]: i for i in ids}


def titles(ws, ids: list[int]) -> list[str]:
    spec = use_case_list_spec()
    rows = fetch_rows(ws=ws, spec=spec, ids=ids)
    return [rows[i][0] for i in ids]


@on_both
def test_default_order_is_title_case_insensitive(ws, portfolio):
    ids = query_ids(ws=ws, spec=use_case_list_spec())
    assert titles(ws, ids) == [
        "churn forecast",
        "Contract review copilot",
        "Fraud_alerts 100%",
        "Invoice extraction",
        "Support ticket triage",
    ]


@on_both
def test_text_filter_is_case_insensitive_over_all_filterable_columns(ws, portfolio):
    spec = use_case_list_spec()
    assert titles(ws, query_ids(ws=ws, spec=spec, text="FINANCE")) == [
        "Fraud_alerts 100%",
        "Invoice extraction",
    ]
    # Matches the owner column, not the title.
    assert titles(ws, query_ids(ws=ws, spec=spec, text="ruiz")) == [
        "churn forecast",
        "Support ticket triage",
    ]
    # Matches the stored status and the tags.
    assert titles(ws, query_ids(ws=ws, spec=spec, text="validated")) == ["Invoice extraction"]
    assert titles(ws, query_ids(ws=ws, spec=spec, text="routing")) == ["Support ticket triage"]
    assert query_ids(ws=ws, spec=spec, text="nothing-like-this") == []


@on_both
def test_every_word_must_match_some_column(ws, portfolio):
    spec = use_case_list_spec()
    # "ana" is an owner, "idea" a status: only the row having both matches.
    assert titles(ws, query_ids(ws=ws, spec=spec, text="ana idea")) == ["churn forecast"]
    assert titles(ws, query_ids(ws=ws, spec=spec, text="  chen   finance ")) == [
        "Fraud_alerts 100%"
    ]
    assert query_ids(ws=ws, spec=spec, text="chen support") == []


@on_both
def test_a_word_never_matches_across_two_columns(ws, portfolio):
    spec = use_case_list_spec()
    # "Support ticket triage" is a pilot owned by Ana Ruiz: a word must lie in one column.
    assert titles(ws, query_ids(ws=ws, spec=spec, text="triage pilot")) == ["Support ticket triage"]
    assert query_ids(ws=ws, spec=spec, text="triagepilot") == []
    assert query_ids(ws=ws, spec=spec, text="ruizundecided") == []
    assert query_ids(ws=ws, spec=spec, text="age pil") == [portfolio["Support ticket triage"]]


@on_both
def test_like_wildcards_in_the_filter_are_literal(ws, portfolio):
    spec = use_case_list_spec()
    assert titles(ws, query_ids(ws=ws, spec=spec, text="%")) == ["Fraud_alerts 100%"]
    assert titles(ws, query_ids(ws=ws, spec=spec, text="d_a")) == ["Fraud_alerts 100%"]


@on_both
def test_blank_text_shows_everything(ws, portfolio):
    assert len(query_ids(ws=ws, spec=use_case_list_spec(), text="   ")) == 5


@on_both
def test_exact_filters(ws, portfolio):
    spec = use_case_list_spec()
    assert titles(ws, query_ids(ws=ws, spec=spec, filters={"status": "idea"})) == [
        "churn forecast",
        "Fraud_alerts 100%",
    ]
    # Exact: "Financ" is not "Finance".
    assert query_ids(ws=ws, spec=spec, filters={"area": "Financ"}) == []
    both = query_ids(ws=ws, spec=spec, filters={"status": "idea", "owner": "Chen Li"})
    assert titles(ws, both) == ["Fraud_alerts 100%"]
    any_of = query_ids(ws=ws, spec=spec, filters={"status": ["pilot", "validated"]})
    assert titles(ws, any_of) == ["Invoice extraction", "Support ticket triage"]
    combined = query_ids(ws=ws, spec=spec, text="forecast", filters={"area": "Sales"})
    assert titles(ws, combined) == ["churn forecast"]


@on_both
def test_unknown_filter_or_sort_column_is_a_clear_error(ws, portfolio):
    spec = use_case_list_spec()
    with pytest.raises(ValidationError, match="unknown column 'colour'"):
        query_ids(ws=ws, spec=spec, filters={"colour": "red"})
    with pytest.raises(ValidationError, match="unknown column 'colour'"):
        query_ids(ws=ws, spec=spec, sort_key="colour")


@on_both
def test_sort_ascending_descending_with_ties_by_id(ws, portfolio):
    spec = use_case_list_spec()
    asc = query_ids(ws=ws, spec=spec, sort_key="owner")
    desc = query_ids(ws=ws, spec=spec, sort_key="owner", descending=True)
    ana = sorted([portfolio["Support ticket triage"], portfolio["churn forecast"]])
    chen = sorted([portfolio["Contract review copilot"], portfolio["Fraud_alerts 100%"]])
    ben = [portfolio["Invoice extraction"]]
    assert asc == ana + ben + chen
    assert desc == chen + ben + ana  # ties stay in id order both ways


@on_both
def test_status_sorts_in_lifecycle_order(ws, portfolio):
    spec = use_case_list_spec()
    ids = query_ids(ws=ws, spec=spec, sort_key="status")
    rows = fetch_rows(ws=ws, spec=spec, ids=ids)
    status = spec.index_of("status")
    assert [rows[i][status] for i in ids] == ["Idea", "Idea", "Discovery", "Validated", "Pilot"]


@on_both
def test_sort_by_timestamp(ws, portfolio):
    spec = use_case_list_spec()
    newest = portfolio["Invoice extraction"]
    records.update(ws=ws, model=UseCase, id=newest, data={"owner": "Dara Khan"})
    assert query_ids(ws=ws, spec=spec, sort_key="updated", descending=True)[0] == newest
    assert query_ids(ws=ws, spec=spec, sort_key="updated")[-1] == newest


@on_both
def test_fetch_rows_gives_display_values_in_column_order(ws, portfolio):
    spec = use_case_list_spec()
    triage = portfolio["Support ticket triage"]
    rows = fetch_rows(ws=ws, spec=spec, ids=[triage])
    title, score, rank, status, area, owner, decision, tags, updated, updated_by = rows[triage]
    assert (title, score, rank, status, area, owner, decision, tags) == (
        "Support ticket triage",
        "",  # not scored: incomplete, no score and no rank
        "",
        "Pilot",
        "Support",
        "Ana Ruiz",
        "Undecided",
        "nlp, routing",
    )
    assert updated == T0.astimezone().strftime("%Y-%m-%d %H:%M")
    assert updated_by == ws.history(limit=1)[0]["actor"]  # who created it: the last change
    raw = fetch_rows(ws=ws, spec=spec, ids=[triage], raw=True)[triage]
    assert raw[spec.index_of("status")] == "pilot"


@on_both
def test_fetch_rows_skips_missing_ids_and_handles_empty(ws, portfolio):
    spec = use_case_list_spec()
    some = portfolio["churn forecast"]
    assert set(fetch_rows(ws=ws, spec=spec, ids=[some, 999_999])) == {some}
    assert fetch_rows(ws=ws, spec=spec, ids=[]) == {}


@on_both
def test_a_new_spec_is_a_few_lines(ws):
    """A risk list with a lifecycle-ordered status and a filter on the base select."""
    t = Risk.__table__
    spec = ListSpec(
        kind="risk",
        source=t,
        id_column=t.c.id,
        noun=("risk", "risks"),
        columns=(
            ListColumn("title", "Title", t.c.title),
            ListColumn(
                "status",
                "Status",
                t.c.status,
                formatter="enum",
                sort_expr=enum_order(t.c.status, RiskStatus),
            ),
        ),
        default_sort="status",
    )
    for title, status in [("Leak", "closed"), ("Bias", "open"), ("Drift", "mitigating")]:
        records.create(
            ws=ws,
            model=Risk,
            data={"title": title, "status": status, "likelihood": 3, "impact": 3},
        )
    ids = query_ids(ws=ws, spec=spec)
    rows = fetch_rows(ws=ws, spec=spec, ids=ids)
    assert [rows[i] for i in ids] == [("Bias", "Open"), ("Drift", "Mitigating"), ("Leak", "Closed")]
    open_only = spec.with_where(t.c.status != "closed")
    assert len(query_ids(ws=ws, spec=open_only)) == 2
    assert listing.count_rows(ws=ws, spec=open_only) == 2
    assert spec.count_text(1) == "1 risk"
    assert spec.count_text(1200) == "1,200 risks"


def test_spec_rejects_bad_definitions():
    t = UseCase.__table__
    with pytest.raises(ValueError, match="duplicate"):
        ListSpec(
            kind="use_case",
            source=t,
            id_column=t.c.id,
            columns=(ListColumn("a", "A", t.c.title), ListColumn("a", "B", t.c.area)),
        )
    with pytest.raises(ValueError, match="formatter"):
        ListColumn("a", "A", t.c.title, formatter="fancy")


def test_100k_rows(ws):
    """A large list: every id comes back, and filters pick the right subset."""
    rows = [
        use_case_row(
            f"Use case {i:06d}",
            area="Finance" if i % 10 == 0 else "Support",
            status="pilot" if i % 7 == 0 else "idea",
        )
        for i in range(100_000)
    ]
    with ws.write() as session:
        session.connection().execute(insert(UseCase.__table__), rows)
    spec = use_case_list_spec()
    ids = query_ids(ws=ws, spec=spec)
    assert len(ids) == 100_000
    assert len(set(ids)) == 100_000
    assert ids == sorted(ids)  # titles were inserted in order, so title order is id order
    finance = query_ids(ws=ws, spec=spec, text="finance")
    assert len(finance) == 10_000
    both = query_ids(ws=ws, spec=spec, text="finance", filters={"status": "pilot"})
    assert len(both) == len([i for i in range(100_000) if i % 10 == 0 and i % 7 == 0])
    desc = query_ids(ws=ws, spec=spec, sort_key="title", descending=True)
    assert desc == ids[::-1]
    page = fetch_rows(ws=ws, spec=spec, ids=desc[:200])
    assert page[desc[0]][0] == "Use case 099999"
    assert len(page) == 200


@on_both
def test_a_list_refreshes_for_the_tables_its_sql_reads(ws) -> None:
    from aipm_desktop.services import documents, risks
    from aipm_desktop.services.changes import Changes

    doc_spec = documents.document_list_spec()
    assert {"document", "use_case"} <= doc_spec.kinds  # the use-case column's join
    risk_spec = risks.risk_list_spec(ws=ws)
    assert {"risk", "risk_use_case", "mitigation_action"} <= risk_spec.kinds
    # Deleting a use case nulls documents' links: the typed kinds reach the list.
    deleted = Changes("use_case", (1,), "delete")
    assert deleted.touches(*doc_spec.kinds)
    assert not Changes("kpi", (1,), "update").touches(*doc_spec.kinds)
