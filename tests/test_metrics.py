"""Metrics say what they count: cumulative ("ever reached by the date") and point in time.

Point-in-time counts (``in_paid_work``, ``in_placement``, ...) are checked against a
hand-built log, against the weekly state counts at every whole week, through the compiled
summary row, in observation files (loaded and simulated by calibration) and as targets.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

import labour_sim as ls
from factory import build, q, target
from labour_sim import ReplicationResult, ScenarioError
from labour_sim.calibration import load_observations, parse_observations
from labour_sim.calibration.forecast import check_forecast_request
from labour_sim.calibration.priors import parse_parameters
from labour_sim.calibration.simulate import Simulator, simulation_replication
from labour_sim.metrics import (
    ALL_METRICS,
    CITIZEN_METRICS,
    CUMULATIVE_LABELS,
    METRIC_LABELS,
    METRICS,
    POINT_LABELS,
    POINT_METRICS,
)
from labour_sim.model.states import State
from labour_sim.replication import SERIES, summarise, weekly_counts
from labour_sim.replication.result import HYBRID_PLACEMENT, POINT_STATES
from labour_sim.report import write_report
from test_tally import assert_same_outputs

ROOT = Path(__file__).resolve().parents[1]
START = dt.date(2020, 1, 6)
R, IN, P, W, PL = State.REFERRED, State.INTAKE, State.PREPARATION, State.WAITING, State.PLACEMENT
OR, RD, D, LEFT = State.ORDINARY, State.REDUCED, State.DROPOUT, State.LEFT

# Three citizens over a 10-week horizon, as (week, citizen, state), in the order they happen:
# 0 is hired on ordinary hours at week 6 and stays; 1 goes from a hybrid placement (paid
# hours within it, weeks 3.5-5) to a small job (week 5) to ordinary hours (week 7) and
# loses the job for good at week 9; 2 drops out at week 2.
ROWS = [
    (0.0, 0, R), (0.5, 1, R), (1.0, 0, IN), (1.0, 1, IN), (1.0, 2, R), (2.0, 0, P), (2.0, 2, D),
    (2.5, 1, P), (3.0, 1, W), (3.5, 0, W), (3.5, 1, PL), (4.0, 0, PL), (5.0, 1, RD),
    (6.0, 0, OR), (7.0, 1, OR), (9.0, 1, LEFT),
]  # fmt: skip


def hand_built() -> ReplicationResult:
    """A replication made from :data:`ROWS` (one company, capacity not limited)."""
    n = len(ROWS)
    log = {
        "week": np.array([r[0] for r in ROWS], dtype=np.float64),
        "citizen": np.array([r[1] for r in ROWS], dtype=np.int64),
        "state": np.array([int(r[2]) for r in ROWS], dtype=np.int64),
        "attempt": np.zeros(n, dtype=np.int64),
        "company": np.where([r[2] == PL for r in ROWS], 0, -1).astype(np.int64),
        "mentored": np.zeros(n, dtype=np.bool_),
    }
    return ReplicationResult(
        scenario_name="hand-built", scenario_hash="-", seed=0, replication=0, start=START,
        horizon=10.0, log=log, arrival=np.array([0.0, 0.5, 1.0]), group=np.zeros(3, np.int64),
        group_names=("all",), readiness=np.ones(3), company_join=np.array([0.0]),
        company_leave=np.array([np.inf]), company_slots=np.array([2], dtype=np.int64),
        company_first_hosted=np.array([3.5]), capacity={"caseworker": None, "mentor": None},
        events=n, hybrid=np.array([[False, False], [True, False], [False, False]]),
    )  # fmt: skip


# -- labels ---------------------------------------------------------------------------------------
def test_metric_names_are_unchanged_and_kinds_apart() -> None:
    """Observation files, targets and saved results name these: the names stay."""
    assert METRICS == (
        "referred", "preparation", "placed", "hybrid_placed", "ordinary", "reduced", "paid",
        "paid_hours", "flexjob", "education", "attached", "dropout", "employed_13w",
        "employed_26w", "employed_52w", "companies_joined", "companies_hosting",
    )  # fmt: skip
    assert ALL_METRICS == METRICS + POINT_METRICS
    assert not set(METRICS) & set(POINT_METRICS)
    assert set(METRIC_LABELS) == set(ALL_METRICS)
    assert tuple(POINT_STATES) == POINT_METRICS
    assert set(POINT_METRICS) <= set(CITIZEN_METRICS)


def test_labels_say_ever_or_on_the_date() -> None:
    for name, label in CUMULATIVE_LABELS.items():
        assert " ever " in f" {label} ", name
        assert "on the date" not in label, name
    for name, label in POINT_LABELS.items():
        assert label.endswith(" on the date"), name
        assert " ever " not in label, name
    assert METRIC_LABELS["paid"] == "citizens ever in paid work (ordinary, small job or flexjob)"
    assert METRIC_LABELS["in_paid_work"].startswith("citizens in paid work")


def test_weekly_series_keep_their_shape() -> None:
    """Point-in-time metrics get no weekly series: states, cumulative metrics, capacity."""
    assert len(SERIES) == len(State) + len(METRICS) + 6
    assert not any(s.removeprefix("metric:") in POINT_METRICS for s in SERIES)


# -- point-in-time counts ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("metric", "week", "expected"),
    [
        ("in_paid_work", 4.9, 0),
        ("in_paid_work", 5.0, 1),  # enter <= week
        ("in_paid_work", 6.0, 2),
        ("in_paid_work", 8.99, 2),
        ("in_paid_work", 9.0, 1),  # week < leave: citizen 1 left at 9
        ("in_paid_work", 10.0, 1),  # a stay under way at the horizon counts to the end
        ("in_ordinary", 6.5, 1),
        ("in_ordinary", 7.0, 2),
        ("in_reduced", 6.99, 1),
        ("in_reduced", 7.0, 0),
        ("in_placement", 3.5, 1),
        ("in_placement", 4.0, 2),
        ("in_placement", 5.0, 1),
        ("waiting", 3.0, 1),
        ("waiting", 3.5, 1),
        ("waiting", 4.0, 0),
        ("in_preparation", 2.0, 1),
        ("in_preparation", 2.5, 2),
        ("in_preparation", 3.0, 1),
        ("in_flexjob", 10.0, 0),
        ("in_education", 10.0, 0),
        ("in_hybrid_placement", 3.49, 0),
        ("in_hybrid_placement", 3.5, 1),  # citizen 1's placement, citizen 0's is not hybrid
        ("in_hybrid_placement", 5.0, 0),
        ("hybrid_placed", 3.49, 0),
        ("hybrid_placed", 10.0, 1),
        ("paid_hours", 3.49, 0),
        ("paid_hours", 3.5, 1),  # paid hours in the hybrid placement, before any paid work
        ("paid", 3.5, 0),
        ("paid_hours", 5.0, 1),  # the same citizen, now in a small job
        ("paid_hours", 6.0, 2),
    ],
)
def test_point_counts_of_a_hand_built_log(metric: str, week: float, expected: int) -> None:
    assert hand_built().outcome(metric, week) == expected


def test_point_counts_differ_from_ever_reached() -> None:
    """At week 9.5 two citizens were ever in paid work, one is in it."""
    result = hand_built()
    assert result.outcome("paid", 9.5) == 2
    assert result.outcome("in_paid_work", 9.5) == 1
    assert result.outcome("ordinary", 9.5) == 2
    assert result.outcome("in_ordinary", 9.5) == 1
    date = START + dt.timedelta(weeks=9)  # a date, an ISO string or a week number
    assert result.outcome("in_paid_work", date) == result.outcome("in_paid_work", 9.0) == 1
    assert result.outcome("in_paid_work", date.isoformat()) == 1
    summary = result.summary(9.5)
    assert summary["in_paid_work"] == 1.0 and summary["paid"] == 2.0
    with pytest.raises(KeyError, match="in_paid_work"):
        result.outcome("in_work", 1.0)


def test_point_counts_equal_the_weekly_state_counts_at_whole_weeks() -> None:
    hybrid = build({"placement.hybrid_share": q(0.5)})
    for result in (
        hand_built(),
        ls.run_replication(build(), 4, 0),
        ls.run_replication(hybrid, 4, 0),
    ):
        counts = result.state_counts
        for metric, states in POINT_STATES.items():
            if metric == "in_hybrid_placement":  # a kind of placement, not a state
                continue
            columns = [int(s) for s in states if s != HYBRID_PLACEMENT]
            for w in result.weeks:
                expected = int(counts[w, columns].sum())
                assert result.outcome(metric, float(w)) == expected, (metric, w)
                assert result.outcome("in_hybrid_placement", float(w)) <= counts[w, PL]


@pytest.mark.parametrize("engine", ["fast", "des"])
def test_a_target_on_a_point_metric(engine: str) -> None:
    """Its outcome is the count on the date; compiled and reference rows agree."""
    scenario = build(
        {
            "targets": [
                target("in_work_mid", "in_paid_work", 5, "2021-01-04"),
                target("in_work_end", "in_paid_work", 5),
                target("placed_now", "in_placement", 1, "2020-06-29"),
            ]
        }
    )
    for replication in range(2):
        result = ls.run_replication(scenario, 9, replication, engine)
        assert_same_outputs(scenario, result)
        row = summarise(scenario, result)
        for t in scenario.targets:
            value = result.outcome(t.metric, t.date)
            assert row[f"target:{t.name}"] == value
            assert row[f"reached:{t.name}"] == (value >= t.threshold.value)
        assert row["in_paid_work@2021-01-04"] == result.outcome("in_paid_work", "2021-01-04")
        assert row["in_paid_work"] == result.outcome("in_paid_work", scenario.period.end)
        assert row["in_paid_work"] <= row["paid"]  # in work now: among those ever in work
        assert weekly_counts(result).shape == (len(result.weeks), len(SERIES))


def test_a_share_of_placements_is_hybrid_and_changes_nothing_else() -> None:
    """Each placement is hybrid with probability ``hybrid_share``, independently: among n
    placements the count is Binomial(n, share), here within 4 standard deviations. The flag
    changes no event: the log and every other metric are those of the same run without it."""
    share = 0.3
    scenario = build({"placement.hybrid_share": q(share)})
    plain = build()
    hybrid = placements = 0
    for r in range(3):
        result, without = ls.run_replication(scenario, 12, r), ls.run_replication(plain, 12, r)
        for name, column in result.log.items():
            assert np.array_equal(column, without.log[name]), name
        keys = result.log_keys[result.log["state"] == PL]
        placements += len(keys)
        hybrid += int(np.count_nonzero(keys == HYBRID_PLACEMENT))
        row, other = summarise(scenario, result), summarise(plain, without)
        changed = {m for m in ALL_METRICS if row[m] != other[m]}
        assert changed <= {"hybrid_placed", "in_hybrid_placement", "paid_hours"}, changed
        assert other["hybrid_placed"] == other["in_hybrid_placement"] == 0
        assert other["paid_hours"] == other["paid"]
        assert row["paid"] <= row["paid_hours"] <= row["paid"] + row["hybrid_placed"]
        assert row["hybrid_placed"] <= row["placed"]
    mean, sd = placements * share, (placements * share * (1 - share)) ** 0.5
    assert placements > 300 and abs(hybrid - mean) < 4 * sd, (hybrid, placements)


@pytest.mark.parametrize(
    ("value", "message"), [(1.5, "placement.hybrid_share.value"), (-0.1, "hybrid_share")]
)
def test_a_hybrid_share_outside_0_to_1_names_the_field(value: float, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        build({"placement.hybrid_share": q(value)})


def test_an_unknown_metric_in_a_target_is_rejected() -> None:
    with pytest.raises(ScenarioError, match="in_paid_work"):
        build({"targets": [target("x", "in_work", 5)]})


# -- observations and calibration -------------------------------------------------------------
OBSERVATIONS = """\
name = "point-in-time test observations"
[sources]
eval = "https://example.org/evaluation"

[[observations]]
name = "in_work"
metric = "in_paid_work"
date = 2021-03-29
value = 20
sd = 4
source = "eval"

[[observations]]
name = "in_work_share"
metric = "in_paid_work"
share_of = "referred"
date = 2021-03-29
value = 0.1
sd = 0.02
source = "eval"

[[observations]]
name = "ever_in_work"
metric = "paid"
date = 2021-03-29
value = 30
sd = 5
source = "eval"
"""


def test_an_observation_file_with_a_point_metric_loads_and_simulates(tmp_path: Path) -> None:
    path = tmp_path / "observations.toml"
    path.write_text(OBSERVATIONS, encoding="utf-8")
    scenario = build()
    observations = load_observations(path, scenario)
    assert [o.metric for o in observations] == ["in_paid_work", "in_paid_work", "paid"]
    labels = [o.label for o in observations]
    assert labels[0] == "citizens in paid work (ordinary, small job or flexjob) on 2021-03-29"
    assert labels[2] == "citizens ever in paid work (ordinary, small job or flexjob) by 2021-03-29"
    params = parse_parameters(scenario, {"placement.outcomes.ordinary": "uniform(0.1, 0.5)"})
    simulator = Simulator(scenario, observations, params, seed=3)
    values = {"p0": 0.3}
    simulated = simulator(values)
    changed = scenario.with_changes({"placement.outcomes.ordinary": 0.3})
    result = ls.run_replication(changed, 3, simulation_replication(values))
    now = result.outcome("in_paid_work", "2021-03-29")
    assert simulated["in_work"] == now
    assert simulated["in_work_share"] == now / result.outcome("referred", "2021-03-29")
    assert simulated["ever_in_work"] == result.outcome("paid", "2021-03-29")
    assert simulated["in_work"] < simulated["ever_in_work"]  # some jobs ended by then


def test_an_unknown_metric_in_an_observation_names_the_point_metrics() -> None:
    data = {
        "name": "bad",
        "sources": {"eval": "https://example.org/evaluation"},
        "observations": [
            {"name": "o", "metric": "in_work", "date": dt.date(2021, 3, 29), "value": 3.0,
             "sd": 1.0, "source": "eval"},
        ],
    }  # fmt: skip
    with pytest.raises(ScenarioError, match="in_paid_work"):
        parse_observations(data)


def test_a_forecast_may_ask_for_a_point_metric() -> None:
    scenario = build()
    check_forecast_request(scenario, ("in_paid_work", "paid"), scenario.period.end, 10)
    with pytest.raises(ScenarioError):
        check_forecast_request(scenario, ("in_work",), scenario.period.end, 10)


def test_thresholds_of_point_targets_are_bounded_by_the_cohort() -> None:
    with pytest.raises(ScenarioError, match="cohort"):
        build({"targets": [{**target("x", "in_paid_work", 5), "threshold": q(10_000)}]})


def test_an_experiment_and_its_report_with_a_point_target(tmp_path: Path) -> None:
    """Target probabilities are read from the rows; the report leaves out the fan chart it
    has no weekly series for and still shows the target."""
    scenario = build({"targets": [target("in_work", "in_paid_work", 5)]})
    results = ls.run_experiment(scenario, 6, 2, execution=ls.Execution(workers=1, progress=False))
    row = results.targets.set_index("target").loc["in_work"]
    reached = (results.replications["target:in_work"] >= 5).mean()
    assert row["probability"] == pytest.approx(reached)
    path = write_report(scenario, tmp_path / "report.html", results)
    page = path.read_text(encoding="utf-8")
    assert "citizens in paid work (ordinary, small job or flexjob)" in page
