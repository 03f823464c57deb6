"""The explorer's view model: everything a page shows, as plain data.

:mod:`.session` computes a :class:`View` from a scenario and its settings; :mod:`.page`
shows it and reads nothing else (no results table, no scenario, no simulating function).
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure

from ..report.first import Card, Fact

__all__ = ["Card", "Fact", "GoalView", "View"]


@dataclass(frozen=True, eq=False)
class View:
    """What the page shows for one setting.

    Attributes
    ----------
    title : str
        The programme's name.
    basis : str
        What the numbers rest on ("Uncalibrated. ..."), as the report says it.
    note : str
        How many replications per setting, and what the bands include.
    cards : tuple of Card
        One per target.
    facts : tuple of Fact
        Cost per additional sustained job, the programme cost against the grant, the
        additional sustained jobs.
    figure : matplotlib.figure.Figure
        The fan chart of the shown target's metric, with the original setting's median.
    shown : str or None
        The target the fan chart shows (``None``: the scenario has none).
    differences : tuple of str
        The difference from the original setting on common random numbers, one line each
        (empty when no lever has moved).
    payers : str
        Each payer's net cost against business as usual, with 90 % bands (the report's
        line; "not computed" for a scenario without accounts).
    changes : str
        The levers moved, in words (``"staff.mentors = 40"``), or that none has.
    link : str
        The query string that restores this setting.
    seconds : float
        How long the run took (wall clock).
    """

    title: str
    basis: str
    note: str
    cards: tuple[Card, ...]
    facts: tuple[Fact, ...]
    figure: Figure
    shown: str | None
    differences: tuple[str, ...]
    payers: str
    changes: str
    link: str
    seconds: float


@dataclass(frozen=True)
class GoalView:
    """The answer to "what would it take": the decided answer, in plain words."""

    question: str
    lines: tuple[str, ...]
    seconds: float
