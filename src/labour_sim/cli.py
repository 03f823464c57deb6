"""The ``labour-sim`` command line: thin wrappers over the public API.

Every user mistake (a missing file, a malformed scenario, a bad option) prints one clear
message and exits with code 2, never a traceback. Long runs show a progress bar.

Examples
--------
::

    labour-sim validate scenarios/lolland_falster.toml
    labour-sim run scenarios/lolland_falster.toml --replications 20 --out out/lf
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from .errors import ScenarioError
from .metrics import METRIC_LABELS
from .replication import run_replication
from .scenario import Scenario, load_scenario

__all__ = ["main"]

EXIT_OK, EXIT_USAGE = 0, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``labour-sim`` console script; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except ScenarioError as exc:
        print(f"labour-sim: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("labour-sim: interrupted", file=sys.stderr)
        return 130
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labour-sim",
        description="Is an inclusion programme's target realistic, and at what cost?",
        epilog="Example: labour-sim run scenarios/lolland_falster.toml --replications 20",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check a scenario file; print 'ok' or the problems")
    validate.add_argument("scenario", help="scenario TOML file")
    validate.set_defaults(func=_validate)

    run = sub.add_parser(
        "run",
        help="simulate a scenario and print the pathway summary",
        epilog="Example: labour-sim run scenarios/lolland_falster.toml --replications 20 --out out/lf",
    )
    run.add_argument("scenario", help="scenario TOML file")
    run.add_argument("--replications", "-n", type=_positive_int, default=20, help="default 20")
    run.add_argument("--seed", type=int, default=20180101, help="run seed (default 20180101)")
    run.add_argument("--out", type=Path, help="folder for the per-replication table (CSV)")
    run.set_defaults(func=_run)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _validate(args: argparse.Namespace) -> int:
    load_scenario(args.scenario)
    print("ok")
    return EXIT_OK


SUMMARY_METRICS = ("referred", "placed", "ordinary", "attached", "employed_26w", "companies_joined")


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    end = scenario.period.end
    rows = []
    for r in tqdm(range(args.replications), desc="replications", unit="rep", file=sys.stderr):
        result = run_replication(scenario, seed=args.seed, replication=r)
        rows.append({"replication": r, **result.summary(end)})
    table = pd.DataFrame(rows)
    print(pathway_summary(scenario, table))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / "replications.csv"
        table.to_csv(path, index=False)
        print(f"\nper-replication outcomes written to {path}")
    return EXIT_OK


def pathway_summary(scenario: Scenario, table: pd.DataFrame) -> str:
    """Median and 80 % range across replications of the main counts at the end date."""
    lines = [
        f"{scenario.name}: {len(table)} replications, counts by {scenario.period.end}",
        f"{'':55s} {'median':>8s} {'80 % range':>14s}",
    ]
    for metric in SUMMARY_METRICS:
        values = table[metric]
        lo, mid, hi = values.quantile([0.1, 0.5, 0.9])
        lines.append(f"{METRIC_LABELS[metric]:55.55s} {mid:8.0f} {f'{lo:.0f} - {hi:.0f}':>14s}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
