"""The funders' report: one self-contained HTML page that answers the programme's question.

*With these companies, these mentors and this budget, is the target realistic, and at what
cost?* :func:`write_report` takes a scenario's results (and optionally the tornado of its
levers and the comparison with an evaluation), runs nothing, and writes one HTML file
that answers it for a funder: the verdict per target, the cost per additional sustained
job, the bottleneck, what it would take, the payers' net, any disagreement with an
evaluation and what the intervals include first (:func:`first_screen`),
then the pathway, the outcome over time, costs, the levers that matter most, the comparison
with an evaluation, every number with its source or assumption, a STRESS-DES model
description and what it takes to reproduce the numbers.

* :mod:`.build`        :func:`write_report`, :func:`render_report`: the page, section by section
* :mod:`.first`        :func:`first_screen`: the answers before scrolling (reusable: with
  :data:`CSS` and :func:`page` it makes a page of its own)
* :mod:`.html`         markup that escapes by construction; :func:`figure_to_data_uri`; CSS
* :mod:`.figures`      :mod:`labour_sim.plots` embedded as SVG with alt text
* :mod:`.assumptions`  the table of every number (value, unit, source or assumption)
* :mod:`.evaluation`   reported figures against the uncalibrated scenario (the section)
* :mod:`.sensitivity`  the tables of the tornado of the programme's levers
* :mod:`.stress`       the STRESS-DES model description (Monks et al. 2019)

Example
-------
::

    import labour_sim as ls
    from labour_sim.calibration import evaluation_table, load_observations
    from labour_sim.diagnosis import goal_searches
    from labour_sim.levers import run_tornado
    from labour_sim.report import write_report

    scenario = ls.load_scenario("scenarios/lolland_falster.toml")
    observations = load_observations(
        "scenarios/observations/lolland_falster_midterm.toml", scenario
    )
    results = ls.run_experiment(scenario, 1000, seed=1)
    tornado = run_tornado(scenario, 30, 1, results=results)
    write_report(
        scenario, "out/lolland_falster.html", results,
        sensitivity=tornado,
        evaluation=evaluation_table(scenario, observations, 1000, 1),
        observations=observations,
        goals=goal_searches(scenario, results, tornado, 100, 1),  # what it would take
    )

The analyses come from the analysis layer (:mod:`labour_sim.levers`,
:mod:`labour_sim.calibration`, :mod:`labour_sim.diagnosis`); no module here starts a simulation.
"""

from .assumptions import ParameterRow, parameter_rows
from .build import DEFAULT_LEVER_REPLICATIONS, check_report_inputs, render_report, write_report
from .first import first_screen
from .html import CSS, figure_to_data_uri, page
from .stress import STRESS_REFERENCE

__all__ = [
    "CSS",
    "DEFAULT_LEVER_REPLICATIONS",
    "STRESS_REFERENCE",
    "ParameterRow",
    "check_report_inputs",
    "figure_to_data_uri",
    "first_screen",
    "page",
    "parameter_rows",
    "render_report",
    "write_report",
]
