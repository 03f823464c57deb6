"""Is an inclusion programme's target realistic, and at what cost? labour_sim answers.

A discrete-event (SimPy) Monte Carlo model of vulnerable citizens moving through intake,
preparation, company placement, employment and retention in Danish labour-market inclusion
programmes. See ``docs/architecture.md`` for the layers and ``README.md`` for a tour.

Public API
----------
load_scenario, parse_scenario, Scenario, scenario_cautions
    Read and validate a programme scenario (TOML); ``scenario.with_changes`` for what-ifs;
    ``scenario_cautions`` says what a valid scenario leans on (a series held past its end).
run_replication, ReplicationResult
    One replication and everything it reports.
run_experiment, Results, Execution
    Many replications (in parallel, on Dask, resumable): target probabilities, bands;
    ``Execution`` says where and how visibly they run, and into which folder;
    ``calibration=`` a Calibration (or its ``PosteriorDraws``) runs the posterior predictive.
compare, Comparison, IncrementalCost
    Two scenarios on common random numbers: paired differences, incremental cost.
budget_for, BudgetAnswer
    The smallest budget (searching one lever) that reaches a target with a probability.
calibrate, Calibration, Forecast, load_observations, Observations, Prior
    Estimate scenario numbers from reported figures (ABC-SMC); forecast with uncertainty.
calibrate_setup, load_setup, CalibrationSetup, Score
    A calibration from its set-up file (reproducible bit for bit); ``Calibration.score``
    sets later reports against the forecast (intervals, PIT, coverage, CRPS).
sweep, morris, sobol, tornado, what_would_it_take
    Which levers matter, and the least-cost setting that reaches a target.
scenarios, scenario_folder
    The scenario, observation and calibration files that ship with the package, with paths.
ScenarioError, Problem
    The one error type for user mistakes.
"""

from .business import BusinessCase, business_case
from .calibration import (
    DEFAULT_DRIFT,
    Calibration,
    CalibrationSetup,
    Forecast,
    Observations,
    Prior,
    Score,
    calibrate,
    calibrate_setup,
    load_observations,
    load_setup,
)
from .diagnosis import Bottleneck, bottleneck, goal_searches, missed_targets
from .errors import Problem, ScenarioError
from .experiments import (
    Comparison,
    Execution,
    IncrementalCost,
    Results,
    compare,
    run_experiment,
)
from .experiments.posterior import PosteriorDraws
from .levers import (
    BudgetAnswer,
    GoalAnswer,
    Sensitivity,
    Sweep,
    budget_for,
    morris,
    sobol,
    sweep,
    tornado,
    what_would_it_take,
)
from .metrics import METRICS
from .model.states import State
from .replication import ReplicationResult, run_replication
from .scenario import Scenario, load_scenario, parse_scenario, scenario_cautions
from .scenario.files import scenario_folder, scenarios
from .version import __version__

__all__ = [
    "DEFAULT_DRIFT",
    "METRICS",
    "Bottleneck",
    "BudgetAnswer",
    "BusinessCase",
    "Calibration",
    "CalibrationSetup",
    "Comparison",
    "Execution",
    "Forecast",
    "GoalAnswer",
    "IncrementalCost",
    "Observations",
    "PosteriorDraws",
    "Prior",
    "Problem",
    "ReplicationResult",
    "Results",
    "Scenario",
    "ScenarioError",
    "Score",
    "Sensitivity",
    "State",
    "Sweep",
    "__version__",
    "bottleneck",
    "budget_for",
    "business_case",
    "calibrate",
    "calibrate_setup",
    "compare",
    "goal_searches",
    "load_observations",
    "load_scenario",
    "load_setup",
    "missed_targets",
    "morris",
    "parse_scenario",
    "run_experiment",
    "run_replication",
    "scenario_cautions",
    "scenario_folder",
    "scenarios",
    "sobol",
    "sweep",
    "tornado",
    "what_would_it_take",
]
