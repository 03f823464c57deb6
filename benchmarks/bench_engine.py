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
       python benchmarks/bench_engine.py --scaling [--factors 1,10,100] [--scaling-repeat 3]
           [--modes plain,sector]
(``--scaling``: per-event cost as the cohort grows with capacity scarce; see ``scaling``.)
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


# -- scaling: per-event cost as the cohort grows with companies scarce ----------------------
def _share(value: float, low: float, high: float) -> dict[str, object]:
    return {"value": value, "unit": "share", "assumption": "benchmark only", "range": [low, high]}


SCALING_SECTORS = (
    {"name": "care", "share": _share(0.5, 0.3, 0.7)},
    {"name": "trade", "share": _share(0.3, 0.2, 0.4)},
    {"name": "industry", "share": _share(0.2, 0.1, 0.3)},
)


def scaled(scenario, factor: int, match_sector: bool):  # type: ignore[no-untyped-def]
    """``factor`` times the cohort, with the same companies: slots become scarce.

    Referrals a week, the cohort cap and the staff (caseworkers, mentors) are multiplied by
    ``factor``; the companies (recruitment, maximum, one slot each) are left as they are, so
    the number of citizens waiting for a slot grows with ``factor`` while staff queues do not.
    With ``match_sector`` three sectors (50/30/20 %) are added and slots matched by sector.
    """
    i, st = scenario.intake, scenario.staff
    changes: dict[str, object] = {
        "intake.rate_per_week": i.rate_per_week.value * factor,
        "intake.cohort_max": i.cohort_max.value * factor,
        "staff.caseworkers": st.caseworkers.value * factor,
        "staff.mentors": st.mentors.value * factor,
    }
    if match_sector:
        changes["companies.sectors"] = list(SCALING_SECTORS)
        changes["companies.match_sector"] = True
    return scenario.with_changes(changes)


def engine_cpu(scenario, rep: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """Events and CPU seconds of the SimPy run alone (as ``engine_only``, but CPU time).

    CPU time of this process, not wall time: runs of minutes on a shared machine are
    otherwise measured as much by the neighbours as by the model.
    """
    programme = Programme(
        scenario, draw_citizens(scenario, 1, rep), draw_companies(scenario, 1, rep)
    )
    with cyclic_gc_paused():
        start = time.process_time()
        programme.run(scenario.horizon_weeks)
        return programme.events, time.process_time() - start


def scaling(  # type: ignore[no-untyped-def]
    scenario, factors: list[int], repeat: int, modes: list[bool] | None = None
) -> None:
    """Print CPU seconds per SimPy event (SimPy run only, best of ``repeat``) per factor."""
    print(f"scaling: {scenario.name}; cohort, referrals and staff x factor, companies as they are")
    for match_sector in modes if modes is not None else [False, True]:
        label = "sector matching" if match_sector else "no sector matching"
        cost: dict[int, float] = {}
        for factor in factors:
            s = scaled(scenario, factor, match_sector)
            runs = [engine_cpu(s, rep) for rep in range(repeat)]
            events = statistics.mean(e for e, _ in runs)
            cost[factor] = min(t / e for e, t in runs)
            best = min(t for _, t in runs)
            print(
                f"  {label:18}  x{factor:<4} events {events:>12,.0f}  "
                f"best {best:8.3f} s CPU  {cost[factor] * 1e6:8.3f} us/event"
            )
        base = factors[0]
        ratios = ", ".join(f"x{f}/x{base} {cost[f] / cost[base]:.2f}" for f in factors[1:])
        print(f"  {label:18}  per-event cost ratios: {ratios}")


def scaling_main() -> None:
    parser = argparse.ArgumentParser(description="per-event cost from 1x to 100x the cohort")
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--factors", default="1,10,100")
    parser.add_argument("--scaling-repeat", type=int, default=3)
    parser.add_argument(
        "--modes", default="plain,sector", help="plain (no sector matching), sector, or both"
    )
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "lolland_falster.toml"))
    args = parser.parse_args()
    factors = [int(f) for f in args.factors.split(",")]
    modes = [{"plain": False, "sector": True}[m] for m in args.modes.split(",")]
    scaling(load_scenario(args.scenario), factors, args.scaling_repeat, modes)


if __name__ == "__main__":
    import sys

    if "--scaling" in sys.argv:
        scaling_main()
    else:
        main()
