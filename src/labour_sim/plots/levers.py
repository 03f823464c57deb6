"""Which levers matter, and what would it take: tornado, Morris, Sobol and the cost frontier.

These read :class:`labour_sim.levers.Sensitivity` (``table``: one row per outcome and
lever) and :class:`labour_sim.levers.GoalAnswer` (``search`` and ``frontier`` tables).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..levers import GoalAnswer, Sensitivity
from ..metrics import target_words
from .common import lever_words, outcome_words
from .style import (
    BAND,
    PALETTE,
    TARGET,
    legend_outside,
    money_scale,
    new_figure,
    styled,
    target_vline,
    wrap,
)

__all__ = ["SOBOL_MARGIN", "frontier", "morris_bars", "sobol_bars", "tornado"]


def _rows(
    result: Sensitivity | pd.DataFrame, outcome: str | None, method: str
) -> tuple[pd.DataFrame, str, str, str]:
    """The rows of ``outcome`` (ranked), its label and unit, and the subtitle."""
    specs: dict[str, Any] = {}
    if isinstance(result, Sensitivity):
        if result.method != method:
            raise ValueError(f"expected a {method} result, got {result.method}")
        table = result.table
        known = result.sweep.metadata.get("target_specs", {})
        specs = {name: known.get(name) for name in result.sweep.targets}
        meta = result.metadata
        note = (
            f"{meta.get('scenario', '')}: {meta.get('points')} settings x "
            f"{meta.get('replications')} replications, common random numbers"
        )
    else:
        table, note = result, ""
    name = outcome or str(table["outcome"].iloc[0])
    rows = table[table["outcome"] == name].sort_values("rank")
    if rows.empty:
        raise KeyError(f"no outcome {name!r}; outcomes: {sorted(set(table['outcome']))}")
    label, unit = outcome_words(name, specs)
    return rows, label, unit, note


def _axis_unit(unit: str, rows: pd.DataFrame, columns: list[str]) -> str:
    """The outcome's unit; a bare DataFrame's unknown outcome in [0, 1] is a probability."""
    values = rows[columns].to_numpy(dtype=float)
    if unit == "value" and np.nanmin(values) >= 0 and np.nanmax(values) <= 1:
        return "%"
    return unit


def _title(kind: str, label: str, note: str) -> str:
    return (wrap(f"{kind}: {label}", 80) + (f"\n{note}" if note else "")).rstrip()


@styled
def tornado(table: Sensitivity | pd.DataFrame, outcome: str | None = None) -> Figure:
    """One-at-a-time swings of an outcome, largest on top, around the scenario's value.

    Parameters
    ----------
    table : Sensitivity or pandas.DataFrame
        A :func:`labour_sim.tornado` result, or its ``table``.
    outcome : str, optional
        The outcome to show (default: the first analysed).

    Returns
    -------
    matplotlib.figure.Figure
        The outcome (in its unit: citizens, DKK or % for a target's probability) on the x
        axis; for each lever (named in words, with its range and swing) a bar from the
        scenario's value to the outcome with the lever at its low end and one to its high
        end; a vertical line at the scenario's value.
    """
    rows, words, unit, note = _rows(table, outcome, "tornado")
    unit = _axis_unit(unit, rows, ["at_low", "at_high", "at_baseline"])
    scale, shown = money_scale(rows[["at_low", "at_high"]].to_numpy()) if unit == "DKK" else (
        (0.01, "%") if unit == "%" else (1.0, unit)
    )  # fmt: skip
    base = float(rows["at_baseline"].iloc[0]) / scale
    y = np.arange(len(rows))[::-1]
    fig, (ax,) = new_figure(size=(9.0, 2.2 + 0.8 * len(rows)))
    at_low = rows["at_low"].to_numpy(dtype=float) / scale
    at_high = rows["at_high"].to_numpy(dtype=float) / scale
    ax.barh(
        y, at_low - base, left=base, height=0.55, color=PALETTE[4], label="lever at its low end"
    )
    ax.barh(
        y, at_high - base, left=base, height=0.55, color=PALETTE[1], label="lever at its high end"
    )
    target_vline(ax, base, f"scenario's values: {base:,.3g} {shown}")
    labels = [
        f"{wrap(lever_words(str(row['lever'])), 40)}\n{row['low']:g} to {row['high']:g}: "
        f"swing {row['swing'] / scale:+,.3g} [{row['swing_low'] / scale:+,.3g}, "
        f"{row['swing_high'] / scale:+,.3g}]"
        for _, row in rows.iterrows()
    ]
    ax.set_yticks(y, labels)
    ax.grid(False, axis="y")
    lo_x, hi_x = min(at_low.min(), at_high.min(), base), max(at_low.max(), at_high.max(), base)
    pad = 0.1 * (hi_x - lo_x) or 1.0
    ax.set_xlim(lo_x - pad, hi_x + pad)
    ax.set_xlabel(wrap(f"{words} ({shown})", 80))
    ax.set_title(_title("Tornado", words, note))
    legend_outside(fig, ax)
    return fig


#: Sobol indices are shares of variance: the axis shows [0, 1] and this margin around it.
SOBOL_MARGIN = 0.05


@styled
def sobol_bars(result: Sensitivity | pd.DataFrame, outcome: str | None = None) -> Figure:
    """Sobol first-order and total indices of each lever, with bootstrap 95 % intervals.

    The indices are shares of the outcome's variance, so the axis runs from 0 to 1 (with a
    small margin). With few samples a bootstrap interval (or the estimate itself) can reach
    far outside [0, 1]: such a whisker is cut at the axis edge and ends in a triangle, and
    the legend says so.

    Parameters
    ----------
    result : Sensitivity or pandas.DataFrame
        A :func:`labour_sim.sobol` result, or its ``table``.
    outcome : str, optional
        The outcome to show (default: the first analysed).

    Returns
    -------
    matplotlib.figure.Figure
        Levers (named in words) on the x axis, most influential first; the index (share of
        the outcome's variance over the lever ranges, 0 to 1) on the y axis.
    """
    rows, words, _, note = _rows(result, outcome, "sobol")
    x = np.arange(len(rows))
    low_edge, high_edge = -SOBOL_MARGIN, 1.0 + SOBOL_MARGIN
    fig, (ax,) = new_figure(size=(max(6.5, 1.8 * len(rows) + 2.5), 5.0))
    clipped = False
    for offset, index, label, colour in ((-0.2, "S1", "first order (S1)", BAND),
                                         (0.2, "ST", "total (ST)", PALETTE[1])):  # fmt: skip
        value = rows[index].to_numpy(dtype=float)
        low = rows[f"{index}_low"].to_numpy(float)
        high = rows[f"{index}_high"].to_numpy(float)
        shown = np.clip(value, low_edge, high_edge)
        lo, hi = (
            np.clip(np.minimum(low, high), low_edge, high_edge),
            np.clip(np.maximum(low, high), low_edge, high_edge),
        )
        ax.bar(x + offset, shown, width=0.4, color=colour, label=label)
        ax.vlines(x + offset, lo, hi, color="black", linewidth=1.0)
        for edge, cut, marker in ((high_edge, np.maximum(low, high) > high_edge, "^"),
                                  (low_edge, np.minimum(low, high) < low_edge, "v")):  # fmt: skip
            if cut.any():
                clipped = True
                ax.plot((x + offset)[cut], np.full(int(cut.sum()), edge), marker, color="black",
                        markersize=6, linestyle="none", clip_on=False)  # fmt: skip
    if clipped:
        ax.plot([], [], "^", color="black", linestyle="none",
                label="interval cut at the axis (it reaches beyond [0, 1])")  # fmt: skip
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, [wrap(lever_words(str(lever)), 22) for lever in rows["lever"]])
    ax.set_ylabel("Sobol index (share of variance, 0-1)")
    ax.set_ylim(low_edge, high_edge)
    ax.set_title(_title("Sobol indices", words, note))
    legend_outside(fig, ax)
    ax.grid(False, axis="x")
    return fig


@styled
def morris_bars(result: Sensitivity | pd.DataFrame, outcome: str | None = None) -> Figure:
    """Morris screening: each lever's mean absolute effect (with 95 % interval) and sigma.

    Parameters
    ----------
    result : Sensitivity or pandas.DataFrame
        A :func:`labour_sim.morris` result, or its ``table``.
    outcome : str, optional
        The outcome to show (default: the first analysed).

    Returns
    -------
    matplotlib.figure.Figure
        ``mu_star`` as bars with a bootstrap interval and ``sigma`` (interaction or
        non-linearity) as diamonds, in the outcome's unit; most influential lever on top.
    """
    rows, words, unit, note = _rows(result, outcome, "morris")
    unit = _axis_unit(unit, rows, ["mu_star", "mu_star_high", "sigma"])
    scale, shown = money_scale(rows[["mu_star", "sigma"]].to_numpy()) if unit == "DKK" else (
        (0.01, "%-points") if unit == "%" else (1.0, unit)
    )  # fmt: skip
    y = np.arange(len(rows))[::-1]
    mu = rows["mu_star"].to_numpy(dtype=float) / scale
    fig, (ax,) = new_figure(size=(8.5, 2.4 + 0.6 * len(rows)))
    ax.barh(y, mu, height=0.55, color=BAND, label="mean |effect| (mu*)")
    err = [
        mu - rows["mu_star_low"].to_numpy(float) / scale,
        rows["mu_star_high"].to_numpy(float) / scale - mu,
    ]
    ax.errorbar(
        mu, y, xerr=np.abs(err), fmt="none", ecolor="black", capsize=3, label="95 % interval"
    )
    ax.plot(rows["sigma"].to_numpy(dtype=float) / scale, y, "D", color=PALETTE[1], label="sigma")
    ax.set_yticks(y, [wrap(lever_words(str(lever)), 40) for lever in rows["lever"]])
    ax.grid(False, axis="y")
    ax.set_xlim(left=0)
    ax.set_xlabel(wrap(f"effect on {words} per whole range of the lever ({shown})", 80))
    ax.set_title(_title("Morris screening", words, note))
    legend_outside(fig, ax)
    return fig


@styled
def frontier(answer: GoalAnswer) -> Figure:
    """What would it take: the least lever cost at each required probability.

    Parameters
    ----------
    answer : GoalAnswer
        A :func:`labour_sim.what_would_it_take` result (with ``frontier=True`` for the
        frontier line; without it, the settings searched and the answer are shown).

    Returns
    -------
    matplotlib.figure.Figure
        The probability of reaching the target (%) on the x axis, the cost of the levers
        (DKK) on the y axis: every setting searched, the frontier, the answer, the cost at
        the scenario's own values (horizontal line) and the required probability
        (vertical line).
    """
    search = answer.search
    front = answer.frontier
    costs = [*search["lever_cost"], answer.baseline_cost]
    if front is not None:
        costs += list(front["lever_cost"].dropna())
    scale, unit = money_scale(costs)
    fig, (ax,) = new_figure(size=(8.5, 5.4))
    reaches = search["reaches"].to_numpy(dtype=bool)
    for mask, label, colour in ((~reaches, "setting searched (misses)", "#aaaaaa"),
                                (reaches, "setting searched (reaches)", PALETTE[4])):  # fmt: skip
        ax.plot(100 * search["probability"][mask], search["lever_cost"][mask] / scale, "o",
                color=colour, markersize=4, label=label)  # fmt: skip
    if front is not None and front["found"].any():
        found = front[front["found"].astype(bool)]
        ax.step(100 * found["probability"], found["lever_cost"] / scale, where="post",
                color=BAND, linewidth=2, label="frontier: least cost at each probability")  # fmt: skip
    target_vline(ax, 100 * answer.probability, f"required: {answer.probability:.0%}")
    ax.axhline(answer.baseline_cost / scale, color="black", linestyle=":", linewidth=1.2,
               label=f"scenario's values: {answer.baseline_cost / scale:,.2f} {unit}")  # fmt: skip
    if answer.setting is not None and math.isfinite(answer.lever_cost):
        setting = "; ".join(f"{lever_words(k)} = {v:g}" for k, v in answer.setting.items())
        ax.plot([100 * answer.search_probability], [answer.lever_cost / scale], "*",
                color=TARGET, markersize=14, zorder=6, label=wrap(f"answer: {setting}", 60))  # fmt: skip
    spec = answer.metadata.get("target_spec")
    goal = (
        target_words(str(spec["metric"]), float(spec["threshold"]), spec["date"])
        if spec
        else "the target"
    )
    ax.set_xlabel(wrap(f"probability of reaching {goal} (%)", 80))
    ax.set_ylabel(f"cost of the levers ({unit})")
    ax.set_xlim(-2, 102)
    state = "" if answer.setting is not None else " (out of reach)"
    ax.set_title(
        wrap(f"What would it take: {goal} with {answer.probability:.0%} probability{state}", 80)
        + f"\n{answer.metadata.get('scenario', '')}, {answer.metadata.get('replications')} "
        "replications a setting"
    )
    legend_outside(fig, ax, ncols=2)
    return fig
