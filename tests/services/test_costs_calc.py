"""Unit economics arithmetic: every output against worked examples done by hand, zero
volume and zero success rate, comparisons, sensitivity, and properties (hypothesis)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.services.costs import (
    CostInputs,
    compare,
    compute,
    make_inputs,
    sensitivity,
)

approx = pytest.approx

# Worked example A, by hand (USD):
#   1,000 input tokens, 25 % cached; 200 output tokens; 0.5 retries per request;
#   prices per million: input 2.00, cached input 0.50, output 8.00.
#   uncached input per call = 1,000 x 0.75 x 2.00 / 1e6 = 0.0015
#   cached input per call   = 1,000 x 0.25 x 0.50 / 1e6 = 0.000125
#   output per call         =   200 x 8.00 / 1e6        = 0.0016
#   token cost per call     = 0.0015 + 0.000125 + 0.0016 = 0.003225
#   model cost per request  = 0.003225 x 1.5             = 0.0048375
#   retrieval 0.001; guardrails 2 x 0.0005 = 0.001
#   review: 10 % x 6 min / 60 x 30.00 an hour            = 0.30
#   cost per request = 0.0048375 + 0.001 + 0.001 + 0.30   = 0.3068375
#   base 10,000 requests: variable 3,068.375 + fixed 1,000 = 4,068.375 a month
#   success 80 %: 8,000 successful tasks; per task 4,068.375 / 8,000 = 0.508546875
#   all-in per request 4,068.375 / 10,000 = 0.4068375; fixed per request 0.1
#   yearly 48,820.50; 3-year 5,000 + 36 x 4,068.375 = 151,461.50
#   low 5,000: 5,000 x 0.3068375 + 1,000 = 2,534.1875; per task 2,534.1875 / 4,000
#     = 0.633546875; 3-year 5,000 + 91,230.75 = 96,230.75
#   high 20,000: 6,136.75 + 1,000 = 7,136.75; per task 7,136.75 / 16,000 = 0.446046875
#   break-even vs a human at 2.00 a task: gain per request 2.00 x 0.8 - 0.3068375
#     = 1.2931625; volume 1,000 / 1.2931625 = 773.298019... requests a month
#   margin per task at 1.00: 1.00 - 0.508546875 = 0.491453125 (49.1453125 %)
#   margin per seat at 30.00 with 40 tasks: cost 40 x 0.508546875 = 20.341875;
#     margin 9.658125 (32.19375 %)
EXAMPLE_A = CostInputs(
    name="A",
    requests_per_month=10_000,
    requests_per_month_low=5_000,
    requests_per_month_high=20_000,
    input_tokens_per_request=1_000,
    output_tokens_per_request=200,
    cached_input_share=0.25,
    retries_per_request=0.5,
    price_input_per_m=2.0,
    price_cached_input_per_m=0.5,
    price_output_per_m=8.0,
    retrieval_cost_per_request=0.001,
    guardrail_calls_per_request=2,
    guardrail_cost_per_call=0.0005,
    fixed_monthly_cost=1_000,
    build_cost_oneoff=5_000,
    review_share=0.1,
    review_minutes=6,
    review_hourly_cost=30,
    success_rate=0.8,
    price_per_task=1.0,
    price_per_seat=30.0,
    tasks_per_seat=40,
    human_cost_per_task=2.0,
    target_cost_per_task=0.5,
)


def test_example_a_per_request() -> None:
    out = compute(EXAMPLE_A)
    assert out.input_token_cost_per_call == approx(0.0015)
    assert out.cached_input_token_cost_per_call == approx(0.000125)
    assert out.output_token_cost_per_call == approx(0.0016)
    assert out.token_cost_per_call == approx(0.003225)
    assert out.model_cost_per_request == approx(0.0048375)
    assert out.retrieval_cost_per_request == approx(0.001)
    assert out.guardrail_cost_per_request == approx(0.001)
    assert out.review_cost_per_request == approx(0.30)
    assert out.cost_per_request == approx(0.3068375)


def test_example_a_month_task_and_three_years() -> None:
    out = compute(EXAMPLE_A)
    assert out.requests_per_month == 10_000
    assert out.variable_monthly_cost == approx(3_068.375)
    assert out.monthly_cost == approx(4_068.375)
    assert out.successful_tasks_per_month == approx(8_000)
    assert out.cost_per_successful_task == approx(0.508546875)
    assert out.all_in_cost_per_request == approx(0.4068375)
    assert out.fixed_cost_per_request == approx(0.1)
    assert out.yearly_cost == approx(48_820.50)
    assert out.three_year_cost == approx(151_461.50)
    assert out.within_envelope is False  # 0.5085 > 0.50
    assert any("Over the envelope" in p for p in out.problems)


def test_example_a_scenarios() -> None:
    out = compute(EXAMPLE_A, "low")
    assert out.scenario == "low" and out.requests_per_month == 5_000
    assert out.monthly_cost == approx(2_534.1875)
    assert out.cost_per_successful_task == approx(0.633546875)
    assert out.three_year_cost == approx(96_230.75)
    high = compute(EXAMPLE_A).scenario_figures("high")
    assert high.requests_per_month == 20_000
    assert high.monthly_cost == approx(7_136.75)
    assert high.cost_per_successful_task == approx(0.446046875)
    assert high.successful_tasks_per_month == approx(16_000)
    assert [f.scenario for f in compute(EXAMPLE_A, "high").scenarios] == ["low", "base", "high"]


def test_example_a_break_even_and_margins() -> None:
    out = compute(EXAMPLE_A)
    assert out.break_even.verdict == "above"
    assert out.break_even.requests_per_month == approx(1_000 / 1.2931625)
    assert out.break_even.requests_per_month == approx(773.298019, rel=1e-8)
    task, seat = out.margins
    assert (task.basis, task.price) == ("task", 1.0)
    assert task.cost == approx(0.508546875)
    assert task.margin == approx(0.491453125)
    assert task.margin_share == approx(0.491453125)
    assert (seat.basis, seat.price) == ("seat", 30.0)
    assert seat.cost == approx(20.341875)
    assert seat.margin == approx(9.658125)
    assert seat.margin_share == approx(0.3219375)


def test_missing_scenario_volumes_and_cached_price_default_to_base_and_input() -> None:
    # No low/high: both equal the base. No cached price: cached input costs the input
    # price, so 1,000 tokens at 3.00 cost 0.003 whatever the cached share.
    inputs = CostInputs(
        requests_per_month=100,
        input_tokens_per_request=1_000,
        cached_input_share=0.5,
        price_input_per_m=3.0,
    )
    out = compute(inputs)
    assert out.token_cost_per_call == approx(0.003)
    assert [f.requests_per_month for f in out.scenarios] == [100, 100, 100]
    # success rate 1 (default), no fixed cost: per task = per request = 0.003
    assert out.cost_per_successful_task == approx(0.003)
    assert out.margins == () and out.within_envelope is None


def test_zero_volume_gives_messages_not_division_errors() -> None:
    inputs = dataclasses.replace(
        EXAMPLE_A, requests_per_month=0, requests_per_month_low=0, requests_per_month_high=0
    )
    out = compute(inputs)
    # Per request figures need no volume: still 0.3068375.
    assert out.cost_per_request == approx(0.3068375)
    assert out.fixed_cost_per_request is None
    assert out.all_in_cost_per_request is None
    assert out.cost_per_successful_task is None
    assert out.successful_tasks_per_month == 0
    # Only the fixed cost remains: 1,000 a month; 3 years: 5,000 + 36,000.
    assert out.monthly_cost == approx(1_000)
    assert out.three_year_cost == approx(41_000)
    assert out.within_envelope is None
    assert [m.margin for m in out.margins] == [None, None]
    assert any("No requests in the base scenario" in p for p in out.problems)
    # the break-even does not depend on the volume
    assert out.break_even.verdict == "above"


def test_zero_success_rate_gives_messages_not_division_errors() -> None:
    out = compute(dataclasses.replace(EXAMPLE_A, success_rate=0.0))
    assert out.cost_per_successful_task is None
    assert out.successful_tasks_per_month == 0
    assert out.monthly_cost == approx(4_068.375)  # the cost is still paid
    assert out.all_in_cost_per_request == approx(0.4068375)
    assert any("success rate is 0 %" in p for p in out.problems)
    assert out.break_even.verdict == "never"
    assert "success rate is 0" in out.break_even.reason
    assert all(f.cost_per_successful_task is None for f in out.scenarios)


def test_break_even_never_always_and_unknown() -> None:
    # never: 0.3068375 per request / 0.8 = 0.3835... per successful task before fixed
    # costs, above a human at 0.30
    never = compute(dataclasses.replace(EXAMPLE_A, human_cost_per_task=0.30)).break_even
    assert never.verdict == "never" and never.requests_per_month is None
    assert "0.383547" in never.reason
    # always: no fixed cost and 0.3835 < 2.00
    always = compute(dataclasses.replace(EXAMPLE_A, fixed_monthly_cost=0)).break_even
    assert always.verdict == "always" and always.requests_per_month == 0
    unknown = compute(dataclasses.replace(EXAMPLE_A, human_cost_per_task=None)).break_even
    assert unknown.verdict == "unknown"


def test_zero_price_gives_no_margin_share() -> None:
    out = compute(dataclasses.replace(EXAMPLE_A, price_per_task=0.0, price_per_seat=None))
    (task,) = out.margins
    assert task.margin == approx(-0.508546875) and task.margin_share is None


def test_unknown_scenario_is_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown scenario 'mid'"):
        compute(EXAMPLE_A, "mid")


# -- compare -------------------------------------------------------------------------------


def test_compare_marks_the_cheapest_per_successful_task() -> None:
    # B: same as A without review: cost per request 0.0068375; per task
    #   (10,000 x 0.0068375 + 1,000) / 8,000 = 1,068.375 / 8,000 = 0.133546875
    # C: B at 50 % success: 1,068.375 / 5,000 = 0.213675, cheaper per request than A
    b = dataclasses.replace(EXAMPLE_A, name="B", review_share=0.0)
    c = dataclasses.replace(b, name="C", success_rate=0.5)
    result = compare([EXAMPLE_A, b, c])
    assert result.cheapest == 1
    assert [o.cheapest for o in result.options] == [False, True, False]
    assert result.options[1].outputs.cost_per_successful_task == approx(0.133546875)
    assert result.options[2].outputs.cost_per_successful_task == approx(0.213675)
    assert result.problems == ()


def test_compare_takes_one_to_four_options_in_one_currency() -> None:
    with pytest.raises(UserError, match="up to 4 options, not 5"):
        compare([EXAMPLE_A] * 5)
    with pytest.raises(UserError, match="one to four"):
        compare([])
    euro = dataclasses.replace(EXAMPLE_A, currency="EUR")
    mixed = compare([EXAMPLE_A, euro])
    assert mixed.cheapest is None and "different currencies" in mixed.problems[0]
    none = compare([dataclasses.replace(EXAMPLE_A, success_rate=0.0)])
    assert none.cheapest is None and "No option" in none.problems[0]


# -- sensitivity ---------------------------------------------------------------------------


def test_sensitivity_by_hand_for_the_success_rate_and_the_fixed_cost() -> None:
    result = sensitivity(EXAMPLE_A)
    assert result.base_result == approx(0.508546875)
    rows = {r.field: r for r in result.rows}
    # success 0.8 -/+ 20 %: 0.64 and 0.96; 4,068.375 / 6,400 and / 9,600
    success = rows["success_rate"]
    assert (success.low_value, success.high_value) == (approx(0.64), approx(0.96))
    assert success.result_low == approx(4_068.375 / 6_400)
    assert success.result_high == approx(4_068.375 / 9_600)
    # fixed 800 / 1,200: (3,068.375 + 800) / 8,000 and (3,068.375 + 1,200) / 8,000
    fixed = rows["fixed_monthly_cost"]
    assert fixed.result_low == approx(3_868.375 / 8_000)
    assert fixed.result_high == approx(4_268.375 / 8_000)
    assert fixed.impact == approx(400 / 8_000)
    # the largest impact first
    impacts = [r.impact for r in result.rows]
    assert impacts == sorted(impacts, reverse=True)
    assert result.rows[0].field == "success_rate"


def test_sensitivity_clamps_shares_and_takes_user_ranges() -> None:
    inputs = dataclasses.replace(EXAMPLE_A, success_rate=0.9)
    rows = {r.field: r for r in sensitivity(inputs).rows}
    assert rows["success_rate"].high_value == 1.0  # 1.08 clamped
    custom = sensitivity(inputs, ranges={"review_minutes": (0, 12)}, swing=0.5)
    review = {r.field: r for r in custom.rows}["review_minutes"]
    # review 0 min: cost per request 0.0068375; 12 min: 0.6068375
    assert review.result_low == approx((10_000 * 0.0068375 + 1_000) / 9_000)
    assert review.result_high == approx((10_000 * 0.6068375 + 1_000) / 9_000)
    retries = {r.field: r for r in custom.rows}["retries_per_request"]
    assert (retries.low_value, retries.high_value) == (approx(0.25), approx(0.75))


def test_sensitivity_with_no_cost_per_task_or_bad_arguments() -> None:
    empty = sensitivity(dataclasses.replace(EXAMPLE_A, success_rate=0.0))
    assert empty.rows == () and empty.base_result is None
    assert "success rate is 0" in empty.problems[0]
    with pytest.raises(UserError, match="No tornado input named 'colour'"):
        sensitivity(EXAMPLE_A, ranges={"colour": (1, 2)})
    with pytest.raises(UserError, match="low first"):
        sensitivity(EXAMPLE_A, ranges={"review_minutes": (5, 1)})
    with pytest.raises(UserError, match="swing"):
        sensitivity(EXAMPLE_A, swing=0)
    # a user range reaching a success rate of 0 leaves no task there: infinite impact
    edge = sensitivity(EXAMPLE_A, ranges={"success_rate": (0, 1)})
    assert edge.rows[0].field == "success_rate" and edge.rows[0].result_low is None
    assert math.isinf(edge.rows[0].impact)


# -- validated inputs ------------------------------------------------------------------------


def test_make_inputs_validates_with_clear_messages() -> None:
    inputs = make_inputs({"requests_per_month": 100, "success_rate": 0})
    assert inputs.success_rate == 0 and compute(inputs).cost_per_successful_task is None
    cases = [
        (
            {"cached_input_share": 1.5},
            "cached_input_share: Input should be less than or equal to 1",
        ),
        ({"review_minutes": -1}, "review_minutes: Input should be greater than or equal to 0"),
        ({"success_rate": 1.2}, "success_rate"),
        ({"price_input_per_m": float("inf")}, "must be a finite number"),
        ({"requests_per_month": 10, "requests_per_month_low": 20}, "low volume"),
        ({"requests_per_month": 10, "requests_per_month_high": 5}, "high volume"),
        ({"price_per_seat": 10}, "tasks per seat"),
        ({"currency": "U$D"}, "three-letter code"),
        ({"sources": {"colour": "x"}}, "unknown input"),
    ]
    for values, message in cases:
        with pytest.raises(ValidationError, match=message):
            make_inputs(values)


# -- properties ------------------------------------------------------------------------------

_amount = st.floats(min_value=0, allow_subnormal=False, max_value=1e4, allow_nan=False)
_share = st.floats(min_value=0, allow_subnormal=False, max_value=1, allow_nan=False)


@st.composite
def _inputs(draw: st.DrawFn) -> CostInputs:
    return CostInputs(
        requests_per_month=draw(st.floats(min_value=1, max_value=1e8)),
        input_tokens_per_request=draw(st.floats(min_value=0, allow_subnormal=False, max_value=1e6)),
        output_tokens_per_request=draw(
            st.floats(min_value=0, allow_subnormal=False, max_value=1e5)
        ),
        cached_input_share=draw(_share),
        retries_per_request=draw(st.floats(min_value=0, allow_subnormal=False, max_value=5)),
        price_input_per_m=draw(_amount),
        price_cached_input_per_m=draw(st.none() | _amount),
        price_output_per_m=draw(_amount),
        retrieval_cost_per_request=draw(
            st.floats(min_value=0, allow_subnormal=False, max_value=10)
        ),
        guardrail_calls_per_request=draw(
            st.floats(min_value=0, allow_subnormal=False, max_value=10)
        ),
        guardrail_cost_per_call=draw(st.floats(min_value=0, allow_subnormal=False, max_value=1)),
        fixed_monthly_cost=draw(st.floats(min_value=0, allow_subnormal=False, max_value=1e7)),
        build_cost_oneoff=draw(st.floats(min_value=0, allow_subnormal=False, max_value=1e7)),
        review_share=draw(_share),
        review_minutes=draw(st.floats(min_value=0, allow_subnormal=False, max_value=120)),
        review_hourly_cost=draw(st.floats(min_value=0, allow_subnormal=False, max_value=500)),
        success_rate=draw(st.floats(min_value=0.001, max_value=1)),
        human_cost_per_task=draw(st.none() | _amount),
    )


@settings(max_examples=200, deadline=None)
@given(_inputs())
def test_cost_per_successful_task_is_never_below_cost_per_request(inputs: CostInputs) -> None:
    out = compute(inputs)
    assert out.cost_per_successful_task is not None
    assert out.all_in_cost_per_request is not None
    tolerance = 1e-9 * max(1.0, out.cost_per_successful_task)
    assert out.cost_per_successful_task >= out.cost_per_request - tolerance
    assert out.cost_per_successful_task >= out.all_in_cost_per_request - tolerance


@settings(max_examples=200, deadline=None)
@given(_inputs(), st.floats(min_value=0, max_value=5))
def test_more_retries_are_never_cheaper(inputs: CostInputs, more: float) -> None:
    fewer = compute(inputs)
    retried = compute(
        dataclasses.replace(inputs, retries_per_request=inputs.retries_per_request + more)
    )
    assert retried.cost_per_request >= fewer.cost_per_request
    assert retried.monthly_cost >= fewer.monthly_cost
    assert retried.cost_per_successful_task >= fewer.cost_per_successful_task  # type: ignore[operator]


@settings(max_examples=200, deadline=None)
@given(_inputs(), st.floats(min_value=1.0, max_value=100.0))
def test_more_volume_never_raises_cost_per_successful_task(
    inputs: CostInputs, factor: float
) -> None:
    inputs = dataclasses.replace(inputs, fixed_monthly_cost=inputs.fixed_monthly_cost + 1)
    small = compute(inputs).cost_per_successful_task
    large = compute(
        dataclasses.replace(inputs, requests_per_month=inputs.requests_per_month * factor)
    ).cost_per_successful_task
    assert small is not None and large is not None
    assert large <= small * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(_inputs())
def test_break_even_volume_is_where_people_and_ai_cost_the_same(inputs: CostInputs) -> None:
    result = compute(inputs).break_even
    if result.verdict != "above":
        return
    assert result.requests_per_month is not None and inputs.human_cost_per_task is not None
    at = dataclasses.replace(inputs, requests_per_month=result.requests_per_month)
    per_task = compute(at).cost_per_successful_task
    assert per_task == approx(inputs.human_cost_per_task, rel=1e-6)
