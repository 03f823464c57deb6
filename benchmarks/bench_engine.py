"""Engine speed: the compiled engine against the SimPy model, both measured in one run.

For Lolland-Falster and for a capacity-bound variant of it (10x the cohort, the same
companies: slots are scarce), prints per replication, for each engine: the draws, the whole
replication (``run_replication``: draws, run, result), the summary row (``summarise``) and
their sum, then the speed-up ratios (SimPy / compiled). Timings on shared machines are
noisy, so the engines are measured interleaved, ``--repeat`` times each, and the best
(least disturbed) and the median run are shown; ratios use the best. CPU time of this
process is shown as well (less sensitive to other processes than wall time).

Both engines share the stages before and after the run: the draws (``model/draws.py``,
with the business-as-usual candidate exits), the business-as-usual arm
(``usual_spells``) and the summary row (``replication/tally.py``, ``effect.py``,
``costs.py``). Making those faster makes both engines faster, so the whole-replication
ratio is bounded by them; the "run alone" ratio (run_replication minus the draws, best CPU
times) compares the engines themselves.

Every replication above is timed from cold: a run draws each replication once, so the kept
stream fills (``model/fills.py``) are cleared before each. The last table is the pattern of
an analysis, several settings on the same replications, with the fills cleared before each
replication against kept from the settings before (same process, interleaved).

Compile time is reported separately, each in a fresh process: compiling from scratch (an
empty cache directory) and loading the compiled code from the on-disk cache; the engine's
first run, and the first summary row (the tally kernels) after it.

Usage: python benchmarks/bench_engine.py [--repeat 15] [--big-repeat 3] [--scenario PATH]
       [--settings-replications 10] [--no-compile]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from labour_sim import ReplicationResult, Scenario, load_scenario, run_replication
from labour_sim.model import draw_citizens, draw_companies
from labour_sim.model.fills import clear_fills
from labour_sim.replication import summarise

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("des", "fast")

FIRST_CALL = """
import time
t0 = time.perf_counter()
from labour_sim import load_scenario, run_replication
from labour_sim.model import draw_citizens, draw_companies
from labour_sim.model.compiled import simulate
from labour_sim.replication import summarise, weekly_counts
s = load_scenario({path!r})
c, k = draw_citizens(s, 1, 0), draw_companies(s, 1, 0)
t1 = time.perf_counter()
simulate(s, c, k, s.horizon_weeks)
t2 = time.perf_counter()
simulate(s, c, k, s.horizon_weeks)
t3 = time.perf_counter()
result = run_replication(s, 1, 0)
t4 = time.perf_counter()
summarise(s, result), weekly_counts(result)
t5 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t5 - t4)
"""


def capacity_bound(scenario: Scenario) -> Scenario:
    """Ten times the referrals (rate and cap) with the same companies: slots bind."""
    intake = scenario.intake
    changes: dict[str, object] = {}
    if intake.rate_per_week is not None:
        changes["intake.rate_per_week"] = intake.rate_per_week.value * 10
    if intake.cohort_max is not None:
        changes["intake.cohort_max"] = intake.cohort_max.value * 10
    changes["targets"] = []  # thresholds are not what is measured
    return scenario.with_changes(changes)


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def draws(scenario: Scenario, rep: int) -> object:
    """The draws of replication ``rep`` (seed 1), from cold (no kept fills)."""
    clear_fills()
    return draw_citizens(scenario, 1, rep), draw_companies(scenario, 1, rep)


def replicate(scenario: Scenario, rep: int, engine: str, box: list[ReplicationResult]) -> None:
    """Replication ``rep`` (seed 1) on ``engine``, kept in ``box`` for its summary row.

    From cold, as a run draws each replication once (the kept fills are cleared first; the
    clearing is inside the timing, and costs microseconds).
    """
    clear_fills()
    box.append(run_replication(scenario, 1, rep, engine=engine))


#: Referrals a week, in the mixed order of a design: the cohort changes with them.
SETTINGS = (7.5, 5.0, 9.0, 6.0, 10.0, 8.0, 5.5, 9.5, 6.5, 8.5, 7.0, 10.0)


def settings_report(scenario: Scenario, replications: int, rounds: int = 2) -> None:
    """An analysis's pattern: several settings on the same replications, fills cold or kept.

    Each round runs every setting (the intake rate) on ``replications`` whole replications
    (compiled engine, summary row) twice: with the kept fills cleared before each
    replication (cold: what a single run pays), then with them kept from the start of that
    pass (a sweep, Morris, Sobol or goal search: its first setting pays the fresh draws).
    The best round of each is shown.
    """
    settings = [scenario.with_changes({"intake.rate_per_week": r}) for r in SETTINGS]
    for rep in range(replications):  # warm-up: the compiled code
        summarise(settings[-1], run_replication(settings[-1], 1, rep))
    times: dict[str, list[float]] = {"cold": [], "kept": []}
    runs = len(settings) * replications
    for _ in range(rounds):
        for mode in ("cold", "kept"):
            clear_fills()
            cpu = time.process_time()
            for s in settings:
                for rep in range(replications):
                    if mode == "cold":
                        clear_fills()
                    summarise(s, run_replication(s, 1, rep))
            times[mode].append((time.process_time() - cpu) / runs)
    cold, kept = min(times["cold"]), min(times["kept"])
    print(
        f"\n{len(settings)} settings (intake {min(SETTINGS):g} to {max(SETTINGS):g} a week) x "
        f"{replications} replications, compiled engine with summary row, cpu s per replication:"
    )
    print(f"  fills cold {cold:.5f}, kept {kept:.5f}: {cold / kept:.2f}x")


def summary_row(scenario: Scenario, box: list[ReplicationResult]) -> object:
    """The summary row of the replication in ``box``."""
    return summarise(scenario, box[0])


def measure(scenario: Scenario, repeat: int) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Per engine and part, ``repeat`` (wall, cpu) timings; replications 1..repeat."""
    parts: dict[str, dict[str, list[tuple[float, float]]]] = {
        e: {"draws": [], "replication": [], "summary": []} for e in ENGINES
    }
    for rep in range(1, repeat + 1):
        for engine in ENGINES:
            p = parts[engine]
            box: list[ReplicationResult] = []
            p["draws"].append(timed(partial(draws, scenario, rep)))
            p["replication"].append(timed(partial(replicate, scenario, rep, engine, box)))
            p["summary"].append(timed(partial(summary_row, scenario, box)))
    return parts


def report(scenario: Scenario, repeat: int, label: str) -> None:
    result = run_replication(scenario, seed=1, replication=0)  # warms up both paths
    run_replication(scenario, seed=1, replication=0, engine="des")
    parts = measure(scenario, repeat)
    print(f"\n{label}: {result.n_citizens:,} citizens, {result.events:,} events")
    print(f"{'seconds per replication':34} {'best':>9} {'median':>9} {'best cpu':>9}")
    best: dict[str, float] = {}
    for engine in ENGINES:
        p = parts[engine]
        total = [
            (r[0] + s[0], r[1] + s[1]) for r, s in zip(p["replication"], p["summary"], strict=True)
        ]
        rows = {
            "draws": p["draws"],
            "run_replication (draws+run+result)": p["replication"],
            "summary row": p["summary"],
            "whole replication": total,
        }
        for label, times in rows.items():
            walls = [w for w, _ in times]
            print(
                f"  {engine:4} {label:29} {min(walls):9.5f} {statistics.median(walls):9.5f} "
                f"{min(c for _, c in times):9.5f}"
            )
        best[engine] = min(w for w, _ in total)
        # The run alone: the best replication minus the best draws (CPU time: less
        # disturbed by other processes than wall time).
        best[f"{engine}:run"] = min(c for _, c in p["replication"]) - min(c for _, c in p["draws"])
    print(f"  speed-up, whole replication        {best['des'] / best['fast']:9.1f}x")
    print(
        f"  run alone (replication - draws)    des {best['des:run']:.5f} s, "
        f"fast {best['fast:run']:.5f} s (best cpu): {best['des:run'] / best['fast:run']:.1f}x"
    )
    print("  (draws, business-as-usual arm and summary row are shared by both engines)")


def compile_times(path: Path) -> None:
    """First-call seconds in fresh processes: compiling, then loading from the disk cache.

    Per stage of a first replication: importing the package and drawing (which compiles the
    business-as-usual kernels), the engine's first run (its compile) and next run, and the
    first summary row with weekly counts (the tally kernels).
    """
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        code = FIRST_CALL.format(path=str(path))
        print("\ncompile time, fresh process, wall seconds (the engine's is the goal's):")
        print(f"  {'':26} {'import+draws':>12} {'engine':>8} {'next run':>9} {'summary row':>12}")
        for label in ("compiling (empty cache)", "from the on-disk cache"):
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            first, engine, again, summary = (float(x) for x in out.stdout.split())
            print(f"  {label:26} {first:12.2f} {engine:8.2f} {again:9.4f} {summary:12.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--big-repeat", type=int, default=3)
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "lolland_falster.toml"))
    parser.add_argument("--settings-replications", type=int, default=10)
    parser.add_argument("--no-compile", action="store_true", help="skip the compile timings")
    args = parser.parse_args()
    path = Path(args.scenario)
    if not args.no_compile:
        compile_times(path)
    scenario = load_scenario(path)
    report(scenario, args.repeat, scenario.name)
    report(capacity_bound(scenario), args.big_repeat, f"{scenario.name}, 10x the cohort")
    settings_report(scenario, args.settings_replications)


if __name__ == "__main__":
    main()
