"""The :class:`Scenario`: a programme as validated, immutable data, and how one is made.

:func:`parse_scenario` is the one constructor: nested mappings (as parsed from TOML, or
saved as JSON) are validated against the sections' schema (:mod:`.sections`), then checked
across fields (dates inside the period, shares that sum to one, targets no larger than the
cohort, sources that exist, a size that fits in memory); every problem found is reported
together, each with its field path, what was expected and what was given. Files come in
through :mod:`.loader`; a what-if (:meth:`Scenario.with_changes`) is the baseline's data
changed at dotted paths (:mod:`.changes`) and made again here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field, PrivateAttr, ValidationError

from ..display import Table, as_html, as_text
from ..errors import Problem, ScenarioError, short
from ..metrics import CITIZEN_METRICS, METRIC_LABELS
from .changes import changed
from .conditions import Condition
from .numbers import lever_rows, value_text
from .problems import MAX_DEPTH, depth, problems_from
from .quantities import Text, Version, iter_numbers
from .sections import (
    FROZEN,
    Accounts,
    Budget,
    BusinessAsUsual,
    Companies,
    Costs,
    Dropout,
    Employment,
    Group,
    Intake,
    Period,
    Placement,
    Preparation,
    Staff,
    Target,
    described,
)
from .sources import CITED_BY_SOURCE, SOURCE_ENTRY, is_reference, is_source_entry
from .units import SYNONYMS, unit_problems

__all__ = ["Scenario", "cohort_size", "expected_citizens", "memory_estimate", "parse_scenario"]

_LAST_DATE = dt.date(2999, 12, 31)  # keeps week arithmetic far from date.max


class Scenario(BaseModel):
    """A programme scenario: immutable and validated; a what-if is a validated copy.

    Build one with :func:`labour_sim.load_scenario`; change one with :meth:`with_changes`.
    """

    model_config = FROZEN
    _origin: str | None = PrivateAttr(default=None)
    _text: str | None = PrivateAttr(default=None)
    schema_version: Version = described("version of this format", None, 1)
    name: Text = Field(min_length=1, description="the programme's name")
    description: Text = described("what the programme does and promised", None, "")
    sources: dict[Text, Text] = described(
        "key = URL, source article's file name or dated citation; cited by the numbers' "
        "source fields",
        None,
        {},
    )
    period: Period
    intake: Intake
    groups: tuple[Group, ...] = Field(min_length=1)
    companies: Companies
    staff: Staff = Staff()
    preparation: Preparation
    placement: Placement
    employment: Employment
    dropout: Dropout
    budget: Budget = Budget()
    accounts: Accounts | None = described(
        "who pays what, for the business case (refusion, discounting, payers)", None, None
    )
    business_as_usual: BusinessAsUsual | None = described(
        "base exit rates without the programme (the business-as-usual arm); none: no exits",
        None,
        None,
    )
    costs: Costs = Costs()
    targets: tuple[Target, ...] = ()
    conditions: tuple[Condition, ...] = described(
        "dated changes of rates over calendar time (see the conditions section)", None, ()
    )

    # -- derived facts ---------------------------------------------------------------------
    @property
    def origin(self) -> str | None:
        """Path of the file the scenario was loaded from, if any."""
        return self._origin

    @property
    def text(self) -> str | None:
        """The scenario file's text as loaded (before any what-if change)."""
        return self._text

    @cached_property
    def hash(self) -> str:
        """Short, stable hash of the validated content (not of the file's formatting).

        The SHA-256 of the content as JSON with sorted keys (``json.dumps(data,
        sort_keys=True)``), assembled from :attr:`hash_parts`.
        """
        parts = self.hash_parts
        payload = "{" + ", ".join(f"{json.dumps(k)}: {parts[k]}" for k in sorted(parts)) + "}"
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    @cached_property
    def hash_parts(self) -> dict[str, str]:
        """Each top-level field's JSON text (sorted keys), as :attr:`hash` reads them.

        Kept per field so that a what-if changing a few sections re-encodes only those.
        """
        data = self.model_dump(mode="json")
        if not data["conditions"]:  # scenarios without conditions keep their hashes
            del data["conditions"]
        return {k: _hash_text(k, v) for k, v in data.items()}

    def week_of(self, date: dt.date) -> float:
        """Weeks from ``period.start`` to ``date``."""
        return (date - self.period.start).days / 7.0

    def date_of(self, week: float) -> dt.date:
        """Calendar date ``week`` weeks after ``period.start`` (rounded down to a day)."""
        return self.period.start + dt.timedelta(days=int(week * 7))

    @property
    def horizon_weeks(self) -> float:
        """Simulated time: the programme period plus the follow-up, weeks."""
        return self.week_of(self.period.end) + self.period.follow_up_weeks.value

    def target(self, name: str) -> Target:
        """The target called ``name``."""
        for t in self.targets:
            if t.name == name:
                return t
        raise ScenarioError.single(
            "targets", f"one of {[t.name for t in self.targets]}", name, self.origin
        )

    # -- what it is, in short ----------------------------------------------------------------
    def levers(self) -> pd.DataFrame:
        """Every number of the scenario, one row each, at the dotted path ``with_changes`` takes.

        Columns: ``path, value`` (a distribution's mean; a list for monthly counts), ``unit``,
        ``distribution``, ``origin`` (``source`` or ``assumption``), ``source`` (the cited
        URL or file), ``assumption`` (its wording) and ``low, high`` (an assumption's range).
        """
        return lever_rows(iter_numbers(self), self.sources)

    def _summary(self) -> tuple[str, list[str], list[Table]]:
        p, intake = self.period, self.intake
        lines = [f"{p.start} to {p.end}; outcomes followed {p.follow_up_weeks.value:g} weeks more"]
        if intake.schedule == "monthly" and intake.monthly_counts is not None:
            counts = intake.monthly_counts.values
            lines.append(f"cohort: {sum(counts):,.0f} citizens referred over {len(counts)} months")
        else:
            rate = intake.rate_per_week.value if intake.rate_per_week else 0.0
            cap = f", at most {intake.cohort_max.value:,}" if intake.cohort_max else ""
            lines.append(
                f"cohort: about {expected_citizens(self):,.0f} citizens referred "
                f"({rate:g} a week{cap})"
            )
        lines.append("groups: " + ", ".join(f"{g.name} {g.share.value:.0%}" for g in self.groups))
        c, st = self.companies, self.staff
        staff = [
            f"{q.value:,} {what}"
            for q, what in ((st.caseworkers, "caseworkers"), (st.mentors, "mentors"))
            if q is not None
        ]
        lines.append(
            f"companies: {c.initial.value:,} at the start, at most {c.max_companies.value:,}, "
            f"{c.slots_per_company.value:,} slot{'' if c.slots_per_company.value == 1 else 's'} each"
            + (f"; {', '.join(staff)}" if staff else "")
        )
        numbers = self.levers()
        assumed = int((numbers["origin"] == "assumption").sum())
        lines.append(
            f"{len(numbers)} numbers: {len(numbers) - assumed} sourced, {assumed} assumptions "
            "(scenario.levers() lists them)"
        )
        if self.origin:
            lines.append(f"file: {self.origin}")
        targets = Table(
            ("target", "promise", "by"),
            tuple(
                (
                    t.name,
                    f"{t.threshold.value:,.0f} "
                    + METRIC_LABELS.get(t.metric, t.metric).removeprefix("citizens "),
                    str(t.date),
                )
                for t in self.targets
            ),
            caption="targets",
        )
        rows = tuple(
            (
                str(r.path),
                value_text(r.value),
                str(r.unit),
                f"source: {r.source}"
                if r.origin == "source"
                else f"assumption, {r.low:g} to {r.high:g}",
            )
            for r in numbers.itertuples()
        )
        levers = Table(
            ("path", "value", "unit", "origin"), rows,
            caption=f"levers: {len(numbers)} numbers ({assumed} assumptions)", folded=True,
            limit=len(rows),
        )  # fmt: skip
        return f"Scenario: {self.name}", lines, [targets, levers]

    def __repr__(self) -> str:
        return as_text(*self._summary())

    def __str__(self) -> str:
        return repr(self)

    def _repr_html_(self) -> str:
        return as_html(*self._summary())

    def with_provenance(self, origin: str | None, text: str | None) -> Scenario:
        """A copy of the scenario marked as read from ``origin``, with file text ``text``.

        The one place a scenario's provenance is set (files, what-if copies, saved results
        and unpickling all come through here). Returns a shallow copy; the content, and so
        :attr:`hash`, is unchanged.
        """
        stamped = self.model_copy()
        stamped._origin = origin
        stamped._text = text
        return stamped

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Parametrised generic models (Quantity[...]) cannot be pickled by reference, so a
        # scenario travels to worker processes as its plain data (dates stay dates).
        return _rebuild, (self.model_dump(mode="python"), self.origin, self.text)

    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A validated copy with values changed at dotted paths.

        Parameters
        ----------
        changes : mapping
            ``{"companies.slots_per_company": 2, "groups.refugees.share": 0.2, ...}``.
            A plain number set on a quantity replaces its value (or a distribution's mean)
            and marks it as a what-if assumption; a table replaces the whole quantity.
            List items are addressed by index or by ``name``.

        Raises
        ------
        ScenarioError
            If a path does not exist or the changed scenario is invalid; it names the
            what-if (and the file it changes), not the file, as where the mistake is.
        """
        fast = self._with_numbers(changes)
        if fast is not None:
            return fast
        where = what_if_name(changes, self.origin)
        data = changed(self.model_dump(mode="python"), changes, where)
        try:
            return parse_scenario(data, self.origin, self.text)
        except ScenarioError as exc:
            raise ScenarioError(exc.problems, where) from None

    def _with_numbers(self, changes: Mapping[str, Any]) -> Scenario | None:
        """:meth:`with_changes` of numbers in sections, validating only those sections.

        The same scenario as the full way (the scenario's fields are validated one by one,
        so an untouched section validates to itself) at a fraction of its cost: what
        calibration and lever searches do thousands of times. Every cross-field check still
        runs on the result. ``None`` (take the full way, which also words any error) unless
        every change sets a number in a section and the result is valid.
        """
        fields = type(self).model_fields
        touched: dict[str, Any] = {}
        for path, new in changes.items():
            if isinstance(new, bool) or not isinstance(new, int | float):
                return None
            name = path.split(".", 1)[0]
            info = fields.get(name)
            section = getattr(self, name) if info is not None else None
            if not isinstance(section, BaseModel) or info.annotation is not type(section):  # type: ignore[union-attr]
                return None
            touched[name] = section
        try:
            data = changed({k: v.model_dump(mode="python") for k, v in touched.items()}, changes)
            sections = {k: type(v).model_validate(data[k]) for k, v in touched.items()}
        except (ScenarioError, ValidationError):
            return None
        values = {k: getattr(self, k) for k in fields}
        new_scenario = type(self).model_construct(
            _fields_set=set(self.model_fields_set), **(values | sections)
        )
        if next(iter(_consistency(new_scenario, tuple(touched))), None) is not None:
            return None
        parts = dict(self.hash_parts)
        parts.update({k: _hash_text(k, v.model_dump(mode="json")) for k, v in sections.items()})
        new_scenario.__dict__["hash_parts"] = parts  # what the cached property would find
        return new_scenario.with_provenance(self.origin, self.text)


def _hash_text(name: str, value: Any) -> str:
    """One top-level field's part of :attr:`Scenario.hash` (its JSON, sorted keys)."""
    if name == "placement" and value["hybrid_share"] is None:
        # scenarios without hybrid placements keep their hashes
        value = {k: v for k, v in value.items() if k != "hybrid_share"}
    return json.dumps(value, sort_keys=True)


def what_if_name(changes: Mapping[str, Any], origin: str | None) -> str:
    """How an error names a what-if: its changes, and the file they change."""
    shown = ", ".join(f"{path}={short(value, 30)}" for path, value in changes.items())
    return f"the what-if {{{short(shown, 100).strip(chr(39))}}}" + (
        f" of {origin}" if origin else ""
    )


def _rebuild(data: dict[str, Any], origin: str | None, text: str | None) -> Scenario:
    """Unpickle a scenario (see ``Scenario.__reduce__``).

    The data were checked when the scenario was made, so only the schema is applied (to
    rebuild the typed sections, in compiled code) and not the loader's cross-field checks.
    """
    return Scenario.model_validate(data).with_provenance(origin, text)


def parse_scenario(
    data: Mapping[str, Any],
    origin: str | None = None,
    text: str | None = None,
    *,
    from_json: bool = False,
) -> Scenario:
    """Validate a scenario given as nested mappings (as parsed from TOML).

    This is how every validated scenario is made (files, what-if changes, saved results).

    Parameters
    ----------
    data : mapping
        The scenario's tables, as :func:`tomllib.loads` gives them.
    origin : str, optional
        The file it was read from (named in errors and kept as ``scenario.origin``).
    text : str, optional
        The text of that file and its bases, kept as ``scenario.text``.
    from_json : bool
        ``data`` is JSON (``scenario.model_dump(mode="json")``, e.g. from a saved result):
        dates are ISO strings there. Otherwise a string is never taken as a date or a
        number.

    Raises
    ------
    ScenarioError
        Listing every problem found.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError.single("scenario", "a table of sections", type(data).__name__, origin)
    if depth(data) > MAX_DEPTH:
        raise ScenarioError.single(
            "scenario", f"tables nested at most {MAX_DEPTH} levels deep", "deeper", origin
        )
    try:
        if from_json:
            scenario = Scenario.model_validate_json(json.dumps(dict(data)))
        else:
            scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, data), origin) from None
    problems = list(_consistency(scenario))
    if problems:
        raise ScenarioError(problems, origin)
    return scenario.with_provenance(origin, text)


def _consistency(s: Scenario, sections: tuple[str, ...] | None = None) -> Iterator[Problem]:
    """Every cross-field problem of ``s``.

    ``sections``: only the numbers of these sections are checked for their units and
    sources (each number on its own: the others are known to pass), for a what-if that
    changed numbers in those sections only.
    """
    yield from _check_units(s, sections)
    yield from _check_size(s)
    yield from _check_period(s)
    yield from _check_shares(s)
    yield from _check_staff(s)
    yield from _check_targets(s)
    yield from _check_conditions(s)
    yield from _check_costs(s)
    yield from _check_sources(s, sections)


def _check_period(s: Scenario) -> Iterator[Problem]:
    start, end = s.period.start, s.period.end
    if end <= start:
        yield Problem("period.end", f"a date after period.start ({start})", str(end))
    if _follow_up_end(s) > _LAST_DATE:
        yield Problem(
            "period.follow_up_weeks",
            f"a follow-up ending by {_LAST_DATE} (period.end plus follow-up)",
            f"{s.period.follow_up_weeks.value:g} weeks after {end}",
        )
    intake = s.intake
    for field in ("start", "end"):
        day = getattr(intake, field)
        if day is not None and not start <= day <= end:
            yield Problem(f"intake.{field}", f"a date within the period {start}..{end}", str(day))
    if intake.start and intake.end and intake.end < intake.start:
        yield Problem("intake.end", "a date on or after intake.start", str(intake.end))
    if intake.schedule == "poisson" and intake.rate_per_week is None:
        yield Problem("intake.rate_per_week", "a rate for schedule = 'poisson'", "nothing")
    if intake.schedule == "monthly" and intake.monthly_counts is None:
        yield Problem("intake.monthly_counts", "counts for schedule = 'monthly'", "nothing")


def _check_shares(s: Scenario) -> Iterator[Problem]:
    total = sum(g.share.value for g in s.groups)
    if abs(total - 1) > 1e-6:
        yield Problem("groups.*.share", "shares that sum to 1", f"{total:g}")
    names = [g.name for g in s.groups]
    if len(set(names)) != len(names):
        yield Problem("groups.*.name", "unique group names", str(names))
    o = s.placement.outcomes
    hired = o.ordinary.value + o.reduced.value + o.flexjob.value + o.education.value
    if hired > 1 + 1e-9:
        yield Problem("placement.outcomes", "probabilities that sum to at most 1", f"{hired:g}")
    c = s.companies
    if c.sectors and abs(sum(x.share.value for x in c.sectors) - 1) > 1e-6:
        yield Problem("companies.sectors.*.share", "shares that sum to 1", "another sum")
    if c.match_sector and not c.sectors:
        yield Problem("companies.sectors", "sectors when match_sector = true", "none")
    if c.initial.value > c.max_companies.value:
        yield Problem(
            "companies.initial",
            f"at most max_companies ({c.max_companies.value})",
            str(c.initial.value),
        )


def _check_staff(s: Scenario) -> Iterator[Problem]:
    st = s.staff
    if (st.caseworkers is None) != (st.caseload is None):
        yield Problem("staff.caseload", "caseworkers and caseload given together", "only one")
    if (st.mentors is None) != (st.mentees_per_mentor is None):
        yield Problem(
            "staff.mentees_per_mentor", "mentors and mentees_per_mentor together", "only one"
        )
    if st.mentor_required and st.mentors is None:
        yield Problem("staff.mentor_required", "mentors when mentor_required = true", "no mentors")


#: Memory a replication may need, by estimate, before a scenario is refused (bytes).
MAX_MEMORY_BYTES = 4 * 2**30
#: Estimated bytes per citizen (draw arrays, SimPy process and records: about 3.5 kB
#: measured from 2,000 to 20,000 citizens, doubled for safety), per company and per slot.
BYTES_PER_CITIZEN = 8_000
BYTES_PER_COMPANY = 500
BYTES_PER_SLOT = 200


def expected_citizens(s: Scenario) -> float:
    """Citizens one replication refers on average (the cap, the monthly sum or rate x time)."""
    intake = s.intake
    cap = intake.cohort_max.value if intake.cohort_max else math.inf
    if intake.schedule == "monthly":
        counts = intake.monthly_counts.values if intake.monthly_counts else []
        return min(cap, sum(counts))
    rate = intake.rate_per_week.value if intake.rate_per_week else 0.0
    ramp = intake.ramp_up_weeks.value if intake.ramp_up_weeks else 0.0
    span = max(
        0.0, s.week_of(intake.end or s.period.end) - s.week_of(intake.start or s.period.start)
    )
    mean = rate * (span - ramp / 2) if span >= ramp else rate * span**2 / (2 * ramp)
    return min(cap, mean)


def memory_estimate(s: Scenario) -> float:
    """Bytes one replication of ``s`` needs, by estimate (see ``BYTES_PER_CITIZEN``)."""
    c = s.companies
    companies = c.max_companies.value
    return (
        expected_citizens(s) * BYTES_PER_CITIZEN
        + companies * BYTES_PER_COMPANY
        + companies * c.slots_per_company.value * BYTES_PER_SLOT
    )


def _check_units(s: Scenario, sections: tuple[str, ...] | None = None) -> Iterator[Problem]:
    if sections is None:
        yield from unit_problems(s)
    else:
        for name in sections:
            yield from unit_problems(getattr(s, name), f"{name}.")


def _check_size(s: Scenario) -> Iterator[Problem]:
    need = memory_estimate(s)
    if need > MAX_MEMORY_BYTES:
        yield Problem(
            "scenario size",
            f"a replication that fits in {MAX_MEMORY_BYTES / 2**30:g} GiB (estimated from "
            f"{BYTES_PER_CITIZEN:,} bytes a citizen, {BYTES_PER_COMPANY} a company and "
            f"{BYTES_PER_SLOT} a slot; cap intake.cohort_max or lower "
            "companies.max_companies x slots_per_company)",
            f"{need / 2**30:.3g} GiB for {expected_citizens(s):.3g} citizens and "
            f"{_all_slots(s):.3g} slots",
        )


def _all_slots(s: Scenario) -> float:
    """Slots of all companies ever recruited."""
    return float(s.companies.max_companies.value * s.companies.slots_per_company.value)


def cohort_size(s: Scenario) -> float:
    """Most citizens the intake schedule can refer (infinite for an uncapped Poisson rate)."""
    cap = s.intake.cohort_max.value if s.intake.cohort_max else float("inf")
    if s.intake.schedule == "monthly" and s.intake.monthly_counts is not None:
        return min(cap, sum(s.intake.monthly_counts.values))
    return cap


def _follow_up_end(s: Scenario) -> dt.date:
    """The last date outcomes are followed; ``date.max`` if that lies beyond the calendar."""
    try:
        return s.period.end + dt.timedelta(weeks=s.period.follow_up_weeks.value)
    except OverflowError:
        return dt.date.max


def _check_targets(s: Scenario) -> Iterator[Problem]:
    last = _follow_up_end(s)
    cohort = cohort_size(s)
    names = [t.name for t in s.targets]
    if len(set(names)) != len(names):
        yield Problem("targets.*.name", "unique target names", str(names))
    for t in s.targets:
        path = f"targets.{t.name}"
        if not s.period.start <= t.date <= last:
            yield Problem(f"{path}.date", f"a date within {s.period.start}..{last}", str(t.date))
        counts, other = SYNONYMS["citizens"], ("companies",)
        if t.metric not in CITIZEN_METRICS:
            counts, other = other, counts
        if t.threshold.unit in other:  # the field takes either; the metric counts one
            yield Problem(
                f"{path}.threshold.unit",
                f"{' or '.join(map(repr, counts))} (what {t.metric!r} counts)",
                repr(t.threshold.unit),
            )
        limit = cohort if t.metric in CITIZEN_METRICS else s.companies.max_companies.value
        if t.threshold.value > limit:
            what = "the cohort" if t.metric in CITIZEN_METRICS else "companies.max_companies"
            yield Problem(
                f"{path}.threshold", f"at most {what} ({limit:g})", f"{t.threshold.value:g}"
            )


def _check_costs(s: Scenario) -> Iterator[Problem]:
    c = s.costs
    follow = c.savings_follow_up_weeks
    if follow is not None and follow.value > s.period.follow_up_weeks.value:
        yield Problem(
            "costs.savings_follow_up_weeks.value",
            f"at most period.follow_up_weeks ({s.period.follow_up_weeks.value:g})",
            f"{follow.value:g}",
        )
    if c.caseworker_dkk_per_year is not None and c.caseload is None and s.staff.caseload is None:
        yield Problem(
            "costs.caseload", "a caseload (or staff.caseload) to cost caseworker time", "nothing"
        )


def _check_sources(s: Scenario, sections: tuple[str, ...] | None = None) -> Iterator[Problem]:
    numbers = iter_numbers(s)
    if sections is None:
        for key, ref in s.sources.items():
            if not is_source_entry(ref):
                yield Problem(f"sources.{key}", SOURCE_ENTRY, ref)
    else:
        numbers = (item for name in sections for item in iter_numbers(getattr(s, name), f"{name}."))
    for path, q in numbers:
        src = q.source
        if src is not None and src not in s.sources and not is_reference(src):
            yield Problem(f"{path}.source", CITED_BY_SOURCE, src)


def _check_conditions(s: Scenario) -> Iterator[Problem]:
    names = [c.name for c in s.conditions]
    if len(set(names)) != len(names):
        yield Problem("conditions.*.name", "unique condition names", str(names))
    for c in s.conditions:
        path = f"conditions.{c.name}"
        if c.start is not None and c.end is not None and c.end <= c.start:
            yield Problem(f"{path}.end", f"a date after start ({c.start})", str(c.end))
        if c.kind == "series":
            assert c.dates is not None and c.values is not None and c.reference is not None
            if len(c.dates) != len(c.values.values):
                yield Problem(
                    f"{path}.values",
                    f"one value per date ({len(c.dates)} dates)",
                    f"{len(c.values.values)} values",
                )
            if any(b <= a for a, b in zip(c.dates, c.dates[1:], strict=False)):
                yield Problem(f"{path}.dates", "increasing dates", short(list(map(str, c.dates))))
            if c.reference.unit != c.values.unit:
                yield Problem(
                    f"{path}.reference.unit",
                    f"the values' unit ({c.values.unit!r})",
                    repr(c.reference.unit),
                )
        if "placement_start" in c.applies_to:
            if c.kind != "period":
                yield Problem(
                    f"{path}.kind",
                    "'period' for placement_start (placements pause or not)",
                    repr(c.kind),
                )
            elif c.factor is not None and c.factor.value not in (0.0, 1.0):
                yield Problem(
                    f"{path}.factor.value",
                    "0 (no new placements start) or 1 (no effect) for placement_start: "
                    "partial rates of placement starts are not modelled",
                    f"{c.factor.value:g}",
                )
        if "referral" in c.applies_to and s.intake.schedule == "monthly":
            yield Problem(
                f"{path}.applies_to",
                "no 'referral' with intake.schedule = 'monthly' (the counts are what "
                "happened; change them instead)",
                "referral",
            )
