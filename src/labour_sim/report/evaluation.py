"""Against the evaluation: what was reported, next to what the scenario simulates.

The scenario as given, or, for a calibrated run, the calibrated model (the table's
``attrs["calibration"]`` says which).

:func:`evaluation_section` shows the table of
:func:`labour_sim.calibration.evaluation_table` (each observation read from the report's
replications, simulated up to the last observation date): the model's 80 % and 95 %
intervals, the 95 % interval of a report simulated with the observation's stated error, and
the two-sided tail probability of what was reported, with a judgement in words.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..calibration import Observations
from .html import Html, join, short_link, table, tag

__all__ = ["evaluation_section"]

#: Below this two-sided tail probability the model and the report disagree.
DISAGREE = 0.05


def evaluation_section(observations: Observations, found: pd.DataFrame, replications: int) -> Html:
    """The section body: what the file is, then one table row per observation."""
    by_name = {o.name: o for o in observations}
    rows = []
    for _, row in found.iterrows():
        o = by_name[str(row["observation"])]
        share = o.is_share
        rows.append(
            (
                join([tag("strong", o.name), tag("br"), o.label], ""),
                join([_value(o.value, share), tag("br"), _uncertainty(o, share)], ""),
                join(
                    [
                        _source(o.source, observations.source_url(o)),
                        *([tag("br"), tag("q", o.wording)] if o.wording else []),
                        *([tag("br"), tag("span", o.note, class_="note")] if o.note else []),
                    ],
                    "",
                ),
                join(
                    [
                        _value(row["median"], share),
                        tag("br"),
                        f"80 %: {_span(row['p10'], row['p90'], share)}",
                        tag("br"),
                        f"95 %: {_span(row['p2_5'], row['p97_5'], share)}",
                    ],
                    "",
                ),
                _judgement(row, share),
            )
        )
    disagree = int((found["p_value"] < DISAGREE).sum())
    calibration = found.attrs.get("calibration")
    model = (
        f"the calibrated model (posterior predictive of '{calibration['label']}')"
        if calibration
        else "the scenario as given (not calibrated)"
    )
    fitted = (
        " The calibration was fitted to figures like these: agreement checks the fit, it "
        "does not test the model on new data."
        if calibration
        else ""
    )
    summary = (
        f"{len(found) - disagree} of {len(found)} reported figures are within what "
        + ("the calibrated model" if calibration else "the uncalibrated scenario")
        + " simulates"
        + (
            f"; {disagree} are not, so the scenario's numbers need revisiting"
            + (" (the priors or the model)." if calibration else " (calibration).")
            if disagree
            else "."
        )
    )
    intro = [
        tag(
            "p",
            tag("strong", observations.name),
            *([" ", observations.description] if observations.description else []),
        ),
        tag(
            "p",
            f"Each figure the evaluation reported, next to what {model} simulates at the "
            f"same date, over {replications:,} replications (the same simulated programmes "
            f"as above).{fitted} The judgement allows for the report's "
            "own uncertainty: the tail probability is how often a report simulated from the "
            "model, with the report's stated error, would lie at least as far out as the one "
            "published; below 0.05 the model and the evaluation disagree.",
            class_="note",
        ),
        tag("p", summary),
    ]
    grid = table(
        ("observation", "reported", "source", "simulated (median, intervals)", "verdict"),
        rows,
        caption="Reported figures against the "
        + ("calibrated" if calibration else "uncalibrated")
        + " model at the same dates.",
    )
    return join([*intro, grid])


def _source(key: str, url: str) -> Html:
    """A short citation: the source key (or the URL's domain) linked to the URL."""
    return short_link(url, None if key == url else key)


def _value(x: float, share: bool) -> str:
    return f"{x:.1%}" if share else f"{x:,.0f}"


def _span(low: float, high: float, share: bool) -> str:
    return f"{_value(low, share)} to {_value(high, share)}"


def _uncertainty(o: Any, share: bool) -> str:
    if o.interval is not None:
        return f"95 % interval {_span(o.interval[0], o.interval[1], share)}"
    if o.about is not None:
        return f"about: +-{o.about:.0%} (sd {_value(o.scale, share)})"
    return f"sd {_value(o.scale, share)}"


def _judgement(row: pd.Series, share: bool) -> Html:
    p = float(row["p_value"])
    reported = _span(row["report_p2_5"], row["report_p97_5"], share)
    if p >= DISAGREE:
        words = "consistent"
    elif row["observed"] > row["median"]:
        words = "the model is too low"
    else:
        words = "the model is too high"
    return join(
        [
            tag("strong", words),
            tag("br"),
            f"tail probability {p:.3f}",
            tag("br"),
            f"a simulated report: {reported}",
        ],
        "",
    )
