"""The report's first screen: the answers a funder reads before scrolling.

:func:`first_screen` returns the first screen as HTML (the page's CSS, :data:`.html.CSS`,
styles it): the programme's name and the basis of its numbers (calibrated to what, or
uncalibrated), one card per target with its probability, the cost per additional sustained
job beside its numerator and denominator, and a short list of answers in one sentence
each: the bottleneck (:mod:`.bottleneck`), what it would take to reach each missed target
(from goal searches the ``report`` command ran), each payer's net cost against business as
usual, any disagreement with an evaluation, and what the intervals include and exclude.
Everything here reads results; nothing is simulated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..business.accounts import PAYERS
from ..business.result import BusinessCase
from ..calibration import Observations
from ..diagnosis import GOAL_PROBABILITY, bottleneck, missed_targets
from ..experiments import Results
from ..levers import BudgetAnswer
from ..metrics import METRIC_LABELS, PROGRAMME_ITEMS
from ..scenario import Scenario, lever_name
from ..stats import percent, probability_words
from .evaluation import DISAGREE
from .html import Html, join, tag

__all__ = [
    "GOAL_PROBABILITY",
    "Card",
    "Fact",
    "basis_words",
    "card",
    "disagreement_line",
    "dkk",
    "first_screen",
    "goal_line",
    "goal_lines",
    "intervals_line",
    "key_facts",
    "largest_items",
    "likelihood_words",
    "payers_line",
    "promise_words",
]


def first_screen(
    scenario: Scenario,
    results: Results,
    *,
    evaluation: pd.DataFrame | None = None,
    observations: Observations | None = None,
    business: BusinessCase | None = None,
    goals: Sequence[BudgetAnswer] | None = None,
    generated: str | None = None,
) -> Html:
    """The first screen of the report: header, verdict cards, key figures, answers.

    Parameters
    ----------
    scenario : Scenario
        The programme.
    results : Results
        Its results (the cards, the cost per job, the bottleneck).
    evaluation, observations : optional
        The evaluation table and the observations it read (the disagreement line).
    business : BusinessCase, optional
        The business case (each payer's net cost against business as usual).
    goals : sequence of BudgetAnswer, optional
        Goal searches for the missed targets (:func:`labour_sim.levers.budget_for`);
        ``None``: none was run, and the line says how to run one.
    generated : str, optional
        When the report was made (shown in the header).

    Returns
    -------
    Html
        ``<header>`` and ``<section id="verdict">``.
    """
    r = results
    made = f" Report made {generated}." if generated else ""
    header = tag(
        "header",
        tag("h1", scenario.name),
        tag(
            "p",
            tag("span", "Is the promise realistic, and at what cost? ", class_="question"),
            f"{r.n:,} simulated runs of the programme (seed {r.metadata.get('seed')}).{made}",
            class_="lede",
        ),
        _basis(r),
    )
    cards = [_verdict_card(row) for _, row in r.targets.iterrows()]
    answers = [
        ("bottleneck", "Bottleneck", bottleneck(r).sentence()),
        ("what-it-takes", "What it would take", " ".join(goal_lines(r, goals, scenario))),
        ("payers", "Net cost against business as usual", payers_line(business)),
        ("disagreement", "Against the evaluation", disagreement_line(observations, evaluation)),
        ("intervals", "The intervals", intervals_line(scenario, r)),
    ]
    verdict = tag(
        "section",
        tag("h2", "Verdict", class_="visually-hidden"),
        tag("ul", *cards, class_="verdicts")
        if cards
        else tag("p", "The scenario states no targets."),
        _key_facts(r, scenario),
        tag(
            "ul",
            *(tag("li", tag("strong", f"{head}: "), text, id=key) for key, head, text in answers),
            class_="answers",
        ),
        id="verdict",
        aria_label="verdict",
    )
    return join([header, verdict])


# -- the sentences -----------------------------------------------------------------------------
def promise_words(row: pd.Series) -> str:
    """A target in words: ``550 ever employed on ordinary hours by 2021-12-31``."""
    label = METRIC_LABELS.get(str(row["metric"]), str(row["metric"])).removeprefix("citizens ")
    return f"{row['threshold']:,.0f} {label} by {row['date']}"


def goal_lines(
    results: Results, goals: Sequence[BudgetAnswer] | None, scenario: Scenario | None = None
) -> list[str]:
    """What it would take to reach each missed target, one sentence per goal search.

    Each sentence names the lever, the value that reaches the target at the searched
    probability with the fresh-seed check's interval (or "undecided at this precision"),
    and the highest value tried that was not enough; or, when no value in the lever's
    plausible range reaches it, that even its top was not enough.
    """
    missed = missed_targets(results)
    if goals is None:
        if not missed:
            return ["Every target is at least 80 % likely: nothing more is needed."]
        return [
            "No goal search was run for this report (labour-sim report --goal N searches "
            "the lever that matters most for each missed target)."
        ]
    if not missed:
        return ["Every target is at least 80 % likely: nothing more is needed."]
    lines = []
    searched = {g.target: g for g in goals}
    for name in missed:
        g = searched.get(name)
        promise = promise_words(results.target(name))
        if g is None:
            lines.append(
                f"{promise}: no lever was searched (no capacity binds, and no lever in a "
                "tornado raises it; labour-sim report --levers N runs the tornado)."
            )
            continue
        lines.append(goal_line(promise, g, scenario))
    if goals:
        reps = int(goals[0].search["replications"].iloc[0]) if len(goals[0].search) else 0
        if goals[0].calibration is not None:
            basis = ", each at its own posterior draw as above"
        elif results.calibrated:
            basis = " on the scenario as written, without the calibration"
        else:
            basis = ""
        lines.append(
            f"(Goal search: {reps:,} runs per lever value{basis}; see “The levers that matter most”.)"
        )
    return lines


def goal_line(promise: str, g: BudgetAnswer, scenario: Scenario | None = None) -> str:
    """One goal search in a sentence: the lever, the value, its probability, what fell short."""
    lever = lever_name(g.lever)
    now = _now(g, scenario)
    d = g.decision
    tried = g.search.sort_values("value", ascending=not g.downward)  # in the search's order
    if g.value is None:
        end = f"{g.furthest:g}, the {'bottom' if g.downward else 'top'} of its plausible range"
        if d.verdict == "below":
            return (
                f"{promise} is out of reach by one lever: even with {lever} at {end}{now}, "
                f"it is {d.words()}."
            )
        return f"{promise}: with {lever} at {end}{now}, it is {d.words()}."
    before = tried["value"] > g.value if g.downward else tried["value"] < g.value
    short = tried[before & (tried["probability"] < g.probability)]
    not_enough = (
        f"; {float(short['value'].iloc[-1]):g} was not enough "
        f"({percent(float(short['probability'].iloc[-1]))})"
        if len(short)
        else ""
    )
    return (
        f"{promise} with {percent(g.probability)} probability: {lever} at {g.value:g}{now}; "
        f"on a fresh seed {d.words()}{not_enough}."
    )


def _now(g: BudgetAnswer, scenario: Scenario | None) -> str:
    if scenario is None:
        return ""
    rows = scenario.levers()
    match = rows[rows["path"] == g.lever]
    return f" (now {float(match['value'].iloc[0]):g})" if len(match) else ""


def disagreement_line(observations: Observations | None, evaluation: pd.DataFrame | None) -> str:
    """Each reported figure the simulation disagrees with, or that all agree (one line)."""
    if observations is None or evaluation is None:
        return (
            "No evaluation was compared with this run (labour-sim report --observations "
            "FILE compares what an evaluation reported)."
        )
    model = "the calibrated model" if evaluation.attrs.get("calibration") else "the scenario"
    by_name = {o.name: o for o in observations}
    off = evaluation[evaluation["p_value"] < DISAGREE]
    if off.empty:
        return (
            f"All {len(evaluation)} figures reported by {observations.name} agree with "
            f"{model} (tail probability 0.05 or more each)."
        )
    parts = []
    for _, row in off.iterrows():
        o = by_name[str(row["observation"])]

        def show(v: float, share: bool = o.is_share) -> str:
            return f"{v:.0%}" if share else f"{v:,.0f}"

        parts.append(
            f"{o.name.replace('_', ' ')} {show(float(row['median']))} simulated against "
            f"{show(float(row['observed']))} reported ({_p(float(row['p_value']))}, "
            f"{row['date']})"
        )
    return (
        f"{len(off)} of {len(evaluation)} figures reported by {observations.name} disagree "
        f"with {model}: {'; '.join(parts)}. See “Against the evaluation”."
    )


def _show(v: float, share: bool) -> str:
    return f"{v:.0%}" if share else f"{v:,.0f}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def intervals_line(scenario: Scenario, results: Results) -> str:
    """What the intervals on the page include and exclude, counted from the scenario."""
    rows = scenario.levers()
    calibration = results.metadata.get("calibration") or {}
    fitted = set(calibration.get("parameters") or [])
    assumed = rows[(rows["origin"] == "assumption") & ~rows["path"].isin(fitted)]
    include = ["Monte Carlo noise (the programme's own randomness)"]
    if calibration:
        include.append(
            f"parameter uncertainty (the calibration's posterior, {len(fitted)} parameters)"
            if fitted
            else "parameter uncertainty (the calibration's posterior)"
        )
        include += [
            str(i)
            for i in calibration.get("intervals_include") or []
            if str(i).startswith("future")
        ]
    else:
        include.append("nothing else")
    listed = ", ".join(include[:-1]) + " and " + include[-1]
    return (
        f"The intervals on this page include {listed}; they exclude the uncertainty of the "
        f"{len(assumed)} of {len(rows)} numbers that are assumptions"
        + (" (not calibrated)" if calibration else "")
        + " (see the appendix) and of the model's structure."
    )


# -- the blocks --------------------------------------------------------------------------------
def basis_words(r: Results) -> tuple[str, str]:
    """Calibrated (to what) or uncalibrated, said plainly: ``(head, sentence)``."""
    if not r.calibrated:
        return (
            "Uncalibrated.",
            "The scenario's numbers as written, not fitted to any reported figure.",
        )
    text = r.basis().split("; each replication")[0].removeprefix("calibrated ")
    text = text.replace("_", " ")  # observation names (paid_share) in words
    return "Calibrated.", text[0].upper() + text[1:] + "."


def _basis(r: Results) -> Html:
    head, words = basis_words(r)
    return tag("p", tag("strong", head), " ", words, class_="basis", id="basis")


def likelihood_words(p: float) -> str:
    """A probability in plain words (after the IPCC's calibrated language, coarser)."""
    if not math.isfinite(p):
        return "not known"
    if p >= 0.9:
        return "very likely"
    if p >= 0.66:
        return "likely"
    if p > 0.33:
        return "about as likely as not"
    if p > 0.1:
        return "unlikely"
    return "very unlikely"


@dataclass(frozen=True)
class Card:
    """One target's verdict, as the first screen words it.

    Attributes
    ----------
    target : str
        The target's name in the scenario (``ordinary_550``).
    promise : str
        ``"550 ever employed on ordinary hours by 2021-12-31"``.
    chance : str
        ``"34% likely"``.
    words : str
        The probability in plain words (``"unlikely"``).
    detail : str
        ``"95 % interval 26% to 43%; median 338 (80 % of runs 317 to 356)"``.
    kind : str
        ``"likely"`` (at least 66 %), ``"unlikely"`` (at most 33 %) or ``"uncertain"``.
    probability : float
        The estimated probability (0 to 1).
    description : str
        The target's description in the scenario file.
    """

    target: str
    promise: str
    chance: str
    words: str
    detail: str
    kind: str
    probability: float
    description: str = ""


def card(row: pd.Series) -> Card:
    """A target's verdict card from its row of ``Results.targets``."""
    p = float(row["probability"])
    return Card(
        target=str(row["target"]),
        promise=promise_words(row),
        chance=f"{percent(p)} likely",
        words=likelihood_words(p),
        detail=f"95 % interval {percent(row['ci_low'])} to {percent(row['ci_high'])}; median "
        f"{row['median']:,.0f} (80 % of runs {row['p10']:,.0f} to {row['p90']:,.0f})",
        kind="likely" if p >= 0.66 else "unlikely" if p <= 0.33 else "uncertain",
        probability=p,
        description=str(row.get("description") or ""),
    )


def _verdict_card(row: pd.Series) -> Html:
    c = card(row)
    return tag(
        "li",
        tag("p", c.promise, class_="promise"),
        tag("p", c.chance, tag("span", f" {c.words}", class_="words"), class_="chance"),
        tag("p", c.detail, class_="detail"),
        class_=f"verdict {c.kind}",
        title=c.description,
    )


@dataclass(frozen=True)
class Fact:
    """A key figure beside the cards: its value, what it is, and its interval or parts."""

    value: str
    label: str
    detail: str


def key_facts(r: Results, scenario: Scenario | None = None) -> tuple[Fact, ...]:
    """Cost per additional sustained job, and beside it its numerator and denominator.

    The three figures are means over the replications with the dates they are counted at,
    so the second divided by the third gives the first (see ``PER_FIGURES``). With the
    ``scenario``, the programme cost names its largest items and whether the numbers that
    price them are sourced or assumptions (why a programme overspends its grant).
    """
    facts = []
    end = r.metadata.get("end_date", "the end")
    horizon = r.metadata.get("savings_horizon_date", "the savings horizon")
    job = _cost_row(r, "cost:per_additional_sustained_job")
    if job is not None and "denominator" in job:
        none = float(job["zero_share"])
        facts.append(
            Fact(
                dkk(job["mean"]),
                "programme cost per additional job held 26 weeks "
                "(against business as usual; mean cost / mean additional jobs)",
                f"95 % interval {dkk(job['ci_low'])} to {dkk(job['ci_high'])}; "
                f"no additional sustained job in {none:.0%} of runs",
            )
        )
    else:
        facts.append(
            Fact("n/a", "programme cost per additional sustained job", "no cost inputs, or no job")
        )
    programme = _cost_row(r, "cost:programme")
    grant = r.metadata.get("grant_dkk")
    within = _cost_row(r, "cost:within_grant")
    if programme is not None:
        detail = f"80 % interval {dkk(programme['p10'])} to {dkk(programme['p90'])}"
        if grant is not None and within is not None:
            detail += (
                f"; within the grant of {dkk(grant)}: "
                f"{probability_words(within['mean'], within['ci_low'], within['ci_high'])}"
            )
        if scenario is not None:
            detail += f"; {largest_items(r, scenario)}"
        facts.append(Fact(dkk(programme["mean"]), f"programme cost to {end} (mean)", detail))
    extra = r.replications.get("effect:sustained@savings")
    if extra is not None and len(extra):
        q = extra.quantile([0.1, 0.9])
        facts.append(
            Fact(
                f"{extra.mean():,.1f}",
                f"additional citizens in a job held 26 weeks by {horizon} (mean; programme "
                "minus business as usual)",
                f"80 % interval {q[0.1]:,.0f} to {q[0.9]:,.0f}",
            )
        )
    return tuple(facts)


def largest_items(r: Results, scenario: Scenario, most: int = 2) -> str:
    """The programme cost's largest items, each saying whether its price is assumed.

    ``largest items: fixed programme costs 12.0 mio DKK (an assumed price); ...``: an item
    is assumed when any scenario number pricing it (:data:`PROGRAMME_ITEMS`) is an
    assumption.
    """
    origin = scenario.levers().set_index("path")["origin"]
    items = r.costs[r.costs["item"].isin(list(PROGRAMME_ITEMS))].nlargest(most, "mean")
    parts = []
    for _, row in items.iterrows():
        paths = [p for p in PROGRAMME_ITEMS[str(row["item"])] if p in origin.index]
        assumed = any(origin[p] == "assumption" for p in paths)
        how = "an assumed price" if assumed else "a sourced price"
        parts.append(f"{row['label']} {dkk(row['mean'])} ({how})")
    return "largest items: " + "; ".join(parts) if parts else "no itemised costs"


def _key_facts(r: Results, scenario: Scenario | None = None) -> Html:
    facts = [
        tag(
            "div",
            tag("p", f.value, class_="value"),
            tag("p", f.label, class_="label"),
            tag("p", f.detail, class_="detail"),
            class_="keyfact",
        )
        for f in key_facts(r, scenario)
    ]
    return tag("div", *facts, class_="keyfacts", id="cost-per-sustained-job")


def payers_line(b: BusinessCase | None, see: str = "See “The business case, by payer”.") -> str:
    """The business case in one line: each payer's net against business as usual, with bands.

    ``see`` ends the line: where the reader finds the rest (the report's own section; the
    explorer, which has no such section, points to the report it downloads).
    """
    if b is None:
        return (
            "not computed for this report (labour-sim report --business N compares the "
            "programme with business as usual, payer by payer)."
        )
    r = b.runs
    parts = [
        f"{p} {dkk(r[f'net:{p}'].mean())} (90 %: {dkk(float(r[f'net:{p}'].quantile(0.05)))} "
        f"to {dkk(float(r[f'net:{p}'].quantile(0.95)))})"
        for p in PAYERS
    ]
    funder = (
        f" The programme's own discounted cost, {dkk(r['cost:funder'].mean())}, is its "
        "outside funder's."
        if b.paid_by == "funder"
        else ""
    )
    return (
        f"to {b.horizon_date}, discounted at {b.rate:.1%} a year ({b.n} runs; negative = a "
        f"saving): {'; '.join(parts)}.{funder} {see}"
    )


def _cost_row(r: Results, item: str) -> pd.Series | None:
    try:
        row = r.cost(item)
    except KeyError:
        return None
    return (
        row
        if math.isfinite(float(row["mean"]))
        and (item == "cost:within_grant" or float(row["mean"]) != 0)
        else None
    )


def dkk(x: float) -> str:
    """An amount in DKK, short: ``25.1 mio DKK``, ``100k DKK``, ``950 DKK``."""
    x = float(x)
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.1f} mio DKK"
    if abs(x) >= 1e4:
        return f"{x / 1e3:,.0f}k DKK"
    return f"{x:,.0f} DKK"
