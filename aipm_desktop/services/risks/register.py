"""The risk register list (:func:`risk_list_spec`, heat-map cell filters), the links
between risks and use cases, and the owner choices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    String,
    TypeDecorator,
    case,
    delete,
    exists,
    func,
    insert,
    select,
    type_coerce,
)
from sqlalchemy.sql import operators

from ...errors import ValidationError
from ...models import Risk, RiskUseCaseLink, UseCase
from ...models.enums import RiskSource, RiskStatus, Treatment
from ...store import Workspace
from .. import clock, records
from ..changes import Changes
from ..listing import ListColumn, ListJoin, ListSpec, change_columns, enum_column, query_ids
from .scoring import (
    Band,
    bands,
    cell_sql,
    level_colors,
    level_sql,
    method_of,
    overdue_sql,
    risk_table,
    score_sql,
)

#: Statuses of the live register (what the heat map and exposure figures count).
ACTIVE_STATUSES: tuple[str, ...] = tuple(s.value for s in RiskStatus if s != RiskStatus.CLOSED)


# --------------------------------------------------------------------------- the list


class _LinkedUseCases(TypeDecorator):
    """The "use cases" column of the risk list: shows the linked titles, filters by id.

    ``column == 7`` means "linked to use case 7" and ``column.in_([7, 9])`` "linked to
    any of them" (an EXISTS over the link table), so ``query_ids(filters={"use_case":
    7})`` narrows the list to one use case's risks. ``None`` means "not linked".
    """

    impl = String
    cache_ok = True

    class comparator_factory(String.Comparator):
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
            risk = risk_table()
            if op is operators.eq and other[0] is not None:
                return exists().where(link.c.risk_id == risk.c.id, link.c.use_case_id == other[0])
            if op is operators.in_op:
                values = list(other[0])
                return exists().where(link.c.risk_id == risk.c.id, link.c.use_case_id.in_(values))
            return super().operate(op, *other, **kwargs)


def linked_titles_sql() -> tuple[ColumnElement[str], ListJoin]:
    """The titles of a risk's linked use cases, comma-separated (portable aggregate), and
    the join that reads them: one grouped pass over the links, joined once per query (a
    correlated subquery ran again for every risk; sorting 20,000 by it took 0.65 s on a
    server)."""
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    uc = UseCase.__table__  # type: ignore[attr-defined]
    titles = (
        select(
            link.c.risk_id,
            type_coerce(func.aggregate_strings(uc.c.title, ", "), _LinkedUseCases()).label(
                "titles"
            ),
        )
        .select_from(link.join(uc, uc.c.id == link.c.use_case_id))
        .group_by(link.c.risk_id)
        .subquery("linked_use_cases")
    )
    return titles.c.titles, ListJoin(titles, titles.c.risk_id)


def risk_list_spec(
    *,
    ws: Workspace,
    today: dt.date | None = None,
    band_list: Sequence[Band] | None = None,
    method: str | None = None,
) -> ListSpec:
    """The risk register list, with scores and levels under the workspace's appetite.

    Columns (keys), in their default order: title, likelihood, impact, inherent_score,
    residual_score, residual_level ("Level", with the band's colour as a chip), next_review,
    status, overdue, category, owner, inherent_level, source, treatment, res_likelihood,
    res_impact, use_case, updated. Filters by key through
    ``query_ids(filters=...)``: ``category``, ``status`` (a list for several), ``owner``,
    ``inherent_level`` / ``residual_level`` (band name), ``overdue`` (True), ``use_case``
    (a use case id: the risks linked to it), and a heat-map cell with
    :func:`cell_filters`. Levels sort by score. The spec holds the appetite of when it was
    built: rebuild it when ``settings`` changes.
    """
    t = risk_table()
    today = today or clock.today()
    band_list = list(band_list) if band_list is not None else bands(ws=ws)
    method = method or method_of(ws=ws)
    inherent = score_sql(*cell_sql(residual=False), method)
    res_l, res_i = cell_sql(residual=True)
    residual = score_sql(res_l, res_i, method)
    overdue = case((overdue_sql(today), True), else_=False).cast(Boolean)
    linked, linked_join = linked_titles_sql()
    colors = level_colors(band_list)
    return ListSpec(
        kind="risk",
        source=t,
        id_column=t.c.id,
        noun=("risk", "risks"),
        empty_text=(
            "No risks yet. Add the first risk of your AI features, or import a register "
            "from a spreadsheet."
        ),
        depends_on=("use_case", "settings", "mitigation_action"),
        columns=(
            # What a reader scans first (fits a laptop screen): the scores, the level
            # chip and the review date; who and what kind of risk after them.
            ListColumn("title", "Title", t.c.title, width=28),
            ListColumn(
                "likelihood", "L", t.c.likelihood, width=3, align="right", tooltip="Likelihood"
            ),
            ListColumn("impact", "I", t.c.impact, width=3, align="right", tooltip="Impact"),
            ListColumn(
                "inherent_score",
                "Inherent",
                inherent,
                width=7,
                align="right",
                formatter="integer",
                tooltip="Inherent score: likelihood and impact before treatment",
            ),
            ListColumn(
                "residual_score",
                "Residual",
                residual,
                width=7,
                align="right",
                formatter="integer",
                tooltip="Residual score after treatment (inherent when no residual is set)",
            ),
            ListColumn(
                "residual_level",
                "Level",
                level_sql(residual, band_list),
                width=8,
                formatter="enum",
                sort_expr=residual,
                tooltip="Residual level (the inherent one when no residual is set), "
                "in the colours of the risk appetite and the heat map",
                colors=colors,
            ),
            ListColumn(
                "next_review",
                "Next review",
                t.c.next_review,
                width=10,
                formatter="date",
                filterable=False,
            ),
            enum_column("status", "Status", t.c.status, RiskStatus, width=10),
            ListColumn(
                "overdue",
                "Overdue",
                overdue,
                width=7,
                formatter="bool",
                filterable=False,
                tooltip="Review date passed, or an accepted risk whose acceptance expired",
            ),
            ListColumn("category", "Category", t.c.category, width=22),
            ListColumn("owner", "Owner", t.c.owner, width=16),
            ListColumn(
                "inherent_level",
                "Inherent level",
                level_sql(inherent, band_list),
                width=10,
                formatter="enum",
                sort_expr=inherent,
                tooltip="Level of the inherent score",
                colors=colors,
            ),
            enum_column("source", "Source", t.c.source, RiskSource, width=14),
            enum_column("treatment", "Treatment", t.c.treatment, Treatment, width=10),
            *(
                ListColumn(
                    f"res_{name}",
                    f"Res. {name[0].upper()}",
                    expr,
                    width=5,
                    align="right",
                    tooltip=f"Residual {name} (the inherent one until a residual is set)",
                )
                for name, expr in (("likelihood", res_l), ("impact", res_i))
            ),
            ListColumn("use_case", "Use cases", linked, width=28, join=linked_join),
            *change_columns(t),
        ),
        default_sort="residual_score",
        default_descending=True,
    )


def cell_filters(
    likelihood: int,
    impact: int,
    *,
    residual: bool = False,
    use_case_id: int | None = None,
    include_closed: bool = False,
) -> dict[str, Any]:
    """``query_ids`` filters selecting the risks the heat map counts in one cell."""
    if not (1 <= likelihood <= 5 and 1 <= impact <= 5):
        raise ValidationError(f"No heat-map cell at likelihood {likelihood}, impact {impact}.")
    keys = ("res_likelihood", "res_impact") if residual else ("likelihood", "impact")
    filters: dict[str, Any] = {keys[0]: likelihood, keys[1]: impact}
    if not include_closed:
        filters["status"] = list(ACTIVE_STATUSES)
    if use_case_id is not None:
        filters["use_case"] = use_case_id
    return filters


def ids_in_cell(
    *,
    ws: Workspace,
    likelihood: int,
    impact: int,
    residual: bool = False,
    use_case_id: int | None = None,
    include_closed: bool = False,
    spec: ListSpec | None = None,
) -> list[int]:
    """Ids of the risks in one heat-map cell, in the list's default order."""
    return query_ids(
        ws=ws,
        spec=spec or risk_list_spec(ws=ws),
        filters=cell_filters(
            likelihood,
            impact,
            residual=residual,
            use_case_id=use_case_id,
            include_closed=include_closed,
        ),
    )


# --------------------------------------------------------------------------- links


def linked_use_cases(*, ws: Workspace, risk_id: int) -> list[int]:
    """Ids of the use cases a risk is linked to, ascending."""
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    stmt = select(link.c.use_case_id).where(link.c.risk_id == risk_id).order_by("use_case_id")
    with ws.engine.connect() as conn:
        return [row[0] for row in conn.execute(stmt)]


def links_by_risk(*, ws: Workspace) -> dict[int, list[int]]:
    """Every risk's linked use case ids (risks without links are absent)."""
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    result: dict[int, list[int]] = {}
    with ws.engine.connect() as conn:
        for risk_id, uc in conn.execute(
            select(link.c.risk_id, link.c.use_case_id).order_by(link.c.risk_id, link.c.use_case_id)
        ):
            result.setdefault(risk_id, []).append(uc)
    return result


def set_links(
    *, ws: Workspace, risk_id: int, use_case_ids: Iterable[int], who: str | None = None
) -> tuple[Changes, list[int]]:
    """Link a risk to exactly ``use_case_ids``; returns the changes and the OLD ids (undo)."""
    wanted = sorted(set(int(i) for i in use_case_ids))
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    uc = UseCase.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        records.existing(session, Risk, risk_id)
        if wanted:
            found = set(session.execute(select(uc.c.id).where(uc.c.id.in_(wanted))).scalars())
            missing = [i for i in wanted if i not in found]
            if missing:
                raise ValidationError(
                    f"Cannot link the risk: no use case with id {', '.join(map(str, missing))}.",
                    [("use_case_ids", "unknown use case")],
                )
        old = sorted(
            session.execute(select(link.c.use_case_id).where(link.c.risk_id == risk_id)).scalars()
        )
        if old != wanted:
            session.execute(delete(link).where(link.c.risk_id == risk_id))
            if wanted:
                session.execute(
                    insert(link), [{"risk_id": risk_id, "use_case_id": i} for i in wanted]
                )
    return Changes("risk", (risk_id,), "update"), old


def owner_choices(*, ws: Workspace) -> list[str]:
    """The distinct owners of the register (for the owner filter), sorted."""
    table = Risk.__table__  # type: ignore[attr-defined]
    stmt = select(table.c.owner).where(table.c.owner != "").distinct().order_by(table.c.owner)
    with ws.engine.connect() as conn:
        return [row[0] for row in conn.execute(stmt)]
