"""The funders' report: one self-contained HTML page from a scenario and its results.

:func:`write_report` takes the results it shows (an experiment's :class:`Results`, and
optionally the tornado of the levers and the comparison with an evaluation), runs nothing,
and writes one HTML file: the verdict per target and the cost per
sustained job on the first screen, then the pathway funnel, the outcome over time, costs,
the levers that matter most, the comparison with what an evaluation reported, every number
of the scenario with its source or assumption, a STRESS-DES model description and a
reproducibility footer (package version, seed, hashes, the command that reruns it).

The file has inline CSS (with a print stylesheet), SVG images as ``data:`` URIs with alt
text, no scripts and nothing fetched from the network. All text from scenario and
observation files is escaped (:mod:`.html`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import pandas as pd

from ..business.accounts import ITEM_LABELS, PAYERS
from ..business.result import BusinessCase
from ..calibration import Observations, load_observations
from ..errors import ScenarioError
from ..experiments import Results
from ..experiments.store import atomic_write
from ..levers import BudgetAnswer, Sensitivity, default_levers
from ..metrics import METRIC_LABELS, METRICS, NET_PUBLIC_BASIS, PER_FIGURES
from ..scenario import Scenario, lever_name, load_scenario, scenario_cautions
from ..stats import percent
from . import figures
from .assumptions import assumptions_section
from .evaluation import evaluation_section
from .first import dkk, first_screen, goal_line, promise_words
from .html import Html, join, page, table, tag
from .sensitivity import outcome_words, tornado_table
from .stress import StudyInfo, stress_des

__all__ = ["DEFAULT_LEVER_REPLICATIONS", "check_report_inputs", "render_report", "write_report"]

#: Replications per lever setting of the report's tornado (0 skips it).
DEFAULT_LEVER_REPLICATIONS = 30

#: Milestones in the pathway table, in pathway order.
PATHWAY = (
    "referred",
    "placed",
    "ordinary",
    "reduced",
    "flexjob",
    "education",
    "attached",
    "employed_26w",
    "dropout",
    "companies_joined",
    "companies_hosting",
)


@dataclass(frozen=True)
class _Inputs:
    scenario: Scenario
    results: Results
    observations: Observations | None
    evaluation: pd.DataFrame | None
    sensitivity: Sensitivity | None
    business: BusinessCase | None
    goals: Sequence[BudgetAnswer] | None
    lever_replications: int
    command: str
    generated: str


def write_report(
    scenario: Scenario | str | Path,
    path: str | Path,
    results: Results,
    *,
    sensitivity: Sensitivity | None = None,
    evaluation: pd.DataFrame | None = None,
    observations: Observations | str | Path | None = None,
    command: str | None = None,
    business: BusinessCase | None = None,
    goals: Sequence[BudgetAnswer] | None = None,
) -> Path:
    """Write the funders' report of ``scenario`` to ``path`` (one self-contained HTML file).

    The report shows the results it is given and runs nothing; ``labour-sim report``
    computes what is missing first.

    Parameters
    ----------
    scenario : Scenario or path
        The programme, or its scenario file (TOML).
    path : str or Path
        The HTML file to write (folders are created; the file is replaced atomically).
    results : Results
        Results of ``scenario`` (:func:`labour_sim.run_experiment`, or
        :meth:`labour_sim.Results.load` of a saved run).
    sensitivity : Sensitivity, optional
        The tornado of the programme's levers (:func:`labour_sim.levers.run_tornado`) for
        the section "The levers that matter most"; without it the section says why not.
    evaluation : pandas.DataFrame, optional
        Each observation against the replications of ``results``
        (:func:`labour_sim.calibration.evaluation_table` on the same replications and seed),
        for the section "Against the evaluation"; given together with ``observations``.
    observations : Observations or path, optional
        What the evaluation reported (:func:`labour_sim.calibration.load_observations`), the
        observations ``evaluation`` was computed from.
    command : str, optional
        The command that reruns the report, for the footer; by default the
        ``labour-sim report`` command with the replications, seed and lever replications of
        the given results, and ``--out path``.
    business : BusinessCase, optional
        The business case against business as usual (:func:`labour_sim.business_case`)
        for the section "The business case, by payer"; without it the section says how.
    goals : sequence of BudgetAnswer, optional
        Goal searches for the missed targets (:func:`labour_sim.levers.budget_for`, one
        per target below 80 %), for "What it would take" on the first screen and their
        tables under "The levers that matter most".

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ScenarioError
        A bad scenario or observation file, observations outside the simulated period, or
        results, sensitivity or evaluation of another scenario or another run
        (:func:`check_report_inputs`).
    """
    out = Path(path)
    text = _render(
        scenario,
        results,
        sensitivity,
        evaluation,
        observations,
        command,
        str(out),
        business,
        goals,
    )
    atomic_write(out, lambda tmp: _write(tmp, text))
    return out


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o644)  # a report is for sharing (the temporary file starts private)


def render_report(
    scenario: Scenario | str | Path,
    results: Results,
    *,
    sensitivity: Sensitivity | None = None,
    evaluation: pd.DataFrame | None = None,
    observations: Observations | str | Path | None = None,
    command: str | None = None,
    business: BusinessCase | None = None,
    goals: Sequence[BudgetAnswer] | None = None,
) -> str:
    """The report as an HTML string, as :func:`write_report` writes it.

    Its default command says ``--out report.html``.
    """
    return _render(
        scenario,
        results,
        sensitivity,
        evaluation,
        observations,
        command,
        None,
        business,
        goals,
    )


def check_report_inputs(
    scenario: Scenario,
    results: Results,
    *,
    sensitivity: Sensitivity | None = None,
    evaluation: pd.DataFrame | None = None,
    observations: Observations | None = None,
) -> None:
    """Raise :class:`ScenarioError` unless everything given belongs to ``scenario``'s report.

    ``results`` and ``sensitivity`` must carry ``scenario``'s content hash (or none);
    ``evaluation`` and ``observations`` come together, ``evaluation`` has one row per
    observation and, when its ``attrs`` say so, was read from ``scenario`` on the
    replications and seed of ``results`` (the report calls them the same simulated
    programmes); every observation date lies in the simulated period.
    """
    _check_hash("results", scenario, results.metadata)
    if sensitivity is not None:
        _check_hash("sensitivity", scenario, sensitivity.metadata)
    if (evaluation is None) != (observations is None):
        raise ScenarioError.single(
            "evaluation",
            "an evaluation table together with the observations it was computed from",
            "only the evaluation" if observations is None else "only the observations",
        )
    if evaluation is None or observations is None:
        return
    observations.check(scenario)
    _check_hash("evaluation", scenario, evaluation.attrs)
    rows = [str(name) for name in evaluation["observation"]]
    names = [o.name for o in observations]
    if sorted(rows) != sorted(names):
        raise ScenarioError.single(
            "evaluation", f"one row per observation ({', '.join(names)})", ", ".join(rows)
        )
    ran = (results.metadata.get("calibration") or {}).get("fingerprint")
    read_at = (evaluation.attrs.get("calibration") or {}).get("fingerprint")
    if "calibration" in evaluation.attrs and ran != read_at:
        raise ScenarioError.single(
            "evaluation",
            "read from the replications of the results "
            + (f"(calibrated, {ran})" if ran else "(uncalibrated)"),
            f"{'calibrated, ' + read_at if read_at else 'uncalibrated'} replications",
        )
    run = (results.metadata.get("seed"), results.n)
    read = (evaluation.attrs.get("seed", run[0]), evaluation.attrs.get("replications", run[1]))
    if tuple(read) != run:
        raise ScenarioError.single(
            "evaluation",
            f"read from the {run[1]:,} replications of seed {run[0]} (those of the results)",
            f"{read[1]:,} replications of seed {read[0]}",
        )


def _check_hash(what: str, scenario: Scenario, metadata: Mapping[Any, Any]) -> None:
    if metadata.get("scenario_hash") not in (None, scenario.hash):
        raise ScenarioError.single(
            what,
            f"{what} of '{scenario.name}' ({scenario.hash})",
            f"{what} of {metadata.get('scenario')!r} ({metadata.get('scenario_hash')})",
        )


def _render(
    scenario: Scenario | str | Path,
    results: Results,
    sensitivity: Sensitivity | None,
    evaluation: pd.DataFrame | None,
    observations: Observations | str | Path | None,
    command: str | None,
    out: str | None,
    business: BusinessCase | None = None,
    goals: Sequence[BudgetAnswer] | None = None,
) -> str:
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if observations is not None and not isinstance(observations, Observations):
        observations = load_observations(observations, scenario)
    if business is not None and business.scenario != scenario.name:
        raise ScenarioError.single(
            "business", f"the business case of '{scenario.name}'", repr(business.scenario)
        )
    if business is not None and _fingerprint(business.calibration) != _fingerprint(
        results.metadata.get("calibration")
    ):
        raise ScenarioError.single(
            "business",
            f"a business case on the results' basis ({_basis(results.metadata.get('calibration'))})",
            _basis(business.calibration),
        )
    check_report_inputs(
        scenario,
        results,
        sensitivity=sensitivity,
        evaluation=evaluation,
        observations=observations,
    )
    lever_replications = 0 if sensitivity is None else int(sensitivity.metadata["replications"])
    inputs = _Inputs(
        scenario,
        results,
        observations,
        evaluation,
        sensitivity,
        business,
        goals,
        lever_replications,
        command or _command(scenario, observations, results, lever_replications, out),
        dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    return _document(inputs)


def _fingerprint(calibration: dict[str, Any] | None) -> str | None:
    return None if not calibration else str(calibration.get("fingerprint"))


def _basis(calibration: dict[str, Any] | None) -> str:
    """Uncalibrated, or calibrated to which posterior (a business case's or results')."""
    if not calibration:
        return "uncalibrated"
    return f"calibration '{calibration.get('label')}' ({calibration.get('fingerprint')})"


def _document(x: _Inputs) -> Html:
    s = x.scenario
    chapters = [
        ("pathway", "The pathway", _pathway(x)),
        ("over-time", "Over time", _over_time(x)),
        ("costs", "Costs", _costs(x)),
        ("business-case", "The business case, by payer", _business(x)),
        ("levers", "The levers that matter most", _levers(x)),
    ]
    if x.observations is not None and x.evaluation is not None:
        chapters.append(
            (
                "evaluation",
                "Against the evaluation",
                evaluation_section(x.observations, x.evaluation, x.results.n),
            )
        )
    chapters += [
        (
            "assumptions",
            "Assumptions: every number and where it comes from",
            assumptions_section(s, x.results.calibrated_values()),
        ),
        ("model", "Model description (STRESS-DES)", stress_des(s, x.results, _study(x))),
    ]
    toc = tag(
        "nav",
        tag("strong", "Contents"),
        tag("ol", *(tag("li", tag("a", title, href=f"#{key}")) for key, title, _ in chapters)),
        class_="toc",
        aria_label="contents",
    )
    body = [
        first_screen(
            s,
            x.results,
            evaluation=x.evaluation,
            observations=x.observations,
            business=x.business,
            goals=x.goals,
            generated=x.generated,
        ),
        *(tag("p", f"Caution: {c}", class_="warning") for c in scenario_cautions(s)),
        toc,
        *(
            tag("section", tag("h2", title, id=key), content, class_=f"chapter chapter-{key}")
            for key, title, content in chapters
        ),
        _footer(x),
    ]
    return page(f"{s.name}: is the promise realistic?", body)


# -- chapters ----------------------------------------------------------------------------------
def _pathway(x: _Inputs) -> Html:
    s, r = x.scenario, x.results
    rows = []
    for metric in PATHWAY:
        if metric not in r.replications:
            continue
        lo, mid, hi = r.replications[metric].quantile([0.1, 0.5, 0.9])
        rows.append((METRIC_LABELS[metric], f"{mid:,.0f}", f"{lo:,.0f} to {hi:,.0f}"))
    return join(
        [
            tag(
                "p",
                f"How many citizens reach each step of the pathway by {s.period.end} (the "
                "end of the programme), over the simulated runs. Where the funnel narrows most "
                "is where the programme loses people.",
            ),
            figures.funnel(r, s),
            table(
                ("by " + str(s.period.end), "median", "80 % interval"),
                rows,
                numeric=(1, 2),
                caption="Median and 80 % interval over replications.",
            ),
            figures.capacity(r),
        ]
    )


def _over_time(x: _Inputs) -> Html:
    r = x.results
    parts = [
        tag(
            "p",
            "Each target's count over time: the median run and the bands within "
            "which 50, 80 and 90 % of runs fall, against the promise.",
        )
    ]
    for _, row in r.targets.iterrows():
        pair = [figures.fan(r, row)] if row["metric"] in METRICS else []  # a point-in-time
        pair.append(figures.distribution(r, row))  # count has no weekly series to fan
        parts.append(tag("div", *pair, class_="pair"))
    if r.targets.empty:
        parts.append(figures.fan(r, None))
    return join(parts)


def _costs(x: _Inputs) -> Html:
    r = x.results
    if r.costs.empty or not r.costs["mean"].abs().sum() > 0:
        return tag("p", "The scenario gives no cost inputs, so no costs are reported.")
    rows = []
    for _, row in r.costs.iterrows():
        if row["item"] == "cost:within_grant" or not math.isfinite(float(row["mean"])):
            continue
        rows.append(
            (
                r.per_label(row["item"]) if row["item"] in PER_FIGURES else row["label"],
                dkk(row["mean"]),
                f"{dkk(row['p10'])} to {dkk(row['p90'])}",
                f"{dkk(row['ci_low'])} to {dkk(row['ci_high'])}",
            )
        )
    lines = r.cost_lines()
    return join(
        [
            tag(
                "p",
                "What the programme costs the grant, and the public purse once benefits "
                "paid and saved are counted (DKK, undiscounted unless the scenario sets a "
                "discount rate). Net public cost assumes nobody would have found work "
                "without the programme; the business case below compares with business "
                "as usual instead. Every 'per' figure is the mean numerator over the mean "
                "denominator, each at the date it names.",
            ),
            tag("ul", *(tag("li", line) for line in lines)) if lines else Html(""),
            figures.costs(r),
            table(
                ("cost", "mean", "80 % of runs", "95 % interval of the mean"),
                rows,
                numeric=(1, 2, 3),
                caption=f"Every cost item over replications (DKK); the net public cost is "
                f"{NET_PUBLIC_BASIS} (the business case below sets the programme against "
                "business as usual).",
            ),
        ]
    )


def _business(x: _Inputs) -> Html:
    b = x.business
    if b is None:
        return tag(
            "p",
            "Left out of this report (--business 0). Rerun with --business N to compare the "
            "programme with business as usual, payer by payer and year by year.",
            class_="warning",
        )
    t = b.table()
    rows = [
        (
            str(year),
            *(
                f"{dkk(t.loc[year, (p, 'mean')])} ({dkk(t.loc[year, (p, 'p5')])} to "
                f"{dkk(t.loc[year, (p, 'p95')])})"
                for p in PAYERS
            ),
        )
        for year in t.index
    ]
    items = b.items()
    item_rows = [
        (ITEM_LABELS.get(str(i), str(i)), *(dkk(items.loc[i, p]) for p in PAYERS))
        for i in items.index
    ]
    return join(
        [
            tag(
                "p",
                "The programme against business as usual: the same citizens, on the same "
                "random numbers, moving off benefit at their target group's base rates "
                "when not in a placement or a programme job. Benefits are split between "
                "the municipality and the state by the refusion staircase; amounts are "
                f"discounted at {b.rate:.1%} a year to the start. A positive amount is a net "
                "cost, a negative one a net saving.",
            ),
            tag("p", _business_runs(b, x.results)),
            tag("ul", *(tag("li", line) for line in b.lines()[1:])),
            table(
                ("year since the start", *PAYERS),
                rows,
                numeric=(1, 2, 3),
                caption=f"Net cost by year and payer, DKK: mean (90 % of {b.n} runs).",
            ),
            table(
                ("item", *PAYERS),
                item_rows,
                numeric=(1, 2, 3),
                caption=f"By item up to {b.horizon_date}, DKK (mean; negative = saving).",
            ),
        ]
    )


def _business_runs(b: BusinessCase, r: Results) -> str:
    """Which runs the business case's means are over, against the results' own means.

    It costs fewer runs than the results hold, so its mean additional sustained jobs is
    not the first screen's: the sentence gives both, each with its number of runs.
    """
    seed = r.metadata.get("seed")
    if b.seed is not None and b.seed == seed:
        runs = f"the first {b.n:,} of the {r.n:,} runs above"
    else:
        on = f"seed {b.seed}" if b.seed is not None else "a seed not recorded"
        runs = f"{b.n:,} runs on {on}, not the {r.n:,} runs above (seed {seed})"
    extra = r.replications.get("effect:sustained@savings")
    if extra is None or not len(extra):
        return f"Means over {runs}."
    return (
        f"Means over {runs}: {b.runs['sustained_effect'].mean():,.1f} additional citizens in "
        f"a job held 26 weeks by {b.horizon_date} ({extra.mean():,.1f} over all {r.n:,}, the "
        "first screen's figure)."
    )


def _levers(x: _Inputs) -> Html:
    return join([_tornado(x), *(_goal_table(x, g) for g in x.goals or ())])


def _goal_table(x: _Inputs, g: BudgetAnswer) -> Html:
    """One goal search: every lever value tried, with its probability and cost."""
    rows = [
        (
            f"{r['value']:g}",
            percent(r["probability"]),
            f"{percent(r['ci_low'])} to {percent(r['ci_high'])}",
            dkk(r["programme_cost"]),
        )
        for _, r in g.search.sort_values("value").iterrows()
    ]
    c = g.confirmation
    if c is not None:
        rows.append(
            (
                f"{g.value:g} (fresh seed {int(c['seed'])})",
                percent(c["probability"]),
                f"{percent(c['ci_low'])} to {percent(c['ci_high'])}",
                "",
            )
        )
    promise = promise_words(x.results.target(g.target))
    return join(
        [
            tag("h3", f"What it would take: {promise}"),
            tag("p", goal_line(promise, g, x.scenario)),
            table(
                (lever_name(g.lever), "probability", "95 % interval", "programme cost (mean)"),
                rows,
                numeric=(0, 1, 2, 3),
                caption=f"Goal search for {percent(g.probability)} probability: the values "
                f"tried by bisection, {int(g.search['replications'].iloc[0]):,} runs each on "
                f"the same random numbers ({_goal_basis(g)}), then a fresh-seed check.",
            ),
        ]
    )


def _tornado(x: _Inputs) -> Html:
    # Without a tornado, say whether one could have been run: the programme's levers are read
    # from the scenario (nothing is simulated).
    if x.sensitivity is None and default_levers(x.scenario):
        return tag(
            "p",
            "Left out of this report (--levers 0). Rerun with --levers N (e.g. 30 "
            "replications per setting) to see which levers move the outcome most.",
            class_="warning",
        )
    if x.sensitivity is None:
        return tag(
            "p",
            "No lever of the programme could be varied: the scenario sets none "
            "of them with a plausible range.",
            class_="warning",
        )
    sens = x.sensitivity
    meta = sens.metadata
    intro = tag(
        "p",
        "Each lever moved on its own from the low to the high end of its plausible range (the "
        "scenario's range for an assumption; 25 % either way for a sourced number), all others "
        f"at the scenario's values: {meta.get('points')} settings x "
        f"{meta.get('replications')} replications on the same random numbers (seed "
        f"{meta.get('seed')}). A quick screen, not a forecast: the longest bars are where "
        "better evidence, or a different plan, would matter most.",
    )
    plots = [
        figures.levers(sens, outcome, outcome_words(x.scenario, outcome, x.results))
        for outcome in sens.outcomes
    ]
    table = tornado_table(x.scenario, sens, x.results)
    return join([intro, tag("div", *plots, class_="pair"), table])


def _study(x: _Inputs) -> StudyInfo:
    levers = tuple(x.sensitivity.table["lever"].unique()) if x.sensitivity is not None else ()
    return StudyInfo(levers, x.lever_replications, x.observations, x.command, _code_version())


# -- reproducibility ---------------------------------------------------------------------------
def _footer(x: _Inputs) -> Html:
    s, r = x.scenario, x.results
    items: list[tuple[str, object]] = [
        ("package", _code_version()),
        ("seed", str(r.metadata.get("seed"))),
        ("replications", f"{r.n:,}"),
        ("scenario", s.origin or "built in code (no file)"),
        *_scenario_hashes(s),
        (
            "scenario content hash",
            f"{s.hash} (labour_sim's scenario_hash of the validated "
            "content, as in the result tables)",
        ),
    ]
    if x.observations is not None:
        items.append(("observations", x.observations.origin or "given in code"))
        items.append(("observations SHA-256", _observations_sha256(x.observations)))
    items += [
        ("made", x.generated),
        ("rerun with", tag("code", x.command)),
    ]
    return tag(
        "footer",
        tag("h2", "Reproducibility", id="reproducibility"),
        tag(
            "p",
            "The same package version, scenario file, seed and command give the same "
            "numbers, on any machine and with any number of workers.",
        ),
        tag("dl", *(join([tag("dt", k), tag("dd", v)]) for k, v in items)),
    )


def _scenario_hashes(s: Scenario) -> list[tuple[str, object]]:
    """SHA-256 of the scenario file, and of its text with the bases it extends, as read."""
    found: list[tuple[str, object]] = []
    if s.origin is not None and Path(s.origin).is_file():
        digest = hashlib.sha256(Path(s.origin).read_bytes()).hexdigest()
        found.append(("scenario file SHA-256", digest))
    if s.text is not None:
        digest = hashlib.sha256(s.text.encode("utf-8")).hexdigest()
        found.append(("scenario text SHA-256", f"{digest} (the file followed by its bases)"))
    else:
        payload = json.dumps(s.model_dump(mode="json"), sort_keys=True).encode()
        digest = hashlib.sha256(payload).hexdigest()
        found.append(("scenario SHA-256", f"{digest} (of the validated content as JSON)"))
    return found


def _observations_sha256(o: Observations) -> str:
    if o.text is not None:
        return hashlib.sha256(o.text.encode("utf-8")).hexdigest() + " (of the file as read)"
    payload = json.dumps(o.to_dict(), sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest() + " (of the observations as data)"


def _command(
    s: Scenario,
    observations: Observations | None,
    r: Results,
    lever_replications: int,
    out: str | None,
) -> str:
    words = ["labour-sim", "report", s.origin or "SCENARIO.toml"]
    if observations is not None:
        words += ["--observations", observations.origin or "OBSERVATIONS.toml"]
    calibration = r.metadata.get("calibration") or {}
    if calibration:
        words += ["--calibration", str(calibration.get("folder") or "CALIBRATION_FOLDER")]
    words += ["--replications", str(r.n), "--seed", str(r.metadata.get("seed"))]
    words += ["--levers", str(lever_replications), "--out", out or "report.html"]
    return shlex.join(words)


def _code_version() -> str:
    try:
        version = importlib_metadata.version("labour_sim")
    except importlib_metadata.PackageNotFoundError:
        version = "unknown"
    commit = _git_commit()
    return f"labour_sim {version}" + (f", git commit {commit}" if commit else "")


def _git_commit() -> str | None:
    """The checkout's commit (with '+ changes' if the tree differs), when run from one."""
    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}{' + uncommitted changes' if dirty else ''}" if head else None


def _goal_basis(g: BudgetAnswer) -> str:
    """What a goal search ran on, in a few words."""
    if g.calibration is None:
        return "the scenario as written"
    return f"calibrated, each run at its own posterior draw of '{g.calibration.get('label', '?')}'"
