"""Model layer: the pathway of citizens, companies and staff, in two engines.

``states`` (the state machine) -> ``draws`` (all random numbers of a replication, drawn up
front from named streams; ``fills`` keeps them for the next setting, ``usual`` draws the
business-as-usual exits) -> ``pathway`` (the SimPy processes, the readable reference) and
``compiled`` (the same model as one numba state machine, the workhorse). Both read a
:class:`~labour_sim.scenario.Scenario` and the same draws, write the same flat log, and do
no I/O.
"""

from .draws import CitizenDraws, CompanyDraws, draw_citizens, draw_companies
from .pathway import Programme
from .states import State

__all__ = ["CitizenDraws", "CompanyDraws", "Programme", "State", "draw_citizens", "draw_companies"]
