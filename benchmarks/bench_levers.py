"""Lever analysis cost: Morris screening and Sobol indices of 6 levers, and a goal search.

Prints, for the Lolland-Falster scenario, the wall time and the number of simulations
(replications run) of

* a Morris screening of six levers (company recruitment, slots per company, mentors,
  caseload, intake rate, mentees per mentor) on jobs on ordinary hours, jobs held 26 weeks
  and the programme cost per such job;
* Sobol first-order and total indices of the same six levers on jobs held 26 weeks
  (``--sobol-samples`` base samples, rounded up to a power of 2, x 8 settings each, x
  ``--sobol-replications``; 0 samples leaves it out);
* a what-would-it-take search: the least-cost setting of intake rate, caseworkers and
  mentors (with the costs per unit below, assumptions for the benchmark) that gets 300
  citizens into jobs on ordinary hours by 2021-12-31 with 80 % probability, confirmed on a
  fresh seed.

Usage: python benchmarks/bench_levers.py [--trajectories 10] [--replications 50]
       [--sobol-samples 1000] [--sobol-replications 10] [--goal-replications 100] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from labour_sim import Execution, load_scenario
from labour_sim.levers import Range, morris, sobol, what_would_it_take

ROOT = Path(__file__).resolve().parents[1]

MORRIS_LEVERS = {
    "companies.recruitment_per_week": (2.0, 6.0),
    "companies.slots_per_company": (1, 3),
    "staff.mentors": (10, 60),
    "staff.caseload": (20, 80),
    "intake.rate_per_week": (5.0, 10.0),
    "staff.mentees_per_mentor": (2, 6),
}
MORRIS_OUTCOMES = ["ordinary", "employed_26w", "cost:per_sustained_job"]

#: Costs per unit over the programme (DKK), assumptions for the benchmark: an extra referral
#: a week is ~200 more citizens over the period at ~5,000 DKK of outreach and intake each; a
#: caseworker costs 482,946 DKK a year for four years; a mentor 150,000 DKK.
GOAL_LEVERS = {
    "intake.rate_per_week": Range(7.0, 12.0, cost=1_000_000, step=0.25),
    "staff.caseworkers": Range(10, 20, cost=1_931_784),
    "staff.mentors": Range(20, 60, cost=150_000, step=5),
}
GOAL_TARGET = {
    "name": "ordinary_300",
    "metric": "ordinary",
    "threshold": {"value": 300, "unit": "citizens", "assumption": "benchmark", "range": [250, 550]},
    "date": dt.date(2021, 12, 31),
    "description": "300 citizens employed on ordinary hours",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "lolland_falster.toml"))
    parser.add_argument("--trajectories", type=int, default=10, help="Morris trajectories")
    parser.add_argument("--replications", type=int, default=50, help="per Morris setting")
    parser.add_argument("--sobol-samples", type=int, default=1000, help="Sobol base samples")
    parser.add_argument("--sobol-replications", type=int, default=10, help="per Sobol setting")
    parser.add_argument("--goal-replications", type=int, default=100, help="per goal setting")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    options = {"execution": Execution(workers=args.workers, progress=False)}
    print(f"scenario  {scenario.name}; {args.workers} worker processes")

    start = time.perf_counter()
    screen = morris(
        scenario, MORRIS_LEVERS, MORRIS_OUTCOMES, trajectories=args.trajectories,
        replications=args.replications, **options,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    settings, sims = screen.metadata["points"], screen.sweep.metadata["simulations"]
    print(
        f"\nMorris screening of {len(MORRIS_LEVERS)} levers: {settings} settings x "
        f"{args.replications} replications = {sims:,} simulations in {seconds:.1f} s "
        f"({sims / seconds:.1f} simulations/s)"
    )
    for outcome in MORRIS_OUTCOMES:
        print(f"  {outcome}: {' > '.join(screen.ranking(outcome))}")

    if args.sobol_samples:
        start = time.perf_counter()
        indices = sobol(
            scenario, MORRIS_LEVERS, "employed_26w", samples=args.sobol_samples,
            replications=args.sobol_replications, **options,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        settings, sims = indices.metadata["points"], indices.sweep.metadata["simulations"]
        print(
            f"\nSobol indices of {len(MORRIS_LEVERS)} levers: {settings:,} settings x "
            f"{args.sobol_replications} replications = {sims:,} simulations in {seconds:.1f} s "
            f"({sims / seconds:.1f} simulations/s)"
        )
        table = indices.table.set_index("lever")[["S1", "S1_low", "S1_high", "ST"]]
        print(table.to_string(float_format=lambda x: f"{x:.3f}"))

    question = scenario.with_changes(
        {"targets": [t.model_dump() for t in scenario.targets] + [GOAL_TARGET]}
    )
    start = time.perf_counter()
    answer = what_would_it_take(
        question, "ordinary_300", 0.8, GOAL_LEVERS, replications=args.goal_replications,
        **options,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    print(
        f"\nwhat-would-it-take, {len(GOAL_LEVERS)} levers, 300 on ordinary hours with 80 %: "
        f"{len(answer.search)} settings searched x {args.goal_replications} replications "
        f"+ confirmation = {answer.simulations:,} simulations in {seconds:.1f} s"
    )
    print("\n".join(f"  {line}" for line in answer.lines()))


if __name__ == "__main__":
    main()
