"""A run's per-example results as arrays, and how they are stored (one blob per run).

A results table holds one entry per example: its ``id`` and any of the fields

========================  =============================================================
``expected``              the expected label (text)
``predicted``             the model's prediction (text; empty: no prediction, wrong)
``probability``           the model's confidence in its prediction, in [0, 1]
``latency``               seconds or milliseconds, as the harness gives them (>= 0)
``cost``                  the cost of the item, in the workspace currency (>= 0)
``slice:<name>``          a slice column (language, tier ...; text)
``flag:<name>``           a boolean column (hallucinated, grounded, toxic, refused ...)
``score:<name>``          a numeric score column (a judge's 1-5, a BLEU score ...)
========================  =============================================================

Text columns are stored as integer codes into a list of categories (``expected`` and
``predicted`` share one list, so a confusion matrix is a bincount); numbers, flags
included (1.0 / 0.0), as float64 with NaN for an empty cell. :func:`encode` packs a table
into a compressed ``.npz`` (deflate level 1; no pickled objects: :func:`decode` loads with
``allow_pickle=False``); a 100,000-example run of 12 columns is about 1 MB.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ...errors import UserError

#: Fields with one column each, in the order an export writes them.
FIXED_FIELDS = ("id", "expected", "predicted", "probability", "latency", "cost")
#: Fields that name their column (``slice:language``).
NAMED_FIELDS = ("slice", "flag", "score")
TEXT_FIELDS = frozenset({"expected", "predicted", "slice"})
#: The label categories ``expected`` and ``predicted`` share.
LABELS = "label"


@dataclass(frozen=True)
class Column:
    """One stored column: its name (``expected``, ``language`` ...), its field
    (``expected``, ``slice`` ...) and the file column it was read from."""

    name: str
    field: str
    source: str = ""

    @property
    def text(self) -> bool:
        return self.field in TEXT_FIELDS

    @property
    def spec(self) -> str:
        """How a mapping names it: ``expected`` or ``slice:language``."""
        return f"{self.field}:{self.name}" if self.field in NAMED_FIELDS else self.field


@dataclass
class Results:
    """The per-example results of a run (see the module docstring)."""

    ids: np.ndarray
    columns: list[Column] = field(default_factory=list)
    #: Text column name -> int32 codes (-1: empty); numeric column name -> float64.
    values: dict[str, np.ndarray] = field(default_factory=dict)
    #: Category lists: ``label`` (expected and predicted) and each slice column's.
    categories: dict[str, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def has(self, name: str) -> bool:
        return name in self.values

    def named(self, kind: str) -> list[str]:
        """The names of the columns of one named field (``slice``, ``flag``, ``score``)."""
        return [c.name for c in self.columns if c.field == kind]

    def categories_of(self, name: str) -> list[str]:
        return self.categories[LABELS if name in ("expected", "predicted") else name]

    def text_of(self, name: str) -> np.ndarray:
        """A text column as an object array of strings ("" where empty)."""
        cats = np.array([*self.categories_of(name), ""], dtype=object)
        return cats[self.values[name]]  # code -1 picks the trailing ""

    def take(self, index: np.ndarray) -> Results:
        """The examples at ``index`` (positions), categories kept."""
        return Results(
            ids=self.ids[index],
            columns=list(self.columns),
            values={k: v[index] for k, v in self.values.items()},
            categories=self.categories,
        )

    def cells(self, name: str) -> list[str]:
        """A column as the text cells an export writes."""
        column = self.column(name)
        if column is None:
            raise KeyError(name)
        if column.text:
            return [str(v) for v in self.text_of(name)]
        data = self.values[name]
        if column.field == "flag":
            return ["" if np.isnan(v) else ("true" if v else "false") for v in data]
        return ["" if np.isnan(v) else format(float(v), ".12g") for v in data]


def describe(columns: Sequence[Column]) -> str:
    """The ``columns`` JSON stored beside the payload."""
    return json.dumps([{"name": c.name, "field": c.field, "source": c.source} for c in columns])


def encode(results: Results) -> bytes:
    """The compressed ``.npz`` payload of ``results``."""
    arrays: dict[str, np.ndarray] = {"ids": np.asarray(results.ids, dtype=np.str_)}
    for name, data in results.values.items():
        arrays[f"v__{name}"] = data
    for name, cats in results.categories.items():
        arrays[f"c__{name}"] = np.asarray(cats, dtype=np.str_)
    buffer = io.BytesIO()
    # An .npz as numpy writes it, but deflated at level 1: a third of the time of
    # savez_compressed's default level for nearly the same size.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()


def decode(payload: bytes, columns_json: str) -> Results:
    """The results a payload holds (``columns_json`` as :func:`describe` wrote it)."""
    try:
        columns = [Column(**c) for c in json.loads(columns_json or "[]")]
        with np.load(io.BytesIO(payload), allow_pickle=False) as data:
            ids = data["ids"].astype(object)
            values = {c.name: data[f"v__{c.name}"] for c in columns if c.field != "id"}
            categories = {
                key.removeprefix("c__"): [str(v) for v in data[key]]
                for key in data.files
                if key.startswith("c__")
            }
    except (ValueError, KeyError, OSError, TypeError) as error:
        raise UserError(f"The stored results of this run cannot be read ({error}).") from error
    return Results(ids=ids, columns=columns, values=values, categories=categories)


def build(
    ids: Sequence[str],
    columns: Sequence[Column],
    values: Mapping[str, np.ndarray],
    categories: Mapping[str, list[str]],
) -> Results:
    """A results table from checked parts (the import builds one)."""
    return Results(
        ids=np.asarray(ids, dtype=object),
        columns=[c for c in columns],
        values=dict(values),
        categories=dict(categories),
    )
