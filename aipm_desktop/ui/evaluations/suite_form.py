"""The Suite tab: what an evaluation suite is for and how its data set was made.

The fields sit on the shared :class:`~..widgets.row_form.RowForm`: each one is stored as
the user leaves it, validated by ``EvalSuiteBase`` first (a blank name, a slice column
without a letter, a positive label that is not one of the classes are explained under the
field and nothing is written), and each edit is one step of Edit ▸ Undo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from ...models import EvalSuite
from ...models.evaluations import EvalSuiteBase
from ...services import usecases as usecases_service
from ..context import AppContext
from ..operations.parts import PaneForm
from ..widgets.record_form import Choices, FieldSpec, in_section
from .edits import UpdateSuiteCommand

S_SUITE = "Suite"
S_DATA = "Data set"
S_LABELS = "Labels and slices"
EMPTY_TEXT = "Choose a suite in the list, or press Ctrl+Shift+N to add one."
CADENCES = ("Each release", "Weekly", "Monthly", "Quarterly", "Never (frozen)")


def suite_fields(use_cases: Callable[[], Choices]) -> tuple[FieldSpec, ...]:
    """The suite's fields, card by card (``use_cases`` offers the use cases)."""
    return (
        *in_section(
            S_SUITE,
            FieldSpec("name", "Name", placeholder="e.g. Ticket routing, held-out March set"),
            FieldSpec("use_case_id", "Use case", "combo", choices=use_cases),
            FieldSpec("owner", "Owner", placeholder="Who keeps the suite current"),
            FieldSpec(
                "purpose", "Purpose", "text",
                placeholder="What a pass on this suite tells you, and what it does not",
            ),
        ),
        *in_section(
            S_DATA,
            FieldSpec(
                "dataset", "Description", "text",
                placeholder="Where the examples come from, the period, what is left out",
            ),
            FieldSpec(
                "size", "Size", "number", placeholder="examples",
                tooltip="How many examples the suite holds",
            ),
            FieldSpec(
                "provenance", "Provenance",
                placeholder="e.g. production tickets sampled 2026-03, de-identified",
            ),
            FieldSpec("licence", "Licence", placeholder="e.g. internal use only, CC BY 4.0"),
            FieldSpec(
                "labelling", "Labelling", "text",
                placeholder="Who labelled, with which guideline, agreement between labellers",
            ),
            FieldSpec(
                "refresh_cadence", "Refresh", "combo", editable=True,
                choices=[(c, c) for c in CADENCES], placeholder="How often it is renewed",
            ),
        ),
        *in_section(
            S_LABELS,
            FieldSpec(
                "classes", "Label classes", placeholder="e.g. billing, refund, technical",
                help="The labels an expected label or a prediction may take, comma "
                "separated; an import refuses any other. Empty: any label.",
            ),
            FieldSpec(
                "positive_label", "Positive class",
                placeholder="the class binary precision, recall and F1 are about",
            ),
            FieldSpec(
                "slices", "Slice columns", placeholder="e.g. language, tier, ticket_type",
                help="Columns of the results that split the examples; every metric is "
                "also computed per slice and the worst slice is named.",
            ),
        ),
    )  # fmt: skip


class SuiteForm(PaneForm):
    """Every field of one evaluation suite (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.ctx = ctx
        fields = suite_fields(self._use_cases)
        super().__init__(
            ctx, fields, EvalSuite, EvalSuiteBase, UpdateSuiteCommand, parent,
            empty_text=EMPTY_TEXT, name="suiteForm",
        )  # fmt: skip

    def _use_cases(self) -> list[tuple[Any, str]]:
        ws = self.ctx.workspace
        found = usecases_service.titles(ws=ws) if ws is not None else []
        return [(None, "(no use case)"), *found]
