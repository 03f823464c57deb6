"""The bottleneck in one sentence: which capacity binds, or where the pathway loses people.

:func:`bottleneck` reads a :class:`~labour_sim.experiments.Results` (it runs nothing): for
each capacity (caseworkers, company slots, mentors) the median over runs of the mean wait
for it (weeks), of the mean queue and of its utilisation, and the pathway funnel's medians.
A capacity *binds* when citizens waited for it a mean of :data:`BINDING_WAIT_WEEKS` or more
in the median run; of those that bind, the one with the longest wait is the bottleneck.
When none binds, the sentence names the funnel step that loses the most citizens.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from ..experiments import Results
from ..metrics import funnel_steps

__all__ = ["BINDING_WAIT_WEEKS", "CAPACITIES", "Bottleneck", "CapacityUse", "bottleneck"]

#: A capacity binds when the median run's mean wait for it is at least this long (weeks).
BINDING_WAIT_WEEKS = 2.0

#: Each capacity: its key in the results' columns, its name, and what a citizen waits for.
CAPACITIES = (
    ("caseworker", "caseworkers", "a caseworker"),
    ("slot", "company slots", "a placement in a company"),
    ("mentor", "mentors", "a mentor"),
)


@dataclass(frozen=True)
class CapacityUse:
    """One capacity over the runs (medians over replications).

    Attributes
    ----------
    key, name, waited_for : str
        ``slot``; ``company slots``; ``a placement in a company``.
    wait_weeks : float
        Median over runs of the mean completed wait for it (weeks).
    queue : float
        Median over runs of the time-averaged number waiting (citizens).
    utilisation : float
        Median over runs of the share of the capacity in use (``nan``: not limited).
    """

    key: str
    name: str
    waited_for: str
    wait_weeks: float
    queue: float
    utilisation: float

    @property
    def binds(self) -> bool:
        """Whether citizens waited :data:`BINDING_WAIT_WEEKS` or more for it."""
        return self.wait_weeks >= BINDING_WAIT_WEEKS


@dataclass(frozen=True)
class Bottleneck:
    """What holds the programme back, from its results.

    Attributes
    ----------
    capacity : CapacityUse or None
        The binding capacity with the longest wait; ``None`` when no capacity binds.
    capacities : tuple of CapacityUse
        Every capacity found in the results.
    loss : tuple of (str, float, str, float) or None
        The funnel step that loses most citizens: label and median count of the step
        above, label and median count of the step below (``None`` without a funnel).
    date : str
        The date the funnel is counted at (the end of the programme).
    """

    capacity: CapacityUse | None
    capacities: tuple[CapacityUse, ...]
    loss: tuple[str, float, str, float] | None
    date: str

    def sentence(self) -> str:
        """The bottleneck in one sentence, with the figures it rests on."""
        c = self.capacity
        others = [o for o in self.capacities if o is not c and math.isfinite(o.utilisation)]
        used = ", ".join(f"{o.name} {o.utilisation:.0%}" for o in others)
        if c is not None:
            return (
                f"The bottleneck is {c.name}: citizens waited a mean of {c.wait_weeks:,.1f} "
                f"weeks for {c.waited_for} ({c.queue:,.0f} waiting on average"
                + (f"; {c.utilisation:.0%} in use" if math.isfinite(c.utilisation) else "")
                + ")"
                + (f", while {used} used" if used else "")
                + " (median run)."
            )
        if self.capacities:
            longest = max(self.capacities, key=lambda o: o.wait_weeks)
            waited = (
                f"longest mean wait {longest.wait_weeks:,.1f} weeks, for {longest.waited_for}"
                if longest.wait_weeks >= 0.05
                else "no one waited"
            )
            head = f"No capacity binds ({waited}" + (f"; {used} used)" if used else ")")
        else:
            head = "No capacity binds"
        if self.loss is None:
            return head + "."
        above, n_above, below, n_below = self.loss
        return (
            f"{head}; the loss is at the step from {_short(above)} ({n_above:,.0f}) to "
            f"{_short(below)} ({n_below:,.0f} by {self.date}; medians over runs)."
        )


def _short(label: str) -> str:
    """A funnel label without its parenthesis: ``hired (ordinary, ...)`` -> ``hired``."""
    return label.split(" (")[0]


def bottleneck(results: Results) -> Bottleneck:
    """The bottleneck of ``results``: the binding capacity, or the funnel step that loses most.

    Parameters
    ----------
    results : Results
        An experiment's results (its ``replications`` table: ``wait_<c>_mean``,
        ``queue_<c>_mean``, ``utilisation_<c>`` and the funnel's milestone counts).

    Returns
    -------
    Bottleneck
    """
    table = results.replications
    found = []
    for key, name, waited_for in CAPACITIES:
        if f"wait_{key}_mean" not in table:
            continue
        util = table.get(f"utilisation_{key}")
        found.append(
            CapacityUse(
                key,
                name,
                waited_for,
                _median(table[f"wait_{key}_mean"]),
                _median(table.get(f"queue_{key}_mean")),
                _median(util),
            )
        )
    binding = [c for c in found if c.binds]
    capacity = max(binding, key=lambda c: c.wait_weeks) if binding else None
    steps = funnel_steps(table)
    loss = None
    if len(steps) >= 2:
        medians = [(label, float(table[column].median())) for column, label in steps]
        pairs = list(itertools.pairwise(medians))
        (above, n_above), (below, n_below) = max(pairs, key=lambda p: p[0][1] - p[1][1])
        loss = (above, n_above, below, n_below)
    date = str(results.metadata.get("end_date", "the end of the programme"))
    return Bottleneck(capacity, tuple(found), loss, date)


def _median(column: object) -> float:
    if column is None:
        return math.nan
    values = column.dropna()  # type: ignore[attr-defined]
    return float(values.median()) if len(values) else math.nan
