"""Read scenario files and turn every mistake into one :class:`ScenarioError`.

Loading is pure data: TOML is parsed with :mod:`tomllib` (nothing in the file is executed),
validated by the pydantic schema, then checked across fields (dates inside the period,
shares that sum to one, targets no larger than the cohort, sources that exist). All problems
found are reported together, each with its field path, what was expected and what was given.
"""

from __future__ import annotations

import datetime as dt
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

__all__ = ["iter_numbers", "load_scenario", "merge", "parse_scenario", "read_toml"]

_URL = re.compile(r"^https?://\S+$")
_LAST_DATE = dt.date(2999, 12, 31)  # keeps week arithmetic far from date.max
_SEED = re.compile(r"^(seed:)?\d{3}_[0-9a-f]{16}\.txt$")


def read_toml(path: str | Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file, turning a missing file or bad syntax into a ScenarioError."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError.single("file", "an existing TOML file", str(p))
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError.single("file", "UTF-8 text", str(exc), str(p)) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError.single("file", "valid TOML", str(exc), str(p)) from None
    except RecursionError:
        raise ScenarioError.single(
            "file", "TOML nested at most a few hundred levels deep", "deeper nesting", str(p)
        ) from None


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (and the base files it extends).

    Parameters
    ----------
    path : str or Path
        A TOML scenario file (see ``docs/scenario-format.md``). A top-level
        ``extends = "base/denmark.toml"`` (relative to the file) starts from that base and
        overrides it: tables merge key by key, while a quantity, a list (``groups``,
        ``targets``) or a plain value replaces the base's whole. Bases may extend bases.

    Returns
    -------
    Scenario
        The immutable, validated scenario; ``scenario.text`` keeps the file's text,
        followed by the text of each base it extends.

    Raises
    ------
    ScenarioError
        Listing every problem found (a missing base or a cycle of bases included).
    """
    data, texts = _resolve(Path(path), ())
    return parse_scenario(data, origin=str(path), text="\n".join(texts))


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], list[str]]:
    """``path``'s data merged over its bases, and the texts of the files involved."""
    where = str(chain[0]) if chain else None
    if path.resolve() in chain:
        cycle = " -> ".join(p.name for p in (*chain, path.resolve()))
        raise ScenarioError.single("extends", "bases that do not extend each other", cycle, where)
    if chain and not path.is_file():
        raise ScenarioError.single(
            "extends", f"an existing base file (relative to {chain[-1].parent})", path.name, where
        )
    data, text = read_toml(path)
    base = data.pop("extends", None)
    if base is None:
        return data, [text]
    if not isinstance(base, str):
        raise ScenarioError.single("extends", "a base file path (a string)", base, str(path))
    base_data, base_texts = _resolve(path.parent / base, (*chain, path.resolve()))
    texts = [text, *(f"# ---- extends {base} ----\n{t}" for t in base_texts)]
    return merge(base_data, data), texts


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
    data: Mapping[str, Any], origin: str | None = None, text: str | None = None
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

    Raises
    ------
    ScenarioError
        Listing every problem found.
    """
    try:
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
        expected = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            expected = "no such field (unknown key)"
        elif err["type"] == "missing":
            yield Problem(path, "a value (required field is missing)", "nothing")
            continue
        yield Problem(path, expected, _short(err.get("input")))


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
