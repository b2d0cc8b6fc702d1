"""``aipm costs``: list, show (every input and output), compare, prices, the edits (each
one undoable step), and ``aipm chart FILE tornado --model``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli import app
from aipm_desktop.services import costs
from aipm_desktop.store import open_workspace

CACHED = "Reply drafts: large model + prompt cache"


def _run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="aipm")


def _inputs(path: Path, ref: str) -> costs.CostInputs:
    ws = open_workspace(path, readonly=True)
    try:
        return costs.load_inputs(ws=ws, model_id=costs.find_model(ws=ws, ref=ref))
    finally:
        ws.close()


def test_list_table_and_json(sample_template: Path) -> None:
    result = _run("costs", "list", sample_template)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["ID", "Name", "Use", "case"]
    assert any(CACHED in line and "0.0343159" in line and "OVER" in line for line in lines)
    data = json.loads(_run("costs", "list", sample_template, "--json").output)
    assert {d["option_label"] for d in data} == {
        "large model",
        "large model + cache",
        "small model",
    }
    cached = next(d for d in data if d["name"] == CACHED)
    assert cached["role"] == "build" and cached["within_envelope"] is False
    assert cached["cost_per_successful_task"] == pytest.approx(21_275.84 / 620_000)


def test_show_prints_every_input_with_unit_and_source_and_every_output(
    sample_template: Path,
) -> None:
    result = _run("costs", "show", sample_template, CACHED)
    assert result.exit_code == 0, result.output
    out = result.output
    for spec in costs.INPUT_SPECS:
        assert spec.label in out and spec.unit_for("USD") in out
    assert "Drafts generated in the last 4 weeks" in out  # a source note
    assert "Prices from the price table: OpenAI gpt-4.1, as of 2025-06-01" in out
    # the demo by hand: per call 8,000 x (1 - 0.667) x 2 / 1e6 = 0.005328, cached
    # 8,000 x 0.667 x 0.5 / 1e6 = 0.002668, output 500 x 8 / 1e6 = 0.004 -> 0.011996;
    # x 1.04 = 0.01247584; + 0.0006 + 0.0004 + 0.004 x 1 / 60 x 42 (0.0028) = 0.01627584;
    # monthly 1,000,000 x 0.01627584 + 5,000 = 21,275.84; / 620,000 = 0.0343159
    for figure in (
        "0.005328 USD",
        "0.002668 USD",
        "0.011996 USD",
        "0.0124758 USD",
        "0.0162758 USD",
        "21,275.84 USD",
        "0.0343159 USD",
        "255,310.08 USD",
        "1,185,930.24 USD",
        "620,000",
    ):
        assert figure in out, figure
    assert "= token cost per call x (1 + 0.04 retries)" in out
    assert "Scenarios" in out and "low" in out and "1,400,000" in out
    assert "requests a month the fixed 5,000.00 USD" in out  # break-even
    assert "per seat a month: price 25.00 USD" in out
    assert "OVER" in out


def test_show_json_and_scenario(sample_template: Path) -> None:
    result = _run("costs", "show", sample_template, CACHED, "--scenario", "low", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["model"]["use_case"] == "Agent reply drafts"
    assert data["model"]["kpi"] == "Cost per accepted draft"
    fields = {i["field"]: i for i in data["inputs"]}
    assert fields["cached_input_share"]["value"] == 0.667
    assert fields["price_input_per_m"]["unit"] == "USD / million tokens"
    assert fields["requests_per_month"]["source"].startswith("Drafts generated")
    outputs = data["outputs"]
    assert outputs["scenario"] == "low" and outputs["requests_per_month"] == 700_000
    # 700,000 x 0.01627584 + 5,000 = 16,393.088
    assert outputs["monthly_cost"] == pytest.approx(16_393.088)
    assert outputs["break_even"]["verdict"] == "above"


def test_show_errors_are_one_line(sample_template: Path) -> None:
    result = _run("costs", "show", sample_template, "No such model")
    assert result.exit_code == 1
    assert result.stderr.startswith("aipm: error: No cost model 'No such model'")
    result = _run("costs", "show", sample_template, CACHED, "--scenario", "mid")
    assert result.exit_code == 1 and "unknown scenario 'mid'" in result.stderr


def test_compare_marks_the_cheapest(sample_template: Path) -> None:
    result = _run("costs", "compare", sample_template, "Agent reply drafts")
    assert result.exit_code == 0, result.output
    assert "large model + cache *" in result.output
    assert "* cheapest per successful task: large model + cache (0.0343159 USD)" in result.output
    assert "Cost per successful task" in result.output and "3-year cost" in result.output
    data = json.loads(_run("costs", "compare", sample_template, "1", "--json").output)
    assert data["use_case"] == "Agent reply drafts"
    cheapest = data["options"][data["cheapest"]]
    assert cheapest["option_label"] == "large model + cache" and cheapest["cheapest"]
    only = _run(
        "costs", "compare", sample_template, "1", "--model", "Reply drafts: small model", "--json"
    )
    assert [o["option_label"] for o in json.loads(only.output)["options"]] == ["small model"]
    missing = _run("costs", "compare", sample_template, "No such use case")
    assert missing.exit_code == 1 and "No use case" in missing.stderr


def test_prices_say_they_are_dated(sample_template: Path) -> None:
    result = _run("costs", "prices", sample_template)
    assert result.exit_code == 0, result.output
    assert "gpt-4.1" in result.output and "2025-06-01" in result.output
    assert "Prices change often" in result.output
    data = json.loads(_run("costs", "prices", sample_template, "--json").output)
    assert "check them" in data["note"]
    gpt = next(p for p in data["prices"] if p["model"] == "gpt-4.1")
    assert gpt["used_by"] == 2 and gpt["as_of"] == "2025-06-01"


def test_new_set_delete_each_undoable(sample_path: Path) -> None:
    result = _run(
        "costs",
        "new",
        sample_path,
        "Triage: vendor",
        "use_case=Ticket auto-triage",
        "option_label=vendor product",
        "price=OpenAI/gpt-4o-mini",
        "requests_per_month=50000",
        "input_tokens_per_request=1000",
        "success_rate=0.9",
        "source.success_rate=Vendor pilot",
    )
    assert result.exit_code == 0, result.output
    inputs = _inputs(sample_path, "Triage: vendor")
    assert inputs.price is not None and inputs.price.model == "gpt-4o-mini"
    assert inputs.sources == {"success_rate": "Vendor pilot"}
    # 1,000 x 0.15 / 1e6 = 0.00015 per request
    assert costs.compute(inputs).cost_per_request == pytest.approx(0.00015)

    result = _run("costs", "set", sample_path, "Triage: vendor", "success_rate=0.5", "price=none")
    assert result.exit_code == 0, result.output
    assert "Changed price_id, success_rate" in result.output
    changed = _inputs(sample_path, "Triage: vendor")
    assert changed.success_rate == 0.5 and changed.price is None
    assert changed.sources == {"success_rate": "Vendor pilot"}

    bad = _run("costs", "set", sample_path, "Triage: vendor", "success_rate=1.5")
    assert bad.exit_code == 1 and "success_rate" in bad.stderr
    bad = _run("costs", "set", sample_path, "Triage: vendor", "review_minutes=lots")
    assert bad.exit_code == 1 and "review_minutes takes a number" in bad.stderr
    bad = _run("costs", "set", sample_path, "Triage: vendor", "colour=red")
    assert bad.exit_code == 1 and "unknown field 'colour'" in bad.stderr

    assert _run("undo", sample_path).exit_code == 0
    assert _inputs(sample_path, "Triage: vendor").success_rate == 0.9

    result = _run("costs", "delete", sample_path, "Triage: vendor")
    assert result.exit_code == 0 and "aipm undo" in result.output
    assert _run("undo", sample_path).exit_code == 0
    assert _inputs(sample_path, "Triage: vendor").name == "Triage: vendor"


def test_own_and_snapshot(sample_path: Path) -> None:
    result = _run("costs", "own", sample_path, "Reply drafts: small model", "--role", "partner")
    assert result.exit_code == 0, result.output
    # one-off 400,000; yearly 12 x 17,480 = 209,760
    assert "partner costs: one-off 400,000.00, yearly 209,760.00" in result.output
    result = _run("costs", "snapshot", sample_path, CACHED, "--date", "2030-01-07")
    assert result.exit_code == 0, result.output
    assert "Recorded 0.0343159 for 2030-01-07" in result.output
    result = _run("costs", "snapshot", sample_path, "Reply drafts: small model")
    assert result.exit_code == 1 and "linked to no KPI" in result.stderr


def test_tornado_chart(sample_template: Path, tmp_path: Path) -> None:
    out = tmp_path / "tornado.png"
    result = _run("chart", sample_template, "tornado", "--model", CACHED, "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG") and out.stat().st_size > 10_000
    result = _run("chart", sample_template, "matrix", "--model", CACHED, "--out", out, "--force")
    assert result.exit_code == 1 and "--model does not apply to the matrix chart" in result.stderr


def test_set_show_and_clear_tornado_ranges(sample_path: Path, tmp_path: Path) -> None:
    result = _run(
        "costs",
        "set",
        sample_path,
        CACHED,
        "range.success_rate=0.5:0.9",
        "range.review_minutes=:3",
    )
    assert result.exit_code == 0, result.output
    assert "Changed sensitivity_ranges" in result.output
    assert _inputs(sample_path, CACHED).sensitivity_ranges == {
        "review_minutes": (None, 3.0),
        "success_rate": (0.5, 0.9),
    }
    shown = _run("costs", "show", sample_path, CACHED).output
    lines = shown.splitlines()
    start = lines.index("Tornado ranges (aipm chart FILE tornado --model NAME)")
    block = "\n".join(lines[start : start + 4])
    assert "Task success rate" in block and "50 % \u2013 90 %" in block
    assert "Minutes per review" in block and "±20 % \u2013 3" in block
    assert "Every other input: its value ±20 %." in block
    data = json.loads(_run("costs", "show", sample_path, CACHED, "--json").output)
    assert {r["field"]: (r["low"], r["high"]) for r in data["sensitivity_ranges"]} == {
        "review_minutes": (None, 3.0),
        "success_rate": (0.5, 0.9),
    }
    assert data["model"]["sensitivity_ranges"]["success_rate"] == [0.5, 0.9]

    # The chart uses them: the success-rate bar is labelled as the user's range.
    ws = open_workspace(sample_path, readonly=True)
    try:
        from aipm_desktop.services.charts import build

        figure = build(ws=ws, kind="tornado", model=CACHED)
        labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    finally:
        ws.close()
    assert "Task success rate\n50 % \u2013 90 % (your range)" in labels
    out = tmp_path / "tornado.png"
    result = _run("chart", sample_path, "tornado", "--model", CACHED, "--out", out)
    assert result.exit_code == 0, result.output

    # Another set keeps the other ranges; an empty value clears one; undo brings it back.
    assert _run("costs", "set", sample_path, CACHED, "range.success_rate=").exit_code == 0
    assert _inputs(sample_path, CACHED).sensitivity_ranges == {"review_minutes": (None, 3.0)}
    assert _run("undo", sample_path).exit_code == 0
    assert "success_rate" in _inputs(sample_path, CACHED).sensitivity_ranges
    assert _run("costs", "set", sample_path, CACHED, "range.review_minutes=").exit_code == 0
    assert _run("costs", "set", sample_path, CACHED, "range.success_rate=").exit_code == 0
    shown = _run("costs", "show", sample_path, CACHED).output
    assert "Every input ±20 %; set your own with" in shown


@pytest.mark.parametrize(
    ("assignment", "words"),
    [
        ("range.success_rate=0.9:0.5", "the low value (0.9) is above the high value (0.5)"),
        ("range.review_share=0:1.5", "a share between 0 and 1"),
        ("range.name=1:2", "the tornado varies no input 'name'"),
        ("range.success_rate=0.7", "takes LOW:HIGH"),
        ("range.success_rate=a:b", "takes a number, not 'a'"),
    ],
)
def test_invalid_ranges_are_refused(sample_path: Path, assignment: str, words: str) -> None:
    result = _run("costs", "set", sample_path, CACHED, assignment)
    assert result.exit_code == 1
    assert words in result.stderr
    assert _inputs(sample_path, CACHED).sensitivity_ranges == {}


def test_new_takes_ranges(sample_path: Path) -> None:
    result = _run(
        "costs",
        "new",
        sample_path,
        "Ranged",
        "requests_per_month=1000",
        "success_rate=0.5",
        "range.success_rate=0.25:1",
    )
    assert result.exit_code == 0, result.output
    assert _inputs(sample_path, "Ranged").sensitivity_ranges == {"success_rate": (0.25, 1.0)}
