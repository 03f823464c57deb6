"""Result folders: atomic writes, and chunk files that let an interrupted run resume.

A run folder holds ``run.json`` (what is being run: scenario hash, seed and settings), one
Parquet file per finished chunk of replications in ``chunks/`` (and a ``.npy`` file of its
weekly counts), and, once complete, the final tables and ``metadata.json``. Every file is
written to a temporary name and renamed into place, so a crash never leaves half a file:
a chunk is either finished and on disk, or it is run again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from .worker import Chunk

__all__ = ["RunFolder", "atomic_write", "write_json", "write_parquet"]


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as indented JSON, atomically."""
    text = json.dumps(data, indent=2, default=str)
    atomic_write(path, lambda tmp: _write_text(tmp, text))


def write_parquet(path: Path, table: pd.DataFrame) -> None:
    """Write ``table`` as Parquet (no index), atomically."""
    atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False))


class RunFolder:
    """The chunks of one run under ``root``; refuses to mix two different runs.

    A folder holding another run (other scenario, seed or settings) is an error unless
    ``overwrite``, which deletes its chunks.
    """

    def __init__(self, root: Path, key: dict[str, Any], overwrite: bool = False) -> None:
        self.root = Path(root)
        self.chunks = self.root / "chunks"
        marker = self.root / "run.json"
        if marker.exists():
            found = json.loads(marker.read_text())
            if found == json.loads(json.dumps(key, default=str)):
                return  # the same run: resume it
            if not overwrite:
                raise ScenarioError.single(
                    "--out",
                    "an empty folder or one holding this same run (same scenario, seed and "
                    "settings); pass --overwrite to replace it",
                    str(self.root),
                )
            shutil.rmtree(self.chunks, ignore_errors=True)
        write_json(marker, key)

    def _stem(self, start: int, stop: int) -> str:
        return f"reps-{start:08d}-{stop:08d}"

    def save(self, chunk: Chunk) -> None:
        """Store a finished chunk (weekly counts first, so rows mark it complete)."""
        stem = self.chunks / self._stem(chunk.start, chunk.stop)
        if chunk.weekly is not None:
            weekly = chunk.weekly
            atomic_write(stem.with_suffix(".npy"), lambda tmp: _save_npy(tmp, weekly))
        write_parquet(stem.with_suffix(".parquet"), chunk.rows)

    def load(self) -> Iterator[Chunk]:
        """Every finished chunk on disk."""
        for path in sorted(self.chunks.glob("reps-*.parquet")):
            _, start, stop = path.stem.split("-")
            weekly_path = path.with_suffix(".npy")
            weekly = np.load(weekly_path) if weekly_path.exists() else None
            yield Chunk(int(start), int(stop), pd.read_parquet(path), weekly)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _save_npy(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.save(handle, array)
