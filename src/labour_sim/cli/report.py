"""``labour-sim report``: the funders' report as one self-contained HTML file.

:func:`add_commands` registers the subcommand on the ``labour-sim`` parser. Mistakes in
files or options raise :class:`~labour_sim.errors.ScenarioError`, which the main command
prints as one message (exit code 2). Progress goes to stderr, the verdict to stdout.

Examples
--------
::

    labour-sim report scenarios/lolland_falster.toml --out out/lolland_falster.html
    labour-sim report scenarios/lolland_falster.toml \
        --observations scenarios/observations/lolland_falster_midterm.toml \
        --replications 1000 --levers 30 --out out/lolland_falster.html
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from ..business import business_case
from ..calibration import DEFAULT_DRIFT, Observations, evaluation_table, load_observations
from ..diagnosis import GOAL_PROBABILITY, goal_searches
from ..errors import ScenarioError
from ..experiments import Execution, Results, run_experiment
from ..experiments.posterior import PosteriorDraws
from ..levers import Sensitivity, run_tornado
from ..report import DEFAULT_LEVER_REPLICATIONS, check_report_inputs, write_report
from ..scenario import Scenario, load_scenario
from .options import (
    EXIT_OK,
    add_execution_options,
    add_size_options,
    dask_client,
    execution,
    whole_number,
)
from .run import calibration_draws

__all__ = ["add_commands"]

#: Replications of the report's business case (each one run and its business-as-usual arm).
DEFAULT_BUSINESS_REPLICATIONS = 10
#: Replications per lever value of the report's goal searches (0 skips them). At 100 a
#: probability's Wilson 95 % interval is about +-8 points: the answer says when that is too
#: coarse to decide ("undecided at this precision").
DEFAULT_GOAL_REPLICATIONS = 100
_EPILOG = f"""examples:
  labour-sim report scenarios/lolland_falster.toml --out out/lolland_falster.html
  labour-sim report scenarios/lolland_falster.toml \\
      --observations scenarios/observations/lolland_falster_midterm.toml --out out/lf.html
  labour-sim report scenarios/kalundborg_plads_til_flere.toml -n 200 --levers 0 --out k.html
  labour-sim run scenarios/lolland_falster.toml --out out/lf && \\
      labour-sim report scenarios/lolland_falster.toml --results out/lf --out out/lf/report.html
  labour-sim report scenarios/lolland_falster.toml \\
      --calibration out/calibration/lolland_falster_midterm --out out/lf_calibrated.html

The page opens in any browser without a network connection and prints well (A4). It holds
the verdict per target and the cost per sustained job, the pathway funnel, fan charts,
costs, a tornado of the programme's levers (--levers N replications per setting, default
{DEFAULT_LEVER_REPLICATIONS}; 0 leaves it out), for each target below {GOAL_PROBABILITY:.0%} a goal search
on one lever (--goal N replications per value, default {DEFAULT_GOAL_REPLICATIONS}; 0 leaves it
out), with --observations a comparison with what an evaluation reported, every number with its source or assumption, a STRESS-DES model
description and the command that reproduces it. With --calibration (or --results of a
calibrated run) the verdicts are the posterior predictive, and the first screen says what
they were calibrated to and what the intervals include; without, it says they are
uncalibrated."""


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``report`` subcommand on ``sub``."""
    rep = sub.add_parser(
        "report",
        help="write the funders' report: one self-contained HTML file",
        description="Run a scenario and write the funders' report (one HTML file).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rep.add_argument("scenario", help="scenario TOML file")
    rep.add_argument(
        "--observations",
        metavar="FILE",
        help="observation TOML file: compare what an evaluation reported with the model",
    )
    rep.add_argument(
        "--levers",
        type=whole_number(0),
        default=DEFAULT_LEVER_REPLICATIONS,
        metavar="N",
        help=f"replications per lever setting of the tornado (default "
        f"{DEFAULT_LEVER_REPLICATIONS}; 0: leave it out)",
    )
    rep.add_argument(
        "--business",
        type=whole_number(0),
        default=DEFAULT_BUSINESS_REPLICATIONS,
        metavar="N",
        help=f"replications of the business case against business as usual (default "
        f"{DEFAULT_BUSINESS_REPLICATIONS}; 0: leave it out)",
    )
    rep.add_argument(
        "--goal",
        type=whole_number(0),
        default=DEFAULT_GOAL_REPLICATIONS,
        metavar="N",
        help=f"replications per lever value of the goal search for each target below "
        f"{GOAL_PROBABILITY * 100:.0f}%% (default {DEFAULT_GOAL_REPLICATIONS}; 0: leave it out)",
    )
    rep.add_argument(
        "--results",
        metavar="DIR",
        type=Path,
        help="report the results saved by `labour-sim run SCENARIO --out DIR` instead of "
        "running the scenario again",
    )
    rep.add_argument(
        "--calibration", type=Path, metavar="DIR",
        help="a folder written by labour-sim calibrate: report the calibrated answer "
        "(default with --results of a calibrated run: the folder it was run with)",
    )  # fmt: skip
    rep.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    add_size_options(rep)
    add_execution_options(rep)
    rep.set_defaults(func=_report)


def _report(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    observations = load_observations(args.observations, scenario) if args.observations else None
    if args.out.exists() and args.out.is_dir():
        raise ScenarioError.single("--out", "a file name (not a folder)", str(args.out))
    saved = _saved_results(args.results) if args.results else None
    if saved is not None:
        check_report_inputs(scenario, saved)  # before running anything more for it
    draws = _calibration(args.calibration, scenario, saved)
    with dask_client(args.scheduler) as client:
        runs = execution(args, client, out=False)
        results = (
            run_experiment(
                scenario, args.replications, args.seed, execution=runs, calibration=draws
            )
            if saved is None
            else saved
        )
        seed = int(results.metadata.get("seed", args.seed))
        sensitivity, evaluation = _analyses(
            scenario, results, seed, observations, args.levers, runs, draws
        )
        business = (
            business_case(scenario, args.business, seed, execution=runs, calibration=draws)
            if args.business > 0 and scenario.accounts is not None
            else None
        )
        goals = (
            goal_searches(scenario, results, sensitivity, args.goal, seed, runs, draws)
            if args.goal > 0
            else None
        )
    try:
        path = write_report(
            scenario,
            args.out,
            results,
            sensitivity=sensitivity,
            evaluation=evaluation,
            observations=observations,
            business=business,
            goals=goals,
        )
    except OSError as exc:
        raise ScenarioError.single(
            "--out", "a file that can be written", f"{args.out} ({exc.strerror})"
        ) from None
    if saved is None:
        print(f"{scenario.name}: {args.replications:,} replications (seed {args.seed})")
    else:
        print(f"{scenario.name}: the {saved.n:,} replications saved in {args.results}")
    print(f"report written to {path}")
    return EXIT_OK


def _analyses(
    scenario: Scenario,
    results: Results,
    seed: int,
    observations: Observations | None,
    lever_replications: int,
    runs: Execution,
    draws: PosteriorDraws | None = None,
) -> tuple[Sensitivity | None, pd.DataFrame | None]:
    """The tornado and the comparison with the evaluation, both on ``seed``.

    ``seed`` is the results' own (a saved run's, not ``--seed``), so the evaluation reads the
    same simulated programmes as the rest of the report.
    """
    evaluation = (
        None
        if observations is None
        else evaluation_table(
            scenario, observations, results.n, seed, execution=runs, calibration=draws
        )
    )
    if lever_replications <= 0:
        return None, evaluation
    sensitivity = run_tornado(
        scenario, lever_replications, seed, results=results, execution=runs, calibration=draws
    )
    return sensitivity, evaluation


def _calibration(
    folder: Path | None, scenario: Scenario, saved: Results | None
) -> PosteriorDraws | None:
    """The calibration to report: ``--calibration``, or the one saved results were run with.

    Saved results and ``--calibration`` must agree (same posterior and drift), so that the
    report never mixes a calibrated run with uncalibrated figures or another calibration.
    """
    ran = (saved.metadata.get("calibration") or None) if saved is not None else None
    if folder is None and ran is not None:
        folder = Path(str(ran.get("folder") or ""))
        if not ran.get("folder") or not (folder / "calibration.json").is_file():
            raise ScenarioError.single(
                "--calibration",
                "the calibration folder the saved results were run with",
                f"none (results calibrated by '{ran.get('label')}', folder "
                f"{ran.get('folder')!r} not found)",
            )
    if folder is None:
        return None
    drift = float(ran.get("drift_sd_per_year", 0.0)) if ran is not None else DEFAULT_DRIFT
    draws = calibration_draws(folder, scenario, drift)
    if saved is not None and (ran or {}).get("fingerprint") != draws.fingerprint:
        raise ScenarioError.single(
            "--calibration",
            "the calibration the saved results were run with"
            + (f" ('{ran.get('label')}', {ran.get('fingerprint')})" if ran else " (none)"),
            f"{folder} ({draws.fingerprint})",
        )
    return draws


def _saved_results(folder: Path) -> Results:
    if not (folder / "metadata.json").is_file():
        raise ScenarioError.single(
            "--results",
            "a folder written by labour-sim run --out (with metadata.json)",
            str(folder),
        )
    return Results.load(folder)
