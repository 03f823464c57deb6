"""Scenario files written back: a validated scenario as TOML that ``load_scenario`` reads.

:func:`scenario_toml` writes the whole scenario (no ``extends``: every number the base gave
is written out with its unit and provenance), so the file stands alone; a calibration
writes its calibrated scenario this way. Reading the text back gives a scenario with the
same content hash.
"""

from __future__ import annotations

from typing import Any

import tomli_w

from .schema import Scenario

__all__ = ["scenario_toml"]


def scenario_toml(scenario: Scenario, header: str = "") -> str:
    """``scenario`` as a TOML document, each line of ``header`` a comment on top."""
    data = _plain(scenario.model_dump(mode="python"))
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comments + ("\n" if comments else "") + tomli_w.dumps(data, multiline_strings=True)


def _plain(node: Any) -> Any:
    """Without unset (``None``) fields; tuples as lists (TOML has no null)."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items() if v is not None}
    if isinstance(node, list | tuple):
        return [_plain(v) for v in node]
    return node
