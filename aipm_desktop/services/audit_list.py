"""The change log as the audit view lists it (:func:`change_log_spec`), apart from
:mod:`.audit` so that verifying a file does not import the list machinery."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast

from .audit import LOG_T, summarise
from .listing import ListColumn, ListSpec


@dataclass(frozen=True, eq=False)
class _ChangesColumn(ListColumn):
    """The changes of an entry, shown as :func:`summarise` puts them."""

    @functools.cached_property
    def format_value(self) -> Callable[[Any], str]:
        return summarise


def change_log_spec() -> ListSpec:
    """The change log as a list (newest first), for the audit view: its text filter
    searches the columns :class:`~.audit.LogFilter` searches."""
    t = LOG_T
    return ListSpec(
        kind="change_log",
        source=t,
        id_column=t.c.id,
        noun=("entry", "entries"),
        empty_text="No change-log entries match. Clear the filters to see every entry.",
        columns=(
            ListColumn("id", "#", t.c.id, width=6, align="right", filterable=False),
            ListColumn("at", "When", t.c.at, width=19, formatter="datetime", filterable=False),
            ListColumn("who", "Who", t.c.who, width=14),
            ListColumn("entity", "Entity", t.c.entity, width=14, formatter="enum"),
            ListColumn("entity_id", "ID", t.c.entity_id, width=5, align="right", filterable=False),
            ListColumn("action", "Action", t.c.action, width=8, formatter="enum"),
            ListColumn("label", "Record", t.c.label, width=30),
            _ChangesColumn("changes", "Changes", cast(t.c.changes, String), width=40),
        ),
        default_sort="id",
        default_descending=True,
        window=2000,
    )
