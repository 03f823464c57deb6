"""Python API arguments a user can get wrong: one ScenarioError naming the argument, up front."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from factory import build
from labour_sim import Execution, ScenarioError, run_experiment, run_replication
from labour_sim.streams import Stream, generator

RUN = Execution(workers=1, progress=False)


@pytest.mark.parametrize("given", ["10", 2.5, True, 0, -3])
def test_replications_must_be_a_whole_number(given: Any) -> None:
    with pytest.raises(ScenarioError) as info:
        run_experiment(build(), replications=given, execution=RUN)
    assert str(info.value) == f"replications: expected a whole number >= 1; got {given!r}"


@pytest.mark.parametrize("given", [-1, "a", 1.0, True])
def test_the_seed_of_an_experiment_is_checked_up_front(given: Any) -> None:
    with pytest.raises(ScenarioError) as info:
        run_experiment(build(), replications=2, seed=given, execution=RUN)
    assert str(info.value) == f"seed: expected a whole number >= 0; got {given!r}"


@pytest.mark.parametrize(("seed", "replication"), [(1, -1), (-1, 0), ("a", 0), (1, 0.5)])
def test_seed_and_replication_of_one_replication_are_checked(seed: Any, replication: Any) -> None:
    name, given = ("seed", seed) if seed != 1 else ("replication", replication)
    with pytest.raises(ScenarioError) as info:
        run_replication(build(), seed=seed, replication=replication)
    assert str(info.value) == f"{name}: expected a whole number >= 0; got {given!r}"


def test_the_shared_seed_check_takes_numpy_integers_and_refuses_the_rest() -> None:
    from labour_sim.streams import check_seed

    check_seed(np.int64(3))
    check_seed(0, "replication")
    with pytest.raises(ScenarioError, match=r"^replication: expected a whole number >= 0"):
        check_seed(np.int64(-2), "replication")
    with pytest.raises(ScenarioError, match=r"^seed: "):
        generator(-1, 0, Stream.ARRIVALS)


def test_a_path_instead_of_a_scenario_names_the_scenario() -> None:
    with pytest.raises(ScenarioError) as info:
        run_experiment("scenarios/lolland_falster.toml", replications=2)  # type: ignore[arg-type]
    assert str(info.value) == (
        "scenario: expected a Scenario (from labour_sim.load_scenario); "
        "got 'scenarios/lolland_falster.toml'"
    )


def test_replications_and_precision_together_are_refused() -> None:
    with pytest.raises(ScenarioError) as info:
        run_experiment(build(), replications=5, precision=0.1, execution=RUN)
    assert str(info.value) == (
        "replications: expected one of replications or precision, not both; "
        "got replications=5 and precision=0.1"
    )


def test_precision_alone_and_replications_alone_still_run() -> None:
    assert run_experiment(build(), 3, seed=1, execution=RUN).n == 3
    results = run_experiment(build(), seed=1, precision=0.45, execution=RUN)
    assert results.metadata["precision"]["stopped_because"] == "precision reached"


@pytest.mark.parametrize("given", ["0.1", True])
def test_precision_of_the_wrong_type_is_a_scenario_error(given: Any) -> None:
    with pytest.raises(ScenarioError, match=r"^precision: expected a half-width"):
        run_experiment(build(), precision=given, execution=RUN)
