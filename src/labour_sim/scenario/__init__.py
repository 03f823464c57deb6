"""Scenario layer: the validated, immutable description of a programme.

``quantities`` (numbers with unit and provenance) -> ``schema`` (the :class:`Scenario`
model) -> ``loader`` (TOML files, cross-field checks) and ``changes`` (what-if copies).
Nothing here runs a simulation; the model layer only reads a :class:`Scenario`.
"""

from .loader import cohort_size, iter_numbers, load_scenario, parse_scenario
from .quantities import ArrayQuantity, DistQuantity, Provenance, Quantity
from .schema import MAX_ATTEMPTS, Scenario, Target

__all__ = [
    "MAX_ATTEMPTS",
    "ArrayQuantity",
    "DistQuantity",
    "Provenance",
    "Quantity",
    "Scenario",
    "Target",
    "cohort_size",
    "iter_numbers",
    "load_scenario",
    "parse_scenario",
]
