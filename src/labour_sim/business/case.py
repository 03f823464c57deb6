"""``business_case``: run replications and cost both arms of each (see :mod:`.result`).

Runs replications of a scenario (each with its business-as-usual arm on the same random
numbers), costs each with :func:`~.accounts.replication_accounts`, and returns a
:class:`~.result.BusinessCase`. The break-even effect of a payer is the additional
sustained jobs that would make the programme pay for it, assuming the savings grow in
proportion to the jobs: ``cost x additional jobs / saving`` in each replication with
both positive (``nan`` otherwise, and counted).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..experiments import Execution
from ..experiments.executors import map_chunks
from ..experiments.posterior import HasPosteriorDraws, PosteriorDraws, as_posterior_draws
from ..experiments.worker import Chunk
from ..replication import run_replication
from ..replication.effect import arm_measures
from ..scenario import Scenario
from .accounts import PAYERS, replication_accounts
from .result import BusinessCase

__all__ = ["BusinessCase", "business_case"]

_COSTS = ("programme", "caseworker", "wage_subsidy", "flexjob_subsidy")


@dataclass(frozen=True)
class _Costed(Chunk):
    """A chunk of costed replications: ``rows`` one per replication, ``flows`` their items."""

    flows: pd.DataFrame | None = None


def business_case(
    scenario: Scenario,
    replications: int = 20,
    seed: int = 2025,
    *,
    execution: Execution | None = None,
    calibration: PosteriorDraws | HasPosteriorDraws | None = None,
) -> BusinessCase:
    """The business case of ``scenario`` (see the module notes).

    Parameters
    ----------
    scenario : Scenario
        Needs ``[accounts]`` (refusion, discounting, payers) and, for a baseline other than
        nobody leaving benefit, ``[business_as_usual]`` (both in ``scenarios/base``).
    replications : int
        Replications (each one run of the programme and its business-as-usual arm).
    seed : int
        Seed of the run.
    execution : Execution, optional
        Workers, executor, progress bar and engine (its ``out`` is not used). The numbers
        are the same whatever the workers or the engine.
    calibration : Calibration or PosteriorDraws, optional
        Cost the posterior predictive: replication ``r`` runs at the posterior draw it runs
        at in :func:`~labour_sim.run_experiment` with the same seed (so a calibrated report
        and its business case read the same programmes); recorded in
        :attr:`BusinessCase.calibration`.
    """
    if scenario.accounts is None:
        raise ScenarioError.single(
            "accounts", "an [accounts] section for the business case", "none"
        )
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ScenarioError.single("replications", "a whole number >= 1", str(replications))
    draws = as_posterior_draws(calibration) if calibration is not None else None
    if draws is not None:  # a path the scenario lacks: one clear error before any run
        scenario.with_changes(draws.changes(scenario, seed, 0, 1)[0])
    execution = (execution or Execution()).without_folder()
    size = execution.chunk_size
    units = [(start, min(start + size, replications)) for start in range(0, replications, size)]
    task = partial(_cost_chunk, scenario, seed, execution.engine, draws)
    chunks = sorted(
        map_chunks(task, units, execution, description="business case"),
        key=lambda chunk: chunk.start,
    )
    flows = pd.concat([c.flows for c in chunks if c.flows is not None], ignore_index=True)
    runs = pd.concat([c.rows for c in chunks], ignore_index=True)
    end = scenario.period.end
    horizon = end.fromordinal(scenario.period.start.toordinal() + round(scenario.horizon_weeks * 7))
    return BusinessCase(
        scenario.name,
        flows,
        runs,
        scenario.accounts.discount_rate_per_year.value,
        horizon.isoformat(),
        scenario.accounts.programme_paid_by,
        draws.metadata(replications, seed) if draws is not None else None,
        seed,
    )


def _cost_chunk(
    scenario: Scenario,
    seed: int,
    engine: str,
    draws: PosteriorDraws | None,
    start: int,
    stop: int,
) -> _Costed:
    """Replications ``start..stop-1``, each costed by payer (picklable: sent to workers).

    With ``draws``, each at its posterior draw, as :func:`~labour_sim.experiments.worker.
    run_chunk` runs it.
    """
    flows, runs = [], []
    changes = draws.changes(scenario, seed, start, stop) if draws is not None else None
    reps = draws.replications(seed, start, stop) if draws is not None else range(start, stop)
    for rep in range(start, stop):
        run = scenario if changes is None else scenario.with_changes(changes[rep - start])
        result = run_replication(run, seed, reps[rep - start], engine=engine)
        table, payback = replication_accounts(run, result)
        table.insert(0, "replication", rep)
        flows.append(table)
        h = result.horizon
        so, u = result.sojourns, result.usual
        assert u is not None
        effect = (
            arm_measures(so.citizen, so.state, so.enter, so.leave, h)["sustained"]
            - arm_measures(u.citizen, u.state, u.enter, np.minimum(u.leave, h), h)["sustained"]
        )
        row: dict[str, float] = {"replication": rep, "sustained_effect": effect}
        for p in PAYERS:
            mine = table[table["payer"] == p]
            cost = float(mine.loc[mine["item"].isin(_COSTS), "dkk"].sum())
            saving = -float(mine.loc[mine["item"] == "benefits", "dkk"].sum())
            row[f"cost:{p}"], row[f"saving:{p}"] = cost, saving
            row[f"net:{p}"] = cost - saving
            row[f"payback_weeks:{p}"] = payback[p]
            ok = effect > 0 and saving > 0
            row[f"break_even:{p}"] = cost * effect / saving if ok else math.nan
        row["cost:funder"] = float(table.loc[table["payer"] == "funder", "dkk"].sum())
        runs.append(row)
    rows = pd.DataFrame(runs)
    return _Costed(start, stop, rows, None, flows=pd.concat(flows, ignore_index=True))
