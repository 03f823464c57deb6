"""Which levers matter, and what would it take: tornado, Morris, Sobol and the cost frontier.

These read :class:`labour_sim.levers.Sensitivity` (``table``: one row per outcome and
lever) and :class:`labour_sim.levers.GoalAnswer` (``search`` and ``frontier`` tables).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..levers import GoalAnswer, Sensitivity
from .style import (
    BAND,
    PALETTE,
    TARGET,
    money_scale,
    new_figure,
    outcome_label,
    outcome_unit,
    styled,
    target_vline,
)

__all__ = ["frontier", "morris_bars", "sobol_bars", "tornado"]


def _rows(
    result: Sensitivity | pd.DataFrame, outcome: str | None, method: str
) -> tuple[pd.DataFrame, str, list[str], str]:
    """The table rows of ``outcome`` (ranked), its name, the target names, the subtitle."""
    if isinstance(result, Sensitivity):
        if result.method != method:
            raise ValueError(f"expected a {method} result, got {result.method}")
        table, targets = result.table, list(result.sweep.targets)
        meta = result.metadata
        note = (
            f"{meta.get('scenario', '')}: {meta.get('points')} settings x "
            f"{meta.get('replications')} replications, common random numbers"
        )
    else:
        table, targets, note = result, [], ""
    name = outcome or str(table["outcome"].iloc[0])
    rows = table[table["outcome"] == name].sort_values("rank")
    if rows.empty:
        raise KeyError(f"no outcome {name!r}; outcomes: {sorted(set(table['outcome']))}")
    return rows, name, targets, note


def _axis_unit(name: str, targets: Sequence[str], rows: pd.DataFrame, columns: list[str]) -> str:
    """The outcome's unit; a bare DataFrame's unknown outcome in [0, 1] is a probability."""
    unit = outcome_unit(name, targets)
    values = rows[columns].to_numpy(dtype=float)
    if unit == "value" and np.nanmin(values) >= 0 and np.nanmax(values) <= 1:
        return "%"
    return unit


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
        axis; for each lever a bar from the scenario's value to the outcome with the lever
        at its low end and one to its high end; a vertical line at the scenario's value.
    """
    rows, name, targets, note = _rows(table, outcome, "tornado")
    unit = _axis_unit(name, targets, rows, ["at_low", "at_high", "at_baseline"])
    scale, shown = money_scale(rows[["at_low", "at_high"]].to_numpy()) if unit == "DKK" else (
        (0.01, "%") if unit == "%" else (1.0, unit)
    )  # fmt: skip
    base = float(rows["at_baseline"].iloc[0]) / scale
    y = np.arange(len(rows))[::-1]
    fig, (ax,) = new_figure(size=(9.0, 1.0 + 0.7 * len(rows)))
    at_low = rows["at_low"].to_numpy(dtype=float) / scale
    at_high = rows["at_high"].to_numpy(dtype=float) / scale
    ax.barh(
        y, at_low - base, left=base, height=0.55, color=PALETTE[4], label="lever at its low end"
    )
    ax.barh(
        y, at_high - base, left=base, height=0.55, color=PALETTE[1], label="lever at its high end"
    )
    for yi, (_, row), lo, hi in zip(y, rows.iterrows(), at_low, at_high, strict=True):
        ax.text(
            lo, yi, f" {row['low']:g} ", va="center", ha="right" if lo <= hi else "left", fontsize=8
        )
        ax.text(
            hi,
            yi,
            f" {row['high']:g} ",
            va="center",
            ha="left" if hi >= lo else "right",
            fontsize=8,
        )
    target_vline(ax, base, f"scenario's values: {base:,.3g} {shown}")
    labels = [
        f"{row['lever']}\nswing {row['swing'] / scale:+,.3g} [{row['swing_low'] / scale:+,.3g}, "
        f"{row['swing_high'] / scale:+,.3g}]"
        for _, row in rows.iterrows()
    ]
    ax.set_yticks(y, labels)
    ax.grid(False, axis="y")
    lo_x, hi_x = min(at_low.min(), at_high.min(), base), max(at_low.max(), at_high.max(), base)
    pad = 0.15 * (hi_x - lo_x) or 1.0
    ax.set_xlim(lo_x - pad, hi_x + pad)
    ax.set_xlabel(f"{outcome_label(name, targets)} ({shown})")
    ax.set_title(f"Tornado: {outcome_label(name, targets)}\n{note}".rstrip())
    ax.legend(loc="lower right")
    return fig


@styled
def sobol_bars(result: Sensitivity | pd.DataFrame, outcome: str | None = None) -> Figure:
    """Sobol first-order and total indices of each lever, with bootstrap 95 % intervals.

    Parameters
    ----------
    result : Sensitivity or pandas.DataFrame
        A :func:`labour_sim.sobol` result, or its ``table``.
    outcome : str, optional
        The outcome to show (default: the first analysed).

    Returns
    -------
    matplotlib.figure.Figure
        Levers on the x axis (most influential first); the index (share of the outcome's
        variance over the lever ranges, 0 to 1) on the y axis.
    """
    rows, name, targets, note = _rows(result, outcome, "sobol")
    x = np.arange(len(rows))
    fig, (ax,) = new_figure(size=(max(6.0, 1.6 * len(rows) + 2.5), 4.5))
    for offset, index, label, colour in ((-0.2, "S1", "first order (S1)", BAND),
                                         (0.2, "ST", "total (ST)", PALETTE[1])):  # fmt: skip
        value = rows[index].to_numpy(dtype=float)
        err = [
            value - rows[f"{index}_low"].to_numpy(float),
            rows[f"{index}_high"].to_numpy(float) - value,
        ]
        ax.bar(x + offset, value, width=0.4, color=colour, label=label)
        ax.errorbar(x + offset, value, yerr=np.abs(err), fmt="none", ecolor="black", capsize=3,
                    linewidth=1.0)  # fmt: skip
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, list(rows["lever"]), rotation=15, ha="right")
    ax.set_ylabel("Sobol index (share of variance, 0-1)")
    top = np.nanmax(rows[["ST_high", "S1_high"]].to_numpy(dtype=float)) if len(rows) else 1.0
    ax.set_ylim(min(0.0, float(np.nanmin(rows["S1_low"]))) - 0.05, max(1.0, top) + 0.05)
    ax.set_title(f"Sobol indices: {outcome_label(name, targets)}\n{note}".rstrip())
    ax.legend(loc="upper right")
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
    rows, name, targets, note = _rows(result, outcome, "morris")
    unit = _axis_unit(name, targets, rows, ["mu_star", "mu_star_high", "sigma"])
    scale, shown = money_scale(rows[["mu_star", "sigma"]].to_numpy()) if unit == "DKK" else (
        (0.01, "%-points") if unit == "%" else (1.0, unit)
    )  # fmt: skip
    y = np.arange(len(rows))[::-1]
    mu = rows["mu_star"].to_numpy(dtype=float) / scale
    fig, (ax,) = new_figure(size=(8.5, 1.2 + 0.6 * len(rows)))
    ax.barh(y, mu, height=0.55, color=BAND, label="mean |effect| (mu*)")
    err = [
        mu - rows["mu_star_low"].to_numpy(float) / scale,
        rows["mu_star_high"].to_numpy(float) / scale - mu,
    ]
    ax.errorbar(
        mu, y, xerr=np.abs(err), fmt="none", ecolor="black", capsize=3, label="95 % interval"
    )
    ax.plot(rows["sigma"].to_numpy(dtype=float) / scale, y, "D", color=PALETTE[1], label="sigma")
    ax.set_yticks(y, list(rows["lever"]))
    ax.grid(False, axis="y")
    ax.set_xlim(left=0)
    ax.set_xlabel(f"effect of a lever step on {outcome_label(name, targets)} ({shown})")
    ax.set_title(f"Morris screening: {outcome_label(name, targets)}\n{note}".rstrip())
    ax.legend(loc="lower right")
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
    fig, (ax,) = new_figure(size=(8.5, 4.8))
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
        setting = ", ".join(f"{k} = {v:g}" for k, v in answer.setting.items())
        ax.plot([100 * answer.search_probability], [answer.lever_cost / scale], "*",
                color=TARGET, markersize=14, zorder=6, label=f"answer: {setting}")  # fmt: skip
    ax.set_xlabel(f"probability of reaching {answer.target} (%)")
    ax.set_ylabel(f"cost of the levers ({unit})")
    ax.set_xlim(-2, 102)
    state = "" if answer.setting is not None else " (out of reach)"
    ax.set_title(
        f"What would it take: {answer.target} with {answer.probability:.0%} probability{state}\n"
        f"{answer.metadata.get('scenario', '')}, {answer.metadata.get('replications')} "
        "replications a setting"
    )
    ax.legend(loc="upper left", fontsize=8)
    return fig
