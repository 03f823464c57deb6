"""The one driver of many replications: these settings x these replications, on CRN.

A *setting* is a set of changes over one baseline scenario (``{}`` is the baseline). A unit
of work is ``(setting, start, stop)``: replications ``start .. stop - 1`` of that setting.
Every setting runs the same replication numbers on the same seed, so settings share their
random numbers (common random numbers) and differ only by their changes.

:func:`run_settings` hands units to the executor layer (:func:`.executors.map_chunks`) in
batches; the task a worker receives carries the baseline and the changes of its batch's
settings only, and the worker builds each changed scenario itself. Chunks come back as they
finish, tagged with their setting; callers put them in order, so results never depend on
the executor or the number of workers. :func:`~labour_sim.run_experiment` is the
one-setting case; lever sweeps, sensitivity and goal seeking run many settings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any

from ..progress import FIRST_USE, note_if_slow, progress_bar
from ..scenario import Scenario
from .execution import Execution
from .executors import Pool, map_chunks, pool_for
from .posterior import PosteriorDraws
from .worker import Chunk, run_chunk

__all__ = ["BATCH_UNITS", "Changes", "run_settings", "units_of"]

Changes = Mapping[str, Any]
#: Units handed to the executor at once (bounds the size of each task's batch of settings).
BATCH_UNITS = 256
#: Most units one task runs. Consecutive units (neighbouring settings of a design, on the
#: same replications) run on one worker, which draws what they share once and keeps it
#: (``model.fills`` keeps draws per process from their second use): spread one by one
#: over the workers, neighbours would each be drawn afresh.
BUNDLE_UNITS = 16


def units_of(setting: int, replications: range, chunk_size: int) -> list[tuple[int, int, int]]:
    """The units of work of ``replications`` of one setting, ``chunk_size`` at a time."""
    start, stop = replications.start, replications.stop
    return [(setting, a, min(a + chunk_size, stop)) for a in range(start, stop, chunk_size)]


def run_settings(
    scenario: Scenario,
    changes: Sequence[Changes],
    units: Sequence[tuple[int, int, int]],
    seed: int,
    execution: Execution,
    *,
    keep_weekly: int = 0,
    description: str = "replications",
    draws: PosteriorDraws | None = None,
) -> Iterator[Chunk]:
    """Run every unit ``(setting, start, stop)``; yield chunks (tagged with ``setting``).

    Parameters
    ----------
    scenario : Scenario
        The baseline.
    changes : sequence of mappings
        Setting ``i`` is ``scenario.with_changes(changes[i])``; ``{}`` is the baseline.
    units : sequence of (setting, start, stop)
        The work, in the order it should be started.
    seed : int
        The common seed of every setting.
    execution : Execution
        Workers, executor and progress.
    keep_weekly : int
        Keep the weekly counts of replications below this number (for bands).
    description : str
        Label of the progress bar.
    draws : PosteriorDraws, optional
        A calibrated run: replication ``r`` of every setting runs at its own posterior
        draw (the same draw in every setting, so settings still share their random numbers;
        see :mod:`.posterior`).
    """
    total = sum(stop - start for _, start, stop in units)
    quiet = execution.quiet()
    bar = progress_bar(total=total, desc=description, unit="rep", enabled=execution.progress)
    # One pool for every batch: its worker processes, started once, keep their compiled
    # code and kept draws (model.fills) from batch to batch.
    slow = note_if_slow(FIRST_USE, enabled=execution.progress)
    with bar, slow as first_back, pool_for(execution, len(units)) as pool:
        for first in range(0, len(units), BATCH_UNITS):
            batch = units[first : first + BATCH_UNITS]
            needed = {setting: changes[setting] for setting, _, _ in batch}
            task = partial(_run_units, scenario, needed, seed, keep_weekly, execution.engine, draws)
            reps = sum(stop - start for _, start, stop in batch)
            bundles = _bundles(batch, pool)
            for chunks in map_chunks(task, bundles, quiet, pool=pool, size=_reps, total=reps):
                first_back()
                for chunk in chunks:
                    bar.update(chunk.stop - chunk.start)
                    yield chunk


def _bundles(
    batch: Sequence[tuple[int, int, int]], pool: Pool
) -> list[tuple[tuple[tuple[int, int, int], ...]]]:
    """The units in tasks of consecutive units: up to :data:`BUNDLE_UNITS`, 4 tasks a worker.

    In this process (nothing to spread) every unit is a task of its own.
    """
    workers = pool.slots // 2 if pool.parallel else 0
    size = max(1, min(BUNDLE_UNITS, len(batch) // (4 * workers))) if workers else 1
    return [(tuple(batch[i : i + size]),) for i in range(0, len(batch), size)]


def _reps(chunks: list[Chunk]) -> int:
    return sum(chunk.stop - chunk.start for chunk in chunks)


def _run_units(
    scenario: Scenario,
    changes: Mapping[int, Changes],
    seed: int,
    keep_weekly: int,
    engine: str,
    draws: PosteriorDraws | None,
    units: tuple[tuple[int, int, int], ...],
) -> list[Chunk]:
    """Run one task's units in order; each setting's scenario is built here, in the worker."""
    chunks = []
    for setting, start, stop in units:
        change = changes[setting]
        changed = scenario.with_changes(dict(change)) if change else scenario
        chunks.append(run_chunk(changed, seed, start, stop, keep_weekly, setting, engine, draws))
    return chunks
