"""Over time: a milestone's fan chart against its target, and queues and capacity use.

Both read the weekly quantile bands of :attr:`labour_sim.Results.bands` (kept for the
first ``band_replications`` replications of an experiment).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..experiments import Results
from ..metrics import METRIC_LABELS
from .common import context, target_label, target_row
from .style import (
    BAND,
    PALETTE,
    legend_outside,
    new_figure,
    outcome_unit,
    styled,
    target_hline,
    target_vline,
    wrap,
)

__all__ = ["capacity_over_time", "fan_chart"]

#: Central bands drawn, widest first: (lower quantile, upper quantile, label, opacity).
_FANS = (("q05", "q95", "90 % band", 0.18), ("q10", "q90", "80 % band", 0.28),
         ("q25", "q75", "50 % band", 0.42))  # fmt: skip


@styled
def fan_chart(results: Results, metric: str | None = None, target: str | None = None) -> Figure:
    """A milestone's cumulative count over time: median, mean and 50/80/90 % bands.

    Parameters
    ----------
    results : Results
        An experiment's results (its ``bands`` table).
    metric : str, optional
        The milestone (e.g. ``"ordinary"``; see :data:`labour_sim.METRICS`). Default: the
        target's metric.
    target : str, optional
        Target to mark (a horizontal line at its threshold, in citizens or companies, and a
        vertical line at its date). Default: the first target on ``metric``, or the
        scenario's first target when ``metric`` is not given either.

    Returns
    -------
    matplotlib.figure.Figure
        Dates on the x axis, the count (citizens or companies) on the y axis.
    """
    row = target_row(results, target, metric)
    name = metric or (str(row["metric"]) if row is not None else "ordinary")
    band = results.bands[(results.bands["kind"] == "metric") & (results.bands["series"] == name)]
    if band.empty:
        raise KeyError(
            f"no weekly bands of {name!r}; metrics: {sorted(set(results.bands['series']))}"
        )
    dates = pd.to_datetime(band["date"])
    unit = outcome_unit(name)
    fig, (ax,) = new_figure(size=(8.5, 4.6))
    for low, high, label, alpha in _FANS:
        ax.fill_between(dates, band[low], band[high], color=BAND, alpha=alpha, lw=0, label=label)
    ax.plot(dates, band["q50"], color=BAND, label="median")
    ax.plot(dates, band["mean"], color="black", linestyle=":", linewidth=1.2, label="mean")
    if row is not None:
        when = pd.Timestamp(str(row["date"]))
        target_hline(ax, float(row["threshold"]), target_label(row))
        target_vline(ax, when, f"target date: {row['date']}", linestyle=":")
        ax.plot(np.array([when]), [float(row["threshold"])], marker="o", color=PALETTE[5], zorder=5)
    label = METRIC_LABELS.get(name, name)
    ax.set_title(wrap(f"{label[0].upper()}{label[1:]}", 70) + f"\n{context(results)}")
    ax.set_xlabel("date")
    ax.set_ylabel(f"cumulative count ({unit})")
    ax.set_ylim(bottom=0)
    legend_outside(fig, ax, ncols=3)
    return fig


#: Queue name -> (waiting state, legend label).
_QUEUES = {
    "caseworker": ("referred", "waiting for a caseworker"),
    "slot": ("waiting", "waiting for a company slot"),
    "mentor": ("mentor_wait", "waiting for a mentor"),
}
_RESOURCES = {"slot": "company slots", "caseworker": "caseworker cases", "mentor": "mentor places"}
#: One colour per resource, in every panel.
_COLOURS = {"caseworker": PALETTE[0], "slot": PALETTE[1], "mentor": PALETTE[3]}


@styled
def capacity_over_time(results: Results) -> Figure:
    """Queues, company slots and the utilisation of slots and staff, week by week.

    Three panels sharing the date axis: citizens in each queue (median and 80 % band);
    company slots in use against slots available (slots); and the share of each capacity
    in use (%: mean units in use over mean units available across replications; staff
    that is not limited is left out).

    Parameters
    ----------
    results : Results
        An experiment's results; its bands must hold the ``capacity`` series (experiments
        run with labour_sim 0.1 after issue 8 do).

    Returns
    -------
    matplotlib.figure.Figure
    """
    bands = results.bands
    capacity = bands[bands["kind"] == "capacity"]
    if capacity.empty:
        raise KeyError("these results keep no weekly capacity series; run the experiment again")
    fig, axes = new_figure(3, 1, size=(8.5, 8.5), sharex=True)
    queues, slots, use = axes
    states = bands[bands["kind"] == "state"]
    for resource, (state, label) in _QUEUES.items():
        _band(queues, states[states["series"] == state], label, _COLOURS[resource])
    queues.set_ylabel("queue length (citizens)")
    queues.set_ylim(0, max(1.0, float(queues.get_ylim()[1])))
    title = f"Queues and capacity\n{context(results)}"
    if not states[states["series"].isin([s for s, _ in _QUEUES.values()])]["q90"].any():
        title += "\nno queue in 80 % of replications or more"
    queues.set_title(title)
    _legend_right(queues)
    _band(slots, capacity[capacity["series"] == "slot_available"], "slots available", PALETTE[2])
    _band(slots, capacity[capacity["series"] == "slot_used"], "slots in use", _COLOURS["slot"])
    slots.set_ylabel("company slots (slots)")
    slots.set_ylim(bottom=0)
    _legend_right(slots)
    for resource, label in _RESOURCES.items():
        used = capacity[capacity["series"] == f"{resource}_used"]
        available = capacity[capacity["series"] == f"{resource}_available"]
        if available.empty or not available["mean"].max() > 0:
            continue  # not limited
        cap = available["mean"].to_numpy(dtype=float)
        busy = used["mean"].to_numpy(dtype=float)
        share = 100 * np.divide(busy, cap, out=np.full_like(cap, np.nan), where=cap > 0)
        use.plot(pd.to_datetime(used["date"]), share, color=_COLOURS[resource], label=label)
    use.axhline(100, color="black", linewidth=1.0, linestyle="--", label="full (100 %)")
    use.set_ylabel("utilisation (% of capacity)")
    use.set_xlabel("date")
    use.set_ylim(0, 110)
    _legend_right(use)
    return fig


def _band(ax: Axes, rows: pd.DataFrame, label: str, colour: str) -> None:
    dates = pd.to_datetime(rows["date"])
    ax.fill_between(dates, rows["q10"], rows["q90"], color=colour, alpha=0.25, lw=0)
    ax.plot(dates, rows["q50"], color=colour, label=f"{label} (median, 80 % band)")


def _legend_right(ax: Axes) -> None:
    """The axes' legend to its right, outside it (constrained layout makes the room)."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
