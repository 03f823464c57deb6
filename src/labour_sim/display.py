"""Short representations of results for the console and for notebooks.

Every result object (``Scenario``, ``Results``, ``Comparison``, ``Calibration``,
``Forecast``) says what it is in a few lines (``__repr__``) and, in Jupyter, as a small
HTML block (``_repr_html_``): a title, a few lines and small tables, never whole
DataFrames. The tables themselves stay one attribute away. Everything shown is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MAX_LINES", "MAX_ROWS", "Table", "as_html", "as_text", "lines_html", "lines_text"]

#: Most rows a table shows before saying how many more there are.
MAX_ROWS = 12
#: Most lines of an object's ``lines()`` its representation shows.
MAX_LINES = 20


@dataclass(frozen=True)
class Table:
    """A small table to show: a header, rows of text, and whether it starts folded."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    folded: bool = False
    limit: int = MAX_ROWS

    def shown(self) -> tuple[tuple[tuple[str, ...], ...], int]:
        """The rows shown and how many more there are."""
        return self.rows[: self.limit], max(0, len(self.rows) - self.limit)


def as_text(title: str, lines: Sequence[str] = (), tables: Sequence[Table] = ()) -> str:
    """The title, indented lines and tables (folded ones reduced to their caption)."""
    out = [title, *(f"  {line}" for line in lines)]
    for table in tables:
        if table.folded:
            out.append(f"  {table.caption}")
            continue
        if table.caption:
            out.append(f"  {table.caption}")
        rows, more = table.shown()
        widths = [
            max(len(str(cell)) for cell in column)
            for column in zip(table.header, *rows, strict=True)
        ]
        for row in (table.header, *rows):
            out.append(
                "    "
                + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
        if more:
            out.append(f"    ... and {more} more")
    return "\n".join(out)


def as_html(title: str, lines: Sequence[str] = (), tables: Sequence[Table] = ()) -> str:
    """The same as :func:`as_text`, as one small HTML block (folded tables in ``<details>``)."""
    parts = [f"<div class='labour-sim'><strong>{html.escape(title)}</strong>"]
    if lines:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        parts.append(f"<ul style='margin:0.3em 0'>{items}</ul>")
    for table in tables:
        body = _table_html(table)
        if table.folded:
            parts.append(
                f"<details><summary>{html.escape(table.caption)}</summary>{body}</details>"
            )
        else:
            parts.append(body)
    parts.append("</div>")
    return "".join(parts)


def _table_html(table: Table) -> str:
    rows, more = table.shown()
    caption = (
        ""
        if table.folded or not table.caption
        else f"<caption style='text-align:left'>{html.escape(table.caption)}</caption>"
    )
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    if more:
        body += f"<tr><td colspan='{len(table.header)}'>... and {more} more</td></tr>"
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def lines_text(kind: str, lines: Sequence[str], limit: int = MAX_LINES) -> str:
    """An object's plain-words ``lines()`` under its kind, cut to ``limit`` lines."""
    more = len(lines) - limit
    cut = [*lines[:limit], *([f"... and {more} more lines: lines()"] if more > 0 else [])]
    return "\n".join([f"{kind}:", *(f"  {line}" for line in cut)])


def lines_html(kind: str, lines: Sequence[str], limit: int = MAX_LINES) -> str:
    """The same as :func:`lines_text`, as a small HTML block (lines kept aligned)."""
    text = lines_text(kind, lines, limit).split("\n", 1)
    body = html.escape(text[1]) if len(text) > 1 else ""
    return f"<div class='labour-sim'><strong>{html.escape(kind)}</strong><pre>{body}</pre></div>"
