"""What-if copies of a scenario: changes at dotted paths, validated like a file.

A change never mutates the baseline. A plain number set on a sourced quantity turns it into
an assumption ("what-if: changed from X"), so the provenance of every number stays honest.
Paths are read and written by :mod:`.paths` (list items by name or index).
:func:`differences` goes the other way: what one scenario's data changes from another's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import Problem, ScenarioError
from .numbers import value_text
from .paths import VALUE_KEYS, locate

__all__ = ["changed", "differences"]

#: What :func:`differences` does not compare: where a value comes from and what it means.
_ABOUT = frozenset({"source", "note", "assumption", "range", "description", "wording", "unit"})


def changed(
    data: Mapping[str, Any], changes: Mapping[str, Any], where: str = "changes"
) -> dict[str, Any]:
    """A copy of a scenario's data with ``changes`` applied (see ``Scenario.with_changes``).

    ``data`` is never changed: the containers on each changed path are copied (tuples as
    lists, so that list items can be assigned to) and the rest is shared with ``data``.
    Every path is tried; the problems of all that fail are reported together, as found in
    ``where`` (the what-if). The result is data, not yet a scenario:
    :func:`~.schema.parse_scenario` validates it.
    """
    plain: dict[str, Any] = dict(data)
    problems: list[Problem] = []
    for path, new in changes.items():
        try:
            _set(plain, path, new)
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems, where)
    return plain


def _thawed(data: dict[str, Any], path: str) -> tuple[Any, Any]:
    """``locate(data, path)`` after copying every container on ``path``, the last included.

    Each container (a table as a dict, a list or tuple as a list) is replaced in its
    parent by a copy, so that assigning into the result changes ``data`` only there.
    """
    locate(data, path)  # a path that does not exist is named whole
    node: Any = data
    for part in path.split("."):
        container, last = locate(node, part)
        child = container[last]
        if isinstance(child, Mapping):
            child = container[last] = dict(child)
        elif isinstance(child, list | tuple):
            child = container[last] = list(child)
        node = child
    return container, last


def _set(data: dict[str, Any], path: str, new: Any) -> None:
    node, last = _thawed(data, path)
    target = node[last]
    parent_is_quantity = isinstance(node, dict) and "unit" in node
    if isinstance(target, dict) and "unit" in target and not isinstance(new, Mapping):
        key = next(k for k in VALUE_KEYS if k in target)
        _mark(target, key, new)
    elif parent_is_quantity and last in (*VALUE_KEYS, "shape", "sd"):
        _mark(node, last, new)
    elif target is None and isinstance(new, int | float) and not isinstance(new, bool):
        # an optional quantity the scenario leaves out: a bare number has no unit or origin
        raise ScenarioError.single(
            path,
            "a number the scenario sets (it leaves this one out: give it in the file, with "
            "its unit and a source or an assumption)",
            new,
        )
    else:
        node[last] = new


def _mark(quantity: dict[str, Any], key: str, new: Any) -> None:
    old = quantity.get(key)
    quantity[key] = new
    if old == new:
        return
    quantity["source"] = None
    quantity["assumption"] = f"what-if: {key} changed from {old!r} to {new!r}"
    if key not in VALUE_KEYS:
        # A shape or sd: the range is about the mean, which has not changed.
        mean = quantity.get("mean")
        quantity["range"] = quantity.get("range") or (mean, mean)
    elif isinstance(old, int | float) and isinstance(new, int | float):
        quantity["range"] = (min(old, new), max(old, new))
    else:
        quantity["range"] = quantity.get("range") or (0.0, 0.0)


def differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """What ``b`` changes from ``a``: ``"path: old -> new"`` for each setting, in ``b``'s order.

    ``a`` and ``b`` are scenarios' data (``model_dump(mode="json")``). Every value is
    compared but what says where one comes from or what it means (source, note,
    assumption, range, unit, descriptions): a what-if changes those with the value. Paths
    are dotted, list items by name, a number's ``.value`` left out (``staff.mentors``, a
    distribution's ``placement.duration_weeks.mean``); ``absent`` on the side without it.
    """
    old, new = dict(_leaves(a)), dict(_leaves(b))
    out = [
        f"{path}: {value_text(old[path]) if path in old else 'absent'} -> {value_text(value)}"
        for path, value in new.items()
        if path not in old or old[path] != value
    ]
    return out + [
        f"{path}: {value_text(v)} -> absent" for path, v in old.items() if path not in new
    ]


def _leaves(node: Any, prefix: str = "") -> Any:
    """``(path, value)`` of every compared leaf of ``node``."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key not in _ABOUT and value is not None:
                path = prefix if key == "value" else f"{prefix}.{key}".lstrip(".")
                yield from _leaves(value, path)
    elif (
        isinstance(node, list | tuple)
        and node
        and all(isinstance(x, Mapping) and "name" in x for x in node)
    ):
        for item in node:
            yield from _leaves(item, f"{prefix}.{item['name']}")
    else:
        yield prefix, node
