"""Per-event cost as the cohort grows with company slots scarce, for both engines.

The cohort (referrals a week, the cap) and the staff are multiplied by 1, 10 and 100 while
the companies stay as they are, so the queue for a slot grows with the factor and the staff
queues do not. Printed: CPU seconds per event of the engine's run alone (best of
``--repeat``), for the SimPy reference and the compiled engine, without and with sector
matching, and each factor's cost per event over the 1x cost: the ratio is the figure (flat
is 1; a queue scanned per event would grow with the factor). CPU time of this process, not
wall time, so that neighbours on a shared machine disturb it less. The compiled engine is
compiled (or loaded from its disk cache) before timing.

Usage: python benchmarks/bench_scaling.py [--factors 1,10,100] [--repeat 3]
       [--modes plain,sector] [--engines fast,des]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from labour_sim import Scenario, load_scenario
from labour_sim.model import Programme, draw_citizens, draw_companies
from labour_sim.model.compiled import simulate
from labour_sim.replication import cyclic_gc_paused

ROOT = Path(__file__).resolve().parents[1]


def _share(value: float, low: float, high: float) -> dict[str, object]:
    return {"value": value, "unit": "share", "assumption": "benchmark only", "range": [low, high]}


SECTORS = (
    {"name": "care", "share": _share(0.5, 0.3, 0.7)},
    {"name": "trade", "share": _share(0.3, 0.2, 0.4)},
    {"name": "industry", "share": _share(0.2, 0.1, 0.3)},
)


def scaled(scenario: Scenario, factor: int, match_sector: bool) -> Scenario:
    """``factor`` times the cohort and the staff, the same companies (slots become scarce)."""
    i, st = scenario.intake, scenario.staff
    assert i.rate_per_week and i.cohort_max and st.caseworkers and st.mentors
    changes: dict[str, object] = {
        "intake.rate_per_week": i.rate_per_week.value * factor,
        "intake.cohort_max": i.cohort_max.value * factor,
        "staff.caseworkers": st.caseworkers.value * factor,
        "staff.mentors": st.mentors.value * factor,
    }
    if match_sector:
        changes["companies.sectors"] = list(SECTORS)
        changes["companies.match_sector"] = True
    return scenario.with_changes(changes)


def run_cpu(scenario: Scenario, rep: int, engine: str) -> tuple[int, float]:
    """Events and CPU seconds of one engine's run alone (draws made beforehand)."""
    citizens, companies = draw_citizens(scenario, 1, rep), draw_companies(scenario, 1, rep)
    until = scenario.horizon_weeks
    with cyclic_gc_paused():
        if engine == "des":
            programme = Programme(scenario, citizens, companies)
            start = time.process_time()
            programme.run(until)
            return programme.events, time.process_time() - start
        start = time.process_time()
        run = simulate(scenario, citizens, companies, until)
        return run.events, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default="1,10,100")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--modes", default="plain,sector", help="plain, sector, or both")
    parser.add_argument("--engines", default="fast,des", help="fast, des, or both")
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "lolland_falster.toml"))
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    factors = [int(f) for f in args.factors.split(",")]
    run_cpu(scenario, 0, "fast")  # compile (or load the cache) before any timing
    print(f"{scenario.name}: cohort, referrals and staff x factor, companies as they are")
    for engine in args.engines.split(","):
        for mode in args.modes.split(","):
            label = f"{engine:4} {'sector matching' if mode == 'sector' else 'no matching'}"
            cost: dict[int, float] = {}
            for factor in factors:
                s = scaled(scenario, factor, mode == "sector")
                runs = [run_cpu(s, rep, engine) for rep in range(args.repeat)]
                cost[factor] = min(t / e for e, t in runs)
                events = sum(e for e, _ in runs) / len(runs)
                print(f"  {label:22} x{factor:<4} {events:>12,.0f} events  "
                      f"{cost[factor] * 1e6:8.3f} us/event")  # fmt: skip
            base = factors[0]
            ratios = ", ".join(f"x{f}/x{base} {cost[f] / cost[base]:.2f}" for f in factors[1:])
            print(f"  {label:22} per-event cost ratios: {ratios}")


if __name__ == "__main__":
    main()
