"""What-if copies of a scenario: changes at dotted paths, validated like a file.

A change never mutates the baseline. A plain number set on a sourced quantity turns it into
an assumption ("what-if: changed from X"), so the provenance of every number stays honest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import Problem, ScenarioError

if TYPE_CHECKING:
    from .schema import Scenario

__all__ = ["apply_changes"]

_VALUE_KEYS = ("value", "mean", "values")


def apply_changes(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """Return a validated copy of ``scenario`` with ``changes`` applied (see ``with_changes``)."""
    from .loader import parse_scenario

    data = scenario.model_dump(mode="json")
    problems = []
    for path, new in changes.items():
        try:
            _set(data, path, new)
        except LookupError as exc:
            problems.append(Problem(path, str(exc), repr(new)))
    if problems:
        raise ScenarioError(problems, "changes")
    changed = parse_scenario(data, origin=scenario.origin)
    changed._text = scenario.text
    return changed


def _set(data: dict[str, Any], path: str, new: Any) -> None:
    parts = path.split(".")
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        node = _child(node, part, ".".join(parts[:i]))
    last = parts[-1]
    parent_is_quantity = isinstance(node, dict) and "unit" in node
    target = _child(node, last, ".".join(parts[:-1]))
    if isinstance(target, dict) and "unit" in target and not isinstance(new, Mapping):
        key = next(k for k in _VALUE_KEYS if k in target)
        _mark(target, key, new)
    elif parent_is_quantity and last in (*_VALUE_KEYS, "shape", "sd"):
        _mark(node, last, new)
    elif isinstance(node, list):
        node[_index(node, last)] = new
    else:
        node[last] = new


def _child(node: Any, part: str, where: str) -> Any:
    if isinstance(node, dict):
        if part not in node:
            raise LookupError(f"a field of {where or 'the scenario'} (one of {sorted(node)})")
        return node[part]
    if isinstance(node, list | tuple):
        return node[_index(node, part)]
    raise LookupError(f"'{where}' is a value, not a table")


def _index(items: list[Any] | tuple[Any, ...], part: str) -> int:
    names = [item.get("name") if isinstance(item, dict) else None for item in items]
    if part in names:
        return names.index(part)
    if part.isdigit() and int(part) < len(items):
        return int(part)
    raise LookupError(f"an index below {len(items)} or one of the names {names}")


def _mark(quantity: dict[str, Any], key: str, new: Any) -> None:
    old = quantity.get(key)
    quantity[key] = new
    if old == new:
        return
    quantity["source"] = None
    quantity["assumption"] = f"what-if: {key} changed from {old!r} to {new!r}"
    if isinstance(old, int | float) and isinstance(new, int | float):
        quantity["range"] = (min(old, new), max(old, new))
    else:
        quantity["range"] = quantity.get("range") or (0.0, 0.0)
