"""Calibration set-ups as files: everything a calibration assumed, in one TOML file.

A set-up (``scenarios/calibration/*.toml``) names the scenario, the observation files, the
priors, the settings and the seed, so that ``labour-sim calibrate SETUP`` (or
:func:`calibrate_setup`) gives the same posterior, bit for bit, on any number of workers,
and a reviewer reads in one place what was assumed::

    schema_version = 1
    name = "Lolland-Falster, VIVE midterm"
    description = "..."
    scenario = "../lolland_falster.toml"          # relative to this file
    observations = ["../observations/lolland_falster_midterm.toml"]   # one file or several
    seed = 20180101

    [priors]                                      # {dotted.path: prior}, as calibrate takes
    "placement.outcomes.ordinary" = "uniform(0.01, 0.3)"

    [settings]                                    # all four required: no silent defaults
    population = 200                              # accepted particles per generation
    generations = 8
    max_simulations = 60000
    draws = 400                                   # posterior predictive draws
    engine = "auto"                               # optional: auto, fast or des (same numbers)
    hold_out_last = false                         # optional: leave-future-out

Settings have no defaults (except the engine, which does not change the numbers, and
``hold_out_last``): a set-up that relied on a default would change when the default did.
The number of workers is not a setting: it never changes the result.

Every mistake (an unknown key, a missing field, a setting of the wrong type, a file that
does not exist, a prior the scenario cannot take) is a
:class:`~labour_sim.errors.ScenarioError` naming the field, what was expected and what was
given, as for scenario files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from ..errors import Problem, ScenarioError
from ..experiments import Execution
from ..scenario import Scenario, load_scenario
from ..scenario.loader import read_toml
from ..scenario.problems import problems_from
from ..scenario.quantities import Version
from .abc_smc import calibrate
from .observations import Observations, load_observations
from .priors import parse_parameters
from .result import Calibration

__all__ = ["CalibrationSetup", "calibrate_setup", "combine_observations", "load_setup"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
Text = Annotated[str, Strict(), Field(min_length=1)]
Count = Annotated[int, Strict(), Field(ge=1)]


class _Settings(BaseModel):
    model_config = _FROZEN
    population: Count
    generations: Count
    max_simulations: Count
    draws: Count
    engine: Literal["auto", "fast", "des"] = "auto"
    hold_out_last: Annotated[bool, Strict()] = False


class _File(BaseModel):
    model_config = _FROZEN
    schema_version: Version = 1
    name: Text
    description: Annotated[str, Strict()] = ""
    scenario: Text
    observations: Text | Annotated[tuple[Text, ...], Field(min_length=1)]
    seed: Annotated[int, Strict(), Field(ge=0)]
    priors: Annotated[dict[Text, Text], Field(min_length=1)]
    settings: _Settings


@dataclass(frozen=True)
class CalibrationSetup:
    """A validated calibration set-up (see the module docstring).

    Attributes
    ----------
    name, description : str
        What is calibrated to what.
    scenario : Path
        The scenario file (resolved against the set-up file's folder).
    observations : tuple of Path
        The observation files, in order (combined into one set of observations).
    priors : dict of str to str
        ``{dotted.path: prior spec}``.
    seed : int
        The calibration's seed.
    population, generations, max_simulations, draws : int
        Settings of :func:`~labour_sim.calibration.calibrate` (``population_size``,
        ``generations``, ``max_simulations``, ``predictive_draws``).
    engine : str
        The engine (``auto``, ``fast`` or ``des``; the same numbers either way).
    hold_out_last : bool
        Leave-future-out: hold the last observation date out and score it.
    origin, text : str
        The set-up file and its text (recorded with the result).
    """

    name: str
    description: str
    scenario: Path
    observations: tuple[Path, ...]
    priors: dict[str, str]
    seed: int
    population: int
    generations: int
    max_simulations: int
    draws: int
    engine: str
    hold_out_last: bool
    origin: str | None = None
    text: str | None = field(default=None, repr=False)

    def inputs(self) -> tuple[Scenario, Observations]:
        """The scenario and the combined observations, checked against each other."""
        scenario = load_scenario(self.scenario)
        observations = combine_observations(
            [load_observations(path, scenario) for path in self.observations]
        )
        parse_parameters(scenario, self.priors)
        return scenario, observations

    def run(
        self, execution: Execution | None = None, *, holdout: bool | None = None
    ) -> Calibration:
        """Calibrate as the set-up says (``holdout`` overrides ``hold_out_last``)."""
        scenario, observations = self.inputs()
        execution = (execution or Execution()).replace(engine=self.engine)
        return calibrate(
            scenario, observations, self.priors,
            seed=self.seed, population_size=self.population, generations=self.generations,
            max_simulations=self.max_simulations, predictive_draws=self.draws,
            execution=execution,
            holdout=self.hold_out_last if holdout is None else holdout,
            metadata={"setup": {"name": self.name, "file": self.origin, "text": self.text}},
        )  # fmt: skip


def load_setup(path: str | Path) -> CalibrationSetup:
    """Read and validate a calibration set-up file (TOML; see the module docstring).

    Raises
    ------
    ScenarioError
        Naming each field that is wrong, what it should be and what it is, in the file.
    """
    data, text = read_toml(path)
    return parse_setup(data, Path(path).parent, origin=str(path), text=text)


def parse_setup(
    data: Mapping[str, Any],
    folder: str | Path = ".",
    origin: str | None = None,
    text: str | None = None,
) -> CalibrationSetup:
    """Validate a set-up given as a mapping; file paths are relative to ``folder``."""
    try:
        f = _File.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc), origin) from None
    root = Path(folder)
    files = (f.observations,) if isinstance(f.observations, str) else f.observations
    scenario = root / f.scenario
    observations = tuple(root / name for name in files)
    problems = []
    if not scenario.is_file():
        problems.append(
            Problem(
                "scenario", "an existing scenario file (relative to the set-up file)", str(scenario)
            )
        )
    for i, path in enumerate(observations):
        if not path.is_file():
            where = "observations" if isinstance(f.observations, str) else f"observations.{i}"
            expected = "an existing observation file (relative to the set-up file)"
            problems.append(Problem(where, expected, str(path)))
    if problems:
        raise ScenarioError(problems, origin)
    s = f.settings
    return CalibrationSetup(
        f.name, f.description, scenario, observations, dict(f.priors), f.seed,
        s.population, s.generations, s.max_simulations, s.draws, s.engine, s.hold_out_last,
        origin, text,
    )  # fmt: skip


def calibrate_setup(
    path: str | Path, execution: Execution | None = None, *, holdout: bool | None = None
) -> Calibration:
    """Calibrate as the set-up file at ``path`` says (see :class:`CalibrationSetup`).

    The same file gives the same posterior, bit for bit, whatever ``execution``'s workers
    or executor; ``execution.out`` saves the result (with the set-up's text in its
    metadata). ``holdout`` overrides the set-up's ``hold_out_last``.
    """
    return load_setup(path).run(execution, holdout=holdout)


def combine_observations(parts: list[Observations]) -> Observations:
    """Several observation files as one: names unique over all, sources merged.

    A source key cited by two files must mean the same URL in both.
    """
    if len(parts) == 1:
        return parts[0]
    problems = []
    sources: dict[str, str] = {}
    seen: dict[str, str | None] = {}
    for part in parts:
        for key, url in part.sources.items():
            if sources.setdefault(key, url) != url:
                problems.append(
                    Problem(
                        f"sources.{key}", f"the same URL as in another file ({sources[key]})", url
                    )
                )
        for o in part:
            if o.name in seen:
                problems.append(
                    Problem(
                        f"observations.{o.name}",
                        f"a name not used by another observation file ({seen[o.name]})",
                        str(part.origin),
                    )
                )
            seen[o.name] = part.origin
    if problems:
        raise ScenarioError(problems, "observations")
    return Observations(
        " + ".join(p.name for p in parts),
        "\n\n".join(p.description for p in parts if p.description),
        sources,
        tuple(o for p in parts for o in p),
        "; ".join(str(p.origin) for p in parts),
        None,
    )
