"""The pathway engine: traces, conservation, reproducibility, direction of effects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from factory import build, d, q
from labour_sim import State, load_scenario, run_replication
from labour_sim.model.usual import USUAL

ROOT = Path(__file__).resolve().parents[1]


def trace(result, citizen: int) -> list[tuple[float, str]]:
    log = result.event_log()
    rows = log[log.citizen == citizen]
    start = rows.week.iloc[0]
    return [(round(w - start, 9), str(s)) for w, s in zip(rows.week, rows.state, strict=True)]


def test_trace_of_one_citizen_with_fixed_durations() -> None:
    """Assessment 1 week, preparation 2, placement 3, then always hired on ordinary hours."""
    scenario = build(
        {
            "intake.monthly_counts": q([1.0]),
            "intake.assessment_weeks": d("constant", 1.0),
            "preparation.duration_weeks": d("constant", 2.0),
            "placement.duration_weeks": d("constant", 3.0),
            "placement.outcomes.ordinary": q(1.0),
            "placement.outcomes.reduced": q(0.0),
            "placement.outcomes.flexjob": q(0.0),
            "placement.outcomes.education": q(0.0),
            "employment.ordinary_job_weeks": d("constant", 1000.0),
        }
    )
    result = run_replication(scenario, seed=1)
    assert trace(result, 0) == [
        (0.0, "referred"),
        (0.0, "intake"),
        (1.0, "preparation"),
        (3.0, "waiting"),
        (3.0, "placement"),
        (6.0, "ordinary"),
    ]


def test_trace_of_a_failed_placement_then_no_attempts_left() -> None:
    scenario = build(
        {
            "intake.monthly_counts": q([1.0]),
            "intake.assessment_weeks": d("constant", 1.0),
            "preparation.duration_weeks": d("constant", 2.0),
            "placement.duration_weeks": d("constant", 3.0),
            "placement.outcomes": {
                k: q(0.0) for k in ("ordinary", "reduced", "flexjob", "education")
            },
            "placement.max_attempts": q(2),
            "placement.back_to_preparation": q(1.0),
        }
    )
    assert trace(run_replication(scenario, seed=1), 0) == [
        (0.0, "referred"),
        (0.0, "intake"),
        (1.0, "preparation"),
        (3.0, "waiting"),
        (3.0, "placement"),
        (6.0, "preparation"),
        (8.0, "waiting"),
        (8.0, "placement"),
        (11.0, "left"),
    ]


@pytest.fixture(scope="module")
def lolland():
    return load_scenario(ROOT / "scenarios" / "lolland_falster.toml")


def test_every_citizen_is_in_exactly_one_state_each_week(lolland) -> None:
    result = run_replication(lolland, seed=7)
    counts = result.state_counts
    arrived = np.searchsorted(np.sort(result.arrival), result.weeks, side="right")
    assert counts.min() >= 0
    np.testing.assert_array_equal(counts.sum(axis=1), arrived)
    assert counts[-1].sum() == result.n_citizens


def test_each_citizens_log_is_ordered_and_ends_in_at_most_one_terminal_state(lolland) -> None:
    result = run_replication(lolland, seed=8)
    log = result.event_log()
    terminal = {"flexjob", "education", "dropout", "left"}
    for _, rows in log.groupby("citizen"):
        assert rows.week.is_monotonic_increasing
        assert rows.state.iloc[0] == "referred"
        # Terminal for the programme; on benefit afterwards, only business-as-usual exits
        # (and the ends of their jobs) follow.
        programme = rows[rows.company != USUAL]
        states = list(programme.state)
        assert all(s not in terminal for s in states[:-1])
        after = rows.iloc[len(programme) :]
        assert (after.company == USUAL).all()


def test_same_seed_same_result_and_replications_differ(lolland) -> None:
    a = run_replication(lolland, seed=3, replication=2)
    b = run_replication(lolland, seed=3, replication=2)
    c = run_replication(lolland, seed=3, replication=4)
    for key in a.log:
        np.testing.assert_array_equal(a.log[key], b.log[key])
    assert a.summary() == b.summary()
    assert len(a.log["week"]) != len(c.log["week"]) or not np.array_equal(
        a.log["week"], c.log["week"]
    )


def test_a_lever_change_does_not_reshuffle_the_citizens(lolland) -> None:
    more = lolland.with_changes({"companies.max_companies": 800, "staff.mentors": 40})
    a = run_replication(lolland, seed=5, replication=1)
    b = run_replication(more, seed=5, replication=1)
    np.testing.assert_array_equal(a.arrival, b.arrival)
    np.testing.assert_array_equal(a.readiness, b.readiness)
    np.testing.assert_array_equal(a.group, b.group)


def mean_over(scenario, metric, reps: int = 20) -> float:
    return float(
        np.mean([metric(run_replication(scenario, seed=21, replication=r)) for r in range(reps)])
    )


def test_more_slots_never_fewer_placements(lolland) -> None:
    base = lolland.with_changes({"companies.recruitment_per_week": 1.0})
    more = base.with_changes({"companies.slots_per_company": 2})
    placed = lambda r: r.outcome("placed", "2021-12-31")  # noqa: E731
    assert mean_over(more, placed) >= mean_over(base, placed)


def test_more_mentors_never_longer_mentor_waits(lolland) -> None:
    base = lolland.with_changes({"staff.mentor_required": True, "staff.mentors": 10})
    more = base.with_changes({"staff.mentors": 20})
    wait = lambda r: r.waits("mentor").mean() if len(r.waits("mentor")) else 0.0  # noqa: E731
    assert mean_over(more, wait) <= mean_over(base, wait)


def test_queues_and_utilisation_are_reported(lolland) -> None:
    result = run_replication(lolland.with_changes({"staff.caseworkers": 3}), seed=2)
    summary = result.summary()
    assert summary["wait_caseworker_mean"] > 0
    assert 0 < summary["utilisation_caseworker"] <= 1
    assert 0 < summary["utilisation_slot"] <= 1
    assert summary["queue_caseworker_mean"] > 0
    assert result.state_counts[:, State.REFERRED].max() > 0
