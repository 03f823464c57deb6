"""Plots of results: every function takes results objects and returns a Figure.

Import it on its own (matplotlib is not loaded by ``import labour_sim``)::

    import labour_sim as ls
    from labour_sim import plots

    results = ls.run_experiment(ls.load_scenario("scenarios/lolland_falster.toml"), 1000)
    plots.fan_chart(results, target="ordinary_550")        # a matplotlib Figure
    plots.outcome_distribution(results, "ordinary_550").savefig("ordinary.png")

Each plot draws on a fresh :class:`matplotlib.figure.Figure` that pyplot does not know
about (nothing to close, no global state changed) and that a Jupyter notebook shows as an
image without ``%matplotlib inline`` (:class:`~.style.PlotFigure`), in one style (:mod:`.style`: the
Okabe-Ito colour-blind-safe palette, a light grid), with a title, axis labels with units
(citizens, companies, DKK, weeks, %, date) and the target marked where one applies.

* :mod:`.time`        :func:`fan_chart`, :func:`capacity_over_time` (weekly bands)
* :mod:`.outcomes`    :func:`outcome_distribution`, :func:`funnel`, :func:`cost_breakdown`,
                      :func:`paired_comparison`
* :mod:`.levers`      :func:`tornado`, :func:`morris_bars`, :func:`sobol_bars`,
                      :func:`frontier`
* :mod:`.calibration` :func:`posterior_predictive`, :func:`parameter_marginals`
"""

from .calibration import parameter_marginals, posterior_predictive
from .levers import frontier, morris_bars, sobol_bars, tornado
from .outcomes import cost_breakdown, funnel, outcome_distribution, paired_comparison
from .style import PALETTE
from .time import capacity_over_time, fan_chart

__all__ = [
    "PALETTE",
    "capacity_over_time",
    "cost_breakdown",
    "fan_chart",
    "frontier",
    "funnel",
    "morris_bars",
    "outcome_distribution",
    "paired_comparison",
    "parameter_marginals",
    "posterior_predictive",
    "sobol_bars",
    "tornado",
]
