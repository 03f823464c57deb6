"""One ABC simulation: parameter values in, the observations as the model sees them out.

:class:`Simulator` is the model that pyabc calls. It is pure and picklable: the scenario
with the proposed values set (:meth:`Scenario.with_changes`), one replication, and each
observation's simulated value (:meth:`Observation.simulated`).

Choices that keep it fast and honest:

* **One replication per simulation.** The report is one realisation of the programme, so
  the likelihood is that of one replication; averaging several would shrink the model's
  noise and make the posterior too narrow.
* **Simulate only as far as the observations reach.** The model does not look ahead: a
  run whose period ends at the last observation date gives, on the same random numbers,
  exactly the counts of the full run up to that date (a test checks this), for a third
  of the cost in the Lolland-Falster midterm.
* **Random numbers from one seed.** A simulation's replication number is a hash of the
  proposed values, so its streams are ``SeedSequence(seed, spawn_key=(replication,
  stream))``: the same values always give the same simulation, whichever process runs it.
* **Values the scenario rejects are impossible.** A proposal that fails validation (a
  normal prior proposing a negative probability) returns infinite statistics, which the
  kernel gives zero likelihood: the prior is truncated to valid scenarios.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ScenarioError
from ..replication import run_replication
from ..scenario import Scenario, parse_scenario
from .observations import Observations
from .priors import Parameter, changes

__all__ = ["Simulator", "simulation_replication", "truncated"]

#: ABC simulations use replication numbers at or above this (predictive draws use 0, 1, ...).
_HASHED = 1 << 62


def truncated(scenario: Scenario, date: dt.date) -> Scenario:
    """``scenario`` simulated only up to ``date`` (same counts up to that date, less work).

    The period ends at ``date`` with no follow-up; targets and costs that refer to later
    dates are dropped. If ``date`` is not before the end of the simulated period, or the
    shortened scenario does not validate, ``scenario`` itself is returned.
    """
    intake = scenario.intake
    if scenario.week_of(date) >= scenario.horizon_weeks or date <= (
        intake.start or scenario.period.start
    ):
        return scenario
    data = scenario.model_dump(mode="python")
    data["period"]["end"] = date
    data["period"]["follow_up_weeks"]["value"] = 0
    data["targets"] = []
    data["costs"] = {}
    if intake.end is not None and intake.end > date:
        data["intake"]["end"] = date
    try:
        return parse_scenario(data, origin=scenario.origin, text=scenario.text)
    except ScenarioError:
        return scenario


def simulation_replication(values: Mapping[str, float]) -> int:
    """Replication number of the simulation at ``values`` (a 62-bit hash, offset by 2**62)."""
    key = np.array([values[k] for k in sorted(values)], dtype=np.float64).tobytes()
    digest = hashlib.blake2b(key, digest_size=8).digest()
    return _HASHED + (int.from_bytes(digest, "little") >> 2)


@dataclass(frozen=True)
class Simulator:
    """The model pyabc calls: ``{key: value}`` -> ``{observation name: simulated value}``.

    Attributes
    ----------
    scenario : Scenario
        The baseline, usually :func:`truncated` to the last observation date.
    observations : Observations
        What to compute from each replication.
    parameters : tuple of Parameter
        Which scenario numbers the keys set.
    seed : int
        The calibration's seed.
    engine : str
        The engine of :func:`~labour_sim.run_replication` (same numbers either way).
    """

    scenario: Scenario
    observations: Observations
    parameters: tuple[Parameter, ...]
    seed: int
    engine: str = "auto"

    def __call__(self, values: Mapping[str, Any]) -> dict[str, float]:
        """Simulate one replication at ``values`` and read every observation from it."""
        plain = {p.key: float(values[p.key]) for p in self.parameters}
        try:
            scenario = self.scenario.with_changes(changes(self.parameters, plain))
        except ScenarioError:
            return dict.fromkeys(self.observations.names, math.inf)
        result = run_replication(scenario, self.seed, simulation_replication(plain), self.engine)
        return {o.name: o.simulated(result) for o in self.observations}
