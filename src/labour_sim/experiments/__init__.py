"""Experiments: many replications of a scenario, in parallel, resumable, compared on CRN.

* :mod:`.execution` :class:`Execution`: where and how visibly replications run, and into
  which folder (one object for every function that runs many replications)
* :mod:`.worker`    the unit of work: a chunk of replications reduced to flat rows
* :mod:`.executors` the one executor layer: this process, local processes, or Dask
* :mod:`.driver`    the one driver: these settings x these replications, on CRN
* :mod:`.store`     atomic files and resumable run folders
* :mod:`.results`   :class:`Results`: replications, weekly bands, target probabilities
* :mod:`.experiment` :func:`run_experiment` (the one-setting case), precision on demand
* :mod:`.compare`   :func:`compare`: paired differences on common random numbers
"""

from .compare import Comparison, IncrementalCost, compare, paired_differences
from .execution import Execution, default_workers
from .experiment import DEFAULT_SEED, run_experiment
from .results import Results

__all__ = [
    "DEFAULT_SEED",
    "Comparison",
    "Execution",
    "IncrementalCost",
    "Results",
    "compare",
    "default_workers",
    "paired_differences",
    "run_experiment",
]
