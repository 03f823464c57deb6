"""Result folders verify what they hold: refuse or recompute, never mix; one line per damage."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from factory import build, raw, run_cli, target, write_toml
from labour_sim import Execution, Results, ScenarioError, run_experiment, sweep
from labour_sim.calibration import Calibration
from labour_sim.levers import Sweep

SCENARIO = build({"targets": [target("ordinary_60", "ordinary", 60)]})
RUN = Execution(workers=1, progress=False, chunk_size=5)


def run(out: Path, seed: int = 7, n: int = 10, **changes: object) -> Results:
    return run_experiment(SCENARIO, n, seed, execution=RUN.replace(out=out, **changes))


def chunk_files(out: Path, suffix: str = ".parquet") -> list[Path]:
    return sorted((out / "chunks").glob(f"reps-*{suffix}"))


def refused(out: Path, match: str, **kwargs: object) -> str:
    with pytest.raises(ScenarioError, match=match) as info:
        run(out, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert "\n" not in message
    return message


def test_a_folder_with_chunks_but_no_run_json_is_refused(tmp_path: Path) -> None:
    run(tmp_path, seed=7)
    (tmp_path / "run.json").unlink()
    refused(tmp_path, "run.json", seed=8)
    again = run(tmp_path, seed=8, overwrite=True)  # recomputed, not mixed
    assert set(again.replications["seed"]) == {8}
    assert again.replications.equals(run_experiment(SCENARIO, 10, 8, execution=RUN).replications)


def test_a_chunk_copied_from_another_run_is_refused(tmp_path: Path) -> None:
    run(tmp_path / "a", seed=7)
    run(tmp_path / "b", seed=9)
    shutil.copy(chunk_files(tmp_path / "b")[0], chunk_files(tmp_path / "a")[0])
    message = refused(tmp_path / "a", "another run")
    assert "reps-00000000-00000005.parquet" in message


def test_a_cut_chunk_is_refused(tmp_path: Path) -> None:
    run(tmp_path)
    path = chunk_files(tmp_path)[1]
    pd.read_parquet(path).head(3).to_parquet(path, index=False)
    assert "3 rows" in refused(tmp_path, str(path))


def test_a_missing_weekly_array_is_refused(tmp_path: Path) -> None:
    run(tmp_path)
    chunk_files(tmp_path, ".npy")[0].unlink()
    refused(tmp_path, "weekly counts")


@pytest.mark.parametrize(
    ("damage", "which"),
    [("truncate", ".parquet"), ("garbage", ".npy"), ("garbage", "run.json"), ("list", "run.json")],
)
def test_damaged_files_name_the_file(tmp_path: Path, damage: str, which: str) -> None:
    run(tmp_path)
    path = tmp_path / "run.json" if which == "run.json" else chunk_files(tmp_path, which)[0]
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:40])
    elif damage == "list":
        path.write_text("[1, 2]")
    else:
        path.write_bytes(b"\x00garbage")
    message = refused(tmp_path, str(path))
    assert "--overwrite" in message
    assert run(tmp_path, overwrite=True).n == 10  # and --overwrite recovers


def test_a_stray_file_in_chunks_is_refused(tmp_path: Path) -> None:
    run(tmp_path)
    shutil.copy(chunk_files(tmp_path)[0], tmp_path / "chunks" / "reps-copy.parquet")
    refused(tmp_path, "reps-copy.parquet")


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    refused(tmp_path / "file", "a folder")


def test_an_interrupted_write_leaves_nothing_that_is_read(tmp_path: Path) -> None:
    first = run(tmp_path)
    (tmp_path / "chunks" / ".reps-00000000-00000005.parquet.abc.tmp").write_bytes(b"half")
    assert run(tmp_path).replications.equals(first.replications)


def test_result_files_have_the_users_normal_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        run(tmp_path)
    finally:
        os.umask(old)
    for path in [tmp_path / "metadata.json", *chunk_files(tmp_path)]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_saved_results_that_are_damaged_are_one_error(tmp_path: Path) -> None:
    run(tmp_path)
    meta = json.loads((tmp_path / "metadata.json").read_text())
    (tmp_path / "metadata.json").write_text("{not json")
    with pytest.raises(ScenarioError, match=r"metadata\.json"):
        Results.load(tmp_path)
    (tmp_path / "metadata.json").write_text(json.dumps(meta))
    (tmp_path / "targets.parquet").write_bytes(b"PAR1")
    with pytest.raises(ScenarioError, match=r"targets\.parquet"):
        Results.load(tmp_path)
    with pytest.raises(ScenarioError, match="no such folder"):
        Results.load(tmp_path / "nowhere")


def test_a_damaged_calibration_folder_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "calibration.json").write_text(json.dumps({"kind": "calibration"}))
    with pytest.raises(ScenarioError, match="labour-sim calibrate"):
        Calibration.load(tmp_path)
    (tmp_path / "calibration.json").write_text("{")
    with pytest.raises(ScenarioError, match=r"calibration\.json"):
        Calibration.load(tmp_path)


def test_sweep_folders_verify_their_points(tmp_path: Path) -> None:
    options = {"replications": 3, "levels": 2, "seed": 1}
    first = sweep(
        SCENARIO,
        {"companies.slots_per_company": (1, 2)},
        **options,
        execution=RUN.replace(out=tmp_path),
    )
    point = sorted((tmp_path / "chunks").glob("point-*.parquet"))[0]
    frame = pd.read_parquet(point)
    frame["replications"] = 2
    frame.to_parquet(point, index=False)
    with pytest.raises(ScenarioError, match="2 replications"):
        sweep(
            SCENARIO,
            {"companies.slots_per_company": (1, 2)},
            **options,
            execution=RUN.replace(out=tmp_path),
        )
    (tmp_path / "sweep.parquet").write_bytes(b"nope")
    with pytest.raises(ScenarioError, match=r"sweep\.parquet"):
        Sweep.load(tmp_path)
    assert isinstance(first, Sweep)


def test_cli_on_a_damaged_folder_is_one_line(tmp_path: Path) -> None:
    scenario = write_toml(
        raw({"targets": [target("ordinary_60", "ordinary", 60)]}), tmp_path / "s.toml"
    )
    out = tmp_path / "out"
    assert run_cli("run", str(scenario), "-n", "10", "--out", str(out), "-q").returncode == 0
    np.save(sorted((out / "chunks").glob("*.npy"))[0], np.zeros(3))
    proc = run_cli("run", str(scenario), "-n", "10", "--out", str(out), "-q")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "weekly counts" in proc.stderr and "--overwrite" in proc.stderr
    proc = run_cli("forecast", str(tmp_path))
    assert proc.returncode == 2 and "calibration" in proc.stderr
