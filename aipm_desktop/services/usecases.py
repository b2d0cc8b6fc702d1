"""Use cases: duplicate, 3-year cost of ownership, spreadsheet import and export.

Import reads a CSV or XLSX file through :mod:`.tabular`, validates every row through
:class:`~aipm_desktop.models.UseCaseCreate` (and every score column as a level 1-5)
before writing anything, and then inserts all use cases and their scores in one
transaction with SQLAlchemy Core: all or nothing. Export writes the same columns (plus
id, score and rank), formula-safe, so an export imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic
from sqlalchemy import func, insert, literal, select

from ..errors import ReadOnlyError, UserError, ValidationError
from ..models import Score, UseCase, UseCaseCreate, utcnow
from ..models.enums import Decision, UseCaseStatus
from ..models.usecases import COST_FIELDS
from . import records, scoring
from .changes import Changes
from .tabular import read_rows, write_rows

if TYPE_CHECKING:
    from ..store import Workspace

TCO_OPTIONS = ("build", "partner", "buy")
TCO_YEARS = 3
SCORE_PREFIX = "score:"
RATIONALE_PREFIX = "rationale:"
MAX_REPORTED_ERRORS = 20

_STATUSES = ", ".join(s.value for s in UseCaseStatus)
_DECISIONS = ", ".join(d.value for d in Decision)

#: The columns an import understands (header names are case-insensitive; spaces and
#: dashes count as underscores), with what each holds. ``title`` is required.
IMPORT_COLUMNS: dict[str, str] = {
    "title": "Short name of the use case (required, up to 200 characters).",
    "status": f"Pipeline status: {_STATUSES} (default idea).",
    "owner": "Who owns the use case.",
    "area": "Product area.",
    "tags": "Comma-separated tags.",
    "problem": "Problem statement.",
    "target_users": "Who the use case serves.",
    "value_hypothesis": "Why solving it creates value.",
    "metric_name": "Outcome metric, e.g. median case resolution time.",
    "metric_baseline": "Outcome metric today (a number).",
    "metric_target": "Outcome metric target (a number; required with a metric name).",
    "metric_unit": "Unit of the metric, e.g. min or % (required with a metric).",
    "metric_date": "When the target should be met (YYYY-MM-DD).",
    "decision": f"Build / partner / buy decision: {_DECISIONS} (default undecided).",
    "decision_rationale": "Why that decision.",
    **{
        name: f"{name.split('_')[1].title()} option, "
        f"{'one-off cost' if name.endswith('oneoff') else 'yearly cost'} (a number >= 0)."
        for name in COST_FIELDS
    },
    "data_sources": "Data the use case needs.",
    "data_availability": "Whether that data exists and can be used.",
    "latency_requirement": "Latency the use case needs, e.g. under 2 s.",
    "safety_constraints": "Safety and compliance constraints.",
    "human_in_loop": "Where a person reviews or approves.",
    f"{SCORE_PREFIX}<criterion key>": "Level 1-5 on that criterion of the scoring model "
    "(one column per criterion, e.g. score:business_value; blank = not scored).",
    f"{RATIONALE_PREFIX}<criterion key>": "Why that level (optional).",
}

#: Use case fields in import/export order (after id and before the score columns).
FIELDS: tuple[str, ...] = (
    "title",
    "status",
    "owner",
    "area",
    "tags",
    "problem",
    "target_users",
    "value_hypothesis",
    "metric_name",
    "metric_baseline",
    "metric_target",
    "metric_unit",
    "metric_date",
    "decision",
    "decision_rationale",
    *COST_FIELDS,
    "data_sources",
    "data_availability",
    "latency_requirement",
    "safety_constraints",
    "human_in_loop",
)
#: Columns an export writes that an import reads back without using.
EXPORT_ONLY = ("id", "score", "rank")
_ENUM_FIELDS = ("status", "decision")


# duplicate ---------------------------------------------------------------------------


def titles(*, ws: Workspace, ids: list[int] | None = None) -> list[tuple[int, str]]:
    """``(id, title)`` of the given use cases (all when ``ids`` is None), ordered by title.

    One Core query: pickers and filters over 10,000 use cases stay fast.
    """
    table = UseCase.__table__  # type: ignore[attr-defined]
    query = select(table.c.id, table.c.title).order_by(func.lower(table.c.title), table.c.id)
    if ids is not None:
        if not ids:
            return []
        query = query.where(table.c.id.in_(list(ids)))
    with ws.engine.connect() as conn:
        return [(int(row[0]), str(row[1])) for row in conn.execute(query)]


def filter_choices(*, ws: Workspace) -> tuple[list[str], list[str], list[str]]:
    """The product areas, owners and tags in use, for the list's filters (sorted)."""
    t = UseCase.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        areas = [r[0] for r in conn.execute(select(t.c.area).distinct().order_by(t.c.area))]
        owners = [r[0] for r in conn.execute(select(t.c.owner).distinct().order_by(t.c.owner))]
        tag_rows = [r[0] for r in conn.execute(select(t.c.tags).distinct())]
    tags = sorted(
        {tag.strip() for row in tag_rows for tag in (row or "").split(",") if tag.strip()},
        key=str.casefold,
    )
    return [a for a in areas if a], [o for o in owners if o], tags


def duplicate_use_case(
    *, ws: Workspace, use_case_id: int, who: str | None = None
) -> tuple[int, Changes]:
    """Copy a use case as "Copy of <title>" (status idea) with all its scores.

    Undo with ``records.delete(model=UseCase, id=new_id)``.
    """
    original = records.get(ws=ws, model=UseCase, id=use_case_id)
    data = {name: getattr(original, name) for name in UseCaseCreate.model_fields}
    data["title"] = f"Copy of {original.title}"[:200]
    data["status"] = UseCaseStatus.IDEA
    copy = records.validate_create(UseCase, data)
    s = Score.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        session.add(copy)
        session.flush()
        new_id = copy.id
        assert new_id is not None  # assigned by the flush
        now = utcnow()
        session.execute(
            insert(s).from_select(
                ["use_case_id", "criterion_id", "value", "rationale", "created_at", "updated_at"],
                select(
                    literal(new_id),
                    s.c.criterion_id,
                    s.c.value,
                    s.c.rationale,
                    literal(now),
                    literal(now),
                ).where(s.c.use_case_id == use_case_id),
            )
        )
    return new_id, Changes("use_case", (new_id,), "create")


# cost of ownership -------------------------------------------------------------------


@dataclass(frozen=True)
class TcoOption:
    """One build / partner / buy option: one-off and yearly cost, and the 3-year total."""

    option: str
    one_off: float | None
    yearly: float | None
    three_year: float | None


def _field(use_case: Any, name: str) -> Any:
    if isinstance(use_case, Mapping):
        return use_case.get(name)
    return getattr(use_case, name, None)


def tco(use_case: Any) -> tuple[list[TcoOption], str | None]:
    """The 3-year cost of each option and the cheapest option with a known cost.

    ``three_year = one_off + 3 * yearly`` (a missing part counts as 0; None when both
    are missing). Ties go to the earlier option in build, partner, buy order.
    ``use_case`` is a UseCase (or anything with the cost attributes, or a mapping).
    """
    options: list[TcoOption] = []
    for option in TCO_OPTIONS:
        one_off = _field(use_case, f"cost_{option}_oneoff")
        yearly = _field(use_case, f"cost_{option}_yearly")
        one_off = None if one_off is None else float(one_off)
        yearly = None if yearly is None else float(yearly)
        total = None
        if one_off is not None or yearly is not None:
            total = (one_off or 0.0) + TCO_YEARS * (yearly or 0.0)
        options.append(TcoOption(option, one_off, yearly, total))
    known = [o for o in options if o.three_year is not None]
    cheapest = min(known, key=lambda o: o.three_year).option if known else None  # type: ignore[arg-type,return-value]
    return options, cheapest


# import ------------------------------------------------------------------------------


def _model_for(ws: Workspace, model_id: int | None) -> tuple[int, list[scoring.CriterionInfo]]:
    model_id = scoring.active_model_id(ws=ws) if model_id is None else model_id
    return model_id, scoring.model_criteria(ws=ws, model_id=model_id)


def _parse_level(text: str) -> int:
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if number != number or not number.is_integer() or int(number) not in scoring.LEVELS:
        raise ValueError("must be a whole number from 1 to 5")
    return int(number)


def _row_error_text(number: int, field: str, message: str) -> str:
    return f"row {number}: {message}" if field == "record" else f"row {number}: {field}: {message}"


def import_use_cases(
    *, ws: Workspace, source: Path | str, model_id: int | None = None, who: str | None = None
) -> tuple[Changes, int]:
    """Import use cases (and scores on the model's criteria) from a CSV or XLSX file.

    Every row is validated first; any error raises one :class:`ValidationError` listing
    the first 20 errors as ``row N: field: message`` and the total, and nothing is
    written. Otherwise all rows go in one transaction. Returns the changes and the count.
    """
    source = Path(source).expanduser()
    if ws.readonly:
        raise ReadOnlyError(f"{ws.path.name} is open read-only; edits are disabled.")
    model_id, criteria = _model_for(ws, model_id)
    rows = read_rows(source, required=["title"])
    by_key = {c.key: c for c in criteria}
    header = list(rows[0].cells) if rows else []
    unknown = []
    for column in header:
        if column.startswith((SCORE_PREFIX, RATIONALE_PREFIX)):
            key = column.split(":", 1)[1]
            if key not in by_key:
                unknown.append(column)
        elif column not in FIELDS and column not in EXPORT_ONLY:
            unknown.append(column)
    if unknown:
        model = scoring.model_name(ws=ws, model_id=model_id)
        keys = ", ".join(by_key) or "none"
        raise UserError(
            f"{source.name}: unknown column(s): {', '.join(unknown)}. Use case columns: "
            f"{', '.join(FIELDS)}; score columns are score:<key> for the criteria of "
            f"{model!r}: {keys}."
        )
    if not rows:
        raise UserError(f"{source.name} has no use cases to import (only a header row).")

    errors: list[tuple[str, str]] = []
    texts: list[str] = []
    prepared: list[tuple[dict[str, Any], list[tuple[int, int, str]]]] = []
    for row in rows:
        cells = row.cells
        data: dict[str, Any] = {}
        for name in FIELDS:
            value = cells.get(name, "")
            if value == "":
                continue
            data[name] = value.strip().lower() if name in _ENUM_FIELDS else value
        row_errors: list[tuple[str, str]] = []
        try:
            checked = UseCaseCreate.model_validate(data)
        except pydantic.ValidationError as error:
            row_errors.extend(records.validation_error(error, "use case").errors)
            checked = None
        scores: list[tuple[int, int, str]] = []
        for crit in criteria:
            level_text = cells.get(SCORE_PREFIX + crit.key, "")
            rationale = cells.get(RATIONALE_PREFIX + crit.key, "")
            if level_text == "":
                if rationale:
                    row_errors.append(
                        (SCORE_PREFIX + crit.key, "a rationale needs a level from 1 to 5")
                    )
                continue
            try:
                scores.append((crit.id, _parse_level(level_text), rationale))
            except ValueError as exc:
                row_errors.append((SCORE_PREFIX + crit.key, str(exc)))
        for field, message in row_errors:
            errors.append((f"row {row.number}: {field}", message))
            texts.append(_row_error_text(row.number, field, message))
        if checked is not None and not row_errors:
            prepared.append((checked.model_dump(), scores))
    if errors:
        shown = "; ".join(texts[:MAX_REPORTED_ERRORS])
        more = len(texts) - MAX_REPORTED_ERRORS
        tail = f"; and {more} more" if more > 0 else ""
        raise ValidationError(
            f"{source.name}: nothing imported, {len(texts)} problem(s) found: {shown}{tail}.",
            errors,
        )

    u = UseCase.__table__  # type: ignore[attr-defined]
    s = Score.__table__  # type: ignore[attr-defined]
    now = utcnow()
    with ws.write(who=who) as session:
        result = session.execute(
            insert(u).returning(u.c.id, sort_by_parameter_order=True),
            [{**data, "created_at": now, "updated_at": now, "version": 1} for data, _ in prepared],
        )
        new_ids = [int(r[0]) for r in result]
        score_rows = [
            {
                "use_case_id": uc_id,
                "criterion_id": crit_id,
                "value": level,
                "rationale": rationale,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for uc_id, (_data, scores) in zip(new_ids, prepared, strict=True)
            for crit_id, level, rationale in scores
        ]
        if score_rows:
            session.execute(insert(s), score_rows)
    return Changes("use_case", tuple(new_ids), "create"), len(new_ids)


# export ------------------------------------------------------------------------------


def export_header(criteria: list[scoring.CriterionInfo]) -> list[str]:
    return [
        "id",
        *FIELDS,
        "score",
        "rank",
        *(SCORE_PREFIX + c.key for c in criteria),
        *(RATIONALE_PREFIX + c.key for c in criteria),
    ]


def export_use_cases(
    *, ws: Workspace, out: Path | str, model_id: int | None = None, overwrite: bool = True
) -> Path:
    """Write every use case, ranked by the model, with its scores (CSV or XLSX by suffix).

    Rows follow the ranking (complete use cases by score, then incomplete ones). Text
    cells that a spreadsheet would run as a formula are neutralised.
    """
    model_id, criteria = _model_for(ws, model_id)
    ranking = scoring.rank(ws=ws, model_id=model_id)
    u = UseCase.__table__  # type: ignore[attr-defined]
    s = Score.__table__  # type: ignore[attr-defined]
    ids = [c.id for c in criteria]
    with ws.session() as session:
        fields = {
            r[0]: r[1:]
            for r in session.execute(select(u.c.id, *(u.c[name] for name in FIELDS))).all()
        }
        rationales: dict[tuple[int, int], str] = {}
        if ids:
            for uc, crit, text in session.execute(
                select(s.c.use_case_id, s.c.criterion_id, s.c.rationale).where(
                    s.c.criterion_id.in_(ids), s.c.rationale != ""
                )
            ):
                rationales[(uc, crit)] = text

    def cell(value: Any) -> Any:
        return value.value if hasattr(value, "value") and not isinstance(value, str) else value

    def rows() -> Any:
        for item in ranking:
            uc = item.use_case_id
            yield [
                uc,
                *(cell(v) for v in fields[uc]),
                None if item.score is None else round(item.score, 2),
                item.rank,
                *(item.values.get(cid) for cid in ids),
                *(rationales.get((uc, cid), "") for cid in ids),
            ]

    return write_rows(out, export_header(criteria), rows(), overwrite=overwrite)
