"""Fuzzing every shipped scenario and observation file at the TOML level.

Each example takes one shipped file (a programme, the Danish base it extends, or the
observation file), changes it the way a user or an attacker might (a value of another type
or an extreme size, a key deleted, an unknown key added, a number scaled by up to 10**9),
writes it back as TOML and loads it. A mutant must load, or fail with one ScenarioError
whose every problem names its field: nothing else may escape. A sample of the accepted
scenario mutants is then run for one short replication in a child process under a memory
limit and a time limit per replication: none may raise, run out of memory or hang.

The search is derandomized (the same examples every run) and sized for about a minute.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import pickle
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from factory import write_toml
from labour_sim import Scenario, ScenarioError, load_scenario
from labour_sim.calibration import load_observations

ROOT = Path(__file__).resolve().parents[1]
PROGRAMMES = sorted((ROOT / "scenarios").glob("*.toml"))
BASE = ROOT / "scenarios" / "base" / "denmark.toml"
OBSERVATIONS = ROOT / "scenarios" / "observations" / "lolland_falster_midterm.toml"
LOLLAND = ROOT / "scenarios" / "lolland_falster.toml"

SCENARIO_EXAMPLES = 1000
OBSERVATION_EXAMPLES = 800
RUN_SAMPLE = 40  # accepted mutants run for one short replication
RUN_SECONDS = 20  # per replication, in the child process
MEMORY_BYTES = 3 * 2**30  # address space of the child process

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

EXTREMES = st.sampled_from(
    [0, -1, 1, 2**63, 2**63 + 1, -(2**63), 10**30, 1e300, -1e300, 5e-324, 1e-12, 0.005,
     1e9, 1e12, 1e19, math.inf, -math.inf, math.nan, -0.0, 0.5, 100_000_000]
)  # fmt: skip
WRONG_TYPES = st.one_of(
    st.booleans(),
    st.sampled_from(["", "7.3", "yes", "nan", "2020-01-01", "../../etc/passwd", "x" * 300]),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.sampled_from(["value", "unit", "a", "dist"]), st.integers(0, 3), max_size=2),
)
JUNK = st.one_of(EXTREMES, WRONG_TYPES, st.text(max_size=8))
UNKNOWN = st.text(alphabet="abcxyz_", min_size=1, max_size=8).map(lambda s: "unknown_" + s)

Path_ = tuple[str | int, ...]


def _read(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


SOURCES = {path: _read(path) for path in [*PROGRAMMES, BASE, OBSERVATIONS]}


def _locations(node: Any, prefix: Path_ = ()) -> list[Path_]:
    """Paths to every value below ``node``."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    found: list[Path_] = []
    for key, child in items:
        found.append((*prefix, key))
        if isinstance(child, dict | list):
            found.extend(_locations(child, (*prefix, key)))
    return found


def _get(node: Any, path: Path_) -> Any:
    for part in path:
        node = node[part]
    return node


@st.composite
def mutants(draw: st.DrawFn, sources: list[Path]) -> tuple[Path, dict[str, Any], list[str]]:
    """A shipped file's data with one to three mutations, and what they were."""
    source = draw(st.sampled_from(sources))
    data = copy.deepcopy(SOURCES[source])
    steps = [source.name]
    for _ in range(draw(st.integers(1, 3))):
        locations = _locations(data)
        kind = draw(st.sampled_from(["replace", "scale", "scale", "delete", "add"]))
        numbers = [p for p in locations if type(_get(data, p)) in (int, float)]
        if kind == "scale" and numbers:
            path = draw(st.sampled_from(numbers))
            old = _get(data, path)
            new = old * 10.0 ** draw(st.integers(-9, 9)) if old else draw(EXTREMES)
            _get(data, path[:-1])[path[-1]] = new
            steps.append(f"scale {path} {old!r} -> {new!r}")
        elif kind == "delete" and locations:
            path = draw(st.sampled_from(locations))
            del _get(data, path[:-1])[path[-1]]
            steps.append(f"delete {path}")
        elif kind == "add":
            tables = [p for p in [(), *locations] if isinstance(_get(data, p), dict)]
            path = draw(st.sampled_from(tables))
            key, value = draw(UNKNOWN), draw(JUNK)
            _get(data, path)[key] = value
            steps.append(f"add {(*path, key)} = {value!r}")
        elif locations:
            path = draw(st.sampled_from(locations))
            value = draw(JUNK)
            _get(data, path[:-1])[path[-1]] = value
            steps.append(f"set {path} = {value!r}")
    return source, data, steps


def check_error(err: ScenarioError) -> None:
    """One ScenarioError whose every problem names its field, what was expected and given."""
    assert err.problems, "a ScenarioError without problems"
    text = str(err)
    for p in err.problems:
        assert p.path.strip() and p.expected.strip() and p.given, repr(p)
        assert p.path in text, f"{p.path!r} missing from:\n{text}"


def _folder(tmp: Path) -> Path:
    """A scenario folder: the shipped base beside the mutant."""
    (tmp / "base").mkdir(parents=True, exist_ok=True)
    shutil.copy(BASE, tmp / "base" / "denmark.toml")
    return tmp


def _write(data: dict[str, Any], path: Path) -> bool:
    """Write ``data`` as TOML; False if TOML cannot hold it (then the mutant is skipped)."""
    try:
        write_toml(data, path)
        _read(path)
    except (AttributeError, tomllib.TOMLDecodeError):  # e.g. a list of tables and values
        return False
    return True


@pytest.mark.slow
def test_scenario_mutants_give_a_scenario_or_a_scenario_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "scenarios")
    accepted: list[tuple[str, Scenario]] = []
    counts = {"loaded": 0, "refused": 0, "not TOML": 0}

    @settings(FUZZ, max_examples=SCENARIO_EXAMPLES)
    @given(case=mutants([*PROGRAMMES, BASE]))
    def load_one(case: tuple[Path, dict[str, Any], list[str]]) -> None:
        source, data, steps = case
        note("\n".join(steps))
        if source == BASE:  # a mutated base under a shipped programme
            shutil.copy(LOLLAND, folder / "top.toml")
            target, top = folder / "base" / "denmark.toml", folder / "top.toml"
        else:
            shutil.copy(BASE, folder / "base" / "denmark.toml")
            target = top = folder / "top.toml"
        if not _write(data, target):
            counts["not TOML"] += 1
            return
        try:
            scenario = load_scenario(top)
        except ScenarioError as err:
            check_error(err)
            counts["refused"] += 1
        else:
            counts["loaded"] += 1
            accepted.append(("; ".join(steps), scenario))

    load_one()
    print(counts)
    assert counts["refused"] > SCENARIO_EXAMPLES / 4 and counts["loaded"] > RUN_SAMPLE, counts
    _run_sample(accepted[:: max(1, len(accepted) // RUN_SAMPLE)][:RUN_SAMPLE], tmp_path)


@pytest.mark.slow
def test_observation_mutants_give_observations_or_a_scenario_error(tmp_path: Path) -> None:
    scenario = load_scenario(LOLLAND)
    path = tmp_path / "observations.toml"

    @settings(FUZZ, max_examples=OBSERVATION_EXAMPLES)
    @given(case=mutants([OBSERVATIONS]))
    def load_one(case: tuple[Path, dict[str, Any], list[str]]) -> None:
        _, data, steps = case
        note("\n".join(steps))
        if not _write(data, path):
            return
        try:
            observations = load_observations(path, scenario)
        except ScenarioError as err:
            check_error(err)
        else:
            for o in observations:
                assert math.isfinite(o.value) and 0 < o.scale < math.inf, o

    load_one()


_CHILD = """
import json, pickle, resource, signal, sys, datetime as dt
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
from labour_sim import ScenarioError, run_replication
from labour_sim.calibration.simulate import truncated

def alarm(*_):
    raise TimeoutError
signal.signal(signal.SIGALRM, alarm)
report = []
for label, scenario in pickle.load(open(sys.argv[1], "rb")):
    short = truncated(scenario, (scenario.intake.start or scenario.period.start) + dt.timedelta(weeks=4))
    signal.alarm({seconds})
    try:
        run_replication(short, seed=1, replication=0)
        outcome = "ok"
    except ScenarioError:
        outcome = "ok (ScenarioError)"
    except BaseException as exc:  # what the test is looking for
        outcome = type(exc).__name__ + ": " + str(exc)[:200]
    finally:
        signal.alarm(0)
    report.append((label, outcome))
print(json.dumps(report))
"""


def _run_sample(sample: list[tuple[str, Scenario]], tmp_path: Path) -> None:
    """One short replication of each of ``sample`` in a child with a memory and time limit."""
    blob = tmp_path / "sample.pickle"
    blob.write_bytes(pickle.dumps(sample))
    code = _CHILD.format(memory=MEMORY_BYTES, seconds=RUN_SECONDS)
    done = subprocess.run(
        [sys.executable, "-c", code, str(blob)],
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS * len(sample) + 60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(report) == len(sample)
    failed = [(label, outcome) for label, outcome in report if not outcome.startswith("ok")]
    assert not failed, "\n".join(f"{label}: {outcome}" for label, outcome in failed)
