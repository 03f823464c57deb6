"""The command line: plain answers, one-line errors with exit code 2, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from factory import build, console_script, raw, run_cli, target, write_toml
from labour_sim import Results
from labour_sim.cli import build_parser, main
from labour_sim.cli.run import SUMMARY_METRICS, pathway_summary

ROOT = Path(__file__).resolve().parents[1]
LOLLAND = ROOT / "scenarios" / "lolland_falster.toml"


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    data = raw({"targets": [target("ordinary_60", "ordinary", 60)]})
    return write_toml(data, tmp_path / "small.toml")


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_validate_ok() -> None:
    proc = run_cli("validate", str(LOLLAND))
    assert proc.returncode == 0
    assert proc.stdout.strip() == "ok (scenario: Rekruttering fra kanten, Lolland-Falster)"


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    shutil.copytree(LOLLAND.parent / "base", tmp_path / "base")
    bad = tmp_path / "bad.toml"
    text = LOLLAND.read_text()
    text = text.replace("start = 2018-01-01", 'start = "soon"', 1)
    text = text.replace("[budget]", "[budget]\nspeed = 3", 1)
    bad.write_text(text)
    proc = run_cli("validate", str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "2 problems" in proc.stderr
    assert "period.start" in proc.stderr and "budget.speed" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("run", "no/such/file.toml"),
        ("run", "{malformed}", "-n", "3"),
        ("run", str(LOLLAND), "--replications", "zero"),
        ("run", str(LOLLAND), "--precision", "2"),
        ("run", str(LOLLAND), "--replications", "5", "--precision", "0.1"),
        ("run", str(LOLLAND), "--bogus"),
        ("compare", str(LOLLAND)),
        ("compare", str(LOLLAND), "--set", "no_such.field=3", "-n", "2"),
    ],
    ids=[
        "missing-file",
        "malformed",
        "bad-int",
        "bad-precision",
        "exclusive",
        "unknown-option",
        "no-b",
        "bad-change",
    ],
)
def test_user_mistakes_give_one_line_and_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    if args[1] == "{malformed}":
        broken = tmp_path / "broken.toml"
        broken.write_text("name = 'x'\n[period\nstart = 1\n")
        args = (args[0], str(broken), *args[2:])
    line = one_line_error(run_cli(*args))
    assert line.startswith("labour-sim")


def test_a_malformed_scenario_names_the_file_and_the_problem(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("name = 'x'\n[period\n")
    line = one_line_error(run_cli("run", str(broken)))
    assert "valid TOML" in line and str(broken) in line


def test_run_prints_verdicts_and_writes_results(small_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli("run", str(small_file), "-n", "20", "--seed", "3", "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    assert "20 replications (seed 3)" in proc.stdout
    assert "60 ever employed on ordinary hours by 2021-12-27:" in proc.stdout
    assert "% likely [" in proc.stdout
    results = Results.load(out)
    assert results.n == 20 and results.metadata["seed"] == 3
    assert results.metadata["scenario_text"] == small_file.read_text()


def test_run_with_precision_reports_the_half_width(small_file: Path) -> None:
    assert main(["run", str(small_file), "--precision", "0.1", "-q", "--workers", "1"]) == 0


def test_compare_with_a_change(small_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["compare", str(small_file), "--set", "placement.outcomes.ordinary=0.35", "-n", "10", "-q"]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "10 paired replications" in text
    assert "citizens ever employed on ordinary hours" in text and "narrower" in text


def test_help_has_examples() -> None:
    for command in ("run", "compare"):
        proc = run_cli(command, "--help")
        assert proc.returncode == 0 and "examples:" in proc.stdout


def commands() -> list[str]:
    return sorted(build_parser().get_default("commands"))


def test_every_command_prints_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse formats each help text only when asked: a stray ``%`` fails only then."""
    for command in commands():
        with pytest.raises(SystemExit) as stop:
            build_parser().parse_args([command, "--help"])
        assert stop.value.code == 0, command
        assert f"usage: labour-sim {command}" in capsys.readouterr().out


#: One fresh interpreter imports what the console script imports (its entry point), then
#: forks one child per command: each command runs in its own process, started from exactly
#: the state the console script starts from, without paying for the import once per command.
FORKED = textwrap.dedent(
    """
    import json, os, sys, traceback
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="labour-sim")
    main = script.load()
    children = {}
    for command, args, out, err in json.loads(sys.argv[1]):
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            for fd, name in ((1, out), (2, err)):
                os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
            sys.argv = ["labour-sim", command, *args]
            try:
                code = main()
            except SystemExit as exc:
                code = exc.code
            except BaseException:
                traceback.print_exc()
                code = 1
            if isinstance(code, str):  # as sys.exit(text) would: the text, exit code 1
                print(code, file=sys.stderr)
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code or 0)
        children[pid] = command
    codes = {}
    for _ in children:
        pid, status = os.wait()
        codes[children[pid]] = os.waitstatus_to_exitcode(status)
    print(json.dumps(codes))
    """
)


def test_every_command_runs_from_the_console_script(tmp_path: Path) -> None:
    """One smoke test per command, each in a process of its own (all started at once).

    Each command is given a missing file (or folder), the cheapest real run: the command
    starts, its parser accepts its arguments, and the mistake comes back as one line with
    exit code 2. The installed ``labour-sim`` script itself runs ``schema``; the other
    commands run in children forked from one interpreter that has loaded the script's entry
    point (see ``FORKED``).
    """
    missing = str(tmp_path / "missing.toml")
    needs = {
        "calibrate": [missing, missing, "--param", "a=uniform(0, 1)", "--out", str(tmp_path)],
        "forecast": [str(tmp_path / "no_calibration")],
        "score": [str(tmp_path / "no_calibration"), missing],
        "report": [missing, "--out", str(tmp_path / "r.html")],
        "schema": ["--out", str(tmp_path / "schema.md")],
        "table": [missing],
        "what-would-it-take": [missing, "--target", "t", "--lever", "a=1:2:cost=1"],
        "budget": [missing, "--target", "t", "--lever", "a", "--low", "1", "--high", "2"],
        "compare": [missing, missing],
    }
    script = subprocess.Popen(
        [console_script(), "schema", "--out", str(tmp_path / "script_schema.md")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    runs = [
        (c, needs.get(c, [missing]), str(tmp_path / f"{c}.out"), str(tmp_path / f"{c}.err"))
        for c in commands()
    ]
    forked = subprocess.run(
        [sys.executable, "-c", FORKED, json.dumps(runs)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out, err = script.communicate(timeout=600)
    assert script.returncode == 0 and "written to" in out, err
    assert forked.returncode == 0, forked.stderr
    codes = json.loads(forked.stdout.strip().splitlines()[-1])
    assert sorted(codes) == commands()
    for command, _, out_file, err_file in runs:
        out, err = Path(out_file).read_text(), Path(err_file).read_text()
        if command == "schema":
            assert codes[command] == 0 and "written to" in out, err
            continue
        assert codes[command] == 2, (command, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, (command, err)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("run", str(LOLLAND), "--seed", "-1"), "--seed"),
        (("run", str(LOLLAND), "--seed", "1e3"), "--seed"),
        (("budget", str(LOLLAND), "--target", "ordinary_550", "--lever", "staff.mentors",
          "--low", "1", "--high", "inf"), "--high"),
        (("budget", str(LOLLAND), "--target", "ordinary_550", "--lever", "staff.mentors",
          "--low", "nan", "--high", "3"), "--low"),
        (("sweep", str(LOLLAND), "--lever", "staff.mentors=nan:nan"), "--lever"),
        (("sweep", str(LOLLAND), "--lever", "staff.mentors=5:1"), "--lever"),
        (("sweep", str(LOLLAND), "--lever", "staff.mentors=1:inf"), "--lever"),
        (("sweep", str(LOLLAND), "--lever", "staff.mentors=1:5:cost=inf"), "--lever"),
    ],
    ids=["negative-seed", "float-seed", "inf-high", "nan-low", "nan-lever", "low-above-high",
         "inf-lever", "inf-cost"],
)  # fmt: skip
def test_every_option_is_checked(args: tuple[str, ...], expected: str) -> None:
    proc = run_cli(*args)
    assert expected in one_line_error(proc)


def test_out_under_a_file_is_one_line(
    small_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relative --out: the error quotes the value given, cut to 80 characters, so an
    # absolute path under a long temporary folder (xdist adds popen-gwN/) would be cut.
    monkeypatch.chdir(tmp_path)
    Path("file").write_text("x")
    out = str(Path("file") / "out")
    line = one_line_error(run_cli("run", str(small_file), "-n", "5", "-q", "--out", out))
    assert f"got '{out}" in line


def test_engine_option_gives_the_same_verdicts(small_file: Path) -> None:
    fast = run_cli("run", str(small_file), "-n", "6", "-q", "--workers", "1")
    des = run_cli("run", str(small_file), "-n", "6", "-q", "--workers", "1", "--engine", "des")
    assert fast.returncode == des.returncode == 0, des.stderr
    assert fast.stdout == des.stdout
    assert "--engine" in one_line_error(run_cli("run", str(small_file), "--engine", "turbo"))


def test_the_pathway_table_lines_up_however_long_its_labels() -> None:
    table = pd.DataFrame({m: [1.0, 20.0, 300.0] for m in SUMMARY_METRICS})
    rows = pathway_summary(build(), table).splitlines()[1:]
    assert len({len(row) for row in rows}) == 1  # every row as wide as the header
    assert len(rows) == 1 + len(SUMMARY_METRICS)
