"""Plots: every function draws real results into a Figure with titles, units and targets.

One small run of each kind is shared by the whole module (Lolland-Falster with a few
replications; small factory scenarios for levers and calibration), so the file runs in
about 20 seconds. Figures are checked through their artists: the title, axis labels that
name a unit, the target line at the target's value, the probability written on the plot.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
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
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import labour_sim as ls
from factory import build, q, target
from labour_sim import Execution, plots
from labour_sim.calibration import Calibration, calibrate, parse_observations
from labour_sim.metrics import FUNNEL, FUNNEL_PART, funnel_steps
from labour_sim.model.states import State
from labour_sim.plots.levers import SOBOL_MARGIN
from labour_sim.replication.summary import (
    CAPACITY_SERIES,
    in_use,
    weekly_capacity,
)
from labour_sim.scenario import lever_name

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
def comparison(scenario: ls.Scenario) -> ls.Comparison:
    more = scenario.with_changes({"staff.mentors": 40, "placement.mentor_multiplier": 1.5})
    return ls.compare(scenario, more, replications=10, seed=1, execution=QUIET)


@pytest.fixture(scope="module")
def answer() -> ls.GoalAnswer:
    return ls.what_would_it_take(
        slots_scenario(), "placed_100", 0.8, {SLOTS: (1, 12, 100_000)}, replications=10,
        seed=5, frontier=(0.5, 0.8, 0.95), execution=QUIET,
    )  # fmt: skip


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


def fig_legend_labels(fig: Any) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


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
    assert lines(ax, "target: 850 placed in a company by 2021-12-31")
    (ax,) = plots.fan_chart(results, metric="companies_joined").axes
    assert "companies" in ax.get_ylabel() and lines(ax, "target: 400 companies that ever")


def test_outcome_distribution_writes_the_probability(results: ls.Results) -> None:
    fig = plots.outcome_distribution(results, "ordinary_550")
    (ax,) = check_labels(fig)
    assert ax.get_ylabel() == "replications" and "citizens" in ax.get_xlabel()
    (line,) = lines(ax, "target: 550")
    assert is_vertical_at(line, 550)
    row = results.target("ordinary_550")
    words = ls.stats.probability_words(row["probability"], row["ci_low"], row["ci_high"])
    assert words in ax.get_title()
    heights = sum(p.get_height() for p in ax.patches if p.get_label() != "80 % interval")
    assert heights == results.n


def test_funnel_is_nested_and_marks_the_targets(results: ls.Results) -> None:
    fig = plots.funnel(results)
    (ax,) = check_labels(fig)
    steps = funnel_steps(results.replications)
    assert [c for c, _ in steps] == [c for c, _ in FUNNEL]  # all nest in Lolland-Falster
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert [t.split("\n")[0] for t in ticks] == [label for _, label in steps]
    table = results.replications
    widths = [p.get_width() for p in ax.patches]
    assert widths[: len(steps)] == pytest.approx([table[c].mean() for c, _ in steps])
    assert widths[len(steps)] == pytest.approx(table["ordinary"].mean())  # the inner bar
    assert all(a >= b for a, b in itertools.pairwise(widths[: len(steps)]))
    assert is_vertical_at(lines(ax, "target: 850 placed in a company")[0], 850)
    assert is_vertical_at(lines(ax, "target: 550 employed on ordinary hours")[0], 550)
    assert "2021-12-31" in ax.get_xlabel()


def test_funnel_steps_nest_in_every_replication(results: ls.Results) -> None:
    """Each step is a subset of the one above: its count is at most its parent's, every run."""
    table = results.replications
    chain = [c for c, _ in FUNNEL]
    for parent, child in itertools.pairwise(chain):
        assert (table[child] <= table[parent]).all(), (child, parent)
    part, _, parent = FUNNEL_PART
    assert (table[part] <= table[parent]).all()
    assert (table["employed_26w"] > table["ordinary"]).any()  # why ordinary is not a step


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


def test_paired_comparison_against_no_difference(comparison: ls.Comparison) -> None:
    fig = plots.paired_comparison(comparison, labels=("baseline", "40 mentors"))
    counts, money = check_labels(fig)
    assert "citizens" in counts.get_xlabel() and "DKK" in money.get_xlabel()
    assert "40 mentors" in fig.get_suptitle()
    for ax in (counts, money):
        assert is_vertical_at(lines(ax, "no difference")[0], 0)
    ticks = [t.get_text().replace("\n", " ") for t in counts.get_yticklabels()]
    attached = "ever attached to the labour market (ordinary work, flexjob or education)"
    assert attached in ticks  # wrapped, not cut
    (points,) = lines(counts, "mean difference")
    row = comparison.difference("employed_26w")
    assert row["difference"] in np.asarray(points.get_xdata())


# -- levers ------------------------------------------------------------------------------------
def test_tornado_swings_around_the_scenario(sensitivities: dict[str, ls.Sensitivity]) -> None:
    result = sensitivities["tornado"]
    fig = plots.tornado(result)
    (ax,) = check_labels(fig)
    assert "(%)" in ax.get_xlabel()
    assert "probability of reaching 100 placed in a company by 2021-06-28" in ax.get_title()
    rows = result.table[result.table["outcome"] == "placed_100"]
    (base,) = lines(ax, "scenario's values")
    assert is_vertical_at(base, 100 * rows["at_baseline"].iloc[0])
    top = max(ax.get_yticklabels(), key=lambda t: t.get_position()[1])
    assert top.get_text().startswith("citizens a company hosts at a time")  # largest on top
    (ax,) = check_labels(plots.tornado(result.table, "placed"))
    assert "citizens" in ax.get_xlabel()


def test_sobol_and_morris_bars(sensitivities: dict[str, ls.Sensitivity]) -> None:
    (ax,) = check_labels(plots.sobol_bars(sensitivities["sobol"]))  # intervals beyond [0, 1]
    names = [lever_name(path) for path in sensitivities["sobol"].ranking()]
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == names
    assert "0-1" in ax.get_ylabel()
    assert ax.get_ylim() == pytest.approx((-SOBOL_MARGIN, 1 + SOBOL_MARGIN))
    table = sensitivities["sobol"].table
    beyond = table[["S1_low", "S1_high", "ST_low", "ST_high"]].stack()
    assert ((beyond < -SOBOL_MARGIN) | (beyond > 1 + SOBOL_MARGIN)).any()  # few samples
    heights = [p.get_height() for p in ax.patches]  # type: ignore[attr-defined]
    assert all(-SOBOL_MARGIN <= h <= 1 + SOBOL_MARGIN for h in heights)
    whiskers = np.concatenate(
        [
            np.asarray(c.get_segments()).reshape(-1, 2)
            for c in ax.collections
            if isinstance(c, LineCollection)
        ]
    )
    assert whiskers[:, 1].min() >= -SOBOL_MARGIN and whiskers[:, 1].max() <= 1 + SOBOL_MARGIN
    names = [str(h) for h in fig_legend_labels(ax.figure)]
    assert any("cut at the axis" in name for name in names)
    (ax,) = check_labels(plots.morris_bars(sensitivities["morris"]))
    assert "citizens" in ax.get_xlabel() and "Morris" in ax.get_title()
    with pytest.raises(ValueError, match="tornado"):
        plots.tornado(sensitivities["sobol"])


def test_frontier_marks_the_required_probability(answer: ls.GoalAnswer) -> None:
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
    assert (
        "share of referred" in axes[2].get_xlabel().replace("\n", " ")
        and "citizens" in axes[0].get_xlabel()
    )


def test_parameter_marginals_show_prior_and_posterior(calibration: Calibration) -> None:
    fig = plots.parameter_marginals(calibration)
    axes = check_labels(fig)
    names = [ax.get_title().replace("\n", " ").split(" prior ")[0] for ax in axes]
    assert [name.removesuffix(" (not identified)") for name in names] == [
        lever_name(p.path) for p in calibration.parameters
    ]
    for ax in axes:
        assert lines(ax, "prior") and lines(ax, "posterior median")
        assert "prior uniform(" in ax.get_title()
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


# -- legibility: no line through text, no text on text, no internal ids --------------------------
def every_figure(
    results: ls.Results,
    comparison: ls.Comparison,
    sensitivities: dict[str, ls.Sensitivity],
    answer: ls.GoalAnswer,
    calibration: Calibration,
) -> dict[str, Figure]:
    """Each plot function of labour_sim.plots on realistic inputs (some in two variants)."""
    figures = {
        "fan_chart": plots.fan_chart(results),
        "fan_chart ordinary": plots.fan_chart(results, target="ordinary_550"),
        "capacity_over_time": plots.capacity_over_time(results),
        "funnel": plots.funnel(results),
        "cost_breakdown": plots.cost_breakdown(results),
        "paired_comparison": plots.paired_comparison(comparison),
        "tornado": plots.tornado(sensitivities["tornado"]),
        "tornado placed": plots.tornado(sensitivities["tornado"], "placed"),
        "morris_bars": plots.morris_bars(sensitivities["morris"]),
        "sobol_bars": plots.sobol_bars(sensitivities["sobol"]),
        "frontier": plots.frontier(answer),
        "posterior_predictive": plots.posterior_predictive(calibration),
        "parameter_marginals": plots.parameter_marginals(calibration),
    }
    for name in results.targets["target"]:
        figures[f"outcome_distribution {name}"] = plots.outcome_distribution(results, name)
    drawn = {key.split()[0] for key in figures}
    assert drawn == set(plots.__all__) - {"PALETTE"}, "a plot function is not checked"
    return figures


def text_boxes(fig: Figure) -> list[tuple[str, Bbox]]:
    """Display-space boxes of every visible text: titles, labels, texts, legends, ticks."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    suptitle = getattr(fig, "_suptitle", None)
    artists: list[tuple[str, Any]] = [("suptitle", suptitle)] if suptitle else []
    artists += [(f"legend {i}", legend) for i, legend in enumerate(fig.legends)]
    artists += [(f"figure text {t.get_text()!r}", t) for t in fig.texts if t is not suptitle]
    for ax in fig.axes:
        if not ax.axison:
            continue
        titles = (ax.title, getattr(ax, "_left_title", None), getattr(ax, "_right_title", None))
        artists += [(f"title {t.get_text()!r}", t) for t in titles if t is not None]
        artists += [(f"xlabel {ax.get_xlabel()!r}", ax.xaxis.label)]
        artists += [(f"ylabel {ax.get_ylabel()!r}", ax.yaxis.label)]
        artists += [(f"text {t.get_text()!r}", t) for t in ax.texts]
        if ax.get_legend() is not None:
            artists.append(("axes legend", ax.get_legend()))
        for axis in (ax.xaxis, ax.yaxis):
            artists += [(f"tick {t.get_text()!r}", t) for t in drawn_ticks(axis, axis is ax.yaxis)]
    boxes = []
    for name, artist in artists:
        if not artist.get_visible() or (hasattr(artist, "get_text") and not artist.get_text()):
            continue
        boxes.append((name, artist.get_window_extent(renderer)))
    return boxes


def drawn_ticks(axis: Any, vertical: bool) -> list[Text]:
    """The tick labels an axis draws: visible, within its view interval."""
    low, high = sorted(axis.get_view_interval())
    out = []
    for tick in axis.get_major_ticks():
        label = tick.label1
        where = float(axis.convert_units(label.get_position()[int(vertical)]))
        if label.get_visible() and low - 1e-9 <= where <= high + 1e-9:
            out.append(label)
    return out


def line_segments(ax: Axes) -> list[tuple[str, np.ndarray]]:
    """Each drawn line of ``ax`` as display-space vertices (lines, vlines, error bars)."""
    out = []
    for line in ax.get_lines():
        if line.get_visible() and line.get_linestyle() not in ("None", "none", " ", ""):
            path = line.get_transform().transform_path(line.get_path())
            out.append((str(line.get_label()), np.asarray(path.vertices, dtype=float)))
    for coll in ax.collections:
        if isinstance(coll, LineCollection) and coll.get_visible():
            for path in coll.get_paths():
                vertices = coll.get_transform().transform_path(path).vertices
                out.append((f"collection {coll.get_label()}", np.asarray(vertices, dtype=float)))
    return out


def segment_hits_box(p: np.ndarray, q: np.ndarray, box: Bbox) -> bool:
    """Whether the segment p-q passes through the inside of ``box`` (Liang-Barsky)."""
    t0, t1 = 0.0, 1.0
    d = q - p
    for delta, low, high, start in ((d[0], box.x0, box.x1, p[0]), (d[1], box.y0, box.y1, p[1])):
        if abs(delta) < 1e-12:
            if not low < start < high:
                return False
            continue
        a, b = (low - start) / delta, (high - start) / delta
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
        if t0 >= t1:
            return False
    return True


def clip(p: np.ndarray, q: np.ndarray, box: Bbox) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of segment p-q inside ``box`` (the axes clip what lies outside it)."""
    t0, t1 = 0.0, 1.0
    d = q - p
    for delta, low, high, start in ((d[0], box.x0, box.x1, p[0]), (d[1], box.y0, box.y1, p[1])):
        if abs(delta) < 1e-12:
            if not low - 0.5 <= start <= high + 0.5:
                return None
            continue
        a, b = (low - start) / delta, (high - start) / delta
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
        if t0 > t1:
            return None
    return p + t0 * d, p + t1 * d


def legibility_problems(fig: Figure) -> list[str]:
    """Lines through text boxes, and text boxes on each other, in display space."""
    boxes = text_boxes(fig)
    problems = []
    for ax in fig.axes:
        window = ax.get_window_extent()
        near = [(name, box) for name, box in boxes if box.overlaps(window)]
        if not near:
            continue  # lines are clipped to the axes: no text box there, nothing to cross
        for label, vertices in line_segments(ax):
            finite = vertices[np.isfinite(vertices).all(axis=1)]
            for start, end in itertools.pairwise(finite):
                part = clip(start, end, window)
                if part is None:
                    continue
                for name, box in near:
                    if segment_hits_box(*part, box.expanded(1.0, 1.0).shrunk(1.0, 1.0)):
                        problems.append(f"line {label!r} crosses {name}")
    page = fig.bbox.expanded(1.0, 1.0)
    for name, box in boxes:
        if not (page.containsx(box.x0) and page.containsx(box.x1) and page.containsy(box.y0)
                and page.containsy(box.y1)):  # fmt: skip
            problems.append(f"{name} is cut at the figure's edge")
    shrink = 1.0  # a pixel of tolerance: boxes that only touch do not overlap
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            inner_a = Bbox.from_extents(box_a.x0 + shrink, box_a.y0 + shrink,
                                        box_a.x1 - shrink, box_a.y1 - shrink)  # fmt: skip
            if inner_a.overlaps(box_b) and Bbox.intersection(inner_a, box_b) is not None:
                problems.append(f"{a} overlaps {b}")
    return sorted(set(problems))


def all_texts(fig: Figure) -> list[str]:
    """Every visible text of a drawn figure (tick labels, legend entries included)."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


#: Internal ids a reader must not see: dotted lever paths, target: columns, target names.
INTERNAL = re.compile(r"\w+\.\w+\.\w+|target:\S|[a-z]_\d+|\b[a-z]+\.[a-z]+_[a-z_]+\b")


def test_every_figure_is_legible(
    results: ls.Results,
    comparison: ls.Comparison,
    sensitivities: dict[str, ls.Sensitivity],
    answer: ls.GoalAnswer,
    calibration: Calibration,
) -> None:
    figures = every_figure(results, comparison, sensitivities, answer, calibration)
    problems = {name: legibility_problems(fig) for name, fig in figures.items()}  # draws them
    found = {name: found for name, found in problems.items() if found}
    assert found == {}, "\n".join(f"{name}: {p}" for name, ps in found.items() for p in ps)
    paths = {SLOTS, PREP, *(p.path for p in calibration.parameters)}
    for name, fig in figures.items():
        for text in all_texts(fig):
            assert not INTERNAL.search(text), f"{name}: internal id in {text!r}"
            assert not any(path in text for path in paths), f"{name}: lever path in {text!r}"
            assert "(s)" not in text, f"{name}: {text!r}"


def test_the_legibility_check_finds_lines_through_text_and_text_on_text() -> None:
    """The check itself: a target line through a text box, and two boxes on each other."""
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.text(4, 0.5, "a box the target crosses", ha="center")
    ax.axvline(4, label="target")
    ax.text(1, 0.9, "one text")
    ax.text(1.2, 0.9, "on another")
    found = legibility_problems(fig)
    assert any("line 'target' crosses text 'a box the target crosses'" in p for p in found)
    assert any("'one text' overlaps" in p for p in found)
    fig2 = Figure(figsize=(4, 3))
    ax2 = fig2.add_subplot()
    ax2.axvline(0.5, label="target")
    ax2.set_title("clear of the line")
    assert legibility_problems(fig2) == []


def test_lever_names_come_from_the_schema(scenario: ls.Scenario) -> None:
    assert lever_name(SLOTS) == "citizens a company hosts at a time"
    assert lever_name("placement.outcomes.ordinary") == (
        "how a placement ends: hired on ordinary hours"
    )
    assert lever_name("groups.jobparat.share").startswith("group jobparat: share")
    assert lever_name("costs.no_such_thing") == "costs: no such thing"  # the fallback
    for path in scenario.levers()["path"]:
        if not path.startswith(("targets.", "conditions.")):
            assert "_" not in lever_name(path).replace("max_companies", ""), path
