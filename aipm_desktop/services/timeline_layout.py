"""The roadmap timeline's layout, shared by the screen and the exported chart.

One pure function places roadmap items for both the Qt timeline
(``ui/roadmap/timeline_scene.py``) and the matplotlib chart (``services/charts/roadmap.py``),
so the two always put an item in the same lane and row. Dates are measured in *days*
from an origin date; the caller says how wide a title is through :class:`Metrics`, in
days (the chart: a number of days per character) or in its own units with a number of
units a day (the screen: its font metrics in pixels at the current zoom, so its packing
is exactly the pixel arithmetic it draws with).

- :func:`layout` packs the items of each lane into rows: an item takes the first row
  (from the top) that is free where it starts. A title that does not fit inside its bar
  goes to the bar's right, and the packing keeps room for it.
- :func:`bar` gives an item's geometry in days (start offset and length of a bar, or the
  point of a milestone or release marker).
- Calendar helpers (:func:`month_start`, :func:`add_months`, :func:`quarter_start`,
  :func:`quarter_name`) and :func:`axis_periods`, the two rows of the time axis at a
  weeks, months or quarters scale.

No Qt and no matplotlib here.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..models.enums import ItemKind

if TYPE_CHECKING:
    from .roadmap.items import TimelineItem

#: Zoom thresholds (screen pixels a day): week columns from here, months from here.
WEEKS_FROM_PPD = 9.0
MONTHS_FROM_PPD = 2.2
#: Days of margin the screen keeps before the first and after the last date.
MARGIN_DAYS = 28


# -- calendar -------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s calendar quarter."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_name(day: dt.date) -> str:
    """``Q1`` … ``Q4``."""
    return f"Q{(day.month - 1) // 3 + 1}"


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def weeks(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Mondays from the week of ``first`` up to ``last``."""
    day = week_start(first)
    while day <= last:
        yield day
        day += dt.timedelta(days=7)


def months(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """First days of the months from ``first``'s month up to ``last``."""
    day = month_start(first)
    while day <= last:
        yield day
        day = add_months(day, 1)


def quarters(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """First days of the quarters from ``first``'s quarter up to ``last``."""
    day = quarter_start(first)
    while day <= last:
        yield day
        day = add_months(day, 3)


def years(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """1 January of the years from ``first``'s year up to ``last``."""
    day = dt.date(first.year, 1, 1)
    while day <= last:
        yield day
        day = dt.date(day.year + 1, 1, 1)


def scale_for(ppd: float) -> str:
    """The axis scale at ``ppd`` screen pixels a day: weeks, months or quarters."""
    if ppd >= WEEKS_FROM_PPD:
        return "weeks"
    if ppd >= MONTHS_FROM_PPD:
        return "months"
    return "quarters"


Period = tuple[dt.date, dt.date, str]


def axis_periods(
    first: dt.date, last: dt.date, scale: str, *, long_month_names: bool = True
) -> tuple[list[Period], list[Period]]:
    """The time axis over ``first..last`` as (top row, bottom row) of ``(start, end,
    label)``: months over weeks, quarters over months, or years over quarters."""
    top: list[Period] = []
    bottom: list[Period] = []
    if scale == "weeks":
        top = [(d, add_months(d, 1), f"{d:%B %Y}") for d in months(first, last)]
        bottom = [(d, d + dt.timedelta(days=7), f"{d.day} {d:%b}") for d in weeks(first, last)]
    elif scale == "months":
        top = [(d, add_months(d, 3), f"{quarter_name(d)} {d.year}") for d in quarters(first, last)]
        fmt = "%B" if long_month_names else "%b"
        bottom = [(d, add_months(d, 1), format(d, fmt)) for d in months(first, last)]
    elif scale == "quarters":
        top = [(d, dt.date(d.year + 1, 1, 1), str(d.year)) for d in years(first, last)]
        bottom = [(d, add_months(d, 3), quarter_name(d)) for d in quarters(first, last)]
    else:
        raise ValueError(f"unknown axis scale {scale!r}")
    return top, bottom


def date_range(
    items: Iterable[Any], today: dt.date, margin_days: int = MARGIN_DAYS
) -> tuple[dt.date, dt.date]:
    """(origin, last day) of a timeline over ``items`` and ``today``: from the month
    start before the first date less a margin, to a month start after the last date plus
    a margin. Planned (baseline) dates count too when the items have them."""
    days = [today]
    for item in items:
        days.append(item.start)
        days.append(item.end)
        planned_start = getattr(item, "planned_start", None)
        planned_end = getattr(item, "planned_end", None)
        if planned_start is not None:
            days.append(planned_start)
        if planned_end is not None:
            days.append(planned_end)
    margin = dt.timedelta(days=margin_days)
    return month_start(min(days) - margin), add_months(max(days) + margin, 1)


# -- geometry -------------------------------------------------------------------------------


class Bar(NamedTuple):
    """An item's geometry in days from the origin: a bar covers ``start .. start + length``
    (its last day included); a milestone or release is a marker at ``point`` (the middle
    of its day)."""

    start: float
    length: float
    marker: bool

    @property
    def end(self) -> float:
        return self.start + self.length

    @property
    def point(self) -> float:
        return self.start + 0.5


def bar(
    item: TimelineItem, origin: dt.date, start: dt.date | None = None, end: dt.date | None = None
) -> Bar:
    """Geometry of ``item`` (at other dates when ``start``/``end`` are given)."""
    start = item.start if start is None else start
    end = item.end if end is None else end
    offset = float((start - origin).days)
    if item.kind == ItemKind.WORK:
        return Bar(offset, float((end - start).days + 1), False)
    return Bar(offset, 1.0, True)


# -- layout ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    """How wide things are, in units of which there are ``scale`` a day (1: days).

    ``label_width(item)`` is the width of the item's title; ``gap`` the space between a
    bar and its title (either side of a title drawn inside); ``pad`` the room an item keeps
    free after it (and its title) in its row; ``marker`` the half width of a milestone or
    release marker. With ``outside_labels`` false no title goes beside a bar (rows stay
    dense, titles that fit still go inside their bars).
    """

    label_width: Callable[[Any], float]
    gap: float = 0.0
    pad: float = 0.0
    marker: float = 0.0
    outside_labels: bool = True
    scale: float = 1.0

    def days(self, width: float) -> float:
        """A width in these units, in days."""
        return width / self.scale

    @classmethod
    def from_pixels(
        cls,
        ppd: float,
        text_width: Callable[[Any], float],
        *,
        gap: float,
        pad: float,
        marker: float,
        outside_labels: bool = True,
    ) -> Metrics:
        """Metrics of a screen drawing ``ppd`` pixels a day (all widths in pixels)."""
        return cls(
            label_width=text_width,
            gap=gap,
            pad=pad,
            marker=marker,
            outside_labels=outside_labels,
            scale=ppd,
        )

    @classmethod
    def from_chars(
        cls,
        days_per_char: float,
        *,
        max_chars: int | None = None,
        gap_chars: float = 1.5,
        pad_chars: float = 1.5,
        marker_days: float = 0.0,
    ) -> Metrics:
        """Metrics of a drawing where a character covers ``days_per_char`` days (titles
        cut to ``max_chars``); ``days_per_char`` 0 means no titles beside bars."""

        def width(item: Any) -> float:
            chars = len(item.title) if max_chars is None else min(len(item.title), max_chars)
            return chars * days_per_char

        return cls(
            label_width=width,
            gap=gap_chars * days_per_char,
            pad=pad_chars * days_per_char,
            marker=marker_days,
            outside_labels=days_per_char > 0,
        )

    @classmethod
    def from_widths(
        cls, widths: Mapping[str, float], fallback: Callable[[Any], float], **kwargs: Any
    ) -> Metrics:
        """Metrics with titles measured in advance (``title -> width``), for a worker that
        must lay out exactly like the screen did; ``fallback`` measures any other title."""
        frozen = dict(widths)

        def width(item: Any) -> float:
            value = frozen.get(item.title)
            return fallback(item) if value is None else value

        return cls(label_width=width, **kwargs)


NO_LABELS = Metrics(label_width=lambda item: 0.0, outside_labels=False)


class Placement(NamedTuple):
    """Where an item sits: its lane, its row in the lane (0 = top), its row counted over
    all lanes, its geometry (days), whether its title goes inside its bar, and the extent
    it occupies in its row, title included (in the metrics' units)."""

    item: Any
    lane: str
    lane_row: int
    row: int
    bar: Bar
    label_inside: bool
    extent: tuple[float, float]


@dataclass(frozen=True)
class Band:
    """A lane: its first row over all lanes, its row count (at least 1) and its items."""

    name: str
    first: int
    rows: int
    count: int


@dataclass(frozen=True)
class Layout:
    origin: dt.date
    metrics: Metrics
    placements: dict[int, Placement] = field(default_factory=dict)
    bands: list[Band] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return self.bands[-1].first + self.bands[-1].rows if self.bands else 0

    def rows(self) -> dict[int, tuple[str, int]]:
        """``item id -> (lane, row in lane)``."""
        return {i: (p.lane, p.lane_row) for i, p in self.placements.items()}

    def only(self, ids: Iterable[int]) -> Layout:
        """This layout restricted to the items ``ids``, with the rows left empty removed
        (items keep their order from the top; an empty lane keeps one row)."""
        keep = set(ids)
        used: dict[str, set[int]] = {band.name: set() for band in self.bands}
        for item_id, placed in self.placements.items():
            if item_id in keep:
                used[placed.lane].add(placed.lane_row)
        renumber: dict[str, dict[int, int]] = {}
        bands: list[Band] = []
        first = 0
        for band in self.bands:
            rows = sorted(used[band.name])
            renumber[band.name] = {old: new for new, old in enumerate(rows)}
            count = sum(1 for i, p in self.placements.items() if i in keep and p.lane == band.name)
            bands.append(Band(band.name, first, max(1, len(rows)), count))
            first += max(1, len(rows))
        starts = {band.name: band.first for band in bands}
        placements = {}
        for item_id, placed in self.placements.items():
            if item_id not in keep:
                continue
            lane_row = renumber[placed.lane][placed.lane_row]
            placements[item_id] = Placement(
                placed.item,
                placed.lane,
                lane_row,
                starts[placed.lane] + lane_row,
                placed.bar,
                placed.label_inside,
                placed.extent,
            )
        return Layout(self.origin, self.metrics, placements, bands)


def lane_order(items: Iterable[Any], lanes: Sequence[str]) -> list[str]:
    """``lanes`` without repeats, then any other lane an item uses (in item order)."""
    order = list(dict.fromkeys(lanes))
    seen = set(order)
    for item in items:
        if item.lane not in seen:
            seen.add(item.lane)
            order.append(item.lane)
    return order


def extent(
    item: Any, origin: dt.date, metrics: Metrics, geometry: Bar | None = None
) -> tuple[float, float, bool]:
    """``(from, to, label inside)``: where an item is in its row (in the metrics' units),
    its title included when the title goes beside it, and whether the title fits inside
    its bar."""
    if geometry is None:
        geometry = bar(item, origin)
    scale = metrics.scale
    text = metrics.label_width(item)
    if geometry.marker:
        centre = geometry.start * scale + scale / 2
        x0, x1 = centre - metrics.marker, centre + metrics.marker
        inside = False
    else:
        x0, x1 = geometry.start * scale, (geometry.start + geometry.length) * scale
        inside = text + 2 * metrics.gap <= x1 - x0
    if inside or not metrics.outside_labels:
        return x0, x1 + metrics.pad, inside
    return x0, x1 + metrics.gap + text + metrics.pad, inside


def pack(extents: Mapping[int, tuple[float, float]]) -> tuple[dict[int, int], int]:
    """Give each ``id -> (from, to)`` the first row (from the top) free at its start; a
    row is free again from where its last item ends. Returns ``(id -> row, rows used)``."""
    order = sorted(extents, key=lambda i: (extents[i][0], extents[i][1], i))
    free: list[tuple[int, float]] = []  # heap of (row, end) of rows free now
    busy: list[tuple[float, int]] = []  # heap of (end, row)
    rows = 0
    placed: dict[int, int] = {}
    for item_id in order:
        x0, x1 = extents[item_id]
        while busy and busy[0][0] <= x0:
            end, row = heapq.heappop(busy)
            heapq.heappush(free, (row, end))
        if free:
            row, _end = heapq.heappop(free)
        else:
            row, rows = rows, rows + 1
        heapq.heappush(busy, (x1, row))
        placed[item_id] = row
    return placed, rows


def layout(
    items: Sequence[TimelineItem],
    lanes: Sequence[str],
    metrics: Metrics = NO_LABELS,
    origin: dt.date | None = None,
) -> Layout:
    """Place ``items`` on lane bands (``lanes`` in order, then any other lane an item
    uses), packed into rows so no two items (and the titles beside them) overlap."""
    if origin is None:
        origin = min((item.start for item in items), default=dt.date(2000, 1, 1))
    by_lane: dict[str, list[Any]] = {name: [] for name in lane_order(items, lanes)}
    for item in items:
        by_lane[item.lane].append(item)
    placements: dict[int, Placement] = {}
    bands: list[Band] = []
    first = 0
    for name, members in by_lane.items():
        geometry = {item.id: bar(item, origin) for item in members}
        spans = {item.id: extent(item, origin, metrics, geometry[item.id]) for item in members}
        rows, used = pack({i: (s[0], s[1]) for i, s in spans.items()})
        for item in members:
            row = rows[item.id]
            x0, x1, inside = spans[item.id]
            placements[item.id] = Placement(
                item, name, row, first + row, geometry[item.id], inside, (x0, x1)
            )
        count = max(1, used)
        bands.append(Band(name, first, count, len(members)))
        first += count
    return Layout(origin, metrics, placements, bands)
