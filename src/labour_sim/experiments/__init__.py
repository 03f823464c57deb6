"""Experiments: many replications of a scenario, in parallel, resumable, compared on CRN.

* :mod:`.summary`   one replication -> one flat row (what crosses process boundaries)
* :mod:`.executors` where chunks of replications run: here, local processes, or Dask
* :mod:`.store`     atomic files and resumable run folders
* :mod:`.outcomes`  :class:`Results`: replications, weekly bands, target probabilities
* :mod:`.experiment` :func:`run_experiment`, with precision on demand
* :mod:`.compare`   :func:`compare`: paired differences on common random numbers
* :mod:`.budget`    :func:`budget_for`: the smallest budget that reaches a target
"""

from .budget import BudgetAnswer, budget_for
from .compare import Comparison, compare, paired_differences
from .experiment import DEFAULT_SEED, run_experiment
from .outcomes import Results

__all__ = [
    "DEFAULT_SEED",
    "BudgetAnswer",
    "Comparison",
    "Results",
    "budget_for",
    "compare",
    "paired_differences",
    "run_experiment",
]
