"""The explorer's settings as data: the levers a page shows, and the shareable link.

Pure: nothing here runs a simulation or touches a web framework. A page's whole state is a
:class:`Settings` (which scenario, which levers changed from their values in the file), and
that state is exactly what its link's query string holds::

    ?scenario=lolland_falster&staff.mentors=40&placement.mentor_multiplier=1.5

:func:`parse_link` reads a query string strictly (unknown or repeated fields, text where a
number belongs, a fraction for a whole number) and then through the scenario's own
validation (:meth:`~labour_sim.Scenario.with_changes`), so a link can hold nothing a
scenario file could not; every mistake is a :class:`~labour_sim.ScenarioError` whose
one-line text is the one the command line prints. :func:`format_link` writes the query
string back (``parse_link(format_link(s)) == s``).

:func:`lever_specs` turns ``scenario.levers()`` into one slider each: its range is the
assumption's stated range, or for a sourced number a band from half to twice its value
(:data:`SOURCED_BAND`), widened to hold the value and clipped to the field's bounds; whole
numbers move in whole steps.
"""

from __future__ import annotations

import fnmatch
import math
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Problem, ScenarioError, short
from ..scenario import DistQuantity, Quantity, Scenario, iter_numbers, lever_name, value_bounds

__all__ = [
    "IMPORTANT",
    "SCENARIO_KEY",
    "SOURCED_BAND",
    "LeverSpec",
    "Settings",
    "error_text",
    "format_link",
    "is_about",
    "lever_specs",
    "parse_link",
    "problems_by_lever",
    "settings_of",
]

#: The query-string field that names the scenario.
SCENARIO_KEY = "scenario"
#: The levers a funder moves first (shown open, in this order, when the scenario has them);
#: the rest are in collapsed sections.
IMPORTANT = (
    "staff.mentors",
    "staff.mentees_per_mentor",
    "staff.caseworkers",
    "companies.max_companies",
    "companies.recruitment_per_week",
    "companies.slots_per_company",
    "intake.rate_per_week",
    "preparation.duration_weeks",
    "placement.duration_weeks",
    "placement.mentor_multiplier",
    "placement.outcomes.ordinary",
    "budget.grant_dkk",
)
#: A sourced number's slider runs from this share of its value to this multiple of it
#: (an assumption of the explorer: a band wide enough to ask "what if", not a range of the
#: number's uncertainty, which its source does not give).
SOURCED_BAND = (0.5, 2.0)
#: Steps of a slider over a continuous number (about this many across its range).
STEPS = 100
#: Sections not shown as levers: a target is the question, not a lever.
NOT_LEVERS = ("targets.",)


@dataclass(frozen=True)
class LeverSpec:
    """One slider: a number of the scenario at its dotted path.

    Attributes
    ----------
    path : str
        The dotted path (``staff.mentors``), as ``Scenario.with_changes`` takes it.
    label : str
        Its name in words (:func:`labour_sim.scenario.lever_name`).
    value : int or float
        Its value in the scenario file (a distribution's mean).
    unit : str
        The unit the file gives (weeks, DKK, citizens, share...).
    origin : str
        ``"source: URL"`` or ``"assumption: why (range low to high)"``.
    low, high, step : float
        The slider's range and step (whole numbers for whole-number fields).
    whole : bool
        Whether the field takes whole numbers only.
    section : str
        The scenario section (``staff``): how the page groups the levers.
    important : bool
        Whether the page shows it first (:data:`IMPORTANT`).
    """

    path: str
    label: str
    value: int | float
    unit: str
    origin: str
    low: float
    high: float
    step: float
    whole: bool
    section: str
    important: bool

    def text(self, value: float) -> str:
        """``value`` as the link writes it: ``40``, ``1.5``, ``0.12``."""
        return str(int(value)) if self.whole else repr(float(value))

    def parse(self, text: str) -> int | float:
        """A value from the link; a :class:`ScenarioError` naming the field if it is not one."""
        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or stripped != text or not text:
            raise ScenarioError.single(self.path, _kind(self.whole), text)
        if self.whole:
            if not value.is_integer() or not stripped.lstrip("+-").isdigit():
                raise ScenarioError.single(self.path, _kind(True), text)
            return int(stripped)
        return value


@dataclass(frozen=True)
class Settings:
    """A page's whole state: the scenario (its key) and the levers changed from the file.

    ``changes`` holds ``(path, value)`` pairs in the order of the scenario's levers, only
    those that differ from the file; ``Settings(key)`` is the scenario as written.
    """

    scenario: str
    changes: tuple[tuple[str, int | float], ...] = ()

    def as_dict(self) -> dict[str, int | float]:
        """The changes as ``Scenario.with_changes`` takes them."""
        return dict(self.changes)


def lever_specs(scenario: Scenario) -> list[LeverSpec]:
    """One slider per scalar number of ``scenario``: the important ones first, then by file order.

    Lists of numbers (monthly counts, a series of conditions) and targets are left out.
    """
    specs = []
    levers = scenario.levers().set_index("path")
    for path, q in iter_numbers(scenario):
        if path.startswith(NOT_LEVERS) or not isinstance(q, Quantity | DistQuantity):
            continue
        value = q.mean if isinstance(q, DistQuantity) else q.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        row = levers.loc[path]
        specs.append(_spec(path, q, value, row))
    rank = {p: i for i, p in enumerate(IMPORTANT)}
    return sorted(specs, key=lambda s: (not s.important, rank.get(s.path, 0)))


def _spec(path: str, q: Quantity[Any] | DistQuantity, value: int | float, row: Any) -> LeverSpec:
    whole = isinstance(value, int)
    floor, strict, ceiling = value_bounds(q)
    if q.range is not None:
        low, high = min(q.range[0], value), max(q.range[1], value)
        origin = f"assumption: {q.assumption} (range {q.range[0]:g} to {q.range[1]:g})"
    else:
        low, high = (SOURCED_BAND[0] * value, SOURCED_BAND[1] * value) if value > 0 else (0, 1)
        origin = f"source: {row['source']}"
    if ceiling is not None:
        high = min(high, ceiling)
    low = max(low, floor)
    if whole:
        low, high, step = math.floor(low), math.ceil(high), 1.0
        if strict and low <= floor:
            low = math.floor(floor) + 1
        if high <= low:
            high = low + 1
    else:
        step = _nice_step((high - low) / STEPS) if high > low else 1.0
        if strict and low <= floor:
            low = floor + step
        if high <= low:
            high = low + step
    return LeverSpec(
        path=path,
        label=lever_name(path),
        value=value,
        unit=q.unit,
        origin=origin,
        low=float(low),
        high=float(high),
        step=step,
        whole=whole,
        section=path.split(".")[0],
        important=path in IMPORTANT,
    )


def _nice_step(raw: float) -> float:
    """The step of 1, 2 or 5 times a power of ten nearest below ``raw``."""
    power = 10 ** math.floor(math.log10(raw))
    for m in (5, 2, 1):
        if m * power <= raw:
            return float(m * power)
    return float(power)


def _kind(whole: bool) -> str:
    return "a whole number" if whole else "a finite number"


def parse_link(
    query: str, scenarios: Mapping[str, Scenario], default: str | None = None
) -> Settings:
    """The settings a link's query string holds, checked as strictly as a scenario file.

    Parameters
    ----------
    query : str
        The query string, with or without its ``?`` (``scenario=KEY&PATH=NUMBER&...``).
    scenarios : mapping
        The scenarios the page offers, by key (the file's stem).
    default : str, optional
        The scenario when the link names none (default: the first of ``scenarios``).

    Raises
    ------
    ScenarioError
        A field that is not a lever of the scenario, given twice, or not a number of its
        kind; an unknown scenario; or a change the scenario's validation refuses. Every
        problem names its field.
    """
    text = query.removeprefix("?")
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except ValueError:
        raise ScenarioError.single(
            "link", "a query string like scenario=NAME&staff.mentors=40", text
        ) from None
    fields: dict[str, str] = {}
    problems: list[Problem] = []
    for key, value in pairs:
        if key in fields:
            problems.append(Problem(key, "one value", f"{short(fields[key])} and {short(value)}"))
        fields[key] = value
    if problems:
        raise ScenarioError(problems, "the link")
    key = fields.pop(SCENARIO_KEY, default if default is not None else next(iter(scenarios), ""))
    if key not in scenarios:
        raise ScenarioError.single(SCENARIO_KEY, f"one of {', '.join(scenarios)}", key, "the link")
    scenario = scenarios[key]
    specs = {s.path: s for s in lever_specs(scenario)}
    changes: dict[str, int | float] = {}
    for path, value in fields.items():
        spec = specs.get(path)
        if spec is None:
            problems.append(
                Problem(path, f"a lever of {scenario.name} (a path scenario.levers() lists)",
                        short(f"{path}={value}"))
            )  # fmt: skip
            continue
        try:
            changes[path] = spec.parse(value)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems, "the link")
    return settings_of(scenario, key, changes, list(specs.values()))


def settings_of(
    scenario: Scenario,
    key: str,
    changes: Mapping[str, int | float],
    specs: Sequence[LeverSpec] | None = None,
) -> Settings:
    """Validated settings: ``changes`` that differ from the file, in lever order.

    Raises
    ------
    ScenarioError
        If the scenario's own validation refuses the changed scenario (the same message as
        ``labour-sim compare FILE --set PATH=VALUE``).
    """
    specs = lever_specs(scenario) if specs is None else specs
    order = {s.path: i for i, s in enumerate(specs)}
    original = {s.path: s.value for s in specs}
    kept = sorted(
        ((p, v) for p, v in changes.items() if p not in original or v != original[p]),
        key=lambda pv: order.get(pv[0], len(order)),
    )
    if kept:
        scenario.with_changes(dict(kept))  # raises the scenario's own one-line error
    return Settings(key, tuple(kept))


def format_link(settings: Settings) -> str:
    """The query string (without ``?``) of ``settings``: ``scenario=KEY&PATH=VALUE...``."""
    pairs = [(SCENARIO_KEY, settings.scenario)]
    pairs += [
        (path, str(value) if isinstance(value, int) else repr(float(value)))
        for path, value in settings.changes
    ]
    return urllib.parse.urlencode(pairs, safe=".")


def error_text(error: ScenarioError) -> str:
    """The message the command line prints for ``error`` (its first line when several)."""
    return str(error).splitlines()[0] if len(error.problems) > 1 else str(error)


def is_about(problem_path: str, lever: str) -> bool:
    """Whether a problem at ``problem_path`` is about ``lever``.

    ``staff.mentors.value`` is about ``staff.mentors``; ``groups.*.share`` about every
    group's share.
    """
    return (
        problem_path == lever
        or problem_path.startswith(lever + ".")
        or ("*" in problem_path and fnmatch.fnmatchcase(lever, problem_path))
    )


def problems_by_lever(error: ScenarioError, paths: Sequence[str]) -> dict[str, list[str]]:
    """Each problem's one-line text under every lever it is about (:func:`is_about`).

    Problems about no lever are under ``""``.
    """
    where = f" in {error.origin}" if error.origin else ""
    out: dict[str, list[str]] = {}
    for problem in error.problems:
        levers = [p for p in paths if is_about(problem.path, p)] or [""]
        for lever in levers:
            out.setdefault(lever, []).append(f"{problem}{where}")
    return out
