"""Result folders: atomic writes, resumable chunk files, readers that check what they read.

A run folder holds ``run.json`` (what is being run: scenario hash, seed and settings), one
Parquet file per finished chunk of replications in ``chunks/`` (and a ``.npy`` file of its
weekly counts), and, once complete, the final tables and ``metadata.json``. Every file is
written to a temporary name and renamed into place, so a crash never leaves half a file:
a chunk is either finished and on disk, or it is run again. Files get the user's normal
permissions (the umask), not the private ones of a temporary file.

Nothing is trusted because it is there: every chunk is checked on load by the caller's
``verify`` (seed, scenario hash, replication range, row count, weekly arrays), a stray file
in ``chunks/`` or a folder holding chunks without a valid ``run.json`` is refused, and a
damaged file gives one :class:`~labour_sim.errors.ScenarioError` that names it and says what
to do (remove it, or run again with ``overwrite``), never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from .worker import Chunk

__all__ = [
    "TABLE_FORMATS",
    "RunFolder",
    "atomic_write",
    "damaged",
    "read_json",
    "read_npy",
    "read_parquet",
    "read_table",
    "reading",
    "table_exists",
    "write_json",
    "write_parquet",
    "write_table",
]

#: Formats a result table can be written in: Parquet keeps every type exactly (the default,
#: and what resumable chunks always use); CSV and Excel are for other tools, and read back
#: with the same values (text columns kept as text) though not always the same types.
TABLE_FORMATS = ("parquet", "csv", "xlsx")
#: Columns read from CSV as text whatever they look like (a hash may look like a number).
_TEXT_COLUMNS = frozenset(
    {"scenario", "scenario_hash", "target", "metric", "date", "description", "item", "label",
     "series", "kind", "outcome", "observation", "name", "path", "lever", "parameter"}
)  # fmt: skip

#: What to do about a damaged or foreign file in a result folder.
_REMEDY = "remove it (or the folder), or run again with --overwrite"
_CHUNK = re.compile(r"reps-(\d{8})-(\d{8})")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``.

    The file ends with the permissions a plain ``open`` would give it (``0o666`` less the
    umask), not the owner-only ones of the temporary file.
    """
    _folder(path.parent)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        tmp.chmod(0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _folder(path: Path) -> None:
    """Create folder ``path``; a ScenarioError if it is a file or cannot be created."""
    if path.exists() and not path.is_dir():
        raise ScenarioError.single("--out", "a folder (not a file)", str(path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError.single(
            "--out", "a folder that can be created and written", f"{path} ({exc.strerror})"
        ) from None


def damaged(path: Path, what: str, problem: str) -> ScenarioError:
    """The error for a result file that cannot be used: names the file and the remedy."""
    return ScenarioError.single(str(path), f"{what} ({_REMEDY})", problem)


@contextmanager
def reading(folder: Path, what: str) -> Iterator[None]:
    """Turn a result folder's missing keys, columns or wrong types into one ScenarioError.

    For the ``load`` of a saved result: files that parse but were not written by labour_sim
    (or by another version of it) fail with the folder's name and the remedy.
    """
    if not folder.is_dir():
        raise ScenarioError.single(str(folder), what, "no such folder")
    try:
        yield
    except ScenarioError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        problem = f"incomplete or not written by this labour_sim ({type(exc).__name__}: {exc})"
        raise damaged(folder, what, problem) from None


def read_json(path: Path, what: str = "a JSON object written by labour_sim") -> dict[str, Any]:
    """A JSON object from ``path``, or a ScenarioError that names the file."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise damaged(path, what, "no such file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise damaged(path, what, f"unreadable ({type(exc).__name__})") from None
    if not isinstance(found, dict):
        raise damaged(path, what, f"a JSON {type(found).__name__}")
    return found


def read_parquet(path: Path, what: str = "a Parquet table written by labour_sim") -> pd.DataFrame:
    """A table from ``path``, or a ScenarioError that names the file."""
    try:
        return pd.read_parquet(path)
    except FileNotFoundError:
        raise damaged(path, what, "no such file") from None
    except Exception as exc:  # pyarrow raises many types for a damaged file
        raise damaged(path, what, f"unreadable ({type(exc).__name__})") from None


def read_npy(path: Path, what: str = "a NumPy array written by labour_sim") -> np.ndarray:
    """An array from ``path`` (no pickles), or a ScenarioError that names the file."""
    try:
        return np.asarray(np.load(path, allow_pickle=False))
    except FileNotFoundError:
        raise damaged(path, what, "no such file") from None
    except (OSError, ValueError, EOFError) as exc:
        raise damaged(path, what, f"unreadable ({type(exc).__name__})") from None


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as indented JSON, atomically."""
    text = json.dumps(data, indent=2, default=str)
    atomic_write(path, lambda tmp: _write_text(tmp, text))


def write_parquet(path: Path, table: pd.DataFrame) -> None:
    """Write ``table`` as Parquet (no index), atomically."""
    atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False))


def write_table(folder: Path, name: str, table: pd.DataFrame, format: str = "parquet") -> Path:
    """Write ``table`` as ``folder/name.<format>`` (no index), atomically; returns the path.

    The same table in another format is removed, so a folder holds each table once.
    """
    if format not in TABLE_FORMATS:
        raise ScenarioError.single("format", f"one of {', '.join(TABLE_FORMATS)}", format)
    path = folder / f"{name}.{format}"
    if format == "parquet":
        write_parquet(path, table)
    elif format == "csv":
        atomic_write(path, lambda tmp: table.to_csv(tmp, index=False))
    else:
        atomic_write(path, lambda tmp: table.to_excel(tmp, index=False, engine="openpyxl"))
    for other in TABLE_FORMATS:
        if other != format:
            (folder / f"{name}.{other}").unlink(missing_ok=True)
    return path


def table_exists(folder: Path, name: str) -> bool:
    """Whether ``folder`` holds the table ``name`` in any format."""
    return any((folder / f"{name}.{format}").exists() for format in TABLE_FORMATS)


def read_table(
    folder: Path, name: str, what: str = "a table written by labour_sim"
) -> pd.DataFrame:
    """The table ``name`` from ``folder``, in whichever format it was written.

    Raises
    ------
    ScenarioError
        Naming the file when it is missing or cannot be read.
    """
    for format in TABLE_FORMATS:
        path = folder / f"{name}.{format}"
        if not path.exists():
            continue
        if format == "parquet":
            return read_parquet(path, what)
        try:
            if format == "csv":
                header = pd.read_csv(path, nrows=0).columns
                text = {c: str for c in header if c in _TEXT_COLUMNS}
                table = pd.read_csv(path, dtype=text)
                return table.fillna(dict.fromkeys(text, ""))  # CSV cannot tell "" from missing
            return pd.read_excel(path, engine="openpyxl")
        except Exception as exc:  # the readers raise many types for a damaged file
            raise damaged(path, what, f"unreadable ({type(exc).__name__})") from None
    raise damaged(folder / f"{name}.parquet", what, "no such file")


class RunFolder:
    """The chunks of one run under ``root``; refuses to mix two different runs.

    A folder holding another run (other scenario, seed or settings), chunks without a valid
    ``run.json``, or a damaged ``run.json`` is an error unless ``overwrite``, which deletes
    its chunks.
    """

    def __init__(self, root: Path, key: dict[str, Any], overwrite: bool = False) -> None:
        self.root = Path(root)
        self.chunks = self.root / "chunks"
        self.key = json.loads(json.dumps(key, default=str))
        _folder(self.root)
        marker = self.root / "run.json"
        if marker.exists() and not overwrite:
            found = read_json(marker, "the run.json of a labour_sim run folder")
            if found != self.key:
                raise ScenarioError.single(
                    "--out",
                    "an empty folder or one holding this same run (same scenario, seed and "
                    "settings); pass --overwrite to replace it",
                    str(self.root),
                )
            return  # the same run: resume it
        if not overwrite and self.chunks.is_dir() and any(self.chunks.iterdir()):
            raise ScenarioError.single(
                "--out", "a folder whose chunks belong to a run.json (pass --overwrite to "
                "replace them)", f"{self.chunks} holds chunks but {marker} is missing",
            )  # fmt: skip
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

    def files(self, pattern: re.Pattern[str], suffixes: tuple[str, ...]) -> list[Path]:
        """The Parquet files of ``chunks/`` whose stem matches ``pattern``, sorted.

        Any other file there (but the temporary files of an interrupted write) is refused:
        it did not come from this run.
        """
        if not self.chunks.is_dir():
            return []
        found = []
        for path in sorted(self.chunks.iterdir()):
            if path.name.startswith(".") and path.name.endswith(".tmp"):
                continue  # left by a killed write: never renamed into place, never read
            if path.suffix not in suffixes or not pattern.fullmatch(path.stem):
                raise damaged(path, "only chunk files of this run in chunks/", "a stray file")
            if path.suffix == ".parquet":
                found.append(path)
        return found

    def load(self, verify: Callable[[Chunk], str | None]) -> Iterator[Chunk]:
        """Every finished chunk on disk, each checked by ``verify`` (a problem, or None)."""
        for path in self.files(_CHUNK, (".parquet", ".npy")):
            match = _CHUNK.fullmatch(path.stem)
            assert match is not None
            start, stop = int(match.group(1)), int(match.group(2))
            weekly_path = path.with_suffix(".npy")
            weekly = read_npy(weekly_path) if weekly_path.exists() else None
            chunk = Chunk(start, stop, read_parquet(path), weekly)
            problem = verify(chunk)
            if problem is not None:
                raise damaged(path, "a chunk of this run", problem)
            yield chunk


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _save_npy(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.save(handle, array)
