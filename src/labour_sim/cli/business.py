"""``business-case``: the programme against business as usual, by payer and year."""

from __future__ import annotations

import argparse

from ..business import business_case
from ..scenario import load_scenario
from .options import EXIT_OK, add_execution_options, dask_client, execution

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``business-case``."""
    case = sub.add_parser(
        "business-case",
        help="costs and savings by payer and year, against business as usual",
        description=(
            "Run the scenario and its business-as-usual arm on the same random numbers and "
            "print the net cost by year and payer (municipality, state, public purse), "
            "discounted, with 90 % bands, payback and break-even."
        ),
        epilog="example:\n  labour-sim business-case scenarios/lolland_falster.toml -r 20",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    case.add_argument("scenario", help="scenario TOML file")
    case.add_argument("-r", "--replications", type=int, default=20, help="replications (20)")
    case.add_argument("--seed", type=int, default=2025, help="seed of the run (2025)")
    add_execution_options(case)
    case.set_defaults(func=_business_case)


def _business_case(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    with dask_client(args.scheduler) as client:
        runs = execution(args, client, out=False)
        answer = business_case(scenario, args.replications, args.seed, execution=runs)
    print("\n".join(answer.lines()))
    print("\nnet cost by year since the start and payer, DKK, discounted (mean, 5 %, 95 %):")
    print(answer.table().to_string(float_format=lambda x: f"{x:,.0f}"))
    print("\nby item over the horizon (mean, DKK, discounted; negative = saving):")
    print(answer.items().to_string(float_format=lambda x: f"{x:,.0f}"))
    return EXIT_OK
