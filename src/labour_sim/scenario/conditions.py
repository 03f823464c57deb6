"""Conditions over calendar time: dated changes that multiply named rates and probabilities.

A scenario's base rates (referrals a week, hiring probabilities, job-loss hazards...) hold
"in normal times". A ``[[conditions]]`` entry says how calendar time changes them:

* ``kind = "period"``: between ``start`` (inclusive) and ``end`` (exclusive) the rates in
  ``applies_to`` are multiplied by ``factor``. For ``placement_start`` the factor is 0 (no
  new placement starts: a pause; placements under way go on) or 1 (no effect, e.g. as a
  lever or a what-if "without the lockdown"); partial rates of placement starts are not
  modelled.
* ``kind = "series"``: a dated series (each value holds from its date until the next) of a
  labour-market indicator such as gross unemployment; the rates are multiplied by
  ``(value / reference) ** elasticity``, and by 1 before the first date. A negative
  elasticity means that hiring falls when unemployment rises.
* ``kind = "trend"``: from ``start`` (until ``end``, if given, and held after) the rates
  are multiplied by ``(1 + per_year) ** years``, stepping once a week: programme learning.

Rates that conditions can name (:data:`RATES`): ``referral`` (the intake rate of a Poisson
schedule), ``company_recruitment``, ``placement_start``, each hiring outcome
(``hire_ordinary``, ``hire_reduced``, ``hire_flexjob``, ``hire_education``; ``hiring``
names all four), ``job_loss`` (the hazard of losing a job) and ``dropout`` (the hazard of
leaving the programme while active). Several conditions on one rate multiply. Every factor, elasticity and trend is a quantity with a source or an
assumption with a range, so each can be a calibration parameter or a lever
(``conditions.NAME.factor``, ``conditions.NAME.elasticity``, ``conditions.NAME.per_year``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, Field, Strict, model_validator

from .quantities import MAX_MULTIPLIER, Provenance, Quantity, Text
from .sections import FROZEN, described

__all__ = ["HIRING", "RATES", "Condition", "SeriesValues", "expand_rates"]

#: What ``applies_to`` may name: each rate, and ``hiring`` for all four hiring outcomes.
RateName = Literal[
    "referral",
    "company_recruitment",
    "placement_start",
    "hire_ordinary",
    "hire_reduced",
    "hire_flexjob",
    "hire_education",
    "hiring",
    "job_loss",
    "dropout",
]
#: Rates and probabilities a condition can multiply, in the order of timeline columns.
RATES: tuple[str, ...] = tuple(r for r in get_args(RateName) if r != "hiring")
HIRING = ("hire_ordinary", "hire_reduced", "hire_flexjob", "hire_education")
#: Most values a series may have (weekly for 50 years).
MAX_SERIES = 2600
#: Bounds, stated in the format reference and in errors.
MAX_ELASTICITY = 10.0  # a 10 % change of the indicator moving a rate by 2.6-fold
MAX_GROWTH = 10.0  # eleven-fold a year: a change beyond that is another programme

Date = Annotated[dt.date, Strict()]
Factor = Annotated[float, Strict(), Field(ge=0, le=MAX_MULTIPLIER, allow_inf_nan=False)]
Elasticity = Annotated[
    float, Strict(), Field(ge=-MAX_ELASTICITY, le=MAX_ELASTICITY, allow_inf_nan=False)
]
Growth = Annotated[float, Strict(), Field(gt=-1, le=MAX_GROWTH, allow_inf_nan=False)]
Level = Annotated[float, Strict(), Field(gt=0, allow_inf_nan=False)]


class SeriesValues(Provenance):
    """The values of a dated series (e.g. gross unemployment, % of the labour force)."""

    values: list[Level] = Field(min_length=1, max_length=MAX_SERIES)


_FIELDS = {
    "period": ("start", "end", "factor"),
    "series": ("dates", "values", "reference", "elasticity"),
    "trend": ("start", "per_year"),
}
_OPTIONAL = {"trend": ("end",)}


class Condition(BaseModel):
    """A dated change of named rates, multiplying them over calendar time.

    `period`: by
    `factor` from `start` to the day before `end` (for `placement_start` 0 pauses new
    placements; placements under way go on). `series`: by `(value / reference) **
    elasticity`, each value holding from its date until the next (1 before the first).
    `trend`: by `(1 + per_year) ** years` from `start`, a step a week, held after `end`.
    Conditions on one rate multiply; each factor, elasticity and trend is a lever and a
    calibration parameter at `conditions.NAME.factor` (`.elasticity`, `.per_year`).
    """

    model_config = FROZEN
    name: Text = Field(min_length=1, description="short name, unique in the scenario")
    kind: Literal["period", "series", "trend"] = described(
        "'period': a factor between two dates; 'series': (value / reference) ** elasticity; "
        "'trend': (1 + per_year) ** years from start"
    )
    applies_to: tuple[RateName, ...] = Field(
        min_length=1, description="the rates it multiplies ('hiring': all four hiring outcomes)"
    )
    description: Text = described("what happened, in words", None, "")
    start: Date | None = described("period, trend: first day it applies", "date", None)
    end: Date | None = described(
        "period: first day it no longer applies; trend: day it stops changing", "date", None
    )
    factor: Quantity[Factor] | None = described(
        f"period: multiplies the rates (0 to {MAX_MULTIPLIER:g}; placement_start: 0 or 1)",
        "multiplier",
        None,
    )
    dates: tuple[Date, ...] | None = described(
        "series: the date from which each value holds, increasing", None, None
    )
    values: SeriesValues | None = described(
        f"series: one positive value per date (at most {MAX_SERIES:,}), in any unit",
        None,
        None,
    )
    reference: Quantity[Level] | None = described(
        "series: the level at which the scenario's base rates hold (the values' unit)",
        None,
        None,
    )
    elasticity: Quantity[Elasticity] | None = described(
        f"series: exponent of value / reference ({-MAX_ELASTICITY:g} to {MAX_ELASTICITY:g}; "
        "negative: the rate falls as the indicator rises)",
        "elasticity",
        None,
    )
    per_year: Quantity[Growth] | None = described(
        f"trend: relative change per year (above -1, at most {MAX_GROWTH:g})", "per year", None
    )

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Condition:
        needed = _FIELDS[self.kind]
        allowed = set(needed) | set(_OPTIONAL.get(self.kind, ()))
        for field in needed:
            if getattr(self, field) is None:
                raise ValueError(f"'{field}' for kind = '{self.kind}'")
        for field in {f for fields in _FIELDS.values() for f in fields} | {"end"}:
            if field not in allowed and getattr(self, field) is not None:
                raise ValueError(f"no '{field}' for kind = '{self.kind}' (it would be ignored)")
        return self

    @property
    def rates(self) -> tuple[str, ...]:
        """The rates it multiplies, with ``hiring`` expanded (in :data:`RATES` order)."""
        return expand_rates(self.applies_to)


def expand_rates(names: tuple[str, ...]) -> tuple[str, ...]:
    """Rate names with ``hiring`` expanded to the four hiring outcomes, in RATES order."""
    wanted = set(names) | (set(HIRING) if "hiring" in names else set())
    return tuple(r for r in RATES if r in wanted)
