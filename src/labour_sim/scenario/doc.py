"""Generate ``docs/scenario-format.md`` from the schema, so the format's docs cannot drift.

Every section of :class:`~labour_sim.scenario.Scenario` becomes a table of its fields
with their kind (number, distribution, date...), allowed values, unit, meaning and default,
read from the pydantic models and their field descriptions. A test regenerates the file and
checks that nothing changes.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, Literal

from annotated_types import Ge, Gt, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..metrics import METRIC_LABELS
from . import loader, schema
from . import quantities as q
from .quantities import DistQuantity, Provenance, Quantity
from .schema import Scenario
from .units import accepted_units

__all__ = ["lever_name", "scenario_format"]

_INTRO = """\
# Scenario file format

*Generated from the schema by `labour-sim schema --out docs/scenario-format.md`
(`make docs`); do not edit by hand. A test checks that it is current.*

A scenario is a TOML file in `scenarios/`. It describes one programme: its period, who is
referred and when, the companies and staff, how citizens move through preparation,
placement and employment, what it costs, and what it promised (its targets). Time is in
weeks from `period.start` (week 0); money in DKK.

## Numbers carry a unit and a provenance

Every number is a small inline table with a `unit` and exactly one of:

* `source`: a key of the file's `[sources]` table, a URL, or a source article's file name;
  an optional `note` says how the number was derived from the source. A `[sources]` entry
  is a URL, an article's file name, or a citation of a document without an address, with
  its year (`plan = "Guldborgsund Kommune, projektbeskrivelse, 2024"`);
* `assumption`: why this value, with a plausible `range = [low, high]` that contains it
  (a distribution's mean; a list's range is not checked against its values).

```toml
slots_per_company = { value = 1, unit = "slots", assumption = "one at a time", range = [1, 3] }
grant_dkk = { value = 21130000, unit = "DKK", source = "apmf_rfk" }
duration_weeks = { dist = "gamma", mean = 13, shape = 4, unit = "weeks", source = "praktik_duration" }
monthly_counts = { values = [2, 2, 1], unit = "citizens/month", assumption = "...", range = [0, 5] }
```

Kinds of value used below:

| kind | written as |
|---|---|
| number | `{ value = ..., unit = ..., source/assumption = ... }` |
| list of numbers | `{ values = [...], unit = ..., source/assumption = ... }` |
| distribution | `{ dist = ..., mean = ..., unit = ..., source/assumption = ... }`; `dist` is `constant`, `exponential`, `gamma` (needs `shape`), `lognormal` (needs `sd`, of the value) or `weibull` (needs `shape`); for an assumption, `range` is about the mean |
| date | a TOML date, `2018-01-01` |
| text, true/false, one of | plain TOML values |

## Strict values, bounds and units

Values are taken as written, never coerced: a number is a TOML number (`true` and `"7.3"`
are refused), a date a TOML date (`2018-01-01`, not `"2018-01-01"`), a true/false a TOML
boolean (not `"yes"`); NaN and infinity are refused everywhere, ranges included. A whole
number may be written `10` or `10.0`, not `10.5`.

Every count, rate and distribution parameter has a bound (the *allowed* column below).
Most are labelled bounds, assumptions about what is physically sensible rather than data,
set far above any real programme and far below what would overflow or exhaust memory:
{bounds}

Each distribution is built when the file is loaded and refused unless its mean and
variance are finite: a gamma `shape` from {gamma[0]:g} to {gamma[1]:g}, a Weibull `shape`
from {weibull[0]:g} to {weibull[1]:g}, a lognormal `sd` at most {cv:g} times the mean
(beyond these the moments overflow or the draws degenerate); `shape` and `sd` are refused
where the family takes none.

Each number's `unit` must be its field's unit (the *unit* column) or a spelling of the
same unit (`cases/caseworker` for `cases`, `young people` for `citizens`, `share` for
`probability`...). Units are never converted: the conversions that matter are not exact
(a month is 4.29 to 4.43 weeks), so `citizens/month` where `citizens/week` is read is an
error, not a rate four times too small.

A scenario whose replication would need more than {memory:g} GiB, by an estimate of
{per_citizen:,} bytes per expected citizen, {per_company} per company and {per_slot} per
slot, is refused before it runs, with the estimate; a national programme of 100,000
citizens is well within it.

## Extending a base

`extends = "base/denmark.toml"` (a path relative to the file) starts from a base file and
overrides it: tables merge key by key; a number, a list (such as `groups` or `targets`) or
a plain value replaces the base's whole. A base may extend another base, up to a chain of
{max_bases}. Bases must lie in the top scenario's folder or below it: an absolute path, a
`~` or a `..` that leaves the folder is refused (a scenario file cannot read other files),
and an error names the keys of a file, never their values. What all Danish
programmes share (benefit and subsidy rates, internship rules, retention) lives in
`scenarios/base/denmark.toml`, so each number lives in one place.

## What-if changes

`scenario.with_changes({"companies.slots_per_company": 2})` (or `labour-sim compare A
--set companies.slots_per_company=2`) addresses fields by the dotted paths below; list items
by name or index (`groups.jobparat.share`). A plain number replaces a quantity's value (or a
distribution's mean) and marks it as a what-if assumption.
"""


def scenario_format() -> str:
    """The Markdown text of ``docs/scenario-format.md``."""
    parts = [_intro(), "## Top level\n", _table(Scenario, "", skip_models=True)]
    for name, field in Scenario.model_fields.items():
        model, many = _model_of(field.annotation)
        if model is not None:
            parts.append(_section(name, model, many))
    parts.append(_metrics())
    return "\n".join(parts).rstrip() + "\n"


def lever_name(path: str) -> str:
    """A short human name for a lever's dotted path, from the schema's field descriptions.

    ``'companies.slots_per_company'`` gives ``'citizens a company hosts at a time'``;
    ``'placement.outcomes.ordinary'`` gives ``'how a placement ends: hired on ordinary
    hours'`` (a nested table's own description in front); ``'groups.refugees.share'`` names
    the group. Each description is cut before its first bracket or semicolon (the bounds
    and defaults). A path the schema does not know (or a field without a description)
    falls back to its parts in words: ``'costs.extra_rate'`` gives ``'costs: extra rate'``.

    Parameters
    ----------
    path : str
        A dotted path as ``Scenario.with_changes`` and the lever functions take it.
    """
    model: type[BaseModel] | None = Scenario
    words: list[str] = []
    parts = path.split(".")
    i = 0
    while i < len(parts):
        field = model.model_fields.get(parts[i]) if model is not None else None
        if field is None:
            return _path_words(path)
        sub, many = _model_of(field.annotation)
        last = i == len(parts) - 1
        if sub is None or last:
            short = _short(field.description or "")
            if not short:
                return _path_words(path)
            words.append(short)
        elif many and i + 1 < len(parts):
            words.append(f"{_singular(parts[i])} {parts[i + 1].replace('_', ' ')}")
            i += 1
        elif i > 0 and field.description:
            words.append(_short(field.description))
        model = sub
        i += 1
    return ": ".join(w for w in words if w)


def _short(description: str) -> str:
    """A description up to its first bracket or semicolon."""
    for mark in (" (", ";"):
        description = description.split(mark)[0]
    return description.strip()


def _singular(section: str) -> str:
    return section[:-1] if section.endswith("s") else section


def _path_words(path: str) -> str:
    """``'a.b_c.d'`` as ``'a: b c: d'`` (the fallback of :func:`lever_name`)."""
    return ": ".join(part.replace("_", " ") for part in path.split("."))


def _intro() -> str:
    # str.replace, not str.format: the TOML examples in the text have braces of their own.
    values = {
        "{bounds}": "\n".join(f"* {text}" for text in _BOUNDS),
        "{gamma[0]:g}": f"{q.GAMMA_SHAPE[0]:g}",
        "{gamma[1]:g}": f"{q.GAMMA_SHAPE[1]:g}",
        "{weibull[0]:g}": f"{q.WEIBULL_SHAPE[0]:g}",
        "{weibull[1]:g}": f"{q.WEIBULL_SHAPE[1]:g}",
        "{cv:g}": f"{q.LOGNORMAL_CV:g}",
        "{memory:g}": f"{schema.MAX_MEMORY_BYTES / 2**30:g}",
        "{per_citizen:,}": f"{schema.BYTES_PER_CITIZEN:,}",
        "{per_company}": f"{schema.BYTES_PER_COMPANY}",
        "{per_slot}": f"{schema.BYTES_PER_SLOT}",
        "{max_bases}": f"{loader.MAX_BASES}",
    }
    text = _INTRO
    for key, value in values.items():
        text = text.replace(key, value)
    return text


_BOUNDS = (
    f"durations at most {q.MAX_WEEKS:,.0f} weeks (a working life);",
    f"multipliers and hazard ratios at most {q.MAX_MULTIPLIER:g} (a larger effect is "
    "another programme, not a lever);",
    f"money at most {q.MAX_DKK:.0e} DKK per item (several times the Danish state's annual budget);",
    f"hours at most {q.MAX_HOURS_PER_WEEK:g} a week (the hours in a week: exact);",
    f"referrals and company recruitment at most {q.MAX_PER_WEEK:,.0f} a week and "
    f"{q.MAX_PER_MONTH:,.0f} a month (the whole Danish benefit pool within months);",
    f"a dropout hazard at most {q.MAX_HAZARD:g} a week (leaving within a day);",
    f"citizens at most {q.MAX_CITIZENS:,} (more than all working-age Danes on public "
    f"benefits), companies at most {q.MAX_COMPANIES:,} (more than all Danish firms with "
    f"employees), slots at most {q.MAX_SLOTS:,} a company;",
    f"caseworkers at most {q.MAX_CASEWORKERS:,} (more than all Danish job centres employ), "
    f"mentors at most {q.MAX_MENTORS:,}, a caseload at most {q.MAX_CASELOAD:,}.",
)


def _section(path: str, model: type[BaseModel], many: bool) -> str:
    header = f"[[{path}]]" if many else f"[{path}]"
    paragraphs = [" ".join(p.split()) for p in (model.__doc__ or "").strip().split("\n\n")]
    text = [f"## `{header}`\n", *(f"{p}\n" for p in paragraphs), _table(model, path, True)]
    for name, field in model.model_fields.items():
        sub, sub_many = _model_of(field.annotation)
        if sub is not None:
            text.append(_section(f"{path}.{name}", sub, sub_many))
    return "\n".join(text)


def _table(model: type[BaseModel], path: str, skip_models: bool) -> str:
    rows = ["| field | kind | allowed | unit | meaning | default |", "|---|---|---|---|---|---|"]
    for name, field in model.model_fields.items():
        sub, many = _model_of(field.annotation)
        dotted = f"{path}.{name}" if path else name
        if sub is not None and skip_models:
            kind = f"[list of tables](#{_anchor(dotted, many)})" if many else "table"
            rows.append(f"| `{dotted}` | {kind} | | | {_meaning(field, sub)} | {_default(field)} |")
            continue
        kind, allowed = _kind(field.annotation)
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        unit = extra.get("unit") if kind != "date" else None
        if isinstance(unit, str):
            unit = " or ".join(u for u in accepted_units(unit) if " or " not in u)
        rows.append(
            f"| `{dotted}` | {kind} | {allowed} | {unit or ''} | {_meaning(field, None)} "
            f"| {_default(field)} |"
        )
    return "\n".join(rows) + "\n"


def _anchor(path: str, many: bool) -> str:
    header = f"[[{path}]]" if many else f"[{path}]"
    return "".join(ch for ch in header.lower() if ch.isalnum() or ch in "-_.").replace(".", "")


def _meaning(field: FieldInfo, model: type[BaseModel] | None) -> str:
    if field.description:
        return field.description.replace("|", "/")
    if model is not None and model.__doc__:
        return model.__doc__.strip().split("\n")[0]
    return ""


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    value = field.default
    if value is None:
        return "none"
    if value is PydanticUndefined:
        return "required"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value in ((), "", {}):
        return "empty"
    if isinstance(value, BaseModel):
        return "empty table"
    return f"`{value}`"


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The section model behind ``annotation`` (a model or a tuple of models), if any."""
    for arg in _union_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel) and not _is_quantity(arg):
            return arg, False
        if typing.get_origin(arg) is tuple:
            inner = typing.get_args(arg)[0]
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner, True
    return None, False


def _is_quantity(cls: type) -> bool:
    return issubclass(cls, Provenance)


def _union_args(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return tuple(a for a in typing.get_args(annotation) if a is not type(None))
    return (annotation,)


def _kind(annotation: Any) -> tuple[str, str]:
    """(kind, allowed values) of a field's annotation."""
    (arg,) = _union_args(annotation)[:1]
    if typing.get_origin(arg) is typing.Annotated:  # Strict() and validators: the type is first
        arg = typing.get_args(arg)[0]
    if isinstance(arg, type) and issubclass(arg, DistQuantity):
        return "distribution", "mean: " + _bounds(arg.model_fields["mean"]).removeprefix("number ")
    if isinstance(arg, type) and issubclass(arg, Provenance) and "values" in arg.model_fields:
        (item,) = typing.get_args(arg.model_fields["values"].annotation)
        return "list of numbers", "each " + _bounds(FieldInfo.from_annotation(item))
    if isinstance(arg, type) and issubclass(arg, Quantity):
        return "number", _bounds(arg.model_fields["value"])
    if typing.get_origin(arg) is Literal:
        return "one of", ", ".join(f"`{v}`" for v in typing.get_args(arg))
    if typing.get_origin(arg) is tuple:  # a list of plain values
        kind, allowed = _kind(typing.get_args(arg)[0])
        return f"list of {kind.removeprefix('one of').strip() or 'names'}", allowed
    if arg is dt.date:
        return "date", ""
    if arg is bool:
        return "true/false", ""
    if arg is str:
        return "text", ""
    if typing.get_origin(arg) is dict:
        return "table of text", ""
    return str(arg), ""


def _bounds(field: FieldInfo) -> str:
    whole = field.annotation is int
    low: Any = None
    high: Any = None
    strict = False
    for item in field.metadata:
        if isinstance(item, Ge):
            low = item.ge
        elif isinstance(item, Gt):
            low, strict = item.gt, True
        elif isinstance(item, Le):
            high = item.le
    what = "whole number" if whole else "number"
    if low is not None and high is not None:
        return f"{what} {'above ' if strict else ''}{_num(low)} to {_num(high)}"
    if low is not None:
        return f"{what} {'>' if strict else '>='} {_num(low)}"
    return what


def _num(x: float) -> str:
    """A bound as written in the docs: 2,600 or 1e+13 or 0.5."""
    if float(x).is_integer():
        return f"{x:.0e}" if abs(x) >= 1e9 else f"{int(x):,}"
    return f"{x:g}"


def _metrics() -> str:
    rows = ["## Metrics (for targets)\n", "| metric | counts |", "|---|---|"]
    rows += [f"| `{name}` | {label} |" for name, label in METRIC_LABELS.items()]
    return "\n".join(rows) + "\n"
