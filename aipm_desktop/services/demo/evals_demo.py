"""The sample workspace's evaluations: two suites (ticket triage, the answer bot) from
``resources/demo/evaluations.json``, three runs each, with per-example results generated
from a seeded generator.

The examples of a suite keep their language, tier or topic and a latent draw across runs,
and a run gets an example right when that draw is below the run's quality for the
example's language (its flags likewise): so a better run fixes examples without breaking
others, and the triage suite's third run -- better overall, thanks to English tickets --
breaks German ones, the regression on one slice the comparison finds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from sqlmodel import Session

from ...models import EvalRun, EvalRunResults, EvalSuite
from ...models.common import table_of
from ..records import insert_row, new_row, validate_create
from .content import DemoContent

#: Seed of the generated results (with the suite's and run's positions).
EVAL_SEED = 14


def _choice(
    rng: np.random.Generator, shares: Mapping[str, float], n: int
) -> tuple[list[str], np.ndarray]:
    names = list(shares)
    weights = np.array([shares[k] for k in names], dtype=np.float64)
    return names, rng.choice(len(names), size=n, p=weights / weights.sum()).astype(np.int32)


def _columns(spec: str) -> list[Any]:
    """Columns from ``"id expected language:slice"`` (a name alone is its own field)."""
    from ..evaluations.results import Column

    out = []
    for item in spec.split():
        name, _sep, field = item.partition(":")
        out.append(Column(name, field or name, name))
    return out


def _timing(
    rng: np.random.Generator, run: Mapping[str, Any], shape: float, n: int
) -> dict[str, np.ndarray]:
    """Latency (gamma, the run's mean) and cost (normal around the run's) of n examples."""
    latency = rng.gamma(shape, run["latency"] / shape, n).round(0)
    cost = np.clip(rng.normal(run["cost"], run["cost"] * 0.2, n), 0, None).round(6)
    return {"latency": latency, "cost": cost}


def triage_results(spec: Mapping[str, Any], run: Mapping[str, Any], seed: Sequence[int]) -> Any:
    """A triage run's results: expected queue, prediction, confidence, latency, cost."""
    from ..evaluations.results import build

    n = int(spec["examples"])
    base = np.random.default_rng([EVAL_SEED, *seed])
    classes = [c.strip() for c in spec["classes"].split(",")]
    languages, language = _choice(base, spec["languages"], n)
    tiers, tier = _choice(base, spec["tiers"], n)
    expected = base.choice(len(classes), size=n, p=[0.3, 0.25, 0.2, 0.15, 0.1]).astype(np.int32)
    latent = base.random(n)
    wrong = ((expected + base.integers(1, len(classes), n)) % len(classes)).astype(np.int32)
    run_rng = np.random.default_rng([EVAL_SEED, *seed, int(run["days_ago"])])
    quality = np.array([run["quality"][k] for k in languages])[language]
    right = latent < quality
    predicted = np.where(right, expected, wrong).astype(np.int32)
    confidence = np.where(right, 0.9 - 0.5 * latent * (1 - quality), 0.55 + 0.3 * latent * quality)
    confidence = np.clip(confidence + run_rng.normal(0, 0.05, n), 0.05, 0.999).round(3)
    ids = [f"{spec['id_prefix']}{10_001 + i}" for i in range(n)]
    columns = _columns("id expected predicted probability latency cost language:slice tier:slice")
    values = {"expected": expected, "predicted": predicted, "probability": confidence}
    values.update(_timing(run_rng, run, 4.0, n), language=language, tier=tier)
    return build(ids, columns, values, {"label": classes, "language": languages, "tier": tiers})


def bot_results(spec: Mapping[str, Any], run: Mapping[str, Any], seed: Sequence[int]) -> Any:
    """An answer-bot run's results: flags, a judge's score, latency, cost."""
    from ..evaluations.results import build

    n = int(spec["examples"])
    base = np.random.default_rng([EVAL_SEED, *seed])
    languages, language = _choice(base, spec["languages"], n)
    topics, topic = _choice(base, spec["topics"], n)
    latent = {name: base.random(n) for name in ("hallucinated", "grounded", "refused", "judge")}
    run_rng = np.random.default_rng([EVAL_SEED, *seed, int(run["days_ago"])])
    flags = {
        name: (latent[name] < float(run[key])).astype(np.float64)
        for name, key in (
            ("hallucinated", "hallucination"),
            ("grounded", "grounded"),
            ("refused", "refused"),
        )
    }
    judge = np.clip(np.round(float(run["judge"]) + 1.6 * (0.5 - latent["judge"])), 1, 5)
    ids = [f"{spec['id_prefix']}{20_001 + i}" for i in range(n)]
    columns = _columns(
        "id hallucinated:flag grounded:flag refused:flag judge:score latency cost "
        "language:slice topic:slice"
    )
    values = {**flags, "judge": judge, **_timing(run_rng, run, 3.0, n)}
    values.update(language=language, topic=topic)
    return build(ids, columns, values, {"language": languages, "topic": topics})


class EvalsDemo:
    """Adds the eval suites with their runs (mixed into the demo builder)."""

    session: Session
    content: DemoContent
    use_cases: dict[str, int]
    day: Callable[[int], dt.date]
    moment: Callable[..., dt.datetime]

    def add_evaluations(self) -> None:
        from ..evaluations.data import refresh_values
        from ..evaluations.edits import metric_row
        from ..evaluations.results import describe, encode

        suite_fields = set(EvalSuite.model_fields) - {"use_case_id", "mapping"}
        for position, spec in enumerate(self.content.eval_suites):
            fields = {k: v for k, v in spec.items() if k in suite_fields}
            suite = validate_create(
                EvalSuite, {**fields, "use_case_id": self.use_cases[spec["use_case"]]}
            )
            self.session.add(suite)
            self.session.flush()
            suite_id = int(suite.id)  # type: ignore[arg-type]
            for index, metric in enumerate(spec["metrics"]):
                self.session.add(metric_row(suite_id, metric, index))
            generate = triage_results if spec.get("classes") else bot_results
            for run in spec["runs"]:
                data = generate(spec, run, (position,))
                row = validate_create(
                    EvalRun,
                    {
                        "suite_id": suite_id,
                        "name": run["name"],
                        "run_date": self.day(-int(run["days_ago"])),
                        "environment": run["environment"],
                        "notes": run["notes"],
                        "source_file": "(demo results, generated)",
                        "source_rows": len(data),
                        "imported_at": self.moment(-int(run["days_ago"]), 17),
                    },
                )
                self.session.add(row)
                self.session.flush()
                payload = encode(data)
                values = {"run_id": row.id, "rows": len(data), "columns": describe(data.columns)}
                insert_row(
                    self.session.connection(),
                    table_of(EvalRunResults),
                    new_row({**values, "payload": payload}, self.moment(-int(run["days_ago"]), 17)),
                )
            self.session.flush()
            refresh_values(self.session.connection(), suite_id)
