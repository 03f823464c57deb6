"""``labour-sim calibrate``, ``forecast`` and ``score``: thin wrappers over the calibration API.

:func:`add_commands` registers the subcommands on the ``labour-sim`` parser. ``calibrate``
takes a set-up file (``scenarios/calibration/*.toml``: scenario, observations, priors,
settings and seed) or, as before, a scenario, an observation file and ``--param`` options. Mistakes in
files or options raise :class:`~labour_sim.errors.ScenarioError`, which the main command
prints as one message (exit code 2). Progress goes to stderr, results to stdout.

Examples
--------
::

    labour-sim calibrate scenarios/calibration/lolland_falster_midterm.toml --out out/lf_midterm
    labour-sim score out/lf_midterm LATER_REPORT.toml
    labour-sim calibrate scenarios/lolland_falster.toml \
        scenarios/observations/lolland_falster_midterm.toml \
        --param "placement.outcomes.ordinary=uniform(0.01, 0.3)" \
        --param "placement.outcomes.reduced=uniform(0.01, 0.3)" --out out/lf_midterm
    labour-sim forecast out/lf_midterm --date 2021-12-31
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from ..calibration import (
    DEFAULT_DRAWS,
    DEFAULT_DRIFT,
    DEFAULT_GENERATIONS,
    DEFAULT_MAX_SIMULATIONS,
    DEFAULT_POPULATION,
    Calibration,
    calibrate,
    load_observations,
    load_setup,
)
from ..errors import ScenarioError
from ..experiments import DEFAULT_SEED
from ..metrics import ALL_METRICS, METRICS
from ..scenario import load_scenario
from .options import (
    EXIT_OK,
    add_execution_options,
    add_format_option,
    dask_client,
    drift_sd,
    execution,
    positive_int,
    seed,
)

__all__ = ["add_commands", "parse_param"]

_CALIBRATE_EPILOG = """examples:
  labour-sim calibrate scenarios/calibration/lolland_falster_midterm.toml --out out/lf_midterm
  labour-sim calibrate scenarios/calibration/hedensted_code_of_care.toml
  labour-sim calibrate ACTUALS_SETUP.toml --hold-out-last   # observations at two dates or more
  labour-sim calibrate scenarios/lolland_falster.toml scenarios/observations/lolland_falster_midterm.toml \\
      --param "intake.rate_per_week=uniform(4, 11)" \\
      --param "companies.recruitment_per_week=uniform(2, 6)" \\
      --param "placement.outcomes.ordinary=uniform(0.01, 0.3)" \\
      --param "placement.outcomes.reduced=uniform(0.01, 0.3)" --out out/lf_midterm
  labour-sim calibrate SCENARIO ACTUALS.toml --param "staff.mentors=uniform(10, 60)" --out out/re --workers 2

A set-up file names the scenario, observation files, priors, settings and seed: the same
file gives the same posterior, bit for bit (its settings and seed are not options then;
--out defaults to out/calibration/NAME). A prior is uniform(low, high), loguniform(low,
high) or normal(mean, sd). The result folder holds the posterior, diagnostics and pyabc's
history; `labour-sim forecast` and `labour-sim score` read it. --hold-out-last calibrates
to all but the last observation date and scores the forecast of that date. A re-forecast
mid-programme is the same command with the programme's own actuals to date as the
observation file."""

_SCORE_EPILOG = """examples:
  labour-sim score out/lf_midterm scenarios/observations/LATER_REPORT.toml
  labour-sim score out/lf_midterm LATER_REPORT.toml --draws 1000 --out out/lf_midterm/score

Every observation must be dated after the calibration's last one. Each report is scored as
the model's value plus the report's own normal error (its sd), as calibration treats it:
50 / 80 / 95 % forecast intervals, PIT (where the value falls, 0 to 1), whether it falls
inside each interval, CRPS (lower is better, in the value's unit); then coverage of each
interval and the mean CRPS."""

#: Where a set-up's calibration goes without --out (relative to the working folder).
SETUP_OUT = Path("out") / "calibration"

#: calibrate's settings as options and as set-up fields (a set-up fixes them).
_SETTINGS = {
    "population": ("--population", DEFAULT_POPULATION),
    "generations": ("--generations", DEFAULT_GENERATIONS),
    "max_simulations": ("--max-simulations", DEFAULT_MAX_SIMULATIONS),
    "draws": ("--draws", DEFAULT_DRAWS),
    "seed": ("--seed", DEFAULT_SEED),
}

_FORECAST_EPILOG = """examples:
  labour-sim forecast out/lf_midterm --date 2021-12-31
  labour-sim forecast out/lf_midterm --date 2021-12-31 --metric ordinary --metric paid --draws 1000
  labour-sim forecast out/lf_midterm --point-estimate      # without parameter uncertainty"""


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``calibrate``, ``forecast`` and ``score`` subcommands on ``sub``."""
    cal = sub.add_parser(
        "calibrate",
        help="estimate scenario numbers from observed figures (ABC-SMC)",
        description="Calibrate chosen scenario numbers to observations by ABC-SMC, as a "
        "set-up file says or as the options say.",
        epilog=_CALIBRATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cal.add_argument(
        "scenario", metavar="SETUP_OR_SCENARIO",
        help="a calibration set-up TOML file, or a scenario TOML file (then OBSERVATIONS)",
    )  # fmt: skip
    cal.add_argument("observations", nargs="?", help="observation TOML file (without a set-up)")
    cal.add_argument(
        "--param", dest="params", action="append", default=[], metavar="PATH=PRIOR",
        help="a number to calibrate and its prior (repeatable), e.g. "
        "'placement.outcomes.ordinary=uniform(0.01, 0.3)'",
    )  # fmt: skip
    cal.add_argument(
        "--out", type=Path,
        help="folder for the result (required without a set-up; default with one: "
        f"{SETUP_OUT}/NAME, NAME the set-up file's name)",
    )  # fmt: skip
    add_format_option(cal)
    cal.add_argument(
        "--population", type=positive_int,
        help=f"accepted particles per generation (default {DEFAULT_POPULATION})",
    )  # fmt: skip
    cal.add_argument(
        "--generations", type=positive_int,
        help=f"ABC-SMC generations (default {DEFAULT_GENERATIONS})",
    )  # fmt: skip
    cal.add_argument(
        "--max-simulations", type=positive_int,
        help=f"stop after this many simulations (default {DEFAULT_MAX_SIMULATIONS:,})",
    )  # fmt: skip
    cal.add_argument(
        "--draws", type=positive_int,
        help=f"posterior predictive draws for the check (default {DEFAULT_DRAWS})",
    )  # fmt: skip
    cal.add_argument(
        "--hold-out-last", action="store_true",
        help="leave-future-out: calibrate to the observations before the last date and "
        "score the forecast of those at it",
    )  # fmt: skip
    cal.add_argument(
        "--overwrite", action="store_true", help="replace a calibration found in --out"
    )
    cal.add_argument("--seed", type=seed, help=f"default {DEFAULT_SEED}")
    add_execution_options(cal)
    cal.set_defaults(func=_calibrate)

    fc = sub.add_parser(
        "forecast",
        help="forecast metrics and targets from a saved calibration",
        description="Posterior predictive forecast (parameter uncertainty included).",
        epilog=_FORECAST_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fc.add_argument("calibration", type=Path, help="folder written by labour-sim calibrate")
    fc.add_argument("--date", help="ISO date to read the metrics at (default: period end)")
    fc.add_argument(
        "--metric", dest="metrics", action="append", choices=ALL_METRICS, metavar="METRIC",
        help=f"metric to report (repeatable; default the cumulative ones: {', '.join(METRICS)}; "
        f"or a point-in-time one: {', '.join(ALL_METRICS[len(METRICS):])})",
    )  # fmt: skip
    fc.add_argument(
        "--draws", type=positive_int, help="posterior draws (default: as in the calibration)"
    )
    fc.add_argument(
        "--point-estimate", action="store_true",
        help="use the point estimate only (leaves parameter uncertainty out)",
    )  # fmt: skip
    fc.add_argument(
        "--sources", action="store_true",
        help="also split the spread into Monte Carlo noise, parameters and future conditions "
        "(runs the draws three times)",
    )  # fmt: skip
    _add_drift(fc)
    fc.add_argument("--out", type=Path, help="folder to save the forecast tables in")
    add_format_option(fc)
    add_execution_options(fc)
    fc.set_defaults(func=_forecast)

    sc = sub.add_parser(
        "score",
        help="score a saved calibration's forecasts against figures reported after it",
        description="Forecast intervals, PIT, coverage and CRPS of later observations.",
        epilog=_SCORE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sc.add_argument("calibration", type=Path, help="folder written by labour-sim calibrate")
    sc.add_argument("observations", help="observation TOML file, dated after the calibration")
    sc.add_argument(
        "--draws", type=positive_int, help="posterior draws (default: as in the calibration)"
    )
    _add_drift(sc)
    sc.add_argument("--out", type=Path, help="folder to save the score tables in")
    add_format_option(sc)
    add_execution_options(sc)
    sc.set_defaults(func=_score)


def _add_drift(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--drift", type=drift_sd, default=DEFAULT_DRIFT, metavar="SD",
        help=f"sd of the yearly log change of hiring after the last observation (default "
        f"{DEFAULT_DRIFT:g}, an assumption; 0: the calibrated rates hold to the horizon)",
    )  # fmt: skip


def parse_param(text: str) -> tuple[str, str]:
    """``PATH=PRIOR`` -> ``(path, prior spec)``; a ScenarioError if malformed."""
    path, sep, prior = text.partition("=")
    if not sep or not path.strip() or not prior.strip():
        raise ScenarioError.single(
            "--param", "PATH=PRIOR, e.g. placement.outcomes.ordinary=uniform(0.01, 0.3)", text
        )
    return path.strip(), prior.strip()


def _calibrate(args: argparse.Namespace) -> int:
    if args.observations is None:
        return _calibrate_setup(args)
    if not args.params:
        raise ScenarioError.single(
            "--param", "at least one PATH=PRIOR, e.g. placement.outcomes.ordinary=uniform(0.01, 0.3)",
            "none",
        )  # fmt: skip
    if args.out is None:
        raise ScenarioError.single(
            "--out", "a folder for the result (required without a set-up file)", "none"
        )
    for key, (_, default) in _SETTINGS.items():
        if getattr(args, key) is None:
            setattr(args, key, default)
    params = dict(parse_param(text) for text in args.params)
    scenario = load_scenario(args.scenario)
    observations = load_observations(args.observations, scenario)
    if not args.quiet:
        print(
            f"calibrating {len(params)} numbers of '{scenario.name}' to {len(observations)} "
            f"observations ({observations.name}); population {args.population}, "
            f"{args.generations} generations, seed {args.seed}"
        )
    with dask_client(args.scheduler) as client:
        result = calibrate(
            scenario, observations, params,
            seed=args.seed, population_size=args.population, generations=args.generations,
            max_simulations=args.max_simulations, predictive_draws=args.draws,
            execution=execution(args, client), holdout=args.hold_out_last,
        )  # fmt: skip
    _print_calibration(result, args.out)
    return EXIT_OK


def _calibrate_setup(args: argparse.Namespace) -> int:
    """``labour-sim calibrate SETUP``: every setting from the file, none from options."""
    given = [flag for key, (flag, _) in _SETTINGS.items() if getattr(args, key) is not None]
    if args.params:
        given.insert(0, "--param")
    if given:
        raise ScenarioError.single(
            given[0],
            "no such option with a set-up file (the set-up fixes the priors, settings and "
            "seed: edit the file, or give SCENARIO OBSERVATIONS instead)",
            " ".join(given),
        )
    setup = load_setup(args.scenario)
    if args.engine != "auto" and args.engine != setup.engine:
        raise ScenarioError.single(
            "--engine", f"the set-up's engine ({setup.engine}) or none", args.engine
        )
    if args.out is None:
        args.out = SETUP_OUT / Path(args.scenario).stem
    holdout = setup.hold_out_last or args.hold_out_last
    if not args.quiet:
        print(
            f"calibrating as {args.scenario} says ({setup.name}): {len(setup.priors)} numbers, "
            f"population {setup.population}, {setup.generations} generations, seed "
            f"{setup.seed}{'; last observation date held out' if holdout else ''}"
        )
    with dask_client(args.scheduler) as client:
        result = setup.run(execution(args, client), holdout=holdout)
    _print_calibration(result, args.out)
    return EXIT_OK


def _print_calibration(result: Calibration, out: Path) -> None:
    print("\n".join(result.lines()))
    if result.holdout is not None:
        print("\nLeave-future-out: the last observation date, held out of the calibration")
        print("\n".join(result.holdout.lines()))
    print(f"\nresult written to {out}/ (forecast with: labour-sim forecast {out}; the calibrated")
    print(f"answer with: labour-sim run SCENARIO --calibration {out})")


def _score(args: argparse.Namespace) -> int:
    result = Calibration.load(args.calibration)
    observations = load_observations(args.observations)
    with dask_client(args.scheduler) as client:
        score = result.score(
            observations, args.draws, drift=args.drift, execution=execution(args, client, out=False)
        )
    print(f"{result.scenario.name}, calibrated to {result.observations.name}")
    print("\n".join(score.lines()))
    if args.out is not None:
        score.save(args.out, args.table_format)
        print(f"\nscore written to {args.out}/")
    return EXIT_OK


def _forecast(args: argparse.Namespace) -> int:
    result = Calibration.load(args.calibration)
    date = _date(args.date) if args.date else None
    with dask_client(args.scheduler) as client:
        forecast = result.forecast(
            args.metrics, date, args.draws,
            point_estimate=args.point_estimate, drift=args.drift,
            execution=execution(args, client, out=False),
        )  # fmt: skip
        spread = None
        if args.sources:
            spread = result.spread(
                args.metrics, date, args.draws, drift=args.drift,
                execution=execution(args, client, out=False),
            )  # fmt: skip
    print(f"{result.scenario.name}, calibrated to {result.observations.name}")
    print("\n".join(forecast.lines()))
    if spread is not None:
        print("Where the spread comes from (share of the variance at the date)")
        labels = [str(x).split(" (")[0] for x in spread["label"]]  # the words before notes
        w = max(map(len, labels), default=0)
        for label, (_, r) in zip(labels, spread.iterrows(), strict=True):
            print(
                f"  {label:{w}s} sd {r['sd']:6.1f}: noise {r['share_noise']:.0%}, "
                f"parameters {r['share_parameters']:.0%}, future conditions {r['share_future']:.0%}"
            )
    if args.out is not None:
        forecast.save(args.out, args.table_format)
        print(f"\nforecast written to {args.out}/")
    return EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError.single("--date", "an ISO date such as 2021-12-31", text) from None
