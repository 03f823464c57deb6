"""Where work runs: in this process, in local worker processes, or on Dask.

:class:`Pool` is the one executor layer: it submits picklable calls and hands back futures,
keeping a bounded number under way. :func:`map_chunks` maps a task over units of work with
a progress bar of replications done and yields the results as they finish; callers order
them by replication number, so results are identical whatever the executor or the number
of workers. The calibration sampler uses :class:`Pool` directly (it needs results in
batches, in index order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import nullcontext
from typing import Any, TypeVar

from ..progress import progress_bar
from .execution import Execution
from .worker import Chunk

__all__ = ["Pool", "map_chunks", "pool_for"]

#: What a task returns: a chunk, a richer chunk of the caller's, or what ``size`` counts.
C = TypeVar("C")


class Pool:
    """Run calls here, in local processes, or on a Dask client.

    Parameters
    ----------
    workers : int
        Local worker processes; 1 runs every call in this process, at submission.
    client : dask.distributed.Client, optional
        Run on a Dask cluster instead.
    """

    def __init__(self, workers: int = 1, client: Any = None) -> None:
        self.client = client
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def parallel(self) -> bool:
        """True when calls run outside this process."""
        return self.client is not None or self.workers > 1

    @property
    def slots(self) -> int:
        """How many calls to keep under way at once (twice the cores)."""
        if self.client is not None:
            return 2 * (sum(self.client.nthreads().values()) or 1)
        return 2 * self.workers

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Start ``fn(*args)``; a future (already done when it ran in this process)."""
        if self.client is not None:
            return self.client.submit(fn, *args, pure=False)
        if self.workers > 1:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.workers)
            return self._pool.submit(fn, *args)
        done: Future[Any] = Future()
        done.set_result(fn(*args))
        return done

    def wait_first(self, futures: Sequence[Any]) -> list[Any]:
        """Block until at least one of ``futures`` is done; the done ones."""
        if self.client is not None:
            from distributed import wait as dask_wait

            return list(dask_wait(futures, return_when="FIRST_COMPLETED").done)  # type: ignore[no-untyped-call]
        return list(wait(futures, return_when=FIRST_COMPLETED).done)

    def cancel(self, futures: Sequence[Any]) -> None:
        """Cancel calls that have not started."""
        if self.client is not None:
            self.client.cancel(list(futures))
        for future in futures:
            if isinstance(future, Future):
                future.cancel()

    def close(self) -> None:
        """Stop the local worker processes, if any."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def pool_for(execution: Execution, units: int) -> Pool:
    """The pool of ``execution`` for ``units`` units of work (one process for a single one)."""
    return Pool(execution.workers_for(units) if units > 1 else 1, execution.executor)


def map_chunks(
    task: Callable[..., C],
    units: Sequence[tuple[Any, ...]],
    execution: Execution,
    *,
    description: str = "replications",
    pool: Pool | None = None,
    size: Callable[[C], int] | None = None,
    total: int | None = None,
) -> Iterator[C]:
    """Run ``task(*unit)`` for each unit of work; yield the chunks as they finish.

    Parameters
    ----------
    task : callable
        Picklable ``(*unit) -> Chunk``.
    units : sequence of tuples
        The units of work; the last two numbers of each are its replication range
        ``(start, stop)`` (the progress bar counts replications), unless ``size`` and
        ``total`` count them.
    execution : Execution
        Workers, executor and progress (``out`` is the caller's business).
    description : str
        Label of the progress bar.
    pool : Pool, optional
        Run on this pool (left open, for the caller's next units) instead of one of its own
        (``execution``'s workers, closed at the end). Worker processes are dear to start:
        each imports the package and loads the compiled code.
    size : callable, optional
        Replications in what a task returned (default: a chunk's ``stop - start``).
    total : int, optional
        Replications in all units (default: from their last two numbers).
    """
    count = size or _replications
    total = sum(unit[-1] - unit[-2] for unit in units) if total is None else total
    bar = progress_bar(total=total, desc=description, unit="rep", enabled=execution.progress)
    runner = pool_for(execution, len(units)) if pool is None else nullcontext(pool)
    with bar, runner as pool:
        queue = iter(units)
        pending: list[Any] = []
        try:
            while True:
                while len(pending) < pool.slots and (unit := next(queue, None)) is not None:
                    pending.append(pool.submit(task, *unit))
                if not pending:
                    return
                for future in pool.wait_first(pending):
                    pending.remove(future)
                    chunk: C = future.result()
                    bar.update(count(chunk))
                    yield chunk
        finally:
            pool.cancel(pending)


def _replications(chunk: Any) -> int:
    done: Chunk = chunk
    return done.stop - done.start
