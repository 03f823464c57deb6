"""Dotted paths into a scenario's data: the one reader and writer of ``a.b.c`` addresses.

A path names a field section by section (``companies.slots_per_company``); an item of a
list (``groups``, ``targets``, ``companies.sectors``) is addressed by its ``name`` or, failing
that, by its index (``groups.jobparat.share``, ``targets.ordinary_550.threshold``,
``groups.0.readiness``). What-if changes, calibration priors, levers, the budget search and
the plots all go through these functions, so every part of the package accepts the same
paths and reports an unknown one the same way.

The functions work on a scenario's plain data (``scenario.model_dump(mode="python")`` or a
TOML-like mapping); :func:`number_at` also accepts a :class:`~pydantic.BaseModel`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ..errors import ScenarioError

__all__ = ["VALUE_KEYS", "find", "locate", "node_at", "number_at"]

#: Keys that hold a quantity's number: a scalar's ``value``, a distribution's ``mean`` and a
#: list's ``values``, in the order they are looked for.
VALUE_KEYS = ("value", "mean", "values")


def node_at(data: Any, path: str) -> Any:
    """What ``data`` holds at dotted ``path``.

    Raises
    ------
    ScenarioError
        Naming ``path``, if a part of it does not exist.
    """
    container, key = locate(data, path)
    return container[key]


def find(data: Any, path: str) -> Any:
    """What ``data`` holds at ``path``, or ``None`` if the path does not exist."""
    try:
        return node_at(data, path)
    except ScenarioError:
        return None


def number_at(data: Any, path: str) -> int | float | None:
    """The number at ``path``: a quantity's value, a distribution's mean, or a plain number.

    ``data`` is a scenario (any pydantic model) or its plain data. Returns ``None`` when the
    path does not exist or holds no number (booleans are not numbers).
    """
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="python")
    node = find(data, path)
    if isinstance(node, Mapping):
        node = next((node[k] for k in ("value", "mean") if k in node), None)
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    return node


def locate(data: Any, path: str) -> tuple[Any, Any]:
    """The container holding the last part of ``path``, and that part's key or index.

    ``container[key]`` is the node at ``path``; assigning to it changes ``data`` there
    (``data`` must then be made of dicts and lists, not tuples).

    Raises
    ------
    ScenarioError
        Naming ``path`` and the part that does not exist.
    """
    parts = path.split(".")
    node = data
    for i, part in enumerate(parts):
        where = ".".join(parts[:i])
        key = _key(node, part, where, path)
        if i == len(parts) - 1:
            return node, key
        node = node[key]
    raise AssertionError("unreachable: str.split returns at least one part")


def _key(node: Any, part: str, where: str, path: str) -> Any:
    if isinstance(node, Mapping):
        if part not in node:
            raise ScenarioError.single(
                path, f"a field of {where or 'the scenario'} (one of {sorted(node)})", part
            )
        return part
    if isinstance(node, list | tuple):
        names = [item.get("name") if isinstance(item, Mapping) else None for item in node]
        if part in names:
            return names.index(part)
        if part.isdigit() and int(part) < len(node):
            return int(part)
        raise ScenarioError.single(
            path, f"one of the names {names} or an index below {len(node)} in {where}", part
        )
    what = "not set" if node is None else "a value, not a table"
    raise ScenarioError.single(path, f"a path into a table ('{where}' is {what})", part)
