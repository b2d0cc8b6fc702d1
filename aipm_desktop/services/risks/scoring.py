"""Risk scoring: the likelihood and impact levels, scoring methods, appetite bands, and
what is derived from one risk's stored fields.

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

The appetite (bands and scoring method) is validated and stored by
:func:`validate_appetite` and :func:`set_appetite`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_

from ... import resources
from ...errors import ValidationError
from ...models import Risk, WorkspaceSettings
from ...models.enums import RiskStatus
from ...store import Workspace
from .. import clock, records
from ..changes import Changes
from ..dates import format_date

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
    from ..workspace import get_settings

    return bands_from_settings(get_settings(ws=ws).risk_bands)


def method_of(*, ws: Workspace) -> str:
    """The workspace's scoring method key (the default when the stored one is unknown)."""
    from ..workspace import get_settings

    method = get_settings(ws=ws).risk_method
    return method if method in _METHODS else DEFAULT_METHOD


def level_of(score: int, bands: Sequence[Band]) -> Band:
    """The band a score falls in (the last band for anything above)."""
    for band in bands:
        if score <= band.high:
            return band
    return bands[-1]


def level_colors(bands: Sequence[Band]) -> dict[str, str]:
    """Each level's colour (``#rrggbb``) by band name: the colours the heat map paints."""
    return {band.name: band.color for band in bands}


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


def _overdue(risk: Any, today: dt.date) -> tuple[int, tuple[str, ...]] | None:
    """(days overdue, reasons) or None. The Python twin of :func:`overdue_sql`."""
    status = _text(_field(risk, "status"))
    if status == RiskStatus.CLOSED:
        return None
    found: list[tuple[int, str]] = []
    review = records.parse_date(_field(risk, "next_review"))
    if review is not None and review < today:
        days = (today - review).days
        found.append((days, f"Review was due on {format_date(review)} ({_days(days)} ago)."))
    expiry = records.parse_date(_field(risk, "acceptance_expiry"))
    if status == RiskStatus.ACCEPTED and expiry is not None and expiry < today:
        days = (today - expiry).days
        found.append(
            (
                days,
                f"The risk acceptance expired on {format_date(expiry)} ({_days(days)} ago): "
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
    today = today or clock.today()
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


def risk_table() -> Any:
    """The ``risk`` table, for the SQL expressions of this package."""
    return Risk.__table__  # type: ignore[attr-defined]


def cell_sql(*, residual: bool) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """(likelihood, impact) of a risk as SQL: the stored ones, or the residual with the
    inherent fallback of :func:`assess`."""
    t = risk_table()
    if not residual:
        return t.c.likelihood, t.c.impact
    return (
        func.coalesce(t.c.residual_likelihood, t.c.likelihood),
        func.coalesce(t.c.residual_impact, t.c.impact),
    )


def overdue_sql(today: dt.date) -> ColumnElement[bool]:
    """The overdue rule of :func:`assess` as a portable SQL condition."""
    t = risk_table()
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


# --------------------------------------------------------------------------- appetite

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


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
    from ..workspace import get_settings

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
