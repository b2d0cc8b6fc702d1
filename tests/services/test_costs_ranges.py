"""The user's low / high values of tornado inputs (a cost model's ``sensitivity_ranges``):
validation naming the input, the tornado using them (worked by hand), which bounds are
the user's, storage with undo, the chart, and the JSON export / import."""

from __future__ import annotations

import dataclasses
import json

import pytest

from aipm_desktop.errors import ValidationError
from aipm_desktop.models.costs import SENSITIVE_FIELDS, check_sensitivity_ranges
from aipm_desktop.services import costs, transfer
from aipm_desktop.services.charts import build

approx = pytest.approx

# Worked by hand (USD): 1,000 requests a month, 1,000 input tokens at 1.00 per million:
# 0.001 per request, 1.00 a month; fixed 1.00 a month: monthly cost 2.00; success 50 %:
# 500 successful tasks, 2.00 / 500 = 0.004 per successful task.
TINY = {
    "name": "Tiny",
    "requests_per_month": 1_000,
    "input_tokens_per_request": 1_000,
    "price_input_per_m": 1.0,
    "fixed_monthly_cost": 1.0,
    "success_rate": 0.5,
}


def _row(result: costs.Sensitivity, field: str) -> costs.TornadoRow:
    return next(r for r in result.rows if r.field == field)


def test_worked_example_uses_the_users_range_and_the_swing_for_the_rest() -> None:
    inputs = costs.make_inputs({**TINY, "sensitivity_ranges": {"success_rate": [0.25, 1.0]}})
    result = costs.sensitivity(inputs)
    assert result.base_result == approx(0.004)
    rate = _row(result, "success_rate")
    # Success 25 %: 250 successful tasks, 2.00 / 250 = 0.008; success 100 %: 2.00 / 1,000.
    assert (rate.low_value, rate.high_value) == (0.25, 1.0)
    assert rate.result_low == approx(0.008)
    assert rate.result_high == approx(0.002)
    assert rate.impact == approx(0.006)
    assert rate.user_low and rate.user_high and rate.user_set
    assert result.rows[0] is rate  # the largest bar on top
    # Input tokens -/+ 20 %: 0.0008 / 0.0012 a request, 1.80 / 2.20 a month, / 500.
    tokens = _row(result, "input_tokens_per_request")
    assert (tokens.low_value, tokens.high_value) == (800, 1_200)
    assert tokens.result_low == approx(0.0036) and tokens.result_high == approx(0.0044)
    assert not tokens.user_set


def test_one_side_given_keeps_the_default_on_the_other() -> None:
    inputs = costs.make_inputs({**TINY, "sensitivity_ranges": {"success_rate": [None, 1.0]}})
    rate = _row(costs.sensitivity(inputs, swing=0.2), "success_rate")
    # Low: 50 % - 20 % = 40 %: 400 successful tasks, 2.00 / 400 = 0.005.
    assert rate.low_value == approx(0.4) and rate.result_low == approx(0.005)
    assert rate.high_value == 1.0 and rate.result_high == approx(0.002)
    assert (rate.user_low, rate.user_high) == (False, True)
    # A wider swing moves only the default side.
    wide = _row(costs.sensitivity(inputs, swing=0.5), "success_rate")
    assert wide.low_value == approx(0.25) and wide.high_value == 1.0


def test_ranges_given_to_the_call_come_on_top_of_the_stored_ones() -> None:
    inputs = costs.make_inputs({**TINY, "sensitivity_ranges": {"success_rate": [0.25, 1.0]}})
    result = costs.sensitivity(inputs, ranges={"fixed_monthly_cost": (0.0, 3.0)})
    assert _row(result, "success_rate").user_set
    fixed = _row(result, "fixed_monthly_cost")
    # Fixed 0: 1.00 / 500 = 0.002; fixed 3: 4.00 / 500 = 0.008.
    assert fixed.result_low == approx(0.002) and fixed.result_high == approx(0.008)
    replaced = costs.sensitivity(inputs, ranges={"success_rate": (0.5, 0.5)})
    assert _row(replaced, "success_rate").impact == 0


@pytest.mark.parametrize(
    ("ranges", "words"),
    [
        ({"colour": [1, 2]}, "unknown input(s): colour"),
        ({"name": [1, 2]}, "unknown input(s): name"),
        ({"review_minutes": [5, 1]}, "range of review minutes: the low value (5) is above"),
        ({"success_rate": [0.5, 1.2]}, "high value of success rate is a share between 0 and 1"),
        ({"cached_input_share": [-0.1, None]}, "low value of cached input share cannot be neg"),
        ({"review_minutes": ["lots", 3]}, "low value of review minutes must be a number"),
        ({"review_minutes": [float("nan"), 3]}, "must be a finite number"),
        ({"review_minutes": [1, 1e13]}, "must be at most"),
        ({"review_minutes": [1, 2, 3]}, "two values, [low, high]"),
    ],
)
def test_invalid_ranges_are_refused_naming_the_input(ranges, words) -> None:
    with pytest.raises(ValidationError) as caught:
        costs.make_inputs({**TINY, "sensitivity_ranges": ranges})
    assert words in str(caught.value)


def test_ranges_are_cleaned_in_the_inputs_order() -> None:
    cleaned = check_sensitivity_ranges(
        {
            "success_rate": [0.5, 0.9],
            "requests_per_month": {"low": 10, "high": None},
            "review_share": [None, None],
        }
    )
    assert cleaned == {"requests_per_month": [10.0, None], "success_rate": [0.5, 0.9]}
    assert list(cleaned) == [f for f in SENSITIVE_FIELDS if f in cleaned]
    assert check_sensitivity_ranges(None) is None


def test_stored_ranges_drive_the_tornado_and_undo(ws) -> None:
    model, _ = costs.create_model(ws=ws, data=TINY)
    assert model.id is not None
    assert costs.load_inputs(ws=ws, model_id=model.id).sensitivity_ranges == {}
    costs.update_model(
        ws=ws, model_id=model.id, data={"sensitivity_ranges": {"success_rate": [0.25, 1.0]}}
    )
    stored = costs.load_inputs(ws=ws, model_id=model.id)
    assert stored.sensitivity_ranges == {"success_rate": (0.25, 1.0)}
    assert stored.as_dict()["sensitivity_ranges"] == {"success_rate": [0.25, 1.0]}
    result = costs.model_sensitivity(ws=ws, model_id=model.id)
    assert _row(result, "success_rate").result_low == approx(0.008)

    with pytest.raises(ValidationError, match="low value"):
        costs.update_model(
            ws=ws, model_id=model.id, data={"sensitivity_ranges": {"success_rate": [0.9, 0.1]}}
        )
    assert costs.load_inputs(ws=ws, model_id=model.id).sensitivity_ranges == {
        "success_rate": (0.25, 1.0)
    }
    ws.undo()
    assert costs.load_inputs(ws=ws, model_id=model.id).sensitivity_ranges == {}
    plain = costs.model_sensitivity(ws=ws, model_id=model.id)
    assert _row(plain, "success_rate").low_value == approx(0.4)


def test_the_tornado_chart_marks_the_users_range(ws) -> None:
    model, _ = costs.create_model(
        ws=ws, data={**TINY, "sensitivity_ranges": {"success_rate": [0.25, 1.0]}}
    )
    figure = build(ws=ws, kind="tornado", model=model.id)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels[-1] == "Task success rate\n25 % \u2013 100 % (your range)"
    assert all("your" not in label for label in labels[:-1])
    assert "or your range" in figure.get_suptitle()


def test_json_export_and_import_keep_the_ranges(ws, tmp_path) -> None:
    model, _ = costs.create_model(
        ws=ws, data={**TINY, "sensitivity_ranges": {"review_minutes": [None, 12.0]}}
    )
    out = transfer.export_json(ws=ws, out=tmp_path / "dump.json")
    rows = json.loads(out.read_text())["tables"]["cost_model"]
    assert rows[0]["sensitivity_ranges"] == {"review_minutes": [None, 12.0]}
    copy = transfer.import_json(source=out, dest=tmp_path / "copy.aipm")
    try:
        assert model.id is not None
        inputs = costs.load_inputs(ws=copy, model_id=model.id)
        assert inputs.sensitivity_ranges == {"review_minutes": (None, 12.0)}
    finally:
        copy.close()

    # A dump with a bad range is refused whole, naming the record and the input.
    doc = json.loads(out.read_text())
    doc["tables"]["cost_model"][0]["sensitivity_ranges"] = {"success_rate": [0.9, 0.2]}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(ValidationError, match="success rate"):
        transfer.import_json(source=bad, dest=tmp_path / "bad.aipm")
    assert not (tmp_path / "bad.aipm").exists()


def test_inputs_without_ranges_are_unchanged() -> None:
    inputs = costs.make_inputs(TINY)
    assert inputs.sensitivity_ranges == {}
    again = dataclasses.replace(inputs, sensitivity_ranges={})
    assert costs.sensitivity(inputs) == costs.sensitivity(again)
    assert not any(r.user_set for r in costs.sensitivity(inputs).rows)
