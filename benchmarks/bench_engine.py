"""Engine speed: the model's event rate against bare SimPy, measured in the same process.

Prints, for the Lolland-Falster scenario: events per replication, the best and median
seconds per replication, the model's events per second, a bare SimPy loop's events per
second (1,000 concurrent processes, timeouts only), and their ratio. Timings on shared
machines are noisy, so each side is measured ``--repeat`` times, interleaved, and the best
run counts (the least disturbed one). Both SimPy-only timings run with the cyclic garbage
collector paused, as :func:`~labour_sim.run_replication` runs the model.

The model schedules no events it can do without (process start and end, company leaves,
a separate timeout for the preparation after the intake), so its event rate compares the
events it keeps, which are the costlier ones; seconds per replication is the measure.

Usage: python benchmarks/bench_engine.py [--repeat 15] [--scenario PATH]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import simpy

from labour_sim import load_scenario, run_replication
from labour_sim.model import Programme, draw_citizens, draw_companies
from labour_sim.replication import cyclic_gc_paused

ROOT = Path(__file__).resolve().parents[1]


def bare_simpy(processes: int = 1000, until: int = 100) -> tuple[int, float]:
    """Events and seconds for ``processes`` processes each yielding unit timeouts."""

    def tick(env: simpy.Environment):  # type: ignore[no-untyped-def]
        while True:
            yield env.timeout(1.0)

    env = simpy.Environment()
    for _ in range(processes):
        env.process(tick(env))
    with cyclic_gc_paused():
        start = time.perf_counter()
        env.run(until=until)
        return processes * until, time.perf_counter() - start


def timed(fn: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    events = fn()
    return events, time.perf_counter() - start


def engine_only(scenario, rep: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """Events and seconds of the SimPy run alone (no drawing, no result tables)."""
    programme = Programme(
        scenario, draw_citizens(scenario, 1, rep), draw_companies(scenario, 1, rep)
    )
    with cyclic_gc_paused():
        start = time.perf_counter()
        programme.run(scenario.horizon_weeks)
        return programme.events, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "lolland_falster.toml"))
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    citizens = run_replication(scenario, seed=0).n_citizens  # also warms up imports
    model, engine, bare = [], [], []
    for rep in range(args.repeat):
        model.append(
            timed(lambda rep=rep: run_replication(scenario, seed=1, replication=rep).events)
        )
        engine.append(engine_only(scenario, rep))
        bare.append(bare_simpy())
    bare_rate = max(e / t for e, t in bare)
    engine_rate = max(e / t for e, t in engine)
    full_rate = max(e / t for e, t in model)
    seconds = [t for _, t in model]
    events = statistics.mean(e for e, _ in model)
    print(f"scenario                           {scenario.name}")
    print(f"citizens, events per replication   {citizens:,}, {events:,.0f}")
    print(
        f"seconds per replication            best {min(seconds):.4f}, median {statistics.median(seconds):.4f}"
    )
    print(f"bare SimPy events/s                {bare_rate:,.0f}")
    print(
        f"model events/s, SimPy run only     {engine_rate:,.0f} (ratio {engine_rate / bare_rate:.2f})"
    )
    print(
        f"model events/s, whole replication  {full_rate:,.0f} (ratio {full_rate / bare_rate:.2f})"
    )


if __name__ == "__main__":
    main()
