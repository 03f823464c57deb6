"""Read scenario files and turn every mistake into one :class:`ScenarioError`.

Loading is pure data: TOML is parsed with :mod:`tomllib` (nothing in the file is executed),
validated by the pydantic schema, then checked across fields (dates inside the period,
shares that sum to one, targets no larger than the cohort, sources that exist). All problems
found are reported together, each with its field path, what was expected and what was given.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError, _short
from ..metrics import CITIZEN_METRICS
from .quantities import Provenance
from .schema import Scenario
from .units import unit_problems

__all__ = ["iter_numbers", "load_scenario", "merge", "parse_scenario", "read_toml"]

_URL = re.compile(r"^https?://\S+$")
_LAST_DATE = dt.date(2999, 12, 31)  # keeps week arithmetic far from date.max
_SEED = re.compile(r"^(seed:)?\d{3}_[0-9a-f]{16}\.txt$")


#: Bases a scenario may chain (a file extending a file ...): far more than any real layering.
MAX_BASES = 20
#: Tables nested deeper than this are not a scenario (the format nests four levels).
MAX_DEPTH = 20
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
    except UnicodeDecodeError as exc:
        raise ScenarioError.single("file", "UTF-8 text", exc.reason, shown) from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ScenarioError.single("file", "a readable file", reason, shown) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError.single("file", "valid TOML", str(exc), shown) from None
    except RecursionError:
        data = None
    if data is None or _depth(data) > MAX_DEPTH:
        raise ScenarioError.single(
            "file", f"tables and lists nested at most {MAX_DEPTH} levels deep", "deeper", shown
        )
    return data, text


def name_text(name: str, limit: int = 200) -> str:
    """A file name fit for a one-line error: NUL bytes shown, long names cut."""
    name = name.replace("\0", "\\0")
    return name if len(name) <= limit else f"{name[: limit - 3]}..."


def _depth(node: Any) -> int:
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
    return parse_scenario(data, origin=str(path), text="\n".join(texts))


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
                "extends", f"an existing base file (relative to {path.parent})", base, where
            )
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
            "extends", f"a path relative to the scenario's folder ({root})", base, where
        )
    try:
        candidate = (path.parent / base).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise ScenarioError.single("extends", "a resolvable path", str(exc), where) from None
    if not candidate.is_relative_to(root):
        raise ScenarioError.single(
            "extends", f"a base inside the scenario's folder {root} (no '..' out of it)",
            base, where,
        )  # fmt: skip
    return candidate


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


def parse_scenario(
    data: Mapping[str, Any],
    origin: str | None = None,
    text: str | None = None,
    *,
    from_json: bool = False,
) -> Scenario:
    """Validate a scenario given as nested mappings (as parsed from TOML).

    This is how every validated scenario is made (files, what-if changes, saved results).

    Parameters
    ----------
    data : mapping
        The scenario's tables, as :func:`tomllib.loads` gives them.
    origin : str, optional
        The file it was read from (named in errors and kept as ``scenario.origin``).
    text : str, optional
        The text of that file and its bases, kept as ``scenario.text``.
    from_json : bool
        ``data`` is JSON (``scenario.model_dump(mode="json")``, e.g. from a saved result):
        dates are ISO strings there. Otherwise a string is never taken as a date or a
        number.

    Raises
    ------
    ScenarioError
        Listing every problem found.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError.single("scenario", "a table of sections", type(data).__name__, origin)
    if _depth(data) > MAX_DEPTH:
        raise ScenarioError.single(
            "scenario", f"tables nested at most {MAX_DEPTH} levels deep", "deeper", origin
        )
    try:
        if from_json:
            scenario = Scenario.model_validate_json(json.dumps(dict(data)))
        else:
            scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(_problems_from(exc), origin) from None
    problems = list(_consistency(scenario))
    if problems:
        raise ScenarioError(problems, origin)
    return scenario.with_provenance(origin, text)


def _problems_from(exc: ValidationError) -> Iterator[Problem]:
    for err in exc.errors(include_url=False):
        path = ".".join(str(part) for part in err["loc"])
        expected = err["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
        if err["type"] == "extra_forbidden":
            # The key is named, its value never shown: it may come from any file.
            yield Problem(path, "no such field (unknown key)", "a key the format does not have")
        elif err["type"] == "missing":
            yield Problem(path, "a value (required field is missing)", "nothing")
        else:
            yield Problem(path, expected, given_text(err.get("input")))


def given_text(value: Any) -> str:
    """What was given, for an error: a short scalar, or only the keys of a table."""
    if isinstance(value, Mapping):
        return f"a table with keys {_short(sorted(map(str, value)))}"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} items"
    return _short(value)


def iter_numbers(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Provenance]]:
    """Every quantity in ``model`` with its dotted path (list items by name or index)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, Provenance):
            yield path, value
        elif isinstance(value, BaseModel):
            yield from iter_numbers(value, path + ".")
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    label = getattr(item, "name", i)
                    yield from iter_numbers(item, f"{path}.{label}.")


def _consistency(s: Scenario) -> Iterator[Problem]:
    yield from _check_units(s)
    yield from _check_size(s)
    yield from _check_period(s)
    yield from _check_shares(s)
    yield from _check_staff(s)
    yield from _check_targets(s)
    yield from _check_costs(s)
    yield from _check_sources(s)


def _check_period(s: Scenario) -> Iterator[Problem]:
    start, end = s.period.start, s.period.end
    if end <= start:
        yield Problem("period.end", f"a date after period.start ({start})", str(end))
    if _follow_up_end(s) > _LAST_DATE:
        yield Problem(
            "period.follow_up_weeks",
            f"a follow-up ending by {_LAST_DATE} (period.end plus follow-up)",
            f"{s.period.follow_up_weeks.value:g} weeks after {end}",
        )
    intake = s.intake
    for field in ("start", "end"):
        day = getattr(intake, field)
        if day is not None and not start <= day <= end:
            yield Problem(f"intake.{field}", f"a date within the period {start}..{end}", str(day))
    if intake.start and intake.end and intake.end < intake.start:
        yield Problem("intake.end", "a date on or after intake.start", str(intake.end))
    if intake.schedule == "poisson" and intake.rate_per_week is None:
        yield Problem("intake.rate_per_week", "a rate for schedule = 'poisson'", "nothing")
    if intake.schedule == "monthly" and intake.monthly_counts is None:
        yield Problem("intake.monthly_counts", "counts for schedule = 'monthly'", "nothing")


def _check_shares(s: Scenario) -> Iterator[Problem]:
    total = sum(g.share.value for g in s.groups)
    if abs(total - 1) > 1e-6:
        yield Problem("groups.*.share", "shares that sum to 1", f"{total:g}")
    names = [g.name for g in s.groups]
    if len(set(names)) != len(names):
        yield Problem("groups.*.name", "unique group names", str(names))
    o = s.placement.outcomes
    hired = o.ordinary.value + o.reduced.value + o.flexjob.value + o.education.value
    if hired > 1 + 1e-9:
        yield Problem("placement.outcomes", "probabilities that sum to at most 1", f"{hired:g}")
    c = s.companies
    if c.sectors and abs(sum(x.share.value for x in c.sectors) - 1) > 1e-6:
        yield Problem("companies.sectors.*.share", "shares that sum to 1", "another sum")
    if c.match_sector and not c.sectors:
        yield Problem("companies.sectors", "sectors when match_sector = true", "none")
    if c.initial.value > c.max_companies.value:
        yield Problem(
            "companies.initial",
            f"at most max_companies ({c.max_companies.value})",
            str(c.initial.value),
        )


def _check_staff(s: Scenario) -> Iterator[Problem]:
    st = s.staff
    if (st.caseworkers is None) != (st.caseload is None):
        yield Problem("staff.caseload", "caseworkers and caseload given together", "only one")
    if (st.mentors is None) != (st.mentees_per_mentor is None):
        yield Problem(
            "staff.mentees_per_mentor", "mentors and mentees_per_mentor together", "only one"
        )
    if st.mentor_required and st.mentors is None:
        yield Problem("staff.mentor_required", "mentors when mentor_required = true", "no mentors")


#: Memory a replication may need, by estimate, before a scenario is refused (bytes).
MAX_MEMORY_BYTES = 4 * 2**30
#: Estimated bytes per citizen (draw arrays, SimPy process and records: about 3.5 kB
#: measured from 2,000 to 20,000 citizens, doubled for safety), per company and per slot.
BYTES_PER_CITIZEN = 8_000
BYTES_PER_COMPANY = 500
BYTES_PER_SLOT = 200


def expected_citizens(s: Scenario) -> float:
    """Citizens one replication refers on average (the cap, the monthly sum or rate x time)."""
    intake = s.intake
    cap = intake.cohort_max.value if intake.cohort_max else math.inf
    if intake.schedule == "monthly":
        counts = intake.monthly_counts.values if intake.monthly_counts else []
        return min(cap, sum(counts))
    rate = intake.rate_per_week.value if intake.rate_per_week else 0.0
    ramp = intake.ramp_up_weeks.value if intake.ramp_up_weeks else 0.0
    span = max(
        0.0, s.week_of(intake.end or s.period.end) - s.week_of(intake.start or s.period.start)
    )
    mean = rate * (span - ramp / 2) if span >= ramp else rate * span**2 / (2 * ramp)
    return min(cap, mean)


def memory_estimate(s: Scenario) -> float:
    """Bytes one replication of ``s`` needs, by estimate (see ``BYTES_PER_CITIZEN``)."""
    c = s.companies
    companies = c.max_companies.value
    return (
        expected_citizens(s) * BYTES_PER_CITIZEN
        + companies * BYTES_PER_COMPANY
        + companies * c.slots_per_company.value * BYTES_PER_SLOT
    )


def _check_units(s: Scenario) -> Iterator[Problem]:
    yield from unit_problems(s)


def _check_size(s: Scenario) -> Iterator[Problem]:
    need = memory_estimate(s)
    if need > MAX_MEMORY_BYTES:
        yield Problem(
            "scenario size",
            f"a replication that fits in {MAX_MEMORY_BYTES / 2**30:g} GiB (estimated from "
            f"{BYTES_PER_CITIZEN:,} bytes a citizen, {BYTES_PER_COMPANY} a company and "
            f"{BYTES_PER_SLOT} a slot; cap intake.cohort_max or lower "
            "companies.max_companies x slots_per_company)",
            f"{need / 2**30:.3g} GiB for {expected_citizens(s):.3g} citizens and "
            f"{_all_slots(s):.3g} slots",
        )


def _all_slots(s: Scenario) -> float:
    """Slots of all companies ever recruited."""
    return float(s.companies.max_companies.value * s.companies.slots_per_company.value)


def cohort_size(s: Scenario) -> float:
    """Most citizens the intake schedule can refer (infinite for an uncapped Poisson rate)."""
    cap = s.intake.cohort_max.value if s.intake.cohort_max else float("inf")
    if s.intake.schedule == "monthly" and s.intake.monthly_counts is not None:
        return min(cap, sum(s.intake.monthly_counts.values))
    return cap


def _follow_up_end(s: Scenario) -> dt.date:
    """The last date outcomes are followed; ``date.max`` if that lies beyond the calendar."""
    try:
        return s.period.end + dt.timedelta(weeks=s.period.follow_up_weeks.value)
    except OverflowError:
        return dt.date.max


def _check_targets(s: Scenario) -> Iterator[Problem]:
    last = _follow_up_end(s)
    cohort = cohort_size(s)
    names = [t.name for t in s.targets]
    if len(set(names)) != len(names):
        yield Problem("targets.*.name", "unique target names", str(names))
    for t in s.targets:
        path = f"targets.{t.name}"
        if not s.period.start <= t.date <= last:
            yield Problem(f"{path}.date", f"a date within {s.period.start}..{last}", str(t.date))
        limit = cohort if t.metric in CITIZEN_METRICS else s.companies.max_companies.value
        if t.threshold.value > limit:
            what = "the cohort" if t.metric in CITIZEN_METRICS else "companies.max_companies"
            yield Problem(
                f"{path}.threshold", f"at most {what} ({limit:g})", f"{t.threshold.value:g}"
            )


def _check_costs(s: Scenario) -> Iterator[Problem]:
    c = s.costs
    follow = c.savings_follow_up_weeks
    if follow is not None and follow.value > s.period.follow_up_weeks.value:
        yield Problem(
            "costs.savings_follow_up_weeks.value",
            f"at most period.follow_up_weeks ({s.period.follow_up_weeks.value:g})",
            f"{follow.value:g}",
        )
    if c.caseworker_dkk_per_year is not None and c.caseload is None and s.staff.caseload is None:
        yield Problem(
            "costs.caseload", "a caseload (or staff.caseload) to cost caseworker time", "nothing"
        )


def _check_sources(s: Scenario) -> Iterator[Problem]:
    for key, ref in s.sources.items():
        if not (_URL.match(ref) or _SEED.match(ref)):
            yield Problem(f"sources.{key}", "a URL or a seed article file name", ref)
    for path, q in iter_numbers(s):
        src = q.source
        if src is not None and src not in s.sources and not (_URL.match(src) or _SEED.match(src)):
            yield Problem(f"{path}.source", "a key of [sources], a URL or a seed file name", src)
