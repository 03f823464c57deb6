"""Plots: every function draws real results into a Figure with titles, units and targets.

One small run of each kind is shared by the whole module (Lolland-Falster with a few
replications; small factory scenarios for levers and calibration), so the file runs in
about 20 seconds. Figures are checked through their artists: the title, axis labels that
name a unit, the target line at the target's value, the probability written on the plot.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import labour_sim as ls
from factory import build, q, target
from labour_sim import Execution, plots
from labour_sim.calibration import Calibration, calibrate, parse_observations
from labour_sim.model.states import State
from labour_sim.plots.outcomes import FUNNEL
from labour_sim.replication.summary import (
    CAPACITY_SERIES,
    in_use,
    weekly_capacity,
)

ROOT = Path(__file__).resolve().parents[1]
QUIET = Execution(workers=1, progress=False)
LOLLAND = ROOT / "scenarios" / "lolland_falster.toml"
UNITS = ("citizens", "companies", "DKK", "weeks", "%", "date", "slots", "share", "replications",
         "density", "draws", "probability", "x)")  # fmt: skip
SLOTS = "companies.slots_per_company"
PREP = "preparation.support_multiplier"


# -- shared runs -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scenario() -> ls.Scenario:
    return ls.load_scenario(LOLLAND)


@pytest.fixture(scope="module")
def results(scenario: ls.Scenario) -> ls.Results:
    return ls.run_experiment(scenario, replications=20, seed=1, execution=QUIET)


def slots_scenario() -> ls.Scenario:
    """Two companies whose slots limit placements (as in test_levers)."""
    return build(
        {
            "companies.initial": q(2),
            "companies.max_companies": q(2),
            "companies.recruitment_per_week": q(0.0),
            "targets": [target("placed_100", "placed", 100, "2021-06-28")],
        }
    )


@pytest.fixture(scope="module")
def sensitivities() -> dict[str, ls.Sensitivity]:
    s, levers = slots_scenario(), {SLOTS: (1, 6), PREP: (0.5, 1.5)}
    common: dict[str, Any] = {"replications": 10, "execution": QUIET}
    return {
        "tornado": ls.tornado(s, levers, ["placed_100", "placed"], **common),
        "morris": ls.morris(s, levers, "placed", trajectories=3, **common),
        "sobol": ls.sobol(s, levers, "placed", samples=4, **common),
    }


@pytest.fixture(scope="module")
def calibration() -> Calibration:
    small = build(
        {
            "intake.monthly_counts": q([12.0] * 12),
            "companies.max_companies": q(80),
            "companies.initial": q(5),
        }
    )
    when = dt.date(2020, 12, 28)
    items = [
        ("hired", "ordinary", 30.0, 5.0, None),
        ("firms", "companies_joined", 30.0, 5.0, None),
        ("share", "ordinary", 0.2, 0.05, "referred"),
    ]
    data = {
        "name": "test observations",
        "sources": {"eval": "https://example.org/evaluation"},
        "observations": [
            {"name": n, "metric": m, "date": when, "value": v, "sd": sd, "source": "eval"}
            | ({"share_of": of} if of else {})
            for n, m, v, sd, of in items
        ],
    }
    priors = {
        "placement.outcomes.ordinary": "uniform(0.05, 0.6)",
        "companies.recruitment_per_week": "uniform(0.1, 1.5)",
    }
    return calibrate(
        small, parse_observations(data), priors, seed=1, population_size=20, generations=2,
        predictive_draws=20, execution=QUIET,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def no_figures_left() -> Iterator[None]:
    """Plots never register figures with pyplot, nor change its settings."""
    before = dict(matplotlib.rcParams)
    yield
    assert plt.get_fignums() == []
    assert dict(matplotlib.rcParams) == before
    plt.close("all")


# -- helpers -----------------------------------------------------------------------------------
def check_labels(fig: Figure) -> list[Axes]:
    """Every visible axes has labels naming a unit; the figure has a title. Returns them."""
    axes = [ax for ax in fig.axes if ax.axison]
    assert axes
    titles = [ax.get_title() for ax in axes] + [fig.get_suptitle()]
    assert any(t.strip() for t in titles), "no title"
    for ax in axes:
        for label in (ax.get_xlabel(), ax.get_ylabel()):
            if label:
                assert any(u in label for u in UNITS), f"no unit in {label!r}"
        assert ax.get_xlabel() or ax.get_ylabel() or ax.get_yticklabels()
    return axes


def lines(ax: Axes, prefix: str) -> list[Line2D]:
    return [line for line in ax.get_lines() if str(line.get_label()).startswith(prefix)]


def is_vertical_at(line: Line2D, x: float) -> bool:
    xs = np.asarray(line.get_xdata())
    if xs.dtype == object:  # dates
        xs = mdates.date2num(xs)
    return bool(np.allclose(xs.astype(float), x))


def is_horizontal_at(line: Line2D, y: float) -> bool:
    ys = np.asarray(line.get_ydata(), dtype=float)
    return bool(np.allclose(ys, y))


# -- the public API ----------------------------------------------------------------------------
def test_every_plot_is_exported_and_labour_sim_does_not_import_plots() -> None:
    for name in plots.__all__:
        assert hasattr(plots, name), name
    code = "import sys, labour_sim; print('labour_sim.plots' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# -- results -----------------------------------------------------------------------------------
def test_fan_chart_marks_the_target_value_and_date(results: ls.Results) -> None:
    fig = plots.fan_chart(results, target="ordinary_550")
    (ax,) = check_labels(fig)
    assert "ordinary hours" in ax.get_title()
    assert ax.get_xlabel() == "date" and "citizens" in ax.get_ylabel()
    (value,) = lines(ax, "target: 550")
    assert is_horizontal_at(value, 550)
    (date,) = lines(ax, "target date: 2021-12-31")
    assert is_vertical_at(date, mdates.date2num(dt.datetime(2021, 12, 31)))
    (median,) = lines(ax, "median")
    band = results.bands.query("kind == 'metric' and series == 'ordinary'")
    assert np.array_equal(np.asarray(median.get_ydata(), dtype=float), band["q50"].to_numpy())


def test_fan_chart_defaults_to_the_first_target(results: ls.Results) -> None:
    (ax,) = plots.fan_chart(results).axes
    assert "placed" in ax.get_title()
    assert lines(ax, "target: 850 citizens")
    (ax,) = plots.fan_chart(results, metric="companies_joined").axes
    assert "companies" in ax.get_ylabel() and lines(ax, "target: 400 companies")


def test_outcome_distribution_writes_the_probability(results: ls.Results) -> None:
    fig = plots.outcome_distribution(results, "ordinary_550")
    (ax,) = check_labels(fig)
    assert ax.get_ylabel() == "replications" and "citizens" in ax.get_xlabel()
    (line,) = lines(ax, "target: 550")
    assert is_vertical_at(line, 550)
    row = results.target("ordinary_550")
    words = ls.stats.probability_words(row["probability"], row["ci_low"], row["ci_high"])
    assert any(words in text.get_text() for text in ax.texts)
    heights = sum(p.get_height() for p in ax.patches if p.get_label() != "80 % interval")
    assert heights == results.n


def test_funnel_shows_each_step_and_the_targets(results: ls.Results) -> None:
    fig = plots.funnel(results)
    (ax,) = check_labels(fig)
    assert [t.get_text() for t in ax.get_yticklabels()] == [label for _, label in FUNNEL]
    widths = [p.get_width() for p in ax.patches][: len(FUNNEL)]
    table = results.replications
    assert widths == pytest.approx([table[column].mean() for column, _ in FUNNEL])
    assert table["referred"].ge(table["preparation"]).all()
    assert table["preparation"].ge(table["placed"]).all()
    assert is_vertical_at(lines(ax, "target placed_850")[0], 850)
    assert is_vertical_at(lines(ax, "target ordinary_550")[0], 550)
    assert "2021-12-31" in ax.get_xlabel()


def test_capacity_over_time_shows_queues_slots_and_utilisation(results: ls.Results) -> None:
    fig = plots.capacity_over_time(results)
    queues, slots, use = check_labels(fig)
    assert "citizens" in queues.get_ylabel() and "slots" in slots.get_ylabel()
    assert "%" in use.get_ylabel() and use.get_xlabel() == "date"
    assert len(lines(queues, "waiting for")) == 3
    shown = {str(line.get_label()) for line in use.get_lines()}
    assert {"company slots", "caseworker cases", "mentor places", "full (100 %)"} == shown
    for line in lines(use, "c") + lines(use, "m"):
        y = np.asarray(line.get_ydata(), dtype=float)
        assert np.nanmax(y) <= 100 + 1e-9


def test_cost_breakdown_marks_the_grant(results: ls.Results) -> None:
    fig = plots.cost_breakdown(results)
    left, right = check_labels(fig)
    assert "mio DKK" in left.get_xlabel() and "mio DKK" in right.get_xlabel()
    (grant,) = lines(left, "grant")
    assert is_vertical_at(grant, 21.13)
    assert "within the grant" in left.get_title()
    total = left.patches[5]  # items top to bottom, the total last
    assert total.get_width() == pytest.approx(results.cost("cost:programme")["mean"] / 1e6)


def test_paired_comparison_against_no_difference(scenario: ls.Scenario) -> None:
    more = scenario.with_changes({"staff.mentors": 40, "placement.mentor_multiplier": 1.5})
    comparison = ls.compare(scenario, more, replications=10, seed=1, execution=QUIET)
    fig = plots.paired_comparison(comparison, labels=("baseline", "40 mentors"))
    counts, money = check_labels(fig)
    assert "citizens" in counts.get_xlabel() and "DKK" in money.get_xlabel()
    assert "40 mentors" in fig.get_suptitle()
    for ax in (counts, money):
        assert is_vertical_at(lines(ax, "no difference")[0], 0)
    (points,) = lines(counts, "mean difference")
    row = comparison.difference("employed_26w")
    assert row["difference"] in np.asarray(points.get_xdata())


# -- levers ------------------------------------------------------------------------------------
def test_tornado_swings_around_the_scenario(sensitivities: dict[str, ls.Sensitivity]) -> None:
    result = sensitivities["tornado"]
    fig = plots.tornado(result)
    (ax,) = check_labels(fig)
    assert "(%)" in ax.get_xlabel() and "placed_100" in ax.get_title()
    rows = result.table[result.table["outcome"] == "placed_100"]
    (base,) = lines(ax, "scenario's values")
    assert is_vertical_at(base, 100 * rows["at_baseline"].iloc[0])
    top = max(ax.get_yticklabels(), key=lambda t: t.get_position()[1])
    assert top.get_text().startswith(SLOTS)  # the largest swing on top
    (ax,) = check_labels(plots.tornado(result.table, "placed"))
    assert "citizens" in ax.get_xlabel()


def test_sobol_and_morris_bars(sensitivities: dict[str, ls.Sensitivity]) -> None:
    (ax,) = check_labels(plots.sobol_bars(sensitivities["sobol"]))
    assert [t.get_text() for t in ax.get_xticklabels()] == sensitivities["sobol"].ranking()
    assert "0-1" in ax.get_ylabel()
    (ax,) = check_labels(plots.morris_bars(sensitivities["morris"]))
    assert "citizens" in ax.get_xlabel() and "Morris" in ax.get_title()
    with pytest.raises(ValueError, match="tornado"):
        plots.tornado(sensitivities["sobol"])


def test_frontier_marks_the_required_probability() -> None:
    answer = ls.what_would_it_take(
        slots_scenario(), "placed_100", 0.8, {SLOTS: (1, 12, 100_000)}, replications=10,
        seed=5, frontier=(0.5, 0.8, 0.95), execution=QUIET,
    )  # fmt: skip
    (ax,) = check_labels(plots.frontier(answer))
    assert "DKK" in ax.get_ylabel() and "%" in ax.get_xlabel()
    (required,) = lines(ax, "required: 80%")
    assert is_vertical_at(required, 80)
    assert answer.setting is not None
    (star,) = lines(ax, "answer")
    assert np.asarray(star.get_ydata(), dtype=float)[0] == pytest.approx(answer.lever_cost / 1e6)


# -- calibration -------------------------------------------------------------------------------
def test_posterior_predictive_marks_each_observation(calibration: Calibration) -> None:
    fig = plots.posterior_predictive(calibration)
    axes = check_labels(fig)
    check = calibration.predictive_check
    assert len(axes) == len(check)
    for ax, (_, row) in zip(axes, check.iterrows(), strict=True):
        (observed,) = lines(ax, "observed")
        assert is_vertical_at(observed, row["observed"])
        assert row["observation"] in ax.get_title()
    assert "share of referred" in axes[2].get_xlabel() and "citizens" in axes[0].get_xlabel()


def test_parameter_marginals_show_prior_and_posterior(calibration: Calibration) -> None:
    fig = plots.parameter_marginals(calibration)
    axes = check_labels(fig)
    assert [ax.get_title().split(" (")[0] for ax in axes] == [
        p.path for p in calibration.parameters
    ]
    for ax in axes:
        assert lines(ax, "prior uniform(") and lines(ax, "median")
        (before,) = lines(ax, "scenario's value")
    assert is_vertical_at(before, 0.5)  # companies.recruitment_per_week in the factory


# -- what the plots read: weekly capacity and the funnel's preparation step ---------------------
def test_weekly_capacity_agrees_with_state_counts_and_utilisation(scenario: ls.Scenario) -> None:
    result = ls.run_replication(scenario, seed=1, replication=0)
    weekly = dict(zip(CAPACITY_SERIES, weekly_capacity(result).T, strict=True))
    counts = result.state_counts
    slots_held = counts[:, State.MENTOR_WAIT] + counts[:, State.PLACEMENT]
    assert np.array_equal(weekly["capacity:slot_used"], slots_held)
    placement = result.sojourns.state == State.PLACEMENT
    assert np.array_equal(in_use(result, placement), counts[:, State.PLACEMENT])
    assert (weekly["capacity:caseworker_available"] == 10 * 45).all()  # caseworkers x caseload
    assert (weekly["capacity:mentor_used"] <= weekly["capacity:mentor_available"]).all()
    # Weekly snapshots average to the run's continuous-time utilisation (to 1 %-point).
    slot = weekly["capacity:slot_used"].sum() / weekly["capacity:slot_available"].sum()
    assert slot == pytest.approx(result.utilisation("slot"), abs=0.01)
    mentor = weekly["capacity:mentor_used"].mean() / weekly["capacity:mentor_available"][0]
    assert mentor == pytest.approx(result.utilisation("mentor"), abs=0.01)
    started = result.outcome("preparation", scenario.period.end)
    assert result.outcome("placed", scenario.period.end) <= started
    assert started <= result.outcome("referred", scenario.period.end)
