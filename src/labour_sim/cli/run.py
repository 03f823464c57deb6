"""``labour-sim run``, ``compare``, ``budget``, ``table`` and ``schema``.

:func:`add_commands` registers them on the ``labour-sim`` parser; each is a thin wrapper
over the public API. Mistakes raise :class:`~labour_sim.errors.ScenarioError`, which the
main command prints as one message (exit code 2).
Examples are in :mod:`labour_sim.cli.main` and each command's ``--help``.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from ..calibration import DEFAULT_DRIFT, Calibration
from ..errors import Problem, ScenarioError
from ..experiments import Results, compare, run_experiment
from ..experiments.posterior import PosteriorDraws
from ..levers import budget_for
from ..metrics import METRIC_LABELS, NET_PUBLIC_BASIS
from ..programmes import programme_table, programmes_markdown
from ..progress import progress_note
from ..scenario import Scenario, load_scenario, scenario_cautions
from ..scenario.doc import scenario_format
from .options import (
    EXIT_OK,
    add_calibration_options,
    add_execution_options,
    add_format_option,
    add_size_options,
    dask_client,
    execution,
    finite,
    probability,
    write_or_print,
)

__all__ = ["add_commands", "pathway_summary", "verdict_table"]


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``run``, ``compare``, ``budget``, ``table`` and ``schema``."""
    run = sub.add_parser(
        "run",
        help="run many replications and print how likely each target is",
        description="Run many replications of a scenario and print a verdict per target.",
        epilog="""examples:
  labour-sim run scenarios/lolland_falster.toml
  labour-sim run scenarios/lolland_falster.toml -n 5000 --workers 2 --out out/lf
  labour-sim run scenarios/lolland_falster.toml --precision 0.01
  labour-sim run scenarios/lolland_falster.toml --scheduler tcp://10.0.0.5:8786
  labour-sim run scenarios/lolland_falster.toml --calibration out/calibration/lolland_falster_midterm

With --calibration (a folder written by labour-sim calibrate) each replication runs at its
own draw from the posterior: the verdicts then include parameter uncertainty and, unless
--drift 0, the future drift of hiring after the last observation. Without it the run is
uncalibrated (the scenario's numbers as written) and says so.

An interrupted run with --out resumes where it stopped when started again with the
same arguments, and ends with exactly the results of an uninterrupted run.""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("scenario", help="scenario TOML file")
    _experiment_options(run, precision=True)
    run.add_argument("--out", type=Path, help="folder for the result tables and metadata")
    run.add_argument(
        "--overwrite", action="store_true", help="replace a different run found in --out"
    )
    add_calibration_options(run, "run the posterior predictive")
    add_format_option(run)
    run.set_defaults(func=_run)

    comp = sub.add_parser(
        "compare",
        help="compare two scenarios on common random numbers",
        description="Paired comparison of scenario B against A (same random numbers).",
        epilog="""examples:
  labour-sim compare scenarios/a.toml scenarios/b.toml
  labour-sim compare scenarios/lolland_falster.toml --set companies.slots_per_company=2
  labour-sim compare scenarios/lolland_falster.toml --set staff.mentors=40 --out out/cmp""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    comp.add_argument("a", help="baseline scenario TOML file")
    comp.add_argument("b", nargs="?", help="alternative scenario (default: A with --set changes)")
    comp.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="change a value of B (repeatable), e.g. companies.slots_per_company=2",
    )
    _experiment_options(comp, precision=False)
    comp.add_argument("--out", type=Path, help="folder for both results and the differences")
    add_format_option(comp)
    comp.set_defaults(func=_compare)

    budget = sub.add_parser(
        "budget",
        help="the smallest budget that reaches a target with a given probability",
        description="Search one lever for the smallest budget that reaches a target.",
        epilog="""examples:
  labour-sim budget scenarios/lolland_falster.toml --target ordinary_550 --lever staff.mentors --low 10 --high 200 --step 10
  labour-sim budget scenarios/lolland_falster.toml --target companies_400 --probability 0.9 --lever companies.max_companies --low 200 --high 600 --step 25""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    budget.add_argument("scenario", help="scenario TOML file")
    budget.add_argument("--target", required=True, help="name of a target in the scenario")
    budget.add_argument(
        "--probability", type=probability, default=0.8, help="required probability (0.8)"
    )
    budget.add_argument("--lever", required=True, metavar="PATH", help="e.g. staff.mentors")
    budget.add_argument("--low", type=finite, required=True, help="smallest lever value")
    budget.add_argument("--high", type=finite, required=True, help="largest lever value")
    budget.add_argument("--step", type=finite, help="grid step (default 1 for counts)")
    _experiment_options(budget, precision=False, default_replications=200)
    add_calibration_options(budget, "search (and confirm) on the calibrated model")
    budget.set_defaults(func=_budget)

    table = sub.add_parser(
        "table",
        help="write the programme table (docs/programmes.md)",
        description="Run every scenario and tabulate each programme's promise.",
        epilog="""examples:
  labour-sim table scenarios/*.toml --out docs/programmes.md
  labour-sim table scenarios/*.toml --calibration out/calibration/lolland_falster_midterm

A programme with a --calibration (matched by the scenario it was made on) gets the
calibrated answer, the uncalibrated probability beside it; the others say uncalibrated.""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    table.add_argument("scenarios", nargs="+", help="scenario TOML files")
    table.add_argument(
        "--calibration", type=Path, action="append", default=[], metavar="DIR",
        help="a folder written by labour-sim calibrate (repeatable): that programme's row "
        "is the calibrated answer",
    )  # fmt: skip
    table.add_argument("--out", type=Path, help="Markdown file (default: print)")
    _experiment_options(table, precision=False)
    table.set_defaults(func=_table)

    schema = sub.add_parser(
        "schema",
        help="write the scenario format reference (docs/scenario-format.md)",
        epilog="example:\n  labour-sim schema --out docs/scenario-format.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    schema.add_argument("--out", type=Path, help="Markdown file (default: print)")
    schema.set_defaults(func=_schema)


def _experiment_options(
    parser: argparse.ArgumentParser, precision: bool, default_replications: int = 1000
) -> None:
    add_size_options(parser, precision=precision, default_replications=default_replications)
    add_execution_options(parser)


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    draws = calibrated(args, scenario)
    for caution in scenario_cautions(scenario):
        progress_note(f"caution: {caution}")
    # --replications has a default, --precision none (and argparse refuses both)
    replications = args.replications if args.precision is None else None
    with dask_client(args.scheduler) as client:
        results = run_experiment(
            scenario, replications, args.seed,
            precision=args.precision, execution=execution(args, client), calibration=draws,
        )  # fmt: skip
    print(verdict_table(scenario, results))
    effects = results.effect_lines()
    if effects:
        print("\nAgainst business as usual (same citizens, paired over replications)")
        print("\n".join(f"  {line}" for line in effects))
    costs = results.cost_lines()
    if costs:
        print(
            "\nCosts (mean and 80 % interval over replications; the net public cost is "
            f"{NET_PUBLIC_BASIS}: `labour-sim business-case` sets the programme against "
            "business as usual)"
        )
        print("\n".join(f"  {line}" for line in costs))
    print()
    print(pathway_summary(scenario, results.replications))
    if args.out is not None:
        print(f"\nresults written to {args.out}/")
    return EXIT_OK


def calibrated(args: argparse.Namespace, scenario: Scenario) -> PosteriorDraws | None:
    """The draws of ``--calibration`` (with ``--drift``) for ``scenario``, or ``None``.

    ``--drift`` without ``--calibration`` is a one-line error: it would change nothing.
    """
    if not args.calibration:
        if args.drift is not None:
            expected = "--calibration too (drift applies to a calibrated run only)"
            given = f"{args.drift:g} without --calibration"
            raise ScenarioError([Problem("--drift", expected, given)])
        return None
    drift = DEFAULT_DRIFT if args.drift is None else args.drift
    return calibration_draws(args.calibration, scenario, drift)


def calibration_draws(folder: Path, scenario: Scenario, drift: float) -> PosteriorDraws:
    """The posterior draws of the calibration in ``folder`` (``--calibration``), for ``scenario``.

    A folder without ``calibration.json`` is a one-line error naming ``--calibration``; a
    calibration made on another scenario is run all the same, with a note on stderr.
    """
    found = Calibration.load(_calibration_folder(folder))
    if found.scenario.hash != scenario.hash:
        print(
            f"note: {folder} calibrated '{found.scenario.name}' ({found.scenario.hash}); "
            f"its posterior is applied to '{scenario.name}' ({scenario.hash})",
            file=sys.stderr,
        )
    return _with_folder(found.posterior_draws(drift or None), folder)


def _calibration_folder(folder: Path) -> Path:
    """``folder`` if it holds a calibration; else a one-line error naming ``--calibration``."""
    if not (folder / "calibration.json").is_file():
        raise ScenarioError.single(
            "--calibration",
            "a folder written by labour-sim calibrate (with calibration.json)",
            str(folder),
        )
    return folder


def _with_folder(draws: PosteriorDraws, folder: Path) -> PosteriorDraws:
    """``draws`` recording the folder they were read from (for the results' metadata)."""
    return PosteriorDraws(
        draws.label, draws.paths, draws.values, draws.weights, draws.integer, draws.drift,
        {**draws.about, "folder": str(folder)},
    )  # fmt: skip


def _compare(args: argparse.Namespace) -> int:
    a = load_scenario(args.a)
    b = load_scenario(args.b) if args.b else a
    if args.changes:
        b = b.with_changes(dict(_parse_change(text) for text in args.changes))
    elif args.b is None:
        raise ScenarioError.single("B", "a second scenario file or --set PATH=VALUE", "neither")
    with dask_client(args.scheduler) as client:
        result = compare(a, b, args.replications, args.seed, execution=execution(args, client))
    b_name = b.name if args.b else f"{a.name} with {', '.join(args.changes)}"
    print(
        f"{b_name} against {a.name}: {args.replications} paired replications, seed "
        f"{args.seed} (means of A -> B; the paired difference with its 95 % interval)"
    )
    outcomes = (*SUMMARY_METRICS, *(f"target:{t.name}" for t in b.targets))
    print("\n".join(f"  {line}" for line in result.lines(outcomes)))
    costs = ("cost:programme", "cost:net_public")
    if result.differences["outcome"].isin(costs).any():
        print("  " + "\n  ".join(result.lines(costs)))
        print(f"  {result.incremental_cost().line()}")
    if args.out is not None:
        print(f"\nresults written to {args.out}/")
    return EXIT_OK


def _budget(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    with dask_client(args.scheduler) as client:
        answer = budget_for(
            scenario,
            args.target,
            args.probability,
            args.lever,
            low=args.low,
            high=args.high,
            step=args.step,
            replications=args.replications,
            seed=args.seed,
            execution=execution(args, client),
            calibration=calibrated(args, scenario),
        )
    print("\n".join(answer.lines()))
    print("\nsearched (common random numbers):")
    print(answer.search.to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
    return EXIT_OK


def _table(args: argparse.Namespace) -> int:
    paths = sorted(args.scenarios)
    for path in paths:
        load_scenario(path)  # every mistake before any long run
    folders = sorted(args.calibration)
    calibrations = []
    for folder in folders:
        found = Calibration.load(_calibration_folder(folder))
        draws = _with_folder(found.posterior_draws(DEFAULT_DRIFT), folder)
        calibrations.append(draws)
    with dask_client(args.scheduler) as client:
        table = programme_table(
            paths, args.replications, args.seed, execution=execution(args, client, out=False),
            calibrations=calibrations,
        )  # fmt: skip
    options = "".join(f" --calibration {folder}" for folder in folders)
    write_or_print(
        programmes_markdown(table, args.replications, args.seed, options=options), args.out
    )
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    write_or_print(scenario_format(), args.out)
    return EXIT_OK


def _parse_change(text: str) -> tuple[str, Any]:
    """``PATH=VALUE`` with VALUE read as a TOML value (number, string, boolean, table)."""
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise ScenarioError.single("--set", "PATH=VALUE, e.g. staff.mentors=40", text)
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return path.strip(), value


def verdict_table(scenario: Scenario, results: Results) -> str:
    """Each target's verdict in plain words, under a header saying how many replications."""
    meta = results.metadata
    lines = [
        f"{scenario.name}: {results.n:,} replications (seed {meta.get('seed')})",
        *textwrap.wrap(results.basis(), 92, initial_indent="  ", subsequent_indent="  "),
    ]
    precision = meta.get("precision")
    if precision:
        lines.append(
            f"precision: half-width {precision['reached_half_width']:.4f} "
            f"(asked {precision['requested_half_width']}); {precision['stopped_because']}"
        )
    lines += [f"  {line}" for line in results.verdicts()] or ["  (the scenario has no targets)"]
    return "\n".join(lines)


def _short_label(metric: str) -> str:
    """A metric's label without its parenthesised explanation."""
    return METRIC_LABELS[metric].split(" (")[0]


SUMMARY_METRICS = ("referred", "placed", "ordinary", "attached", "employed_26w", "companies_joined")


def pathway_summary(scenario: Scenario, table: pd.DataFrame) -> str:
    """Median and 80 % range across replications of the main counts at the end date."""
    w = max(len(_short_label(metric)) for metric in SUMMARY_METRICS)
    lines = [
        f"Pathway by {scenario.period.end} (median and 80 % range over replications)",
        f"{'':{w}s} {'median':>8s} {'80 % range':>14s}",
    ]
    for metric in SUMMARY_METRICS:
        lo, mid, hi = table[metric].quantile([0.1, 0.5, 0.9])
        lines.append(f"{_short_label(metric):{w}s} {mid:8.0f} {f'{lo:.0f} - {hi:.0f}':>14s}")
    return "\n".join(lines)
