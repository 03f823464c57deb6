"""Experiments: identical results whatever runs them, resumable runs, honest intervals, CRN.

Statistical checks use fixed seeds and tolerances of three standard errors from theory.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from factory import binomial_scenario, build, kill_part_way, target
from labour_sim import (
    Execution,
    IncrementalCost,
    Results,
    ScenarioError,
    compare,
    run_experiment,
)
from labour_sim.experiments.results import target_table
from labour_sim.metrics import METRIC_LABELS

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("replications", "bands", "targets")


def small():
    """The factory scenario with two targets (runs in a few ms a replication)."""
    return build(
        {"targets": [target("ordinary_60", "ordinary", 60), target("placed_200", "placed", 200)]}
    )


def assert_same_tables(a: Results, b: Results) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


# -- the same numbers whatever runs them ------------------------------------------------------


@pytest.mark.slow
def test_serial_two_workers_and_dask_give_identical_tables() -> None:
    distributed = pytest.importorskip("distributed")
    scenario = small()
    options = {"replications": 60, "seed": 7}
    run = Execution(chunk_size=10, progress=False)
    serial = run_experiment(scenario, **options, execution=run.replace(workers=1))
    local = run_experiment(scenario, **options, execution=run.replace(workers=2))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        dask = run_experiment(scenario, **options, execution=run.replace(executor=client))
    assert serial.n == 60
    assert serial.replications["replication"].tolist() == list(range(60))
    assert_same_tables(serial, local)
    assert_same_tables(serial, dask)
    assert dask.metadata["executor"] == "dask"


def test_chunk_size_does_not_change_results() -> None:
    scenario = small()
    a = run_experiment(
        scenario, 30, seed=3, execution=Execution(chunk_size=7, workers=1, progress=False)
    )
    b = run_experiment(
        scenario, 30, seed=3, execution=Execution(chunk_size=30, workers=1, progress=False)
    )
    assert_same_tables(a, b)


# -- result files and resuming ----------------------------------------------------------------


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    results = run_experiment(small(), 20, seed=1, execution=Execution(workers=1, progress=False))
    loaded = Results.load(results.save(tmp_path / "r"))
    assert_same_tables(results, loaded)
    meta = loaded.metadata
    assert meta["scenario_hash"] == small().hash and meta["seed"] == 1
    assert meta["replications"] == 20
    assert {"numpy", "simpy", "pandas", "labour_sim", "python"} <= set(meta["versions"])
    assert meta["started"] <= meta["finished"]
    assert not list((tmp_path / "r").glob(".*.tmp"))  # no temporary file left behind


RUNNER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from factory import build, target
    from labour_sim import Execution, run_experiment
    scenario = build({{"targets": [target("ordinary_60", "ordinary", 60)]}})
    run = Execution(chunk_size=10, workers=1, out={out!r}, progress=False)
    run_experiment(scenario, 240, seed=11, execution=run)
    """
)


@pytest.mark.slow
def test_killed_run_resumes_to_identical_results(tmp_path: Path) -> None:
    out = tmp_path / "run"
    script = RUNNER.format(tests=str(ROOT / "tests"), out=str(out))
    finished = kill_part_way(script, out, "chunks/*.parquet", after=3)
    assert 3 <= finished < 24, "killed part-way"
    assert not (out / "metadata.json").exists()

    scenario = build({"targets": [target("ordinary_60", "ordinary", 60)]})
    run = Execution(chunk_size=10, workers=1, progress=False)
    resumed = run_experiment(scenario, 240, 11, execution=run.replace(out=out))
    fresh = run_experiment(scenario, 240, 11, execution=run)
    assert_same_tables(resumed, fresh)
    assert sorted(resumed.replications["replication"]) == list(range(240))
    assert_same_tables(Results.load(out), fresh)


def test_a_folder_of_another_run_is_refused(tmp_path: Path) -> None:
    run_experiment(
        small(), 10, seed=1, execution=Execution(workers=1, out=tmp_path, progress=False)
    )
    with pytest.raises(ScenarioError, match="--out"):
        run_experiment(
            small(), 10, seed=2, execution=Execution(workers=1, out=tmp_path, progress=False)
        )
    replaced = run_experiment(
        small(),
        10,
        seed=2,
        execution=Execution(workers=1, out=tmp_path, overwrite=True, progress=False),
    )
    assert_same_tables(Results.load(tmp_path), replaced)
    assert replaced.metadata["seed"] == 2


# -- target probabilities ---------------------------------------------------------------------


def test_target_interval_covers_the_exact_probability_about_95_percent() -> None:
    """200 small experiments on a binomial scenario; coverage within 3 SE of 0.95.

    The 200 experiments of 30 replications are the 200 consecutive blocks of one run of
    6,000 (replication numbers 30 i to 30 i + 29 of seed 0): every replication has its own
    random streams, so the blocks are independent experiments, and the first block is
    exactly ``run_experiment(scenario, 30, 0)`` (checked). One run instead of 200 spares the
    per-experiment overhead; the sample size and the tolerance are unchanged.
    """
    cohort, p, k, reps, experiments = 24, 0.3, 8, 30, 200
    truth = float(sps.binom.sf(k - 1, cohort, p))  # P(at least k of 24 hired)
    scenario = binomial_scenario(
        p, 1, cohort, targets=[target("k_hired", "ordinary", k, "2021-06-28")]
    )
    run = Execution(workers=1, progress=False)
    rows = run_experiment(scenario, reps * experiments, 0, execution=run).replications
    rows = rows.sort_values("replication", ignore_index=True)
    intervals = [
        target_table(scenario, rows.iloc[i * reps : (i + 1) * reps]).set_index("target")
        for i in range(experiments)
    ]
    first = run_experiment(scenario, reps, 0, execution=run).target("k_hired")
    assert (first["ci_low"], first["ci_high"]) == tuple(
        intervals[0].loc["k_hired", ["ci_low", "ci_high"]]
    )
    covered = sum(
        int(t.loc["k_hired", "ci_low"] <= truth <= t.loc["k_hired", "ci_high"]) for t in intervals
    )
    coverage = covered / experiments
    se = math.sqrt(0.95 * 0.05 / experiments)
    assert abs(coverage - 0.95) < 3 * se, (coverage, truth)


def test_targets_table_matches_the_replications() -> None:
    results = run_experiment(small(), 40, seed=5, execution=Execution(workers=1, progress=False))
    row = results.target("ordinary_60")
    outcomes = results.replications["target:ordinary_60"]
    assert row["reached"] == int((outcomes >= 60).sum())
    assert row["probability"] == pytest.approx(row["reached"] / 40)
    assert row["median"] == pytest.approx(outcomes.median())
    assert row["p10"] <= row["median"] <= row["p90"]
    assert row["p2_5"] <= row["p10"] and row["p90"] <= row["p97_5"]
    assert "60 ever employed on ordinary hours by 2021-12-27" in results.verdicts()[0]


def test_bands_are_ordered_quantiles_of_every_series() -> None:
    bands = run_experiment(
        small(), 20, seed=5, execution=Execution(workers=1, progress=False)
    ).bands
    quantiles = bands[["q05", "q10", "q25", "q50", "q75", "q90", "q95"]].to_numpy()
    assert (np.diff(quantiles, axis=1) >= 0).all()
    assert {"state", "metric", "capacity"} == set(bands["kind"])
    assert {"placement", "ordinary", "companies_joined"} <= set(bands["series"])


# -- precision on demand ----------------------------------------------------------------------


def test_precision_mode_stops_when_the_half_width_is_reached() -> None:
    results = run_experiment(
        small(), seed=2, precision=0.06, execution=Execution(workers=1, progress=False)
    )
    info = results.metadata["precision"]
    checks = info["checks"]
    assert info["stopped_because"] == "precision reached"
    assert info["reached_half_width"] <= 0.06
    assert all(c["half_width"] > 0.06 for c in checks[:-1])  # it did not stop too late
    assert checks[-1]["replications"] == results.n
    low, high = results.targets[["ci_low", "ci_high"]].to_numpy().T
    assert ((high - low) / 2 <= 0.06 + 1e-12).all()


def test_precision_mode_says_when_it_hit_the_maximum() -> None:
    results = run_experiment(
        small(),
        seed=2,
        precision=0.001,
        max_replications=50,
        execution=Execution(workers=1, progress=False),
    )
    info = results.metadata["precision"]
    assert info["stopped_because"] == "max replications reached"
    assert results.n == 50 and info["reached_half_width"] > 0.001


# -- common random numbers --------------------------------------------------------------------


def test_comparing_a_scenario_with_itself_gives_exactly_zero() -> None:
    scenario = small()
    result = compare(scenario, scenario, 20, seed=4, execution=Execution(workers=1, progress=False))
    table = result.differences
    assert (table["difference"] == 0).all()
    assert (table["ci_low"] == 0).all() and (table["ci_high"] == 0).all()
    assert scenario.targets
    for t in scenario.targets:  # a target's count is named by its metric and date, not its id
        (line,) = [x for x in result.lines() if f"(target {t.name})" in x]
        assert line.startswith(f"{METRIC_LABELS[t.metric].split(' (')[0]} by {t.date}")
    assert not any(line.startswith("target:") for line in result.lines())


def test_comparison_lines_name_each_outcomes_date_and_unit() -> None:
    # "citizens in paid work" (on the date) is not "citizens ever in paid work" (by it):
    # each line says which, at the end date, and a cost says it is in DKK.
    scenario = small()
    result = compare(scenario, scenario, 5, seed=4, execution=Execution(workers=1, progress=False))
    end = result.a.metadata["end_date"]
    lines = result.lines(("paid", "in_paid_work", "cost:programme"))
    assert [line.split(":")[0] for line in lines] == [
        f"citizens ever in paid work by {end}",
        f"citizens in paid work on {end}",
        "programme cost (DKK)",
    ]
    # not the business case's net (against business as usual): said in the label
    [net] = result.lines(("cost:net_public",))
    assert net.startswith(
        "net public cost against every citizen staying on benefit, undiscounted (DKK):"
    )
    assert f"citizens ever employed on ordinary hours by {end} " in repr(result)


def test_paired_interval_is_narrower_than_independent_for_a_lever_change() -> None:
    a = small()
    b = a.with_changes({"placement.outcomes.ordinary": 0.35})
    result = compare(a, b, 60, seed=4, execution=Execution(workers=1, progress=False))
    row = result.difference("ordinary")
    assert row["difference"] > 0
    assert row["ci_high"] - row["ci_low"] < row["independent_high"] - row["independent_low"]
    assert 0 < row["narrowing"] < 1
    assert any("narrower than independent runs" in line for line in result.lines(("ordinary",)))


def test_a_comparison_says_what_b_changes_and_shows_only_named_outcomes() -> None:
    a = small()
    b = a.with_changes({"placement.outcomes.ordinary": 0.35, "placement.duration_weeks.mean": 20})
    result = compare(a, b, 4, seed=4, execution=Execution(workers=1, progress=False))
    duration = a.placement.duration_weeks
    assert set(result.changes) == {
        f"placement.outcomes.ordinary: {a.placement.outcomes.ordinary.value:.4g} -> 0.35",
        f"placement.duration_weeks.mean: {duration.mean:.4g} -> 20",
    }
    text = repr(result)
    assert text.startswith(f"Comparison: B ({a.name}, changed) against A ({a.name}), 4 paired")
    assert all(f"B changes {change}" in text for change in result.changes)
    # By default the main counts, costs and targets; internal columns only in .differences.
    labels = [line.split(":")[0] for line in result.lines()]
    assert not any(x.startswith(("cost:", "reached:", "wait_", "effect:")) for x in labels)
    assert any("(target ordinary_60)" in x for x in labels)
    assert "wait_caseworker_mean" in set(result.differences["outcome"])


def test_two_programmes_with_different_ends_name_both_dates() -> None:
    a = small()
    b = a.with_changes({"period.end": a.period.end - dt.timedelta(weeks=10)})
    result = compare(a, b, 3, seed=4, execution=Execution(workers=1, progress=False))
    ends = f"{a.period.end} (A), {b.period.end} (B)"
    assert result.lines(("ordinary",))[0].startswith(
        f"{METRIC_LABELS['ordinary'].split(' (')[0]} by {ends}:"
    )
    assert result.changes == (f"period.end: {a.period.end} -> {b.period.end}",)


@pytest.mark.parametrize(
    ("dc", "de", "start"),
    [
        (1000.0, 2.0, "extra programme cost per extra job held 26 weeks by 2023-01-01"),
        (-1000.0, 2.0, "B gives more jobs held 26 weeks for less: programme cost saved per extra"),
        (-1000.0, -2.0, "B gives fewer jobs held 26 weeks for less: programme cost saved per job"),
        (1000.0, -2.0, "B gives fewer jobs held 26 weeks for more, by 2023-01-01"),
        (1000.0, 0.0, "programme cost per job held 26 weeks: not defined"),
    ],
)
def test_an_incremental_cost_reads_right_whatever_the_signs(
    dc: float, de: float, start: str
) -> None:
    ratio = dc / de if de else math.nan
    inc = IncrementalCost(
        ratio, ratio - 10, ratio + 10, dc, de, "cost:programme", "effect:sustained@savings",
        "2023-01-01", 0.95,
    )  # fmt: skip
    line = inc.line()
    assert line.startswith(start), line
    if de and (dc > 0) == (de > 0):  # a price: the ratio itself, positive
        assert f": 500 DKK [95%: 490, 510] = {dc:+,.0f} DKK / {de:+,.1f}" in line
    elif de > 0:  # a saving per extra job: the ratio's magnitude, its interval turned round
        assert ": 500 DKK [95%: 490, 510] = -1,000 DKK / +2.0" in line


def test_bad_arguments_are_scenario_errors() -> None:
    with pytest.raises(ScenarioError, match="replications"):
        run_experiment(small(), 0)
    with pytest.raises(ScenarioError, match="precision"):
        run_experiment(small(), precision=0.7)


def test_the_engine_never_changes_a_number() -> None:
    run = Execution(workers=1, progress=False)
    fast = run_experiment(small(), 12, seed=3, execution=run)
    des = run_experiment(small(), 12, seed=3, execution=run.replace(engine="des"))
    pd.testing.assert_frame_equal(fast.replications, des.replications, check_exact=True)
    pd.testing.assert_frame_equal(fast.bands, des.bands, check_exact=True)
    assert (fast.metadata["engine"], des.metadata["engine"]) == ("auto", "des")
    with pytest.raises(ScenarioError, match="engine"):
        Execution(engine="turbo")
