"""What an evaluation reported, as data: observation files and their validation.

An observation file (TOML) lists what was observed about a programme, each item a metric
the model produces (:data:`labour_sim.metrics.ALL_METRICS`: cumulative "ever reached by the
date" or point-in-time "in the state on the date") at a date, with its value, how
approximate it is and where it comes from::

    name = "Rekruttering fra kanten: VIVE midterm evaluation"
    [sources]
    cabi_midterm = "https://nyheder.cabiweb.dk/pressreleases/..."

    [[observations]]
    name = "citizens"
    metric = "referred"             # citizens ever referred to the programme by the date
    date = 2019-12-31
    value = 663
    about = 0.02                    # sd = 2 % of the value
    source = "cabi_midterm"

    [[observations]]
    name = "paid_share"
    metric = "paid"
    share_of = "referred"           # the value is a share: paid / referred at the date
    date = 2019-12-31
    value = 0.15
    interval = [0.12, 0.18]         # a 95 % interval: sd = width / 3.92
    source = "https://..."

How approximate a value is, exactly one of: ``sd`` (a standard deviation, in the value's
unit), ``interval`` (a 95 % interval, ``sd = (high - low) / 3.92``) or ``about`` (a relative
tolerance: ``sd = about * value``). Calibration treats the report as the model's value plus a
normal error with that sd.

Every mistake (an unknown metric, a negative count, a share above 1, a date outside the
scenario's simulated period, a missing source) is collected into one
:class:`~labour_sim.errors.ScenarioError` naming the observation and the field.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from ..display import Table, as_html, as_text
from ..errors import Problem, ScenarioError
from ..metrics import ALL_METRICS, CITIZEN_METRICS, METRIC_LABELS
from ..replication import ReplicationResult
from ..scenario import Scenario
from ..scenario.loader import read_toml
from ..scenario.problems import problems_from
from ..scenario.quantities import Version
from ..scenario.sources import CITED_BY_SOURCE, SOURCE_ENTRY, is_reference, is_source_entry

__all__ = ["Observation", "Observations", "load_observations", "parse_observations"]

#: A 95 % interval is this many standard deviations wide.
Z95_WIDTH = 3.919927969080108
_FROZEN = ConfigDict(frozen=True, extra="forbid")

#: Largest count an observation may report: more than all citizens of Denmark (a labelled
#: bound; 1e300 would overflow the calibration's distances).
MAX_COUNT = 10_000_000.0
#: Narrowest uncertainty: a hundredth of a citizen or company for a count, a ten-thousandth
#: for a share. A tighter sd accepts no simulation and makes calibration run forever.
MIN_SD_COUNT = 0.01
MIN_SD_SHARE = 1e-4

Finite = Annotated[float, Strict(), Field(allow_inf_nan=False)]
Text = Annotated[str, Strict()]


class Observation(BaseModel):
    """One reported figure: a metric at a date, its value, its uncertainty and its source.

    Attributes
    ----------
    name : str
        Short name, unique in the file.
    metric : str
        What is counted, one of :data:`labour_sim.metrics.ALL_METRICS` (a cumulative or a
        point-in-time metric: say which the report counts).
    share_of : str, optional
        If given, the value is the share ``metric / share_of`` at the date (e.g. the share
        of referred citizens who reached paid work), not a count.
    date : datetime.date
        When (the count is cumulative up to and including this date).
    value : float
        A count (citizens or companies) or, with ``share_of``, a share in [0, 1].
    sd, interval, about : float, (float, float), float
        Exactly one: a standard deviation (value's unit), a 95 % interval, or a relative
        tolerance (``sd = about * value``).
    source : str
        A key of the file's ``[sources]`` table, a URL, or a source article's file name
        (``docs/domain/seed_articles.md``), as scenario files cite them.
    wording, note : str
        What the source says; how the value was read or derived.
    derived : bool
        True when the value is computed from reported figures rather than reported.
    """

    model_config = _FROZEN
    name: Text = Field(min_length=1, max_length=200)
    metric: Text
    share_of: Text | None = None
    date: Annotated[dt.date, Strict()]
    value: Finite
    sd: Finite | None = None
    interval: tuple[Finite, Finite] | None = None
    about: Finite | None = None
    source: Text = Field(min_length=1)
    wording: Text = ""
    note: Text = ""
    derived: Annotated[bool, Strict()] = False

    @property
    def is_share(self) -> bool:
        """True when the value is a share (``share_of`` given) rather than a count."""
        return self.share_of is not None

    @property
    def scale(self) -> float:
        """Standard deviation of the reported value around the model's (value's unit)."""
        if self.sd is not None:
            return self.sd
        if self.interval is not None:
            return (self.interval[1] - self.interval[0]) / Z95_WIDTH
        assert self.about is not None
        return self.about * abs(self.value)

    @property
    def label(self) -> str:
        """What is observed, in words (e.g. 'share of citizens referred ... in paid work')."""
        # A point-in-time label ends "on the date": name the date there, not "by" it.
        label = METRIC_LABELS.get(self.metric, self.metric)
        when = f"by {self.date}"
        if label.endswith(" on the date"):
            label, when = label.removesuffix(" on the date"), f"on {self.date}"
        if self.share_of is None:
            return f"{label} {when}"
        share_of = METRIC_LABELS.get(self.share_of, self.share_of).removesuffix(" on the date")
        return f"{label}, as a share of {share_of}, {when}"

    def simulated(self, result: ReplicationResult) -> float:
        """The model's value of this observation in one replication.

        A count is ``result.outcome(metric, date)``; a share divides it by the count of
        ``share_of`` at the same date (0 when nobody is in the denominator).
        """
        count = float(result.outcome(self.metric, self.date))
        if self.share_of is None:
            return count
        denominator = float(result.outcome(self.share_of, self.date))
        return count / denominator if denominator > 0 else 0.0


class _File(BaseModel):
    model_config = _FROZEN
    schema_version: Version = 1
    name: Text = Field(min_length=1)
    description: Text = ""
    sources: dict[Text, Text] = {}
    observations: tuple[Observation, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Observations:
    """A validated set of observations of one programme (see the module docstring).

    Attributes
    ----------
    name, description : str
        What was observed, by whom.
    sources : dict of str to str
        Key -> URL, cited by the observations' ``source``.
    items : tuple of Observation
        The observations, in file order.
    origin : str, optional
        The file they were read from.
    text : str, optional
        The file's text, kept so that results describe themselves.
    """

    name: str
    description: str
    sources: dict[str, str]
    items: tuple[Observation, ...]
    origin: str | None = None
    text: str | None = None

    def __iter__(self) -> Iterator[Observation]:
        return iter(self.items)

    def _summary(self) -> tuple[str, list[str], list[Table]]:
        table = Table(
            ("observation", "metric", "date", "value", "sd"),
            tuple(
                (
                    o.name,
                    o.metric if o.share_of is None else f"{o.metric} / {o.share_of}",
                    str(o.date),
                    f"{o.value:,.4g}",
                    f"{o.scale:,.3g}",
                )
                for o in self.items
            ),
        )
        lines = [f"file: {self.origin}"] if self.origin else []
        return f"Observations: {self.name} ({len(self.items)})", lines, [table]

    def __repr__(self) -> str:
        return as_text(*self._summary())

    def _repr_html_(self) -> str:
        return as_html(*self._summary())

    def __len__(self) -> int:
        return len(self.items)

    @property
    def names(self) -> tuple[str, ...]:
        """Observation names, in order."""
        return tuple(o.name for o in self.items)

    @property
    def last_date(self) -> dt.date:
        """The latest observation date."""
        return max(o.date for o in self.items)

    def source_url(self, observation: Observation) -> str:
        """The URL behind an observation's ``source`` (a key or a URL)."""
        return self.sources.get(observation.source, observation.source)

    def check(self, scenario: Scenario) -> None:
        """Raise a :class:`ScenarioError` if an observation lies outside ``scenario``'s run.

        Dates must fall within the simulated period (``period.start`` to the end of the
        follow-up).
        """
        problems = list(_against_scenario(self.items, scenario))
        if problems:
            raise ScenarioError(problems, self.origin)

    def to_dict(self) -> dict[str, Any]:
        """The observations as plain data (what :func:`parse_observations` reads back)."""
        return {
            "schema_version": 1,
            "name": self.name,
            "description": self.description,
            "sources": dict(self.sources),
            "observations": [o.model_dump(mode="json", exclude_defaults=True) for o in self],
        }


def load_observations(path: str | Path, scenario: Scenario | None = None) -> Observations:
    """Read and validate an observation file (TOML).

    Parameters
    ----------
    path : str or Path
        The file (see the module docstring for the format).
    scenario : Scenario, optional
        If given, also check that every date lies within its simulated period.

    Raises
    ------
    ScenarioError
        Listing every problem found.
    """
    data, text = read_toml(path)
    observations = parse_observations(data, origin=str(path), scenario=scenario)
    return Observations(
        observations.name,
        observations.description,
        observations.sources,
        observations.items,
        str(path),
        text,
    )


def parse_observations(
    data: Mapping[str, Any],
    origin: str | None = None,
    scenario: Scenario | None = None,
    *,
    from_json: bool = False,
) -> Observations:
    """Validate observations given as nested mappings (as parsed from TOML).

    With ``from_json``, ``data`` is JSON (``Observations.to_dict``, e.g. from a saved
    calibration), where dates are ISO strings; otherwise no string is taken as a date or a
    number.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError.single("observations", "a table", type(data).__name__, origin)
    try:
        if from_json:
            parsed = _File.model_validate_json(json.dumps(dict(data)))
        else:
            parsed = _File.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, data), origin) from None
    problems = list(_consistency(parsed))
    if scenario is not None:
        problems += _against_scenario(parsed.observations, scenario)
    if problems:
        raise ScenarioError(problems, origin)
    return Observations(
        parsed.name, parsed.description, dict(parsed.sources), parsed.observations, origin
    )


def _consistency(f: _File) -> Iterator[Problem]:
    names = [o.name for o in f.observations]
    if len(set(names)) != len(names):
        yield Problem("observations.*.name", "unique observation names", str(names))
    for key, ref in f.sources.items():
        if not is_source_entry(ref):
            yield Problem(f"sources.{key}", SOURCE_ENTRY, ref)
    for o in f.observations:
        yield from _check_one(o, f.sources)


def _check_one(o: Observation, sources: Mapping[str, str]) -> Iterator[Problem]:
    path = f"observations.{o.name}"
    if o.metric not in ALL_METRICS:
        yield Problem(
            f"{path}.metric", f"a metric the model produces, one of {list(ALL_METRICS)}", o.metric
        )
    if o.share_of is not None:
        if o.share_of not in CITIZEN_METRICS or o.metric not in CITIZEN_METRICS:
            yield Problem(
                f"{path}.share_of",
                f"a citizen metric (one of {list(CITIZEN_METRICS)}) with a citizen metric",
                f"{o.metric} / {o.share_of}",
            )
        elif o.share_of == o.metric:
            yield Problem(f"{path}.share_of", "another metric than 'metric'", o.share_of)
        if not 0 <= o.value <= 1:
            yield Problem(
                f"{path}.value", "a share between 0 and 1 (share_of is given)", f"{o.value:g}"
            )
    elif not 0 <= o.value <= MAX_COUNT:
        yield Problem(
            f"{path}.value",
            f"a count >= 0 and at most {MAX_COUNT:,.0f} (citizens or companies; a labelled "
            "bound: more than all citizens of Denmark)",
            f"{o.value:g}",
        )
    yield from _check_uncertainty(o, path)
    if o.source not in sources and not is_reference(o.source):
        yield Problem(f"{path}.source", CITED_BY_SOURCE, o.source)


def _check_uncertainty(o: Observation, path: str) -> Iterator[Problem]:
    given = [k for k in ("sd", "interval", "about") if getattr(o, k) is not None]
    if len(given) != 1:
        yield Problem(
            path,
            "exactly one of sd (standard deviation), interval = [low, high] (95 %) or "
            "about (relative tolerance)",
            ", ".join(given) or "none",
        )
        return
    if o.sd is not None and not o.sd > 0:
        yield Problem(f"{path}.sd", "a standard deviation > 0", f"{o.sd:g}")
    elif not _width_ok(o):
        field = "sd" if o.sd is not None else "interval" if o.interval is not None else "about"
        yield Problem(f"{path}.{field}", _width_expected(o), f"an sd of {o.scale:g}")
    if o.interval is not None:
        low, high = o.interval
        if not low < high:
            yield Problem(f"{path}.interval", "[low, high] with low < high", str(list(o.interval)))
        elif not low <= o.value <= high:
            yield Problem(
                f"{path}.interval",
                f"an interval containing the value {o.value:g}",
                str(list(o.interval)),
            )
    if o.about is not None:
        if not 0 < o.about <= 1:
            yield Problem(
                f"{path}.about", "a relative tolerance in (0, 1], e.g. 0.1 for 10 %", f"{o.about:g}"
            )
        elif o.value == 0:
            yield Problem(
                f"{path}.about",
                "sd or interval instead (about a value of 0 has no width)",
                f"{o.about:g}",
            )


def _width_limits(o: Observation) -> tuple[float, float]:
    """Narrowest and widest sd that says something about ``o`` (value's unit)."""
    if o.is_share:
        return MIN_SD_SHARE, 1.0
    return MIN_SD_COUNT, 10 * max(abs(o.value), 1.0)


def _width_ok(o: Observation) -> bool:
    if o.interval is not None and not o.interval[0] < o.interval[1]:
        return True  # reported on its own
    if o.about is not None and (not 0 < o.about <= 1 or o.value == 0):
        return True  # reported on its own
    low, high = _width_limits(o)
    return low <= o.scale <= high


def _width_expected(o: Observation) -> str:
    low, high = _width_limits(o)
    what = "a share" if o.is_share else "a count"
    return (
        f"an uncertainty (sd) from {low:g} to {high:g} for {what}: narrower accepts no "
        "simulation, wider says nothing"
    )


def _against_scenario(items: tuple[Observation, ...], s: Scenario) -> Iterator[Problem]:
    start = s.period.start
    last = start + dt.timedelta(days=math.floor(s.horizon_weeks * 7))
    for o in items:
        if not start <= o.date <= last:
            yield Problem(
                f"observations.{o.name}.date",
                f"a date within the simulated period {start}..{last} of '{s.name}'",
                str(o.date),
            )
