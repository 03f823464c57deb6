"""A scenario's numbers as a table (``Scenario.levers()``), and how they are shown.

Every number of a scenario is a lever at its dotted path (``with_changes`` and calibration
priors take the same paths). The table gives each one's value, unit and origin: the source
it cites, or the assumption it is and its plausible range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from .quantities import ArrayQuantity, DistQuantity, Provenance, Quantity

__all__ = ["LEVER_COLUMNS", "lever_rows", "value_text"]

#: Columns of ``Scenario.levers()``.
LEVER_COLUMNS = ("path", "value", "unit", "distribution", "origin", "source", "assumption",
                 "low", "high")  # fmt: skip


def lever_rows(
    numbers: Iterable[tuple[str, Provenance]], sources: Mapping[str, str]
) -> pd.DataFrame:
    """One row per number: path, value (a distribution's mean), unit, origin and range.

    ``origin`` is ``"source"`` or ``"assumption"``; ``source`` is the cited reference (a key
    of ``[sources]`` resolved to its URL or file name); ``low`` and ``high`` the range an
    assumption states (empty for a sourced number).
    """
    rows = []
    for path, q in numbers:
        cited = sources.get(q.source, q.source) if q.source is not None else None
        low, high = q.range if q.range is not None else (float("nan"), float("nan"))
        rows.append(
            {
                "path": path,
                "value": _value(q),
                "unit": q.unit,
                "distribution": _distribution(q),
                "origin": "assumption" if q.is_assumption else "source",
                "source": cited,
                "assumption": q.assumption,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows, columns=list(LEVER_COLUMNS))


def _value(q: Provenance) -> object:
    if isinstance(q, DistQuantity):
        return q.mean
    if isinstance(q, ArrayQuantity):
        return tuple(q.values)
    return q.value if isinstance(q, Quantity) else None


def _distribution(q: Provenance) -> str:
    if not isinstance(q, DistQuantity):
        return ""
    if q.dist in ("gamma", "weibull"):
        return f"{q.dist} (shape {q.shape:g})"
    if q.dist == "lognormal":
        return f"lognormal (sd {q.sd:g})"
    return q.dist


def value_text(value: object) -> str:
    """A value for a table cell: a number with separators, a list cut short."""
    if isinstance(value, tuple | list):
        shown = ", ".join(value_text(v) for v in value[:3])
        return f"[{shown}{', ...' if len(value) > 3 else ''}] ({len(value)} values)"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if abs(value) >= 1e6:  # whole DKK, never 4.226e+07
            return f"{value:,.0f}"
        return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)
