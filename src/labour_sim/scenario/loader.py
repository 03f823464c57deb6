"""Read scenario files (and the bases they extend) and turn every mistake into one error.

Loading is pure data: TOML is parsed with :mod:`tomllib` (nothing in the file is executed),
merged over the bases it ``extends`` (confined to the scenario's folder), then made into a
:class:`~.schema.Scenario` by :func:`~.schema.parse_scenario`, which validates it. All
problems found are reported together as one :class:`~labour_sim.errors.ScenarioError`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError
from .files import scenario_folder
from .problems import MAX_DEPTH, depth
from .quantities import ArrayQuantity, DistQuantity, iter_numbers
from .schema import Scenario, parse_scenario

__all__ = ["load_scenario", "merge", "range_problems", "read_toml"]


#: Bases a scenario may chain (a file extending a file ...): far more than any real layering.
MAX_BASES = 20
#: Longest file name or ``extends`` value accepted (file systems allow 255 bytes a name).
MAX_NAME = 255
#: Largest scenario file read, in bytes (the shipped ones are under 20 kB).
MAX_FILE_BYTES = 10_000_000


def read_toml(path: str | Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file, turning a missing file or bad syntax into a ScenarioError.

    Every failure of the file system (a NUL byte or an overlong name, no permission, a
    folder) and of the parser (bad syntax, nesting deeper than ``MAX_DEPTH``) is one line
    naming the file; the file's values are never echoed.
    """
    name = str(path)
    shown = name_text(name)
    if "\0" in name:
        raise ScenarioError.single("file", "a file name without NUL bytes", shown)
    p = Path(path)
    try:
        if not p.is_file():
            raise ScenarioError.single("file", "an existing TOML file", shown)
        if p.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError.single(
                "file", f"a scenario file of at most {MAX_FILE_BYTES:,} bytes", shown
            )
        text = p.read_text(encoding="utf-8")
    except ScenarioError:  # a ValueError too: already one line
        raise
    except UnicodeDecodeError as exc:
        raise ScenarioError.single("file", "UTF-8 text", exc.reason, shown) from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError.single("file", "a readable file", reason, shown) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError.single(
            "file", "valid TOML" + _date_hint(exc, text), str(exc), shown
        ) from None
    except RecursionError:
        data = None
    if data is None or depth(data) > MAX_DEPTH:
        raise ScenarioError.single(
            "file", f"tables and lists nested at most {MAX_DEPTH} levels deep", "deeper", shown
        )
    return data, text


def name_text(name: str, limit: int = 200) -> str:
    """A file name fit for a one-line error: NUL bytes shown, long names cut."""
    name = name.replace("\0", "\\0")
    return name if len(name) <= limit else f"{name[: limit - 3]}..."


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (and the base files it extends).

    Parameters
    ----------
    path : str or Path
        A TOML scenario file (see ``docs/scenario-format.md``). A top-level
        ``extends = "base/denmark.toml"`` (relative to the file) starts from that base and
        overrides it: tables merge key by key, while a quantity, a list (``groups``,
        ``targets``) or a plain value replaces the base's whole. Bases may extend bases
        (at most ``MAX_BASES``), and must lie inside the folder of ``path`` (or below it).

    Returns
    -------
    Scenario
        The immutable, validated scenario; ``scenario.text`` keeps the file's text,
        followed by the text of each base it extends.

    Raises
    ------
    ScenarioError
        Listing every problem found (a missing base, a base outside the folder or a cycle
        of bases included).
    """
    data, texts = _resolve(Path(path))
    scenario = parse_scenario(data, origin=str(path), text="\n".join(texts))
    problems = list(range_problems(scenario))
    if problems:
        raise ScenarioError(problems, str(path))
    return scenario


def range_problems(scenario: Scenario) -> Iterator[Problem]:
    """Each number of a file outside its own plausible ``range`` (a distribution: its mean).

    Checked where a file is read, not for every what-if (a what-if's range spans the old and
    the new value, see :mod:`.changes`). A list's range is left alone: it may describe its
    non-zero months (a group of 6 to 8 starting in most months, none in summer).
    """
    for path, q in iter_numbers(scenario):
        if q.range is None or isinstance(q, ArrayQuantity):
            continue
        low, high = q.range
        key, value = ("mean", q.mean) if isinstance(q, DistQuantity) else ("value", q.value)  # type: ignore[attr-defined]
        if not low <= value <= high:
            yield Problem(
                f"{path}.{key}",
                f"a {key} within the range [{low:g}, {high:g}] it gives",
                f"{value:g}",
            )


#: A date not written as TOML's YYYY-MM-DD (01-01-2025, 2027-12, 1.1.2025).
_DATE_LIKE = re.compile(
    r"=\s*(\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}[-./]\d{1,2}(?![-\d])|\d{4}/\d)"
)
_AT_LINE = re.compile(r"at line (\d+)")


def _date_hint(exc: tomllib.TOMLDecodeError, text: str) -> str:
    """A hint when the line the parser stopped at holds something like a date."""
    at = _AT_LINE.search(str(exc))
    lines = text.splitlines()
    line = lines[int(at.group(1)) - 1] if at and 0 < int(at.group(1)) <= len(lines) else ""
    if not _DATE_LIKE.search(line):
        return ""
    return " (a date is written YYYY-MM-DD, without quotes: start = 2025-01-01)"


def _resolve(top: Path) -> tuple[dict[str, Any], list[str]]:
    """``top``'s data merged over its chain of bases, and the texts of the files involved.

    A loop rather than recursion, so a long chain is one error, not a RecursionError.
    """
    where = str(top)
    data, text = read_toml(top)
    layers, texts = [data], [text]
    try:
        root = top.resolve().parent
    except (OSError, RuntimeError) as exc:
        raise ScenarioError.single("file", "a resolvable path", str(exc), where) from None
    chain = [top.resolve()]
    path = top
    while (base := layers[-1].pop("extends", None)) is not None:
        if len(chain) > MAX_BASES:
            raise ScenarioError.single(
                "extends", f"a chain of at most {MAX_BASES} bases", "a longer chain", where
            )
        candidate = _base_path(base, path, root, where)
        if candidate in chain:
            cycle = " -> ".join(p.name for p in (*chain, candidate))
            raise ScenarioError.single(
                "extends", "bases that do not extend each other", cycle, where
            )
        if not candidate.is_file():
            raise ScenarioError.single(
                "extends", f"an existing base file (relative to {path.parent}; {_copy_hint()})",
                base, where,
            )  # fmt: skip
        data, text = read_toml(candidate)
        layers.append(data)
        texts.append(f"# ---- extends {base} ----\n{text}")
        chain.append(candidate)
        path = candidate
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged = merge(merged, layer)
    return merged, texts


def _base_path(base: Any, path: Path, root: Path, where: str) -> Path:
    """The resolved file ``base`` names from ``path``, confined to the folder ``root``."""
    if not isinstance(base, str) or not base.strip():
        raise ScenarioError.single("extends", "a base file path (text)", type(base).__name__, where)
    if len(base) > MAX_NAME or "\0" in base:
        raise ScenarioError.single(
            "extends", f"a path of at most {MAX_NAME} characters without NUL bytes",
            f"{len(base)} characters", where,
        )  # fmt: skip
    if Path(base).is_absolute() or base.startswith(("/", "\\", "~")) or ":" in base:
        raise ScenarioError.single(
            "extends", f"a path relative to the scenario's folder ({root}; {_copy_hint()})",
            base, where,
        )  # fmt: skip
    try:
        candidate = (path.parent / base).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise ScenarioError.single("extends", "a resolvable path", str(exc), where) from None
    if not candidate.is_relative_to(root):
        raise ScenarioError.single(
            "extends", f"a base inside the scenario's folder {root} (no '..' out of it; "
            f"{_copy_hint()})",
            base, where,
        )  # fmt: skip
    return candidate


def _copy_hint() -> str:
    """How a scenario outside the shipped folder gets a base: a copy beside it."""
    return f"copy a base there, such as the shipped {scenario_folder() / 'base'}"


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: tables merge key by key; anything else replaces.

    A quantity (a table with a ``unit``) is one value, so it replaces the base's whole:
    overriding a sourced number never keeps the base's source by accident.
    """
    out = dict(base)
    for key, value in override.items():
        old = out.get(key)
        if isinstance(value, Mapping) and isinstance(old, Mapping) and "unit" not in value:
            out[key] = merge(old, value)
        else:
            out[key] = value
    return out
