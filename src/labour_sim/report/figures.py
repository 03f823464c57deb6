"""The report's figures: :mod:`labour_sim.plots` embedded as SVG data URIs, with alt text.

Each function draws one plot and returns it as an HTML ``<figure>``: the image (a ``data:``
URI, so the page stays one file), alt text that says what the plot shows with its key
numbers (for screen readers and when images are off), and a caption.
"""

from __future__ import annotations

import pandas as pd

from .. import plots
from ..experiments import Results
from ..levers import Sensitivity
from ..metrics import METRIC_LABELS, funnel_steps
from ..scenario import Scenario, lever_name
from ..stats import percent
from .html import Html, figure_html

__all__ = ["capacity", "costs", "distribution", "fan", "funnel", "levers"]


def funnel(results: Results, scenario: Scenario) -> Html:
    """The pathway funnel at the end of the period: citizens ever at each step."""
    table = results.replications
    steps = [column for column, _ in funnel_steps(table)]
    medians = ", ".join(f"{METRIC_LABELS[m]} {table[m].median():,.0f}" for m in steps)
    if "ordinary" in table:
        medians += f" (of those hired, on ordinary hours {table['ordinary'].median():,.0f})"
    alt = f"Bar chart of the pathway by {scenario.period.end} (median over runs): {medians}."
    caption = (
        "The pathway funnel: distinct citizens who reached each step by the end of the "
        "programme (bar: mean; whisker: 80 % of runs; inner bar: those hired on ordinary "
        "hours), with the targets marked. No bar exceeds the one above it, but the hired "
        "include citizens who found work without a placement (business as usual)."
    )
    return figure_html(plots.funnel(results), alt, caption)


def capacity(results: Results) -> Html:
    """Queues, slots and utilisation over time."""
    alt = (
        "Three panels over time: citizens waiting in each queue, company slots in use "
        "against slots available, and the share of each capacity in use."
    )
    caption = (
        "Where people wait: queues (median and 80 % band), company slots in use against "
        "available, and utilisation of slots and staff, week by week."
    )
    return figure_html(plots.capacity_over_time(results), alt, caption)


def fan(results: Results, row: pd.Series | None) -> Html:
    """A target's count over time (or citizens on ordinary hours when there is no target)."""
    if row is None:
        fig = plots.fan_chart(results, metric="ordinary")
        return figure_html(
            fig,
            "Fan chart of citizens ever employed on ordinary hours over time.",
            "Citizens ever employed on ordinary hours over time: median and 50/80/90 % bands.",
        )
    label = METRIC_LABELS.get(str(row["metric"]), str(row["metric"]))
    alt = (
        f"Fan chart of {label} over time, median reaching {row['median']:,.0f} by "
        f"{row['date']} (80 % interval {row['p10']:,.0f} to {row['p90']:,.0f}) against the "
        f"target of {row['threshold']:,.0f}."
    )
    caption = (
        f"{label[0].upper()}{label[1:]} over time: median run, mean and the bands within "
        f"which 50, 80 and 90 % of runs fall; the target {row['threshold']:,.0f} by "
        f"{row['date']} is marked."
    )
    return figure_html(plots.fan_chart(results, target=str(row["target"])), alt, caption)


def distribution(results: Results, row: pd.Series) -> Html:
    """A target's outcome over the runs, against the threshold."""
    label = METRIC_LABELS.get(str(row["metric"]), str(row["metric"]))
    alt = (
        f"Histogram over runs of {label} by {row['date']}: median {row['median']:,.0f}, "
        f"target {row['threshold']:,.0f}, reached in {percent(row['probability'])} of runs."
    )
    caption = (
        f"How the runs end: {label} by {row['date']}, one count per run, with the target "
        f"{row['threshold']:,.0f} marked."
    )
    return figure_html(plots.outcome_distribution(results, str(row["target"])), alt, caption)


def costs(results: Results) -> Html:
    """Programme cost items against the grant, and the public purse."""
    row = results.cost("cost:programme")
    alt = (
        f"Bar charts of costs in DKK: programme cost items (total mean {row['mean']:,.0f} DKK) "
        "against the grant, and public cost, benefits saved and net public cost."
    )
    caption = (
        "Left: programme cost by item and in total against the grant (bar: mean; whisker: "
        "80 % of runs). Right: public cost, benefits saved and net public cost."
    )
    return figure_html(plots.cost_breakdown(results), alt, caption)


def levers(result: Sensitivity, outcome: str, words: str) -> Html:
    """The tornado of one outcome: levers by the size of their swing."""
    rows = result.table[result.table["outcome"] == outcome].sort_values("rank")
    top = ", ".join(
        f"{lever_name(str(r['lever']))} (swing {r['swing']:+,.0f})"
        for _, r in rows.head(3).iterrows()
    )
    alt = f"Tornado chart of {words}: levers ranked by swing; the largest are {top}."
    caption = (
        f"{words[0].upper()}{words[1:]}: bars from the scenario's value to the outcome with "
        "each lever at the low and at the high end of its range, the others at the scenario's "
        "values; largest swing on top."
    )
    return figure_html(plots.tornado(result, outcome), alt, caption)
