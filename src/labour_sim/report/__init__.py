"""The funders' report: one self-contained HTML page that answers the programme's question.

*With these companies, these mentors and this budget, is the target realistic, and at what
cost?* :func:`write_report` runs a scenario (or takes its results) and writes one HTML file
that answers it for a funder: the verdict per target and the cost per sustained job first,
then the pathway, the outcome over time, costs, the levers that matter most, the comparison
with an evaluation, every number with its source or assumption, a STRESS-DES model
description and what it takes to reproduce the numbers.

* :mod:`.build`        :func:`write_report`, :func:`render_report`: the page, section by section
* :mod:`.html`         markup that escapes by construction; :func:`figure_to_data_uri`; CSS
* :mod:`.figures`      :mod:`labour_sim.plots` embedded with alt text
* :mod:`.assumptions`  the table of every number (value, unit, source or assumption)
* :mod:`.evaluation`   reported figures against the uncalibrated scenario
* :mod:`.sensitivity`  the cheap tornado of the programme's levers
* :mod:`.stress`       the STRESS-DES model description (Monks et al. 2019)

Example
-------
::

    import labour_sim as ls
    from labour_sim.report import write_report

    scenario = ls.load_scenario("scenarios/lolland_falster.toml")
    write_report(
        scenario, "out/lolland_falster.html", replications=1000,
        observations="scenarios/observations/lolland_falster_midterm.toml",
    )
"""

from .assumptions import ParameterRow, parameter_rows
from .build import DEFAULT_LEVER_REPLICATIONS, render_report, write_report
from .evaluation import evaluation_table
from .html import figure_to_data_uri
from .sensitivity import default_levers
from .stress import STRESS_REFERENCE

__all__ = [
    "DEFAULT_LEVER_REPLICATIONS",
    "STRESS_REFERENCE",
    "ParameterRow",
    "default_levers",
    "evaluation_table",
    "figure_to_data_uri",
    "parameter_rows",
    "render_report",
    "write_report",
]
