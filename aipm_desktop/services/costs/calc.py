"""Unit economics of one option: cost per request, per successful task, per month, per
three years, break-even against people, margins, and options compared side by side.

Pure functions over :class:`~.inputs.CostInputs` (no database, no Qt), fast enough to
run on every keystroke. The formulas, in the order they build on each other (prices per
million tokens, volumes per month, V = the scenario's requests a month, s = success rate):

- *token cost per model call* = (input tokens x (1 - cached share) x input price + input
  tokens x cached share x cached-input price + output tokens x output price) / 1,000,000;
- *model cost per request* = token cost per call x (1 + retries per request) (a retry is
  one more model call; retrieval, guardrails and review happen once per request);
- *cost per request* = model cost + embedding and retrieval cost + guardrail calls x cost
  per call + review share x minutes / 60 x hourly cost (the variable cost);
- *monthly cost* = V x cost per request + fixed monthly cost; *3-year cost* = one-off build
  cost + 36 x monthly cost; *cost per request all-in* = monthly cost / V;
- *successful tasks a month* = V x s; *cost per successful task* = monthly cost /
  successful tasks (every cost, fixed ones included, carried by the tasks that succeed);
- *break-even volume* against a human-only cost per task h: AI is cheaper per successful
  task once (cost per request + fixed / V) / s < h, i.e. above V = fixed / (h x s - cost
  per request); "always" with no fixed cost, "never" when h x s <= cost per request;
- *gross margin per task* = price per task - cost per successful task; *per seat* = price
  per seat - tasks per seat x cost per successful task (shares of the price beside them).

Zero volume or a zero success rate never divide: the figures that need them are None and
``problems`` says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ...errors import UserError
from .inputs import MONTHS, SCENARIOS, CostInputs, format_amount

#: Options a comparison takes at most.
MAX_COMPARED = 4


@dataclass(frozen=True)
class ScenarioFigures:
    """The volume-dependent figures of one scenario."""

    scenario: str
    requests_per_month: float
    successful_tasks_per_month: float
    monthly_cost: float
    three_year_cost: float
    all_in_cost_per_request: float | None
    cost_per_successful_task: float | None


@dataclass(frozen=True)
class BreakEven:
    """Where AI becomes cheaper per successful task than people doing the task.

    ``verdict``: ``above`` (cheaper above ``requests_per_month``), ``always`` (at any
    volume), ``never``, or ``unknown`` (no human-only cost given); ``reason`` says why.
    """

    verdict: str
    requests_per_month: float | None
    reason: str


@dataclass(frozen=True)
class Margin:
    """Gross margin on a price: per ``task`` (successful task) or per ``seat`` a month."""

    basis: str
    price: float
    cost: float | None
    margin: float | None
    margin_share: float | None


@dataclass(frozen=True)
class CostOutputs:
    """Every figure of one cost model in one scenario (amounts in ``currency``)."""

    scenario: str
    currency: str
    requests_per_month: float
    input_token_cost_per_call: float
    cached_input_token_cost_per_call: float
    output_token_cost_per_call: float
    token_cost_per_call: float
    model_cost_per_request: float
    retrieval_cost_per_request: float
    guardrail_cost_per_request: float
    review_cost_per_request: float
    cost_per_request: float
    fixed_cost_per_request: float | None
    all_in_cost_per_request: float | None
    successful_tasks_per_month: float
    variable_monthly_cost: float
    fixed_monthly_cost: float
    monthly_cost: float
    yearly_cost: float
    build_cost_oneoff: float
    three_year_cost: float
    cost_per_successful_task: float | None
    scenarios: tuple[ScenarioFigures, ...]
    break_even: BreakEven
    margins: tuple[Margin, ...]
    target_cost_per_task: float | None
    within_envelope: bool | None
    problems: tuple[str, ...]

    def scenario_figures(self, scenario: str) -> ScenarioFigures:
        for figures in self.scenarios:
            if figures.scenario == scenario:
                return figures
        raise KeyError(scenario)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _money(value: float, currency: str) -> str:
    return format_amount(value, currency)


def _check_scenario(scenario: str) -> None:
    if scenario not in SCENARIOS:
        raise UserError(f"unknown scenario {scenario!r}; use low, base or high.")


def variable_cost(inputs: CostInputs) -> float:
    """Cost per request without fixed costs (the sum above; see the module doc)."""
    tokens_in = inputs.input_tokens_per_request
    cached = inputs.cached_input_share
    per_call = (
        tokens_in * (1 - cached) * inputs.price_input_per_m
        + tokens_in * cached * inputs.cached_price
        + inputs.output_tokens_per_request * inputs.price_output_per_m
    ) / 1_000_000
    return (
        per_call * (1 + inputs.retries_per_request)
        + inputs.retrieval_cost_per_request
        + inputs.guardrail_calls_per_request * inputs.guardrail_cost_per_call
        + inputs.review_share * inputs.review_minutes / 60 * inputs.review_hourly_cost
    )


def cost_per_successful_task(inputs: CostInputs, volume: float | None = None) -> float | None:
    """Monthly cost / successful tasks at ``volume`` requests a month (default: base);
    None when there are no successful tasks (zero volume or success rate)."""
    volume = inputs.requests_per_month if volume is None else volume
    tasks = volume * inputs.success_rate
    if tasks <= 0:
        return None
    return (volume * variable_cost(inputs) + inputs.fixed_monthly_cost) / tasks


def break_even(inputs: CostInputs) -> BreakEven:
    """The monthly volume above which a successful task costs less than the human-only
    cost per task (see the module doc)."""
    human = inputs.human_cost_per_task
    cur = inputs.currency
    if human is None:
        return BreakEven("unknown", None, "No human-only cost per task is given.")
    success = inputs.success_rate
    if success <= 0:
        return BreakEven(
            "never", None, "The success rate is 0 %: the AI completes no task at any volume."
        )
    cost = variable_cost(inputs)
    gain = human * success - cost  # saved per request before fixed costs
    per_task = cost / success
    if gain <= 0:
        return BreakEven(
            "never",
            None,
            f"Before fixed costs a successful task already costs {_money(per_task, cur)} "
            f"(cost per request / success rate), not less than the human "
            f"{_money(human, cur)}.",
        )
    fixed = inputs.fixed_monthly_cost
    if fixed <= 0:
        return BreakEven(
            "always",
            0.0,
            f"No fixed monthly cost, and a successful task costs {_money(per_task, cur)}, "
            f"less than the human {_money(human, cur)}, at any volume.",
        )
    volume = fixed / gain
    return BreakEven(
        "above",
        volume,
        f"Above {volume:,.0f} requests a month the fixed {_money(fixed, cur)} a month is "
        f"spread thin enough for a successful task to cost less than the human "
        f"{_money(human, cur)}.",
    )


def _margins(inputs: CostInputs, per_task: float | None) -> tuple[Margin, ...]:
    found: list[Margin] = []
    price = inputs.price_per_task
    if price is not None:
        margin = None if per_task is None else price - per_task
        share = None if margin is None or price == 0 else margin / price
        found.append(Margin("task", price, per_task, margin, share))
    seat = inputs.price_per_seat
    if seat is not None:
        tasks = inputs.tasks_per_seat or 0.0
        cost = None if per_task is None else tasks * per_task
        margin = None if cost is None else seat - cost
        share = None if margin is None or seat == 0 else margin / seat
        found.append(Margin("seat", seat, cost, margin, share))
    return tuple(found)


def _scenario(inputs: CostInputs, scenario: str, cost: float) -> ScenarioFigures:
    volume = inputs.volume(scenario)
    monthly = volume * cost + inputs.fixed_monthly_cost
    tasks = volume * inputs.success_rate
    return ScenarioFigures(
        scenario=scenario,
        requests_per_month=volume,
        successful_tasks_per_month=tasks,
        monthly_cost=monthly,
        three_year_cost=inputs.build_cost_oneoff + MONTHS * monthly,
        all_in_cost_per_request=monthly / volume if volume > 0 else None,
        cost_per_successful_task=monthly / tasks if tasks > 0 else None,
    )


def compute(inputs: CostInputs, scenario: str = "base") -> CostOutputs:
    """Every output of ``inputs`` in ``scenario`` (``low``, ``base`` or ``high``), and the
    volume-dependent figures of all three scenarios in ``scenarios``."""
    _check_scenario(scenario)
    tokens_in = inputs.input_tokens_per_request
    cached = inputs.cached_input_share
    input_cost = tokens_in * (1 - cached) * inputs.price_input_per_m / 1_000_000
    cached_cost = tokens_in * cached * inputs.cached_price / 1_000_000
    output_cost = inputs.output_tokens_per_request * inputs.price_output_per_m / 1_000_000
    per_call = input_cost + cached_cost + output_cost
    model_cost = per_call * (1 + inputs.retries_per_request)
    guardrail = inputs.guardrail_calls_per_request * inputs.guardrail_cost_per_call
    review = inputs.review_share * inputs.review_minutes / 60 * inputs.review_hourly_cost
    cost = model_cost + inputs.retrieval_cost_per_request + guardrail + review
    scenarios = tuple(_scenario(inputs, name, cost) for name in SCENARIOS)
    figures = scenarios[SCENARIOS.index(scenario)]
    volume = figures.requests_per_month
    per_task = figures.cost_per_successful_task
    problems = list(inputs.warnings)
    if volume <= 0:
        problems.append(
            f"No requests in the {scenario} scenario: the cost per request with fixed costs "
            "and the cost per successful task need a volume above 0."
        )
    if inputs.success_rate <= 0:
        problems.append(
            "The success rate is 0 %: no request completes a task, so there is no cost per "
            "successful task (and no margin on it)."
        )
    target = inputs.target_cost_per_task
    within = None if target is None or per_task is None else per_task <= target
    if within is False and target is not None and per_task is not None:
        problems.append(
            f"Over the envelope: a successful task costs {_money(per_task, inputs.currency)}"
            f", above the target {_money(target, inputs.currency)}."
        )
    return CostOutputs(
        scenario=scenario,
        currency=inputs.currency,
        requests_per_month=volume,
        input_token_cost_per_call=input_cost,
        cached_input_token_cost_per_call=cached_cost,
        output_token_cost_per_call=output_cost,
        token_cost_per_call=per_call,
        model_cost_per_request=model_cost,
        retrieval_cost_per_request=inputs.retrieval_cost_per_request,
        guardrail_cost_per_request=guardrail,
        review_cost_per_request=review,
        cost_per_request=cost,
        fixed_cost_per_request=inputs.fixed_monthly_cost / volume if volume > 0 else None,
        all_in_cost_per_request=figures.all_in_cost_per_request,
        successful_tasks_per_month=figures.successful_tasks_per_month,
        variable_monthly_cost=volume * cost,
        fixed_monthly_cost=inputs.fixed_monthly_cost,
        monthly_cost=figures.monthly_cost,
        yearly_cost=12 * figures.monthly_cost,
        build_cost_oneoff=inputs.build_cost_oneoff,
        three_year_cost=figures.three_year_cost,
        cost_per_successful_task=per_task,
        scenarios=scenarios,
        break_even=break_even(inputs),
        margins=_margins(inputs, per_task),
        target_cost_per_task=target,
        within_envelope=within,
        problems=tuple(problems),
    )


# -- comparing options ----------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedOption:
    """One option of a comparison; ``cheapest`` marks the lowest cost per successful task."""

    inputs: CostInputs
    outputs: CostOutputs
    cheapest: bool


@dataclass(frozen=True)
class Comparison:
    """Up to :data:`MAX_COMPARED` options side by side in one scenario.

    ``cheapest`` is the index of the option with the lowest cost per successful task
    (the first of equals; None when no option has one or the currencies differ).
    """

    scenario: str
    options: tuple[ComparedOption, ...]
    cheapest: int | None
    problems: tuple[str, ...]


def compare(options: Sequence[CostInputs], scenario: str = "base") -> Comparison:
    """Compute each option in ``scenario`` and mark the cheapest per successful task."""
    _check_scenario(scenario)
    if not options:
        raise UserError("Nothing to compare: give one to four options.")
    if len(options) > MAX_COMPARED:
        raise UserError(
            f"A comparison takes up to {MAX_COMPARED} options, not {len(options)}; "
            "choose which to compare."
        )
    outputs = [compute(option, scenario) for option in options]
    problems: list[str] = []
    currencies = sorted({option.currency for option in options})
    cheapest: int | None = None
    if len(currencies) > 1:
        problems.append(
            f"The options count in different currencies ({', '.join(currencies)}); "
            "none is marked cheapest."
        )
    else:
        best = math.inf
        for index, out in enumerate(outputs):
            value = out.cost_per_successful_task
            if value is not None and value < best:
                best, cheapest = value, index
        if cheapest is None:
            problems.append("No option has a cost per successful task to compare.")
    compared = tuple(
        ComparedOption(option, out, index == cheapest)
        for index, (option, out) in enumerate(zip(options, outputs, strict=True))
    )
    return Comparison(scenario, compared, cheapest, tuple(problems))
