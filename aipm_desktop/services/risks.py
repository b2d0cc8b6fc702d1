"""The responsible-AI risk register: scoring, banding, lists, heat map, links, appetite,
taxonomies, and spreadsheet import/export.

Scores and levels are derived here and only here. :func:`assess` derives them in Python
for one risk (forms, exports, reports); :func:`score_sql`, :func:`level_sql` and
:func:`overdue_sql` derive the same values as SQL expressions for lists that sort and
filter 20,000 risks in the database. Both read the same :class:`ScoringMethod` score table
and the same :class:`Band` list, so the list, the heat map, dashboards and exports always
agree. Nothing derived is stored: a residual level is never saved apart from the residual
likelihood and impact it comes from, and a risk without a residual assessment takes its
inherent values as residual.

Overdue: a risk that is not closed is overdue when its next review date has passed, or
when it is accepted and its acceptance has expired (the acceptance must be renewed).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
from sqlalchemy import (
    Boolean,
    ColumnElement,
    String,
    TypeDecorator,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.sql import operators

from .. import resources
from ..errors import NotFoundError, UserError, ValidationError
from ..models import (
    Risk,
    RiskCreate,
    RiskTaxonomy,
    RiskTaxonomyItem,
    RiskUseCaseLink,
    UseCase,
    WorkspaceSettings,
)
from ..models.enums import RiskSource, RiskStatus, Treatment
from ..store import Workspace
from . import records, tabular
from .changes import Changes
from .listing import ListColumn, ListSpec, enum_column, query_ids

# --------------------------------------------------------------------------- levels

_LEVELS = resources.load_json("risk_levels")

#: Names of the likelihood levels 1-5 ("Rare" ... "Almost certain"), for axes and menus.
LIKELIHOOD_NAMES: tuple[str, ...] = tuple(e["name"] for e in _LEVELS["likelihood"])
#: Names of the impact levels 1-5 ("Negligible" ... "Severe").
IMPACT_NAMES: tuple[str, ...] = tuple(e["name"] for e in _LEVELS["impact"])
#: The anchored likelihood levels 1-5 as "Label: description".
LIKELIHOOD_LEVELS: tuple[str, ...] = tuple(
    f"{e['name']}: {e['description']}" for e in _LEVELS["likelihood"]
)
#: The anchored impact levels 1-5 as "Label: description".
IMPACT_LEVELS: tuple[str, ...] = tuple(
    f"{e['name']}: {e['description']}" for e in _LEVELS["impact"]
)

#: Statuses of the live register (what the heat map and exposure figures count).
ACTIVE_STATUSES: tuple[str, ...] = tuple(s.value for s in RiskStatus if s != RiskStatus.CLOSED)

#: Taxonomies whose items are framework references rather than risk categories.
FRAMEWORK_TAXONOMY_KEYS: frozenset[str] = frozenset({"nist_ai_rmf"})

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


# --------------------------------------------------------------------------- methods


@dataclass(frozen=True)
class ScoringMethod:
    """How likelihood and impact (1-5 each) combine into a score from 1 to 25.

    ``scores[likelihood - 1][impact - 1]`` is the score; it never decreases when either
    level rises. ``product`` is true when the score is exactly likelihood x impact (SQL
    then multiplies instead of looking the score up).
    """

    key: str
    label: str
    description: str
    scores: tuple[tuple[int, ...], ...]
    product: bool = False


def _table(formula: Callable[[int, int], float]) -> tuple[tuple[int, ...], ...]:
    return tuple(
        tuple(math.floor(formula(lik, imp) + 0.5) for imp in range(1, 6)) for lik in range(1, 6)
    )


_METHODS: dict[str, ScoringMethod] = {
    m.key: m
    for m in (
        ScoringMethod(
            "multiply",
            "Likelihood × impact",  # noqa: RUF001
            "The classic risk matrix: likelihood times impact (1-25).",
            _table(lambda lik, imp: lik * imp),
            product=True,
        ),
        ScoringMethod(
            "impact_weighted",
            "Impact-weighted",
            "Likelihood^0.8 x impact^1.2, rounded (1-25): a rare but severe risk scores "
            "above a frequent but negligible one, for registers where harm to people "
            "matters more than frequency.",
            _table(lambda lik, imp: lik**0.8 * imp**1.2),
        ),
    )
}

#: Scoring method key -> label, for settings forms.
METHODS: dict[str, str] = {key: m.label for key, m in _METHODS.items()}
DEFAULT_METHOD = "multiply"


def scoring_method(method: str) -> ScoringMethod:
    try:
        return _METHODS[method]
    except KeyError:
        known = ", ".join(sorted(_METHODS))
        raise ValidationError(
            f"Unknown risk scoring method {method!r}; use one of: {known}.",
            [("method", "unknown scoring method")],
        ) from None


def risk_score(likelihood: int, impact: int, method: str = DEFAULT_METHOD) -> int:
    """The score (1-25) of a likelihood and impact (1-5 each) under ``method``."""
    if not (1 <= likelihood <= 5 and 1 <= impact <= 5):
        raise ValueError(f"likelihood and impact must be 1-5, not {likelihood} and {impact}")
    return scoring_method(method).scores[likelihood - 1][impact - 1]


def score_sql(
    likelihood: ColumnElement[int], impact: ColumnElement[int], method: str = DEFAULT_METHOD
) -> ColumnElement[int]:
    """:func:`risk_score` as a portable SQL expression (a product or a CASE lookup)."""
    spec = scoring_method(method)
    if spec.product:
        return likelihood * impact
    lookup = {
        lik * 10 + imp: spec.scores[lik - 1][imp - 1] for lik in range(1, 6) for imp in range(1, 6)
    }
    return case(lookup, value=likelihood * 10 + impact, else_=0)


# --------------------------------------------------------------------------- bands


@dataclass(frozen=True)
class Band:
    """A level of the risk appetite: scores ``low``..``high`` (inclusive) and a colour."""

    name: str
    low: int
    high: int
    color: str

    @property
    def label(self) -> str:
        """``"High (10-16)"``."""
        return f"{self.name[:1].upper()}{self.name[1:]} ({self.low}-{self.high})"


def bands_from_settings(raw: Sequence[Mapping[str, Any]]) -> list[Band]:
    """Bands from the stored ``risk_bands`` list (``[{name, max, color}, ...]``)."""
    result: list[Band] = []
    low = 1
    for entry in raw:
        high = int(entry["max"])
        result.append(Band(str(entry["name"]), low, high, str(entry.get("color") or "#9e9e9e")))
        low = high + 1
    return result


def bands(*, ws: Workspace) -> list[Band]:
    """The workspace's risk appetite bands, lowest first."""
    from .workspace import get_settings

    return bands_from_settings(get_settings(ws=ws).risk_bands)


def method_of(*, ws: Workspace) -> str:
    """The workspace's scoring method key (the default when the stored one is unknown)."""
    from .workspace import get_settings

    method = get_settings(ws=ws).risk_method
    return method if method in _METHODS else DEFAULT_METHOD


def level_of(score: int, bands: Sequence[Band]) -> Band:
    """The band a score falls in (the last band for anything above)."""
    for band in bands:
        if score <= band.high:
            return band
    return bands[-1]


def level_sql(score: ColumnElement[int], bands: Sequence[Band]) -> ColumnElement[str]:
    """:func:`level_of` (the band name) as a portable SQL CASE."""
    whens = [(score <= band.high, band.name) for band in bands[:-1]]
    if not whens:
        return literal(bands[-1].name)
    return case(*whens, else_=bands[-1].name)


# --------------------------------------------------------------------------- assess


@dataclass(frozen=True)
class RiskAssessment:
    """What is derived from a risk's stored fields (never stored itself)."""

    inherent_score: int
    inherent_level: Band
    residual_score: int
    residual_level: Band
    residual_set: bool
    overdue: bool
    days_overdue: int
    residual_likelihood: int = 0
    residual_impact: int = 0
    overdue_reasons: tuple[str, ...] = ()


def _field(risk: Any, name: str) -> Any:
    if isinstance(risk, Mapping):
        return risk.get(name)
    return getattr(risk, name, None)


def _text(value: Any) -> str:
    return str(getattr(value, "value", value) or "")


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _overdue(risk: Any, today: dt.date) -> tuple[int, tuple[str, ...]] | None:
    """(days overdue, reasons) or None. The Python twin of :func:`overdue_sql`."""
    status = _text(_field(risk, "status"))
    if status == RiskStatus.CLOSED:
        return None
    found: list[tuple[int, str]] = []
    review = _as_date(_field(risk, "next_review"))
    if review is not None and review < today:
        days = (today - review).days
        found.append((days, f"Review was due on {review.isoformat()} ({_days(days)} ago)."))
    expiry = _as_date(_field(risk, "acceptance_expiry"))
    if status == RiskStatus.ACCEPTED and expiry is not None and expiry < today:
        days = (today - expiry).days
        found.append(
            (
                days,
                f"The risk acceptance expired on {expiry.isoformat()} ({_days(days)} ago): "
                "renew the approval or treat the risk.",
            )
        )
    if not found:
        return None
    return max(days for days, _ in found), tuple(reason for _, reason in found)


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def assess(
    risk: Any, *, bands: Sequence[Band], method: str = DEFAULT_METHOD, today: dt.date | None = None
) -> RiskAssessment:
    """Inherent and residual score and level, and overdue state, of one risk.

    ``risk`` is a :class:`Risk` or any mapping with its fields (a Core row). The residual
    values are the residual likelihood and impact when both are set, else the inherent
    ones: a risk nobody has treated yet keeps its inherent exposure.
    """
    today = today or dt.date.today()
    likelihood = int(_field(risk, "likelihood"))
    impact = int(_field(risk, "impact"))
    res_l, res_i = _field(risk, "residual_likelihood"), _field(risk, "residual_impact")
    residual_set = res_l is not None and res_i is not None
    if not residual_set:
        res_l, res_i = likelihood, impact
    inherent = risk_score(likelihood, impact, method)
    residual = risk_score(int(res_l), int(res_i), method)
    overdue = _overdue(risk, today)
    return RiskAssessment(
        inherent_score=inherent,
        inherent_level=level_of(inherent, bands),
        residual_score=residual,
        residual_level=level_of(residual, bands),
        residual_set=residual_set,
        overdue=overdue is not None,
        days_overdue=overdue[0] if overdue else 0,
        residual_likelihood=int(res_l),
        residual_impact=int(res_i),
        overdue_reasons=overdue[1] if overdue else (),
    )


def _risk_table() -> Any:
    return Risk.__table__  # type: ignore[attr-defined]


def cell_sql(*, residual: bool) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """(likelihood, impact) of a risk as SQL: the stored ones, or the residual with the
    inherent fallback of :func:`assess`."""
    t = _risk_table()
    if not residual:
        return t.c.likelihood, t.c.impact
    return (
        func.coalesce(t.c.residual_likelihood, t.c.likelihood),
        func.coalesce(t.c.residual_impact, t.c.impact),
    )


def overdue_sql(today: dt.date) -> ColumnElement[bool]:
    """The overdue rule of :func:`assess` as a portable SQL condition."""
    t = _risk_table()
    return and_(
        t.c.status != RiskStatus.CLOSED.value,
        or_(
            and_(t.c.next_review.is_not(None), t.c.next_review < today),
            and_(
                t.c.status == RiskStatus.ACCEPTED.value,
                t.c.acceptance_expiry.is_not(None),
                t.c.acceptance_expiry < today,
            ),
        ),
    )


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
            risk = _risk_table()
            if op is operators.eq and other[0] is not None:
                return exists().where(link.c.risk_id == risk.c.id, link.c.use_case_id == other[0])
            if op is operators.in_op:
                values = list(other[0])
                return exists().where(link.c.risk_id == risk.c.id, link.c.use_case_id.in_(values))
            return super().operate(op, *other, **kwargs)


def linked_titles_sql() -> ColumnElement[str]:
    """The titles of a risk's linked use cases, comma-separated (portable aggregate)."""
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    uc = UseCase.__table__  # type: ignore[attr-defined]
    risk = _risk_table()
    titles = (
        select(func.aggregate_strings(uc.c.title, ", "))
        .where(link.c.risk_id == risk.c.id, link.c.use_case_id == uc.c.id)
        .correlate(risk)
        .scalar_subquery()
    )
    return type_coerce(titles, _LinkedUseCases())


def risk_list_spec(
    *,
    ws: Workspace,
    today: dt.date | None = None,
    band_list: Sequence[Band] | None = None,
    method: str | None = None,
) -> ListSpec:
    """The risk register list, with scores and levels under the workspace's appetite.

    Columns (keys): title, category, status, owner, source, treatment, likelihood,
    impact, inherent_score, inherent_level, res_likelihood, res_impact, residual_score,
    residual_level, next_review, overdue, use_case, updated. Filters by key through
    ``query_ids(filters=...)``: ``category``, ``status`` (a list for several), ``owner``,
    ``inherent_level`` / ``residual_level`` (band name), ``overdue`` (True), ``use_case``
    (a use case id: the risks linked to it), and a heat-map cell with
    :func:`cell_filters`. Levels sort by score. The spec holds the appetite of when it was
    built: rebuild it when ``settings`` changes.
    """
    t = _risk_table()
    today = today or dt.date.today()
    band_list = list(band_list) if band_list is not None else bands(ws=ws)
    method = method or method_of(ws=ws)
    inherent = score_sql(*cell_sql(residual=False), method)
    res_l, res_i = cell_sql(residual=True)
    residual = score_sql(res_l, res_i, method)
    overdue = case((overdue_sql(today), True), else_=False).cast(Boolean)
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
            ListColumn("title", "Title", t.c.title, width=40),
            ListColumn("category", "Category", t.c.category, width=22),
            enum_column("status", "Status", t.c.status, RiskStatus, width=11),
            ListColumn("owner", "Owner", t.c.owner, width=16),
            enum_column("source", "Source", t.c.source, RiskSource, width=14),
            enum_column("treatment", "Treatment", t.c.treatment, Treatment, width=10),
            ListColumn(
                "likelihood", "L", t.c.likelihood, width=4, align="right", tooltip="Likelihood"
            ),
            ListColumn("impact", "I", t.c.impact, width=4, align="right", tooltip="Impact"),
            ListColumn(
                "inherent_score",
                "Inherent",
                inherent,
                width=8,
                align="right",
                formatter="integer",
                tooltip="Inherent score: likelihood and impact before treatment",
            ),
            ListColumn(
                "inherent_level",
                "Inherent level",
                level_sql(inherent, band_list),
                width=10,
                formatter="enum",
                sort_expr=inherent,
            ),
            ListColumn(
                "res_likelihood",
                "Res. L",
                res_l,
                width=5,
                align="right",
                tooltip="Residual likelihood (the inherent one until a residual is set)",
            ),
            ListColumn(
                "res_impact",
                "Res. I",
                res_i,
                width=5,
                align="right",
                tooltip="Residual impact (the inherent one until a residual is set)",
            ),
            ListColumn(
                "residual_score",
                "Residual",
                residual,
                width=8,
                align="right",
                formatter="integer",
                tooltip="Residual score after treatment (inherent when no residual is set)",
            ),
            ListColumn(
                "residual_level",
                "Residual level",
                level_sql(residual, band_list),
                width=10,
                formatter="enum",
                sort_expr=residual,
            ),
            ListColumn(
                "next_review",
                "Next review",
                t.c.next_review,
                width=11,
                formatter="date",
                filterable=False,
            ),
            ListColumn(
                "overdue",
                "Overdue",
                overdue,
                width=8,
                formatter="bool",
                filterable=False,
                tooltip="Review date passed, or an accepted risk whose acceptance expired",
            ),
            ListColumn("use_case", "Use cases", linked_titles_sql(), width=28),
            ListColumn(
                "updated",
                "Updated",
                t.c.updated_at,
                width=16,
                formatter="datetime",
                filterable=False,
            ),
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


# --------------------------------------------------------------------------- heat map


@dataclass(frozen=True)
class HeatmapData:
    """Counts of risks per likelihood x impact cell.

    ``counts[likelihood - 1][impact - 1]``; ``ids[(likelihood, impact)]`` the risk ids in
    a cell (only non-empty cells); ``colors[(likelihood, impact)]`` every cell's band
    colour; ``scores`` every cell's score under the method.
    """

    counts: tuple[tuple[int, ...], ...]
    ids: dict[tuple[int, int], tuple[int, ...]]
    colors: dict[tuple[int, int], str]
    bands: tuple[Band, ...]
    residual: bool
    method: str = DEFAULT_METHOD
    scores: dict[tuple[int, int], int] | None = None
    use_case_id: int | None = None

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)


def _scope(stmt: Any, *, use_case_id: int | None, include_closed: bool) -> Any:
    t = _risk_table()
    if not include_closed:
        stmt = stmt.where(t.c.status.in_(ACTIVE_STATUSES))
    if use_case_id is not None:
        stmt = stmt.where(linked_titles_sql() == use_case_id)
    return stmt


def heatmap(
    *,
    ws: Workspace,
    residual: bool = False,
    use_case_id: int | None = None,
    include_closed: bool = False,
) -> HeatmapData:
    """The heat map of the live register (closed risks left out unless asked for)."""
    t = _risk_table()
    band_list = bands(ws=ws)
    method = method_of(ws=ws)
    lik, imp = cell_sql(residual=residual)
    stmt = _scope(
        select(t.c.id, lik, imp).order_by(t.c.id),
        use_case_id=use_case_id,
        include_closed=include_closed,
    )
    cells: dict[tuple[int, int], list[int]] = {}
    with ws.engine.connect() as conn:
        for risk_id, cell_l, cell_i in conn.execute(stmt):
            cells.setdefault((int(cell_l), int(cell_i)), []).append(risk_id)
    counts = tuple(
        tuple(len(cells.get((row, col), ())) for col in range(1, 6)) for row in range(1, 6)
    )
    scores = {
        (row, col): risk_score(row, col, method) for row in range(1, 6) for col in range(1, 6)
    }
    return HeatmapData(
        counts=counts,
        ids={cell: tuple(ids) for cell, ids in cells.items()},
        colors={cell: level_of(score, band_list).color for cell, score in scores.items()},
        bands=tuple(band_list),
        residual=residual,
        method=method,
        scores=scores,
        use_case_id=use_case_id,
    )


@dataclass(frozen=True)
class Movement:
    """A risk's move on the heat map from its inherent cell to its residual cell
    (cells as (likelihood, impact))."""

    risk_id: int
    title: str
    inherent: tuple[int, int]
    residual: tuple[int, int]


def movements(
    *, ws: Workspace, use_case_id: int | None = None, include_closed: bool = False
) -> list[Movement]:
    """The risks with a residual assessment, from inherent to residual cell, by id."""
    t = _risk_table()
    stmt = _scope(
        select(
            t.c.id,
            t.c.title,
            t.c.likelihood,
            t.c.impact,
            t.c.residual_likelihood,
            t.c.residual_impact,
        )
        .where(t.c.residual_likelihood.is_not(None), t.c.residual_impact.is_not(None))
        .order_by(t.c.id),
        use_case_id=use_case_id,
        include_closed=include_closed,
    )
    with ws.engine.connect() as conn:
        return [
            Movement(row[0], row[1], (row[2], row[3]), (row[4], row[5]))
            for row in conn.execute(stmt)
        ]


def residual_exposure_by_use_case(*, ws: Workspace) -> dict[int, float]:
    """Per use case with live risks: its highest residual score / 25 (0-1)."""
    t = _risk_table()
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    residual = score_sql(*cell_sql(residual=True), method_of(ws=ws))
    stmt = (
        select(link.c.use_case_id, func.max(residual))
        .select_from(link.join(t, link.c.risk_id == t.c.id))
        .where(t.c.status.in_(ACTIVE_STATUSES))
        .group_by(link.c.use_case_id)
    )
    with ws.engine.connect() as conn:
        return {uc: int(score) / 25 for uc, score in conn.execute(stmt)}


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
        risk = session.get(Risk, risk_id)
        if risk is None:
            raise NotFoundError(f"No risk with id {risk_id}; it may have been deleted.")
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


# --------------------------------------------------------------------------- appetite


def validate_appetite(bands: Sequence[Mapping[str, Any]], method: str) -> list[dict[str, Any]]:
    """Check risk bands and a scoring method; returns the bands cleaned up.

    Each band needs a name (unique), an upper bound ``max`` above the previous one, and a
    colour ``#rgb`` / ``#rrggbb``; the last band ends at 25.
    """
    scoring_method(method)
    errors: list[tuple[str, str]] = []
    cleaned: list[dict[str, Any]] = []
    if not bands:
        errors.append(("bands", "at least one band is needed"))
    previous = 0
    names: set[str] = set()
    for position, band in enumerate(bands, start=1):
        where = f"band {position}"
        name = str(band.get("name") or "").strip()
        if not name:
            errors.append((where, "a band needs a name"))
        elif name.lower() in names:
            errors.append((where, f"the name {name!r} is used twice"))
        names.add(name.lower())
        upper = _whole_number(band.get("max"))
        if upper is None:
            errors.append((where, "the upper bound must be a whole number"))
            upper = previous + 1
        if upper <= previous:
            errors.append((where, f"the upper bound {upper} must be above {previous}"))
        elif upper > 25:
            errors.append((where, f"the upper bound {upper} is above 25, the highest score"))
        previous = max(previous, upper)
        color = str(band.get("color") or "").strip()
        if not _COLOR.match(color):
            errors.append((where, f"{color or 'an empty value'} is not a colour like #c62828"))
        cleaned.append({"name": name, "max": upper, "color": color.lower()})
    if bands and previous != 25 and not errors:
        errors.append(("bands", "the last band must end at 25, the highest score"))
    if errors:
        text = "; ".join(f"{where}: {msg}" for where, msg in errors)
        raise ValidationError(f"Invalid risk appetite: {text}", errors)
    return cleaned


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def set_appetite(
    *, ws: Workspace, bands: Sequence[Mapping[str, Any]], method: str, who: str | None = None
) -> tuple[Changes, dict[str, Any]]:
    """Store the risk bands and scoring method; returns the changes and the old values
    ``{"bands": [...], "method": ...}`` (pass them back to undo)."""
    cleaned = validate_appetite(bands, method)
    from .workspace import get_settings

    current = get_settings(ws=ws)
    old = {"bands": [dict(b) for b in current.risk_bands], "method": current.risk_method}
    _obj, changes, _old = records.update(
        ws=ws,
        model=WorkspaceSettings,
        id=1,
        data={"risk_bands": cleaned, "risk_method": method},
        who=who,
    )
    return changes, old


# --------------------------------------------------------------------------- taxonomies


@dataclass(frozen=True)
class Taxonomy:
    """A risk taxonomy and its items ``(key, name, description)``."""

    id: int
    key: str
    name: str
    enabled: bool
    items: tuple[tuple[str, str, str], ...]
    source: str = ""

    @property
    def is_framework(self) -> bool:
        """True for a framework-reference taxonomy (NIST AI RMF), not risk categories."""
        return self.key in FRAMEWORK_TAXONOMY_KEYS


def taxonomies(*, ws: Workspace) -> list[Taxonomy]:
    """Every taxonomy of the workspace with its items, in the order they were added."""
    tax = RiskTaxonomy.__table__  # type: ignore[attr-defined]
    item = RiskTaxonomyItem.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        items: dict[int, list[tuple[str, str, str]]] = {}
        for row in conn.execute(
            select(item.c.taxonomy_id, item.c.key, item.c.name, item.c.description).order_by(
                item.c.id
            )
        ):
            items.setdefault(row[0], []).append((row[1], row[2], row[3]))
        return [
            Taxonomy(
                id=row.id,
                key=row.key,
                name=row.name,
                enabled=bool(row.enabled),
                items=tuple(items.get(row.id, ())),
                source=row.source,
            )
            for row in conn.execute(select(tax).order_by(tax.c.id))
        ]


def category_choices(*, ws: Workspace) -> list[str]:
    """Risk category names from the enabled taxonomies (framework references excluded)."""
    names: dict[str, None] = {}
    for taxonomy in taxonomies(ws=ws):
        if taxonomy.enabled and not taxonomy.is_framework:
            names.update((name, None) for _key, name, _desc in taxonomy.items)
    return list(names)


def framework_choices(*, ws: Workspace) -> list[str]:
    """Framework reference names (NIST AI RMF categories) from the enabled taxonomies."""
    names: dict[str, None] = {}
    for taxonomy in taxonomies(ws=ws):
        if taxonomy.enabled and taxonomy.is_framework:
            names.update((name, None) for _key, name, _desc in taxonomy.items)
    return list(names)


def _slug(text: str) -> str:
    return "_".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())[:50] or "item"


def add_taxonomy(
    *,
    ws: Workspace,
    name: str,
    items: Sequence[str | tuple[str, str]],
    who: str | None = None,
) -> tuple[int, Changes]:
    """Add a user taxonomy of risk categories; items are names or (name, description).

    Returns the new taxonomy's id and the changes. Undo with ``records.delete`` of the
    :class:`RiskTaxonomy` (its items go with it).
    """
    name = (name or "").strip()
    errors: list[tuple[str, str]] = []
    if not name:
        errors.append(("name", "a taxonomy needs a name"))
    parsed: list[tuple[str, str]] = []
    seen: set[str] = set()
    for position, entry in enumerate(items, start=1):
        item_name, description = (entry, "") if isinstance(entry, str) else entry
        item_name, description = (item_name or "").strip(), (description or "").strip()
        if not item_name:
            errors.append((f"item {position}", "an item needs a name"))
            continue
        if item_name.lower() in seen:
            errors.append((f"item {position}", f"{item_name!r} is listed twice"))
        seen.add(item_name.lower())
        parsed.append((item_name[:200], description))
    if not parsed and not errors:
        errors.append(("items", "a taxonomy needs at least one item"))
    if errors:
        text = "; ".join(f"{where}: {msg}" for where, msg in errors)
        raise ValidationError(f"Invalid taxonomy: {text}", errors)
    tax = RiskTaxonomy.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        keys = set(session.execute(select(tax.c.key)).scalars())
        base = f"custom_{_slug(name)}"
        key, counter = base, 2
        while key in keys:
            key, counter = f"{base}_{counter}", counter + 1
        taxonomy = RiskTaxonomy(key=key, name=name[:200], source="Added in this workspace")
        session.add(taxonomy)
        session.flush()
        item_keys: set[str] = set()
        rows = []
        for item_name, description in parsed:
            item_key, counter = _slug(item_name), 2
            while item_key in item_keys:
                item_key, counter = f"{_slug(item_name)}_{counter}", counter + 1
            item_keys.add(item_key)
            rows.append(
                {
                    "taxonomy_id": taxonomy.id,
                    "key": item_key,
                    "name": item_name,
                    "description": description,
                }
            )
        session.execute(insert(RiskTaxonomyItem.__table__), rows)  # type: ignore[attr-defined]
        new_id = int(taxonomy.id or 0)
    return new_id, Changes("risk_taxonomy", (new_id,), "create")


def set_taxonomy_enabled(
    *, ws: Workspace, taxonomy_id: int, enabled: bool, who: str | None = None
) -> tuple[Changes, bool]:
    """Offer (or stop offering) a taxonomy's items as choices; returns the old state."""
    with ws.write(who=who) as session:
        taxonomy = session.get(RiskTaxonomy, taxonomy_id)
        if taxonomy is None:
            raise NotFoundError(f"No risk taxonomy with id {taxonomy_id}.")
        old = bool(taxonomy.enabled)
        if old != bool(enabled):
            taxonomy.enabled = bool(enabled)
    return Changes("risk_taxonomy", (taxonomy_id,), "update"), old


# --------------------------------------------------------------------------- import/export

#: Columns a risk spreadsheet may have (normalised header -> what it holds).
IMPORT_COLUMNS: dict[str, str] = {
    "title": "Short name of the risk (required)",
    "description": "What could go wrong and for whom",
    "category": "A category from a taxonomy, e.g. Confabulation",
    "source": "review, red team, incident, customer feedback or vendor change",
    "owner": "Who owns the risk",
    "likelihood": "1 (rare) to 5 (almost certain)",
    "impact": "1 (negligible) to 5 (severe)",
    "treatment": "mitigate, accept, avoid or transfer",
    "residual_likelihood": "1-5 after treatment (with residual impact, or both empty)",
    "residual_impact": "1-5 after treatment",
    "status": "open, mitigating, accepted or closed",
    "acceptance_rationale": "Why the risk is accepted (accepted risks)",
    "approver": "Who accepted the risk (accepted risks)",
    "acceptance_expiry": "Date the acceptance ends, YYYY-MM-DD",
    "review_cadence_days": "Days between reviews",
    "next_review": "Next review date, YYYY-MM-DD",
    "framework_refs": "Framework references, e.g. NIST AI RMF MEASURE 2.5",
    "use_cases": "Linked use cases: ids or titles separated by ';'",
}
#: Derived columns an export adds; an import accepts and ignores them.
DERIVED_COLUMNS = (
    "id",
    "inherent_score",
    "inherent_level",
    "residual_score",
    "residual_level",
    "overdue",
)
EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "description",
    "category",
    "source",
    "owner",
    "likelihood",
    "impact",
    "inherent_score",
    "inherent_level",
    "treatment",
    "residual_likelihood",
    "residual_impact",
    "residual_score",
    "residual_level",
    "status",
    "acceptance_rationale",
    "approver",
    "acceptance_expiry",
    "review_cadence_days",
    "next_review",
    "overdue",
    "framework_refs",
    "use_cases",
)
_ALIASES = {"use_case": "use_cases", "linked_use_cases": "use_cases", "use_case_ids": "use_cases"}
_ENUM_FIELDS = {"source": RiskSource, "treatment": Treatment, "status": RiskStatus}
_MAX_LISTED = 20


def _enum_value(text: str, enum_cls: type[enum.Enum]) -> str:
    value = "_".join(text.strip().lower().replace("-", " ").split())
    return value if value in {m.value for m in enum_cls} else text


def import_risks(
    *, ws: Workspace, source: Path | str, who: str | None = None
) -> tuple[Changes, int]:
    """Import risks from a CSV or XLSX file, all or nothing.

    Every row is validated first (the same rules as the risk form); any problem raises a
    :class:`ValidationError` listing the rows and fields, and nothing is written. Linked
    use cases are given by id or title. Returns the changes and the number imported.
    """
    source = Path(source).expanduser()
    rows = tabular.read_rows(source, required=("title",))
    if not rows:
        raise UserError(f"{source.name} has no risks to import (only a header row).")
    header = set(rows[0].cells)
    for row in rows[1:]:
        header |= set(row.cells)
    known = set(IMPORT_COLUMNS) | set(DERIVED_COLUMNS) | set(_ALIASES)
    unknown = sorted(header - known)
    if unknown:
        raise UserError(
            f"{source.name}: unknown column(s) {', '.join(unknown)}; the columns are "
            f"{', '.join(IMPORT_COLUMNS)}."
        )
    uc = UseCase.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        use_cases = [(row[0], row[1]) for row in conn.execute(select(uc.c.id, uc.c.title))]
    by_id = {uc_id for uc_id, _ in use_cases}
    by_title: dict[str, list[int]] = {}
    for uc_id, title in use_cases:
        by_title.setdefault(title.strip().lower(), []).append(uc_id)

    errors: list[tuple[str, str]] = []
    prepared: list[tuple[dict[str, Any], list[int]]] = []
    for row in rows:
        cells = {_ALIASES.get(k, k): v for k, v in row.cells.items()}
        payload: dict[str, Any] = {}
        for key, value in cells.items():
            if key in DERIVED_COLUMNS or key == "use_cases" or value == "":
                continue
            payload[key] = _enum_value(value, _ENUM_FIELDS[key]) if key in _ENUM_FIELDS else value
        links: list[int] = []
        for token in re.split(r"[;\n]", cells.get("use_cases", "")):
            token = token.strip()
            if not token:
                continue
            if token.isdigit() and int(token) in by_id:
                links.append(int(token))
                continue
            matches = by_title.get(token.lower(), [])
            if len(matches) == 1:
                links.append(matches[0])
            elif matches:
                errors.append(
                    (f"row {row.number}, use_cases", f"{token!r} names several use cases; use ids")
                )
            else:
                errors.append((f"row {row.number}, use_cases", f"no use case {token!r}"))
        try:
            checked = Risk.model_validate(RiskCreate.model_validate(payload))
        except pydantic.ValidationError as error:
            for item in error.errors():
                loc = ".".join(str(p) for p in item.get("loc", ()))
                msg = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
                errors.append((f"row {row.number}, {loc}" if loc else f"row {row.number}", msg))
            continue
        values = checked.model_dump()
        values.pop("id", None)
        prepared.append((values, sorted(set(links))))
    if errors:
        bad_rows = len({where.split(",")[0] for where, _ in errors})
        shown = "; ".join(f"{where}: {msg}" for where, msg in errors[:_MAX_LISTED])
        more = f" (first {_MAX_LISTED} of {len(errors)} problems)" if len(errors) > 20 else ""
        raise ValidationError(
            f"{source.name}: {bad_rows} of {len(rows)} rows cannot be imported; nothing was "
            f"imported{more}. {shown}",
            errors,
        )
    t = _risk_table()
    link = RiskUseCaseLink.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        result = session.execute(
            insert(t).returning(t.c.id, sort_by_parameter_order=True),
            [values for values, _ in prepared],
        )
        ids = [row[0] for row in result]
        link_rows = [
            {"risk_id": risk_id, "use_case_id": uc_id}
            for risk_id, (_values, links) in zip(ids, prepared, strict=True)
            for uc_id in links
        ]
        if link_rows:
            session.execute(insert(link), link_rows)
    return Changes("risk", tuple(ids), "create"), len(ids)


def export_rows(*, ws: Workspace, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every risk, by id, as a dict of :data:`EXPORT_COLUMNS` plus ``use_case_ids`` and
    ``days_overdue`` (derived values from :func:`assess`)."""
    today = today or dt.date.today()
    band_list, method = bands(ws=ws), method_of(ws=ws)
    t = _risk_table()
    uc = UseCase.__table__  # type: ignore[attr-defined]
    links = links_by_risk(ws=ws)
    with ws.engine.connect() as conn:
        titles: dict[int, str] = {
            row[0]: row[1] for row in conn.execute(select(uc.c.id, uc.c.title))
        }
        risks = conn.execute(select(t).order_by(t.c.id)).mappings().all()
    result = []
    for risk in risks:
        derived = assess(risk, bands=band_list, method=method, today=today)
        row = {key: risk.get(key) for key in EXPORT_COLUMNS if key in risk}
        row.update(
            inherent_score=derived.inherent_score,
            inherent_level=derived.inherent_level.name,
            residual_score=derived.residual_score,
            residual_level=derived.residual_level.name,
            overdue="yes" if derived.overdue else "no",
            use_cases="; ".join(titles[i] for i in links.get(risk["id"], ()) if i in titles),
            use_case_ids=list(links.get(risk["id"], ())),
            days_overdue=derived.days_overdue,
        )
        result.append(row)
    return result


def export_risks(*, ws: Workspace, out: Path | str) -> Path:
    """Write the register to a CSV or XLSX file (formula-safe); returns the path."""
    rows = export_rows(ws=ws)
    return tabular.write_rows(
        out, EXPORT_COLUMNS, ([row.get(key) for key in EXPORT_COLUMNS] for row in rows)
    )


def owner_choices(*, ws: Workspace) -> list[str]:
    """The distinct owners of the register (for the owner filter), sorted."""
    table = Risk.__table__  # type: ignore[attr-defined]
    stmt = select(table.c.owner).where(table.c.owner != "").distinct().order_by(table.c.owner)
    with ws.engine.connect() as conn:
        return [row[0] for row in conn.execute(stmt)]
