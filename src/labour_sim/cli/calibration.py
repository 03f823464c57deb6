"""``labour-sim calibrate`` and ``labour-sim forecast``: thin wrappers over the calibration API.

:func:`add_commands` registers both subcommands on the ``labour-sim`` parser. Mistakes in
files or options raise :class:`~labour_sim.errors.ScenarioError`, which the main command
prints as one message (exit code 2). Progress goes to stderr, results to stdout.

Examples
--------
::

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
    DEFAULT_GENERATIONS,
    DEFAULT_MAX_SIMULATIONS,
    DEFAULT_POPULATION,
    Calibration,
    calibrate,
    load_observations,
)
from ..errors import ScenarioError
from ..metrics import METRICS
from ..scenario import load_scenario
from .options import (
    EXIT_OK,
    add_execution_options,
    add_seed_option,
    dask_client,
    execution,
    positive_int,
)

__all__ = ["add_commands", "parse_param"]

_CALIBRATE_EPILOG = """examples:
  labour-sim calibrate scenarios/lolland_falster.toml scenarios/observations/lolland_falster_midterm.toml \\
      --param "intake.rate_per_week=uniform(4, 11)" \\
      --param "companies.recruitment_per_week=uniform(2, 6)" \\
      --param "placement.outcomes.ordinary=uniform(0.01, 0.3)" \\
      --param "placement.outcomes.reduced=uniform(0.01, 0.3)" --out out/lf_midterm
  labour-sim calibrate SCENARIO ACTUALS.toml --param "staff.mentors=uniform(10, 60)" --out out/re --workers 2

A prior is uniform(low, high), loguniform(low, high) or normal(mean, sd). The result folder
holds the posterior, diagnostics and pyabc's history; `labour-sim forecast` reads it. A
re-forecast mid-programme is the same command with the programme's own actuals to date
as the observation file."""

_FORECAST_EPILOG = """examples:
  labour-sim forecast out/lf_midterm --date 2021-12-31
  labour-sim forecast out/lf_midterm --date 2021-12-31 --metric ordinary --metric paid --draws 1000
  labour-sim forecast out/lf_midterm --point-estimate      # without parameter uncertainty"""


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``calibrate`` and ``forecast`` subcommands on ``sub``."""
    cal = sub.add_parser(
        "calibrate",
        help="estimate scenario numbers from observed figures (ABC-SMC)",
        description="Calibrate chosen scenario numbers to an observation file by ABC-SMC.",
        epilog=_CALIBRATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cal.add_argument("scenario", help="scenario TOML file")
    cal.add_argument("observations", help="observation TOML file")
    cal.add_argument(
        "--param", dest="params", action="append", default=[], metavar="PATH=PRIOR",
        help="a number to calibrate and its prior (repeatable), e.g. "
        "'placement.outcomes.ordinary=uniform(0.01, 0.3)'",
    )  # fmt: skip
    cal.add_argument("--out", type=Path, required=True, help="folder for the result")
    cal.add_argument(
        "--population", type=positive_int, default=DEFAULT_POPULATION,
        help=f"accepted particles per generation (default {DEFAULT_POPULATION})",
    )  # fmt: skip
    cal.add_argument(
        "--generations", type=positive_int, default=DEFAULT_GENERATIONS,
        help=f"ABC-SMC generations (default {DEFAULT_GENERATIONS})",
    )  # fmt: skip
    cal.add_argument(
        "--max-simulations", type=positive_int, default=DEFAULT_MAX_SIMULATIONS,
        help=f"stop after this many simulations (default {DEFAULT_MAX_SIMULATIONS:,})",
    )  # fmt: skip
    cal.add_argument(
        "--draws", type=positive_int, default=DEFAULT_DRAWS,
        help=f"posterior predictive draws for the check (default {DEFAULT_DRAWS})",
    )  # fmt: skip
    cal.add_argument(
        "--overwrite", action="store_true", help="replace a calibration found in --out"
    )
    add_seed_option(cal)
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
        "--metric", dest="metrics", action="append", choices=METRICS, metavar="METRIC",
        help=f"metric to report (repeatable; default all): {', '.join(METRICS)}",
    )  # fmt: skip
    fc.add_argument(
        "--draws", type=positive_int, help="posterior draws (default: as in the calibration)"
    )
    fc.add_argument(
        "--point-estimate", action="store_true",
        help="use the point estimate only (leaves parameter uncertainty out)",
    )  # fmt: skip
    fc.add_argument("--out", type=Path, help="folder to save the forecast tables in")
    add_execution_options(fc)
    fc.set_defaults(func=_forecast)


def parse_param(text: str) -> tuple[str, str]:
    """``PATH=PRIOR`` -> ``(path, prior spec)``; a ScenarioError if malformed."""
    path, sep, prior = text.partition("=")
    if not sep or not path.strip() or not prior.strip():
        raise ScenarioError.single(
            "--param", "PATH=PRIOR, e.g. placement.outcomes.ordinary=uniform(0.01, 0.3)", text
        )
    return path.strip(), prior.strip()


def _calibrate(args: argparse.Namespace) -> int:
    if not args.params:
        raise ScenarioError.single(
            "--param", "at least one PATH=PRIOR, e.g. placement.outcomes.ordinary=uniform(0.01, 0.3)",
            "none",
        )  # fmt: skip
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
            execution=execution(args, client),
        )  # fmt: skip
    print("\n".join(result.lines()))
    print(f"\nresult written to {args.out}/ (forecast with: labour-sim forecast {args.out})")
    return EXIT_OK


def _forecast(args: argparse.Namespace) -> int:
    result = Calibration.load(args.calibration)
    date = _date(args.date) if args.date else None
    with dask_client(args.scheduler) as client:
        forecast = result.forecast(
            args.metrics, date, args.draws,
            point_estimate=args.point_estimate, execution=execution(args, client, out=False),
        )  # fmt: skip
    print(f"{result.scenario.name}, calibrated to {result.observations.name}")
    print("\n".join(forecast.lines()))
    if args.out is not None:
        forecast.save(args.out)
        print(f"\nforecast written to {args.out}/")
    return EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError.single("--date", "an ISO date such as 2021-12-31", text) from None
