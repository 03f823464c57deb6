"""Calibration cost: the Lolland-Falster midterm calibration at the default settings.

Calibrates four numbers of scenarios/lolland_falster.toml (referral rate, company recruitment
rate, probabilities of hire on ordinary hours and into a small job) to the VIVE midterm
observations (scenarios/observations/lolland_falster_midterm.toml) with the default
population, generations and predictive draws, on 1 and on 2 local worker processes, and
prints for each: the wall time, the simulations run by the ABC sampler (and the predictive
draws), simulations per second, and the CPU time of this process and its workers. Both runs
use the same seed, so they must give the same posterior (checked). The goal is a default
calibration in under 10 minutes on the 2-core CI machine.

Usage: python benchmarks/bench_calibration.py [--workers 1 2] [--population N] [--generations G]
       [--max-simulations M] (a short run: --population 50 --generations 2 --max-simulations 3000)
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from labour_sim import Execution, calibrate, load_scenario
from labour_sim.calibration import (
    DEFAULT_DRAWS,
    DEFAULT_GENERATIONS,
    DEFAULT_MAX_SIMULATIONS,
    DEFAULT_POPULATION,
)

ROOT = Path(__file__).resolve().parents[1]
OBSERVATIONS = ROOT / "scenarios" / "observations" / "lolland_falster_midterm.toml"
PARAMETERS = {
    "intake.rate_per_week": "uniform(4, 11)",
    "companies.recruitment_per_week": "uniform(2, 6)",
    "placement.outcomes.ordinary": "uniform(0.01, 0.3)",
    "placement.outcomes.reduced": "uniform(0.01, 0.3)",
}


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--population", type=int, default=DEFAULT_POPULATION)
    parser.add_argument("--generations", type=int, default=DEFAULT_GENERATIONS)
    parser.add_argument("--draws", type=int, default=DEFAULT_DRAWS)
    parser.add_argument("--max-simulations", type=int, default=DEFAULT_MAX_SIMULATIONS)
    parser.add_argument("--seed", type=int, default=20180101)
    args = parser.parse_args()
    scenario = load_scenario(ROOT / "scenarios" / "lolland_falster.toml")
    print(f"scenario        {scenario.name}")
    print(f"observations    {OBSERVATIONS.relative_to(ROOT)}")
    print(f"parameters      {', '.join(PARAMETERS)}")
    print(f"settings        population {args.population}, generations {args.generations}, "
          f"predictive draws {args.draws}, seed {args.seed}")  # fmt: skip
    print(f"{'workers':>7s} {'wall s':>8s} {'simulations':>12s} {'sims/s':>8s} {'CPU s':>8s}  "
          f"{'temperature path':s}")  # fmt: skip
    posteriors = []
    for workers in args.workers:
        cpu, start = cpu_seconds(), time.perf_counter()
        result = calibrate(scenario, OBSERVATIONS, PARAMETERS, seed=args.seed, population_size=args.population, generations=args.generations, max_simulations=args.max_simulations, predictive_draws=args.draws, execution=Execution(workers=workers, progress=False))  # fmt: skip
        wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        temps = " > ".join(f"{t:.3g}" for t in result.generations["temperature"].iloc[1:])
        print(
            f"{workers:7d} {wall:8.1f} {result.simulations:12,d} "
            f"{result.simulations / wall:8.1f} {cpu:8.1f}  {temps}"
        )
        posteriors.append(result)
    print(f"(plus {args.draws} predictive draws per run)")
    if len(posteriors) > 1:
        same = all(p.posterior.equals(posteriors[0].posterior) for p in posteriors)
        print(f"same posterior whatever the workers: {same}")
    print()
    print("\n".join(posteriors[-1].lines()))
    forecast = posteriors[-1].forecast(
        ["referred", "ordinary", "paid"], execution=Execution(progress=False)
    )
    print()
    print("\n".join(forecast.lines()))


if __name__ == "__main__":
    main()
