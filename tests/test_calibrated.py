"""Calibrated answers: the calibrated scenario file, posterior predictive runs, report, CLI, table.

A hand-made posterior (five particles of one parameter with known weights) over a small
scenario stands in for an ABC run, so these tests check what is done with a posterior, in
seconds; the ABC-SMC itself is tested in test_calibration.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from factory import BUSINESS, build, q, raw, run_cli, target, write_toml
from labour_sim import Execution, business_case, load_scenario, run_experiment, run_replication
from labour_sim.calibration import Calibration, parse_observations
from labour_sim.calibration.forecast import Reading, run_draws
from labour_sim.calibration.priors import parse_parameters
from labour_sim.errors import ScenarioError
from labour_sim.experiments.posterior import particle_draws
from labour_sim.programmes import programme_table, programmes_markdown
from labour_sim.report import render_report

SMALL = {
    "intake.monthly_counts": q([12.0] * 12),
    "companies.max_companies": q(80),
    "companies.initial": q(5),
    "targets": [target("ordinary_30", "ordinary", 30)],
}
PATH = "placement.outcomes.ordinary"
PARTICLES = [0.1, 0.2, 0.3, 0.4, 0.5]
WEIGHTS = [0.1, 0.1, 0.5, 0.2, 0.1]
SEED = 7
QUIET = Execution(workers=1, progress=False, chunk_size=4)
OBSERVATIONS = {
    "name": "monthly report",
    "sources": {"own": "https://example.org/monthly-report"},
    "observations": [
        {"name": "ordinary", "metric": "ordinary", "date": dt.date(2020, 12, 28), "value": 30.0,
         "sd": 5.0, "source": "own"},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def calibration(tmp_path_factory: pytest.TempPathFactory) -> tuple[Calibration, Path]:
    """A calibration with a known posterior, its predictive draws run as calibrate runs them."""
    scenario = build(SMALL)
    observations = parse_observations(OBSERVATIONS)
    parameters = parse_parameters(scenario, {PATH: "uniform(0.05, 0.6)"})
    posterior = pd.DataFrame({PATH: PARTICLES, "weight": WEIGHTS})
    index = particle_draws(np.array(WEIGHTS), 6, SEED)
    values = np.array(PARTICLES)[index][:, None]
    draws = run_draws(scenario, parameters, values, SEED, Reading(None, (), observations, False))
    draws.insert(1, "particle", index)
    generations = pd.DataFrame(
        {"t": [0], "temperature": [1.0], "accepted": [5], "evaluations": [5],
         "simulations_run": [5], "seconds": [0.0]}
    )  # fmt: skip
    meta = {"seed": SEED, "setup": {"name": "small set-up", "file": None, "text": None}}
    result = Calibration(scenario, observations, parameters, posterior, generations, draws, meta)
    folder = tmp_path_factory.mktemp("calibrated") / "cal"
    result.save(folder)
    return result, folder


def test_calibrated_scenario_file_holds_the_posterior_medians_labelled_as_estimates(
    calibration: tuple[Calibration, Path],
) -> None:
    result, folder = calibration
    loaded = load_scenario(folder / "calibrated_scenario.toml")
    ordinary = loaded.placement.outcomes.ordinary
    # weighted median by the midpoint rule: cdf midpoints 0.45 at 0.3 and 0.80 at 0.4
    assert ordinary.value == pytest.approx(0.3 + 0.1 * (0.5 - 0.45) / (0.80 - 0.45))
    assert ordinary.value == pytest.approx(result.point_estimate[PATH])
    assert ordinary.source is None and ordinary.assumption is not None
    for words in ("estimate", "small set-up", "monthly report", "2020-12-28",
                  "90 % credible interval"):  # fmt: skip
        assert words in ordinary.assumption
    assert ordinary.range == pytest.approx(result.credible_interval(PATH))
    assert "before calibration 0.3" in (ordinary.note or "")
    assert loaded.hash == result.calibrated.hash  # every other number as it was
    assert loaded.hash != result.scenario.hash
    table = pd.read_csv(folder / "posterior.csv")
    assert list(table.columns) == [PATH, "weight"] and table[PATH].tolist() == PARTICLES
    assert Calibration.load(folder).posterior.equals(result.posterior)


def test_each_replication_runs_at_its_own_posterior_draw_whatever_the_workers(
    calibration: tuple[Calibration, Path],
) -> None:
    result, _ = calibration
    scenario = result.scenario
    one = run_experiment(scenario, 12, SEED, calibration=result, execution=QUIET)
    two = run_experiment(scenario, 12, SEED, calibration=result, execution=QUIET.replace(workers=2))
    pd.testing.assert_frame_equal(one.replications, two.replications)
    rows = one.replications
    expected = particle_draws(np.array(WEIGHTS), 12, SEED)
    assert rows["particle"].tolist() == expected.tolist()
    assert rows[f"parameter:{PATH}"].tolist() == [PARTICLES[i] for i in expected]
    assert len(set(rows["particle"])) > 1
    # replication 5 is the scenario at its particle, with its drift of hiring, and no other,
    # continuing that particle's accepted run (the calibration's seed)
    draws = result.posterior_draws()
    draw = draws.changes(scenario, SEED, 5, 6)[0]
    (run,) = draws.replications(SEED, 5, 6)
    assert run == draws.runs[draws.particles(6, SEED)[5]]  # type: ignore[index]
    alone = run_replication(scenario.with_changes(draw), SEED, run)
    assert rows.loc[5, "ordinary"] == alone.outcome("ordinary", scenario.period.end)
    assert (rows["scenario_hash"] == scenario.hash).all()
    # on the calibration's seed, replication r is the calibration's forecast draw r
    forecast = result.forecast("ordinary", draws=12, execution=QUIET)
    assert rows["ordinary"].tolist() == forecast.draws["ordinary"].tolist()
    assert rows["particle"].tolist() == forecast.draws["particle"].tolist()
    # the first 8 rows do not depend on how many replications were run
    eight = run_experiment(scenario, 8, SEED, calibration=result, execution=QUIET)
    pd.testing.assert_frame_equal(eight.replications, rows.iloc[:8])
    meta = one.metadata["calibration"]
    assert meta["label"] == "small set-up" and meta["observation_dates"] == ["2020-12-28"]
    assert meta["drift_from"] == "2020-12-28" and "parameter uncertainty" in one.basis()
    assert one.basis().startswith("calibrated to monthly report")
    plain = run_experiment(scenario, 4, SEED, execution=QUIET)
    assert plain.metadata["calibration"] is None and plain.basis().startswith("uncalibrated")
    assert "particle" not in plain.replications


def test_report_first_screen_says_what_it_was_calibrated_to(
    calibration: tuple[Calibration, Path],
) -> None:
    """The uncalibrated report's first screen is checked in test_report.py."""
    result, _ = calibration
    results = run_experiment(result.scenario, 4, SEED, calibration=result, execution=QUIET)
    page = render_report(result.scenario, results)
    first = page[: page.index('class="toc"')]
    assert "<strong>Calibrated.</strong>" in first and "Uncalibrated" not in first
    assert "small set-up" in first and "monthly report" in first and "2020-12-28" in first
    assert "parameter uncertainty" in first and "future conditions" in first
    assert "--calibration" in page  # the command that reruns it


def test_cli_run_with_a_calibration_and_with_a_bad_folder(
    calibration: tuple[Calibration, Path], tmp_path: Path
) -> None:
    _, folder = calibration
    scenario = write_toml(raw(SMALL), tmp_path / "small.toml")
    proc = run_cli("run", str(scenario), "--calibration", str(folder), "-n", "4",
                   "--seed", str(SEED), "--workers", "1", "-q")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "calibrated to monthly report: ordinary, dated 2020-12-28" in proc.stdout
    assert "note:" not in proc.stderr  # the calibration's own scenario
    proc = run_cli("run", str(scenario), "-n", "4", "--workers", "1", "-q")
    assert proc.returncode == 0 and "uncalibrated: the scenario's numbers" in proc.stdout
    proc = run_cli("run", str(scenario), "--calibration", str(tmp_path), "-n", "4", "-q")
    assert proc.returncode == 2
    assert proc.stderr.startswith("labour-sim: ") and "--calibration" in proc.stderr
    assert "calibration.json" in proc.stderr and "Traceback" not in proc.stderr


def test_programme_table_gives_the_calibrated_answer_where_there_is_one(
    calibration: tuple[Calibration, Path], tmp_path: Path
) -> None:
    result, _ = calibration
    small = write_toml(raw(SMALL), tmp_path / "small.toml")
    other = write_toml(raw({**SMALL, "name": "other"}), tmp_path / "other.toml")
    draws = result.posterior_draws()
    table = programme_table([small, other], 4, SEED, execution=QUIET, calibrations=[draws])
    by_file = table.set_index("file")
    assert bool(by_file.loc["small.toml", "calibrated"])
    assert not bool(by_file.loc["other.toml", "calibrated"])
    markdown = programmes_markdown(table, 4, SEED)
    assert "**calibrated** to monthly report (ordinary; 2020-12-28)" in markdown
    assert "**uncalibrated**" in markdown and "uncalibrated:<br>" in markdown


def test_cli_lever_analyses_run_on_the_calibration(
    calibration: tuple[Calibration, Path], tmp_path: Path
) -> None:
    _, folder = calibration
    scenario = write_toml(raw(SMALL), tmp_path / "small.toml")
    common = ["--calibration", str(folder), "--seed", str(SEED), "--workers", "1", "-q"]
    proc = run_cli("sweep", str(scenario), "--lever", "companies.slots_per_company=1:3", "--levels", "2",
                   "-n", "4", *common)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "calibrated to monthly report: ordinary, dated 2020-12-28" in proc.stdout
    proc = run_cli("budget", str(scenario), "--target", "ordinary_30", "--lever",
                   "companies.slots_per_company", "--low", "1", "--high", "2", "-n", "4", *common)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "On what: calibrated to monthly report" in proc.stdout
    proc = run_cli("sweep", str(scenario), "--lever", f"{PATH}=0.1:0.3", "--levels", "2",
                   "-n", "4", *common)  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert PATH in proc.stderr and "a lever the calibration does not set" in proc.stderr


def test_the_business_case_of_a_calibrated_run_costs_the_same_programmes(
    calibration: tuple[Calibration, Path],
) -> None:
    """A calibrated report's business case runs at the posterior draws its results ran at."""
    result, _ = calibration
    scenario = build({**SMALL, **BUSINESS})  # the calibration's scenario, costed
    results = run_experiment(scenario, 8, SEED, calibration=result, execution=QUIET)
    case = business_case(scenario, 8, SEED, calibration=result, execution=QUIET)
    plain = business_case(scenario, 8, SEED, execution=QUIET)
    effect = results.replications["effect:sustained@savings"]
    assert case.runs["sustained_effect"].tolist() == effect.tolist()
    assert plain.runs["sustained_effect"].tolist() != effect.tolist()
    assert case.calibration is not None and plain.calibration is None
    assert case.calibration["fingerprint"] == results.metadata["calibration"]["fingerprint"]
    assert "each at its own posterior draw of calibration 'small set-up'" in case.lines()[0]
    assert "posterior" not in plain.lines()[0]
    assert "small set-up" in render_report(scenario, results, business=case)
    with pytest.raises(ScenarioError, match="business: expected a business case on the results'"):
        render_report(scenario, results, business=plain)


def test_a_calibrated_report_shows_what_the_calibrated_numbers_ran_at(
    calibration: tuple[Calibration, Path],
) -> None:
    """The appendix and the model description name the posterior draws, not only the file."""
    result, _ = calibration
    results = run_experiment(result.scenario, 12, SEED, calibration=result, execution=QUIET)
    draws = results.replications[f"parameter:{PATH}"]
    mid, low, high = results.calibrated_values()[PATH]
    assert (mid, low, high) == tuple(draws.quantile([0.5, 0.05, 0.95]))
    page = render_report(result.scenario, results)
    appendix = page[page.index('id="assumptions"') :]
    assert f"calibrated: median {mid:.4g} (90 % of replications {low:.4g} to {high:.4g}); " in (
        appendix
    )
    assert "as written 0.3" in appendix and "but for the 1 calibrated:" in appendix
    assert f"medians: {PATH} {mid:.4g}" in appendix  # the model description, further on
    plain = run_experiment(result.scenario, 4, SEED, execution=QUIET)
    assert plain.calibrated_values() == {}
    assert "calibrated: median" not in render_report(result.scenario, plain)
