"""Model layer: the SimPy pathway of citizens, companies and staff.

``states`` (the state machine) -> ``draws`` (all random numbers of a replication, drawn up
front from named streams) -> ``pathway`` (the SimPy processes). The model reads a
:class:`~labour_sim.scenario.Scenario`, writes a flat log, and does no I/O.
"""

from .draws import CitizenDraws, CompanyDraws, draw_citizens, draw_companies
from .pathway import Programme
from .states import State

__all__ = ["CitizenDraws", "CompanyDraws", "Programme", "State", "draw_citizens", "draw_companies"]
