"""A goal answer re-run on a fresh seed, to show it was not bought by the search seed's luck.

Goal seeking (:func:`~labour_sim.levers.what_would_it_take`) and its one-lever case
(:func:`~labour_sim.levers.budget_for`) both search on one seed, then re-run the setting they
found on ``seed + CONFIRMATION_SEED_OFFSET`` (fresh streams) and report the target's
probability there with its Wilson 95 % interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..experiments import Execution, run_experiment
from ..experiments.posterior import PosteriorDraws
from ..scenario import Scenario

__all__ = ["CONFIRMATION_SEED_OFFSET", "confirm"]

#: Added to the seed for the confirmation run (any fixed offset gives fresh streams).
CONFIRMATION_SEED_OFFSET = 1_000_003


def confirm(
    scenario: Scenario,
    setting: Mapping[str, Any],
    target: str,
    replications: int,
    seed: int,
    execution: Execution,
    calibration: PosteriorDraws | None = None,
) -> dict[str, float]:
    """The target's probability at ``setting`` on the fresh seed of search seed ``seed``.

    Returns ``probability``, ``ci_low``, ``ci_high`` (Wilson 95 %), ``replications`` and the
    fresh ``seed``. With ``calibration``, on the calibrated model (as the search ran).
    """
    fresh_seed = seed + CONFIRMATION_SEED_OFFSET
    changed = scenario.with_changes(dict(setting))
    run = run_experiment(
        changed, replications, fresh_seed, execution=execution, calibration=calibration
    )
    row = run.target(target)
    return {
        "probability": float(row["probability"]),
        "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_high"]),
        "replications": float(replications),
        "seed": float(fresh_seed),
    }
