"""Random streams are part of the reproducibility contract: pin them.

A renumbered or removed stream id, another bit generator or another seeding scheme would
silently change every result for a given seed; these tests make such a change fail loudly.
The per-citizen (and per-company) draws must give row ``k`` the same numbers whatever the
cohort size, so that a change of lever or cap cannot reshuffle who the citizens are.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from factory import d, q, raw
from labour_sim import Scenario, parse_scenario
from labour_sim.model.draws import draw_citizens, draw_companies
from labour_sim.streams import Stream, generator

# Never edit a value here; a new stream is appended to Stream and to this table.
STREAM_IDS = {
    "ARRIVALS": 1,
    "GROUP": 2,
    "READINESS": 3,
    "ASSESSMENT": 4,
    "PREPARATION": 5,
    "PLACEMENT_DURATION": 6,
    "PLACEMENT_OUTCOME": 7,
    "JOB_DURATION": 8,
    "HOURS_GROWTH": 9,
    "RELAPSE": 10,
    "AFTER_PLACEMENT": 11,
    "DROPOUT": 12,
    "COMPANY_RECRUITMENT": 13,
    "COMPANY_WILLINGNESS": 14,
    "COMPANY_TENURE": 15,
    "COMPANY_SECTOR": 16,
    "CITIZEN_SECTOR": 17,
    "GROWTH_DECISION": 18,
    "HYBRID_PLACEMENT": 19,
}


def test_stream_ids_never_change() -> None:
    assert {m.name: m.value for m in Stream} == STREAM_IDS


def test_stream_ids_are_unique() -> None:
    # IntEnum turns a repeated value into a silent alias, which iteration hides: look at
    # every declared name.
    values = [m.value for m in Stream.__members__.values()]
    assert len(Stream.__members__) == len(STREAM_IDS)
    assert len(set(values)) == len(values)


# First two ``random()`` draws, pinned as literals: a change of bit generator, of seeding
# scheme or of the spawn key layout fails here.
PINNED = [
    (1, 0, Stream.ARRIVALS, (0.5684131628211231, 0.8038948192376392)),
    (12345, 7, Stream.JOB_DURATION, (0.2442989257979603, 0.4978682499182888)),
    (2**40 + 3, 999, Stream.GROWTH_DECISION, (0.5397007414646319, 0.6606413856703868)),
]


@pytest.mark.parametrize(("seed", "replication", "stream", "first"), PINNED)
def test_generator_is_pcg64_on_a_spawned_seed_sequence(
    seed: int, replication: int, stream: Stream, first: tuple[float, float]
) -> None:
    expected = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(replication, int(stream))))
    )
    got = generator(seed, replication, stream)
    assert isinstance(got.bit_generator, np.random.PCG64)
    assert got.bit_generator.state == expected.bit_generator.state
    assert tuple(got.random(2)) == first


@pytest.mark.parametrize("seed", [0, 1, 20180101, 2**32 - 1, 2**40 + 3, 2**130 + 1])
@pytest.mark.parametrize("replication", [0, 7, 2**32 + 5])
def test_generator_state_is_the_seed_sequence_state(seed: int, replication: int) -> None:
    # generator() builds the state without a SeedSequence (faster): it must be the same
    # state for every stream, seeds and replications of more than one 32-bit word included.
    for stream in Stream:
        seq = np.random.SeedSequence(seed, spawn_key=(replication, int(stream)))
        expected = np.random.Generator(np.random.PCG64(seq))
        got = generator(seed, replication, stream)
        assert got.bit_generator.state == expected.bit_generator.state, stream
        assert got.random() == expected.random()


def test_replications_and_streams_give_different_numbers() -> None:
    cases = list(itertools.product([0, 1, 2, 3], Stream))
    firsts = {tuple(generator(2026, r, s).bit_generator.random_raw(4)) for r, s in cases}
    assert len(firsts) == len(cases)
    # And another seed gives other numbers again.
    assert tuple(generator(2027, 0, Stream.ARRIVALS).bit_generator.random_raw(4)) not in firsts


def cohort(schedule: str, cap: int) -> Scenario:
    """A scenario that uses every per-citizen stream: groups, sectors, dropout, follow-up."""
    changes = {
        "intake.schedule": schedule,
        "intake.cohort_max": q(cap),
        "groups": [
            {"name": "near", "share": q(0.6), "readiness": d("lognormal", 1.2, "x", sd=0.4)},
            {"name": "far", "share": q(0.4), "readiness": d("weibull", 0.7, "x", shape=1.5)},
        ],
        "companies.sectors": [
            {"name": "care", "share": q(0.7)},
            {"name": "retail", "share": q(0.3)},
        ],
        "companies.tenure_weeks": d("gamma", 80.0, shape=2.0),
        "companies.willingness": d("gamma", 1.0, "x", shape=3.0),
        "employment.follow_up_support": True,
        "employment.follow_up_hazard_ratio": q(0.7),
        "dropout": {"rate_per_week": q(0.01)},
    }
    data = raw(changes)
    if schedule == "poisson":
        # Roughly 300 referrals in the two-year period, after an eight-week ramp-up.
        del data["intake"]["monthly_counts"]
        data["intake"] |= {
            "rate_per_week": q(3.0, "citizens/week"),
            "ramp_up_weeks": q(8.0, "weeks"),
        }
    return parse_scenario(data)


@pytest.mark.parametrize("schedule", ["monthly", "poisson"])
def test_citizen_k_draws_the_same_whatever_the_cohort_size(schedule: str) -> None:
    large = cohort(schedule, cap=1000)
    small = large.with_changes({"intake.cohort_max": 37})
    big, few = draw_citizens(large, 11, 3), draw_citizens(small, 11, 3)
    assert few.n == 37 < big.n
    for field in dataclasses.fields(big):
        shared = getattr(big, field.name)[: few.n]
        assert np.array_equal(shared, getattr(few, field.name)), field.name


def test_company_k_draws_the_same_whatever_the_number_of_companies() -> None:
    large = cohort("monthly", cap=1000).with_changes({"companies.max_companies": 60})
    small = large.with_changes({"companies.max_companies": 25})
    big, few = draw_companies(large, 11, 3), draw_companies(small, 11, 3)
    assert 10 < few.n < big.n
    for field in dataclasses.fields(big):
        shared = getattr(big, field.name)[: few.n]
        assert np.array_equal(shared, getattr(few, field.name)), field.name
