"""Units: each number's ``unit`` must be the unit of its field.

A scenario states the unit of every number, and the schema states the unit each field is
read in. They must agree: a monthly rate written where a weekly one is read would be used
as weekly, silently four times too small. Units are never converted: the conversions that
matter here are not exact (a month is 4.29 to 4.43 weeks; a year 52.14 or 52.29 weeks), so
the file must give the number in the field's unit. Spellings that mean the same unit
(``cases`` and ``cases/caseworker``, ``citizens`` and ``young people``) are accepted.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from ..errors import Problem
from .quantities import Provenance

__all__ = ["accepted_units", "unit_problems"]

# People are counted as citizens whatever a programme calls them.
_PEOPLE = ("citizens", "people", "persons", "young people", "referrals")

#: Other spellings of a field's unit that mean the same thing.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "citizens": _PEOPLE,
    "citizens/week": tuple(f"{p}/week" for p in _PEOPLE),
    "citizens/month": tuple(f"{p}/month" for p in _PEOPLE),
    "citizens or companies": (*_PEOPLE, "companies"),
    "cases": ("cases/caseworker",),
    "mentees": ("mentees/mentor", "citizens/mentor"),
    "hours/mentee/week": ("hours/week",),
    "DKK/referral": ("DKK",),
    "DKK/company": ("DKK",),
    "DKK/mentor": ("DKK",),
    "share": ("probability", "fraction"),
    "probability": ("share", "fraction"),
    "multiplier": ("ratio", "hazard ratio"),
    "hazard ratio": ("multiplier", "ratio"),
    "1/week": ("per week",),
    "placements": ("attempts",),
    "slots": ("slots/company", "citizens/company"),
}


def accepted_units(unit: str) -> tuple[str, ...]:
    """The spellings accepted for a field read in ``unit`` (the unit itself first)."""
    return tuple(dict.fromkeys((unit, *SYNONYMS.get(unit, ()))))


def unit_problems(model: BaseModel, prefix: str = "") -> Iterator[Problem]:
    """A problem for every quantity in ``model`` whose unit is not its field's."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{prefix}{name}"
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        unit = extra.get("unit")
        if isinstance(value, Provenance) and isinstance(unit, str):
            if value.unit not in accepted_units(unit):
                yield Problem(f"{path}.unit", _expected(unit, value.unit), repr(value.unit))
        elif isinstance(value, BaseModel):
            yield from unit_problems(value, path + ".")
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    label = getattr(item, "name", i)
                    yield from unit_problems(item, f"{path}.{label}.")


def _expected(unit: str, given: str) -> str:
    others = [u for u in SYNONYMS.get(unit, ()) if u != unit]
    text = f"'{unit}'" + (f" (or {', '.join(repr(u) for u in others)})" if others else "")
    if _per(unit) != _per(given) and _per(unit) and _per(given):
        return (
            f"{text}: a number per {_per(given)} is not converted to one per {_per(unit)} "
            "(not exact); give the number in the field's unit"
        )
    return f"{text}; units are not converted"


def _per(unit: str) -> str:
    return unit.rpartition("/")[2] if "/" in unit else ""
