"""A pyabc sampler whose result depends on the seed only, not on workers or timing.

pyabc's own parallel samplers reseed every worker from the operating system, so two runs
differ. This one gives candidate ``i`` of generation ``t`` its own random state, seeded
from ``SeedSequence(seed, spawn_key=(STREAM, t + 1, i))`` (pyabc draws proposals from
numpy's global random state, which is set from it), and builds each generation from the
candidates in index order, stopping at the ``n``-th accepted one, exactly as a single
process would. Batches of consecutive candidates run here, in local worker processes or
on Dask; those that run past the ``n``-th acceptance are wasted work, never a difference
in the result. Cutting in index order, not completion order, also avoids the bias towards
fast simulations that pyabc's dynamic schedulers avoid in the same way.

Imports pyabc (slow to import): only :func:`labour_sim.calibrate` loads this module.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import cloudpickle  # type: ignore[import-untyped]
import numpy as np
import pyabc

from ..experiments.executors import Pool
from ..progress import progress_bar, progress_note

__all__ = ["SeededSampler", "global_random_state_kept", "run_candidates"]

#: Spawn-key tag of the proposal streams (distinct from the model's stream ids).
_PROPOSALS = 0xABC
_GLOBAL_RANDOM_STATE = threading.Lock()


@contextmanager
def global_random_state_kept() -> Iterator[None]:
    """Restore numpy's global random state afterwards (pyabc draws from it)."""
    state = np.random.get_state()
    try:
        yield
    finally:
        np.random.set_state(state)


def run_candidates(simulate_one: Any, seed: int, t: int, start: int, stop: int) -> list[Any]:
    """Candidates ``start..stop-1`` of generation ``t``, each on its own random state.

    ``simulate_one`` is pyabc's sampling function, or its cloudpickle bytes. Returns the
    pyabc particles (accepted or not), in candidate order.
    """
    if isinstance(simulate_one, bytes):
        simulate_one = cloudpickle.loads(simulate_one)
    particles = []
    # Threads of one process (a threaded Dask worker) share numpy's global random state:
    # one batch at a time per process keeps every candidate on its own random numbers.
    with _GLOBAL_RANDOM_STATE, global_random_state_kept():
        for i in range(start, stop):
            entropy = np.random.SeedSequence(seed, spawn_key=(_PROPOSALS, t + 1, i))
            np.random.seed(entropy.generate_state(4))
            particles.append(simulate_one())
    return particles


class SeededSampler(pyabc.sampler.Sampler):  # type: ignore[misc]
    """Reproducible, parallel pyabc sampler (see the module docstring).

    Parameters
    ----------
    seed : int
        Root of every proposal's random state.
    workers : Pool
        Where batches run (the experiments' executor layer).
    generations : int
        For progress messages only ("generation 3/8").
    progress : bool
        Show a progress bar per generation and a line when each ends (on stderr).
    max_simulations : float, default inf
        Simulations at most, over all generations (pyabc only checks its own cap between
        generations): no candidate beyond it is started. ``capped`` says whether it stopped
        a generation short.
    """

    def __init__(
        self,
        seed: int,
        workers: Pool,
        generations: int,
        progress: bool,
        max_simulations: float = math.inf,
    ) -> None:
        super().__init__()
        self.seed = seed
        self.runner = workers
        self.generations = generations
        self.progress = progress
        self.max_simulations = max_simulations
        self.capped = False
        self.log: list[dict[str, Any]] = []
        self._rate = 1.0

    @property
    def simulations(self) -> int:
        """Simulations run so far, including those past a generation's cut."""
        return sum(int(g["simulations_run"]) for g in self.log)

    def sample_until_n_accepted(  # noqa: D102 (documented in pyabc.sampler.Sampler)
        self,
        n: int,
        simulate_one: Callable[[], Any],
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,
        ana_vars: Any = None,
    ) -> Any:
        started = time.perf_counter()
        label = "prior sample" if t < 0 else f"generation {t + 1}/{self.generations}"
        payload: Any = cloudpickle.dumps(simulate_one) if self.runner.parallel else simulate_one
        size = self._batch_size(n)
        limit = min(max_eval, self.max_simulations - self.simulations)  # candidates to start
        batches: dict[int, list[Any]] = {}
        pending: dict[Any, int] = {}
        accepted = run = next_batch = 0
        bar = progress_bar(total=n, desc=label, unit="accepted", leave=False, enabled=self.progress)
        try:
            while True:
                while (
                    len(pending) < self.runner.slots
                    and accepted + self._rate * size * len(pending) < n
                    and next_batch * size < limit
                ):
                    start = next_batch * size
                    stop = int(min(start + size, limit))
                    future = self.runner.submit(run_candidates, payload, self.seed, t, start, stop)
                    pending[future] = next_batch
                    next_batch += 1
                if not pending:
                    break
                for future in self.runner.wait_first(list(pending)):
                    particles = future.result()
                    batches[pending.pop(future)] = particles
                    run += len(particles)
                    accepted += sum(p.accepted for p in particles)
                    bar.update(min(accepted, n) - bar.n)
        finally:
            bar.close()
        sample, evaluations = self._in_order(batches, n, max_eval)
        if sample.n_accepted < n and next_batch * size >= limit < max_eval:
            self.capped = True
        self.nr_evaluations_ = evaluations
        if not all_accepted:
            self._rate = max(sample.n_accepted / max(evaluations, 1), 0.01)
        self._record(t, label, sample.n_accepted, evaluations, run, time.perf_counter() - started)
        return sample

    def _batch_size(self, n: int) -> int:
        """Candidates per batch: about a quarter of a worker's share of the generation."""
        if not self.runner.parallel:
            return 1
        expected = n / self._rate
        return max(1, min(50, math.ceil(expected / (4 * self.runner.slots))))

    def _in_order(self, batches: dict[int, list[Any]], n: int, max_eval: float) -> tuple[Any, int]:
        """The sample of candidates in index order up to the ``n``-th accepted one."""
        sample = self._create_empty_sample()
        evaluations = 0
        for b in sorted(batches):
            for particle in batches[b]:
                if sample.n_accepted >= n or evaluations >= max_eval:
                    break
                sample.append(particle)
                evaluations += 1
        if sample.n_accepted < n:
            sample.ok = False
        return sample, evaluations

    def _record(
        self, t: int, label: str, accepted: int, evaluations: int, run: int, seconds: float
    ) -> None:
        self.log.append(
            {"t": t, "accepted": accepted, "evaluations": evaluations,
             "simulations_run": run, "seconds": seconds}
        )  # fmt: skip
        if self.progress:
            rate = accepted / evaluations if evaluations else math.nan
            progress_note(
                f"{label}: {accepted} accepted of {evaluations:,} simulations ({rate:.0%}), "
                f"{seconds:.1f} s"
            )
