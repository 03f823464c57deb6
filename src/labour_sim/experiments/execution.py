"""How many replications are run: where, how visibly, and into which folder.

Every function that runs many replications (:func:`~labour_sim.run_experiment`,
:func:`~labour_sim.compare`, sweeps, sensitivity, goal seeking, budget, calibration,
forecasts, the programme table) takes one :class:`Execution` instead of repeating the same
keywords. It never changes a number: results are identical whatever the workers, the
executor, the chunk size of a finished run or whether a progress bar is shown.

Example
-------
::

    from labour_sim import Execution, run_experiment

    run_experiment(scenario, 5000, execution=Execution(workers=2, out="out/lf"))
    run_experiment(scenario, 100, execution=Execution(progress=False))
"""

from __future__ import annotations

import dataclasses
import enum
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ScenarioError
from ..replication import ENGINES
from .store import TABLE_FORMATS

__all__ = ["Execution", "default_workers"]


def default_workers() -> int:
    """Worker processes to use by default: the cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class _Keep(enum.Enum):
    """The default of :meth:`Execution.replace`: keep the field as it is."""

    KEEP = enum.auto()


@dataclass(frozen=True)
class Execution:
    """Where and how many replications run (never what they compute).

    Attributes
    ----------
    workers : int, optional
        Local worker processes; ``None`` uses every available core when there are at least
        four units of work, else this process; 1 runs everything in this process.
    executor : dask.distributed.Client, optional
        Run on a Dask cluster instead of local processes.
    out : path, optional
        Result folder: work is stored as it finishes, and a run started again with the same
        arguments reuses it (resumes).
    overwrite : bool, default False
        Replace a different run found in ``out`` (otherwise that is an error).
    progress : bool, default True
        Show progress bars (tqdm; they render in notebooks too).
    chunk_size : int, default 25
        Replications per unit of work sent to a worker.
    engine : {"auto", "fast", "des"}, default "auto"
        Which engine runs each replication (see :func:`~labour_sim.run_replication`): the
        compiled one (``auto``, ``fast``) or the SimPy reference (``des``). Both give the same
        numbers; only the time differs.
    table_format : {"parquet", "csv", "xlsx"}, default "parquet"
        Format of the result tables written into ``out`` (the chunks a run resumes from
        are always Parquet). Parquet keeps every type; CSV and Excel open in other tools.
    """

    workers: int | None = None
    executor: Any = None
    out: Path | None = None
    overwrite: bool = False
    progress: bool = True
    chunk_size: int = 25
    engine: str = "auto"
    table_format: str = "parquet"

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ScenarioError.single("engine", f"one of {', '.join(ENGINES)}", self.engine)
        if self.table_format not in TABLE_FORMATS:
            raise ScenarioError.single(
                "table_format", f"one of {', '.join(TABLE_FORMATS)}", self.table_format
            )
        if self.workers is not None and (
            isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1
        ):
            raise ScenarioError.single("workers", "a whole number >= 1", self.workers)
        if (
            isinstance(self.chunk_size, bool)
            or not isinstance(self.chunk_size, int)
            or self.chunk_size < 1
        ):
            raise ScenarioError.single("chunk_size", "a whole number >= 1", self.chunk_size)
        if self.out is not None and not isinstance(self.out, Path):
            object.__setattr__(self, "out", Path(self.out))

    def workers_for(self, units: int) -> int:
        """Local worker processes for ``units`` units of work."""
        if self.workers is not None:
            return self.workers
        return default_workers() if units >= 4 else 1

    def folder(self, *parts: str) -> Execution:
        """The same execution writing into ``out / parts`` (no folder stays no folder)."""
        return self if self.out is None else self.replace(out=self.out.joinpath(*parts))

    def without_folder(self) -> Execution:
        """The same execution storing nothing."""
        return self.replace(out=None, overwrite=False)

    def quiet(self) -> Execution:
        """The same execution without progress bars."""
        return self.replace(progress=False)

    def replace(
        self,
        *,
        workers: int | _Keep | None = _Keep.KEEP,
        executor: Any = _Keep.KEEP,
        out: str | Path | _Keep | None = _Keep.KEEP,
        overwrite: bool | _Keep = _Keep.KEEP,
        progress: bool | _Keep = _Keep.KEEP,
        chunk_size: int | _Keep = _Keep.KEEP,
        engine: str | _Keep = _Keep.KEEP,
        table_format: str | _Keep = _Keep.KEEP,
    ) -> Execution:
        """A copy with the fields given changed (checked again); the others are kept."""
        given = {
            "workers": workers, "executor": executor, "out": out, "overwrite": overwrite,
            "progress": progress, "chunk_size": chunk_size, "engine": engine,
            "table_format": table_format,
        }  # fmt: skip
        changes = {name: value for name, value in given.items() if value is not _Keep.KEEP}
        return dataclasses.replace(self, **changes)
