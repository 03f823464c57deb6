"""``labour-sim sweep``, ``sensitivity`` and ``what-would-it-take``: thin wrappers over levers.

:func:`add_commands` registers the three subcommands on the ``labour-sim`` parser. A lever
is ``--lever PATH=LOW:HIGH`` (a range), ``PATH=LOW:HIGH:step=S`` (a range with a grid
step), ``PATH=V1,V2,V3`` (values), with ``:cost=DKK`` added for goal seeking. Mistakes raise
:class:`~labour_sim.errors.ScenarioError`, which the main command prints as one message
(exit code 2). Progress bars go to stderr, results to stdout; ``--out`` writes the same
result folders as the Python API (and makes sweeps and sensitivity runs resumable).

Examples
--------
::

    labour-sim sweep scenarios/lolland_falster.toml --lever staff.mentors=10:60 \
        --lever companies.slots_per_company=1,2,3 -n 100 --out out/lf_sweep
    labour-sim sensitivity scenarios/lolland_falster.toml --method sobol --outcome ordinary \
        --lever staff.mentors=10:60 --lever intake.rate_per_week=5:10
    labour-sim what-would-it-take scenarios/lolland_falster.toml --target companies_400 \
        --lever companies.recruitment_per_week=1:6:step=0.25:cost=400000 \
        --lever companies.max_companies=300:800:step=25:cost=5000 --frontier
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ScenarioError
from ..levers import (
    GoalAnswer,
    Range,
    Sensitivity,
    Sweep,
    Values,
    morris,
    sobol,
    sweep,
    tornado,
    what_would_it_take,
)
from ..scenario import load_scenario
from ..stats import percent
from .options import (
    EXIT_OK,
    add_calibration_options,
    add_execution_options,
    add_format_option,
    add_out_options,
    add_size_options,
    dask_client,
    execution,
    positive_int,
    probability,
)
from .run import calibrated

__all__ = ["add_commands", "parse_lever"]

_MAX_ROWS = 40

_LEVER_HELP = (
    "a lever (repeatable): PATH=LOW:HIGH, PATH=LOW:HIGH:step=S or PATH=V1,V2,...; "
    "add :cost=DKK for goal seeking"
)

_SWEEP_EPILOG = """examples:
  labour-sim sweep scenarios/lolland_falster.toml --lever staff.mentors=10:60 --lever companies.slots_per_company=1,2,3
  labour-sim sweep scenarios/lolland_falster.toml --lever staff.mentors=10:60 --lever intake.rate_per_week=5:10 \\
      --samples 50 -n 100 --out out/lf_sweep --where ordinary_550 --probability 0.5

Every setting runs the same replications on the same seed (common random numbers). With
--out each finished setting is stored at once; an interrupted sweep started again with the
same arguments runs only the missing settings and ends with the same table."""

_SENSITIVITY_EPILOG = """examples:
  labour-sim sensitivity scenarios/lolland_falster.toml --outcome ordinary \\
      --lever staff.mentors=10:60 --lever intake.rate_per_week=5:10 --lever companies.slots_per_company=1:3
  labour-sim sensitivity scenarios/lolland_falster.toml --method sobol --samples 64 --outcome employed_26w --lever ...
  labour-sim sensitivity scenarios/lolland_falster.toml --method tornado --outcome cost:per_sustained_job --lever ...

An outcome is a target's name (its probability) or any per-replication outcome (its mean):
a milestone such as ordinary or employed_26w, or a cost such as cost:per_sustained_job."""

_GOAL_EPILOG = """examples:
  labour-sim what-would-it-take scenarios/lolland_falster.toml --target companies_400 --probability 0.9 \\
      --lever companies.recruitment_per_week=1:6:step=0.25:cost=400000 --lever companies.max_companies=300:800:step=25:cost=5000
  labour-sim what-would-it-take scenarios/kalundborg_plads_til_flere.toml --target paid_31 \\
      --lever staff.mentors=0:40:cost=350000 --lever companies.slots_per_company=1:3:cost=100000 --frontier

The least-cost setting (sum of cost x value over the levers) that reaches the target with
the probability on the search seed, confirmed on a fresh seed; --frontier also gives the
least cost at each probability from 50 % to 95 %."""


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``sweep``, ``sensitivity`` and ``what-would-it-take`` subcommands."""
    sw = sub.add_parser(
        "sweep",
        help="run a grid or Latin hypercube of lever settings on common random numbers",
        description="Every target's probability, interval and cost at many lever settings.",
        epilog=_SWEEP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sw.add_argument("scenario", help="scenario TOML file")
    _lever_option(sw)
    design = sw.add_mutually_exclusive_group()
    design.add_argument(
        "--levels", type=positive_int, default=5, help="grid values of each range (default 5)"
    )
    design.add_argument(
        "--samples", type=positive_int, help="instead of a grid: a Latin hypercube of N settings"
    )
    sw.add_argument(
        "--where", action="append", metavar="TARGET",
        help="describe where this target is met (repeatable; default every target)",
    )  # fmt: skip
    sw.add_argument(
        "--probability", type=probability, default=0.8, help="for --where (default 0.8)"
    )
    _experiment_options(sw, 200)
    add_out_options(sw)
    add_calibration_options(sw, "run every setting on the calibrated model")
    sw.set_defaults(func=_sweep)

    sens = sub.add_parser(
        "sensitivity",
        help="which levers matter: Morris screening, Sobol indices or a tornado",
        description="Sensitivity of outcomes to levers (SALib Morris or Sobol, or one at a time).",
        epilog=_SENSITIVITY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sens.add_argument("scenario", help="scenario TOML file")
    _lever_option(sens)
    sens.add_argument(
        "--method", choices=("morris", "sobol", "tornado"), default="morris",
        help="morris (default; cheap screening), sobol (variance shares) or tornado",
    )  # fmt: skip
    sens.add_argument(
        "--outcome", dest="outcomes", action="append", metavar="NAME",
        help="a target name or per-replication outcome (repeatable; default every target)",
    )  # fmt: skip
    sens.add_argument(
        "--trajectories", type=positive_int, default=10, help="Morris trajectories (default 10)"
    )
    sens.add_argument(
        "--samples", type=positive_int, default=64,
        help="Sobol base sample, a power of 2 (default 64)",
    )  # fmt: skip
    _experiment_options(sens, 100)
    add_out_options(sens)
    add_calibration_options(sens, "run every setting on the calibrated model")
    sens.set_defaults(func=_sensitivity)

    goal = sub.add_parser(
        "what-would-it-take",
        help="the least-cost lever setting that reaches a target with a probability",
        description="Least-cost setting of several levers (each with a cost per unit) "
        "that reaches a target with a given probability.",
        epilog=_GOAL_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    goal.add_argument("scenario", help="scenario TOML file")
    goal.add_argument("--target", required=True, help="name of a target in the scenario")
    goal.add_argument(
        "--probability", type=probability, default=0.8, help="required probability (0.8)"
    )
    _lever_option(goal)
    goal.add_argument(
        "--frontier", action="store_true", help="also the least cost at 50 %%, 55 %%, ..., 95 %%"
    )
    goal.add_argument(
        "--max-evaluations", type=positive_int, default=80,
        help="most settings to run in the search (default 80)",
    )  # fmt: skip
    goal.add_argument(
        "--confirm-replications", type=positive_int,
        help="replications of the fresh-seed confirmation (default: as -n)",
    )  # fmt: skip
    _experiment_options(goal, 200)
    goal.add_argument("--out", type=Path, help="folder for the answer, search and frontier")
    add_format_option(goal)
    add_calibration_options(goal, "run every setting on the calibrated model")
    goal.set_defaults(func=_what_would_it_take)


def _lever_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lever", dest="levers", action="append", default=[], metavar="PATH=SPEC",
        help=_LEVER_HELP,
    )  # fmt: skip


def _experiment_options(parser: argparse.ArgumentParser, default_replications: int) -> None:
    add_size_options(parser, default_replications=default_replications)
    add_execution_options(parser)


def parse_lever(text: str) -> tuple[str, Range | Values]:
    """``PATH=LOW:HIGH[:step=S][:cost=C]`` or ``PATH=V1,V2,...[:cost=C]`` -> (path, spec)."""
    path, sep, rest = text.partition("=")
    parts = rest.split(":")
    options = dict(part.split("=", 1) for part in parts if "=" in part)
    positional = [part for part in parts if "=" not in part]
    try:
        if not sep or not path.strip() or set(options) - {"step", "cost"}:
            raise ValueError
        cost = _finite(options.get("cost", "0"))
        step = _finite(options["step"]) if "step" in options else None
        if len(positional) == 1 and "," in positional[0] and step is None:
            values = tuple(_finite(v) for v in positional[0].split(","))
            return path.strip(), Values(values, cost)
        if len(positional) == 2:
            low, high = (_finite(v) for v in positional)
            if not low < high:
                raise ValueError
            return path.strip(), Range(low, high, cost, step)
    except ValueError:
        pass
    raise ScenarioError.single(
        "--lever",
        "PATH=LOW:HIGH (finite numbers, LOW < HIGH), PATH=LOW:HIGH:step=S or PATH=V1,V2,... "
        "(optionally :cost=DKK), "
        "e.g. staff.mentors=10:60:cost=350000",
        text,
    )


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _levers(args: argparse.Namespace) -> dict[str, Range | Values]:
    if not args.levers:
        raise ScenarioError.single("--lever", "at least one PATH=LOW:HIGH", "none")
    return dict(parse_lever(text) for text in args.levers)


def _sweep(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    levers = _levers(args)
    for name in args.where or ():
        scenario.target(name)  # a clear error before any long run
    with dask_client(args.scheduler) as client:
        result = sweep(
            scenario, levers, samples=args.samples, levels=args.levels,
            replications=args.replications, seed=args.seed, execution=execution(args, client),
            calibration=calibrated(args, scenario),
        )  # fmt: skip
    print("\n".join(result.lines()))
    print()
    print(_table_text(_sweep_view(result)))
    for name in args.where or result.targets:
        print()
        print("\n".join(result.where(name, args.probability).lines()))
    _written(args.out)
    return EXIT_OK


def _sweep_view(result: Sweep) -> pd.DataFrame:
    columns = [*result.paths, *(f"probability:{t}" for t in result.targets)]
    view = result.table[columns].copy()
    view.columns = [*result.paths, *(f"P({t})" for t in result.targets)]
    for t in result.targets:
        view[f"P({t})"] = view[f"P({t})"].map(percent)
    for name in ("lever_cost", "cost:programme"):
        if name in result.table and result.table[name].abs().sum() > 0:
            view[f"{name} (mio DKK)"] = result.table[name] / 1e6
    return view


def _sensitivity(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    levers = _levers(args)
    if args.method == "sobol":
        _note_sobol_samples(args.samples)
    with dask_client(args.scheduler) as client:
        options: dict[str, Any] = {
            "replications": args.replications, "seed": args.seed,
            "execution": execution(args, client), "calibration": calibrated(args, scenario),
        }  # fmt: skip
        result: Sensitivity
        if args.method == "morris":
            result = morris(
                scenario, levers, args.outcomes, trajectories=args.trajectories, **options
            )
        elif args.method == "sobol":
            result = sobol(scenario, levers, args.outcomes, samples=args.samples, **options)
        else:
            result = tornado(scenario, levers, args.outcomes, **options)
    print("\n".join(result.lines()))
    _written(args.out)
    return EXIT_OK


def _note_sobol_samples(samples: int) -> None:
    """Say on stderr when Sobol's base sample (a power of 2) is larger than ``--samples``."""
    base = 1 << math.ceil(math.log2(samples))  # as labour_sim.levers.sobol rounds it
    if samples >= 2 and base != samples:
        print(
            f"note: --samples {samples} rounded up to {base} (Sobol's base sample is a power of 2)",
            file=sys.stderr,
        )


def _what_would_it_take(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    levers = _levers(args)
    with dask_client(args.scheduler) as client:
        answer = what_would_it_take(
            scenario, args.target, args.probability, levers,
            replications=args.replications, seed=args.seed,
            confirm_replications=args.confirm_replications, frontier=args.frontier,
            max_evaluations=args.max_evaluations, execution=execution(args, client),
            calibration=calibrated(args, scenario),
        )  # fmt: skip
    print("\n".join(answer.lines()))
    print(
        "\nsettings evaluated (search seed, common random numbers; reaches: the estimated "
        "probability is at or above the goal, whatever its interval):"
    )
    print(_table_text(answer.search.drop(columns=["order"])))
    if answer.frontier is not None:
        print("\nleast cost at each probability (cheapest evaluated setting that reaches it):")
        print(_table_text(_frontier_view(answer)))
    _written(args.out)
    return EXIT_OK


def _frontier_view(answer: GoalAnswer) -> pd.DataFrame:
    assert answer.frontier is not None
    view = answer.frontier.drop(columns=["found"]).copy()
    view["lever_cost"] = view["lever_cost"] / 1e6
    return view.rename(columns={"lever_cost": "lever_cost (mio DKK)"})


def _table_text(table: pd.DataFrame) -> str:
    shown = table.head(_MAX_ROWS)
    text = shown.to_string(index=False, float_format=_number)
    if len(table) > _MAX_ROWS:
        text += f"\n... {len(table) - _MAX_ROWS} more rows (see --out)"
    return text


def _number(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _written(out: Path | None) -> None:
    if out is not None:
        print(f"\nresults written to {out}/")
