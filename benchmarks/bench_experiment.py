"""Experiment throughput: replications per second with 1 and 2 workers and on Dask.

Prints, for one scenario (default Lolland-Falster): replications per second in this process
(1 worker, the baseline), with 2 local worker processes and through a local Dask cluster
of 2 worker processes, the speed-ups against the baseline measured in the same run, the
wall time and the peak memory (resident set of the run and of its largest worker process)
of 1,000, 10,000 and 100,000 replications on 2 workers, each in a fresh subprocess (starting
the workers included), against issue 15's goals: 1,000 in under 1 s, 100,000 in under a
minute with memory flat.

Usage: python benchmarks/bench_experiment.py [--replications 200] [--memory 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from labour_sim import Execution, load_scenario, run_experiment

ROOT = Path(__file__).resolve().parents[1]

MEMORY_PROBE = """
import json, resource, sys, time
from labour_sim import Execution, load_scenario, run_experiment
scenario = load_scenario(sys.argv[1])
start = time.perf_counter()
run_experiment(scenario, int(sys.argv[2]), execution=Execution(workers=2, progress=False))
seconds = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "own_mb": own / 1024, "worker_mb": children / 1024}))
"""


def rate(scenario, replications: int, **options) -> float:  # type: ignore[no-untyped-def]
    """Replications per second of one experiment."""
    start = time.perf_counter()
    run_experiment(scenario, replications, execution=Execution(progress=False, **options))
    return replications / (time.perf_counter() - start)


def dask_rate(scenario, replications: int) -> float | None:  # type: ignore[no-untyped-def]
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        return None
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        rate(scenario, 50, executor=client)  # warm the workers up
        return rate(scenario, replications, executor=client)


def memory(path: str, replications: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, path, str(replications)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "lolland_falster.toml"))
    parser.add_argument("--replications", type=int, default=200, help="per throughput run")
    parser.add_argument("--memory", type=int, nargs="*", default=[1000, 10000, 100000])
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    rate(scenario, 10, workers=1)  # imports and caches warm
    one = rate(scenario, args.replications, workers=1)
    two = rate(scenario, args.replications, workers=2)
    dask = dask_rate(scenario, args.replications)
    print(f"scenario                      {scenario.name}")
    print(f"replications per run          {args.replications}")
    print(f"1 worker (baseline)           {one:6.1f} rep/s")
    print(f"2 local workers               {two:6.1f} rep/s   speed-up {two / one:.2f}x")
    if dask is not None:
        print(f"Dask LocalCluster, 2 workers  {dask:6.1f} rep/s   speed-up {dask / one:.2f}x")
    goals = {1000: " (goal: under 1 s)", 100_000: " (goal: under 60 s)"}
    for n in args.memory:
        m = memory(args.scenario, n)
        print(
            f"{n:>7,} replications, 2 workers: {m['seconds']:6.1f} s{goals.get(n, '')}; "
            f"peak memory: main {m['own_mb']:.0f} MB, largest worker {m['worker_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
