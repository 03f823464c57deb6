"""Every distribution's stated moments and inverse CDF agree with its own samples.

Each kind a scenario file can name (``dist = "constant" | "exponential" | "gamma" |
"lognormal" | "weibull"``) is built through :class:`DistQuantity`, as the loader does, and
checked against ``N`` draws from ``sample``:

* the sample mean lies within ``Z * sqrt(variance / N)`` of ``mean``;
* the sample variance (ddof 1) lies within ``Z`` standard errors of ``variance``, the standard
  error ``sqrt((mu4 - variance**2 * (N - 3) / (N - 1)) / N)`` taken from the *analytic* fourth
  central moment ``mu4`` of each family (all four are known in closed form);
* at each probability ``p`` in ``PROBS`` the share of draws at or below ``ppf(p)`` lies within
  ``Z * sqrt(p * (1 - p) / N)`` of ``p`` (a binomial count).

``Z = 5`` makes one check of a correct implementation fail with probability 5.7e-7 (two-sided
normal). Per example there are 2 + 7 = 9 checks; with ``EXAMPLES`` examples per family and four
random families that is 1,440 checks, so the family-wise failure probability is at most 8.3e-4
(Bonferroni). That figure is nominal: for the heaviest tails allowed here (Weibull shape 0.6,
lognormal coefficient of variation 0.8) the sample variance is still skewed at this ``N``
(standardised skewness about 0.1), which can make its upper tail a few times the normal one.
Parameter ranges cover every value the bundled scenarios use (gamma shape 2-4, Weibull shape
0.601) with room either side. Hypothesis is derandomized and draws each example's seed, so the
suite is deterministic.

``proportional_hazard_ppf`` is checked against its definition, survival ``S(t) ** hr``, with
``S`` from SciPy's independent implementation of each family.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from labour_sim.distributions import (
    Constant,
    Distribution,
    Exponential,
    Gamma,
    Lognormal,
    Weibull,
    proportional_hazard_ppf,
    proportional_hazard_u,
)
from labour_sim.scenario import DistQuantity

N = 200_000
Z = 5.0
PROBS = np.array([0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99])
EXAMPLES = 40

PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def from_file(dist: str, mean: float, **params: float) -> Distribution:
    """The distribution a scenario file's ``{dist = ..., mean = ..., ...}`` table builds."""
    table = DistQuantity(
        dist=dist, mean=mean, unit="weeks", assumption="test", range=(mean, mean), **params
    )
    return table.build()


MEANS = st.floats(0.05, 500.0)
SPECS = {
    "exponential": st.builds(lambda m: from_file("exponential", m), MEANS),
    "gamma": st.builds(lambda m, k: from_file("gamma", m, shape=k), MEANS, st.floats(0.5, 20.0)),
    "lognormal": st.builds(
        lambda m, cv: from_file("lognormal", m, sd=cv * m), MEANS, st.floats(0.05, 0.8)
    ),
    "weibull": st.builds(lambda m, k: from_file("weibull", m, shape=k), MEANS, st.floats(0.6, 5.0)),
}


def fourth_central_moment(dist: Distribution) -> float:
    """Analytic E[(X - mean)**4] of each family, in the unit to the fourth power."""
    var = dist.variance
    if isinstance(dist, Exponential):
        return 9.0 * var**2
    if isinstance(dist, Gamma):
        return var**2 * (3.0 + 6.0 / dist.shape)
    if isinstance(dist, Lognormal):
        w = math.exp(dist.sigma**2)
        return var**2 * (w**4 + 2 * w**3 + 3 * w**2 - 3)
    assert isinstance(dist, Weibull)
    m1, m2, m3, m4 = (dist.scale**r * math.gamma(1 + r / dist.shape) for r in (1, 2, 3, 4))
    return m4 - 4 * m3 * m1 + 6 * m2 * m1**2 - 3 * m1**4


def reference(dist: Distribution) -> stats.rv_continuous:
    """SciPy's frozen version of the same distribution (an independent implementation)."""
    if isinstance(dist, Exponential):
        return stats.expon(scale=dist.mean_value)
    if isinstance(dist, Gamma):
        return stats.gamma(dist.shape, scale=dist.mean_value / dist.shape)
    if isinstance(dist, Lognormal):
        return stats.lognorm(dist.sigma, scale=math.exp(dist.mu))
    assert isinstance(dist, Weibull)
    return stats.weibull_min(dist.shape, scale=dist.scale)


@pytest.mark.parametrize(
    ("table", "kind"),
    [
        ({"dist": "constant", "mean": 3.0}, Constant),
        ({"dist": "exponential", "mean": 3.0}, Exponential),
        ({"dist": "gamma", "mean": 3.0, "shape": 2.0}, Gamma),
        ({"dist": "lognormal", "mean": 3.0, "sd": 1.5}, Lognormal),
        ({"dist": "weibull", "mean": 3.0, "shape": 0.601}, Weibull),
    ],
)
def test_a_file_table_builds_its_family_with_the_stated_mean(
    table: dict[str, Any], kind: type
) -> None:
    dist = from_file(**table)
    assert type(dist) is kind
    assert dist.mean == pytest.approx(3.0, rel=1e-12)
    if "sd" in table:
        assert dist.variance == pytest.approx(1.5**2, rel=1e-12)


def test_constant_is_its_value_everywhere() -> None:
    dist = from_file("constant", 0.0)
    assert (dist.mean, dist.variance) == (0.0, 0.0)
    c = Constant(2.5)
    draws = c.sample(np.random.default_rng(1), (3, 4))
    assert draws.shape == (3, 4)
    assert np.all(draws == 2.5)
    assert np.all(c.ppf(PROBS) == 2.5)


@pytest.mark.parametrize("kind", sorted(SPECS))
@given(data=st.data())
@PROPERTY
def test_moments_and_quantiles_match_the_samples(kind: str, data: st.DataObject) -> None:
    dist = data.draw(SPECS[kind], label="dist")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    x = dist.sample(np.random.default_rng(seed), N)
    assert x.shape == (N,)

    var = dist.variance
    assert abs(x.mean() - dist.mean) <= Z * math.sqrt(var / N)

    se_var = math.sqrt((fourth_central_moment(dist) - var**2 * (N - 3) / (N - 1)) / N)
    assert abs(x.var(ddof=1) - var) <= Z * se_var

    below = (x[:, None] <= dist.ppf(PROBS)[None, :]).mean(axis=0)
    tolerance = Z * np.sqrt(PROBS * (1 - PROBS) / N)
    assert np.all(np.abs(below - PROBS) <= tolerance), (below, PROBS)


PARAMS: dict[str, list[dict[str, float]]] = {
    "exponential": [{}],
    "gamma": [{"shape": 0.5}, {"shape": 4.0}],
    "lognormal": [{"sd": 0.1}, {"sd": 1.6}],
    "weibull": [{"shape": 0.6}, {"shape": 5.0}],
}


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_fourth_moment_formula_agrees_with_scipy(kind: str) -> None:
    # Guards the standard errors above: a wrong mu4 would make the variance check too loose.
    for dist in (from_file(kind, 2.0, **p) for p in PARAMS[kind]):
        ref = reference(dist)
        mean, var, _, excess = (float(v) for v in ref.stats(moments="mvsk"))
        assert (dist.mean, dist.variance) == pytest.approx((mean, var), rel=1e-12)
        assert fourth_central_moment(dist) == pytest.approx((excess + 3) * var**2, rel=1e-9)


@pytest.mark.parametrize("kind", sorted(SPECS))
@given(data=st.data())
@PROPERTY
def test_proportional_hazard_draw_has_survival_s_to_the_hazard_ratio(
    kind: str, data: st.DataObject
) -> None:
    dist = data.draw(SPECS[kind], label="dist")
    u = np.array(data.draw(st.lists(st.floats(0.0, 0.99), min_size=1, max_size=5), label="u"))
    hr = data.draw(st.floats(0.2, 5.0), label="hazard ratio")
    t = proportional_hazard_ppf(dist, u, hr)
    # Floating point: u' = 1 - (1 - u) ** (1 / hr) is held to about 1e-16 absolute, so its
    # survival to about 1e-16 / (1 - u') relative, and raising it to hr multiplies that by hr;
    # the special functions (gammaincinv, ndtri, SciPy's sf) add about 1e-14 relative.
    base = (1 - u) ** (1 / hr)
    slack = hr * (1e-12 + 1e-15 / base)
    assert np.all(np.abs(reference(dist).sf(t) ** hr / (1 - u) - 1) <= slack)


def test_proportional_hazard_u_is_element_by_element_ratios_of_one_included() -> None:
    # Where the ratio is 1 the uniform itself, elsewhere the formula, whatever the other
    # ratios: so any subset gives the numbers of the whole (kept draws rely on it). The
    # formula at ratio 1 changes about 2 % of uniforms, so a rule for the whole array would
    # fail here.
    rng = np.random.default_rng(11)
    u = rng.random(10_000)
    hr = np.where(rng.random(10_000) < 0.5, 1.0, rng.uniform(0.2, 5.0, 10_000))
    got = proportional_hazard_u(u, hr)
    assert np.array_equal(got[hr == 1.0], u[hr == 1.0])
    others = hr != 1.0
    assert np.array_equal(got[others], proportional_hazard_u(u[others], hr[others]))
    assert np.array_equal(got[:100], proportional_hazard_u(u[:100], hr[:100]))


def test_proportional_hazard_keeps_ppf_at_ratio_one_and_broadcasts_ratios() -> None:
    dist = Weibull(scale=100.0, shape=0.601)
    u = np.random.default_rng(5).random((4, 3))
    assert np.array_equal(proportional_hazard_ppf(dist, u, 1.0), dist.ppf(u))
    hr = np.array([[0.5], [1.0], [2.0], [3.0]])
    rows = [proportional_hazard_ppf(dist, u[i], float(hr[i, 0])) for i in range(4)]
    assert np.array_equal(proportional_hazard_ppf(dist, u, hr), np.vstack(rows))


def test_a_lower_hazard_ratio_never_gives_a_shorter_spell() -> None:
    u = np.linspace(0.0, 0.999, 101)
    for dist in (Exponential(10.0), Gamma(10.0, 0.7), Lognormal(10.0, 6.0), Weibull(10.0, 0.6)):
        spells = [proportional_hazard_ppf(dist, u, hr) for hr in (0.25, 0.5, 1.0, 2.0, 4.0)]
        assert all(np.all(a >= b) for a, b in itertools.pairwise(spells))


def test_a_tiny_hazard_ratio_gives_a_long_but_finite_spell() -> None:
    dist = Exponential(10.0)
    t = proportional_hazard_ppf(dist, np.array([0.0, 0.5, 0.999]), 1e-12)
    assert np.all(np.isfinite(t))
    assert t[0] == 0.0
    assert np.all(t[1:] == dist.ppf(np.array([1.0 - 2.0**-53])))


def test_weibull_from_survival_passes_through_both_points() -> None:
    # Shape below 1 (falling hazard), as job-retention data show.
    w = Weibull.from_survival(26.0, 0.8, 104.0, 0.55)
    assert w.shape < 1
    sf = reference(w).sf
    assert [sf(26.0), sf(104.0)] == pytest.approx([0.8, 0.55], rel=1e-12)
