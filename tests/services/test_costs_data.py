"""Cost models and prices in the workspace: writes through the operation layer (undo),
refusals that write nothing, the cost of ownership feed, KPI snapshots, envelope
breaches, list specs, the tornado chart and the demo's story."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import NotFoundError, UserError, ValidationError
from aipm_desktop.models import Kpi, Operation, UseCase
from aipm_desktop.services import costs, kpis, listing, records
from aipm_desktop.services.charts import build
from aipm_desktop.services.workspace import new_workspace

approx = pytest.approx

# A model worked by hand (USD): 1,000 requests a month; 2,000 input tokens at 1.00 and
# 500 output tokens at 4.00 per million: 0.002 + 0.002 = 0.004 per request; fixed 600 a
# month; success 50 %: monthly 4 + 600 = 604, per successful task 604 / 500 = 1.208;
# one-off 10,000; yearly 12 x 604 = 7,248; 3 years 10,000 + 36 x 604 = 31,744.
MODEL = {
    "name": "Triage: small model",
    "option_label": "small model",
    "requests_per_month": 1_000,
    "input_tokens_per_request": 2_000,
    "output_tokens_per_request": 500,
    "price_input_per_m": 1.0,
    "price_output_per_m": 4.0,
    "fixed_monthly_cost": 600,
    "build_cost_oneoff": 10_000,
    "success_rate": 0.5,
    "sources": {"success_rate": "Pilot, 200 tickets"},
}


def _use_case(ws, title: str = "Ticket triage") -> int:
    use_case, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    assert use_case.id is not None
    return use_case.id


def _operations(ws) -> int:
    with ws.session() as session:
        return int(session.execute(select(func.count()).select_from(Operation)).scalar_one())


def test_create_compute_update_delete_each_undoable(ws) -> None:
    model, changes = costs.create_model(ws=ws, data={**MODEL, "use_case_id": _use_case(ws)})
    assert changes.kind == "cost_model" and changes.action == "create"
    out = costs.compute(costs.load_inputs(ws=ws, model_id=model.id))
    assert out.cost_per_request == approx(0.004)
    assert out.monthly_cost == approx(604)
    assert out.cost_per_successful_task == approx(1.208)
    assert out.three_year_cost == approx(31_744)

    _stored, _changes, old = costs.update_model(
        ws=ws, model_id=model.id, data={"success_rate": 0.8}
    )
    assert old == {"success_rate": 0.5}
    # 604 / 800 = 0.755
    assert costs.compute(costs.load_inputs(ws=ws, model_id=model.id)).cost_per_successful_task == (
        approx(0.755)
    )
    ws.undo()
    assert costs.load_inputs(ws=ws, model_id=model.id).success_rate == 0.5

    costs.delete_model(ws=ws, model_id=model.id)
    with pytest.raises(NotFoundError):
        costs.load_inputs(ws=ws, model_id=model.id)
    ws.undo()
    restored = costs.load_inputs(ws=ws, model_id=model.id)
    assert restored.sources == {"success_rate": "Pilot, 200 tickets"}
    ws.undo()  # the update was undone already; this undoes the create
    assert costs.all_inputs(ws=ws) == []


def test_bad_input_writes_nothing(ws) -> None:
    model, _ = costs.create_model(ws=ws, data=MODEL)
    before = _operations(ws)
    for data, message in (
        ({"success_rate": 1.5}, "success_rate"),
        ({"cached_input_share": -0.1}, "cached_input_share"),
        ({"requests_per_month_high": 10}, "high volume"),
        ({"price_per_seat": 20}, "tasks per seat"),
        ({"kpi_id": 9_999}, "does not exist"),
        ({"colour": "red"}, "unknown field"),
    ):
        with pytest.raises(ValidationError, match=message):
            costs.update_model(ws=ws, model_id=model.id, data=data)
    with pytest.raises(ValidationError, match="Name must not be empty"):
        costs.create_model(ws=ws, data={**MODEL, "name": "  "})
    assert _operations(ws) == before
    assert costs.load_inputs(ws=ws, model_id=model.id).success_rate == 0.5


def test_a_price_row_sets_the_prices_and_deleting_it_keeps_them(ws) -> None:
    price, _ = costs.create_price(
        ws=ws,
        data={
            "provider": "Acme",
            "model": "acme-1",
            "price_input_per_m": 3.0,
            "price_cached_input_per_m": 0.3,
            "price_output_per_m": 12.0,
            "as_of": dt.date(2025, 6, 1),
            "source": "acme.example/pricing",
        },
    )
    model, _ = costs.create_model(
        ws=ws, data={**MODEL, "price_id": price.id, "cached_input_share": 0.5}
    )
    inputs = costs.load_inputs(ws=ws, model_id=model.id)
    # 1,000 uncached x 3.00 + 1,000 cached x 0.30 + 500 x 12.00, per million = 0.0093
    assert costs.compute(inputs).token_cost_per_call == approx(0.0093)
    assert inputs.price is not None and inputs.price.label == "Acme acme-1, as of 2025-06-01"
    assert costs.find_price(ws=ws, ref="acme/ACME-1") == price.id
    assert [r.used_by for r in costs.price_rows(ws=ws) if r.id == price.id] == [1]

    costs.update_price(ws=ws, price_id=price.id, data={"price_output_per_m": 10.0})
    # output 500 x 10.00 / 1e6 = 0.005: 0.003 + 0.0003 + 0.005 = 0.0083
    assert costs.compute(costs.load_inputs(ws=ws, model_id=model.id)).token_cost_per_call == (
        approx(0.0083)
    )
    changes = costs.delete_price(ws=ws, price_id=price.id)
    assert {k.value for k in changes.kinds} == {"model_price", "cost_model"}
    kept = costs.load_inputs(ws=ws, model_id=model.id)
    assert kept.price is None
    assert (kept.price_input_per_m, kept.price_cached_input_per_m, kept.price_output_per_m) == (
        3.0,
        0.3,
        10.0,
    )
    assert costs.compute(kept).token_cost_per_call == approx(0.0083)
    ws.undo()  # one step: the row and the link are back
    back = costs.load_inputs(ws=ws, model_id=model.id)
    assert back.price is not None and back.price.id == price.id


def test_a_price_in_another_currency_warns(ws) -> None:
    price, _ = costs.create_price(
        ws=ws, data={"provider": "Euro AI", "model": "e-1", "currency": "eur"}
    )
    assert price.currency == "EUR"
    model, _ = costs.create_model(ws=ws, data={**MODEL, "price_id": price.id})
    out = costs.compute(costs.load_inputs(ws=ws, model_id=model.id))
    assert any("in EUR, but this model counts in USD" in p for p in out.problems)
    with pytest.raises(ValidationError, match="already exists"):
        costs.create_price(ws=ws, data={"provider": "Euro AI", "model": "e-1"})


def test_every_new_workspace_has_the_dated_price_table(ws) -> None:
    rows = costs.price_rows(ws=ws)
    assert len(rows) >= 10
    assert {r.as_of for r in rows} == {dt.date(2025, 6, 1)}
    assert all(r.source.startswith("https://") for r in rows)
    gpt = next(r for r in rows if r.model == "gpt-4.1")
    assert (gpt.price_input_per_m, gpt.price_cached_input_per_m, gpt.price_output_per_m) == (
        2.0,
        0.5,
        8.0,
    )


def test_feed_ownership_writes_the_use_case_costs_in_one_step(ws) -> None:
    use_case_id = _use_case(ws)
    first, _ = costs.create_model(ws=ws, data={**MODEL, "use_case_id": use_case_id})
    second, _ = costs.create_model(
        ws=ws,
        data={**MODEL, "name": "Triage: vendor", "use_case_id": use_case_id, "role": "build"},
    )
    owned, changes = costs.feed_ownership(ws=ws, model_id=first.id, role="build")
    # one-off 10,000; yearly 12 x 604 = 7,248
    assert (owned.one_off, owned.yearly) == (approx(10_000), approx(7_248))
    assert {k.value for k in changes.kinds} == {"use_case", "cost_model"}
    use_case = records.get(ws=ws, model=UseCase, id=use_case_id)
    assert (use_case.cost_build_oneoff, use_case.cost_build_yearly) == (
        approx(10_000),
        approx(7_248),
    )
    # its 3-year cost of ownership is the model's 3-year cost: 10,000 + 3 x 7,248 = 31,744
    assert use_case.cost_build_oneoff + 3 * use_case.cost_build_yearly == approx(31_744)
    roles = {m.id: m.role for m in costs.all_inputs(ws=ws)}
    assert roles == {first.id: "build", second.id: "none"}  # the role moved

    ws.undo()
    use_case = records.get(ws=ws, model=UseCase, id=use_case_id)
    assert use_case.cost_build_oneoff is None and use_case.cost_build_yearly is None
    assert {m.id: m.role for m in costs.all_inputs(ws=ws)} == {
        first.id: "none",
        second.id: "build",
    }


def test_feed_ownership_refusals_write_nothing(ws) -> None:
    loose, _ = costs.create_model(ws=ws, data=MODEL)
    before = _operations(ws)
    with pytest.raises(UserError, match="not a build, partner or buy option"):
        costs.feed_ownership(ws=ws, model_id=loose.id)
    with pytest.raises(UserError, match="belongs to no use case"):
        costs.feed_ownership(ws=ws, model_id=loose.id, role="buy")
    with pytest.raises(UserError, match="unknown role 'rent'"):
        costs.feed_ownership(ws=ws, model_id=loose.id, role="rent")
    assert _operations(ws) == before
    assert costs.load_inputs(ws=ws, model_id=loose.id).role == "none"


def test_record_kpi_snapshot_and_envelope_breaches(ws) -> None:
    kpi, _ = records.create(
        ws=ws,
        model=Kpi,
        data={"name": "Cost per triaged ticket", "unit": "USD", "direction": "lower_is_better"},
    )
    model, _ = costs.create_model(
        ws=ws, data={**MODEL, "kpi_id": kpi.id, "target_cost_per_task": 1.0}
    )
    day = dt.date(2026, 1, 5)
    value, _changes = costs.record_kpi_snapshot(ws=ws, model_id=model.id, day=day)
    assert value == approx(1.208)
    assert kpis.snapshot_values(ws=ws, kpi_id=kpi.id)[day][0] == approx(1.208)
    # the recorded 1.208 is above the envelope of 1.00: a breach of 0.208 (20.8 %)
    (breach,) = costs.envelope_breaches(ws=ws)
    assert (breach.model_id, breach.kpi_id, breach.latest_date) == (model.id, kpi.id, day)
    assert breach.excess == approx(0.208) and breach.excess_share == approx(0.208)
    # a later, lower actual ends the breach
    kpis.set_snapshot(ws=ws, kpi_id=kpi.id, day=day + dt.timedelta(days=7), value=0.9)
    assert costs.envelope_breaches(ws=ws) == []
    ws.undo()
    assert len(costs.envelope_breaches(ws=ws)) == 1
    ws.undo()  # the recorded snapshot
    assert kpis.snapshot_values(ws=ws, kpi_id=kpi.id) == {}


def test_record_kpi_snapshot_refusals(ws) -> None:
    model, _ = costs.create_model(ws=ws, data=MODEL)
    with pytest.raises(UserError, match="linked to no KPI"):
        costs.record_kpi_snapshot(ws=ws, model_id=model.id)
    kpi, _ = records.create(ws=ws, model=Kpi, data={"name": "Cost per task"})
    costs.update_model(ws=ws, model_id=model.id, data={"kpi_id": kpi.id, "success_rate": 0})
    with pytest.raises(UserError, match="no cost per successful task"):
        costs.record_kpi_snapshot(ws=ws, model_id=model.id)


def test_list_specs_and_summaries(ws) -> None:
    use_case_id = _use_case(ws)
    costs.create_model(ws=ws, data={**MODEL, "use_case_id": use_case_id})
    costs.create_model(ws=ws, data={**MODEL, "name": "Another", "success_rate": 0})
    spec = costs.cost_model_list_spec()
    assert {"cost_model", "use_case"} <= spec.kinds
    ids = listing.query_ids(ws=ws, spec=spec, text="triage")
    rows = listing.fetch_rows(ws=ws, spec=spec, ids=ids)
    assert [rows[i][:4] for i in ids] == [
        ("Triage: small model", "Ticket triage", "small model", "None")
    ]
    assert rows[ids[0]][4:6] == ("1,000", "50%")
    price_ids = listing.query_ids(ws=ws, spec=costs.price_list_spec(), text="openai")
    assert len(price_ids) == 5
    summary = {s.name: s for s in costs.summaries(ws=ws)}
    assert summary["Triage: small model"].cost_per_successful_task == approx(1.208)
    assert summary["Another"].cost_per_successful_task is None
    assert summary["Another"].problems


def test_compare_use_case(ws) -> None:
    use_case_id = _use_case(ws)
    small, _ = costs.create_model(ws=ws, data={**MODEL, "use_case_id": use_case_id})
    # better success: 604 / 900 = 0.6711... per successful task
    good, _ = costs.create_model(
        ws=ws, data={**MODEL, "name": "Good", "use_case_id": use_case_id, "success_rate": 0.9}
    )
    result = costs.compare_use_case(ws=ws, use_case_id=use_case_id)
    assert [o.inputs.id for o in result.options] == [good.id, small.id]  # by name
    assert result.cheapest == 0
    assert result.options[0].outputs.cost_per_successful_task == approx(604 / 900)
    only = costs.compare_use_case(ws=ws, use_case_id=use_case_id, model_ids=[small.id])
    assert len(only.options) == 1
    other = _use_case(ws, "Other")
    with pytest.raises(UserError, match="no cost models yet"):
        costs.compare_use_case(ws=ws, use_case_id=other)
    with pytest.raises(UserError, match="not options of this use case"):
        costs.compare_use_case(ws=ws, use_case_id=other, model_ids=[small.id])


def test_find_model_by_name_or_id(ws) -> None:
    model, _ = costs.create_model(ws=ws, data=MODEL)
    assert costs.find_model(ws=ws, ref="triage: SMALL model") == model.id
    assert costs.find_model(ws=ws, ref=str(model.id)) == model.id
    with pytest.raises(UserError, match="did you mean 'Triage: small model'"):
        costs.find_model(ws=ws, ref="Triage small")


def test_tornado_chart(ws) -> None:
    model, _ = costs.create_model(ws=ws, data=MODEL)
    figure = build(ws=ws, kind="tornado", model=model.name)
    ax = figure.axes[0]
    # the inputs that move the cost: success rate, fixed cost, volume, tokens, prices
    assert len(ax.patches) == 2 * len(ax.get_yticks())
    assert "success rate" in ax.get_yticklabels()[-1].get_text()  # largest on top
    empty, _ = costs.create_model(ws=ws, data={**MODEL, "name": "Zero", "success_rate": 0})
    blank = build(ws=ws, kind="tornado", model=empty.id).axes[0]
    assert "success rate is 0" in blank.texts[0].get_text()
    with pytest.raises(UserError, match="No cost model"):
        build(ws=ws, kind="tornado", model="nothing like it")


# -- the demo's story ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    ws = new_workspace(tmp_path_factory.mktemp("costs-demo") / "demo.aipm", demo=True)
    yield ws
    ws.close()


def test_demo_options_tell_the_caching_and_small_model_story(demo) -> None:
    options = {i.option_label: i for i in costs.all_inputs(ws=demo)}
    assert set(options) == {"large model", "large model + cache", "small model"}
    assert len({i.use_case_id for i in options.values()}) == 1
    large, cached, small = (
        costs.compute(options[k]) for k in ("large model", "large model + cache", "small model")
    )
    # caching halves the input cost of a call
    large_input = large.input_token_cost_per_call + large.cached_input_token_cost_per_call
    cached_input = cached.input_token_cost_per_call + cached.cached_input_token_cost_per_call
    assert cached_input == approx(large_input / 2, rel=0.01)
    # the small model is cheaper per request but dearer per successful task
    assert small.cost_per_request < cached.cost_per_request < large.cost_per_request
    assert small.cost_per_successful_task > cached.cost_per_successful_task  # type: ignore[operator]
    use_case_id = options["small model"].use_case_id
    assert use_case_id is not None
    comparison = costs.compare_use_case(ws=demo, use_case_id=use_case_id)
    assert comparison.options[comparison.cheapest].inputs.option_label == "large model + cache"  # type: ignore[index]


def test_demo_build_option_feeds_the_use_case_and_its_kpi_breaches(demo) -> None:
    cached = next(i for i in costs.all_inputs(ws=demo) if i.role == "build")
    out = costs.compute(cached)
    use_case = records.get(ws=demo, model=UseCase, id=cached.use_case_id)
    assert use_case.cost_build_oneoff == approx(out.build_cost_oneoff)
    assert use_case.cost_build_yearly == round(out.yearly_cost, 2) == 255_310.08
    assert cached.price is not None and cached.price.model == "gpt-4.1"
    (breach,) = costs.envelope_breaches(ws=demo)
    assert breach.model_id == cached.id and breach.kpi_name == "Cost per accepted draft"
    assert breach.latest_value > breach.envelope == 0.03


def test_missing_model_and_price_ids(ws) -> None:
    with pytest.raises(NotFoundError):
        costs.load_inputs(ws=ws, model_id=123)
    with pytest.raises(NotFoundError):
        costs.delete_price(ws=ws, price_id=9_999)
    with pytest.raises(UserError, match="No model 'nope' in the price table"):
        costs.find_price(ws=ws, ref="nope")
