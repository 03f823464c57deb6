"""Outcomes at a date: a target's distribution, the pathway funnel, costs, paired differences.

These read the per-replication table and the targets and costs tables of
:class:`labour_sim.Results`, and the differences of :class:`labour_sim.Comparison`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..experiments import Comparison, Results
from ..metrics import FUNNEL_PART, funnel_steps, metric_at
from ..stats import probability_words
from .common import context, outcome_words, target_label, target_row, target_specs
from .style import (
    BAND,
    PALETTE,
    TARGET,
    legend_outside,
    money_scale,
    new_figure,
    outcome_unit,
    styled,
    target_vline,
    wrap,
)

__all__ = [
    "cost_breakdown",
    "funnel",
    "outcome_distribution",
    "paired_comparison",
]


@styled
def outcome_distribution(results: Results, target: str | None = None) -> Figure:
    """Histogram over replications of a target's outcome at its date, with the target marked.

    Parameters
    ----------
    results : Results
        An experiment's results.
    target : str, optional
        Target name (default: the scenario's first target).

    Returns
    -------
    matplotlib.figure.Figure
        The outcome (citizens or companies) on the x axis, replications on the y axis; a
        vertical line at the target's threshold; the title gives the probability of
        reaching it with its Wilson 95 % interval, and the median with the 80 % interval
        (the legend sits below the axes, where no line crosses it).
    """
    row = target_row(results, target)
    if row is None:
        raise KeyError("the scenario has no targets to plot")
    name, metric = str(row["target"]), str(row["metric"])
    values = results.replications[f"target:{name}"].to_numpy(dtype=float)
    unit = outcome_unit(metric)
    threshold = float(row["threshold"])
    fig, (ax,) = new_figure(size=(8.0, 4.8))
    ax.hist(
        values, bins=_bins(values), color=BAND, alpha=0.8, edgecolor="white", label="replications"
    )
    ax.axvspan(row["p10"], row["p90"], color=BAND, alpha=0.08, label="80 % interval")
    target_vline(ax, threshold, wrap(target_label(row), 60))
    words = probability_words(row["probability"], row["ci_low"], row["ci_high"])
    label = metric_at(metric, row["date"])
    ax.set_title(
        wrap(
            f"{label[0].upper()}{label[1:]}\n"
            f"target reached: {words} (Wilson 95 %); median {row['median']:,.0f} "
            f"(80 % interval {row['p10']:,.0f}-{row['p90']:,.0f})\n{context(results)}",
            70,
        )
    )
    ax.set_xlabel(wrap(f"{label} ({unit})", 80))
    ax.set_ylabel("replications")
    low, high = min(values.min(), threshold), max(values.max(), threshold)
    pad = 0.05 * (high - low) or 1.0
    ax.set_xlim(low - pad, high + pad)
    legend_outside(fig, ax)
    return fig


def _bins(values: np.ndarray) -> list[float] | int:
    """Whole-number bins for counts with a small range, else automatic ones."""
    span = float(values.max() - values.min()) if len(values) else 0.0
    if span <= 60:
        return [float(b) for b in np.arange(values.min() - 0.5, values.max() + 1.5)]
    return min(40, max(10, int(np.sqrt(len(values)) * 2)))


@styled
def funnel(results: Results) -> Figure:
    """The pathway funnel at the end of the programme period, with targets marked.

    Each step counts the distinct citizens who had reached it by the end date, and no bar
    exceeds the one above it in any replication (:func:`funnel_steps`); a step is not a
    subset of the one above: the hired include citizens who found work without a placement
    (business as usual). The steps: referred, started preparation,
    placed, hired, still in paid work 26 weeks after hire. The hired bar holds an inner
    bar for those hired on ordinary hours. Each bar is at the mean over replications with
    a whisker over the 80 % interval; the tick labels give the numbers and the share of
    those referred. Targets on these metrics dated at the end of the period are marked.

    Parameters
    ----------
    results : Results
        An experiment's results.

    Returns
    -------
    matplotlib.figure.Figure
        Citizens on the x axis, one bar per step (first step on top).
    """
    table = results.replications
    steps = funnel_steps(table)
    columns = [column for column, _ in steps]
    values = [table[column].to_numpy(dtype=float) for column in columns]
    means = np.array([v.mean() for v in values])
    low = np.array([np.quantile(v, 0.1) for v in values])
    high = np.array([np.quantile(v, 0.9) for v in values])
    y = np.arange(len(steps))[::-1]
    fig, (ax,) = new_figure(size=(9.0, 1.6 + 0.85 * len(steps)))
    ax.barh(y, means, color=BAND, alpha=0.8, height=0.6, label="mean over replications")
    ax.errorbar(means, y, xerr=[means - low, high - means], fmt="none", ecolor="black",
                capsize=4, linewidth=1.2, label="80 % interval")  # fmt: skip
    referred = means[0] if columns[0] == "referred" and means[0] > 0 else np.nan
    ticks = []
    for i, ((_, label), m, lo, hi) in enumerate(zip(steps, means, low, high, strict=True)):
        share = f"; {m / referred:.0%} of referred" if i and np.isfinite(referred) else ""
        ticks.append(f"{label}\n{m:,.0f} ({lo:,.0f}-{hi:,.0f}){share}")
    rows = dict(zip(columns, y, strict=True))
    part, part_label, parent = FUNNEL_PART
    if part in table and parent in rows:
        inner = table[part].to_numpy(dtype=float)
        yi, m = rows[parent], float(inner.mean())
        ax.barh([yi], [m], color=PALETTE[2], height=0.3, label=f"{part_label} (mean)")
        rows[part] = yi
        lo, hi = np.quantile(inner, [0.1, 0.9])
        ticks[columns.index(parent)] += f"\n{part_label}: {m:,.0f} ({lo:,.0f}-{hi:,.0f})"
    end = _end_date(results)
    marked = 0.0
    for _, row in results.targets.iterrows():
        if row["metric"] in rows and row["date"] == end:
            yi = rows[row["metric"]]
            ax.plot([row["threshold"]] * 2, [yi - 0.4, yi + 0.4], color=TARGET, linestyle="--",
                    linewidth=2.0, label=target_label(row))  # fmt: skip
            marked = max(marked, float(row["threshold"]))
    ax.set_yticks(y, ticks)
    ax.set_xlim(0, max(float(high.max()), marked) * 1.08)
    ax.set_xlabel(f"citizens by {end or 'the end of the programme period'}")
    ax.set_title(f"Pathway funnel: citizens ever at each step\n{context(results)}")
    ax.grid(False, axis="y")
    legend_outside(fig, ax, ncols=2)
    return fig


def _end_date(results: Results) -> str | None:
    """The programme's end date, if a target is dated there (it then has no ``@date`` columns)."""
    for date in results.targets["date"]:
        if not any(c.endswith(f"@{date}") for c in results.replications.columns):
            return str(date)
    return None


#: Cost panels: programme items and the programme total; public cost lines.
_PROGRAMME = ("cost:mentor", "cost:mentor_training", "cost:intake", "cost:company_recruitment",
              "cost:fixed", "cost:programme")  # fmt: skip
_PUBLIC = ("cost:caseworker", "cost:benefits_paid", "cost:wage_subsidy", "cost:flexjob_subsidy",
           "cost:public", "saving:benefits", "cost:net_public")  # fmt: skip


@styled
def cost_breakdown(results: Results) -> Figure:
    """Programme cost by item against the grant, and the public purse (DKK).

    Left: each programme cost item and the total (mean over replications, whisker over the
    80 % interval), with the grant as a vertical line and the probability of staying
    within it. Right: public cost lines, benefits saved and the net public cost.

    Parameters
    ----------
    results : Results
        An experiment's results (its ``costs`` table).

    Returns
    -------
    matplotlib.figure.Figure
    """
    costs = results.costs.set_index("item")
    fig, (left, right) = new_figure(1, 2, size=(11.0, 4.6))
    grant = results.metadata.get("grant_dkk")
    scale, unit = money_scale([*costs.loc[list(_PUBLIC), "p90"], grant or 0.0])
    _cost_bars(left, costs.loc[list(_PROGRAMME)], scale, total="cost:programme")
    if grant:
        target_vline(left, grant / scale, f"grant: {grant / scale:,.1f} {unit}")
        within = results.cost("cost:within_grant")
        words = probability_words(*(float(within[k]) for k in ("mean", "ci_low", "ci_high")))
        legend_outside(fig, left)
        left.set_title(wrap(f"Programme cost (grant-funded)\nwithin the grant: {words}", 50))
    else:
        left.set_title("Programme cost (grant-funded)")
    left.set_xlabel(f"{unit} (mean, 80 % interval)")
    _cost_bars(right, costs.loc[list(_PUBLIC)], scale, total="cost:net_public")
    right.axvline(0, color="black", linewidth=0.8)
    right.set_title("Public purse")
    right.set_xlabel(f"{unit} (mean, 80 % interval)")
    fig.suptitle(f"Costs\n{context(results)}", fontweight="bold")
    return fig


def _cost_bars(ax: Axes, rows: pd.DataFrame, scale: float, total: str) -> None:
    y = np.arange(len(rows))[::-1]
    mean = rows["mean"].to_numpy(dtype=float) / scale
    low = rows["p10"].to_numpy(dtype=float) / scale
    high = rows["p90"].to_numpy(dtype=float) / scale
    colours = [PALETTE[1] if item == total else BAND for item in rows.index]
    ax.barh(y, mean, color=colours, alpha=0.85, height=0.6)
    ax.errorbar(mean, y, xerr=[np.maximum(mean - low, 0), np.maximum(high - mean, 0)],
                fmt="none", ecolor="black", capsize=3, linewidth=1.0)  # fmt: skip
    ax.set_yticks(y, [str(label) for label in rows["label"]])
    ax.grid(False, axis="y")


#: Outcomes compared by default: citizens (left panel) and money (right panel).
_COMPARED = ("placed", "paid", "ordinary", "attached", "employed_26w",
             "cost:programme", "cost:public", "saving:benefits", "cost:net_public")  # fmt: skip


@styled
def paired_comparison(
    comparison: Comparison,
    outcomes: Sequence[str] | None = None,
    labels: tuple[str, str] | None = None,
) -> Figure:
    """Paired differences (B minus A) with their intervals, against independent runs.

    Each outcome gets a point at its mean paired difference, a thick bar over the paired
    95 % interval (common random numbers) and a thin one over the interval two independent
    runs would give. Citizen and company counts are on the left, money (DKK) on the right;
    a vertical line marks no difference.

    Parameters
    ----------
    comparison : Comparison
        The result of :func:`labour_sim.compare`.
    outcomes : sequence of str, optional
        Outcome columns to show (default: placed, paid, ordinary, attached, employed_26w
        and the main costs).
    labels : (str, str), optional
        Names of A and B for the title (default: their scenario names).

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = comparison.differences.set_index("outcome")
    specs = target_specs(comparison.a)
    chosen = [o for o in (outcomes or _COMPARED) if o in table.index]
    money = [o for o in chosen if outcome_unit(o) == "DKK"]
    counts = [o for o in chosen if o not in money]
    panels = [group for group in (counts, money) if group]
    if not panels:
        raise KeyError(f"none of {list(outcomes or _COMPARED)} is in the comparison")
    height = 0.55 * max(len(group) for group in panels) + 2.6
    fig, axes = new_figure(1, len(panels), size=(5.8 * len(panels), height))
    for ax, group in zip(axes, panels, strict=True):
        rows = table.loc[group]
        unit = outcome_unit(group[0])
        scale, shown = money_scale(rows[["independent_low", "independent_high"]].to_numpy()) if unit == "DKK" else (1.0, unit)  # fmt: skip
        y = np.arange(len(group))[::-1]
        ax.hlines(y, rows["independent_low"] / scale, rows["independent_high"] / scale,
                  color="#999999", linewidth=1.2, label="independent runs, 95 %")  # fmt: skip
        ax.hlines(y, rows["ci_low"] / scale, rows["ci_high"] / scale, color=BAND,
                  linewidth=5, label="paired (common random numbers), 95 %")  # fmt: skip
        ax.plot(rows["difference"] / scale, y, "o", color="black", label="mean difference")
        ax.axvline(0, color=TARGET, linestyle="--", linewidth=1.2, label="no difference")
        names = [outcome_words(o, specs)[0].removeprefix("citizens ") for o in group]
        ax.set_yticks(y, [wrap(name, 34) for name in names])
        ax.set_xlabel(f"difference B - A ({shown})")
        ax.grid(False, axis="y")
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=4)
    a, b = labels or (
        str(comparison.a.metadata.get("scenario", "A")),
        str(comparison.b.metadata.get("scenario", "B")),
    )
    who = f"B: {b}\nA: {a}" if a != b else f"{a}: B is a changed copy of A"
    fig.suptitle(f"Paired differences B - A, {comparison.a.n:,} replications each\n{who}",
                 fontweight="bold", fontsize=10)  # fmt: skip
    return fig
