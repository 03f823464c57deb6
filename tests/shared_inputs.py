"""Expensive inputs shared by several test files (built once per session in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from labour_sim import (
    BusinessCase,
    Execution,
    Results,
    Scenario,
    business_case,
    load_scenario,
    run_experiment,
)
from labour_sim.calibration import Observations, evaluation_table, load_observations
from labour_sim.diagnosis import goal_searches
from labour_sim.levers import BudgetAnswer, Sensitivity, run_tornado

ROOT = Path(__file__).resolve().parents[1]
LOLLAND = ROOT / "scenarios" / "lolland_falster.toml"
MIDTERM = ROOT / "scenarios" / "observations" / "lolland_falster_midterm.toml"
REPLICATIONS = 24
SEED = 7
#: Replications per lever value of the goal searches (a coarse search, said on the page).
GOAL_REPLICATIONS = 8


@dataclass(frozen=True)
class Inputs:
    """What the report shows: a small run, its tornado, its comparison with the midterm,
    its business case and the goal searches of its missed targets."""

    scenario: Scenario
    results: Results
    sensitivity: Sensitivity
    evaluation: pd.DataFrame
    observations: Observations
    business: BusinessCase
    goals: list[BudgetAnswer]


def lolland_inputs() -> Inputs:
    """A small Lolland-Falster run (24 replications, seed 7), its tornado, evaluation,
    business case (2 replications) and goal searches (8 replications per value)."""
    scenario = load_scenario(LOLLAND)
    observations = load_observations(MIDTERM, scenario)
    results = run_experiment(
        scenario, REPLICATIONS, SEED, execution=Execution(progress=False, workers=1)
    )
    options = {"execution": Execution(progress=False, workers=2)}
    evaluation = evaluation_table(scenario, observations, REPLICATIONS, SEED, **options)
    sensitivity = run_tornado(scenario, 3, SEED, results=results, **options)
    assert sensitivity is not None
    business = business_case(scenario, 2, SEED)
    goals = goal_searches(scenario, results, sensitivity, GOAL_REPLICATIONS, SEED, **options)
    return Inputs(scenario, results, sensitivity, evaluation, observations, business, goals)
