"""Problems in user data, for one error: pydantic's findings, what was given, how deep.

Shared by scenario files and observation files: a pydantic :class:`ValidationError` becomes
:class:`~labour_sim.errors.Problem` items (a field path, what was expected, what was given:
never the values of a foreign table), and :func:`depth` measures nesting without recursion.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, short

__all__ = ["MAX_DEPTH", "depth", "given_text", "problems_from"]

#: Tables nested deeper than this are not a scenario (the format nests four levels).
MAX_DEPTH = 20


def depth(node: Any) -> int:
    """How deeply ``node`` nests tables and lists (iteratively: no recursion limit)."""
    deepest, stack = 0, [(node, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


#: pydantic's findings whose own words read badly after "expected" (by error type).
_PLAIN = {
    "string_too_short": "a text of at least {min_length} character(s)",
    "string_too_long": "a text of at most {max_length} characters",
    "int_from_float": "a whole number",
    "too_short": "at least {min_length} valid item(s)",
    "too_long": "at most {max_length} items",
}


def problems_from(exc: ValidationError, data: Any = None) -> Iterator[Problem]:
    """Each of pydantic's findings as a Problem (an unknown key is named, not shown).

    With ``data`` (what was validated), a list item with a ``name`` is named by it, as
    paths address it elsewhere (``targets.ordinary_550.date``); else by its index.
    """
    errors = exc.errors(include_url=False)
    typos = _typos(errors)
    for err in errors:
        path = _path(err["loc"], data)
        expected = err["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
        if err["type"] == "extra_forbidden":
            # The key is named, its value never shown: it may come from any file.
            meant = typos.get(tuple(err["loc"]))
            hint = f" (did you mean {meant[-1]!r}?)" if meant else ""
            yield Problem(
                path, f"no such field (unknown key){hint}", "a key the format does not have"
            )
        elif err["type"] == "missing":
            if tuple(err["loc"]) in typos.values():
                continue  # said with the misspelt key beside it
            yield Problem(path, "a value (required field is missing)", "nothing")
        elif err["type"] == "model_type":
            yield Problem(path, _table_kind(err.get("ctx", {})), given_text(err.get("input")))
        elif err["type"] in _PLAIN:
            yield Problem(
                path, _PLAIN[err["type"]].format(**err.get("ctx", {})), given_text(err.get("input"))
            )
        else:
            yield Problem(path, expected, given_text(err.get("input")))


def _typos(errors: list[Any]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Unknown keys that misspell a missing one beside them: ``{unknown loc: missing loc}``.

    ``mentor = 10`` for the required ``mentors`` is one mistake, not two: the unknown key
    gets "did you mean 'mentors'?" and the missing field is not reported again.
    """
    unknown = [tuple(e["loc"]) for e in errors if e["type"] == "extra_forbidden"]
    missing = [tuple(e["loc"]) for e in errors if e["type"] == "missing"]
    out: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for loc in unknown:
        siblings = {str(m[-1]): m for m in missing if m[:-1] == loc[:-1] and m not in out.values()}
        close = difflib.get_close_matches(str(loc[-1]), list(siblings), n=1)
        if close:
            out[loc] = siblings[close[0]]
    return out


#: How a quantity is written, by the start of its pydantic class name (see ``_table_kind``).
_WRITTEN = {
    "Quantity": "a number as { value = ..., unit = ..., source = ... } (or assumption = ... "
    "with range = [low, high])",
    "ArrayQuantity": "a list of numbers as { values = [...], unit = ..., source = ... } (or "
    "assumption = ... with range = [low, high])",
}


def _table_kind(ctx: Mapping[str, Any]) -> str:
    """What a table was expected to be, in the file's words, not pydantic's class name.

    A bare ``mentors = 10`` is a number without its unit and provenance; a distribution or
    a section given as a plain value is a table of its fields.
    """
    name = str(ctx.get("class_name", ""))
    kind = name.split("[", 1)[0]
    if kind in _WRITTEN:
        return _WRITTEN[kind]
    if kind.endswith("Dist"):
        return (
            "a distribution as { dist = ..., mean = ..., unit = ..., source = ... } (or "
            "assumption = ... with range = [low, high])"
        )
    return "a table of its fields"


def _path(loc: tuple[int | str, ...], data: Any) -> str:
    """The dotted path of ``loc`` in ``data``, list items by their ``name`` where they have one."""
    parts, node = [], data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list | tuple):
            node = node[part] if 0 <= part < len(node) else None
            name = node.get("name") if isinstance(node, Mapping) else None
            parts.append(name if isinstance(name, str) and name else str(part))
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, Mapping) else None
    return ".".join(parts)


def given_text(value: Any) -> str:
    """What was given, for an error: a short scalar, or only the keys of a table."""
    if isinstance(value, Mapping):
        return f"a table with keys {short(sorted(map(str, value)))}"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} items"
    return short(value)
