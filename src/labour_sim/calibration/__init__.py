"""Calibration and forecasts: what the reports say about the scenario's numbers, and what next.

* :mod:`.observations` observation files (TOML): metric, date, value, uncertainty, source
* :mod:`.priors`       ``{dotted.path: prior}``: uniform, log-uniform or normal beliefs
* :mod:`.simulate`     one ABC simulation: values -> one replication -> observed values
* :mod:`.sampler`      a pyabc sampler that is reproducible and parallel (local or Dask)
* :mod:`.abc_smc`      :func:`calibrate`: pyabc ABC-SMC, exact under the observation errors
* :mod:`.diagnostics`  marginals, correlations, identifiability, posterior predictive check
* :mod:`.forecast`     posterior predictive draws and :class:`Forecast`
* :mod:`.evaluation`   :func:`evaluation_table`: observations against the scenario's
                       replications (uncalibrated, or a calibrated run's)
* :mod:`.result`       :class:`Calibration`: posterior, point estimate, calibrated scenario,
                       diagnostics, ``forecast``, ``score``, ``posterior_draws`` (for
                       ``run_experiment(..., calibration=...)``), save and load
* :mod:`.score`        :class:`Score`: later reports against the forecast (intervals, PIT,
                       coverage, CRPS)
* :mod:`.setup`        set-up files (``scenarios/calibration/*.toml``): :func:`load_setup`,
                       :func:`calibrate_setup`

Example
-------
>>> import labour_sim as ls
>>> scenario = ls.load_scenario("scenarios/lolland_falster.toml")
>>> cal = ls.calibrate(
...     scenario, "scenarios/observations/lolland_falster_midterm.toml",
...     {"placement.outcomes.ordinary": "uniform(0.02, 0.3)", ...},
... )  # doctest: +SKIP
>>> cal.forecast(["ordinary", "paid"], "2021-12-31").target("ordinary_550")  # doctest: +SKIP
"""

from .abc_smc import (
    DEFAULT_DRAWS,
    DEFAULT_GENERATIONS,
    DEFAULT_MAX_SIMULATIONS,
    DEFAULT_POPULATION,
    calibrate,
)
from .evaluation import evaluation_table
from .forecast import DEFAULT_DRIFT, Forecast
from .observations import Observation, Observations, load_observations, parse_observations
from .priors import Parameter, Prior, parse_prior
from .result import Calibration
from .score import Score
from .setup import CalibrationSetup, calibrate_setup, combine_observations, load_setup

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_DRIFT",
    "DEFAULT_GENERATIONS",
    "DEFAULT_MAX_SIMULATIONS",
    "DEFAULT_POPULATION",
    "Calibration",
    "CalibrationSetup",
    "Forecast",
    "Observation",
    "Observations",
    "Parameter",
    "Prior",
    "Score",
    "calibrate",
    "calibrate_setup",
    "combine_observations",
    "evaluation_table",
    "load_observations",
    "load_setup",
    "parse_observations",
    "parse_prior",
]
