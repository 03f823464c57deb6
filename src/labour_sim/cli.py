"""The ``labour-sim`` command line: thin wrappers over the public API.

Every user mistake (a missing file, a malformed scenario, a bad option) prints one clear
message and exits with code 2, never a traceback. Long runs show a progress bar.

Examples
--------
::

    labour-sim validate scenarios/lolland_falster.toml
    labour-sim run scenarios/lolland_falster.toml --replications 1000 --out out/lf
    labour-sim run scenarios/lolland_falster.toml --precision 0.01
    labour-sim compare scenarios/lolland_falster.toml --set companies.slots_per_company=2
    labour-sim budget scenarios/lolland_falster.toml --target ordinary_550 \
        --lever staff.mentors --low 10 --high 200 --step 10
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from .cli_calibration import add_commands as add_calibration_commands
from .cli_levers import add_commands as add_lever_commands
from .cli_report import add_commands as add_report_commands
from .errors import ScenarioError
from .experiments import DEFAULT_SEED, Results, budget_for, compare, run_experiment
from .metrics import METRIC_LABELS
from .programmes import programme_table, programmes_markdown
from .scenario import Scenario, load_scenario
from .scenario.doc import scenario_format

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


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (and exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="labour-sim",
        description="Is an inclusion programme's target realistic, and at what cost?",
        epilog=__doc__.split("::", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser("validate", help="check a scenario file; print 'ok' or the problems")
    validate.add_argument("scenario", help="scenario TOML file")
    validate.set_defaults(func=_validate)

    run = sub.add_parser(
        "run",
        help="run many replications and print how likely each target is",
        description="Run many replications of a scenario and print a verdict per target.",
        epilog="""examples:
  labour-sim run scenarios/lolland_falster.toml
  labour-sim run scenarios/lolland_falster.toml -n 5000 --workers 2 --out out/lf
  labour-sim run scenarios/lolland_falster.toml --precision 0.01
  labour-sim run scenarios/lolland_falster.toml --scheduler tcp://10.0.0.5:8786

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
        "--probability", type=_probability, default=0.8, help="required probability (0.8)"
    )
    budget.add_argument("--lever", required=True, metavar="PATH", help="e.g. staff.mentors")
    budget.add_argument("--low", type=float, required=True, help="smallest lever value")
    budget.add_argument("--high", type=float, required=True, help="largest lever value")
    budget.add_argument("--step", type=float, help="grid step (default 1 for counts)")
    _experiment_options(budget, precision=False, default_replications=200)
    budget.set_defaults(func=_budget)

    table = sub.add_parser(
        "table",
        help="write the programme table (docs/programmes.md)",
        description="Run every scenario and tabulate each programme's promise.",
        epilog="example:\n  labour-sim table scenarios/*.toml --out docs/programmes.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    table.add_argument("scenarios", nargs="+", help="scenario TOML files")
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
    add_calibration_commands(sub)
    add_lever_commands(sub)
    add_report_commands(sub)
    return parser


def _experiment_options(
    parser: argparse.ArgumentParser, precision: bool, default_replications: int = 1000
) -> None:
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--replications",
        "-n",
        type=_positive_int,
        default=default_replications,
        help=f"default {default_replications}",
    )
    if precision:
        size.add_argument(
            "--precision",
            type=_half_width,
            metavar="EPS",
            help="instead of -n: run until every target probability is known to +-EPS",
        )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")
    parser.add_argument(
        "--workers", type=_positive_int, help="local worker processes (default: all cores)"
    )
    parser.add_argument(
        "--scheduler", metavar="ADDR", help="run on a Dask cluster, e.g. tcp://host:8786"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def _whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
        return value

    return parse


_positive_int = _whole_number(1)


def _half_width(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 0.5:
        raise argparse.ArgumentTypeError(f"expected a half-width between 0 and 0.5, got {text!r}")
    return value


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a probability between 0 and 1, got {text!r}")
    return value


def _validate(args: argparse.Namespace) -> int:
    load_scenario(args.scenario)
    print("ok")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    with _executor(args.scheduler) as executor:
        results = run_experiment(
            scenario,
            args.replications,
            args.seed,
            precision=args.precision,
            out=args.out,
            overwrite=args.overwrite,
            **_run_options(args, executor),
        )
    print(verdict_table(scenario, results))
    costs = results.cost_lines()
    if costs:
        print("\nCosts (mean and 80 % interval over replications)")
        print("\n".join(f"  {line}" for line in costs))
    print()
    print(pathway_summary(scenario, results.replications))
    if args.out is not None:
        print(f"\nresults written to {args.out}/")
    return EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    a = load_scenario(args.a)
    b = load_scenario(args.b) if args.b else a
    if args.changes:
        b = b.with_changes(dict(_parse_change(text) for text in args.changes))
    elif args.b is None:
        raise ScenarioError.single("B", "a second scenario file or --set PATH=VALUE", "neither")
    with _executor(args.scheduler) as executor:
        result = compare(a, b, args.replications, args.seed, **_run_options(args, executor))
    b_name = b.name if args.b else f"{a.name} with {', '.join(args.changes)}"
    print(f"{b_name} against {a.name}: {args.replications} paired replications, seed {args.seed}")
    outcomes = (*SUMMARY_METRICS, *(f"target:{t.name}" for t in b.targets))
    print("\n".join(f"  {line}" for line in result.lines(outcomes)))
    costs = ("cost:programme", "cost:net_public")
    if result.differences["outcome"].isin(costs).any():
        print("  " + "\n  ".join(result.lines(costs)))
        ratio, low, high = result.incremental_cost()
        if math.isfinite(ratio):
            print(
                f"  extra programme cost per extra job held 26 weeks: {ratio:,.0f} DKK "
                f"[{low:,.0f}, {high:,.0f}]"
            )
    if args.out is not None:
        result.save(args.out)
        print(f"\nresults written to {args.out}/")
    return EXIT_OK


def _budget(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    with _executor(args.scheduler) as executor:
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
            **_run_options(args, executor),
        )
    print("\n".join(answer.lines()))
    print("\nsearched (common random numbers):")
    print(answer.search.to_string(index=False, float_format=lambda x: f"{x:,.3f}"))
    return EXIT_OK


def _table(args: argparse.Namespace) -> int:
    paths = sorted(args.scenarios)
    for path in paths:
        load_scenario(path)  # every mistake before any long run
    with _executor(args.scheduler) as executor:
        table = programme_table(paths, args.replications, args.seed, **_run_options(args, executor))
    _write_or_print(programmes_markdown(table, args.replications, args.seed), args.out)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    _write_or_print(scenario_format(), args.out)
    return EXIT_OK


def _write_or_print(text: str, out: Path | None) -> None:
    if out is None:
        print(text, end="")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"written to {out}")


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


def _run_options(args: argparse.Namespace, executor: Any) -> dict[str, Any]:
    """Where and how visibly experiments run: ``workers``, ``executor``, ``progress``."""
    return {"workers": args.workers, "executor": executor, "progress": not args.quiet}


@contextmanager
def _executor(address: str | None) -> Iterator[Any]:
    """A Dask client connected to ``address``, or ``None`` for local processes."""
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise ScenarioError.single(
            "--scheduler", "dask installed (pip install 'labour_sim[dask]')", address
        ) from None
    try:
        client = Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScenarioError.single(
            "--scheduler", "the address of a running Dask scheduler", f"{address} ({exc})"
        ) from None
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]


def verdict_table(scenario: Scenario, results: Results) -> str:
    """Each target's verdict in plain words, under a header saying how many replications."""
    meta = results.metadata
    lines = [f"{scenario.name}: {results.n:,} replications (seed {meta.get('seed')})"]
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
    lines = [
        f"Pathway by {scenario.period.end} (median and 80 % range over replications)",
        f"{'':48s} {'median':>8s} {'80 % range':>14s}",
    ]
    for metric in SUMMARY_METRICS:
        lo, mid, hi = table[metric].quantile([0.1, 0.5, 0.9])
        lines.append(f"{_short_label(metric):48s} {mid:8.0f} {f'{lo:.0f} - {hi:.0f}':>14s}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
