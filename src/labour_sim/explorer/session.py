"""The explorer's computation: a scenario and its settings -> a :class:`~.view.View`.

A :class:`Session` belongs to one open page (one user) and lives as long as it: it holds
the scenario as written, the results of the original setting (run once, on the session's
seed) and those of the current setting. Every setting runs the same replications on the
same seed, so the difference from the original setting is paired on common random numbers
(:func:`labour_sim.experiments.paired_differences`, as :func:`labour_sim.compare` computes
it, without running the original setting again), and a changed lever changes the answer
deterministically: the same setting always gives the same numbers.

"What would it take" is :func:`labour_sim.budget_for` on the current setting, searching
one lever over its slider's range with the session's replications; its answer decides only
where its Wilson interval clears the goal. The report of the current setting is written
from the results already computed (:func:`labour_sim.report.write_report` runs nothing).

The cards, the key figures and the basis are the report's first screen's own, as data
(:func:`labour_sim.report.first.card`, :func:`~labour_sim.report.first.key_facts`,
:func:`~labour_sim.report.first.basis_words`): the page lays them out as widgets.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..business import BusinessCase, business_case
from ..errors import ScenarioError
from ..experiments import (
    DEFAULT_SEED,
    Comparison,
    Execution,
    Results,
    paired_differences,
    run_experiment,
)
from ..levers import budget_for
from ..plots import fan_chart
from ..plots.style import legend_outside
from ..report import write_report
from ..report.first import basis_words, card, goal_line, key_facts, payers_line, promise_words
from ..scenario import Scenario
from ..stats import percent
from .state import LeverSpec, Settings, format_link, lever_specs
from .view import GoalView, View

__all__ = ["DEFAULT_REPLICATIONS", "Options", "Session"]

#: Replications per setting: an update of Lolland-Falster (2,600 citizens) with the fast
#: engine in the server process took 2.4 s of CPU (2.4-3.1 s wall clock) on a shared 2-core
#: machine under a load of 4 (2026-12-02); at the ~20 ms a replication of a quiet core,
#: about 1 s. Koege's (5 citizens) takes 0.3 s.
DEFAULT_REPLICATIONS = 50
#: Replications of the business case per setting (each a run and its business-as-usual
#: arm, costed by payer): about 0.6 s for Lolland-Falster on a quiet core.
BUSINESS_REPLICATIONS = 10
#: Where the payers' line sends the reader: the page has no business-case section.
PAYERS_SEE = "By year and by item: the full report (Download the full report)."
#: Outcomes whose difference from the original setting the page shows (then each target).
SHOWN_OUTCOMES = ("ordinary", "employed_26w", "cost:programme", "cost:net_public")
#: The fan chart first shows a target the original setting reaches less likely than this.
SHOWN_BELOW = 0.8


@dataclass(frozen=True)
class Options:
    """How a session runs: replications per setting, seed, workers, engine.

    ``workers=1`` (the default) runs in the server process, where the compiled engine
    stays loaded; more workers start a process pool at every update, which costs more than
    it saves at these replication counts.
    """

    replications: int = DEFAULT_REPLICATIONS
    seed: int = DEFAULT_SEED
    workers: int | None = 1
    engine: str = "fast"

    def execution(self) -> Execution:
        """The :class:`Execution` of every run (no progress bar, no folder)."""
        return Execution(workers=self.workers, progress=False, engine=self.engine)


class Session:
    """One page's computation: the original setting's results, and the current one's.

    Parameters
    ----------
    scenario : Scenario
        The scenario as written in its file.
    key : str
        Its key in the link (the file's stem).
    options : Options, optional
        Replications, seed, workers and engine.
    """

    def __init__(self, scenario: Scenario, key: str, options: Options | None = None) -> None:
        self.scenario = scenario
        self.key = key
        self.options = options or Options()
        self.specs: list[LeverSpec] = lever_specs(scenario)
        self._original: Results | None = None
        self.current: tuple[Settings, Scenario, Results] | None = None
        self.business: BusinessCase | None = None
        self._original_business: BusinessCase | None = None

    @property
    def original(self) -> Results:
        """Results of the scenario as written (run on first use)."""
        if self._original is None:
            self._original = self._run(self.scenario)
        return self._original

    def _run(self, scenario: Scenario) -> Results:
        o = self.options
        return run_experiment(scenario, o.replications, o.seed, execution=o.execution())

    def view(self, settings: Settings, shown: str | None = None) -> View:
        """Run ``settings`` (on the session's seed) and the view of it.

        Parameters
        ----------
        settings : Settings
            The scenario's key and the changed levers.
        shown : str, optional
            The target whose metric the fan chart shows (default: the first target the
            original setting reaches with less than :data:`SHOWN_BELOW` probability, else
            the first target).

        Raises
        ------
        ScenarioError
            A change the scenario's validation refuses (the command line's message).
        """
        started = time.perf_counter()
        changes = settings.as_dict()
        scenario = self.scenario.with_changes(changes) if changes else self.scenario
        original = self.original
        results = original if not changes else self._run(scenario)
        self.current = (settings, scenario, results)
        comparison = (
            Comparison(original, results, paired_differences(original.replications,
                                                              results.replications))
            if changes
            else None
        )  # fmt: skip
        target = shown if shown in set(results.targets["target"]) else first_missed(original)
        if changes:
            self.business = self._business(scenario)
        else:  # the scenario as written: its business case once, as its results
            self._original_business = self._original_business or self._business(scenario)
            self.business = self._original_business
        return View(
            title=scenario.name,
            basis=" ".join(basis_words(results)),
            note=(
                f"{results.n:,} replications per setting (seed {self.options.seed}); the "
                "bands include Monte Carlo noise. Every setting runs the same replications, "
                "so differences are paired on common random numbers."
            ),
            cards=tuple(card(row) for _, row in results.targets.iterrows()),
            facts=key_facts(results, scenario),
            figure=_fan(results, original, target, bool(changes)),
            shown=target,
            differences=difference_lines(comparison) if comparison is not None else (),
            payers=payers_line(self.business, see=PAYERS_SEE),
            changes=", ".join(f"{p} = {lever_value(v)}" for p, v in settings.changes)
            or "none: the scenario as written",
            link=format_link(settings),
            seconds=time.perf_counter() - started,
        )

    def _business(self, scenario: Scenario) -> BusinessCase | None:
        """The business case of ``scenario`` on the session's seed (``None``: no accounts)."""
        if scenario.accounts is None:
            return None
        o = self.options
        return business_case(scenario, BUSINESS_REPLICATIONS, o.seed, execution=o.execution())

    def what_would_it_take(self, target: str, probability: float, lever: str) -> GoalView:
        """The smallest value of ``lever`` (in its slider's range) that reaches ``target``.

        Runs :func:`labour_sim.budget_for` on the current setting (the scenario as written
        before any :meth:`view`), with the session's replications and seed.

        Raises
        ------
        ScenarioError
            An unknown target or lever, or a probability outside (0, 1).
        """
        started = time.perf_counter()
        spec = next((s for s in self.specs if s.path == lever), None)
        if spec is None:
            raise ScenarioError.single("lever", "a lever of the scenario", lever)
        scenario = self.current[1] if self.current is not None else self.scenario
        step = None if spec.whole else (spec.high - spec.low) / 20
        answer = budget_for(
            scenario, target, probability, lever, low=spec.low, high=spec.high, step=step,
            replications=self.options.replications, seed=self.options.seed,
            execution=self.options.execution(),
        )  # fmt: skip
        shown = self.current[2] if self.current is not None else self.original
        row = shown.targets[shown.targets["target"] == target].iloc[0]
        promise = promise_words(row)
        return GoalView(
            question=(
                f"What would it take to reach {promise} with {probability:.0%} "
                f"probability, moving {spec.label} from {spec.low:g} to {spec.high:g}?"
            ),
            lines=(goal_line(promise, answer, scenario),),
            seconds=time.perf_counter() - started,
        )

    def write_report(self, path: str | Path) -> Path:
        """Write the full report of the current setting to ``path`` (runs nothing new)."""
        if self.current is None:
            raise ScenarioError.single("report", "a setting shown first", "none")
        settings, scenario, results = self.current
        command = (
            f"labour-sim explore {self.scenario.origin or self.key} "
            f"--replications {results.n} --seed {self.options.seed}, "
            f"then open ?{format_link(settings)}"
        )
        return write_report(scenario, path, results, command=command, business=self.business)


def lever_value(value: int | float) -> str:
    """A lever's value as a reader writes it: ``42,260,000``, ``3.65``, ``0.16`` (no ``e+07``)."""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.10g}"


def first_missed(results: Results) -> str | None:
    """The first target reached with less than :data:`SHOWN_BELOW`, else the first one."""
    targets = results.targets
    if targets.empty:
        return None
    missed = targets[targets["probability"] < SHOWN_BELOW]
    return str((missed if not missed.empty else targets)["target"].iloc[0])


def difference_lines(comparison: Comparison) -> tuple[str, ...]:
    """The difference from the original setting in words: main outcomes, then each target.

    A target is named by its key (as "What would it take?" lists it) and its promise. When
    every paired replication gives the same difference (all reach it, or none, in both
    settings), the line says so instead of a zero-width interval: the chance itself stays
    as uncertain as each card's Wilson interval says.
    """
    lines = comparison.lines(SHOWN_OUTCOMES)
    targets = {str(t["target"]): t for _, t in comparison.b.targets.iterrows()}
    n = comparison.b.n
    for _, row in comparison.differences.iterrows():
        outcome = str(row["outcome"])
        if not outcome.startswith("reached:"):
            continue
        name = outcome.removeprefix("reached:")
        promise = f", {promise_words(targets[name])}" if name in targets else ""
        difference = f"difference {100 * row['difference']:+.1f} points"
        if row["ci_low"] == row["ci_high"]:
            spread = (
                f"(the same in all {n:,} paired replications)"
                if row["difference"] == 0
                else f"(the same change in all {n:,} paired replications)"
            )
        else:
            spread = f"[{100 * row['ci_low']:+.1f}, {100 * row['ci_high']:+.1f}]"
        lines.append(
            f"chance of reaching {name}{promise}: {percent(row['mean_a'])} -> "
            f"{percent(row['mean_b'])}, {difference} {spread}"
        )
    return tuple(lines)


def _fan(results: Results, original: Results, target: str | None, changed: bool) -> Figure:
    """The fan chart of ``results``, with the original setting's median dashed when changed."""
    figure = fan_chart(results, target=target)
    if changed and figure.axes:
        ax = figure.axes[0]
        row = results.target(target) if target is not None else results.targets.iloc[0]
        bands = original.bands
        median = bands[(bands["kind"] == "metric") & (bands["series"] == row["metric"])]
        if not median.empty and "q50" in median:
            ax.plot(
                pd.to_datetime(median["date"]), median["q50"], color="black", linestyle="--",
                linewidth=1.2, label="original setting: median",
            )  # fmt: skip
            for legend in list(figure.legends):  # the legend was drawn before this line
                legend.remove()
            legend_outside(figure, ax, ncols=3)
    return figure
