"""Cautions about a valid scenario: what it says that its author may not have meant.

A scenario can be valid and still lean on numbers that were written for other years. The
conditions of the shipped base describe 2018 to 2021 (the unemployment series ends in
December 2021): a programme planned for 2025 to 2027 that extends the base runs with the
last unemployment value held for all its years. Nothing is wrong with the file, so this is
not an error; :func:`scenario_cautions` says it in plain words, and ``validate``, ``run``
and the report print it.

The caution, about each condition of kind ``series``: a series whose last date is more than
:data:`SERIES_GAP_WEEKS` before the end of the period. Its last value holds from that date
on, multiplying its rates by the factor the caution gives. (A period or trend outside the
simulated time changes nothing, so it gets no caution.)
"""

from __future__ import annotations

from .schema import Scenario

__all__ = ["SERIES_GAP_WEEKS", "scenario_cautions"]

#: A series ending more than this many weeks before the period's end gets a caution: half
#: a year of the programme is then run on a value older than the programme's own time.
SERIES_GAP_WEEKS = 26


def scenario_cautions(scenario: Scenario) -> list[str]:
    """Plain-words cautions about ``scenario``'s conditions (empty when there are none).

    Parameters
    ----------
    scenario : Scenario
        A valid scenario.

    Returns
    -------
    list of str
        One sentence per caution, naming the condition (``conditions.NAME``), the dates,
        the factor that holds and what to change to act on it.
    """
    period = scenario.period
    out = []
    for c in scenario.conditions:
        if c.kind != "series":
            continue
        assert c.dates is not None and c.values is not None
        assert c.reference is not None and c.elasticity is not None
        last, value = c.dates[-1], c.values.values[-1]
        if (period.end - last).days <= 7 * SERIES_GAP_WEEKS:
            continue
        where = f"conditions.{c.name}"
        factor = (value / c.reference.value) ** c.elasticity.value
        held = "all of the period" if last <= period.start else f"{last} to {period.end}"
        out.append(
            f"{where}: the series ends on {last}; its last value ({value:g} {c.values.unit}) "
            f"holds for {held}, multiplying {' and '.join(c.applies_to)} by {factor:.2f}. Give the "
            f"series for the programme's years, or set {where}.elasticity to 0 to leave it out."
        )
    return out
