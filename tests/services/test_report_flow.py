"""Markdown as a flow of paragraphs for the DOCX and PPTX renderers: the same parsing as
the preview (a list right after a paragraph line is a list), styles kept as runs."""

from __future__ import annotations

from aipm_desktop.services.reports import Table
from aipm_desktop.services.reports.flow import Line, Run, markdown_flow, plain_text


def test_a_list_right_after_a_paragraph_line_is_a_list() -> None:
    flow = markdown_flow("Intended use:\n- answer how-to questions\n- collect details\n")
    assert [(i.kind, i.text) for i in flow if isinstance(i, Line)] == [
        ("paragraph", "Intended use:"),
        ("item", "answer how-to questions"),
        ("item", "collect details"),
    ]


def test_ordered_items_keep_their_numbers_and_nesting_its_depth() -> None:
    flow = markdown_flow("3. third\n4. fourth\n    - inner\n")
    items = [(i.number, i.level, i.text) for i in flow if isinstance(i, Line)]
    assert items == [(3, 1, "third"), (4, 1, "fourth"), (0, 2, "inner")]


def test_bold_italic_and_code_are_runs() -> None:
    (line,) = markdown_flow("Use **only** the *published* `index`.")
    assert line.runs == (
        Run("Use "),
        Run("only", bold=True),
        Run(" the "),
        Run("published", italic=True),
        Run(" "),
        Run("index", code=True),
        Run("."),
    )


def test_headings_quotes_code_and_tables() -> None:
    text = (
        "## Data\n\n> a quote\n\n```\nline 1\n  line 2\n```\n\n"
        "| KPI | Value |\n|---|--:|\n| CSAT | 4.5 |\n"
    )
    flow = markdown_flow(text)
    assert isinstance(flow[0], Line) and (flow[0].kind, flow[0].level) == ("heading", 2)
    assert isinstance(flow[1], Line) and flow[1].kind == "quote"
    assert isinstance(flow[2], Line) and flow[2].text == "line 1\n  line 2"
    table = flow[3]
    assert isinstance(table, Table)
    assert table.header == ("KPI", "Value") and table.rows == (("CSAT", "4.5"),)
    assert table.align == ("left", "right")


def test_raw_html_and_scripts_do_not_come_through() -> None:
    text = plain_text("Hello <script>alert(1)</script> **world**")
    assert "alert" not in text and "script" not in text
    assert text == "Hello world"


def test_plain_text_marks_items_and_flattens_tables() -> None:
    text = plain_text("Steps:\n1. one\n2. two\n\n- a\n\n| x | y |\n|---|---|\n| 1 | 2 |")
    assert text.splitlines() == ["Steps:", "1. one", "2. two", "- a", "x | y", "1 | 2"]
