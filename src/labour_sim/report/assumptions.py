"""The assumptions table: every number of a scenario with its value, unit and origin.

One row per quantity that :func:`labour_sim.scenario.iter_numbers` finds (the
scenario merged over its base file), in schema order: its dotted path, the value (a number,
a list summarised, or a distribution with its parameters), the unit, and where it comes from
(the cited source, resolved to its URL when the scenario's ``[sources]`` table has it, or
"assumption" with the stated reason and plausible range), plus any note. For a calibrated
run, the calibrated numbers show what the replications ran at (their posterior draws)
beside the value as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..scenario import Scenario, iter_numbers
from ..scenario.conditions import SeriesValues
from ..scenario.quantities import ArrayQuantity, DistQuantity, Provenance, Quantity
from .html import Html, join, short_link, table, tag

__all__ = ["ParameterRow", "assumptions_section", "parameter_rows"]


@dataclass(frozen=True)
class ParameterRow:
    """One number of a scenario, in words (all fields are plain, unescaped text).

    Attributes
    ----------
    path : str
        Dotted path in the scenario (e.g. ``staff.mentors``).
    value : str
        The value as written (number, list summary, or distribution and parameters).
    unit : str
        Its unit (e.g. ``weeks``, ``DKK/month``).
    assumption : bool
        True when the number is an assumption rather than a sourced fact.
    origin : str
        For a source, its key or URL; for an assumption, the reason given.
    url : str or None
        The source's URL, when the key resolves to one.
    range : str
        The plausible range of an assumption (``""`` for a sourced number).
    note : str
        The note in the file, if any.
    """

    path: str
    value: str
    unit: str
    assumption: bool
    origin: str
    url: str | None
    range: str
    note: str


def parameter_rows(scenario: Scenario) -> list[ParameterRow]:
    """Every number of ``scenario`` as a :class:`ParameterRow`, in schema order."""
    return [_row(scenario, path, q) for path, q in iter_numbers(scenario)]


def _row(scenario: Scenario, path: str, q: Provenance) -> ParameterRow:
    if q.source is not None:
        url = scenario.sources.get(q.source, q.source)
        origin = q.source
    else:
        url, origin = None, q.assumption or ""
    span = "" if q.range is None else f"{_number(q.range[0])} to {_number(q.range[1])}"
    return ParameterRow(
        path, value_text(q), q.unit, q.is_assumption, origin, url, span, q.note or ""
    )


def value_text(q: Provenance) -> str:
    """A quantity's value in words: ``7.3``, ``48 values, 4 to 12 (total 380)``, ``gamma, mean 12, shape 2``."""
    if isinstance(q, DistQuantity):
        parts = [q.dist, f"mean {_number(q.mean)}"]
        if q.shape is not None:
            parts.append(f"shape {_number(q.shape)}")
        if q.sd is not None:
            parts.append(f"sd {_number(q.sd)}")
        return ", ".join(parts)
    if isinstance(q, ArrayQuantity):
        v = q.values
        return f"{len(v)} values, {_number(min(v))} to {_number(max(v))} (total {_number(sum(v))})"
    if isinstance(q, SeriesValues):  # levels on dates: a total means nothing
        v = q.values
        return f"{len(v)} values, {_number(min(v))} to {_number(max(v))}"
    if isinstance(q, Quantity):
        return _number(q.value)
    return "?"


def _number(x: object) -> str:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.6g}" if abs(x) >= 1 else f"{x:.4g}"


def assumptions_section(
    scenario: Scenario, calibrated: Mapping[str, tuple[float, float, float]] | None = None
) -> Html:
    """The appendix body: a count of assumptions, then one compact row per number.

    Three columns: the dotted path, the value with its unit, and where it comes from (a
    short link to the source, its domain as the text; or the assumption's reason with its
    plausible range), the file's note beneath in small type. ``calibrated`` (a calibrated
    run's :meth:`~labour_sim.Results.calibrated_values`): the median and 90 % of the
    posterior draws the replications ran at, shown for those paths beside the value as
    written.
    """
    calibrated = calibrated or {}
    rows = [
        replace(r, value=_calibrated_text(calibrated[r.path], r)) if r.path in calibrated else r
        for r in parameter_rows(scenario)
    ]
    assumed = sum(r.assumption for r in rows)
    values = (
        "Values are as written (the scenario merged over its base file), but for the "
        f"{len(calibrated)} calibrated: each replication ran at its own draw from the "
        "posterior, shown with the value as written."
        if calibrated
        else "Values are as simulated (the scenario merged over its base file)."
    )
    intro = tag(
        "p",
        f"The scenario sets {len(rows)} numbers. {len(rows) - assumed} cite a source; "
        f"{assumed} are assumptions, each with the reason given in the scenario file and a "
        "plausible range (the range a sensitivity analysis or calibration would explore). "
        + values,
    )
    body = [
        (
            join(r.path.split("."), ".<wbr>"),
            f"{r.value} {r.unit}".strip(),
            _origin_cell(r),
        )
        for r in rows
    ]
    grid = table(
        ("parameter", "value", "source, or assumption (plausible range)"),
        body,
        caption="Every number in the scenario, with its unit and where it comes from.",
        class_="params",
        row_classes=["assumed" if r.assumption else None for r in rows],
    )
    return join([intro, grid])


def _calibrated_text(draws: tuple[float, float, float], r: ParameterRow) -> str:
    mid, low, high = (f"{x:,.4g}" for x in draws)  # draws: four figures say enough
    return f"calibrated: median {mid} (90 % of replications {low} to {high}); as written {r.value}"


def _origin_cell(r: ParameterRow) -> Html:
    if r.assumption:
        head = join(
            [
                tag("strong", "assumption:"),
                " ",
                r.origin,
                *([f" (range {r.range})"] if r.range else []),
            ],
            "",
        )
    else:
        head = join(["source: ", short_link(r.url, None if r.url else r.origin)], "")
    if not r.note:
        return head
    return join([head, tag("span", r.note, class_="note")], " ")
