"""Command-line options a user can get wrong: one line naming the option, or a note on stderr."""

from __future__ import annotations

import argparse
import errno
import socket
from pathlib import Path
from typing import Any

import pytest

from factory import q, raw, run_cli, target, write_toml
from labour_sim.calibration import DEFAULT_DRIFT
from labour_sim.cli import run as cli_run


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    data = raw({"targets": [target("ordinary_60", "ordinary", 60)]})
    return write_toml(data, tmp_path / "small.toml")


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# -- explore: the port --------------------------------------------------------------------------


def test_a_port_above_65535_is_named_before_anything_starts(small_file: Path) -> None:
    proc = run_cli("explore", str(small_file), "--port", "99999", "--no-browser")
    assert proc.returncode == 2
    assert one_line(proc.stderr) == (
        "labour-sim: --port: expected a port number 0 to 65535; got 99999"
    )


def test_a_port_in_use_is_named_not_taken_for_a_file(small_file: Path) -> None:
    pytest.importorskip("panel", reason="the explore extra (panel) is not installed")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_cli("explore", str(small_file), "--port", str(port), "--no-browser")
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert line == (
        f"labour-sim: --port: expected a free port (choose another with --port); "
        f"got {port}, in use (another explorer?)"
    )
    assert "a file" not in line


def test_a_file_error_of_the_explorer_keeps_the_file_message(
    small_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("panel", reason="the explore extra (panel) is not installed")
    from labour_sim.explorer import app

    def unreadable(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "/some/file")

    monkeypatch.setattr(app, "serve", unreadable)
    proc = run_cli("explore", str(small_file), "--no-browser")
    assert proc.returncode == 2
    assert one_line(proc.stderr) == (
        "labour-sim: /some/file: Permission denied (check the path and its permissions)"
    )


# -- run: --drift needs --calibration -----------------------------------------------------------


def test_drift_without_a_calibration_is_an_error(small_file: Path) -> None:
    proc = run_cli("run", str(small_file), "-n", "2", "-q", "--workers", "1", "--drift", "0.1")
    assert proc.returncode == 2
    assert one_line(proc.stderr) == (
        "labour-sim: --drift: expected --calibration too (drift applies to a calibrated run "
        "only); got 0.1 without --calibration"
    )


def test_a_calibration_without_drift_gets_the_default_drift(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[float] = []
    monkeypatch.setattr(cli_run, "calibration_draws", lambda f, s, drift: seen.append(drift))
    args = argparse.Namespace(calibration=Path("cal"), drift=None)
    cli_run.calibrated(args, None)  # type: ignore[arg-type]
    cli_run.calibrated(argparse.Namespace(calibration=Path("cal"), drift=0.0), None)  # type: ignore[arg-type]
    assert seen == [DEFAULT_DRIFT, 0.0]
    assert cli_run.calibrated(argparse.Namespace(calibration=None, drift=None), None) is None  # type: ignore[arg-type]


def test_run_with_precision_still_runs(small_file: Path) -> None:
    proc = run_cli("run", str(small_file), "--precision", "0.45", "-q", "--workers", "1")
    assert proc.returncode == 0, proc.stderr


# -- sensitivity: Sobol's sample is a power of 2 ------------------------------------------------


def test_sobol_samples_rounded_up_to_a_power_of_2_say_so(tmp_path: Path) -> None:
    data = raw(
        {
            "companies.slots_per_company": q(2),
            "intake.monthly_counts": q([5.0] * 12),
            "targets": [target("placed_20", "placed", 20, "2021-06-28")],
        }
    )
    path = write_toml(data, tmp_path / "slots.toml")
    common = ["--outcome", "placed", "--lever", "companies.slots_per_company=1:3", "-n", "1"]
    proc = run_cli("sensitivity", str(path), "--method", "sobol", "--samples", "3", *common,
                   "--workers", "1", "-q")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    notes = [line for line in proc.stderr.splitlines() if line.startswith("note: ")]
    assert notes == ["note: --samples 3 rounded up to 4 (Sobol's base sample is a power of 2)"]
    proc = run_cli("sensitivity", str(path), "--method", "sobol", "--samples", "4", *common,
                   "--workers", "1", "-q")  # fmt: skip
    assert proc.returncode == 0 and "note:" not in proc.stderr
