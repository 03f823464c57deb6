"""Kept stream fills (model.fills): the very numbers a fresh generator draws, warm or cold."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factory import build, d, q
from labour_sim import Scenario, load_scenario
from labour_sim.distributions import (
    Constant,
    Exponential,
    Gamma,
    Lognormal,
    Weibull,
    scaled_ppf,
    scaled_sample,
)
from labour_sim.model import draw_citizens, draw_companies, fills
from labour_sim.model.fills import Fills, clear_fills, content, kept_bytes, kept_fills
from labour_sim.streams import Stream, generator

SEED = 20261202
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _cold() -> None:
    clear_fills()


@pytest.fixture(scope="module")
def lolland_falster() -> Scenario:
    return load_scenario(ROOT / "scenarios" / "lolland_falster.toml")


def _fresh(kind: str, stream: Stream, shape: int | tuple[int, int], k: float = 2.0) -> np.ndarray:
    g = generator(SEED, 3, stream)
    if kind == "random":
        return g.random(shape)
    if kind == "exponential":
        return g.standard_exponential(shape)
    return g.standard_gamma(k, shape)


def _kept(kind: str, stream: Stream, rows: int, columns: int, k: float = 2.0) -> np.ndarray:
    f = Fills(SEED, 3)
    if kind == "random":
        return f.uniforms(stream, rows, columns)
    if kind == "exponential":
        return f.exponentials(stream, rows, columns)
    return f.gammas(stream, k, rows, columns)


@pytest.mark.parametrize("kind", ["random", "exponential", "gamma"])
@pytest.mark.parametrize("columns", [0, 9])
def test_a_kept_fill_is_the_fresh_fill_whatever_was_asked_before(kind: str, columns: int) -> None:
    # Row order: the first n rows of a longer fill are the fill of n rows, so the sizes
    # asked for before (smaller, larger, the same) do not change what comes out.
    for rows in (5, 300, 40, 301, 1000, 7):
        shape = (rows, columns) if columns else rows
        got = _kept(kind, Stream.PREPARATION, rows, columns)
        assert np.array_equal(got, _fresh(kind, Stream.PREPARATION, shape))
        assert not got.flags.writeable


def test_gamma_fills_of_different_shapes_are_kept_apart() -> None:
    a = _kept("gamma", Stream.ASSESSMENT, 50, 9, k=2.0)
    b = _kept("gamma", Stream.ASSESSMENT, 50, 9, k=4.0)
    assert np.array_equal(b, _fresh("gamma", Stream.ASSESSMENT, (50, 9), k=4.0))
    assert not np.array_equal(a, b)


DISTRIBUTIONS = st.one_of(
    st.builds(Gamma, st.floats(0.1, 200), st.floats(0.2, 20)),
    st.builds(Exponential, st.floats(0.1, 500)),
    st.builds(Weibull, st.floats(1, 300), st.floats(0.3, 3)),
    st.builds(Lognormal, st.floats(1, 100), st.floats(0.1, 50)),
    st.builds(Constant, st.floats(0, 50)),
)


@settings(max_examples=60, deadline=None)
@given(dist=DISTRIBUTIONS, rows=st.integers(0, 200))
def test_sample_from_kept_fills_is_the_distributions_own_sample(dist: object, rows: int) -> None:
    clear_fills()
    want = dist.sample(generator(SEED, 3, Stream.PLACEMENT_DURATION), (rows, 4))  # type: ignore[attr-defined]
    for _ in range(2):  # cold, then warm
        got = Fills(SEED, 3).sample(dist, Stream.PLACEMENT_DURATION, rows, 4)  # type: ignore[arg-type]
        assert np.array_equal(got, want)
    assert (scaled_sample(dist) is not None) == isinstance(dist, Gamma | Exponential)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(dist=DISTRIBUTIONS, rows=st.integers(0, 300), pick=st.integers(0, 2**32 - 1))
def test_ppf_of_kept_uniforms_is_the_distributions_own_ppf(
    dist: object, rows: int, pick: int
) -> None:
    clear_fills()
    u = generator(SEED, 3, Stream.READINESS).random(rows)
    index = np.random.default_rng(pick).random(rows) < 0.5
    want = dist.ppf(u[index])  # type: ignore[attr-defined]
    for _ in range(3):  # the first time on the subset, then from the kept column
        got = Fills(SEED, 3).ppf(dist, Stream.READINESS, rows, index)  # type: ignore[arg-type]
        assert np.array_equal(got, want)
    assert (scaled_ppf(dist) is not None) == isinstance(dist, Gamma)  # type: ignore[arg-type]


def _fields(obj: object) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out.update({f"{f.name}.{k}": v for k, v in _fields(value).items()})
        else:
            out[f.name] = np.asarray(value)
    return out


def test_draws_are_the_same_cold_and_after_other_settings(lolland_falster: Scenario) -> None:
    # The settings an analysis runs on the same replications: larger and smaller cohorts,
    # other companies and attempt limits; then the scenario as written again.
    s = lolland_falster
    cold_c, cold_k = _fields(draw_citizens(s, SEED, 1)), _fields(draw_companies(s, SEED, 1))
    for setting in [
        s.with_changes({"intake.rate_per_week": 10.0}),
        s.with_changes({"intake.rate_per_week": 5.0, "companies.recruitment_per_week": 6.0}),
        s.with_changes({"placement.max_attempts": 5, "companies.willingness.shape": 3.0}),
    ]:
        draw_citizens(setting, SEED, 1), draw_companies(setting, SEED, 1)
    warm_c, warm_k = _fields(draw_citizens(s, SEED, 1)), _fields(draw_companies(s, SEED, 1))
    for name, value in (cold_c | {f"company {k}": v for k, v in cold_k.items()}).items():
        got = (warm_c | {f"company {k}": v for k, v in warm_k.items()})[name]
        assert np.array_equal(value, got, equal_nan=True), name


def test_every_setting_draws_the_same_cold_and_warm(lolland_falster: Scenario) -> None:
    s = lolland_falster
    settings_ = [s.with_changes({"intake.rate_per_week": r}) for r in (9.0, 6.0, 11.0)]
    cold = []
    for setting in settings_:
        clear_fills()
        cold.append(_fields(draw_citizens(setting, SEED, 2)))
    for setting, want in zip(settings_ * 2, cold * 2, strict=True):
        got = _fields(draw_citizens(setting, SEED, 2))
        for name, value in want.items():
            assert np.array_equal(value, got[name], equal_nan=True), name


def _same_draws(want: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> None:
    assert want.keys() == got.keys()
    for name, value in want.items():
        assert np.array_equal(value, got[name], equal_nan=True), name


def test_settings_of_other_levers_read_the_kept_rows_of_the_cohort(
    lolland_falster: Scenario,
) -> None:
    # Staff, companies and the cohort size leave a citizen's row as it is: the second
    # setting builds the block of rows, the later ones read its prefix. Durations and
    # readiness change the rows: a new block, never the old one.
    s = lolland_falster
    settings_ = [
        s.with_changes({"staff.mentors": 10}),
        s.with_changes({"intake.rate_per_week": 11.0, "companies.slots_per_company": 3}),
        s.with_changes({"intake.rate_per_week": 5.0}),
        s.with_changes({"preparation.duration_weeks.mean": 30.0}),
        s.with_changes({"groups.jobparat.readiness.mean": 2.0}),
        s.with_changes({"employment.follow_up_support": False, "placement.max_attempts": 4}),
        s,
    ]
    cold = []
    for setting in settings_:
        clear_fills()
        cold.append(_fields(draw_citizens(setting, SEED, 4)))
    clear_fills()
    for setting, want in zip(settings_ * 2, cold * 2, strict=True):
        _same_draws(want, _fields(draw_citizens(setting, SEED, 4)))
    blocks = sorted(kind for stream, kind, _, _ in kept_fills() if stream is None)
    # 4 specifications of rows (staff, the cohort sizes and the scenario as written share
    # one); the epochs of the business-as-usual exits, which depend on none of them; and
    # the exits of 4 cohorts (the scenario as written, with staff, durations or the attempt
    # limit changed, is one; the two other intake rates and the other readiness the rest).
    assert blocks == ["citizen rows"] * 4 + ["usual epochs"] + ["usual exits"] * 4
    # Settings of one cohort read its kept exits (the same memory); another cohort's differ.
    exits = [draw_citizens(x, SEED, 4).usual.at for x in (s, settings_[0], settings_[3])]
    assert all(np.shares_memory(exits[0], other) for other in exits[1:])
    assert not np.shares_memory(exits[0], draw_citizens(settings_[2], SEED, 4).usual.at)


def test_a_citizens_rows_do_not_depend_on_the_citizens_after_them() -> None:
    # Job spells use the uniform as drawn where a citizen's hazard ratio is 1 and the
    # formula elsewhere (not the identity to the last bit: about 2 % of uniforms change).
    # Only group b (0.5 %) has ratios other than 1: the cohort of the citizens before the
    # first of b has only ratios of 1, a longer one has both, and the short cohort's rows
    # are the first rows of the long one's, cold and from the long cohort's kept block.
    groups = [
        {"name": "a", "share": q(0.995), "readiness": d("constant", 1.0, "multiplier")},
        {"name": "b", "share": q(0.005), "readiness": d("gamma", 1.5, "multiplier", shape=2.0)},
    ]

    def cohort(monthly: list[float]) -> Scenario:
        job = d("weibull", 80.0, shape=0.7)
        changes = {"groups": groups, "employment.ordinary_job_weeks": job}
        return build(changes | {"intake.monthly_counts": q(monthly)})

    def rows(s: Scenario, n: int) -> dict[str, np.ndarray]:
        fields = _fields(draw_citizens(s, SEED, 0))
        return {k: v[:n] for k, v in fields.items() if k != "arrival" and "." not in k}

    long = cohort([100.0] * 12)
    first_b = int(np.argmax(draw_citizens(long, SEED, 0).group == 1))
    assert first_b >= 50  # enough job spells (3 per citizen) to tell the two rules apart
    short = cohort([float(first_b)])
    clear_fills()
    want = rows(short, first_b)
    assert np.all(want["readiness"] == 1.0)
    clear_fills()
    _same_draws(want, rows(long, first_b))
    draw_citizens(long, SEED, 0)  # the long cohort's block is kept now
    _same_draws(want, rows(short, first_b))


def test_the_kept_fills_stay_within_their_bound(
    lolland_falster: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fills, "CACHE_BYTES", 2 * 2**20)
    for replication in range(6):
        draw_citizens(lolland_falster, SEED, replication)
        draw_companies(lolland_falster, SEED, replication)
    # Drawn once, a replication keeps nothing, though one draw asks for some fills more
    # than once (the referral stream's growing chunks, the readiness uniforms of each group).
    assert kept_fills() == [] and kept_bytes() == 0
    for replication in range(6):
        draw_citizens(lolland_falster, SEED, replication)
        assert 0 < kept_bytes() <= 2 * 2**20


def test_a_second_draw_of_a_replication_keeps_the_inverse_cdf_of_its_column(
    lolland_falster: Scenario,
) -> None:
    # Company willingness is a gamma's inverse CDF of a stream of uniforms: the first draw
    # computes it for the companies only, the second (another setting) for the whole kept
    # column, which every later draw reads.
    def inverse_cdfs() -> list[tuple[Stream | None, str]]:
        return [(st, kind) for st, kind, _, _ in kept_fills() if kind.startswith("gammaincinv")]

    first = draw_companies(lolland_falster, SEED, 0)
    assert inverse_cdfs() == []
    second = draw_companies(lolland_falster, SEED, 0)
    assert [stream for stream, _ in inverse_cdfs()] == [Stream.COMPANY_WILLINGNESS]
    np.testing.assert_array_equal(first.willingness, second.willingness)


def test_a_block_is_columns_of_one_length_handed_out_read_only() -> None:
    block = fills.Block({"a": np.arange(5.0), "b": np.ones((5, 3), dtype=np.bool_)})
    head = block.prefix(2)
    assert len(head) == 2 and head["b"].shape == (2, 3)
    assert head.nbytes == 2 * 8 + 2 * 3 and block.nbytes == 5 * 8 + 5 * 3
    with pytest.raises(ValueError, match="read-only"):
        head["a"][0] = 1.0
    with pytest.raises(ValueError, match="one length"):
        fills.Block({"a": np.arange(5.0), "b": np.arange(4.0)})


def test_an_arrays_content_key_is_small_and_tells_arrays_apart() -> None:
    # Keys are remembered run-long: a cohort's key must not hold the cohort's arrays.
    a = np.random.default_rng(1).random(50_000)
    key = content(a)
    assert key == content(a.copy()) and len(repr(key)) < 200
    b = a.copy()
    b[-1] = np.nextafter(b[-1], 2.0)
    assert content(b) != key and content(a.reshape(100, 500)) != key
    assert content(a.astype(np.float32)) != content(a.astype(np.float32).view(np.int32))
