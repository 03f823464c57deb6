"""Scenario layer: the validated, immutable description of a programme.

``quantities`` (numbers with unit and provenance), ``units``, ``paths`` (dotted paths),
``problems`` (errors in user data) -> ``sections`` (the parts of a programme) and
``conditions`` (dated changes of rates), ``changes`` (what-ifs as data) -> ``schema`` (the :class:`Scenario`, made by
:func:`parse_scenario`, the one constructor) -> ``loader`` (TOML files and their bases),
``cautions`` (what a valid scenario leans on that its author may not have meant), ``doc``
(the generated format reference), ``numbers`` (``Scenario.levers()``, every number as
a table) and ``files`` (the shipped scenario files). Nothing here runs a simulation.
"""

from .cautions import scenario_cautions
from .changes import differences
from .conditions import RATES, Condition
from .doc import lever_name
from .loader import load_scenario
from .quantities import (
    ArrayQuantity,
    DistQuantity,
    Provenance,
    Quantity,
    iter_numbers,
    value_bounds,
)
from .schema import Scenario, cohort_size, parse_scenario
from .sections import MAX_ATTEMPTS, Target, target_spec

__all__ = [
    "MAX_ATTEMPTS",
    "RATES",
    "ArrayQuantity",
    "Condition",
    "DistQuantity",
    "Provenance",
    "Quantity",
    "Scenario",
    "Target",
    "cohort_size",
    "differences",
    "iter_numbers",
    "lever_name",
    "load_scenario",
    "parse_scenario",
    "scenario_cautions",
    "target_spec",
    "value_bounds",
]
