"""Where replications run: in this process, in local worker processes, or on Dask.

All three map the same pure task over chunks of replication numbers and hand back chunks as
they finish; the caller orders them by replication number, so the result is identical
whatever the executor or the number of workers. A progress bar (tqdm, which also renders in
notebooks) counts replications.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from tqdm.auto import tqdm

from .summary import Chunk

__all__ = ["default_workers", "map_chunks"]

Task = Callable[[int, int], Chunk]


def default_workers() -> int:
    """Worker processes to use by default: the cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_chunks(
    task: Task,
    chunks: Iterable[tuple[int, int]],
    *,
    workers: int = 1,
    executor: Any = None,
    progress: bool = True,
    description: str = "replications",
) -> Iterator[Chunk]:
    """Run ``task(start, stop)`` for each chunk; yield chunks as they finish.

    Parameters
    ----------
    task : callable
        Picklable ``(start, stop) -> Chunk``.
    chunks : iterable of (start, stop)
        Replication ranges.
    workers : int
        Local worker processes; 1 runs everything in this process.
    executor : dask.distributed.Client, optional
        Run on a Dask cluster instead of local processes.
    progress : bool
        Show a progress bar of replications done.
    """
    chunks = list(chunks)
    total = sum(stop - start for start, stop in chunks)
    with tqdm(total=total, desc=description, unit="rep", disable=not progress or total == 0) as bar:
        for chunk in _dispatch(task, chunks, workers, executor):
            bar.update(chunk.stop - chunk.start)
            yield chunk


def _dispatch(
    task: Task, chunks: list[tuple[int, int]], workers: int, executor: Any
) -> Iterator[Chunk]:
    if executor is not None:
        yield from _on_dask(executor, task, chunks)
    elif workers > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(chunks))) as pool:
            futures = [pool.submit(task, start, stop) for start, stop in chunks]
            try:
                for future in as_completed(futures):
                    yield future.result()
            finally:
                for future in futures:
                    future.cancel()
    else:
        for start, stop in chunks:
            yield task(start, stop)


def _on_dask(client: Any, task: Task, chunks: list[tuple[int, int]]) -> Iterator[Chunk]:
    from distributed import as_completed as dask_completed

    starts = [start for start, _ in chunks]
    stops = [stop for _, stop in chunks]
    futures = client.map(task, starts, stops, pure=False)
    try:
        for future in dask_completed(futures):  # type: ignore[no-untyped-call]
            yield future.result()
    finally:
        client.cancel(futures)
