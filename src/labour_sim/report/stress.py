"""The model description, following the STRESS-DES reporting checklist.

STRESS-DES (Monks et al. 2019, *Strengthening the reporting of empirical simulation studies:
introducing the STRESS guidelines*, Journal of Simulation 13(1), 55-67) lists what a report of
a discrete-event simulation study must say, in six parts: objectives, logic, data,
experimentation, implementation and code access. :func:`stress_des` fills every item from the
scenario that was run, the results' metadata and what the model does (docs/model.md): no item is
a placeholder. Text from the scenario file is escaped like everywhere else in the report.
"""

from __future__ import annotations

import math
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..calibration import Observations
from ..experiments import Results
from ..metrics import METRIC_LABELS
from ..scenario import Scenario, iter_numbers
from ..scenario.quantities import DistQuantity
from ..streams import Stream
from .html import Html, join, short_link, tag

__all__ = ["STRESS_REFERENCE", "StudyInfo", "stress_des"]

STRESS_REFERENCE = (
    "Monks T, Currie CSM, Onggo BS, Robinson S, Kunc M, Taylor SJE (2019). Strengthening the "
    "reporting of empirical simulation studies: introducing the STRESS guidelines. Journal of "
    "Simulation 13(1):55-67. doi:10.1080/17477778.2018.1442155"
)

_DIAGRAM = """\
referred --> intake --> preparation --> waiting for a slot --> placement --> employed
 (wait for a     (assessment)  ^              (company slot,      |   |      (ordinary hours
  caseworker)                  |               FIFO)              |   |       or small job)
                               +---- not hired, attempts left ----+   |          |
                                                                      +--> flexjob / education
 employed --> job lost --> back to the programme (relapse) or left
 any active state --> dropout;  attempts used up --> left;  end of follow-up: censored"""


@dataclass(frozen=True)
class StudyInfo:
    """How the report's experiments were run (what the scenario does not say).

    Attributes
    ----------
    levers : tuple of str
        Dotted paths of the levers in the one-at-a-time sensitivity analysis (may be empty).
    lever_replications : int
        Replications per lever setting (0: no sensitivity analysis).
    observations : Observations or None
        The evaluation the uncalibrated scenario is compared with, if any.
    command : str
        The command line that reruns the report.
    code_version : str
        Package version, and the git commit when known.
    """

    levers: tuple[str, ...]
    lever_replications: int
    observations: Observations | None
    command: str
    code_version: str


def stress_des(scenario: Scenario, results: Results, info: StudyInfo) -> Html:
    """The six STRESS-DES parts as HTML (``h3`` per part, a definition list of items)."""
    parts = [
        ("1. Objectives", _objectives(scenario, info)),
        ("2. Logic", _logic(scenario, info, results.calibrated_values())),
        ("3. Data", _data(scenario)),
        ("4. Experimentation", _experimentation(scenario, results)),
        ("5. Implementation", _implementation(results)),
        ("6. Code access", _code_access(info)),
    ]
    intro = tag(
        "p",
        "This description follows the STRESS-DES checklist for reporting discrete-event "
        "simulation studies (",
        STRESS_REFERENCE,
        ").",
        class_="note",
    )
    sections = [
        tag("section", tag("h3", title), _items(items), class_="stress-part")
        for title, items in parts
    ]
    return join([intro, *sections])


Item = tuple[str, object]


def _items(items: Sequence[Item]) -> Html:
    return tag("dl", *(join([tag("dt", k), tag("dd", v)]) for k, v in items), class_="stress")


# -- 1. objectives ----------------------------------------------------------------------------
def _objectives(s: Scenario, info: StudyInfo) -> list[Item]:
    promises = "; ".join(_promise(s, t.name) for t in s.targets) or "no targets are stated"
    aims = ["The baseline: how likely each target is, and the costs, with the scenario as given."]
    if info.lever_replications > 0 and info.levers:
        aims.append(
            "Which levers matter most: a one-at-a-time (tornado) analysis moving each of "
            f"{', '.join(info.levers)} from the low to the high end of its plausible range."
        )
    if info.observations is not None:
        aims.append(
            f"Face validity: what the uncalibrated model simulates against what "
            f"'{info.observations.name}' reported, at the same dates."
        )
    return [
        (
            "1.1 Purpose of the model",
            f"To judge whether the promise of '{s.name}' is realistic with its planned "
            f"capacity, support and budget, and at what cost. {_one_line(s.description)} "
            f"Promised: {promises}.",
        ),
        (
            "1.2 Model outputs",
            "For each target, the probability that it is reached (share of replications, "
            "with a Wilson 95 % interval) and the distribution of the outcome count (median, "
            "80 % and 95 % intervals). Cumulative counts of distinct citizens who reached each "
            "milestone ("
            + ", ".join(
                METRIC_LABELS[m]
                for m in ("referred", "placed", "ordinary", "attached", "employed_26w")
            )
            + ") and of companies, weekly over the whole run as "
            "5-95 % bands. Costs in DKK: programme cost against the grant, public cost, "
            "benefits saved, net public cost, per participant and per job still held 26 weeks "
            "after hire. Waiting times, queue lengths and utilisation of staff and slots.",
        ),
        ("1.3 Experimentation aims", join((tag("span", a) for a in aims), " ")),
    ]


def _promise(s: Scenario, name: str) -> str:
    t = s.target(name)
    label = METRIC_LABELS.get(t.metric, t.metric)
    return f"{t.threshold.value:,.0f} {label} by {t.date} ({t.name})"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- 2. logic ---------------------------------------------------------------------------------
def _logic(
    s: Scenario, info: StudyInfo, calibrated: Mapping[str, tuple[float, float, float]]
) -> list[Item]:
    base = _base_logic(s)
    if calibrated:
        medians = "; ".join(f"{path} {mid:.4g}" for path, (mid, _, _) in calibrated.items())
        base.append(
            "The numbers above are the scenario's as written. In this calibrated run each "
            "replication ran at its own posterior draw of the calibrated numbers (medians: "
            f"{medians}; see the assumptions appendix)."
        )
    return [
        (
            "2.1 Base model overview diagram",
            join(
                [
                    tag("pre", _DIAGRAM, role="img", aria_label="pathway of a citizen"),
                    "States of a citizen. Companies join over time and offer slots; staff are "
                    "capacity that citizens wait for.",
                ]
            ),
        ),
        ("2.2 Base model logic", join(tag("p", p) for p in base)),
        (
            "2.3 Scenario logic",
            "Scenarios differ only in their numbers, never in the model's structure: every "
            "what-if is a validated copy of the scenario with changed values, marked as "
            "assumptions (Scenario.with_changes). "
            + (
                f"The sensitivity analysis sets one lever at a time ({', '.join(info.levers)}) "
                "to the ends of its range, all others at the scenario's values, on the same "
                "random numbers."
                if info.levers and info.lever_replications > 0
                else "This report runs the scenario as given; no alternative scenarios."
            ),
        ),
        ("2.4 Algorithms", _algorithms(s)),
        ("2.5 Components", _components(s)),
    ]


def _base_logic(s: Scenario) -> list[str]:
    intake = s.intake
    if intake.schedule == "poisson":
        assert intake.rate_per_week is not None
        ramp = intake.ramp_up_weeks.value if intake.ramp_up_weeks else 0
        arrivals = (
            f"Citizens are referred as a Poisson process at {intake.rate_per_week.value:g} a "
            f"week" + (f", ramping up linearly over the first {ramp:g} weeks" if ramp else "")
        )
    else:
        assert intake.monthly_counts is not None
        arrivals = (
            f"Citizens are referred by a monthly schedule ({sum(intake.monthly_counts.values):,.0f} "
            f"in {len(intake.monthly_counts.values)} months, spread over each month)"
        )
    cap = f", at most {intake.cohort_max.value:,} in all" if intake.cohort_max else ""
    groups = ", ".join(f"{g.name} ({g.share.value:.0%})" for g in s.groups)
    c, p, o = s.companies, s.placement, s.placement.outcomes
    staff = _staff_words(s)
    return [
        f"{arrivals}{cap}, from {intake.start or s.period.start} to "
        f"{intake.end or s.period.end}. Each belongs to a target group ({groups}) and draws a "
        "readiness (distance to the labour market) from the group's distribution; readiness "
        "shortens preparation, lowers the dropout hazard and raises the chance of hire.",
        f"A referred citizen waits for a caseworker's case ({staff}), is assessed (mean "
        f"{intake.assessment_weeks.mean:g} weeks) and prepared (mean "
        f"{s.preparation.duration_weeks.mean:g} weeks at readiness 1, times the support "
        f"multiplier {s.preparation.support_multiplier.value:g}), then waits for a free "
        f"company slot. {c.initial.value:,} companies take part at the start; more are "
        f"recruited at {c.recruitment_per_week.value:g} a week up to {c.max_companies.value:,}, "
        f"each with {c.slots_per_company.value} slot"
        + ("" if c.slots_per_company.value == 1 else "s")
        + (f" and staying a mean of {c.tenure_weeks.mean:g} weeks" if c.tenure_weeks else "")
        + ".",
        f"A placement lasts a mean of {p.duration_weeks.mean:g} weeks and ends in a hire on "
        f"ordinary hours ({o.ordinary.value:.0%} at readiness, company willingness and "
        f"mentoring 1), a small job on reduced hours ({o.reduced.value:.0%}), a flexjob "
        f"({o.flexjob.value:.0%}), education ({o.education.value:.0%}) or no hire. Mentoring "
        f"multiplies the chances by {p.mentor_multiplier.value:g}. After a placement without "
        f"hire, {p.back_to_preparation.value:.0%} go back to preparation and the rest straight "
        f"back to waiting, up to {p.max_attempts.value} placements; then they leave.",
        _employment_words(s),
    ]


def _staff_words(s: Scenario) -> str:
    st = s.staff
    if st.caseworkers is None or st.caseload is None:
        words = "caseworkers not limited"
    else:
        words = (
            f"{st.caseworkers.value} caseworkers x {st.caseload.value} cases = "
            f"{st.caseworkers.value * st.caseload.value:,} cases at a time"
        )
    if st.mentors is not None and st.mentees_per_mentor is not None:
        words += f"; {st.mentors.value} mentors x {st.mentees_per_mentor.value} mentees, " + (
            "a placement waits for a mentor" if st.mentor_required else "used when free"
        )
    return words


def _employment_words(s: Scenario) -> str:
    e, d = s.employment, s.dropout
    support = (
        f"follow-up support multiplies the job-loss hazard by {e.follow_up_hazard_ratio.value:g}"
        if e.follow_up_support
        else "there is no follow-up support after hire"
    )
    return (
        f"A job on ordinary hours lasts a mean of {e.ordinary_job_weeks.mean:g} weeks "
        f"({e.ordinary_job_weeks.dist}), a small job {e.reduced_job_weeks.mean:g} weeks; "
        f"{e.reduced_to_ordinary.value:.0%} of small jobs grow to ordinary hours (after a mean "
        f"of {e.hours_growth_weeks.mean:g} weeks); {support}. Of those who lose a job, "
        f"{e.relapse_to_programme.value:.0%} are referred back to the programme. While active "
        f"in the programme a citizen drops out at {d.rate_per_week.value:g} a week (divided by "
        "readiness). Retention is read 13, 26 and 52 weeks after hire."
    )


def _algorithms(s: Scenario) -> Html:
    families = sorted({q.dist for _, q in iter_numbers(s) if isinstance(q, DistQuantity)})
    return join(
        tag("p", text)
        for text in (
            "Durations are drawn from the distribution each scenario number names, by its "
            f"mean (families used here: {', '.join(families)}; gamma and Weibull with a shape, "
            "lognormal with a standard deviation). Poisson referrals come from exponential "
            "gaps (a thinned process during the ramp-up).",
            "Dropout is a competing risk: an exponential time with rate dropout rate / "
            "readiness, drawn once per referral and spent only while the citizen is active; "
            "waits race against it and a citizen who drops out while waiting withdraws the "
            "request.",
            "A placement's outcome is one uniform draw against the four hiring probabilities "
            "scaled by readiness x company willingness x mentor multiplier (scaled down "
            "together if they would exceed one). Job lengths under follow-up support use a "
            "proportional-hazards transform of the same uniform, so support lengthens "
            "exactly the jobs it would, on common random numbers.",
            "Costs are computed after the run from each citizen's time in each state "
            "(benefit, wage subsidy, mentor hours, caseworker time) plus one-off and fixed "
            "costs; benefit savings count weeks in paid work, against a counterfactual in "
            "which nobody would have found work without the programme.",
        )
    )


def _components(s: Scenario) -> Html:
    c = s.companies
    slots = c.max_companies.value * c.slots_per_company.value
    sector = " of the citizen's sector" if c.match_sector and c.sectors else ""
    mentor_queue = (
        "; for a mentor once a slot is found (the slot is held meanwhile)"
        if s.staff.mentor_required
        else ""
    )
    items: list[Item] = [
        (
            "Entities",
            f"Citizens ({len(s.groups)} target group{'' if len(s.groups) == 1 else 's'}), "
            "each with a group, readiness and placement history; companies, each with a join week, a willingness to hire "
            "(multiplier) and a leaving week.",
        ),
        (
            "Activities",
            "Intake assessment, preparation, company placement, employment on ordinary or "
            "reduced hours, flexjob, education.",
        ),
        (
            "Resources",
            f"Caseworker cases ({_staff_words(s)}); company slots (up to {slots:,} when all "
            f"{c.max_companies.value:,} companies have joined).",
        ),
        (
            "Queues",
            f"First come, first served: for a caseworker's case at referral; for a slot{sector} "
            f"after preparation{mentor_queue}. Waiting times and queue lengths are outputs.",
        ),
        (
            "Entry and exit points",
            "Entry: referral by the intake schedule. Exit: dropout; leaving after the last "
            "placement attempt or a job lost for good; the end of the follow-up, where every "
            "citizen still in the model is censored.",
        ),
    ]
    return tag("dl", *(join([tag("dt", k), tag("dd", v)]) for k, v in items), class_="stress")


# -- 3. data ----------------------------------------------------------------------------------
def _data(s: Scenario) -> list[Item]:
    numbers = list(iter_numbers(s))
    cited: dict[str, int] = {}
    for _, q in numbers:
        if q.source is not None:
            cited[q.source] = cited.get(q.source, 0) + 1
    sources = [
        tag("li", tag("code", key), ": ", short_link(url), f" (cited by {cited.get(key, 0)})")
        for key, url in sorted(s.sources.items())
    ] + [
        tag("li", short_link(src), f" (cited by {n})")
        for src, n in sorted(cited.items())
        if src not in s.sources
    ]
    derived = [p for p, q in numbers if q.note and q.note.lower().startswith(("derived", "proxy"))]
    gaps = [p for p, q in numbers if "[GAP]" in (q.assumption or "") + (q.note or "")]
    assumed = [p for p, q in numbers if q.is_assumption]
    return [
        (
            "3.1 Data sources",
            join(
                [
                    tag(
                        "p",
                        f"{len(numbers) - len(assumed)} of {len(numbers)} numbers cite "
                        "one of these sources (published evaluations, statistics, rules):",
                    ),
                    tag("ul", *sources) if sources else tag("p", "none"),
                ]
            ),
        ),
        (
            "3.2 Pre-processing",
            "Numbers are entered by hand from the sources, each with its unit. "
            + (
                f"{len(derived)} are derived or proxies rather than read off directly, and "
                f"their notes say how: {', '.join(derived)}."
                if derived
                else "None is derived: every sourced value is as published."
            ),
        ),
        (
            "3.3 Input parameters",
            join(
                [
                    f"All {len(numbers)} numbers, with value, unit, source or assumption and "
                    "plausible range, are in the ",
                    tag("a", "assumptions table", href="#assumptions"),
                    ". Targets are promised counts by a date; distributions are given by "
                    "their mean (and shape or standard deviation).",
                ],
                "",
            ),
        ),
        (
            "3.4 Assumptions",
            join(
                [
                    tag(
                        "p",
                        f"{len(assumed)} numbers are assumptions, each with the reason in the "
                        "scenario file and a plausible range"
                        + (
                            f"; {len(gaps)} mark a known data gap ([GAP]): {', '.join(gaps)}."
                            if gaps
                            else "."
                        ),
                    ),
                    tag(
                        "p",
                        "Structural assumptions: citizens interact only through shared "
                        "capacity (cases, mentors, slots); queues are first come, first "
                        "served; readiness scales every rate of a citizen; a company's "
                        "willingness scales every hire it makes; companies that leave take "
                        "their free slots with them; the cost counterfactual is that nobody "
                        "would have left benefit without the programme.",
                    ),
                ]
            ),
        ),
    ]


# -- 4. experimentation -----------------------------------------------------------------------
def _experimentation(s: Scenario, r: Results) -> list[Item]:
    meta = r.metadata
    weeks = s.week_of(s.period.end)
    follow = s.period.follow_up_weeks.value
    widest = (
        max(((row["ci_high"] - row["ci_low"]) / 2 for _, row in r.targets.iterrows()), default=0)
        if not r.targets.empty
        else math.nan
    )
    precision = meta.get("precision")
    stopping = (
        f"Replications were added until every target probability was known to "
        f"+-{precision['requested_half_width']} ({precision['stopped_because']})."
        if precision
        else "The number of replications was fixed in advance."
    )
    return [
        (
            "4.1 Initialisation",
            f"A terminating simulation: the programme starts empty on {s.period.start} (week "
            f"0) with no citizens and {s.companies.initial.value:,} companies, as a new "
            "programme does, so there is no warm-up period and nothing is discarded.",
        ),
        (
            "4.2 Run length",
            f"From {s.period.start} to {s.period.end} ({weeks:,.0f} weeks), plus "
            f"{follow:g} weeks of follow-up to measure retention: {s.horizon_weeks:,.0f} "
            "simulated weeks per replication. Time is continuous, in weeks.",
        ),
        (
            "4.3 Estimation approach",
            f"{r.n:,} independent replications (seed {meta.get('seed')}). Target probabilities "
            "are shares of replications with Wilson 95 % intervals"
            + (f" (widest half-width here {widest:.1%})" if math.isfinite(widest) else "")
            + "; counts and costs are summarised by their median and 80 % and 95 % central "
            "intervals over replications, means by Student-t 95 % intervals; weekly bands use "
            f"the first {min(r.n, int(meta.get('band_replications') or r.n)):,} replications. "
            + stopping,
        ),
    ]


# -- 5. implementation ------------------------------------------------------------------------
def _implementation(r: Results) -> list[Item]:
    meta = r.metadata
    versions = meta.get("versions") or {}
    software = ", ".join(f"{k} {v}" for k, v in versions.items()) or "not recorded"
    workers = meta.get("workers")
    started, finished = meta.get("started"), meta.get("finished")
    simpy = meta.get("engine") == "des"
    engine = (
        "SimPy, the reference model"
        if simpy
        else "the compiled engine (numba; the SimPy reference model's event log, tested)"
    )
    execution = (
        "Event scheduling with SimPy (one generator per citizen, driven by callbacks; "
        "capacity that creates an event only for a citizen who must wait)."
        if simpy
        else "Event scheduling in compiled code (a binary heap of timed events), in the "
        "SimPy reference model's order."
    )
    return [
        ("5.1 Software", f"Python; the discrete-event engine was {engine}; {software}."),
        (
            "5.2 Random sampling",
            "numpy PCG64 generators, one per replication and per random process: "
            "SeedSequence(seed, spawn_key=(replication, stream)) with "
            f"{len(Stream)} fixed, named streams ("
            + ", ".join(x.name.lower() for x in Stream)
            + "). Draws that belong to a citizen are made once, from the citizen's row of each "
            "stream, so scenarios run on the same seed share their random numbers (common "
            "random numbers), and results do not depend on the number of workers.",
        ),
        (
            "5.3 Model execution",
            f"{execution} Each state change is one flat log row; weekly counts, milestones, waits and costs are "
            "computed from the log after the run. Replications run in chunks of 25 "
            f"({'local processes: ' + str(workers) if workers else 'in process'}"
            f"{', executor ' + str(meta.get('executor')) if meta.get('executor') else ''}), "
            "put back in replication order.",
        ),
        (
            "5.4 System specification",
            f"{platform.system()} {platform.release()} ({platform.machine()}), "
            f"Python {platform.python_version()}"
            + (f"; run started {started}, finished {finished} (UTC)" if started else "")
            + ".",
        ),
    ]


# -- 6. code access ---------------------------------------------------------------------------
def _code_access(info: StudyInfo) -> list[Item]:
    return [
        (
            "6.1 Computer model sharing statement",
            join(
                [
                    f"The model is the labour_sim Python package ({info.code_version}), "
                    "open source under the MIT licence, with its scenario files and tests. "
                    "This report reruns exactly, to the same numbers, with:",
                    tag("pre", info.command),
                ]
            ),
        )
    ]
