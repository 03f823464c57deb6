"""Levers: sweeps on common random numbers, resumable; Sobol, Morris and tornado; goal seeking.

The scenarios are small factory scenarios (a replication takes a few ms). Two companies
whose slots limit placements make ``companies.slots_per_company`` a strong, monotone lever;
without mentors in the scenario, ``placement.mentor_multiplier`` cannot change anything (it
scales only mentored placements), so it is a lever with an exactly zero effect: on common
random numbers every outcome is bit-identical whatever its value.
"""

from __future__ import annotations

import argparse
import math
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from factory import build, kill_part_way, q, raw, target, write_toml
from labour_sim import Execution, Scenario, ScenarioError, run_experiment
from labour_sim.cli import main
from labour_sim.cli.levers import add_commands, parse_lever
from labour_sim.cli.options import Parser as _Parser
from labour_sim.experiments.posterior import PosteriorDraws
from labour_sim.levers import (
    GoalAnswer,
    Range,
    Sensitivity,
    Sweep,
    Values,
    budget_for,
    morris,
    parse_levers,
    sobol,
    sweep,
    tornado,
    what_would_it_take,
)
from labour_sim.levers.points import IDENTIFIERS, summarise_point
from labour_sim.levers.space import grid_design, latin_hypercube
from labour_sim.metrics import PER_FIGURES
from labour_sim.replication import run_replication, summarise
from labour_sim.stats import quantile_summary, wilson_interval

ROOT = Path(__file__).resolve().parents[1]
SLOTS = "companies.slots_per_company"
IDLE = "placement.mentor_multiplier"  # no mentors in these scenarios: no effect at all
SLOTS_CHANGES: dict[str, Any] = {
    "companies.initial": q(2),
    "companies.max_companies": q(2),
    "companies.recruitment_per_week": q(0.0),
    "targets": [target("placed_100", "placed", 100, "2021-06-28")],
}


def slots_scenario(**extra: Any) -> Scenario:
    """Two companies whose slots limit placements: P(100 placed by mid-2021) grows with slots."""
    return build({**SLOTS_CHANGES, **extra})


def small_slots() -> Scenario:
    """Half the cohort (faster) for the sensitivity designs, which run many settings."""
    return slots_scenario(**{"intake.monthly_counts": q([10.0] * 12)})


@pytest.fixture(scope="module")
def fine_grid() -> Sweep:
    """Slots 1..12 times the idle lever at two values: 24 settings x 40 replications, seed 5."""
    return sweep(
        slots_scenario(),
        {SLOTS: (1, 12), IDLE: [1.0, 2.0]},
        levels=12,
        replications=40,
        seed=5,
        execution=Execution(workers=2, progress=False),
    )


# -- levers and designs -------------------------------------------------------------------------


def test_every_lever_mistake_is_reported_at_once() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_levers(
            slots_scenario(),
            {
                "companies.nothing": (1, 2),
                "staff.mentors": (10, 20),  # not set in the scenario: nothing to vary
                SLOTS: (1.5, 3),
                IDLE: (2.0, 1.0),
                "placement.outcomes.ordinary": (0.1, 1.5),
                "companies.initial": (1, 5, -3),
            },
        )
    paths = [p.path for p in caught.value.problems]
    assert paths == [
        "companies.nothing",
        "staff.mentors",
        SLOTS,
        IDLE,
        "placement.outcomes.ordinary",
        "companies.initial",
    ]
    assert "whole numbers" in str(caught.value) and "low < high" in str(caught.value)


def test_grid_and_latin_hypercube_designs() -> None:
    levers = parse_levers(slots_scenario(), {SLOTS: (1, 12), IDLE: Values((1.0, 1.5, 2.0))})
    grid = grid_design(levers, levels=4)
    assert list(grid[SLOTS].unique()) == [1, 5, 8, 12]  # whole numbers, rounded
    assert len(grid) == 4 * 3 and grid[SLOTS].dtype == np.int64
    levers = parse_levers(slots_scenario(), {SLOTS: (1, 12), IDLE: (1.0, 2.0)})
    lhs = latin_hypercube(levers, 10, seed=3)
    strata = np.floor((lhs[IDLE].to_numpy() - 1.0) / 0.1).astype(int)
    assert sorted(strata) == list(range(10))  # one point in each tenth of the range
    assert lhs[SLOTS].dtype == np.int64 and lhs[SLOTS].between(1, 12).all()
    pd.testing.assert_frame_equal(lhs, latin_hypercube(levers, 10, seed=3))
    assert not lhs.equals(latin_hypercube(levers, 10, seed=4))


# -- sweeps ---------------------------------------------------------------------------------


def test_sweep_points_share_random_numbers_and_match_run_experiment(fine_grid: Sweep) -> None:
    table = fine_grid.table
    assert len(table) == 24 and list(table["point"]) == list(range(24))
    low, high = table[table[IDLE] == 1.0], table[table[IDLE] == 2.0]
    outcomes = fine_grid.outcome_names
    # Common random numbers: a lever that does nothing leaves every outcome bit-identical.
    np.testing.assert_array_equal(low[outcomes].to_numpy(), high[outcomes].to_numpy())
    row = table[(table[SLOTS] == 7) & (table[IDLE] == 1.0)].iloc[0]
    alone = run_experiment(
        slots_scenario().with_changes({SLOTS: 7}),
        40,
        5,
        execution=Execution(workers=1, progress=False),
    )
    target_row = alone.target("placed_100")
    for stat in ("probability", "ci_low", "ci_high", "median", "p10", "p90"):
        assert row[f"{stat}:placed_100"] == target_row[stat], stat
    assert row["cost:programme"] == pytest.approx(alone.cost("cost:programme")["mean"])
    assert row["placed"] == pytest.approx(alone.replications["placed"].mean())


def _pandas_summary(rows: pd.DataFrame, targets: list[str]) -> dict[str, float]:
    """A point's summary from one pandas call per figure (what summarise_point must equal)."""
    n, out = len(rows), {}
    for name in targets:
        reached = int(rows[f"reached:{name}"].sum())
        out[f"probability:{name}"] = reached / n
        out[f"ci_low:{name}"], out[f"ci_high:{name}"] = wilson_interval(reached, n)
        spread = quantile_summary(rows[f"target:{name}"])
        out.update({f"{stat}:{name}": spread[stat] for stat in ("median", "p10", "p90")})
    for column, kind in rows.dtypes.items():
        if column in IDENTIFIERS or column.startswith("reached:") or kind.kind not in "biuf":
            continue
        if column in PER_FIGURES and f"{column}:n" in rows:
            den = float(rows[f"{column}:n"].mean())
            num = float(rows[PER_FIGURES[column][0]].mean())
            out[column] = num / den if den > 0 else math.nan
        else:
            x = rows[column].to_numpy(dtype=float)
            out[column] = float(x[np.isfinite(x)].mean()) if np.isfinite(x).any() else math.nan
    return out


def test_a_points_summary_is_the_per_column_pandas_figures_bit_for_bit() -> None:
    s = slots_scenario()
    rows = pd.DataFrame([summarise(s, run_replication(s, 3, r)) for r in range(12)])
    names = [t.name for t in s.targets]
    rng = np.random.default_rng(4)
    cases = [rows, rows.iloc[:1]]
    for holes in (0.2, 0.6, 1.0):  # NaN and inf in "per" figures, their parts and outcomes
        damaged = rows.copy()
        for column in ["cost:programme", "cost:per_hired:n", "cost:per_hired", "placed"]:
            x = damaged[column].to_numpy(dtype=float).copy()
            x[rng.random(len(x)) < holes] = np.nan
            x[rng.random(len(x)) < holes / 4] = np.inf
            damaged[column] = x
        cases.append(damaged)
    for case in cases:
        got, want = summarise_point(case, names), _pandas_summary(case, names)
        assert list(got) == list(want)
        for key, value in want.items():
            assert (got[key] == value) or (math.isnan(got[key]) and math.isnan(value)), key


PREP = "preparation.duration_weeks.mean"  # calibrated in the tests below (4 weeks as written)


def _posterior(*values: float) -> PosteriorDraws:
    """A posterior of the preparation's mean duration: equally weighted particles."""
    points = np.array([[v] for v in values])
    return PosteriorDraws("test posterior", (PREP,), points, np.ones(len(values)), (False,))


def test_a_calibrated_sweep_is_the_sweep_of_its_posterior_draws() -> None:
    # A posterior of one particle: every replication of every point runs at it, so the
    # calibrated sweep is the sweep of the scenario at that value, figure for figure.
    s, levers = slots_scenario(), {SLOTS: (1, 6), IDLE: [1.0, 2.0]}
    options: dict[str, Any] = {"levels": 3, "replications": 12, "seed": 7}
    runs = Execution(workers=2, progress=False)
    calibrated = sweep(s, levers, **options, execution=runs, calibration=_posterior(12.0))
    plain = sweep(s.with_changes({PREP: 12.0}), levers, **options, execution=runs)
    columns = [c for c in plain.table.columns if c != "events"]
    pd.testing.assert_frame_equal(calibrated.table[columns], plain.table[columns])
    assert (calibrated.table[f"parameter:{PREP}"] == 12.0).all()
    assert calibrated.metadata["calibration"]["label"] == "test posterior"
    assert "calibrated to" in calibrated.lines()[1] and "uncalibrated" in plain.lines()[1]
    # Two particles: replication r runs at the same draw at every point (common random
    # numbers), so a lever that does nothing still changes nothing.
    two = sweep(s, levers, **options, execution=runs, calibration=_posterior(1.0, 12.0))
    low, high = two.table[two.table[IDLE] == 1.0], two.table[two.table[IDLE] == 2.0]
    outcomes = [c for c in two.outcome_names if c != IDLE]
    np.testing.assert_array_equal(low[outcomes].to_numpy(), high[outcomes].to_numpy())
    assert 1.0 < two.table[f"parameter:{PREP}"].iloc[0] < 12.0  # both particles drawn


def test_a_calibrated_goal_search_and_budget_run_on_the_posterior() -> None:
    s, runs = slots_scenario(), Execution(workers=1, progress=False)
    args: dict[str, Any] = {"replications": 10, "seed": 3, "execution": runs}
    found = budget_for(s, "placed_100", 0.5, SLOTS, [1, 3, 6], **args, calibration=_posterior(9.0))
    plain = budget_for(s.with_changes({PREP: 9.0}), "placed_100", 0.5, SLOTS, [1, 3, 6], **args)
    pd.testing.assert_frame_equal(found.search, plain.search)
    assert found.confirmation == plain.confirmation and found.value == plain.value
    assert "calibrated to" in found.lines()[-1] and "uncalibrated" in plain.lines()[-1]
    goal = what_would_it_take(
        s, "placed_100", 0.5, {SLOTS: Range(1, 6, cost=1000.0)}, max_evaluations=6,
        calibration=_posterior(9.0), **args,
    )  # fmt: skip
    assert goal.metadata["calibration"]["fingerprint"] == _posterior(9.0).fingerprint
    assert "calibrated to" in goal.lines()[-1]


def test_a_lever_may_not_be_a_calibrated_parameter() -> None:
    s, runs = slots_scenario(), Execution(workers=1, progress=False)
    with pytest.raises(ScenarioError) as caught:
        sweep(s, {PREP: (2.0, 8.0)}, levels=2, replications=2, execution=runs,
              calibration=_posterior(9.0))  # fmt: skip
    assert caught.value.problems[0].path == PREP
    assert "test posterior" in str(caught.value)
    with pytest.raises(ScenarioError):
        budget_for(s, "placed_100", 0.5, PREP, [2.0, 4.0], replications=2, execution=runs,
                   calibration=_posterior(9.0))  # fmt: skip


RUNNER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from test_levers import resumable_sweep
    resumable_sweep({out!r}, workers=1)
    """
)


def resumable_sweep(out: str | Path | None, workers: int) -> Sweep:
    """12 settings x 20 replications, stored as they finish when ``out`` is given."""
    return sweep(
        slots_scenario(),
        {SLOTS: (1, 6), IDLE: [1.0, 2.0]},
        levels=6,
        replications=20,
        seed=11,
        execution=Execution(chunk_size=10, workers=workers, out=out, progress=False),
    )


@pytest.mark.slow
def test_interrupted_sweep_resumes_to_the_same_table(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    script = RUNNER.format(tests=str(ROOT / "tests"), out=str(out))
    finished = kill_part_way(script, out, "chunks/point-*.parquet", after=3)
    assert 3 <= finished < 12, "killed part-way"
    assert not (out / "sweep.parquet").exists()

    resumed = resumable_sweep(out, workers=2)  # and in parallel this time
    fresh = resumable_sweep(None, workers=1)
    assert resumed.metadata["simulations"] == (12 - finished) * 20
    pd.testing.assert_frame_equal(resumed.table, fresh.table, check_exact=True)
    pd.testing.assert_frame_equal(Sweep.load(out).table, fresh.table, check_exact=True)


@pytest.mark.slow
def test_sweep_on_dask_gives_the_same_table() -> None:
    distributed = pytest.importorskip("distributed")
    levers = {SLOTS: (1, 3), IDLE: [1.0, 2.0]}
    options: dict[str, Any] = {"levels": 3, "replications": 10, "seed": 3}
    run = Execution(chunk_size=5, progress=False)
    serial = sweep(slots_scenario(), levers, **options, execution=run.replace(workers=1))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        dask = sweep(
            slots_scenario(),
            levers,
            **options,
            execution=run.replace(executor=client),
        )
    pd.testing.assert_frame_equal(dask.table, serial.table, check_exact=True)


def test_a_folder_holding_another_sweep_is_refused(tmp_path: Path) -> None:
    options: dict[str, Any] = {"replications": 2, "levels": 2}
    run = Execution(workers=1, progress=False, out=tmp_path)
    sweep(slots_scenario(), {SLOTS: (1, 2)}, seed=1, **options, execution=run)
    with pytest.raises(ScenarioError, match="--out"):
        sweep(slots_scenario(), {SLOTS: (1, 2)}, seed=2, **options, execution=run)
    again = sweep(
        slots_scenario(),
        {SLOTS: (1, 2)},
        seed=2,
        **options,
        execution=run.replace(overwrite=True),
    )
    assert Sweep.load(tmp_path).metadata["seed"] == 2 == again.metadata["seed"]


def test_region_where_the_target_is_met(fine_grid: Sweep) -> None:
    p = fine_grid.table.loc[fine_grid.table[IDLE] == 1.0, "probability:placed_100"].to_numpy()
    truth = 1 + int(np.argmax(p >= 0.8))  # fewest slots reaching 80 % on this grid
    region = fine_grid.where("placed_100", 0.8)
    assert region.directions == {SLOTS: 1, IDLE: 0}
    assert region.necessary == ((SLOTS, 1, float(truth)),)
    assert [rule.bounds for rule in region.rules] == [((SLOTS, 1, float(truth)),)]
    assert region.correct == region.settings == 24
    text = "\n".join(region.lines())
    assert f"{SLOTS} at least {truth}" in text and f"No effect seen of: {IDLE}" in text


# -- sensitivity ------------------------------------------------------------------------------

SENSITIVITY_LEVERS = {SLOTS: (1, 6), "placement.duration_weeks": (7.0, 9.0), IDLE: (1.0, 2.0)}


@pytest.mark.slow
def test_sobol_total_index_of_an_idle_lever_includes_zero_and_the_dominant_ranks_first(
    tmp_path: Path,
) -> None:
    """Slots decide placements (two companies); placement length matters less; IDLE not at all.

    Fails if indices are attached to the wrong lever, if the bootstrap intervals of SALib
    are not carried through, or if settings do not share their random numbers (then the
    idle lever's total index picks up noise and its interval can exclude 0).
    """
    result = sobol(
        small_slots(),
        SENSITIVITY_LEVERS,
        "placed",
        samples=32,
        replications=4,
        seed=2,
        execution=Execution(workers=2, progress=False, out=tmp_path),
    )
    table = result.table.set_index("lever")
    assert result.metadata["points"] == 32 * (3 + 2)
    assert table.loc[IDLE, "ST_low"] <= 0 <= table.loc[IDLE, "ST_high"]
    assert table.loc[IDLE, "S1_low"] <= 0 <= table.loc[IDLE, "S1_high"]
    assert result.ranking("placed")[0] == SLOTS
    others = table.drop(index=SLOTS)
    assert table.loc[SLOTS, "ST_low"] > others["ST_high"].max()  # first beyond its interval
    assert table.loc[SLOTS, "S1_low"] > others["S1_high"].max()
    loaded = Sensitivity.load(tmp_path)
    pd.testing.assert_frame_equal(loaded.table, result.table)
    assert loaded.ranking() == result.ranking()
    assert "total index" in "\n".join(result.lines())


def test_morris_screening_ranks_the_dominant_lever_first_and_the_idle_lever_last() -> None:
    result = morris(
        small_slots(),
        SENSITIVITY_LEVERS,
        ["placed", "placed_100"],
        trajectories=6,
        replications=4,
        seed=2,
        execution=Execution(workers=1, progress=False),
    )
    placed = result.table[result.table["outcome"] == "placed"].set_index("lever")
    assert result.metadata["points"] == 6 * (3 + 1)
    assert placed.loc[IDLE, "mu_star"] == 0 == placed.loc[IDLE, "mu_star_high"]
    assert result.ranking("placed") == [SLOTS, "placement.duration_weeks", IDLE]
    assert placed.loc[SLOTS, "mu_star_low"] > placed.loc["placement.duration_weeks", "mu_star_high"]
    assert result.ranking("placed_100")[0] == SLOTS  # a target's probability is an outcome too


def test_tornado_swings_with_paired_intervals() -> None:
    result = tornado(
        small_slots(),
        SENSITIVITY_LEVERS,
        ["placed", "placed_100"],
        replications=20,
        seed=2,
        execution=Execution(workers=1, progress=False),
    )
    placed = result.table[result.table["outcome"] == "placed"].set_index("lever")
    assert result.metadata["points"] == 2 * 3 + 1
    assert (placed.loc[IDLE, ["swing", "swing_low", "swing_high"]] == 0).all()
    assert 0 < placed.loc[SLOTS, "swing_low"] < placed.loc[SLOTS, "swing"]
    assert placed.loc[SLOTS, "swing"] == pytest.approx(
        placed.loc[SLOTS, "at_high"] - placed.loc[SLOTS, "at_low"]
    )
    assert result.ranking("placed")[0] == SLOTS and result.ranking("placed")[-1] == IDLE
    # a "per" figure: the ends are mean cost over mean jobs, and the swing is their difference
    costed = slots_scenario(
        **{"intake.monthly_counts": q([10.0] * 12), "costs": {"fixed_dkk_per_month": q(1e4)}}
    )
    per = tornado(
        costed, SENSITIVITY_LEVERS, "cost:per_hired", replications=20, seed=2,
        execution=Execution(workers=1, progress=False),
    ).table.set_index("lever")  # fmt: skip
    swing = per.loc[SLOTS, "at_high"] - per.loc[SLOTS, "at_low"]
    assert swing != 0 and per.loc[SLOTS, "swing"] == pytest.approx(swing, rel=1e-12)
    assert per.loc[SLOTS, "swing_low"] < per.loc[SLOTS, "swing"] < per.loc[SLOTS, "swing_high"]
    with pytest.raises(ScenarioError, match="outcome"):
        tornado(small_slots(), SENSITIVITY_LEVERS, "happiness", execution=Execution(progress=False))


# -- goal seeking -----------------------------------------------------------------------------


@pytest.mark.slow
def test_goal_seeking_finds_the_fine_grid_answer_within_one_grid_step(
    fine_grid: Sweep, tmp_path: Path
) -> None:
    """Two levers with costs; one does nothing, so the least-cost answer is unique.

    The answer must be the fewest slots that reach 80 % on the fine grid (same seed and
    replications: the search sees the same probabilities), within one grid step, with the
    idle lever at its low end (it costs and does nothing). The test fails if the search
    accepts a setting below the truth, stops above it, pays for the idle lever, or if the
    fresh-seed confirmation does not reach 80 % within its interval.
    """
    grid = fine_grid.table[fine_grid.table[IDLE] == 1.0]
    p = grid["probability:placed_100"].to_numpy()
    truth = int(grid[SLOTS].to_numpy()[np.argmax(p >= 0.8)])
    assert 2 < truth < 11, p  # an interior answer, so the test can fail either way
    answer = what_would_it_take(
        slots_scenario(),
        "placed_100",
        0.8,
        {SLOTS: (1, 12, 100_000), IDLE: (1.0, 2.0, 50_000)},
        replications=40,
        seed=5,
        frontier=(0.5, 0.8, 0.95),
        execution=Execution(workers=2, progress=False, out=tmp_path),
    )
    assert answer.setting is not None
    assert truth <= answer.setting[SLOTS] <= truth + 1
    assert answer.setting[IDLE] == 1.0
    assert answer.lever_cost == 100_000 * answer.setting[SLOTS] + 50_000
    assert (
        answer.search_probability
        == grid.loc[grid[SLOTS] == answer.setting[SLOTS]].iloc[0]["probability:placed_100"]
    )
    assert answer.confirmed and answer.confirmation is not None
    assert len(answer.search) < 12 * 21 // 4  # far fewer settings than the fine grid
    assert answer.search["reaches"].sum() >= 1
    frontier = answer.frontier
    assert frontier is not None and frontier["found"].all()
    assert frontier["lever_cost"].is_monotonic_increasing
    at_80 = frontier.loc[frontier["probability"] == 0.8].iloc[0]
    assert at_80["lever_cost"] == answer.lever_cost
    loaded = GoalAnswer.load(tmp_path)
    assert loaded.setting == answer.setting and loaded.confirmed
    pd.testing.assert_frame_equal(loaded.search, answer.search)
    assert "Least-cost setting" in answer.lines()[0]
    (idle,) = [line for line in answer.lines() if f"({IDLE}) = 1 " in line]
    (slots,) = [line for line in answer.lines() if f"({SLOTS}) = " in line]
    assert idle.endswith("; the low end searched)") and "end searched" not in slots


def test_goal_seeking_says_when_the_target_is_out_of_reach() -> None:
    answer = what_would_it_take(
        slots_scenario(),
        "placed_100",
        0.8,
        {SLOTS: (1, 2, 100_000)},
        replications=10,
        seed=1,
        execution=Execution(workers=1, progress=False),
    )
    assert answer.setting is None and not answer.confirmed
    assert "out of reach" in answer.lines()[0]
    with pytest.raises(ScenarioError, match="cost per unit"):
        what_would_it_take(
            slots_scenario(),
            "placed_100",
            0.8,
            {SLOTS: (1, 2)},
            execution=Execution(progress=False),
        )


# -- command line -----------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    """What ``labour-sim ARGV`` does (exit code; messages on stdout and stderr)."""
    return main(argv)


@pytest.fixture(scope="module")
def slots_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = raw(
        {
            **SLOTS_CHANGES,
            "intake.monthly_counts": q([10.0] * 12),
            "targets": [target("placed_50", "placed", 50, "2021-06-28")],
        }
    )
    return write_toml(data, tmp_path_factory.mktemp("cli") / "slots.toml")


def test_lever_syntax() -> None:
    assert parse_lever("staff.mentors=10:60") == ("staff.mentors", Range(10, 60))
    assert parse_lever("a.b=1:3:step=0.5:cost=7") == ("a.b", Range(1, 3, 7.0, 0.5))
    assert parse_lever("a.b=1,2,4:cost=9") == ("a.b", Values((1.0, 2.0, 4.0), 9.0))
    for bad in ("staff.mentors", "a=1", "a=1:2:price=3", "=1:2", "a=x:2"):
        with pytest.raises(ScenarioError, match="--lever"):
            parse_lever(bad)


def test_cli_sweep_sensitivity_and_what_would_it_take(
    slots_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["-n", "6", "--workers", "1", "-q"]
    code = run_cli(["sweep", str(slots_file), "--lever", f"{SLOTS}=1:3", "--lever",
                    f"{IDLE}=1,2", *common, "--out", str(tmp_path / "sw")])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    assert "6 lever settings (full grid) x 6 replications" in printed
    assert "placed_50 with at least 80% probability" in printed
    assert (tmp_path / "sw" / "sweep.parquet").is_file()
    code = run_cli(["sensitivity", str(slots_file), "--method", "tornado", "--outcome",
                    "placed", "--lever", f"{SLOTS}=1:3", "--lever", f"{IDLE}=1:2", *common])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0 and f"1. {SLOTS}" in printed and f"2. {IDLE}" in printed
    code = run_cli(["what-would-it-take", str(slots_file), "--target", "placed_50", "--lever",
                    f"{SLOTS}=1:8:cost=100000", *common, "--out", str(tmp_path / "goal")])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0 and "Least-cost setting estimated to reach placed_50" in printed
    assert (tmp_path / "goal" / "answer.json").is_file()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sweep", "--lever", "staff.mentors"], "--lever"),
        (["sweep"], "at least one PATH=LOW:HIGH"),
        (["sweep", "--lever", "staff.mentors=1:5"], "staff.mentors"),
        (["what-would-it-take", "--target", "placed_50", "--lever", f"{SLOTS}=1:3"], "cost"),
        (["sensitivity", "--outcome", "happiness", "--lever", f"{SLOTS}=1:3"], "outcome"),
    ],
)
def test_cli_mistakes_are_one_message_and_exit_2(
    slots_file: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code = run_cli([argv[0], str(slots_file), *argv[1:], "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("labour-sim: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_help_shows_examples() -> None:
    parser = _Parser(prog="labour-sim")
    sub = parser.add_subparsers(dest="command")
    add_commands(sub)
    for name in ("sweep", "sensitivity", "what-would-it-take"):
        text = sub.choices[name].format_help()
        assert "examples:" in text and f"labour-sim {name}" in text
    assert isinstance(sub, argparse._SubParsersAction)
