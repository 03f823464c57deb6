"""Which targets a run misses: those whose probability is below :data:`GOAL_PROBABILITY`.

A missed target is the one a funder asks "what would it take?" about: the report's first
screen answers it from a goal search (:mod:`.goals`).
"""

from __future__ import annotations

from ..experiments import Results

__all__ = ["GOAL_PROBABILITY", "missed_targets"]

#: A target is missed (and a goal search asks what would reach it) below this probability.
GOAL_PROBABILITY = 0.8


def missed_targets(results: Results, probability: float = GOAL_PROBABILITY) -> list[str]:
    """Names of the targets whose probability is below ``probability`` (in target order)."""
    return [str(row["target"]) for _, row in results.targets.iterrows()
            if float(row["probability"]) < probability]  # fmt: skip
