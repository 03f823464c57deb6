"""Progress bars are text on standard error: what a saved notebook keeps is their last state."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from labour_sim.progress import note_if_slow, progress_bar

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "labour_sim"


def test_a_finished_bar_leaves_its_last_state(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar(total=3, desc="replications", unit="rep") as bar:
        for _ in range(3):
            bar.update(1)
    err = capsys.readouterr().err
    last = err.replace("\n", "\r").strip("\r").split("\r")[-1]  # what is on screen at the end
    assert "replications" in last and "100%" in last and "3/3" in last, repr(err)


def test_disabled_and_empty_bars_write_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    for bar in (progress_bar(total=5, desc="a", unit="rep", enabled=False),
                progress_bar(total=0, desc="b", unit="rep")):  # fmt: skip
        with bar:
            bar.update(0)
    assert capsys.readouterr().err == ""


def test_every_bar_is_the_text_bar() -> None:
    """No module builds a tqdm bar itself (``tqdm.auto`` would pick the notebook widget,
    whose saved output is its first frame: 0 %)."""
    builders = [
        f"{path.relative_to(PACKAGE)}: {node.module}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "progress.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tqdm")
    ]
    assert not builders, builders


def test_a_slow_start_is_explained_once_and_a_quick_one_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with note_if_slow("still waiting", seconds=0.05) as done:
        time.sleep(0.3)  # nothing back in time: the note, once
        done()
    assert capsys.readouterr().err.count("still waiting") == 1
    with note_if_slow("still waiting", seconds=0.2) as done:
        done()  # back at once: no note, even when the block then takes long
        time.sleep(0.3)
    with note_if_slow("still waiting", seconds=0.05, enabled=False):
        time.sleep(0.2)
    assert capsys.readouterr().err == ""
