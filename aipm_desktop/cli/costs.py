"""``aipm costs``: unit economics of AI features: list cost models, show one with every
input and output, compare a use case's options, the model price table, and edits
(new, set, delete, own, snapshot), each one undoable step."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import UserError
from . import common
from .common import JsonFlag, WorkspaceFile, command, new_app

if TYPE_CHECKING:
    from ..services.costs import CostInputs, CostOutputs
    from ..store import Workspace

app = new_app(
    "Unit economics: cost per request and per successful task, scenarios, options "
    "compared, and the model price table.",
)

_Model = Annotated[str, typer.Argument(help="The cost model: its name or id.")]
_Scenario = Annotated[str, typer.Option("--scenario", help="Volume scenario: low, base or high.")]
_Who = Annotated[
    str | None, typer.Option("--who", help="Who makes the change (default: your user name).")
]
_Assignments = Annotated[
    list[str] | None,
    typer.Argument(
        help="FIELD=VALUE pairs: any input (e.g. success_rate=0.8, shares as 0-1; an empty "
        "value clears an optional one), name, option_label, role (none, build, partner, "
        "buy), currency, notes, use_case (id or title), price (provider/model, or none for "
        "the model's own prices), kpi (name or id, or none), source.FIELD (the input's "
        "source note), range.FIELD=LOW:HIGH (the tornado's low and high values of an input "
        "instead of ±20 %; leave a side empty for its default, e.g. range.success_rate=0.7:, "
        "and give no value, range.FIELD=, to clear it).",
        show_default=False,
    ),
]

PRICE_CAVEAT = (
    "Prices change often: these are a dated starting table; check them on the providers' "
    "pages before you rely on them."
)


# -- reading --------------------------------------------------------------------------------


@command(app, "list")
def list_command(
    file: WorkspaceFile, as_json: JsonFlag = False, scenario: _Scenario = "base"
) -> None:
    """List the cost models with their headline figures in a scenario."""
    from ..services import costs

    items = common.listed(
        file,
        functools.partial(costs.summaries, scenario=scenario),
        as_json=as_json,
        empty="No cost models yet; `aipm costs new FILE NAME ...` adds one.",
        indent=None,
    )
    amount = costs.format_amount
    rows = [
        [
            str(s.id),
            common.clip(s.name, 40),
            common.clip(s.use_case or "-", 24),
            common.clip(s.option_label or "-", 20),
            s.role,
            costs.format_count(s.requests_per_month),
            amount(s.cost_per_request),
            amount(s.cost_per_successful_task),
            amount(s.monthly_cost),
            amount(s.target_cost_per_task),
            _envelope_word(s.within_envelope),
        ]
        for s in items
    ]
    header = [
        "ID",
        "Name",
        "Use case",
        "Option",
        "Role",
        "Requests/mo",
        "Cost/request",
        "Cost/success",
        "Monthly",
        "Envelope",
        "",
    ]
    typer.echo(common.table(header, rows, right={0, 5, 6, 7, 8, 9}))
    typer.echo(f"({scenario} scenario; amounts in each model's currency)")


def _envelope_word(within: bool | None) -> str:
    return "" if within is None else ("within" if within else "OVER")


def _load(ws: Workspace, ref: str) -> CostInputs:
    from ..services import costs

    return costs.load_inputs(ws=ws, model_id=costs.find_model(ws=ws, ref=ref))


@command(app, "show")
def show_command(
    file: WorkspaceFile,
    model: _Model,
    scenario: _Scenario = "base",
    as_json: JsonFlag = False,
) -> None:
    """Every input (unit, source note) and every output of one cost model, with the
    formulas, so the figures can be recomputed by hand."""
    from ..services import costs

    with common.reading(file) as ws:
        inputs = _load(ws, model)
        use_case = _use_case_title(ws, inputs.use_case_id)
        kpi = _kpi_name(ws, inputs.kpi_id)
    out = costs.compute(inputs, scenario)
    if as_json:
        common.echo_json(
            {
                "model": {**inputs.as_dict(), "use_case": use_case, "kpi": kpi},
                "inputs": [
                    {
                        "field": spec.field,
                        "label": spec.label,
                        "unit": spec.unit_for(inputs.currency),
                        "value": getattr(inputs, spec.field),
                        "source": inputs.sources.get(spec.field, ""),
                    }
                    for spec in costs.INPUT_SPECS
                ],
                "sensitivity_ranges": [
                    {
                        "field": field,
                        "label": costs.SPEC_BY_FIELD[field].label,
                        "low": low,
                        "high": high,
                    }
                    for field, (low, high) in inputs.sensitivity_ranges.items()
                ],
                "outputs": out.as_dict(),
            }
        )
        return
    typer.echo("\n".join(_show_lines(inputs, out, use_case, kpi)))


def _use_case_title(ws: Workspace, use_case_id: int | None) -> str:
    if use_case_id is None:
        return ""
    from ..models import UseCase

    with ws.session() as session:
        found = session.get(UseCase, use_case_id)
        return found.title if found else ""


def _kpi_name(ws: Workspace, kpi_id: int | None) -> str:
    if kpi_id is None:
        return ""
    from ..models import Kpi

    with ws.session() as session:
        found = session.get(Kpi, kpi_id)
        return found.name if found else ""


def _show_lines(inputs: CostInputs, out: CostOutputs, use_case: str, kpi: str) -> list[str]:
    from ..services import costs

    cur = inputs.currency
    amount = costs.format_amount
    count = costs.format_count
    lines = [f"{inputs.name} (#{inputs.id})"]
    facts = [
        f"use case: {use_case or '-'}",
        f"option: {inputs.option_label or '-'}",
        f"role: {inputs.role}",
        f"currency: {cur}",
    ]
    if kpi:
        facts.append(f"KPI: {kpi}")
    lines.append(" · ".join(facts))
    if inputs.price is not None:
        source = f"; {inputs.price.source}" if inputs.price.source else ""
        lines.append(f"Prices from the price table: {inputs.price.label}{source}")
    else:
        lines.append("Prices: the model's own (no price table row).")
    lines += ["", "Inputs"]
    label_width = max(len(s.label) for s in costs.INPUT_SPECS)
    values = {s.field: costs.format_input(s, getattr(inputs, s.field)) for s in costs.INPUT_SPECS}
    value_width = max(len(v) for v in values.values())
    unit_width = max(len(s.unit_for(cur)) for s in costs.INPUT_SPECS)
    group = ""
    for spec in costs.INPUT_SPECS:
        if spec.group != group:
            group = spec.group
            lines.append(f"  {group}")
        note = inputs.sources.get(spec.field, "")
        value = values[spec.field]
        if spec.field == "price_cached_input_per_m" and getattr(inputs, spec.field) is None:
            value, note = amount(inputs.cached_price), note or "(none given: the input price)"
        scenario_volume = spec.field in ("requests_per_month_low", "requests_per_month_high")
        if scenario_volume and getattr(inputs, spec.field) is None:
            value, note = count(inputs.requests_per_month), note or "(none given: the base)"
        line = (
            f"    {spec.label:<{label_width}}  {value:>{value_width}}  "
            f"{spec.unit_for(cur):<{unit_width}}  {note}"
        )
        lines.append(line.rstrip())
    lines += ["", "Tornado ranges (aipm chart FILE tornado --model NAME)"]
    swing = f"±{costs.DEFAULT_SWING * 100:g} %"
    if inputs.sensitivity_ranges:
        width = max(len(costs.SPEC_BY_FIELD[f].label) for f in inputs.sensitivity_ranges)
        for field, (low, high) in inputs.sensitivity_ranges.items():
            spec = costs.SPEC_BY_FIELD[field]
            shown = [swing if v is None else costs.format_input(spec, v) for v in (low, high)]
            lines.append(
                f"    {spec.label:<{width}}  {shown[0]} \u2013 {shown[1]}  "
                f"{spec.unit_for(cur)}  (range.{field})"
            )
        lines.append(f"    Every other input: its value {swing}.")
    else:
        lines.append(
            f"    Every input {swing}; set your own with "
            "`aipm costs set FILE MODEL range.FIELD=LOW:HIGH`."
        )
    if inputs.notes:
        lines += ["", f"Notes: {inputs.notes}"]

    def row(label: str, value: str, formula: str = "") -> str:
        return f"  {label:<34} {value:>22}   {formula}".rstrip()

    share = costs.format_share
    tokens_in = count(inputs.input_tokens_per_request)
    lines += [
        "",
        f"Outputs ({out.scenario} scenario: {count(out.requests_per_month)} requests a month)",
        row(
            "Uncached input tokens per call",
            amount(out.input_token_cost_per_call, cur),
            f"= {tokens_in} x (1 - {share(inputs.cached_input_share)}) x "
            f"{amount(inputs.price_input_per_m)} / 1,000,000",
        ),
        row(
            "Cached input tokens per call",
            amount(out.cached_input_token_cost_per_call, cur),
            f"= {tokens_in} x {share(inputs.cached_input_share)} x "
            f"{amount(inputs.cached_price)} / 1,000,000",
        ),
        row(
            "Output tokens per call",
            amount(out.output_token_cost_per_call, cur),
            f"= {count(inputs.output_tokens_per_request)} x "
            f"{amount(inputs.price_output_per_m)} / 1,000,000",
        ),
        row("Token cost per model call", amount(out.token_cost_per_call, cur), "= the three above"),
        row(
            "Model cost per request",
            amount(out.model_cost_per_request, cur),
            f"= token cost per call x (1 + {count(inputs.retries_per_request)} retries)",
        ),
        row("Embedding and retrieval", amount(out.retrieval_cost_per_request, cur)),
        row(
            "Guardrail calls",
            amount(out.guardrail_cost_per_request, cur),
            f"= {count(inputs.guardrail_calls_per_request)} x "
            f"{amount(inputs.guardrail_cost_per_call)}",
        ),
        row(
            "Human review",
            amount(out.review_cost_per_request, cur),
            f"= {share(inputs.review_share)} x {count(inputs.review_minutes)} min / 60 x "
            f"{amount(inputs.review_hourly_cost)} an hour",
        ),
        row("Cost per request", amount(out.cost_per_request, cur), "= model + the three above"),
        row(
            "Fixed cost per request",
            amount(out.fixed_cost_per_request, cur),
            f"= {amount(out.fixed_monthly_cost)} a month / requests",
        ),
        row(
            "Cost per request, all-in",
            amount(out.all_in_cost_per_request, cur),
            "= monthly cost / requests",
        ),
        row(
            "Successful tasks a month",
            count(out.successful_tasks_per_month),
            f"= requests x {share(inputs.success_rate)} success",
        ),
        row(
            "Monthly cost",
            amount(out.monthly_cost, cur),
            f"= requests x cost per request + {amount(out.fixed_monthly_cost)} fixed",
        ),
        row(
            "Cost per successful task",
            amount(out.cost_per_successful_task, cur),
            "= monthly cost / successful tasks",
        ),
        row("Yearly cost", amount(out.yearly_cost, cur), "= 12 x monthly cost"),
        row(
            "3-year cost",
            amount(out.three_year_cost, cur),
            f"= {amount(out.build_cost_oneoff)} one-off + 36 x monthly cost",
        ),
        "",
        "Scenarios",
    ]
    scenario_rows = [
        [
            f.scenario,
            count(f.requests_per_month),
            count(f.successful_tasks_per_month),
            amount(f.monthly_cost),
            amount(f.three_year_cost),
            amount(f.all_in_cost_per_request),
            amount(f.cost_per_successful_task),
        ]
        for f in out.scenarios
    ]
    table = common.table(
        [
            "Scenario",
            "Requests/mo",
            "Successes/mo",
            "Monthly",
            "3-year",
            "Cost/request all-in",
            "Cost/success",
        ],
        scenario_rows,
        right={1, 2, 3, 4, 5, 6},
    )
    lines += ["  " + line for line in table.splitlines()]
    be = out.break_even
    lines += ["", "Break-even against people"]
    if be.verdict == "above":
        lines.append(f"  {be.reason}")
    else:
        lines.append(f"  {be.verdict.capitalize()}: {be.reason}")
    if out.margins:
        lines += ["", "Gross margin"]
        for m in out.margins:
            per = "per successful task" if m.basis == "task" else "per seat a month"
            lines.append(
                f"  {per}: price {amount(m.price, cur)} - cost {amount(m.cost, cur)} = "
                f"{amount(m.margin, cur)}"
                + (f" ({share(m.margin_share)} of the price)" if m.margin_share is not None else "")
            )
    lines += ["", "Envelope"]
    if out.target_cost_per_task is None:
        lines.append("  No envelope set.")
    else:
        verdict = {True: "within", False: "OVER", None: "not known"}[out.within_envelope]
        lines.append(
            f"  {amount(out.cost_per_successful_task, cur)} per successful task against "
            f"{amount(out.target_cost_per_task, cur)}: {verdict}"
        )
    if out.problems:
        lines += ["", "Problems"] + [f"  - {p}" for p in out.problems]
    return lines


@command(app, "compare")
def compare_command(
    file: WorkspaceFile,
    use_case: Annotated[str, typer.Argument(help="The use case: its id or title.")],
    scenario: _Scenario = "base",
    model: Annotated[
        list[str] | None,
        typer.Option("--model", help="Compare only this option (name or id; repeatable)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """A use case's options (up to four) side by side; the cheapest per successful task
    is marked with *."""
    from ..services import costs
    from ..services.ai_act import resolve_use_case

    with common.reading(file) as ws:
        use_case_id = resolve_use_case(ws=ws, ref=use_case)
        ids = [costs.find_model(ws=ws, ref=ref) for ref in model] if model else None
        comparison = costs.compare_use_case(
            ws=ws, use_case_id=use_case_id, scenario=scenario, model_ids=ids
        )
        title = _use_case_title(ws, use_case_id)
    if as_json:
        common.echo_json(
            {
                "use_case_id": use_case_id,
                "use_case": title,
                "scenario": comparison.scenario,
                "cheapest": comparison.cheapest,
                "options": [
                    {
                        "id": o.inputs.id,
                        "name": o.inputs.name,
                        "option_label": o.inputs.option_label,
                        "role": o.inputs.role,
                        "cheapest": o.cheapest,
                        "inputs": o.inputs.as_dict(),
                        "outputs": o.outputs.as_dict(),
                    }
                    for o in comparison.options
                ],
                "problems": list(comparison.problems),
            }
        )
        return
    amount = costs.format_amount
    options = comparison.options
    header = [""] + [
        common.clip(o.inputs.title, 24) + (" *" if o.cheapest else "") for o in options
    ]

    def line(label: str, values: list[str]) -> list[str]:
        return [label, *values]

    def be_text(o: Any) -> str:
        be = o.outputs.break_even
        if be.verdict == "above":
            return f"> {costs.format_count(round(be.requests_per_month))} req/mo"
        return be.verdict

    rows = [
        line("Role", [o.inputs.role for o in options]),
        line(
            "Requests a month", [costs.format_count(o.outputs.requests_per_month) for o in options]
        ),
        line("Success rate", [costs.format_share(o.inputs.success_rate) for o in options]),
        line("Cost per request", [amount(o.outputs.cost_per_request) for o in options]),
        line(
            "Cost per request, all-in",
            [amount(o.outputs.all_in_cost_per_request) for o in options],
        ),
        line(
            "Cost per successful task",
            [amount(o.outputs.cost_per_successful_task) for o in options],
        ),
        line("Monthly cost", [amount(o.outputs.monthly_cost) for o in options]),
        line("One-off build cost", [amount(o.outputs.build_cost_oneoff) for o in options]),
        line("3-year cost", [amount(o.outputs.three_year_cost) for o in options]),
        line("Break-even vs people", [be_text(o) for o in options]),
        line("Envelope", [amount(o.outputs.target_cost_per_task) for o in options]),
        line("", [_envelope_word(o.outputs.within_envelope) for o in options]),
    ]
    typer.echo(f"{title}: {len(options)} options, {comparison.scenario} scenario")
    typer.echo(common.table(header, rows, right=set(range(1, len(header)))))
    if comparison.cheapest is not None:
        best = options[comparison.cheapest]
        typer.echo(
            f"* cheapest per successful task: {best.inputs.title} "
            f"({amount(best.outputs.cost_per_successful_task, best.inputs.currency)})"
        )
    for problem in comparison.problems:
        typer.echo(f"Note: {problem}")


@command(app, "prices")
def prices_command(file: WorkspaceFile, as_json: JsonFlag = False) -> None:
    """The model price table (per million tokens), with its dates and sources."""
    from ..services import costs

    with common.reading(file) as ws:
        rows = costs.price_rows(ws=ws)
    if as_json:
        common.echo_json({"note": PRICE_CAVEAT, "prices": rows}, indent=None)
        return
    if not rows:
        typer.echo("The price table is empty.")
        return
    amount = costs.format_amount
    table_rows = [
        [
            str(r.id),
            r.provider,
            common.clip(r.model, 24),
            amount(r.price_input_per_m),
            amount(r.price_cached_input_per_m) if r.price_cached_input_per_m is not None else "-",
            amount(r.price_output_per_m),
            r.currency,
            r.as_of.isoformat() if r.as_of else "-",
            str(r.used_by),
            common.clip(r.source, 44),
        ]
        for r in rows
    ]
    header = [
        "ID",
        "Provider",
        "Model",
        "Input/M",
        "Cached/M",
        "Output/M",
        "Cur",
        "As of",
        "Used",
        "Source",
    ]
    typer.echo(common.table(header, table_rows, right={0, 3, 4, 5, 8}))
    typer.echo(PRICE_CAVEAT)


# -- edits ----------------------------------------------------------------------------------


def _parse_assignments(ws: Workspace, pairs: list[str]) -> dict[str, Any]:
    """FIELD=VALUE pairs as the values a cost model stores (see ``_Assignments``)."""
    from ..models.costs import COST_INPUT_FIELDS
    from ..services import costs
    from ..services.ai_act import resolve_use_case
    from ..services.kpis import find_kpi

    data: dict[str, Any] = {}
    sources: dict[str, str] = {}
    ranges: dict[str, list[float | None] | None] = {}
    texts = {"name", "option_label", "role", "currency", "notes"}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(f"{pair!r} is not FIELD=VALUE.")
        if key.startswith("source."):
            field = key.removeprefix("source.")
            if field not in COST_INPUT_FIELDS:
                raise UserError(f"{key}: {field!r} is not an input of a cost model.")
            sources[field] = value
        elif key.startswith("range."):
            field = key.removeprefix("range.")
            if field not in costs.SENSITIVE_FIELDS:
                raise UserError(
                    f"{key}: the tornado varies no input {field!r}; a range may be set for "
                    f"{', '.join(costs.SENSITIVE_FIELDS)}."
                )
            ranges[field] = _range(key, value)
        elif key in texts:
            data[key] = value
        elif key == "use_case":
            data["use_case_id"] = resolve_use_case(ws=ws, ref=value) if value.strip() else None
        elif key == "price":
            blank = value.strip().lower() in ("", "none")
            data["price_id"] = None if blank else costs.find_price(ws=ws, ref=value)
        elif key == "kpi":
            blank = value.strip().lower() in ("", "none")
            data["kpi_id"] = None if blank else find_kpi(ws=ws, ref=value)
        elif key in COST_INPUT_FIELDS:
            data[key] = _number(key, value)
        else:
            raise UserError(
                f"unknown field {key!r}; fields: name, option_label, role, currency, notes, "
                f"use_case, price, kpi, source.FIELD, {', '.join(COST_INPUT_FIELDS)}."
            )
    if sources:
        data["sources"] = sources
    if ranges:
        data["sensitivity_ranges"] = ranges
    return data


def _range(key: str, value: str) -> list[float | None] | None:
    """``LOW:HIGH`` (either side may be empty) as [low, high]; empty: None (clear)."""
    if not value.strip():
        return None
    low, sep, high = value.partition(":")
    if not sep:
        raise UserError(
            f"{key} takes LOW:HIGH (e.g. {key}=0.7:0.95; a side may be empty), not {value!r}."
        )
    pair = [_number(f"{key} (low)", low), _number(f"{key} (high)", high)]
    return None if pair == [None, None] else pair


def _merged_ranges(
    current: dict[str, list[float | None]], changes: dict[str, list[float | None] | None]
) -> dict[str, list[float | None]]:
    """The model's ranges with ``changes`` applied (None: that input's range cleared)."""
    merged = dict(current)
    for field, pair in changes.items():
        if pair is None:
            merged.pop(field, None)
        else:
            merged[field] = pair
    return merged


def _number(key: str, value: str) -> float | None:
    text = value.strip().replace(",", "").replace("_", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise UserError(f"{key} takes a number, not {value!r}.") from None


@command(app, "new")
def new_command(
    file: WorkspaceFile,
    name: Annotated[str, typer.Argument(help="The new cost model's name.")],
    assignments: _Assignments = None,
    who: _Who = None,
) -> None:
    """Add a cost model (one undoable step)."""
    from ..services import costs

    with common.writing(file) as ws:
        data = _parse_assignments(ws, assignments or [])
        if data.get("name", name) != name:
            raise UserError("give the name once, as the NAME argument.")
        if "sensitivity_ranges" in data:
            data["sensitivity_ranges"] = _merged_ranges({}, data["sensitivity_ranges"])
        model, _changes = costs.create_model(ws=ws, data={**data, "name": name}, who=who)
    typer.echo(f"Added cost model {model.name!r} (#{model.id}) to {file}")


@command(app, "set")
def set_command(
    file: WorkspaceFile,
    model: _Model,
    assignments: _Assignments = None,
    who: _Who = None,
) -> None:
    """Change inputs of a cost model (validated as a whole; one undoable step)."""
    from ..services import costs

    if not assignments:
        raise UserError("give at least one FIELD=VALUE to change.")
    with common.writing(file) as ws:
        model_id = costs.find_model(ws=ws, ref=model)
        data = _parse_assignments(ws, assignments)
        if "sources" in data or "sensitivity_ranges" in data:
            loaded = costs.load_inputs(ws=ws, model_id=model_id)
        if "sources" in data:
            current = dict(loaded.sources)
            current.update(data["sources"])
            data["sources"] = current
        if "sensitivity_ranges" in data:
            data["sensitivity_ranges"] = _merged_ranges(
                costs.ranges_record(loaded.sensitivity_ranges), data["sensitivity_ranges"]
            )
        stored, _changes, old = costs.update_model(ws=ws, model_id=model_id, data=data, who=who)
    if not old:
        typer.echo(f"Nothing changed: {stored.name!r} already has these values.")
        return
    typer.echo(f"Changed {', '.join(sorted(old))} of {stored.name!r} (#{stored.id}).")


@command(app, "delete")
def delete_command(file: WorkspaceFile, model: _Model, who: _Who = None) -> None:
    """Delete a cost model (one undoable step)."""
    from ..services import costs

    with common.writing(file) as ws:
        model_id = costs.find_model(ws=ws, ref=model)
        name = costs.load_inputs(ws=ws, model_id=model_id).name
        costs.delete_model(ws=ws, model_id=model_id, who=who)
    typer.echo(f"Deleted cost model {name!r} (#{model_id}); `aipm undo {file}` brings it back.")


@command(app, "own")
def own_command(
    file: WorkspaceFile,
    model: _Model,
    role: Annotated[
        str | None,
        typer.Option("--role", help="build, partner or buy (default: the model's role)."),
    ] = None,
    scenario: _Scenario = "base",
    who: _Who = None,
) -> None:
    """Make the model its use case's build, partner or buy option and write its one-off
    and yearly cost into the use case's cost of ownership (one undoable step)."""
    from ..services import costs

    with common.writing(file) as ws:
        model_id = costs.find_model(ws=ws, ref=model)
        owned, _changes = costs.feed_ownership(
            ws=ws, model_id=model_id, role=role, scenario=scenario, who=who
        )
    amount = costs.format_amount
    typer.echo(
        f"Set the use case's {owned.role} costs: one-off {amount(owned.one_off)}, "
        f"yearly {amount(owned.yearly)} ({scenario} scenario)."
    )


@command(app, "snapshot")
def snapshot_command(
    file: WorkspaceFile,
    model: _Model,
    day: Annotated[
        str | None, typer.Option("--date", help="The snapshot's date (YYYY-MM-DD; today).")
    ] = None,
    scenario: _Scenario = "base",
    who: _Who = None,
) -> None:
    """Record the model's cost per successful task as a snapshot of its linked KPI."""
    from ..services import costs

    when = common.parse_date(day, "--date takes a date as YYYY-MM-DD, not {value!r}.")
    with common.writing(file) as ws:
        model_id = costs.find_model(ws=ws, ref=model)
        value, _changes = costs.record_kpi_snapshot(
            ws=ws, model_id=model_id, day=when, scenario=scenario, who=who
        )
    typer.echo(
        f"Recorded {costs.format_amount(value)} for {(when or dt.date.today()).isoformat()}."
    )
