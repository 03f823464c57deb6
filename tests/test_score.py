"""Scores against what happened next, and calibration set-up files.

The arithmetic of PIT, intervals and CRPS is checked against cases worked by hand (stated
beside each assertion). The calibrations here are tiny (15 particles, 2 generations, the
fast engine): they test plumbing and reproducibility, not statistics.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import labour_sim as ls
from factory import q, raw, run_cli, write_toml
from labour_sim import Execution, ScenarioError
from labour_sim.calibration import Calibration, calibrate, parse_observations
from labour_sim.calibration.score import (
    check_after,
    crps,
    interval,
    pit,
    report_draws,
    score_table,
    split_last,
)
from labour_sim.calibration.setup import combine_observations, load_setup, parse_setup

ROOT = Path(__file__).resolve().parents[1]
SETUPS = sorted((ROOT / "scenarios" / "calibration").glob("*.toml"))
SMALL = {
    "intake.monthly_counts": q([12.0] * 12),
    "companies.max_companies": q(80),
    "companies.initial": q(5),
}
PRIORS = {"placement.outcomes.ordinary": "uniform(0.05, 0.6)"}
TINY = {"population_size": 15, "generations": 2, "max_simulations": 2000, "predictive_draws": 12}
QUIET = Execution(workers=1, progress=False, engine="fast")


def observations(*items: tuple[str, str, str, float, float]) -> ls.Observations:
    """Observations ``(name, metric, ISO date, value, sd)`` citing one source."""
    rows = [
        {"name": n, "metric": m, "date": dt.date.fromisoformat(d), "value": v, "sd": sd,
         "source": "eval"}
        for n, m, d, v, sd in items
    ]  # fmt: skip
    sources = {"eval": "https://example.org/evaluation"}
    return parse_observations({"name": "test reports", "sources": sources, "observations": rows})


# -- arithmetic against hand-computed cases ----------------------------------------------------
def test_mid_pit_of_discrete_draws() -> None:
    # draws 1, 2, 3, 4: P(X < 3) = 2/4, P(X = 3) = 1/4, so the mid-PIT is 0.5 + 0.125.
    assert pit([1, 2, 3, 4], 3) == 0.625
    assert pit([1, 2, 3, 4], 4) == 0.875  # 3/4 + 1/8
    assert pit([1, 2, 3, 4], 0) == 0.0
    assert pit([1, 2, 3, 4], 2.5) == 0.5  # no tie: the plain CDF
    # With a reporting error the PIT is the mixture CDF; as sd -> 0 it is the mid-PIT
    # (a tie contributes Phi(0) = 1/2, the other draws Phi(+-100) = 1 or 0).
    assert pit([1, 2, 3, 4], 3, sd=0.01) == pytest.approx(0.625, abs=1e-15)


def test_pit_with_a_reporting_error_is_the_normal_mixture_cdf() -> None:
    # one draw at 0, sd 1: PIT of y = 1 is Phi(1) = 0.8413447...
    assert pit([0.0], 1.0, sd=1.0) == pytest.approx(0.8413447460685429, rel=1e-12)
    # draws 0 and 2, sd 1, y = 1: (Phi(1) + Phi(-1)) / 2 = 1/2 exactly by symmetry.
    assert pit([0.0, 2.0], 1.0, sd=1.0) == pytest.approx(0.5, abs=1e-15)


def test_intervals_of_discrete_draws_and_of_the_mixture() -> None:
    # numpy's linear interpolation on 1, 2, 3, 4: the 25 % and 75 % quantiles are 1.75 and
    # 3.25; the 10 % and 90 % ones 1.3 and 3.7; the 2.5 % and 97.5 % ones 1.075 and 3.925.
    assert interval([1, 2, 3, 4], 0.5) == pytest.approx((1.75, 3.25))
    assert interval([1, 2, 3, 4], 0.8) == pytest.approx((1.3, 3.7))
    assert interval([1, 2, 3, 4], 0.95) == pytest.approx((1.075, 3.925))
    # one draw at 10, sd 2: N(10, 4), so the 95 % interval is 10 +- 1.959964 x 2 and the
    # 50 % interval 10 +- 0.6744898 x 2.
    assert interval([10.0], 0.95, sd=2.0) == pytest.approx((6.080072, 13.919928), abs=1e-6)
    assert interval([10.0], 0.5, sd=2.0) == pytest.approx((8.651020, 11.348980), abs=1e-6)


def test_crps_against_hand_computed_cases() -> None:
    # draws 0, 1 at y = 0: E|X - y| = 1/2, E|X - X'| = (0 + 1 + 1 + 0) / 4 = 1/2, so
    # CRPS = 1/2 - 1/4 = 1/4 (the integral of the ECDF's squared error: 0.5^2 over [0, 1)).
    assert crps([0.0, 1.0], 0.0) == 0.25
    # draws 1, 2, 3, 4 at y = 3: E|X - y| = (2 + 1 + 0 + 1) / 4 = 1; the 6 pairs differ by
    # 1, 2, 3, 1, 2, 1 (sum 10), so E|X - X'| = 2 x 10 / 16 = 1.25 and CRPS = 1 - 0.625.
    assert crps([4.0, 2.0, 1.0, 3.0], 3.0) == 0.375
    # one draw: the absolute error.
    assert crps([7.0], 2.0) == 5.0
    assert crps([5.0, 5.0, 5.0], 5.0) == 0.0


def test_crps_from_sorted_draws_equals_the_pairwise_sum() -> None:
    x = np.random.default_rng(np.random.SeedSequence(3)).gamma(2.0, 10.0, 301)
    brute = np.mean(np.abs(x - 17.0)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))
    assert crps(x, 17.0) == pytest.approx(brute, rel=1e-12)


def test_crps_of_normal_draws_approaches_the_closed_form() -> None:
    # CRPS(N(0, 1), 0) = 2 phi(0) - 1 / sqrt(pi) = 0.2336950. The sample estimator's bias
    # is E|X - X'| / (2n) = 0.56 / n and its sd about 0.6 / sqrt(n): 0.01 is > 5 sd.
    z = np.random.default_rng(np.random.SeedSequence(4)).standard_normal(20_000)
    exact = 2 * stats.norm.pdf(0) - 1 / math.sqrt(math.pi)
    assert crps(z, 0.0) == pytest.approx(exact, abs=0.01)


def test_score_table_per_observation_and_overall() -> None:
    reports = observations(
        ("at_3", "ordinary", "2021-06-28", 3.0, 0.01), ("at_4", "paid", "2021-06-28", 4.0, 0.01)
    )
    draws = pd.DataFrame({"at_3": [1.0, 2.0, 3.0, 4.0], "at_4": [1.0, 2.0, 3.0, 4.0]})
    table, summary = score_table(reports, draws, seed=1)
    by = table.set_index("observation")
    # sd 0.01 is far below the draws' spacing: the PIT is the mid-PIT. The intervals are
    # the mixture's, where each draw carries 1/4 of the mass: its 90 % quantile solves
    # 0.75 + 0.25 Phi((v - 4) / sd) = 0.9, so v = 4 + 0.253 sd, and its 97.5 % quantile is
    # 4 + 1.28 sd; its 75 % quantile lies between 3 and 4. So 4 is outside the 50 %
    # interval but inside the 80 % and 95 % ones (unlike numpy's interpolated quantiles of
    # the draws, 3.7 and 3.925: a reported value equal to a draw is never "impossible").
    assert by.loc["at_3", "pit"] == pytest.approx(0.625)
    assert by.loc["at_4", "pit"] == pytest.approx(0.875)
    assert list(by.loc["at_3", ["in_50", "in_80", "in_95"]]) == [True, True, True]
    assert list(by.loc["at_4", ["in_50", "in_80", "in_95"]]) == [False, True, True]
    assert by.loc["at_4", "high_80"] == pytest.approx(4 + 0.01 * stats.norm.ppf(0.6), abs=1e-6)
    assert by.loc["at_4", "high_95"] == pytest.approx(4 + 0.01 * stats.norm.ppf(0.9), abs=1e-6)
    assert 3 < by.loc["at_4", "high_50"] < 4
    # CRPS over draws + N(0, 0.01^2) noise: within 0.02 of the noiseless 0.375 and 0.625.
    assert by.loc["at_3", "crps"] == pytest.approx(0.375, abs=0.02)
    assert by.loc["at_4", "crps"] == pytest.approx(crps([1, 2, 3, 4], 4.0), abs=0.02)
    row = summary.iloc[0]
    assert row["scored"] == 2
    assert (row["coverage_50"], row["coverage_80"], row["coverage_95"]) == (0.5, 1.0, 1.0)
    assert row["mean_crps"] == pytest.approx(table["crps"].mean())


def test_report_errors_are_reproducible_and_have_the_observations_sd() -> None:
    x = np.zeros(4000)
    one, two = report_draws(x, 3.0, seed=5, position=0), report_draws(x, 3.0, seed=5, position=0)
    assert np.array_equal(one, two)
    assert not np.array_equal(one, report_draws(x, 3.0, seed=5, position=1))
    # sd of 4000 normal draws: its standard error is 3 / sqrt(2 x 4000) = 0.034; 0.2 is > 5 se.
    assert one.std() == pytest.approx(3.0, abs=0.2)


# -- what may be scored ---------------------------------------------------------------------------
def test_only_observations_after_the_calibration_are_scored() -> None:
    reports = observations(
        ("same_day", "ordinary", "2020-12-28", 30.0, 5.0),
        ("earlier", "ordinary", "2020-06-29", 10.0, 5.0),
        ("later", "ordinary", "2021-06-28", 50.0, 5.0),
    )
    with pytest.raises(ScenarioError) as err:
        check_after(reports, dt.date(2020, 12, 28))
    problems = {p.path: p for p in err.value.problems}
    assert set(problems) == {"observations.same_day.date", "observations.earlier.date"}
    assert (
        "after the calibration's last observation (2020-12-28)"
        in problems["observations.earlier.date"].expected
    )
    assert problems["observations.earlier.date"].given == "2020-06-29"


def test_holding_out_needs_two_dates() -> None:
    early, held = split_last(
        observations(
            ("a", "ordinary", "2020-09-28", 10.0, 5.0), ("b", "ordinary", "2020-12-28", 30.0, 5.0)
        )
    )
    assert early.names == ("a",) and held.names == ("b",)
    with pytest.raises(ScenarioError, match="hold_out_last: expected observations at two dates"):
        split_last(observations(("b", "ordinary", "2020-12-28", 30.0, 5.0)))


# -- a tiny calibration: score, hold-out, set-up files, command line -------------------------------
OBSERVATIONS_TOML = """name = "actuals to date"
[sources]
own = "https://example.org/monthly-report"
[[observations]]
name = "placed_autumn"
metric = "placed"
date = 2020-09-28
value = 60
sd = 8
source = "own"
[[observations]]
name = "ordinary_winter"
metric = "ordinary"
date = 2020-12-28
value = 35
sd = 5
source = "own"
"""
LATER_TOML = """name = "the next report"
[sources]
own = "https://example.org/monthly-report"
[[observations]]
name = "ordinary_summer"
metric = "ordinary"
date = 2021-06-28
value = 55
sd = 6
source = "own"
[[observations]]
name = "paid_summer"
metric = "paid"
date = 2021-06-28
value = 70
about = 0.1
source = "own"
"""


def setup_text(**settings: Any) -> str:
    values = {"population": 15, "generations": 2, "max_simulations": 2000, "draws": 12,
              "engine": '"fast"', **settings}  # fmt: skip
    lines = "\n".join(f"{k} = {v}" for k, v in values.items())
    return f"""schema_version = 1
name = "tiny test set-up"
scenario = "inputs/small.toml"
observations = ["inputs/actuals.toml"]
seed = 4

[priors]
"placement.outcomes.ordinary" = "uniform(0.05, 0.6)"

[settings]
{lines}
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("setup")
    (root / "inputs").mkdir()
    write_toml(raw(SMALL), root / "inputs" / "small.toml")
    (root / "inputs" / "actuals.toml").write_text(OBSERVATIONS_TOML, encoding="utf-8")
    (root / "later.toml").write_text(LATER_TOML, encoding="utf-8")
    (root / "setup.toml").write_text(setup_text(), encoding="utf-8")
    return {"root": root, "setup": root / "setup.toml", "later": root / "later.toml",
            "actuals": root / "inputs" / "actuals.toml", "scenario": root / "inputs" / "small.toml"}  # fmt: skip


@pytest.fixture(scope="module")
def tiny(files: dict[str, Path]) -> Calibration:
    return ls.calibrate_setup(files["setup"], QUIET)


def test_a_setup_file_reproduces_its_calibration_bit_for_bit(
    files: dict[str, Path], tiny: Calibration
) -> None:
    again = ls.calibrate_setup(files["setup"], QUIET)
    assert tiny.posterior.equals(again.posterior)
    assert tiny.predictive_draws.equals(again.predictive_draws)
    # ... and it is exactly the calibration its fields describe.
    direct = calibrate(
        ls.load_scenario(files["scenario"]), files["actuals"], PRIORS, seed=4, **TINY,
        execution=QUIET,
    )  # fmt: skip
    assert direct.posterior.equals(tiny.posterior)
    assert tiny.metadata["setup"]["text"] == files["setup"].read_text(encoding="utf-8")
    assert tiny.metadata["seed"] == 4 and tiny.metadata["population_size"] == 15


def test_score_of_later_reports(files: dict[str, Path], tiny: Calibration) -> None:
    score = tiny.score(files["later"], execution=QUIET)
    assert list(score.table["observation"]) == ["ordinary_summer", "paid_summer"]
    assert len(score.draws) == 12 and score.metadata["last_observation"] == "2020-12-28"
    # The score reads the very runs a forecast describes (same particles, replications).
    forecast = tiny.forecast(["ordinary"], "2021-06-28", execution=QUIET)
    assert np.array_equal(
        score.draws["ordinary_summer"].to_numpy(), forecast.draws["ordinary"].to_numpy()
    )
    draws = score.draws["ordinary_summer"].to_numpy(dtype=float)
    row = score.table.iloc[0]
    assert row["pit"] == pytest.approx(pit(draws, 55.0, 6.0))
    assert row["low_80"] <= row["low_50"] <= row["median"] <= row["high_50"] <= row["high_80"]
    assert score.coverage[0.95] == np.mean(score.table["in_95"])
    assert any(line.startswith("Coverage over 2 observations") for line in score.lines())


def test_score_refuses_reports_from_before_the_calibration_ended(
    files: dict[str, Path], tiny: Calibration
) -> None:
    with pytest.raises(
        ScenarioError, match=r"observations\.ordinary_winter\.date: expected a date"
    ):
        tiny.score(files["actuals"])


def test_saved_calibration_scores_the_same(
    files: dict[str, Path], tiny: Calibration, tmp_path: Path
) -> None:
    tiny.save(tmp_path / "cal")
    loaded = Calibration.load(tmp_path / "cal")
    one = tiny.score(files["later"], execution=QUIET)
    two = loaded.score(files["later"], execution=QUIET)
    assert one.table.equals(two.table)
    one.save(tmp_path / "score")
    assert ls.Score.load(tmp_path / "score").table.equals(one.table)


def test_leave_future_out_scores_the_last_date(files: dict[str, Path], tmp_path: Path) -> None:
    result = ls.calibrate_setup(files["setup"], QUIET.replace(out=tmp_path / "lfo"), holdout=True)
    assert result.observations.names == ("placed_autumn",)
    assert result.holdout is not None
    assert list(result.holdout.table["observation"]) == ["ordinary_winter"]
    assert result.metadata["holdout"] == {"date": "2020-12-28", "observations": ["ordinary_winter"]}
    loaded = Calibration.load(tmp_path / "lfo")
    assert loaded.holdout is not None and loaded.holdout.table.equals(result.holdout.table)


# -- set-up files: errors and the shipped set-ups ---------------------------------------------------
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"population": '"200"'}, "settings.population: expected a valid integer; got '200'"),
        ({"generations": 0}, "settings.generations: expected greater than or equal to 1; got 0"),
        ({"engine": '"turbo"'}, "settings.engine: expected 'auto', 'fast' or 'des'; got 'turbo'"),
        ({"workers": 2}, "settings.workers: expected no such field (unknown key)"),
        ({"hold_out_last": '"yes"'}, "settings.hold_out_last: expected a valid boolean"),
    ],
)
def test_bad_settings_are_one_line_naming_the_field(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    path = tmp_path / "setup.toml"
    path.write_text(setup_text(**change), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_setup(path)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_a_missing_setting_or_file_is_named(files: dict[str, Path]) -> None:
    text = setup_text().replace("draws = 12\n", "")
    data = tomllib.loads(text)
    with pytest.raises(ScenarioError, match=r"settings\.draws: expected a value .*; got nothing"):
        parse_setup(data, files["root"])
    with pytest.raises(ScenarioError, match="scenario: expected an existing scenario file"):
        parse_setup({**data, "settings": {**data["settings"], "draws": 3}}, files["root"] / "x")
    with pytest.raises(ScenarioError, match="seed: expected greater than or equal to 0; got -1"):
        parse_setup({**data, "seed": -1}, files["root"])


def test_a_prior_the_scenario_cannot_take_is_named(files: dict[str, Path]) -> None:
    path = files["root"] / "bad_prior.toml"
    path.write_text(setup_text().replace('"uniform(0.05, 0.6)"', '"beta(1, 2)"'), encoding="utf-8")
    with pytest.raises(
        ScenarioError, match=r"parameters\.placement\.outcomes\.ordinary: expected a prior"
    ):
        load_setup(path).inputs()


@pytest.mark.parametrize("path", SETUPS, ids=lambda p: p.stem)
def test_shipped_setups_are_valid_and_cite_their_sources(path: Path) -> None:
    setup = load_setup(path)
    scenario, reports = setup.inputs()
    assert setup.seed >= 0 and setup.population >= 100
    for o in reports:
        ref = reports.source_url(o)
        assert ref.startswith(("https://", "http://")) or ref.endswith(".txt"), (o.name, ref)
        assert o.note or o.wording, o.name  # how the value was read
    assert scenario.name


def test_the_lolland_falster_setup_is_the_readme_calibration() -> None:
    setup = load_setup(ROOT / "scenarios" / "calibration" / "lolland_falster_midterm.toml")
    assert setup.priors == {
        "intake.rate_per_week": "uniform(4, 11)",
        "companies.recruitment_per_week": "uniform(2, 6)",
        "placement.outcomes.ordinary": "uniform(0.01, 0.3)",
        "placement.outcomes.reduced": "uniform(0.01, 0.3)",
        "placement.hybrid_share": "uniform(0.01, 0.5)",
    }
    assert (setup.seed, setup.population, setup.generations) == (20180101, 200, 8)
    assert setup.observations == (
        ROOT / "scenarios" / "calibration" / ".." / "observations" / "lolland_falster_midterm.toml",
    )


# -- command line ---------------------------------------------------------------------------------
def test_cli_calibrate_a_setup_then_score(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "cal"
    done = run_cli("calibrate", str(files["setup"]), "--out", str(out), "--workers", "1", "-q")
    assert done.returncode == 0, done.stderr
    assert "placement.outcomes.ordinary" in done.stdout and "predictive check" in done.stdout
    assert Calibration.load(out).metadata["setup"]["name"] == "tiny test set-up"
    scored = run_cli("score", str(out), str(files["later"]), "--workers", "1", "-q",
                     "--out", str(tmp_path / "score"))  # fmt: skip
    assert scored.returncode == 0, scored.stderr
    assert "ordinary_summer" in scored.stdout and "Coverage over 2 observations" in scored.stdout
    assert (tmp_path / "score" / "score.parquet").is_file()
    early = run_cli("score", str(out), str(files["actuals"]), "--workers", "1", "-q")
    assert early.returncode == 2
    assert early.stderr.startswith("labour-sim: 2 problems in ")
    assert early.stderr.count("after the calibration's last observation (2020-12-28)") == 2
    assert "Traceback" not in early.stderr


def test_cli_hold_out_last(files: dict[str, Path], tmp_path: Path) -> None:
    done = run_cli("calibrate", str(files["setup"]), "--out", str(tmp_path / "lfo"),
                   "--hold-out-last", "--workers", "1", "-q")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Leave-future-out" in done.stdout and "ordinary_winter" in done.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--population", "5"], "--population: expected no such option with a set-up file"),
        (["--seed", "3"], "--seed: expected no such option with a set-up file"),
        (["--param", "staff.mentors=uniform(1, 2)"], "--param: expected no such option"),
        (["--engine", "des"], "--engine: expected the set-up's engine (fast) or none"),
    ],
)
def test_cli_setup_options_that_would_change_it_are_refused(
    files: dict[str, Path], tmp_path: Path, extra: list[str], message: str
) -> None:
    done = run_cli("calibrate", str(files["setup"]), "--out", str(tmp_path), *extra)
    assert done.returncode == 2
    assert done.stderr.startswith(f"labour-sim: {message}"), done.stderr
    assert done.stderr.count("\n") == 1


def test_cli_bad_setup_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "setup.toml"
    path.write_text(setup_text(population=-3), encoding="utf-8")
    done = run_cli("calibrate", str(path))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "settings.population: expected greater than or equal to 1; got -3" in done.stderr


def test_cli_without_a_setup_still_needs_out_and_params(files: dict[str, Path]) -> None:
    done = run_cli("calibrate", str(files["scenario"]), str(files["actuals"]),
                   "--param", "placement.outcomes.ordinary=uniform(0.05, 0.6)")  # fmt: skip
    assert done.returncode == 2 and "--out: expected a folder for the result" in done.stderr


def test_observation_sources_may_be_seed_articles() -> None:
    item = {"name": "a", "metric": "reduced", "date": dt.date(2020, 6, 1), "value": 9.0,
            "sd": 1.0, "source": "s"}  # fmt: skip
    data = {"name": "seed", "sources": {"s": "002_0f266b185c5d1dfd.txt"}, "observations": [item]}
    reports = parse_observations(data)
    assert reports.source_url(reports.items[0]) == "002_0f266b185c5d1dfd.txt"


def test_several_observation_files_combine_and_clashes_are_named() -> None:
    first = observations(("a", "ordinary", "2020-09-28", 10.0, 5.0))
    second = observations(("b", "paid", "2020-12-28", 30.0, 5.0))
    both = combine_observations([first, second])
    assert both.names == ("a", "b") and both.last_date == dt.date(2020, 12, 28)
    with pytest.raises(ScenarioError, match=r"observations\.a: expected a name not used"):
        combine_observations([first, first])


def test_calibration_and_forecast_describe_themselves_in_short(
    tiny: Calibration, files: dict[str, Path]
) -> None:
    text = repr(tiny)
    assert len(text.splitlines()) <= 15 and "DataFrame" not in text, text
    assert text.startswith(f"Calibration: {tiny.scenario.name} to {tiny.observations.name}")
    assert "placement.outcomes.ordinary" in text and "90 % credible interval" in text
    assert "<table>" in tiny._repr_html_()
    forecast = tiny.forecast(["ordinary"], "2021-06-28", draws=8, execution=QUIET)
    text = repr(forecast)
    assert text.startswith("Forecast by 2021-06-28: 8 posterior draws") and len(text) < 1_500
    assert forecast.table["label"].iloc[0] in text
    assert "<table>" in forecast._repr_html_()
    score = tiny.score(files["later"], draws=8, execution=QUIET)
    text = repr(score)
    assert text.startswith("Score:\n  Score of the calibration") and "ordinary_summer" in text
    assert "<pre>" in score._repr_html_() and "DataFrame" not in text
