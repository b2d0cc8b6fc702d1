"""Importing a run's per-example results, and exporting them again.

Two steps, like every import: :func:`preview_import` reads the file, maps its columns
(the mapping given, else the suite's remembered one, else a guess: :mod:`.reading`) and
checks every row; :func:`apply_import` stores the run -- the run row and its results blob,
the suite's mapping remembered -- as one undoable operation, or nothing when any row is
wrong. Rows are refused for: an empty or repeated id, a label outside the suite's classes,
a probability that is no number or outside [0, 1], a latency or cost that is no number or
negative, a flag that is not a boolean, a score that is no finite number; each problem
names the row and the file column. A file without an id column is refused as a whole.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import delete, select

from ...errors import UserError
from ...models import EvalRun, EvalRunResults, EvalSuite, utcnow
from ...models.common import table_of
from ...models.evaluations import name_list
from .. import records
from ..changes import Changes
from ..problems import Problem, ProblemSummary, quote
from ..tabular import collector_paused
from . import results as res
from .reading import (
    FALSE_WORDS,
    IGNORE,
    TRUE_WORDS,
    SourceTable,
    guess_mapping,
    read_source,
    remembered,
    stored_name,
)

if TYPE_CHECKING:
    from ...store import Workspace

#: Problems kept (past them they are only counted).
_KEPT = 10_000
#: Rows a preview shows.
PREVIEW_ROWS = 20
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportPreview(ProblemSummary):
    """What importing ``source`` into the suite would store, before anything is written.

    ``mapping`` is the mapping used (file column -> field, every column), ``sample`` the
    first rows of the file, ``problems`` every problem found (``problem_count`` counts past
    the kept ones too); ``results`` the checked table (None when refused)."""

    source: str
    suite_id: int
    suite: str
    sha256: str
    row_count: int
    header: tuple[str, ...]
    mapping: Mapping[str, str]
    sample: tuple[tuple[str, ...], ...]
    problems: tuple[Problem, ...]
    problem_count: int
    results: res.Results | None

    @property
    def ok(self) -> bool:
        return self.problem_count == 0 and self.results is not None

    @property
    def columns(self) -> tuple[res.Column, ...]:
        return tuple(self.results.columns) if self.results is not None else ()

    def summary(self) -> str:
        """``1,200 results, 9 columns (id, expected, predicted, 2 slices, 1 flag)``."""
        mapped = [v for v in self.mapping.values() if v != IGNORE]
        text = f"{self.row_count:,} results, {len(mapped)} column(s) mapped"
        if self.problem_count:
            text += f"; {self.problem_count:,} problem(s)"
        return text


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.total = 0

    def add(self, row: int | str, column: str, message: str) -> None:
        self.total += 1
        if len(self.items) < _KEPT:
            self.items.append(Problem(row, column, message))


def preview_import(
    *,
    ws: Workspace,
    suite_id: int,
    path: Path | str,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportPreview:
    """Read and check a results file for the suite (nothing is written)."""
    with ws.session() as session:
        suite = records.existing(session, EvalSuite, suite_id, what="eval suite")
        slices, classes, stored = name_list(suite.slices), name_list(suite.classes), suite.mapping
        suite_name = suite.name
    with collector_paused():
        table = read_source(path)
        if progress:
            progress(1, 3)
        try:
            used = guess_mapping(table, slices=slices, remember=remembered(stored), given=mapping)
        except ValueError as error:
            raise UserError(f"{table.name}: {error}.") from error
        problems = _Problems()
        checked = check_table(table, used, classes, problems)
    if progress:
        progress(2, 3)
    return ImportPreview(
        source=table.name,
        suite_id=suite_id,
        suite=suite_name,
        sha256=table.sha256,
        row_count=table.row_count,
        header=tuple(table.header),
        mapping=used,
        sample=tuple(table.sample(PREVIEW_ROWS)),
        problems=tuple(problems.items),
        problem_count=problems.total,
        results=checked if problems.total == 0 else None,
    )


def _mapped_columns(
    table: SourceTable, mapping: Mapping[str, str], problems: _Problems
) -> list[res.Column]:
    columns: list[res.Column] = []
    seen: dict[str, str] = {}
    for column, spec in mapping.items():
        if spec == IGNORE:
            continue
        if column not in table.header:
            problems.add("header", column, f"the mapping names {quote(column)}; the file has none")
            continue
        name = stored_name(column, spec)
        head = spec.partition(":")[0]
        key = name if head in res.NAMED_FIELDS else head
        if key in seen:
            problems.add(
                "header",
                column,
                f"{quote(column)} and {quote(seen[key])} are both mapped to {key}; map one",
            )
            continue
        seen[key] = column
        columns.append(res.Column(name=name, field=head, source=column))
    if not any(c.field == "id" for c in columns):
        problems.add(
            "header",
            "id",
            "no id column: map the column that identifies each example to id "
            f"(the file's columns: {', '.join(table.header)})",
        )
    return columns


def check_table(
    table: SourceTable,
    mapping: Mapping[str, str],
    classes: Sequence[str],
    problems: _Problems,
) -> res.Results:
    """Every mapped column checked and converted (problems added by row and column)."""
    columns = _mapped_columns(table, mapping, problems)
    numbers = np.asarray(table.numbers)
    values: dict[str, np.ndarray] = {}
    categories: dict[str, list[str]] = {}
    ids: list[str] = []
    label_columns = [c for c in columns if c.field in ("expected", "predicted")]
    if label_columns:
        categories[res.LABELS] = _labels(table, label_columns, classes, numbers, problems)
    for column in columns:
        cells = table.column(column.source)
        if column.field == "id":
            ids = _ids(cells, numbers, column.source, problems)
        elif column.text:
            key = res.LABELS if column.field != "slice" else column.name
            if key not in categories:
                categories[key] = sorted({c for c in cells if c})
            index = {c: i for i, c in enumerate(categories[key])}
            index[""] = -1
            values[column.name] = np.fromiter(map(index.__getitem__, cells), np.int32, len(cells))
        elif column.field == "flag":
            values[column.name] = _flags(cells, numbers, column.source, problems)
        else:
            values[column.name] = _numbers(cells, numbers, column, problems)
    return res.build(ids, columns, values, categories)


def _ids(cells: list[str], numbers: np.ndarray, column: str, problems: _Problems) -> list[str]:
    distinct = set(cells)
    if len(distinct) == len(cells) and "" not in distinct:
        return cells
    first: dict[str, int] = {}
    for position, cell in enumerate(cells):
        if not cell:
            problems.add(int(numbers[position]), column, "empty id: every example needs one")
            continue
        seen = first.setdefault(cell, position)
        if seen != position:
            problems.add(
                int(numbers[position]),
                column,
                f"id {quote(cell)} is already in row {numbers[seen]}: each example once",
            )
    return cells


def _labels(
    table: SourceTable,
    columns: Sequence[res.Column],
    classes: Sequence[str],
    numbers: np.ndarray,
    problems: _Problems,
) -> list[str]:
    found: set[str] = set()
    allowed = set(classes)
    for column in columns:
        cells = table.column(column.source)
        distinct = set(cells) - {""}
        bad = distinct - allowed if allowed else set()
        if bad:
            listed = ", ".join(classes)
            for position, cell in enumerate(cells):
                if cell in bad:
                    problems.add(
                        int(numbers[position]),
                        column.source,
                        f"label {quote(cell)} is not one of the suite's classes ({listed})",
                    )
        found |= distinct
    if allowed:
        return [*classes, *sorted(found - allowed)]
    return sorted(found)


def _flags(cells: list[str], numbers: np.ndarray, column: str, problems: _Problems) -> np.ndarray:
    words = {w: 1.0 for w in TRUE_WORDS} | {w: 0.0 for w in FALSE_WORDS} | {"": np.nan}
    lookup = {cell: words.get(cell.lower(), -1.0) for cell in set(cells)}
    out = np.fromiter(map(lookup.__getitem__, cells), np.float64, len(cells))
    for position in np.flatnonzero(out == -1.0).tolist():
        problems.add(
            int(numbers[position]),
            column,
            f"{quote(cells[position])} is not a boolean (true/false, yes/no, 1/0)",
        )
    out[out == -1.0] = np.nan
    return out


_RANGES = {"probability": (0.0, 1.0), "latency": (0.0, np.inf), "cost": (0.0, np.inf)}


def _numbers(
    cells: list[str], numbers: np.ndarray, column: res.Column, problems: _Problems
) -> np.ndarray:
    failed = np.zeros(len(cells), dtype=bool)
    try:  # Python's float() is faster than numpy's parsing of a list of strings
        data = np.fromiter(map(float, [c or "nan" for c in cells]), np.float64, len(cells))
    except ValueError:
        data = np.empty(len(cells))
        for position, cell in enumerate(cells):
            try:
                data[position] = float(cell) if cell else np.nan
            except ValueError:
                problems.add(
                    int(numbers[position]), column.source, f"{quote(cell)} is not a number"
                )
                data[position] = np.nan
                failed[position] = True
    empty = np.fromiter((not c for c in cells), bool, len(cells))
    for position in np.flatnonzero(~np.isfinite(data) & ~empty & ~failed).tolist():
        problems.add(
            int(numbers[position]),
            column.source,
            f"{quote(cells[position])} is not a finite number",
        )
    low, high = _RANGES.get(column.field, (-np.inf, np.inf))
    with np.errstate(invalid="ignore"):
        outside = np.isfinite(data) & ((data < low) | (data > high))
    what = {"probability": "a probability lies in [0, 1]"}.get(column.field, "it is not negative")
    for position in np.flatnonzero(outside).tolist():
        problems.add(int(numbers[position]), column.source, f"{cells[position]}: {what}")
    data[~np.isfinite(data)] = np.nan
    return data


def apply_import(
    *,
    ws: Workspace,
    preview: ImportPreview,
    name: str,
    run_date: dt.date | None = None,
    environment: str = "",
    notes: str = "",
    replace: bool = False,
    who: str | None = None,
) -> tuple[int, Changes]:
    """Store the previewed results as a new run ``name`` of the suite (one operation:
    the run, its results, the suite's mapping remembered). Refused, writing nothing, when
    the preview found problems, or when the suite has a run ``name`` (unless ``replace``:
    then that run and its results are replaced in the same operation)."""
    if not preview.ok or preview.results is None:
        raise preview.refusal()
    run = records.validate_create(
        EvalRun,
        {
            "suite_id": preview.suite_id,
            "name": name,
            "run_date": run_date or dt.date.today(),
            "environment": environment,
            "notes": notes,
            "source_file": preview.source[:300],
            "source_sha256": preview.sha256,
            "source_rows": preview.row_count,
            "imported_at": utcnow(),
        },
    )
    from .data import metric_specs
    from .metrics import point_values

    specs = metric_specs(ws=ws, suite_id=preview.suite_id)
    run.metric_values = json.dumps(point_values(specs, preview.results))
    payload = res.encode(preview.results)
    label = f"Import results of {run.name} into eval suite {preview.suite}"
    runs = table_of(EvalRun)
    with ws.write(label=label[:300], who=who) as session:
        suite = records.existing(session, EvalSuite, preview.suite_id, what="eval suite")
        old = session.execute(
            select(runs.c.id).where(runs.c.suite_id == suite.id, runs.c.name == run.name)
        ).scalar()
        if old is not None:
            if not replace:
                raise UserError(
                    f"Eval suite {suite.name!r} already has a run {run.name!r}; give another "
                    "version, or replace it."
                )
            session.execute(delete(runs).where(runs.c.id == old))
        run_id, changes = records.add_row(session, run)
        records.insert_row(
            session.connection(),
            table_of(EvalRunResults),
            records.new_row(
                {
                    "run_id": run_id,
                    "rows": len(preview.results),
                    "columns": res.describe(preview.results.columns),
                    "payload": payload,
                },
                utcnow(),
            ),
        )
        mapping = json.dumps(dict(preview.mapping), sort_keys=True)
        if suite.mapping != mapping:
            suite.mapping = mapping
            records.touch(suite)
        session.flush()
    return run_id, changes


def import_results(
    *,
    ws: Workspace,
    suite_id: int,
    path: Path | str,
    name: str,
    mapping: Mapping[str, str] | None = None,
    replace: bool = False,
    who: str | None = None,
    **fields: Any,
) -> tuple[int, Changes]:
    """Preview and apply in one call (the CLI's ``aipm evals import``)."""
    preview = preview_import(ws=ws, suite_id=suite_id, path=path, mapping=mapping)
    return apply_import(ws=ws, preview=preview, name=name, replace=replace, who=who, **fields)


# -- reading stored results and exporting them ---------------------------------------------------


def load_results(*, ws: Workspace, run_id: int) -> res.Results:
    """The per-example results of a run."""
    with ws.engine.connect() as conn:
        return results_on(conn, run_id)


def results_on(conn: Any, run_id: int) -> res.Results:
    """The per-example results of a run, read on an open connection (inside a write)."""
    table = table_of(EvalRunResults)
    query = select(table.c.payload, table.c.columns).where(table.c.run_id == run_id)
    row = conn.execute(query).first()
    if row is None:
        raise UserError(f"Run {run_id} has no stored results.")
    return res.decode(bytes(row.payload), row.columns)


def export_results(*, ws: Workspace, run_id: int, out: Path | str) -> Path:
    """Write a run's results as stored to CSV or JSONL (by suffix): one column per stored
    column, headed by its mapping field (``id``, ``expected``, ``slice:language`` ...), so
    the file imports again as it is and a report can be recomputed from it."""
    from ..outputs import replacing
    from ..tabular import write_rows

    data = load_results(ws=ws, run_id=run_id)
    out = Path(out).expanduser()
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise UserError(f"{out.name}: export results to .csv or .jsonl.")
    header = [c.spec for c in data.columns]
    cells = [
        list(map(str, data.ids)) if c.field == "id" else data.cells(c.name) for c in data.columns
    ]
    rows = zip(*cells, strict=True)
    if suffix == ".csv":
        return write_rows(out, header, rows)
    with (
        replacing(out, overwrite=True, what="results") as tmp,
        tmp.open("w", encoding="utf-8") as fh,
    ):
        for row in rows:
            fh.write(json.dumps(_typed(data.columns, row), ensure_ascii=False) + "\n")
    return out


def _typed(columns: Sequence[res.Column], row: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, cell in zip(columns, row, strict=True):
        if column.field == "flag":
            out[column.spec] = None if cell == "" else cell == "true"
        elif column.text or column.field == "id":
            out[column.spec] = cell
        else:
            out[column.spec] = None if cell == "" else float(cell)
    return out
