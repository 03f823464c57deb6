"""Against an evaluation: each reported figure next to what the scenario simulates.

Each observation of an observation file (:func:`labour_sim.calibration.load_observations`)
is read from replications ``0 .. n-1`` of a seed, the same simulated programmes as an
experiment with that seed (common random numbers), simulated only up to the last observation
date (the counts up to that date are exactly those of the full run, for less work). The
comparison is the calibration's posterior predictive check
(:func:`labour_sim.calibration.diagnostics.predictive_table`) with the scenario's own values
in place of a posterior: the model's 80 % and 95 % intervals, the 95 % interval of a report
simulated with the observation's stated error, and the two-sided tail probability of what
was reported. With ``calibration`` the replications are those of a calibrated run
(``run_experiment(..., calibration=...)``): replication ``r`` at its own posterior draw, the
same simulated programmes as that run. The funders' report shows the table
(:mod:`labour_sim.report`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..experiments import Execution
from ..experiments.posterior import PosteriorDraws, drift_draws
from ..scenario import Scenario
from .diagnostics import predictive_table
from .forecast import Reading, run_draws
from .observations import Observations
from .simulate import truncated

__all__ = ["evaluation_table"]


@dataclass(frozen=True)
class _Path:
    """A calibrated path as :func:`run_draws` sets it."""

    path: str
    integer: bool


def evaluation_table(
    scenario: Scenario,
    observations: Observations,
    replications: int,
    seed: int,
    execution: Execution | None = None,
    calibration: PosteriorDraws | None = None,
) -> pd.DataFrame:
    """Each observation against ``replications`` replications of the scenario.

    Parameters
    ----------
    scenario : Scenario
        The scenario as given (the baseline of a calibrated run).
    observations : Observations
        What the evaluation reported; every date must lie in the simulated period.
    replications : int
        Replications ``0 .. replications - 1`` of ``seed`` are read.
    seed : int
        Seed of the run.
    execution : Execution, optional
        Where and how visibly the replications run (its ``out`` is not used).
    calibration : PosteriorDraws, optional
        Read a calibrated run's replications: replication ``r`` at the posterior draw
        ``run_experiment(scenario, calibration=calibration)`` gives it on ``seed``.

    Returns
    -------
    pandas.DataFrame
        One row per observation: ``observation, metric, share_of, date, observed, sd`` (the
        observation's value and standard deviation, in its unit: citizens, companies or a
        share), the simulated ``median, p10, p90, p2_5, p97_5``, the 95 % interval of a
        simulated report ``report_p2_5, report_p97_5``, ``p_value`` (two-sided) and
        ``covered`` (``p_value >= 0.05``). ``attrs`` says what it was read from:
        ``scenario``, ``scenario_hash``, ``seed``, ``replications`` and ``calibration``
        (the calibration's fingerprint and label, or ``None``).

    Raises
    ------
    ScenarioError
        If an observation's date lies outside the scenario's simulated period.
    """
    observations.check(scenario)
    short = truncated(scenario, observations.last_date)
    reading = Reading(date=None, metrics=(), observations=observations, targets=False)
    values = np.empty((replications, 0))
    paths: tuple[_Path, ...] = ()
    drift = None
    if calibration is not None:
        values = calibration.values[calibration.particles(replications, seed)]
        paths = tuple(
            _Path(p, w) for p, w in zip(calibration.paths, calibration.integer, strict=True)
        )
        if calibration.drift is not None:
            sd = calibration.drift.sd
            drift = (calibration.drift.start, drift_draws(replications, sd, seed), sd)
    draws = run_draws(
        short,
        paths,
        values,
        seed,
        reading,
        description="replications to the evaluation",
        execution=execution,
        drift=drift,
    )
    table = predictive_table(observations, draws)
    # Provenance, so that whoever shows the table can check it belongs to their results.
    table.attrs = {
        "scenario": scenario.name,
        "scenario_hash": scenario.hash,
        "seed": int(seed),
        "replications": int(replications),
        "calibration": None
        if calibration is None
        else {"fingerprint": calibration.fingerprint, "label": calibration.label},
    }
    return table
