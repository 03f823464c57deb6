"""Which levers matter, and what would it take: sweeps, sensitivity and goal seeking.

A lever is any number of a scenario, named by its dotted path (``staff.mentors``,
``companies.slots_per_company``, ``intake.rate_per_week``...), with a range or values and,
for goal seeking, a cost per unit (DKK). Every setting of the levers runs the same
replications on the same seed (common random numbers), so settings differ only by their
levers.

* :mod:`.space`       levers, their checks, grids and Latin hypercubes
* :mod:`.points`      run many settings in parallel or on Dask; one file per finished point
* :mod:`.sweep`       :func:`sweep` and :class:`Sweep`: one row per setting
* :mod:`.region`      where a target is met, as box rules in plain words
* :mod:`.sensitivity` :func:`morris`, :func:`sobol` (SALib) and :func:`tornado`
* :mod:`.search`      the least-cost search (surrogate + differential evolution + polish)
* :mod:`.goal`        :func:`what_would_it_take` and :class:`GoalAnswer`, with a frontier
* :mod:`.budget`      :func:`budget_for`: the one-lever case (bisection on a grid)
* :mod:`.confirm`     the fresh-seed confirmation both share
* :mod:`.programme`   :func:`default_levers` (the programme's levers, plausible ranges) and
                      :func:`run_tornado`, the cheap tornado of the funders' report

Example
-------
::

    import labour_sim as ls
    from labour_sim import levers

    scenario = ls.load_scenario("scenarios/lolland_falster.toml")

    # Sweep: every target's probability, interval and cost at each setting (resumable).
    grid = levers.sweep(
        scenario, {"staff.mentors": (10, 60), "companies.slots_per_company": [1, 2, 3]},
        replications=100, out="out/sweep",
    )
    grid.table                                   # one row per setting
    grid.where("companies_400", 0.8).lines()     # where the target is met, in words

    # Which levers matter for jobs on ordinary hours?
    screen = levers.morris(
        scenario, {"staff.mentors": (10, 60), "intake.rate_per_week": (5, 10)}, "ordinary"
    )
    screen.ranking()                             # most influential lever first
    levers.sobol(scenario, {...}, "ordinary", samples=64).table   # S1, ST with intervals

    # What would it take? The least-cost setting reaching a target 8 times in 10.
    answer = levers.what_would_it_take(
        scenario, "ordinary_550", probability=0.8,
        levers={"staff.mentors": (10, 60, 350_000), "companies.max_companies": (400, 800, 5_000)},
        frontier=True,
    )
    answer.lines(); answer.setting; answer.confirmation; answer.frontier
"""

from .budget import BudgetAnswer, budget_for
from .goal import FRONTIER_PROBABILITIES, GoalAnswer, what_would_it_take
from .programme import CANDIDATE_LEVERS, default_levers, lever_outcomes, run_tornado
from .region import Region, Rule, describe_region
from .sensitivity import Sensitivity, morris, sobol, tornado
from .space import Lever, Range, Values, parse_levers
from .sweep import Sweep, sweep

__all__ = [
    "CANDIDATE_LEVERS",
    "FRONTIER_PROBABILITIES",
    "BudgetAnswer",
    "GoalAnswer",
    "Lever",
    "Range",
    "Region",
    "Rule",
    "Sensitivity",
    "Sweep",
    "Values",
    "budget_for",
    "default_levers",
    "describe_region",
    "lever_outcomes",
    "morris",
    "parse_levers",
    "run_tornado",
    "sobol",
    "sweep",
    "tornado",
    "what_would_it_take",
]
