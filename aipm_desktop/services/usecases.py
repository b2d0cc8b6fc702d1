"""Use cases: duplicate, 3-year cost of ownership, spreadsheet import and export.

Import reads a CSV or XLSX file through :mod:`.tabular`, matches each row to a stored
use case (by ``id``, or by title when asked; see :mod:`.record_import`), validates it
through :class:`~aipm_desktop.models.UseCaseCreate` (and every score column as a level
1-5) and previews what is added, updated, unchanged or rejected before writing anything;
then it writes the adds and updates, scores included, as one operation with SQLAlchemy
Core: all or nothing, one undo step. Export writes the same columns (plus id, score and
rank), formula-safe, so re-importing an export changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic
from sqlalchemy import bindparam, delete, func, insert, literal, select, update

from ..errors import ReadOnlyError, UserError
from ..models import Score, UseCase, UseCaseCreate, utcnow
from ..models.enums import Decision, UseCaseStatus
from ..models.usecases import COST_FIELDS
from . import records, scoring
from .changes import Changes
from .record_import import (
    ImportPreview,
    Matcher,
    PlannedRow,
    PreviewBuilder,
    changed_fields,
    check_choices,
    header_of,
    import_changes,
    ready_to_write,
    row_values,
    same_value,
    stored_records,
    write_records,
)
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
    "id": "The use case a row updates (empty: a new use case).",
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
    data = records.field_values(original, UseCaseCreate)
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


def _enum_cell(name: str, text: str) -> str:
    return text.strip().lower() if name in _ENUM_FIELDS else text


@dataclass(frozen=True)
class _ScorePlan:
    """Score writes of one row: ``set`` (criterion id, level, rationale) and ``drop``
    (criterion ids whose stored score a blank level removes)."""

    set: tuple[tuple[int, int, str], ...] = ()
    drop: tuple[int, ...] = ()


def _check_header(
    ws: Workspace, source: Path, header: list[str], model_id: int, by_key: Mapping[str, Any]
) -> None:
    if "title" not in header and "id" not in header:
        raise UserError(f"{source.name}: missing column(s): title.")
    unknown = []
    for column in header:
        if column.startswith((SCORE_PREFIX, RATIONALE_PREFIX)):
            if column.split(":", 1)[1] not in by_key:
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


def _row_scores(
    cells: Mapping[str, str],
    header: set[str],
    criteria: list[scoring.CriterionInfo],
    stored: Mapping[int, tuple[int, str]],
) -> tuple[_ScorePlan, list[str], list[tuple[str, str]]]:
    """What a row does to the scores: the plan, the changed columns and the problems.

    Only criteria with a score or rationale column in the file are touched; a blank level
    removes a stored score; a missing rationale column keeps the stored rationale.
    """
    sets: list[tuple[int, int, str]] = []
    drops: list[int] = []
    changed: list[str] = []
    problems: list[tuple[str, str]] = []
    for crit in criteria:
        level_col, why_col = SCORE_PREFIX + crit.key, RATIONALE_PREFIX + crit.key
        if level_col not in header and why_col not in header:
            continue
        old = stored.get(crit.id)
        if level_col in header:
            level_text = cells.get(level_col, "")
        else:
            level_text = "" if old is None else str(old[0])
        rationale = cells.get(why_col, "") if why_col in header else (old[1] if old else "")
        if level_text == "":
            if rationale and why_col in header:
                problems.append((level_col, "a rationale needs a level from 1 to 5"))
            elif old is not None:
                drops.append(crit.id)
                changed.append(level_col)
            continue
        try:
            level = _parse_level(level_text)
        except ValueError as exc:
            problems.append((level_col, str(exc)))
            continue
        if old is None or old[0] != level or not same_value(rationale, old[1]):
            sets.append((crit.id, level, rationale))
            changed.append(level_col)
    return _ScorePlan(tuple(sets), tuple(drops)), changed, problems


def preview_use_case_import(
    *,
    ws: Workspace,
    source: Path | str,
    model_id: int | None = None,
    match: str = "id",
    on_unknown_id: str = "reject",
) -> ImportPreview:
    """Read and check a use case file; classify every row (nothing is written).

    Rows match stored use cases as :mod:`.record_import` describes (by ``id``; with
    ``match="title"`` rows without an id by title; an unknown id is rejected unless
    ``on_unknown_id="add"``). An update changes only the columns present in the file;
    ``score:<key>`` columns set the scores on the model's criteria (a blank level removes
    a stored score). The export's ``score`` and ``rank`` columns are ignored.
    """
    check_choices(match, on_unknown_id)
    source = Path(source).expanduser()
    model_id, criteria = _model_for(ws, model_id)
    rows = read_rows(source)
    if not rows:
        raise UserError(f"{source.name} has no use cases to import (only a header row).")
    by_key = {c.key: c for c in criteria}
    header = header_of(rows)
    _check_header(ws, source, header, model_id, by_key)
    columns = set(header)
    present = [name for name in FIELDS if name in columns]

    u = UseCase.__table__  # type: ignore[attr-defined]
    s = Score.__table__  # type: ignore[attr-defined]
    crit_ids = [c.id for c in criteria]
    with ws.engine.connect() as conn:
        stored = stored_records(conn, u, FIELDS)
        stored_scores: dict[int, dict[int, tuple[int, str]]] = {}
        if crit_ids:
            query = select(s.c.use_case_id, s.c.criterion_id, s.c.value, s.c.rationale).where(
                s.c.criterion_id.in_(crit_ids)
            )
            for uc, crit, value, why in conn.execute(query):
                stored_scores.setdefault(uc, {})[crit] = (value, why or "")
    matcher = Matcher.of("use case", stored, match=match, on_unknown_id=on_unknown_id)

    built = PreviewBuilder()
    for row in rows:
        cells = row.cells
        title = cells.get("title", "")
        target, problem = matcher.find(row.number, cells.get("id", ""), title)
        row_errors: list[tuple[str, str]] = [problem] if problem else []
        old = stored.get(target) if target is not None else None
        data = row_values(UseCaseCreate, FIELDS, old, cells, present, _enum_cell)
        try:
            checked = UseCaseCreate.model_validate(data).model_dump()
        except pydantic.ValidationError as error:
            row_errors.extend(records.validation_error(error, "use case").errors)
            checked = None
        plan, score_changes, score_problems = _row_scores(
            cells, columns, criteria, stored_scores.get(target, {}) if target else {}
        )
        row_errors.extend(score_problems)
        if row_errors or checked is None:
            built.reject(row.number, row_errors)
        elif old is None or target is None:
            built.keep(PlannedRow(row.number, None, checked["title"], checked, extra=plan))
        else:
            values = changed_fields(checked, old, present)
            changed = (*values, *score_changes)
            version = old["version"]
            built.keep(PlannedRow(row.number, target, old["title"], values, changed, version, plan))
    return built.finish(source=source.name, row_count=len(rows), matcher=matcher)


def apply_use_case_import(
    *, ws: Workspace, preview: ImportPreview, who: str | None = None
) -> tuple[Changes, int]:
    """Write a checked use case import as one operation (one undo step): all or nothing.

    Refuses (``ValidationError``) a preview with rejected rows, and (``UserError``, nothing
    written) when a use case to update changed since the preview. Writes nothing at all
    when every row is unchanged. Returns the changes and the number of use cases added or
    updated.
    """
    if not ready_to_write(ws, preview):
        return Changes("use_case", (), "import"), 0
    u = UseCase.__table__  # type: ignore[attr-defined]
    s = Score.__table__  # type: ignore[attr-defined]
    now = utcnow()
    with ws.write(label=preview.undo_label(), who=who) as session:
        new_ids = write_records(session, u, preview, now)
        targets = [
            *zip(new_ids, preview.add, strict=True),
            *((item.record_id, item) for item in preview.update),
        ]
        drops = [{"b_uc": uc, "b_crit": crit} for uc, item in targets for crit in item.extra.drop]
        if drops:
            session.execute(
                delete(s).where(
                    s.c.use_case_id == bindparam("b_uc"), s.c.criterion_id == bindparam("b_crit")
                ),
                drops,
            )
        sets = [
            (uc, crit, level, why) for uc, item in targets for crit, level, why in item.extra.set
        ]
        if sets:
            existing: set[tuple[int, int]] = set()
            updated_ids = [item.record_id for item in preview.update]
            for i in range(0, len(updated_ids), 500):
                chunk = updated_ids[i : i + 500]
                existing.update(
                    (int(a), int(b))
                    for a, b in session.execute(
                        select(s.c.use_case_id, s.c.criterion_id).where(s.c.use_case_id.in_(chunk))
                    )
                )
            fresh = [
                records.new_row(
                    {"use_case_id": uc, "criterion_id": crit, "value": level, "rationale": why}, now
                )
                for uc, crit, level, why in sets
                if (uc, crit) not in existing
            ]
            changed = [
                {"b_uc": uc, "b_crit": crit, "b_value": level, "b_why": why}
                for uc, crit, level, why in sets
                if (uc, crit) in existing
            ]
            if fresh:
                session.execute(insert(s), fresh)
            if changed:
                session.execute(
                    update(s)
                    .where(
                        s.c.use_case_id == bindparam("b_uc"),
                        s.c.criterion_id == bindparam("b_crit"),
                    )
                    .values(
                        value=bindparam("b_value"),
                        rationale=bindparam("b_why"),
                        updated_at=now,
                        version=s.c.version + 1,
                    ),
                    changed,
                )
    return import_changes("use_case", preview, new_ids)


def import_use_cases(
    *,
    ws: Workspace,
    source: Path | str,
    model_id: int | None = None,
    who: str | None = None,
    match: str = "id",
    on_unknown_id: str = "reject",
) -> tuple[Changes, int]:
    """Import use cases (and scores on the model's criteria) from a CSV or XLSX file.

    :func:`preview_use_case_import` then :func:`apply_use_case_import`: every row is
    checked first; any problem raises one :class:`ValidationError` listing the first 20
    problems as ``row N: field: message`` and the total, and nothing is written.
    Otherwise the adds and updates go in one operation. Returns the changes and the
    number of use cases added or updated (a re-imported export: 0).
    """
    if ws.readonly:
        raise ReadOnlyError(f"{ws.path.name} is open read-only; edits are disabled.")
    preview = preview_use_case_import(
        ws=ws, source=source, model_id=model_id, match=match, on_unknown_id=on_unknown_id
    )
    return apply_use_case_import(ws=ws, preview=preview, who=who)


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
