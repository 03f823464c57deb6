"""How far to trust a calibration: posterior predictive check and parameter marginals.

These read :class:`labour_sim.Calibration`: ``predictive_check`` and ``predictive_draws``
(one panel per observation), and ``posterior`` with its weights, ``parameters`` (priors)
and ``marginals`` (one panel per parameter).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..calibration import Calibration
from ..metrics import METRIC_LABELS
from ..scenario.paths import find
from .common import lever_words
from .style import BAND, legend_outside, new_figure, outcome_unit, styled, target_vline, wrap

__all__ = ["parameter_marginals", "posterior_predictive"]


def _grid(n: int) -> tuple[int, int]:
    cols = min(n, 3)
    return math.ceil(n / cols), cols


@styled
def posterior_predictive(calibration: Calibration) -> Figure:
    """Each observation against what the calibrated model says the report would show.

    One panel per observation: a histogram of the model's simulated value over the
    posterior predictive draws, the 95 % interval of the replicated report (the model's
    value plus the report's error) shaded, and the observed value as a vertical line, with
    its two-sided tail probability and whether the interval covers it.

    Parameters
    ----------
    calibration : Calibration
        A :func:`labour_sim.calibrate` result.

    Returns
    -------
    matplotlib.figure.Figure
        The observation's metric (citizens, companies, or a share of another metric) on
        each x axis, posterior draws on each y axis.
    """
    check = calibration.predictive_check
    rows, cols = _grid(len(check))
    fig, axes = new_figure(rows, cols, size=(4.2 * cols, 3.4 * rows + 0.6))
    draws = calibration.predictive_draws
    for ax, (_, row) in zip(axes, check.iterrows(), strict=False):
        sim = draws[row["observation"]].to_numpy(dtype=float)
        sim = sim[np.isfinite(sim)]
        ax.hist(sim, bins=min(30, max(8, len(sim) // 5)), color=BAND, alpha=0.75,
                edgecolor="white", label="model (posterior draws)")  # fmt: skip
        ax.axvspan(row["report_p2_5"], row["report_p97_5"], color=BAND, alpha=0.12,
                   label="replicated report, 95 %")  # fmt: skip
        target_vline(ax, float(row["observed"]), f"observed: {row['observed']:,.4g}")
        verdict = "covered" if row["covered"] else "NOT covered"
        share_of = str(row.get("share_of") or "")
        metric = str(row["metric"])
        unit = f"share of {share_of}" if share_of else outcome_unit(metric)
        label = METRIC_LABELS.get(metric, metric).removeprefix("citizens ")
        ax.set_xlabel(wrap(f"{label} ({unit})", 45))
        ax.set_ylabel("posterior draws")
        ax.set_title(
            f"{row['observation']} ({row['date']})\np = {row['p_value']:.2f}, {verdict}",
            fontsize=10,
        )
    for ax in axes[len(check) :]:
        ax.set_axis_off()
    legend_outside(fig, axes[: len(check)])
    fig.suptitle(
        f"Posterior predictive check: {calibration.scenario.name}\n"
        f"against {calibration.observations.name}",
        fontweight="bold",
        fontsize=10,
    )
    return fig


@styled
def parameter_marginals(calibration: Calibration) -> Figure:
    """Each calibrated parameter's posterior beside its prior.

    One panel per parameter: the weighted posterior histogram (density), the prior density,
    the 90 % credible interval shaded, the posterior median, and the scenario's value
    before calibration as a vertical line (their numbers in the panel's title, one legend
    below all panels); "not identified" in the title when the data hardly narrowed the
    prior.

    Parameters
    ----------
    calibration : Calibration
        A :func:`labour_sim.calibrate` result.

    Returns
    -------
    matplotlib.figure.Figure
        Each parameter (in the scenario's unit) on an x axis, probability density (per
        unit) on the y axis.
    """
    marginals = calibration.marginals.set_index("parameter")
    posterior = calibration.posterior
    weights = posterior["weight"].to_numpy(dtype=float)
    data = calibration.scenario.model_dump(mode="json")
    n = len(calibration.parameters)
    rows, cols = _grid(n)
    fig, axes = new_figure(rows, cols, size=(4.2 * cols, 3.4 * rows + 0.6))
    for ax, p in zip(axes, calibration.parameters, strict=False):
        m = marginals.loc[p.path].to_dict()
        x = posterior[p.path].to_numpy(dtype=float)
        low, high = p.prior.frozen.ppf([0.001, 0.999])
        ax.hist(x, bins=20, weights=weights, density=True, color=BAND, alpha=0.7,
                edgecolor="white", label="posterior")  # fmt: skip
        grid = np.linspace(min(low, x.min()), max(high, x.max()), 300)
        ax.plot(grid, p.prior.frozen.pdf(grid), color="black", linestyle="--", linewidth=1.2,
                label="prior")  # fmt: skip
        ax.axvspan(
            float(m["p5"]), float(m["p95"]), color=BAND, alpha=0.12, label="90 % credible interval"
        )
        ax.axvline(float(m["median"]), color=BAND, linewidth=1.5, label="posterior median")
        node = find(data, p.path)
        before = _number(node)
        if before is not None:
            target_vline(ax, before, "scenario's value before calibration", linestyle=":")
        unit = node.get("unit", "value") if isinstance(node, dict) else "value"
        name = lever_words(p.path)
        ax.set_xlabel(wrap(f"{name} ({unit})", 45))
        ax.set_ylabel(f"density (per {unit})")
        flag = "" if m["identified"] else " (not identified)"
        numbers = f"prior {p.prior}; median {m['median']:.4g}" + (
            f"; scenario's value {before:g}" if before is not None else ""
        )
        ax.set_title(wrap(f"{name}{flag}", 45) + "\n" + wrap(numbers, 50), fontsize=9)
    for ax in axes[n:]:
        ax.set_axis_off()
    legend_outside(fig, axes[:n])
    fig.suptitle(
        f"Posterior marginals: {calibration.scenario.name}\n"
        f"effective sample size {calibration.effective_sample_size:.0f} of {len(posterior)}",
        fontweight="bold",
        fontsize=10,
    )
    return fig


def _number(node: Any) -> float | None:
    """The number a scenario node holds (a quantity's value or mean), if any."""
    if isinstance(node, dict):
        node = next((node[k] for k in ("value", "mean") if k in node), None)
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    return float(node)
