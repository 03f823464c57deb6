"""The scenario files that ship with labour_sim, and what kind of file a TOML file is.

The repository keeps them in ``scenarios/`` (programmes at the top, ``base/``,
``observations/`` and ``calibration/`` below); a wheel carries the same files as the package
data ``labour_sim/scenario_files/`` (mapped in ``pyproject.toml``). :func:`scenario_folder`
finds them either way, so ``labour_sim.scenarios()`` lists the same files in a checkout and
after ``pip install .``.

Three kinds of TOML file are read by labour_sim, told apart by their content (:func:`file_kind`):
a programme *scenario*, an *observations* file (what an evaluation reported, a list of
``[[observations]]``) and a *calibration* set-up (a ``scenario``, observation files and
``[priors]``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FILE_KINDS", "file_kind", "scenario_folder", "scenarios"]

#: The kinds of TOML file labour_sim reads; ``base`` is a scenario that others extend.
FILE_KINDS = ("scenario", "base", "observations", "calibration")
#: Where each kind lives among the shipped files (programme scenarios at the top).
_FOLDERS = {"base": "base", "observations": "observations", "calibration": "calibration"}


def file_kind(data: Mapping[str, Any]) -> str:
    """``"observations"``, ``"calibration"`` or ``"scenario"``: what a parsed TOML file is.

    An observation file lists ``[[observations]]``; a calibration set-up names a
    ``scenario`` file and its ``[priors]``; anything else is read as a scenario (whose
    validation then says what is missing).
    """
    if "observations" in data and "priors" not in data and "scenario" not in data:
        return "observations"
    if "priors" in data or isinstance(data.get("scenario"), str):
        return "calibration"
    return "scenario"


def scenario_folder() -> Path:
    """The folder of the shipped scenario files: the wheel's package data, else the checkout's.

    Raises
    ------
    FileNotFoundError
        If neither an installed ``labour_sim/scenario_files`` nor the repository's
        ``scenarios/`` is there (a package built without its data).
    """
    installed = Path(str(resources.files("labour_sim"))) / "scenario_files"
    checkout = Path(__file__).resolve().parents[3] / "scenarios"
    for folder in (installed, checkout):
        if (folder / "base").is_dir():
            return folder
    raise FileNotFoundError(f"no shipped scenario files in {installed} or {checkout}")


def scenarios(kind: str | None = None) -> pd.DataFrame:
    """The shipped scenario files, one row each: ``kind``, ``file``, ``name`` and ``path``.

    Parameters
    ----------
    kind : {"scenario", "base", "observations", "calibration"}, optional
        Only files of this kind (``scenario``: the programmes). Default: all.

    Returns
    -------
    pandas.DataFrame
        ``file`` is the path inside the folder (``observations/lolland_falster_midterm.toml``),
        ``name`` the file's own ``name``, ``path`` the absolute :class:`~pathlib.Path` to pass to
        :func:`~labour_sim.load_scenario`, :func:`~labour_sim.load_observations` or
        :func:`~labour_sim.load_setup`.

    Examples
    --------
    >>> import labour_sim as ls
    >>> files = ls.scenarios("scenario")
    >>> scenario = ls.load_scenario(files.set_index("file").loc["lolland_falster.toml", "path"])
    """
    if kind is not None and kind not in FILE_KINDS:
        raise ValueError(f"kind: expected one of {', '.join(FILE_KINDS)}; got {kind!r}")
    root = scenario_folder()
    rows = []
    for found in ("scenario", *_FOLDERS):
        folder = root / _FOLDERS[found] if found in _FOLDERS else root
        if kind not in (None, found):
            continue
        for path in sorted(folder.glob("*.toml")):
            with path.open("rb") as handle:
                name = tomllib.load(handle).get("name", "")
            rows.append(
                {
                    "kind": found,
                    "file": path.relative_to(root).as_posix(),
                    "name": str(name),
                    "path": path,
                }
            )
    return pd.DataFrame(rows, columns=["kind", "file", "name", "path"])
