"""The value / feasibility matrix: one bubble per scored use case.

Value (x) and feasibility (y) are weighted 0-100 scores over the model's "value" and
"feasibility" criteria; the colour shows risk (the weighted level of the "risk"
criteria, higher = riskier) in thirds; the size shows reach or the cheapest 3-year cost
of ownership. Quadrants split at 50. Only complete use cases are drawn.

:func:`matrix_data` is pure data (no matplotlib); :func:`draw_on` draws bubbles on a
figure and returns what a canvas needs for hover and click hit-testing;
:func:`build_figure` is the chart registered for ``aipm chart FILE matrix``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import UserError
from ...models.usecases import COST_FIELDS
from .. import scoring
from ..tabular import collector_paused
from ..usecases import tco
from . import KeyNumber, key_handler_map, text_size, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace

QUADRANTS: tuple[str, ...] = ("Quick wins", "Strategic bets", "Fill-ins", "Deprioritise")
SIZE_OPTIONS = ("reach", "cost")
RISK_LEVELS = ("low", "medium", "high")
#: Risk level -> bubble colour (green / amber / red; grey when the model has no risk
#: criteria).
RISK_COLORS = {"low": "#43a047", "medium": "#ffb300", "high": "#e53935", "none": "#90a4ae"}
QUADRANT_COLORS = {
    "Quick wins": "#e8f5e9",
    "Strategic bets": "#e3f2fd",
    "Fill-ins": "#fff8e1",
    "Deprioritise": "#f3f3f3",
}
EMPTY_HINT = "Score use cases to see them here"
SPLIT = 50.0
MARGIN = 5.0  # axis margin around 0-100
LABEL_ALL_UP_TO = 30  # label every bubble up to this many; beyond, the top ones only
LABEL_TOP = 12
LABEL_WRAP = 24  # a label wraps onto lines of about this many characters
KEY_WRAP = 30  # a key entry too
LABEL_FONT_SIZE = 8.0
NUMBER_FONT_SIZE = 7.5


@dataclass(frozen=True)
class Bubble:
    """One use case on the matrix.

    ``size`` is the reach level (1-5) or the cheapest 3-year cost (0 when no option has
    a cost), by the ``size_by`` option; ``score`` is its overall 0-100 score.
    """

    use_case_id: int
    title: str
    value: float
    feasibility: float
    size: float
    risk: float
    risk_level: str
    quadrant: str
    score: float = 0.0


def quadrant_of(value: float, feasibility: float) -> str:
    if value >= SPLIT:
        return QUADRANTS[0] if feasibility >= SPLIT else QUADRANTS[1]
    return QUADRANTS[2] if feasibility >= SPLIT else QUADRANTS[3]


def risk_level_of(risk: float) -> str:
    if risk < 100.0 / 3.0:
        return "low"
    if risk < 200.0 / 3.0:
        return "medium"
    return "high"


def _check_size_by(size_by: str) -> str:
    if size_by not in SIZE_OPTIONS:
        raise UserError(f"unknown bubble size {size_by!r}; use reach or cost.")
    return size_by


def _size_criterion(criteria: Sequence[scoring.CriterionInfo]) -> scoring.CriterionInfo | None:
    for crit in criteria:
        if crit.key == "reach":
            return crit
    return next((c for c in criteria if c.group == "value"), None)


def _group_axis(
    criteria: Sequence[scoring.CriterionInfo], group: str
) -> list[tuple[int, float, scoring.CriterionInfo]]:
    members = [c for c in criteria if c.group == group]
    total = sum(c.weight for c in members)
    return [(c.id, c.weight / total, c) for c in members] if total > 0 else []


def matrix_data(
    *,
    ws: Workspace,
    model_id: int | None = None,
    size_by: str = "reach",
    risk_from_register: bool = False,
) -> list[Bubble]:
    """The bubbles of the complete use cases, in ranking order.

    ``risk_from_register`` lets open residual risks feed the risk criterion (see
    :func:`aipm_desktop.services.scoring.rank`).
    """
    import numpy as np

    _check_size_by(size_by)
    model_id = scoring.active_model_id(ws=ws) if model_id is None else model_id
    criteria = scoring.model_criteria(ws=ws, model_id=model_id)
    value_axis = _group_axis(criteria, "value")
    feasibility_axis = _group_axis(criteria, "feasibility")
    if criteria and (not value_axis or not feasibility_axis):
        name = scoring.model_name(ws=ws, model_id=model_id)
        raise UserError(
            f"The scoring model {name!r} needs at least one value and one feasibility "
            "criterion to place use cases on the matrix."
        )
    risk_axis = _group_axis(criteria, "risk")
    size_crit = _size_criterion(criteria)
    ranked = [
        r
        for r in scoring.rank(ws=ws, model_id=model_id, risk_from_register=risk_from_register)
        if r.complete and r.score is not None
    ]
    costs = _costs(ws, {r.use_case_id for r in ranked}) if size_by == "cost" and ranked else {}
    if not ranked:
        return []
    levels = scoring.level_matrix(ranked, [c.id for c in criteria])
    column = {c.id: i for i, c in enumerate(criteria)}

    def axis(members: list[tuple[int, float, scoring.CriterionInfo]], against: bool) -> list:
        # As a Python sum over the criteria in order: the same floats, row by row.
        total = np.zeros(len(ranked), dtype=np.float64)
        for cid, share, crit in members:
            points = [share * (1 - u if against else u) for u in _utilities(crit)]
            total += np.array(points, dtype=np.float64)[levels[:, column[cid]]]
        # Round off float noise so that exactly 50 lands in the upper quadrant.
        return scoring.round_places(100.0 * total, 6)

    values, feasibilities = axis(value_axis, False), axis(feasibility_axis, False)
    risks = axis(risk_axis, True) if risk_axis else [0.0] * len(ranked)
    # As quadrant_of and risk_level_of decide, for every bubble at once.
    v, f, r = np.array(values), np.array(feasibilities), np.array(risks)
    upper = f >= SPLIT
    quadrants = np.where(v >= SPLIT, np.where(upper, 0, 1), np.where(upper, 2, 3)).tolist()
    risk_levels = ((r >= 100.0 / 3.0).astype(int) + (r >= 200.0 / 3.0)).tolist()
    if size_by == "cost":
        sizes = [costs.get(item.use_case_id, 0.0) for item in ranked]
    elif size_crit is not None:
        sizes = [float(v) for v in levels[:, column[size_crit.id]].tolist()]
    else:
        sizes = [1.0] * len(ranked)
    # Bubbles skip the frozen dataclass __init__ (10,000 of them): fields go to __dict__;
    # none forms a cycle, so the cyclic collector need not run while they are made.
    new = object.__new__
    bubbles: list[Bubble] = []
    with collector_paused():
        for item, value, feas, risk, size, quadrant, risk_level in zip(
            ranked, values, feasibilities, risks, sizes, quadrants, risk_levels, strict=True
        ):
            bubble = new(Bubble)
            bubble.__dict__.update(
                use_case_id=item.use_case_id,
                title=item.title,
                value=value,
                feasibility=feas,
                size=size,
                risk=risk,
                risk_level=RISK_LEVELS[risk_level] if risk_axis else "none",
                quadrant=QUADRANTS[quadrant],
                score=float(item.score),
            )
            bubbles.append(bubble)
    return bubbles


def _utilities(crit: scoring.CriterionInfo) -> list[float]:
    """The criterion's utility by level, index 0 (no score) unused."""
    return [0.0, *(crit.utility(v) for v in scoring.LEVELS)]


def _costs(ws: Workspace, ids: set[int]) -> dict[int, float]:
    """use case id -> cheapest 3-year cost of ownership (use cases with a cost only)."""
    from sqlalchemy import select

    from ...models import UseCase

    u = UseCase.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        rows = session.execute(select(u.c.id, *(u.c[name] for name in COST_FIELDS))).all()
    out: dict[int, float] = {}
    for row in rows:
        if row[0] not in ids:
            continue
        options, cheapest = tco(dict(zip(COST_FIELDS, row[1:], strict=True)))
        for option in options:
            if option.option == cheapest and option.three_year is not None:
                out[row[0]] = option.three_year
    return out


# drawing -----------------------------------------------------------------------------


def _areas(sizes: Any, size_by: str) -> Any:
    """Marker areas (points^2) of bubbles of ``sizes`` (an array): fewer, larger bubbles
    on a sparse matrix."""
    import numpy as np

    n = max(len(sizes), 1)
    s_max = 900.0 if n <= LABEL_ALL_UP_TO else max(40.0, 900.0 * math.sqrt(LABEL_ALL_UP_TO / n))
    s_min = s_max * 0.12
    if size_by == "cost":
        top = float(sizes.max()) if len(sizes) else 0.0
        return s_min + (s_max - s_min) * (sizes / top if top > 0 else np.zeros(len(sizes)))
    return s_min + (s_max - s_min) * (np.clip(sizes, 1.0, 5.0) - 1.0) / 4.0


def _label_text(title: str) -> str:
    """A bubble's label: the whole title, wrapped on words (never cut)."""
    return wrap(title, LABEL_WRAP)


def _overlaps(box: tuple[float, float, float, float], others: list[tuple]) -> bool:
    x0, y0, x1, y1 = box
    return any(not (x1 <= a0 or a1 <= x0 or y1 <= b0 or b1 <= y0) for a0, b0, a1, b1 in others)


def _free_spot(
    centre: tuple[float, float],
    radius: float,
    size: tuple[float, float],
    others: list[tuple[float, float, float, float]],
    frame: Any,
    px_per_pt: float,
    steps: Sequence[float],
) -> tuple[float, float, int, int, tuple[float, float, float, float], float] | None:
    """The first position around a bubble where a box of ``size`` (pixels) is inside the
    axes and clear of ``others``: ``(dx, dy, side x, side y, box, step)`` or None."""
    cx, cy = centre
    width, height = size
    for step in steps:
        gap = radius + 3.0 * px_per_pt * step
        for dx, dy in ((1, 1), (1, -1), (-1, 1), (-1, -1), (0, 1), (0, -1), (1, 0), (-1, 0)):
            ox, oy = dx * gap * (0.72 if dy else 1.0), dy * gap * (0.72 if dx else 1.0)
            x0 = cx + ox - (0 if dx > 0 else width if dx < 0 else width / 2)
            y0 = cy + oy - (0 if dy > 0 else height if dy < 0 else height / 2)
            box = (x0, y0, x0 + width, y0 + height)
            inside = frame.x0 <= box[0] and box[2] <= frame.x1
            inside = inside and frame.y0 <= box[1] and box[3] <= frame.y1
            if inside and not _overlaps(box, others):
                return ox, oy, dx, dy, box, step
    return None


def _place_labels(
    ax: Any,
    figure: Any,
    bubbles: Sequence[Bubble],
    radii_px: list[float],
    highlight: int | None,
    spots: Any,
    numbered_ids: frozenset[int] = frozenset(),
    measure: Callable[..., tuple[float, float]] = text_size,
) -> tuple[dict[int, Any], list[tuple[int, str]], list[int]]:
    """Greedy label placement: try positions around each bubble, keep the first free one.

    A label is the whole title, wrapped; a bubble whose label finds no free spot gets a
    number instead (placed the same way), and the key (returned as ``(number, title)``)
    names it (so do the bubbles of ``numbered_ids``). ``spots`` holds the bubbles' ``(value,
    feasibility)`` rows, an array. Returns ``(use case id -> label
    artist, key, the use case ids named by a number)``. ``measure`` is
    :func:`~aipm_desktop.services.charts.text_size` or a memo of it.
    """
    n = len(bubbles)
    picked = list(range(n)) if n <= LABEL_ALL_UP_TO else list(range(min(LABEL_TOP, n)))
    for i, b in enumerate(bubbles):
        if b.use_case_id == highlight and i not in picked:
            picked.insert(0, i)
        elif b.use_case_id == highlight:
            picked.remove(i)
            picked.insert(0, i)
    if not picked:
        return {}, [], []
    engine = figure.get_layout_engine()
    if engine is not None:
        engine.execute(figure)  # final axes position, without drawing anything
    px_per_pt = figure.dpi / 72.0
    frame = ax.get_window_extent()
    centres = ax.transData.transform(spots).tolist()
    # Labelled bubbles are obstacles for other labels.
    taken: list[tuple[float, float, float, float]] = [
        (cx - radii_px[i], cy - radii_px[i], cx + radii_px[i], cy + radii_px[i])
        for i in picked
        for cx, cy in [centres[i]]
    ]
    # The quadrant names in the corners are obstacles too.
    for text in ax.texts:
        if text.get_text() in QUADRANTS:
            tx, ty = ax.transData.transform(text.get_position())
            w, h = (v * px_per_pt for v in measure(text.get_text(), 11, weight="bold"))
            x0 = tx - w if text.get_horizontalalignment() == "right" else tx
            y0 = ty - h if text.get_verticalalignment() == "top" else ty
            taken.append((x0, y0, x0 + w, y0 + h))
    labels: dict[int, Any] = {}
    numbered: list[int] = []
    for i in picked:
        b = bubbles[i]
        text = _label_text(b.title)
        bold = b.use_case_id == highlight
        w_pt, h_pt = measure(text, LABEL_FONT_SIZE, weight="bold" if bold else "normal")
        size = (w_pt * px_per_pt + 2, h_pt * px_per_pt + 2)
        cx, cy = centres[i]
        own = (cx - radii_px[i], cy - radii_px[i], cx + radii_px[i], cy + radii_px[i])
        others = [box for box in taken if box != own]
        chosen = None
        if bold or b.use_case_id not in numbered_ids:
            chosen = _free_spot(
                (cx, cy), radii_px[i], size, others, frame, px_per_pt, (1.0, 2.2, 3.6)
            )
        if chosen is None and not bold:
            numbered.append(i)
            continue
        if chosen is None:  # the highlighted bubble is always named
            gap = radii_px[i] + 3.0 * px_per_pt
            chosen = (gap, gap, 1, 1, (cx, cy, cx + size[0], cy + size[1]), 1.0)
        labels[b.use_case_id] = _annotate(ax, b, text, chosen, px_per_pt, bold=bold)
        taken.append(chosen[4])
    key: list[tuple[int, str]] = []
    ids: list[int] = []
    for i in numbered:
        b = bubbles[i]
        number = str(len(key) + 1)
        w_pt, h_pt = measure(number, NUMBER_FONT_SIZE, weight="bold")
        size = (w_pt * px_per_pt + 4, h_pt * px_per_pt + 2)
        cx, cy = centres[i]
        own = (cx - radii_px[i], cy - radii_px[i], cx + radii_px[i], cy + radii_px[i])
        others = [box for box in taken if box != own]
        chosen = _free_spot(
            (cx, cy), radii_px[i], size, others, frame, px_per_pt, (0.6, 1.2, 2.2, 3.6, 5.0, 6.5)
        )
        if chosen is None:
            continue  # nowhere to write even a number (bubbles piled up): hover names it
        labels[b.use_case_id] = _annotate(ax, b, number, chosen, px_per_pt, number=True)
        taken.append(chosen[4])
        key.append((len(key) + 1, b.title))
        ids.append(b.use_case_id)
    return labels, key, ids


def _annotate(
    ax: Any,
    b: Bubble,
    text: str,
    chosen: tuple[float, float, int, int, Any, float],
    px_per_pt: float,
    *,
    bold: bool = False,
    number: bool = False,
) -> Any:
    ox, oy, dx, dy, _box, step = chosen
    annotation = ax.annotate(
        text,
        (b.value, b.feasibility),
        xytext=(ox / px_per_pt, oy / px_per_pt),
        textcoords="offset points",
        ha="left" if dx > 0 else "right" if dx < 0 else "center",
        va="bottom" if dy > 0 else "top" if dy < 0 else "center",
        fontsize=NUMBER_FONT_SIZE if number else LABEL_FONT_SIZE,
        fontweight="bold" if bold or number else "normal",
        color="#212121",
        linespacing=1.1,
        arrowprops={"arrowstyle": "-", "color": "#757575", "lw": 0.6} if step > 1 else None,
        annotation_clip=False,
        zorder=5,
    )
    annotation.set_in_layout(False)
    return annotation


def _legend(
    ax: Any, handles: list[Any], key: list[tuple[int, str]], kwargs: dict[str, Any]
) -> None:
    """The risk colours, then the key of the bubbles named by a number."""
    numbers = [KeyNumber(number) for number, _title in key]
    ax.legend(
        handles=[*handles, *numbers],
        labels=[*(h.get_label() for h in handles), *(wrap(t, KEY_WRAP) for _n, t in key)],
        handler_map=key_handler_map(),
        **kwargs,
    )


def draw_on(
    figure: Figure,
    bubbles: Sequence[Bubble],
    *,
    highlight: int | None = None,
    size_by: str = "reach",
    title: str = "",
) -> dict[str, Any]:
    """Draw the matrix of ``bubbles`` on ``figure`` (cleared first).

    Returns ``{"axes", "collection", "labels", "points"}``: ``points`` lists
    ``(use_case_id, x, y, radius_px)`` with ``x, y`` in data coordinates (0-100; turn
    them into pixels with ``axes.transData.transform``) and the bubble radius in pixels at
    the figure's dpi, topmost bubble last; ``labels`` maps use case ids to their label
    artists: the whole title (wrapped), or a number that the legend's key explains when
    the title finds no free room near its bubble.
    """
    import numpy as np
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    _check_size_by(size_by)
    figure.clear()
    ax = figure.add_subplot()
    # A margin around 0-100 keeps bubbles on the edges whole and clear of the title.
    ax.set_xlim(-MARGIN, 100 + MARGIN)
    ax.set_ylim(-MARGIN, 100 + MARGIN)
    ax.set_xlabel("Value (0-100)")
    ax.set_ylabel("Feasibility (0-100)")
    ax.set_title(title or "Value vs feasibility", loc="left", fontsize=12)
    low, high, span = -MARGIN, 100 + MARGIN, SPLIT + MARGIN
    corners = {
        "Quick wins": (SPLIT, SPLIT, high - 1.5, high - 1.5, "right", "top"),
        "Strategic bets": (SPLIT, low, high - 1.5, low + 1.5, "right", "bottom"),
        "Fill-ins": (low, SPLIT, low + 1.5, high - 1.5, "left", "top"),
        "Deprioritise": (low, low, low + 1.5, low + 1.5, "left", "bottom"),
    }
    for name, (x0, y0, tx, ty, ha, va) in corners.items():
        ax.add_patch(
            Rectangle((x0, y0), span, span, facecolor=QUADRANT_COLORS[name], lw=0, zorder=0)
        )
        ax.text(tx, ty, name, ha=ha, va=va, fontsize=11, color="#607d8b", weight="bold", zorder=1)
    ax.axvline(SPLIT, color="#90a4ae", lw=1.0, ls="--", zorder=1)
    ax.axhline(SPLIT, color="#90a4ae", lw=1.0, ls="--", zorder=1)
    ax.set_xticks(range(0, 101, 25))
    ax.set_yticks(range(0, 101, 25))
    for spine in ax.spines.values():
        spine.set_color("#b0bec5")

    if not bubbles:
        ax.text(
            50,
            50,
            EMPTY_HINT,
            ha="center",
            va="center",
            fontsize=13,
            color="#455a64",
            bbox={"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": "#cfd8dc"},
            zorder=5,
        )
        return {"axes": ax, "collection": None, "labels": {}, "points": []}

    # Arrays, not lists: matplotlib checks a list element by element (0.2 s for 10,000).
    levels = [*RISK_COLORS]
    level_at = {level: i for i, level in enumerate(levels)}
    with collector_paused():  # rows of 10,000 bubbles, no cycles
        ids = np.array([b.use_case_id for b in bubbles])
        spots = np.array([(b.value, b.feasibility) for b in bubbles], dtype=np.float64)
        sizes = np.array([b.size for b in bubbles], dtype=np.float64)
        colour_at = np.array([level_at[b.risk_level] for b in bubbles])
    areas = _areas(sizes, size_by)
    # Draw big bubbles first so small ones stay visible (and clickable) on top.
    order = np.argsort(-areas, kind="stable")
    rgba = np.array([to_rgba(RISK_COLORS[level]) for level in levels])
    collection = ax.scatter(
        spots[order, 0],
        spots[order, 1],
        s=areas[order],
        c=rgba[colour_at[order]],
        alpha=0.75 if len(bubbles) <= 200 else 0.5,
        edgecolors="white",
        linewidths=0.8 if len(bubbles) <= 200 else 0.0,
        zorder=3,
    )
    px_per_pt = figure.dpi / 72.0
    radii_px = np.sqrt(areas) / 2.0 * px_per_pt
    radii = radii_px.tolist()
    if highlight is not None:
        for i, b in enumerate(bubbles):
            if b.use_case_id == highlight:
                ax.scatter(
                    [b.value],
                    [b.feasibility],
                    s=[float(areas[i]) * 1.25 + 60],
                    facecolors="none",
                    edgecolors="#1a237e",
                    linewidths=2.2,
                    zorder=4,
                    clip_on=False,
                )
    drawn_levels = {levels[i] for i in np.unique(colour_at).tolist()}
    present = [level for level in (*RISK_LEVELS, "none") if level in drawn_levels]
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markersize=9,
            markerfacecolor=RISK_COLORS[level],
            markeredgecolor="white",
            label="no risk criteria" if level == "none" else f"{level} risk",
        )
        for level in present
    ]
    size_text = "reach" if size_by == "reach" else "3-year cost"
    legend_kwargs = {
        "title": f"Colour: risk\nSize: {size_text}",
        "alignment": "left",
        "loc": "upper left",
        "bbox_to_anchor": (1.01, 1.0),
        "frameon": False,
        "fontsize": 9,
        "title_fontsize": 9,
    }
    # The key (bubbles named by a number) sits in the legend, which takes room from the
    # axes: place the labels again while the key grows (a bubble once named by a number
    # stays so, so this ends).
    key: list[tuple[int, str]] = []
    numbered: frozenset[int] = frozenset()
    labels: dict[int, Any] = {}
    measure = functools.cache(text_size)  # each attempt measures the same texts
    for _attempt in range(4):
        _legend(ax, handles, key, legend_kwargs)
        for artist in labels.values():
            artist.remove()
        labels, placed_key, named = _place_labels(
            ax, figure, bubbles, radii, highlight, spots, numbered, measure
        )
        if placed_key == key:
            break
        key, numbered = placed_key, numbered | frozenset(named)
    else:
        _legend(ax, handles, key, legend_kwargs)
    with collector_paused():  # 10,000 tuples, no cycles
        points = list(
            zip(
                ids[order].tolist(),
                spots[order, 0].tolist(),
                spots[order, 1].tolist(),
                radii_px[order].tolist(),
                strict=True,
            )
        )
    return {"axes": ax, "collection": collection, "labels": labels, "points": points}


def build_figure(
    *,
    ws: Workspace,
    model_id: int | None = None,
    size_by: str = "reach",
    highlight: int | None = None,
    risk_from_register: bool = False,
) -> Figure:
    """The matrix chart of a model (the active one by default) as a matplotlib Figure."""
    from . import new_figure

    _check_size_by(size_by)
    model_id = scoring.active_model_id(ws=ws) if model_id is None else model_id
    bubbles = matrix_data(
        ws=ws, model_id=model_id, size_by=size_by, risk_from_register=risk_from_register
    )
    figure = new_figure(9.5, 6.5)
    name = scoring.model_name(ws=ws, model_id=model_id)
    draw_on(
        figure,
        bubbles,
        highlight=highlight,
        size_by=size_by,
        title=f"Value vs feasibility: {name} ({len(bubbles)} scored use cases)",
    )
    return figure
