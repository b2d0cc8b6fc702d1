"""Generate a large workspace for the benchmarks, with SQLAlchemy Core bulk inserts.

    python benchmarks/generate.py OUT.aipm [--scale 1.0] [--overwrite]

At scale 1.0: 10,000 use cases scored on every criterion of the default model,
20,000 risks (each linked to a use case), 1,000 documents of about 5 KB markdown,
500 KPIs with 104 weekly snapshots each and 5,000 roadmap items. ``--scale`` multiplies
every count. The content is deterministic (fixed seed, dates relative to ``anchor``).

Prints one JSON line: ``rows`` (rows bulk-inserted), ``seconds`` (generating and
inserting them, after the workspace with its reference data exists) and ``rows_per_s``.
``benchmarks/run.py`` calls :func:`generate` directly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from aipm_desktop.services import clock

try:
    import aipm_desktop  # noqa: F401
except ImportError:  # run as a script from a source checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Connection, Table, func, insert, select

from aipm_desktop.models import (
    DEFAULT_LANES,
    Criterion,
    Document,
    Kpi,
    KpiCatalogEntry,
    KpiSnapshot,
    Risk,
    RiskTaxonomyItem,
    RiskUseCaseLink,
    RoadmapItem,
    Score,
    UseCase,
    WorkspaceSettings,
    utcnow,
)
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store.engine import make_engine

SEED = 7_2024
#: Rows of each kind at scale 1.0 (scores, links and snapshots follow from these).
BASE_COUNTS = {
    "use_case": 10_000,
    "risk": 20_000,
    "document": 1_000,
    "kpi": 500,
    "roadmap_item": 5_000,
}
SNAPSHOTS_PER_KPI = 104
BATCH = 20_000

OWNERS = [
    f"{first} {last}"
    for first in ("Alex", "Bea", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana")
    for last in ("Adams", "Brook", "Costa", "Diaz", "Engel")
]
VERBS = [
    "Summarise", "Classify", "Draft", "Translate", "Route", "Forecast", "Detect",
    "Recommend", "Extract", "Answer", "Prioritise", "Search", "Explain", "Review",
    "Generate", "Tag", "Score", "Monitor", "Cluster", "Redact",
]  # fmt: skip
OBJECTS = [
    "support tickets", "sales calls", "invoices", "contracts", "product feedback",
    "release notes", "onboarding emails", "bug reports", "chat transcripts",
    "knowledge articles", "renewal risks", "refund requests", "survey answers",
    "churn signals", "usage anomalies", "security alerts", "meeting notes",
    "job applications", "purchase orders", "compliance evidence",
]  # fmt: skip
AUDIENCES = [
    "support agents", "account managers", "finance teams", "legal reviewers",
    "product managers", "sales reps", "admins", "end customers", "team leads",
    "data analysts", "recruiters", "security analysts", "executives",
    "onboarding specialists", "partner managers", "QA leads", "field engineers",
    "marketing teams", "operations managers", "customer success managers",
    "procurement teams", "trainers", "developers", "community moderators", "auditors",
]  # fmt: skip
AREAS = ["Support", "Sales", "Finance", "Legal", "Product", "Operations", "Security", "HR"]
STATUSES = (
    ["idea"] * 4
    + ["discovery"] * 3
    + ["validated"] * 2
    + ["pilot"] * 2
    + [
        "launched",
        "launched",
        "parked",
        "retired",
    ]
)
DECISIONS = ["undecided", "build", "partner", "buy"]
RATIONALES = [
    "Strong evidence from customer interviews.",
    "Depends on data we have not validated yet.",
    "Comparable features exist in competing products.",
    "Pilot results support this level.",
    "Estimated by the engineering lead; low confidence.",
    "Legal review raised concerns at this level.",
    "Based on last quarter's usage data.",
    "Needs a human reviewer for every output.",
]
RISK_SUBJECTS = [
    "Model states facts not in the sources",
    "Personal data sent to a third party",
    "Prompt injection through user content",
    "Output quality drops after a vendor update",
    "Costs grow faster than usage",
    "Latency exceeds the agreed budget",
    "Users rely on outputs without checking",
    "Marketing overstates what the feature does",
    "Training data under-represents a language",
    "Data from one tenant shown to another",
]
RISK_STATUSES = ["open", "open", "mitigating", "mitigating", "mitigating", "closed"]
DOC_KINDS = [
    "ai_prd",
    "evaluation_plan",
    "model_behavior_spec",
    "launch_checklist",
    "incident_runbook",
    "stakeholder_update",
    "experiment_design",
    "strategy_brief",
]
PARAGRAPHS = [
    "The feature helps {aud} handle {obj} faster. Today the work is manual, takes a median "
    "of {n} minutes per item and is the most common complaint in our customer interviews.",
    "We measure success by the share of {obj} handled without rework, with customer "
    "satisfaction and escalation rate as guardrails. The baseline is {n}% and the target "
    "for the next quarter is {m}%.",
    "The model only uses data the customer has agreed to share. Personal data is redacted "
    "before it leaves our infrastructure, and outputs are stored for {n} days for audit.",
    "Offline evaluation uses a gold set of {n} examples labelled by two reviewers. A change "
    "ships only if groundedness stays above {m}% and no safety case regresses.",
    "The rollout runs internal, beta, 5%, 25% and 100%, with exit criteria at every stage "
    "and a feature flag that turns the capability off within a minute.",
    "Known limitations: quality is lower for {obj} in languages other than English, and for "
    "customers with fewer than {n} historical examples.",
    "Open question for {aud}: should the assistant act on its own above a confidence of "
    "0.{m}, or always wait for a person to confirm?",
]
SECTIONS = [
    "Summary",
    "Problem",
    "Users",
    "Success metrics",
    "Data sources and constraints",
    "Evaluation plan",
    "Safety requirements",
    "Monitoring",
    "Rollout",
    "Open questions",
]


def this_monday() -> dt.date:
    today = clock.today()
    return today - dt.timedelta(days=today.weekday())


def _defaults(model: type) -> dict[str, Any]:
    """Every column of ``model`` with its default value (Core inserts skip the defaults)."""
    row: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "id":
            continue
        if info.default_factory is not None:
            row[name] = info.default_factory()
        elif not info.is_required():
            row[name] = info.default
    return row


def _batched(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk(conn: Connection, table: Table, rows: Iterator[dict[str, Any]]) -> int:
    """Insert ``rows`` with executemany in batches; returns how many were inserted."""
    count = 0
    for batch in _batched(rows):
        conn.execute(insert(table), batch)
        count += len(batch)
    return count


def _next_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


class _Generator:
    def __init__(self, conn: Connection, counts: dict[str, int], anchor: dt.date) -> None:
        self.conn = conn
        self.counts = counts
        self.anchor = anchor
        self.rng = random.Random(SEED)
        self.stamp = utcnow()
        self.days = [anchor + dt.timedelta(days=d) for d in range(-400, 400)]
        self.use_case_ids: list[int] = []

    def day(self, offset: int) -> dt.date:
        return self.days[offset + 400]

    def base(self, model: type) -> dict[str, Any]:
        row = _defaults(model)
        row.update(created_at=self.stamp, updated_at=self.stamp, version=1)
        return row

    # use cases and scores -----------------------------------------------------------

    def use_cases(self) -> Iterator[dict[str, Any]]:
        rng, base = self.rng, self.base(UseCase)
        first = _next_id(self.conn, UseCase.__table__)  # type: ignore[arg-type]
        n = self.counts["use_case"]
        self.use_case_ids = list(range(first, first + n))
        for i, uid in enumerate(self.use_case_ids):
            verb = VERBS[i % len(VERBS)]
            obj = OBJECTS[(i // len(VERBS)) % len(OBJECTS)]
            aud = AUDIENCES[(i // (len(VERBS) * len(OBJECTS))) % len(AUDIENCES)]
            baseline = rng.randint(5, 60)
            row = dict(base)
            row.update(
                id=uid,
                title=f"{verb} {obj} for {aud}",
                problem=f"{aud.capitalize()} spend hours on {obj} every week.",
                target_users=aud.capitalize(),
                value_hypothesis=f"If we {verb.lower()} {obj}, {aud} save time and make "
                "fewer mistakes.",
                metric_name=f"{obj.capitalize()} handled without rework",
                metric_baseline=float(baseline),
                metric_target=float(min(100, baseline + rng.randint(10, 35))),
                metric_unit="%",
                metric_date=self.day(rng.randint(-60, 360)),
                status=rng.choice(STATUSES),
                owner=rng.choice(OWNERS),
                area=rng.choice(AREAS),
                tags=f"{verb.lower()}, {AREAS[i % len(AREAS)].lower()}",
                data_sources=f"{obj.capitalize()} from the last two years.",
                latency_requirement=f"Under {rng.choice((1, 2, 3, 5, 10))} s",
                decision=rng.choice(DECISIONS),
                cost_build_oneoff=float(rng.randrange(50_000, 800_000, 10_000)),
                cost_build_yearly=float(rng.randrange(20_000, 300_000, 5_000)),
                cost_partner_oneoff=float(rng.randrange(20_000, 300_000, 10_000)),
                cost_partner_yearly=float(rng.randrange(50_000, 400_000, 5_000)),
                cost_buy_oneoff=float(rng.randrange(5_000, 100_000, 5_000)),
                cost_buy_yearly=float(rng.randrange(80_000, 700_000, 5_000)),
            )
            yield row

    def scores(self, criterion_ids: list[int]) -> Iterator[dict[str, Any]]:
        rng, base = self.rng, self.base(Score)
        for uid in self.use_case_ids:
            for cid in criterion_ids:
                row = dict(base)
                row.update(
                    use_case_id=uid,
                    criterion_id=cid,
                    value=rng.randint(1, 5),
                    rationale=rng.choice(RATIONALES),
                )
                yield row

    # risks ------------------------------------------------------------------------

    def risks(self, categories: list[str], first: int) -> Iterator[dict[str, Any]]:
        rng, base = self.rng, self.base(Risk)
        for i in range(self.counts["risk"]):
            status = rng.choice(RISK_STATUSES)
            mitigated = status in ("mitigating", "closed")
            likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
            row = dict(base)
            row.update(
                id=first + i,
                title=f"{RISK_SUBJECTS[i % len(RISK_SUBJECTS)]} ({i + 1})",
                description="Found in the quarterly risk review.",
                category=categories[i % len(categories)],
                owner=rng.choice(OWNERS),
                likelihood=likelihood,
                impact=impact,
                residual_likelihood=max(1, likelihood - 1) if mitigated else None,
                residual_impact=max(1, impact - rng.randint(0, 1)) if mitigated else None,
                status=status,
                review_cadence_days=rng.choice((30, 60, 90, 180)),
                next_review=self.day(rng.randint(-45, 180)),
                framework_refs=f"NIST AI RMF MEASURE 2.{rng.randint(1, 13)}",
            )
            yield row

    def risk_links(self, first: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for i in range(self.counts["risk"]):
            yield {"risk_id": first + i, "use_case_id": rng.choice(self.use_case_ids)}

    # documents ------------------------------------------------------------------------

    def _markdown(self, title: str) -> str:
        rng = self.rng
        parts = [f"# {title}", ""]
        size = 0
        while size < 5_000:
            for section in SECTIONS:
                parts += [f"## {section}", ""]
                for _ in range(2):
                    text = rng.choice(PARAGRAPHS).format(
                        aud=rng.choice(AUDIENCES),
                        obj=rng.choice(OBJECTS),
                        n=rng.randint(3, 400),
                        m=rng.randint(50, 99),
                    )
                    parts += [text, ""]
                    size += len(text) + len(section) + 6
                if size >= 5_000:
                    break
        return "\n".join(parts)

    def documents(self) -> Iterator[dict[str, Any]]:
        rng, base = self.rng, self.base(Document)
        for i in range(self.counts["document"]):
            kind = DOC_KINDS[i % len(DOC_KINDS)]
            uid = rng.choice(self.use_case_ids)
            title = f"{kind.replace('_', ' ').capitalize()} {i + 1}"
            row = dict(base)
            row.update(
                kind=kind,
                title=title,
                body=self._markdown(title),
                status=rng.choice(("draft", "in_review", "approved")),
                use_case_id=uid,
            )
            yield row

    # KPIs ---------------------------------------------------------------------------

    def kpis(self, catalog: list[Any], first: int) -> Iterator[dict[str, Any]]:
        rng, base = self.rng, self.base(Kpi)
        self.kpi_specs: list[tuple[int, float, float]] = []  # id, start value, weekly trend
        for i in range(self.counts["kpi"]):
            entry = catalog[i % len(catalog)]
            lower = entry.direction == "lower_is_better"
            level = rng.uniform(10, 80)
            target, warning, critical = (
                (level * 0.5, level * 0.8, level) if lower else (level, level * 0.8, level * 0.6)
            )
            row = dict(base)
            row.update(
                id=first + i,
                catalog_key=entry.key,
                name=f"{entry.name} ({i + 1})",
                unit=entry.unit,
                direction=entry.direction,
                baseline=round(level * 0.9, 2),
                target=round(target, 2),
                warning=round(warning, 2),
                critical=round(critical, 2),
                category=entry.category,
                owner=rng.choice(OWNERS),
                use_case_id=rng.choice(self.use_case_ids),
            )
            trend = rng.uniform(-0.2, 0.2) * level / SNAPSHOTS_PER_KPI
            self.kpi_specs.append((first + i, level * 0.9, trend))
            yield row

    def snapshots(self) -> Iterator[dict[str, Any]]:
        gauss, base = self.rng.gauss, self.base(KpiSnapshot)
        dates = [
            self.anchor - dt.timedelta(weeks=SNAPSHOTS_PER_KPI - 1 - t)
            for t in range(SNAPSHOTS_PER_KPI)
        ]
        for kpi_id, start, trend in self.kpi_specs:
            noise = abs(start) * 0.03
            for t, date in enumerate(dates):
                row = dict(base)
                row.update(
                    kpi_id=kpi_id,
                    date=date,
                    value=round(max(0.0, start + trend * t + gauss(0, noise)), 3),
                    source="generator",
                )
                yield row

    # roadmap ------------------------------------------------------------------------

    def roadmap(self) -> Iterator[dict[str, Any]]:
        rng, base = self.rng, self.base(RoadmapItem)
        for i in range(self.counts["roadmap_item"]):
            kind = rng.choice(("work", "work", "work", "work", "milestone", "release"))
            offset = rng.randint(-180, 270)
            length = 0 if kind != "work" else rng.randint(5, 90)
            start, end = self.day(offset), self.day(min(offset + length, 399))
            slip = rng.choice((0, 0, 0, 7, 14))
            if end < self.anchor:
                status, progress = "done", 100
            elif start > self.anchor:
                status, progress = "planned", 0
            else:
                status = "in_progress"
                progress = min(95, max(5, (self.anchor - start).days * 100 // max(length, 1)))
            row = dict(base)
            row.update(
                title=f"{VERBS[i % len(VERBS)]} {OBJECTS[(i // 7) % len(OBJECTS)]} ({i + 1})",
                lane=DEFAULT_LANES[i % len(DEFAULT_LANES)],
                kind=kind,
                start=start,
                end=end,
                planned_start=start,
                planned_end=end - dt.timedelta(days=slip) if kind == "work" else end,
                status=status,
                progress=progress,
                owner=rng.choice(OWNERS),
                use_case_id=rng.choice(self.use_case_ids),
            )
            if row["planned_end"] < row["planned_start"]:
                row["planned_end"] = row["planned_start"]
            yield row


def _counts(scale: float) -> dict[str, int]:
    if not scale > 0:
        raise ValueError("scale must be a positive number")
    return {kind: max(1, round(n * scale)) for kind, n in BASE_COUNTS.items()}


def generate(
    path: Path | str,
    *,
    scale: float = 1.0,
    overwrite: bool = False,
    anchor: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Create a large workspace at ``path``; returns the row counts and the timing.

    The result holds ``rows`` (rows bulk-inserted), ``seconds`` (generating and inserting
    them), ``rows_per_s``, ``setup_seconds`` (creating the file with its reference data),
    ``counts`` per table and ``path``.
    """
    counts = _counts(scale)
    path = Path(path)
    started = time.perf_counter()
    new_workspace(path, name="Benchmark workspace", overwrite=overwrite).close()
    setup = time.perf_counter() - started
    # A bulk load, like creating a workspace: not an operation of the undo history.
    engine = make_engine(path)
    inserted: dict[str, int] = {}

    def step(name: str, conn: Connection, table: Any, rows: Iterator[dict[str, Any]]) -> None:
        inserted[name] = _bulk(conn, table.__table__, rows)
        if progress is not None:
            progress(name)

    try:
        started = time.perf_counter()
        with engine.begin() as conn:
            gen = _Generator(conn, counts, anchor or this_monday())
            model_id = conn.execute(
                select(WorkspaceSettings.active_scoring_model_id).where(WorkspaceSettings.id == 1)
            ).scalar()
            criterion_ids = list(
                conn.execute(select(Criterion.id).where(Criterion.model_id == model_id)).scalars()
            )
            categories = list(conn.execute(select(RiskTaxonomyItem.name)).scalars())
            catalog = list(conn.execute(select(KpiCatalogEntry)).all())
            step("use_case", conn, UseCase, gen.use_cases())
            step("score", conn, Score, gen.scores(criterion_ids))
        with engine.begin() as conn:
            gen.conn = conn
            first_risk = _next_id(conn, Risk.__table__)  # type: ignore[arg-type]
            step("risk", conn, Risk, gen.risks(categories or ["Confabulation"], first_risk))
            step("risk_use_case", conn, RiskUseCaseLink, gen.risk_links(first_risk))
        with engine.begin() as conn:
            step("document", conn, Document, gen.documents())
            first_kpi = _next_id(conn, Kpi.__table__)  # type: ignore[arg-type]
            step("kpi", conn, Kpi, gen.kpis(catalog, first_kpi))
            step("kpi_snapshot", conn, KpiSnapshot, gen.snapshots())
            step("roadmap_item", conn, RoadmapItem, gen.roadmap())
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    rows = sum(inserted.values())
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds) if seconds > 0 else 0,
        "setup_seconds": round(setup, 3),
        "scale": scale,
        "counts": inserted,
        "path": str(path),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the workspace file to create (.aipm)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    args = parser.parse_args(argv)
    try:
        result = generate(args.out, scale=args.scale, overwrite=args.overwrite)
    except Exception as exc:  # one clear line, no traceback
        print(f"generate: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
