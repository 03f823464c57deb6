"""Calibrate scenario numbers to observations by ABC-SMC (pyabc).

The statistical model: each reported value is the model's value in one replication plus a
normal error with the observation's sd. The kernel is that error's density, so the
"distance" is the sum of squared standardised differences ``((simulated - observed) /
sd)^2``. pyabc's ABC-SMC with a *stochastic acceptor* and a *temperature* schedule
(Wilson's exact ABC; Schaelte and Hasenauer 2020) accepts a candidate with probability
``exp(-0.5 * sum z^2 / T)``; the temperature ``T`` falls from a value fitted to a prior
sample to exactly 1 in the last generation, where the accepted, weighted particles are a
sample of the true posterior under that error model, not an approximation whose quality
depends on a tolerance. If the simulation budget runs out first, the run stops at a
temperature above 1 and the posterior is too wide (a warning says so).

pyabc supplies the SMC machinery (proposal kernels, weights, temperature schedule,
history in SQLite: in memory, or, when the result is saved, in a temporary file copied
into ``out``). Proposals perturb particles with a normal kernel whose covariance is fitted
to each particle's nearest quarter of the population (``LocalTransition``): on the
Lolland-Falster midterm it kept an effective sample size of about 150 of 200 particles
where the global kernel kept 50, for the same number of simulations. This package
supplies the model (:class:`.simulate.Simulator`), the reproducible parallel sampler
(:class:`.sampler.SeededSampler`), the predictive draws and the diagnostics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..experiments import Execution, default_workers
from ..experiments.executors import Pool
from ..experiments.experiment import DEFAULT_SEED, versions
from ..experiments.store import atomic_write
from ..scenario import Scenario
from .forecast import Reading, particle_draws, run_draws
from .observations import Observations, load_observations
from .priors import Parameter, Prior, parse_parameters
from .result import Calibration
from .score import split_last
from .simulate import Simulator, truncated

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_GENERATIONS",
    "DEFAULT_MAX_SIMULATIONS",
    "DEFAULT_POPULATION",
    "calibrate",
]

#: Accepted particles per generation.
DEFAULT_POPULATION = 200
#: Generations at most; the temperature reaches 1 in the last one.
DEFAULT_GENERATIONS = 8
#: Simulations at most (a safety net; the default Lolland-Falster run needs far fewer).
DEFAULT_MAX_SIMULATIONS = 60_000
#: Posterior predictive draws for the check (and, by default, for forecasts).
DEFAULT_DRAWS = 400


def calibrate(
    scenario: Scenario,
    observations: Observations | str | Path,
    parameters: Mapping[str, Prior | str],
    *,
    seed: int = DEFAULT_SEED,
    population_size: int = DEFAULT_POPULATION,
    generations: int = DEFAULT_GENERATIONS,
    max_simulations: int = DEFAULT_MAX_SIMULATIONS,
    predictive_draws: int = DEFAULT_DRAWS,
    execution: Execution | None = None,
    holdout: bool = False,
    metadata: Mapping[str, Any] | None = None,
) -> Calibration:
    """Estimate scenario numbers from what an evaluation reported.

    Parameters
    ----------
    scenario : Scenario
        The programme; its other numbers stay as they are.
    observations : Observations or path
        What was reported (see :mod:`labour_sim.calibration.observations`).
    parameters : mapping of str to Prior or str
        ``{dotted.path: prior}``, e.g. ``{"placement.outcomes.ordinary":
        "uniform(0.05, 0.3)"}`` (see :mod:`labour_sim.calibration.priors`).
    seed : int
        Root of every random number: the same seed gives the same calibration, whatever
        the number of workers or the executor.
    population_size : int, default 200
        Accepted particles per generation (the posterior sample's size).
    generations : int, default 8
        ABC-SMC generations; the temperature schedule reaches 1 in the last one.
    max_simulations : int, default 60000
        Simulations at most, a hard cap within every generation and over the run: the run
        stops there (with a warning that the temperature did not reach 1); an error if not
        even the first generation fits (at least twice ``population_size`` is needed).
    predictive_draws : int, default 400
        Posterior draws for the predictive check.
    execution : Execution, optional
        ``workers`` (default: the available cores) or a Dask ``executor``; ``out``, the
        folder to save the result in (see :class:`Calibration`, with pyabc's history
        ``abc.db``); ``overwrite`` to replace a calibration saved there; ``progress``: bars
        and one line per generation on stderr.
    holdout : bool, default False
        Leave-future-out: calibrate to the observations before the last observation date
        only, then score the forecast of those at that date (``result.holdout``, a
        :class:`~labour_sim.calibration.score.Score`). Needs observations at two dates or
        more.
    metadata : mapping, optional
        Recorded with the result besides its own (e.g. the set-up file it came from).

    Returns
    -------
    Calibration
        Posterior, point estimate, calibrated scenario, diagnostics; ``.forecast(...)``,
        ``.score(...)``; ``.holdout`` with ``holdout=True``.

    Raises
    ------
    ScenarioError
        For a bad observation file, prior, parameter path or setting, before any run.
    """
    obs = (
        observations if isinstance(observations, Observations) else load_observations(observations)
    )
    obs.check(scenario)
    held = None
    if holdout:
        obs, held = split_last(obs)
    params = parse_parameters(scenario, parameters)
    execution = execution or Execution()
    out, executor, progress = execution.out, execution.executor, execution.progress
    _check_settings(
        population_size, generations, max_simulations, predictive_draws, out, execution.overwrite
    )
    workers = default_workers() if execution.workers is None else execution.workers
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    simulator = Simulator(truncated(scenario, obs.last_date), obs, params, seed, execution.engine)
    with tempfile.TemporaryDirectory(prefix="labour_sim_abc_") as tmp:
        # pyabc opens and closes its database on every access (engine, table checks), unless
        # it is in memory: a history nobody keeps stays there, at half pyabc's overhead.
        db = None if out is None else Path(tmp) / "abc.db"
        posterior, table = _run_abc(
            simulator, db, population_size, generations, max_simulations,
            workers, executor, progress,
        )  # fmt: skip
        if out is not None and db is not None:
            atomic_write(out / "abc.db", partial(_copy, db))
    index = particle_draws(posterior["weight"].to_numpy(dtype=float), predictive_draws, seed)
    values = posterior[[p.path for p in params]].to_numpy(dtype=float)[index]
    draws = run_draws(
        simulator.scenario, params, values, seed, Reading(None, (), obs, False),
        execution=execution.replace(workers=workers),
    )  # fmt: skip
    draws.insert(1, "particle", index)
    meta = _metadata(scenario, obs, params, seed, started, time.perf_counter() - clock)
    meta.update(
        population_size=population_size, generations=generations,
        max_simulations=max_simulations, predictive_draws=predictive_draws,
        workers=workers, executor="dask" if executor is not None else "local",
        simulations=int(table["simulations_run"].sum()),
        engine=execution.engine,
    )  # fmt: skip
    if held is not None:
        meta["holdout"] = {"date": held.last_date.isoformat(), "observations": list(held.names)}
    meta.update(metadata or {})
    result = Calibration(scenario, obs, params, posterior, table, draws, meta)
    if held is not None:
        score = result.score(held, execution=execution.replace(workers=workers, out=None))
        result = dataclasses.replace(result, holdout=score)
    if out is not None:
        result.save(out, execution.table_format)
    return result


def _run_abc(
    simulator: Simulator,
    db: Path | None,
    population_size: int,
    generations: int,
    max_simulations: int,
    workers: int,
    executor: Any,
    progress: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run pyabc; the final population (paths and weight) and the per-generation table.

    ``db`` is the SQLite file of pyabc's history, or None to keep it in memory.
    """
    import pyabc

    from .density import OneModel
    from .sampler import SeededSampler, global_random_state_kept

    params, obs = simulator.parameters, simulator.observations
    prior = pyabc.Distribution(**{p.key: p.prior.rv() for p in params})
    kernel = pyabc.IndependentNormalKernel(var=[o.scale**2 for o in obs], keys=list(obs.names))
    runner = Pool(workers, executor)
    sampler = SeededSampler(simulator.seed, runner, generations, progress, max_simulations)
    with _quiet_pyabc(), global_random_state_kept():
        try:
            abc = pyabc.ABCSMC(
                simulator, prior, kernel,
                population_size=population_size,
                model_prior=OneModel(),
                transitions=pyabc.LocalTransition(k_fraction=0.25),
                eps=pyabc.Temperature(),
                acceptor=pyabc.StochasticAcceptor(pdf_norm_method=pyabc.pdf_norm_from_kernel),
                sampler=sampler,
            )  # fmt: skip
            url = "sqlite://" if db is None else f"sqlite:///{db}"
            abc.new(url, {o.name: o.value for o in obs})
            history = abc.run(
                max_nr_populations=generations, max_total_nr_simulations=max_simulations
            )
        finally:
            runner.close()
    populations = history.get_all_populations()  # each read of the history is a query
    last = int(populations["t"].max()) if len(populations) else -1
    if last < 0:
        raise ScenarioError.single(
            "max_simulations",
            f"enough simulations for a first generation of {population_size} accepted particles",
            f"{max_simulations:,} (all used: {sampler.simulations:,} simulations run)",
        )
    frame, weights = history.get_distribution(m=0, t=last)
    posterior = pd.DataFrame({p.path: frame[p.key].to_numpy(dtype=float) for p in params})
    posterior["weight"] = np.asarray(weights, dtype=float) / float(np.sum(weights))
    return posterior, _generations(populations, sampler.log)


def _generations(populations: pd.DataFrame, log: list[dict[str, Any]]) -> pd.DataFrame:
    """The populations table of pyabc joined with the sampler's own counts, one row per t."""
    pops = populations[["t", "epsilon", "particles"]].rename(columns={"epsilon": "temperature"})
    sampled = pd.DataFrame(log).groupby("t", as_index=False).sum(numeric_only=True)
    table = sampled.merge(pops, on="t", how="left")
    table["temperature"] = table["temperature"].astype(float)
    table["acceptance"] = table["accepted"] / table["evaluations"].clip(lower=1)
    columns = ["t", "temperature", "accepted", "evaluations", "acceptance",
               "simulations_run", "seconds"]  # fmt: skip
    return table[columns].sort_values("t", ignore_index=True)


def _copy(source: Path, dest: Path) -> None:
    shutil.copyfile(source, dest)


@contextmanager
def _quiet_pyabc() -> Iterator[None]:
    """Silence pyabc's INFO logging (the sampler reports progress itself)."""
    logger = logging.getLogger("ABC")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _check_settings(
    population: int,
    generations: int,
    most: int,
    draws: int,
    out: str | Path | None,
    overwrite: bool,
) -> None:
    problems = [
        (name, value)
        for name, value in (
            ("population_size", population), ("generations", generations),
            ("max_simulations", most), ("predictive_draws", draws),
        )
        if not (isinstance(value, int) and value >= 1)
    ]  # fmt: skip
    if problems:
        name, value = problems[0]
        raise ScenarioError.single(name, "a whole number >= 1", value)
    if most < 2 * population:
        raise ScenarioError.single(
            "max_simulations",
            f"at least twice the population ({2 * population:,}: the prior sample and a first "
            "generation)",
            most,
        )
    if out is not None and (Path(out) / "calibration.json").exists() and not overwrite:
        raise ScenarioError.single(
            "out", "an empty folder, or overwrite=True (--overwrite) to replace the calibration in it",
            str(out),
        )  # fmt: skip


def _metadata(
    scenario: Scenario,
    obs: Observations,
    params: tuple[Parameter, ...],
    seed: int,
    started: dt.datetime,
    seconds: float,
) -> dict[str, Any]:
    try:
        pyabc_version = importlib_metadata.version("pyabc")
    except importlib_metadata.PackageNotFoundError:
        pyabc_version = "unknown"
    return {
        "kind": "calibration",
        "method": "ABC-SMC, stochastic acceptor, temperature schedule to 1 (pyabc)",
        "scenario": scenario.name,
        "scenario_hash": scenario.hash,
        "observations": obs.name,
        "priors": {p.path: str(p.prior) for p in params},
        "seed": seed,
        "started": started.isoformat(),
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        "seconds": seconds,
        "versions": {**versions(), "pyabc": pyabc_version},
    }
