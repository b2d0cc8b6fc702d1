"""Importing an experiment's results: daily aggregates per arm, or per-unit rows that are
aggregated into them. Two steps, like every import: :func:`preview_results` reads and
checks the whole file and says what it would store (or every problem, by row);
:func:`apply_results` writes it as one operation, or nothing when anything is wrong.

**Daily aggregates** (CSV or XLSX), one row per day, arm and metric::

    date, variant, metric, units, conversions | sum, sum_sq [, pre_sum, pre_sum_sq, cross_sum]

``units`` are the units first exposed that day; a proportion metric gives
``conversions``, a mean metric ``sum`` and ``sum_sq`` (sum and sum of squares of the
per-unit values); ``pre_sum``, ``pre_sum_sq`` and ``cross_sum`` (sum of value x covariate)
carry a pre-period covariate for CUPED. ``day`` may stand for ``date``.

**Per-unit rows** (``per_unit=True``; CSV streamed without a row cap, XLSX up to the
spreadsheet cap), one row per unit::

    unit_id, variant, date, <metric>... [, covariate | pre_<metric>...]

A metric column is named as the metric (case and spaces aside: ``Draft acceptance rate``
or ``draft_acceptance_rate``); a proportion metric holds 0 or 1, a mean metric a number;
an empty cell means the unit has no value for that metric (it is not counted in it). The
``covariate`` column is every metric's pre-period value, ``pre_<metric>`` one metric's
(an empty covariate counts as 0). ``date`` is the unit's first exposure. Each unit
appears once.

Rows are refused for: a date that is not a date, an unknown variant or metric, a
negative or fractional count, conversions above the units, a sum of squares below what
its sum implies, a proportion value other than 0/1, a unit id seen before, the same day,
arm and metric twice. Variants and metrics match the experiment's names case-blind.
By default an import replaces the experiment's stored results; ``merge=True`` keeps the
stored days the file does not hold (a daily feed appending new days).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select, tuple_

from ...errors import UserError
from ...models import Experiment, utcnow
from ...models.experiments import RESULT_SUMS, check_result
from .. import records
from ..changes import Changes
from ..problems import ImportRefused, Problem, ProblemSummary, quote
from ..tabular import collector_paused, csv_rows, normalise_header, read_rows
from ..tabular import file_sha256 as _sha256
from .data import _R, _V, ExperimentDetail, detail

if TYPE_CHECKING:
    from ...store import Workspace

#: File columns of the daily aggregates -> stored fields.
AGGREGATE_COLUMNS = {
    "units": "units",
    "conversions": "conversions",
    "sum": "total",
    "sum_sq": "total_sq",
    "pre_sum": "pre_total",
    "pre_sum_sq": "pre_total_sq",
    "cross_sum": "cross_total",
}
AGGREGATE_REQUIRED = ("date", "variant", "metric", "units")
UNIT_REQUIRED = ("unit_id", "variant", "date")
COVARIATE = "covariate"
#: Rows per chunk when streaming per-unit data.
_CHUNK = 65_536
#: Problems kept (beyond them they are only counted).
_KEPT = 100_000


@dataclass(frozen=True)
class ResultsPreview(ProblemSummary):
    """What an import of ``source`` would store for the experiment, before anything is
    written. ``rows``: the daily aggregates (dicts of stored fields, ``variant_id`` and
    ``day`` included); ``problems``: every problem found (``problem_count`` counts those
    past the kept ones too); ``notes``: things worth knowing that refuse nothing;
    ``replaced``: stored rows the import would replace."""

    source: str
    experiment_id: int
    experiment: str
    version: int
    per_unit: bool
    merge: bool
    row_count: int
    sha256: str
    rows: tuple[dict[str, Any], ...]
    problems: tuple[Problem, ...]
    problem_count: int
    variant_ids: Mapping[str, int]
    notes: tuple[str, ...] = ()
    replaced: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0 and bool(self.rows)

    @property
    def days(self) -> int:
        return len({r["day"] for r in self.rows})

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r["metric"] for r in self.rows))

    def summary(self) -> str:
        """``1,000,000 units rows -> 840 daily aggregates (28 days, 2 arms, 3 metrics)``."""
        what = "per-unit rows" if self.per_unit else "rows"
        arms = len({r["variant_id"] for r in self.rows})
        text = (
            f"{self.row_count:,} {what} -> {len(self.rows):,} daily aggregates ({self.days} "
            f"days, {arms} arms, {len(self.metrics)} metrics)"
        )
        if self.problem_count:
            text += f"; {self.problem_count:,} problem(s)"
        elif self.replaced:
            text += f"; replaces {self.replaced:,} stored"
        return text

    def refusal(self) -> ImportRefused:
        """The error an apply raises for this preview (nothing is written)."""
        if not self.rows and not self.problem_count:
            return ImportRefused(f"{self.source}: nothing imported, the file holds no results", [])
        return super().refusal()


@dataclass
class _Problems:
    items: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, row: int | str, column: str, message: str) -> None:
        self.total += 1
        if len(self.items) < _KEPT:
            self.items.append(Problem(row, column, message))


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


@dataclass(frozen=True)
class _Names:
    """The experiment's variants and metrics, matched case-blind."""

    variants: dict[str, int]  # key -> variant id
    variant_names: dict[int, str]
    metrics: dict[str, tuple[str, str]]  # key -> (stored name, kind)

    @classmethod
    def of(cls, info: ExperimentDetail) -> _Names:
        return cls(
            variants={_key(v.name): v.id for v in info.variants},
            variant_names={v.id: v.name for v in info.variants},
            metrics={_key(m.name): (m.name, m.kind) for m in info.metrics},
        )

    def metric_hint(self) -> str:
        return ", ".join(quote(n) for n, _ in self.metrics.values()) or "none defined yet"

    def unknown(self, what: str, text: str) -> str:
        """The problem of a variant or metric name the experiment does not have."""
        if what == "variant":
            known = ", ".join(quote(n) for n in self.variant_names.values())
        else:
            known = self.metric_hint()
        return f"unknown {what} {quote(text)}; the experiment's {what}s are {known}"


def _parse_day(text: str) -> int:
    """A date cell as a date ordinal; ValueError with the message for the user."""
    from ..kpis.imports import parse_day

    return parse_day(text).toordinal()


def _number(text: str) -> float | None:
    raw = text.strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{quote(raw)} is not a number") from None


# -- daily aggregates --------------------------------------------------------------------------


def _aggregate_rows(
    cells_by_row: Iterable[tuple[int, Mapping[str, str]]], names: _Names, problems: _Problems
) -> list[dict[str, Any]]:
    import datetime as dt

    rows: list[dict[str, Any]] = []
    seen: dict[tuple[int, int, str], int] = {}
    for number, cells in cells_by_row:
        found: list[tuple[str, str]] = []
        try:
            day = _parse_day(cells.get("date") or cells.get("day") or "")
        except ValueError as error:
            found.append(("date", str(error)))
            day = None
        variant_id = names.variants.get(_key(cells.get("variant", "")))
        if variant_id is None:
            found.append(("variant", names.unknown("variant", cells.get("variant", ""))))
        metric = names.metrics.get(_key(cells.get("metric", "")))
        if metric is None:
            found.append(("metric", names.unknown("metric", cells.get("metric", ""))))
        values: dict[str, Any] = {}
        for column, stored in AGGREGATE_COLUMNS.items():
            try:
                values[stored] = _number(cells.get(column, ""))
            except ValueError as error:
                found.append((column, str(error)))
        if not found:
            found += [(_file_column(name), message) for name, message in check_result(values)]
        if not found and metric is not None:
            found += _kind_problems(metric, values)
        if not found:
            assert day is not None and variant_id is not None and metric is not None
            key = (day, variant_id, metric[0])
            if key in seen:
                found.append(
                    ("", f"the same day, variant and metric as row {seen[key]}: give each once")
                )
            else:
                seen[key] = number
        if found:
            for column, message in found:
                problems.add(number, column, message)
            continue
        assert day is not None and metric is not None
        values["units"] = int(values["units"])
        rows.append(
            {
                "variant_id": variant_id,
                "metric": metric[0],
                "day": dt.date.fromordinal(day),
                **values,
            }
        )
    return rows


def _file_column(stored: str) -> str:
    for column, name in AGGREGATE_COLUMNS.items():
        if name == stored:
            return column
    return stored


def _kind_problems(metric: tuple[str, str], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    name, kind = metric
    if kind == "proportion":
        if values.get("conversions") is None:
            return [("conversions", f"{quote(name)} is a proportion metric: give its conversions")]
        if values["conversions"] != int(values["conversions"]):
            return [
                ("conversions", f"a whole number of conversions, not {values['conversions']:g}")
            ]
        return []
    if values.get("total") is None or values.get("total_sq") is None:
        return [("sum", f"{quote(name)} is a mean metric: give its sum and sum_sq")]
    return []


# -- per-unit rows -----------------------------------------------------------------------------


@dataclass
class _Accumulator:
    """Running sums per (day, arm) for one metric, grown as new days appear."""

    size: int = 0
    sums: dict[str, np.ndarray] = field(default_factory=dict)

    def add(self, keys: np.ndarray, size: int, **weights: np.ndarray | None) -> None:
        if size > self.size:
            for name, array in self.sums.items():
                self.sums[name] = np.concatenate([array, np.zeros(size - self.size)])
            self.size = size
        for name, values in weights.items():
            if values is None:
                continue
            counted = np.bincount(keys, weights=values, minlength=size)
            if name in self.sums:
                self.sums[name] += counted
            else:
                self.sums[name] = counted.astype(float)


class _Codes(dict[str, Any]):
    """Cell text -> its code, worked out by ``resolve`` the first time the text is seen
    (a file holds few distinct dates, variant names and 0/1 values among a million rows,
    and a dictionary look-up is cheaper than parsing each again)."""

    def __init__(self, resolve: Any) -> None:
        super().__init__()
        self.resolve = resolve

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.resolve(key)
        return value


def _float_or_nan(text: str) -> float:
    return float(text) if text.strip() else math.nan


def _floats(column: Sequence[str], codes: _Codes | None = None) -> tuple[np.ndarray, list[int]]:
    """The cells as floats (empty: NaN) and the positions of cells that are no number;
    ``codes`` caches the parsed values of a column with few distinct ones (0/1)."""
    try:
        if codes is not None:
            return np.fromiter(map(codes.__getitem__, column), np.float64, len(column)), []
        cells = [c or "nan" for c in column] if "" in column else column
        return np.fromiter(map(float, cells), np.float64, len(cells)), []
    except ValueError:
        values = np.empty(len(column))
        bad = []
        for i, cell in enumerate(column):
            try:
                values[i] = _float_or_nan(cell)
            except ValueError:
                values[i] = np.nan
                bad.append(i)
        return values, bad


def _unit_records(path: Path) -> Iterator[list[str]]:
    """The cells of each record of a per-unit file, the header first; record *n* is the
    *n*-th (a blank row is an empty list)."""
    if path.suffix.lower() == ".csv":
        return csv_rows(path)
    rows = read_rows(path)
    keys = list(rows[0].cells) if rows else []

    def numbered() -> Iterator[list[str]]:
        yield keys
        expected = 2
        for row in rows:
            for _gap in range(expected, row.number):
                yield []
            yield [row.cells[k] for k in keys]
            expected = row.number + 1

    return numbered()


def _per_unit_rows(
    path: Path, names: _Names, problems: _Problems, notes: list[str]
) -> tuple[list[dict[str, Any]], int]:
    import datetime as dt

    records_ = _unit_records(path)
    first = next(records_, None)
    if first is None:
        raise UserError(f"{path.name} is empty.")
    header = [normalise_header(h) for h in first]
    index = {name: i for i, name in enumerate(header) if name}
    missing = [c for c in UNIT_REQUIRED if c not in index]
    if missing:
        raise UserError(f"{path.name}: missing column(s): {', '.join(missing)}.")
    metric_cols: list[tuple[int, str, str, int | None]] = []  # column, name, kind, covariate
    by_header = {
        normalise_header(stored): (stored, kind) for stored, kind in names.metrics.values()
    }
    for column, name in enumerate(header):
        if name in by_header:
            stored, kind = by_header[name]
            pre = index.get(f"pre_{name}", index.get(COVARIATE))
            metric_cols.append((column, stored, kind, pre))
    if not metric_cols:
        raise UserError(
            f"{path.name}: no column names a metric of the experiment ({names.metric_hint()})."
        )
    used = {index[c] for c in UNIT_REQUIRED} | {c for c, *_ in metric_cols}
    used |= {p for *_, p in metric_cols if p is not None}
    ignored = [h for i, h in enumerate(header) if h and i not in used]
    if ignored:
        notes.append(f"Columns not read: {', '.join(ignored)}.")
    read = {stored for _, stored, _, _ in metric_cols}
    absent = [n for n, _ in names.metrics.values() if n not in read]
    if absent:
        notes.append(f"No column for: {', '.join(absent)}.")
    width = len(header)
    n_variants = len(names.variant_names)
    variant_codes = list(names.variant_names)
    day_index: dict[int, int] = {}
    hashes: list[np.ndarray] = []
    sums = {stored: _Accumulator() for _, stored, _, _ in metric_cols}
    covariate_zero = 0
    row_count = skipped = 0

    def day_of(text: str) -> int:
        try:
            ordinal = _parse_day(text)
        except ValueError:
            return -1
        return day_index.setdefault(ordinal, len(day_index))

    def variant_of(text: str) -> int:
        variant_id = names.variants.get(_key(text))
        return -1 if variant_id is None else variant_codes.index(variant_id)

    binary = {c: _Codes(_float_or_nan) for c, _, kind, _ in metric_cols if kind == "proportion"}
    day_codes = _Codes(day_of)
    arm_codes = _Codes(variant_of)
    while True:
        cells = list(itertools.islice(records_, _CHUNK))
        if not cells:
            break
        base = row_count + skipped + 2  # the record number of the chunk's first row
        numbers: Sequence[int] = range(base, base + len(cells))
        if set(map(len, cells)) != {width}:  # short rows lack trailing cells; blank rows
            kept = [
                (base + i, r if len(r) == width else (r + [""] * width)[:width])
                for i, r in enumerate(cells)
                if any(r)
            ]
            skipped += len(cells) - len(kept)
            numbers, cells = [n for n, _ in kept], [r for _, r in kept]
            if not cells:
                continue
        count = len(cells)
        row_count += count
        columns = list(zip(*cells, strict=True))
        unit_col = columns[index["unit_id"]]
        days = np.fromiter(map(day_codes.__getitem__, columns[index["date"]]), np.int64, count)
        arms = np.fromiter(map(arm_codes.__getitem__, columns[index["variant"]]), np.int64, count)
        for position in np.flatnonzero(days < 0).tolist():
            problems.add(numbers[position], "date", _date_message(columns[index["date"]][position]))
        for position in np.flatnonzero(arms < 0).tolist():
            text = columns[index["variant"]][position]
            problems.add(numbers[position], "variant", names.unknown("variant", text))
        if "" in unit_col:
            for position, unit in enumerate(unit_col):
                if not unit:
                    problems.add(numbers[position], "unit_id", "the unit id is empty")
        hashes.append(np.fromiter(map(hash, unit_col), dtype=np.int64, count=count))
        parsed: dict[int, np.ndarray] = {}
        for column in {c for c, *_ in metric_cols} | {p for *_, p in metric_cols if p is not None}:
            values, wrong = _floats(columns[column], binary.get(column))
            for position in wrong:
                problems.add(
                    numbers[position],
                    header[column],
                    f"{quote(columns[column][position])} is not a number",
                )
            for position in np.flatnonzero(np.isinf(values)).tolist():
                problems.add(numbers[position], header[column], "must be a finite number")
            parsed[column] = values
        for column, stored, kind, _pre in metric_cols:
            if kind != "proportion":
                continue
            values = parsed[column]
            odd = ~np.isnan(values) & (values != 0) & (values != 1)
            for position in np.flatnonzero(odd).tolist():
                problems.add(
                    numbers[position],
                    header[column],
                    f"{quote(stored)} is a proportion metric: 0 or 1, not {values[position]:g}",
                )
        if problems.total:
            continue  # keep checking the file; nothing will be aggregated
        keys = days * n_variants + arms
        size = len(day_index) * n_variants
        for column, stored, _kind, pre in metric_cols:
            values = parsed[column]
            has = ~np.isnan(values)
            y = values[has]
            k = keys[has]
            x = None
            if pre is not None:
                x = parsed[pre][has]
                missing_x = np.isnan(x)
                covariate_zero += int(missing_x.sum())
                x = np.where(missing_x, 0.0, x)
            sums[stored].add(
                k,
                size,
                units=np.ones(len(k)),
                total=y,
                total_sq=y * y,
                pre_total=x,
                pre_total_sq=None if x is None else x * x,
                cross_total=None if x is None else x * y,
            )
    if row_count == 0:
        raise UserError(f"{path.name} holds no data rows.")
    _duplicate_units(path, hashes, index["unit_id"], problems)
    if covariate_zero:
        notes.append(f"{covariate_zero:,} unit value(s) without a pre-period value count it as 0.")
    if problems.total:
        return [], row_count
    days_by_index = {i: dt.date.fromordinal(o) for o, i in day_index.items()}
    kinds = {stored: kind for _, stored, kind, _ in metric_cols}
    rows: list[dict[str, Any]] = []
    for stored, acc in sums.items():
        if not acc.size:
            continue
        units = acc.sums["units"]
        for key in np.flatnonzero(units > 0):
            day, arm = divmod(int(key), n_variants)
            summed: dict[str, Any] = {"units": round(float(units[key]))}
            for name in RESULT_SUMS[1:]:
                if name in acc.sums:
                    summed[name] = float(acc.sums[name][key])
            if kinds[stored] == "proportion":
                summed["conversions"] = float(round(summed.pop("total")))
                summed.pop("total_sq")
            rows.append(
                {
                    "variant_id": variant_codes[arm],
                    "metric": stored,
                    "day": days_by_index[day],
                    **{n: summed.get(n) for n in ("units", *RESULT_SUMS)},
                }
            )
    rows.sort(key=lambda r: (r["day"], r["metric"], r["variant_id"]))
    return rows, row_count


def _date_message(text: str) -> str:
    try:
        _parse_day(text)
    except ValueError as error:
        return str(error)
    return "not a date"  # pragma: no cover - only called for cells that failed


def _duplicate_units(
    path: Path, hashes: list[np.ndarray], column: int, problems: _Problems
) -> None:
    """Report unit ids seen more than once: found by hash (8 bytes a unit), then named by
    a second pass over the few rows whose hash repeats."""
    if not hashes:
        return
    every = np.concatenate(hashes)
    ordered = np.sort(every)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return
    wanted = set(repeated.tolist())
    first_row: dict[str, int] = {}
    records_ = _unit_records(path)
    next(records_, None)
    for number, cells in enumerate(records_, start=2):
        unit = cells[column] if column < len(cells) else ""
        if hash(unit) not in wanted or not unit.strip():
            continue
        if unit in first_row:
            problems.add(
                number,
                "unit_id",
                f"unit {quote(unit)} is already in row {first_row[unit]}: each unit appears once",
            )
        else:
            first_row[unit] = number


# -- preview and apply ------------------------------------------------------------------------


def preview_results(
    *,
    ws: Workspace,
    experiment_id: int,
    path: Path | str,
    per_unit: bool = False,
    merge: bool = False,
) -> ResultsPreview:
    """Read and check ``path`` for the experiment (see the module docstring); nothing is
    written. A file that cannot be read at all raises a :class:`UserError`."""
    path = Path(path).expanduser()
    info = detail(ws=ws, experiment_id=experiment_id)
    if len(info.variants) < 2:
        raise UserError(f"Experiment {info.title!r} needs its variants before results.")
    if not info.metrics:
        raise UserError(f"Experiment {info.title!r} needs its primary metric before results.")
    names = _Names.of(info)
    problems = _Problems()
    notes: list[str] = []
    if per_unit:
        with collector_paused():
            rows, row_count = _per_unit_rows(path, names, problems, notes)
    else:
        source = read_rows(path, required=("variant", "metric", "units"))
        if source and "date" not in source[0].cells and "day" not in source[0].cells:
            raise UserError(f"{path.name}: missing column(s): date.")
        row_count = len(source)
        rows = _aggregate_rows(((r.number, r.cells) for r in source), names, problems)
        if row_count == 0:
            raise UserError(f"{path.name} holds no data rows.")
    if problems.total:
        rows = []
    replaced = _replaced(ws, experiment_id, rows, merge)
    return ResultsPreview(
        source=path.name,
        experiment_id=experiment_id,
        experiment=info.title,
        version=info.version,
        per_unit=per_unit,
        merge=merge,
        row_count=row_count,
        sha256=_sha256(path),
        rows=tuple(rows),
        problems=tuple(problems.items),
        problem_count=problems.total,
        variant_ids={v.name: v.id for v in info.variants},
        notes=tuple(notes),
        replaced=replaced,
    )


def _replaced(
    ws: Workspace, experiment_id: int, rows: Sequence[Mapping[str, Any]], merge: bool
) -> int:
    from sqlalchemy import func

    with ws.engine.connect() as conn:
        if not merge:
            return int(
                conn.execute(
                    select(func.count()).select_from(_R).where(_R.c.experiment_id == experiment_id)
                ).scalar_one()
            )
        stored = {
            (r.day, r.variant_id, r.metric)
            for r in conn.execute(
                select(_R.c.day, _R.c.variant_id, _R.c.metric).where(
                    _R.c.experiment_id == experiment_id
                )
            )
        }
    return sum((r["day"], r["variant_id"], r["metric"]) in stored for r in rows)


def apply_results(*, ws: Workspace, preview: ResultsPreview, who: str | None = None) -> Changes:
    """Store a preview's daily aggregates (one operation): replace the experiment's
    results (or, for a merge, the days, arms and metrics the file holds) and record the
    file's name, SHA-256, row count and time. Refused, writing nothing, when the preview
    found any problem or the experiment's variants changed since."""
    if not preview.ok:
        raise preview.refusal()

    def label(obj: Experiment) -> str:
        return f"Import results of {obj.title} from {preview.source}"

    with records.editing(
        ws, Experiment, preview.experiment_id, label, who=who, what="experiment"
    ) as (session, obj):
        current = detail_variants(session, preview.experiment_id)
        if current != dict(preview.variant_ids):
            raise UserError(
                f"The variants of {obj.title!r} changed since the preview; preview the import "
                "again. Nothing was imported."
            )
        where = _R.c.experiment_id == preview.experiment_id
        if preview.merge:
            keys = [(r["day"], r["variant_id"], r["metric"]) for r in preview.rows]
            for start in range(0, len(keys), 300):
                session.execute(
                    _R.delete().where(
                        where,
                        tuple_(_R.c.day, _R.c.variant_id, _R.c.metric).in_(
                            keys[start : start + 300]
                        ),
                    )
                )
        else:
            session.execute(_R.delete().where(where))
        session.execute(
            _R.insert(),
            [{"experiment_id": preview.experiment_id, **row} for row in preview.rows],
        )
        obj.results_file = preview.source[:300]
        obj.results_sha256 = preview.sha256
        obj.results_rows = preview.row_count
        obj.results_imported_at = utcnow()
        records.touch(obj)
        session.flush()
    return Changes("experiment_result", (preview.experiment_id,), "update")


def detail_variants(session: Any, experiment_id: int) -> dict[str, int]:
    """The experiment's variant names -> ids, in an open session."""
    return {
        str(name): int(i)
        for i, name in session.execute(
            select(_V.c.id, _V.c.name).where(_V.c.experiment_id == experiment_id)
        )
    }


def import_results(
    *,
    ws: Workspace,
    experiment_id: int,
    path: Path | str,
    per_unit: bool = False,
    merge: bool = False,
    who: str | None = None,
) -> tuple[ResultsPreview, Changes]:
    """Preview and apply in one call (all or nothing)."""
    preview = preview_results(
        ws=ws, experiment_id=experiment_id, path=path, per_unit=per_unit, merge=merge
    )
    return preview, apply_results(ws=ws, preview=preview, who=who)
