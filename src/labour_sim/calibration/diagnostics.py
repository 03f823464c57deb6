"""How far to trust a calibration: marginals, correlations, identifiability, predictive check.

Pure functions of the weighted posterior sample and of the predictive draws; no simulation.

* **Marginals**: each parameter's posterior mean, median, sd and 90 % / 95 % credible
  intervals (weighted quantiles), beside its prior.
* **Identifiability**: the width of the 90 % credible interval over the width of the
  prior's 90 % interval (on the log scale for a log-uniform prior). Near 1, the
  observations did not inform the parameter: its posterior is the prior, and a warning
  says so (threshold :data:`UNIDENTIFIED`).
* **Correlations**: weighted Pearson correlations between parameters; a strong one means
  the data pin down a combination, not each parameter.
* **Posterior predictive check**: for each observation, the distribution of what the
  report would say if the calibrated model were true: a posterior draw's simulated value
  plus the report's normal error. Observed values outside its central 95 % interval
  (two-sided tail probability below 5 %) are flagged.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from scipy import stats as sps

from .observations import Observations
from .priors import Parameter

__all__ = [
    "UNIDENTIFIED",
    "correlation_table",
    "marginal_table",
    "predictive_table",
    "weighted_quantile",
]

#: Posterior 90 % interval at least this share of the prior's: the data hardly inform it.
UNIDENTIFIED = 0.8


def weighted_quantile(values: ArrayLike, weights: ArrayLike, q: ArrayLike) -> NDArray[np.float64]:
    """Quantiles ``q`` of a weighted sample (inverse of the weighted empirical CDF, midpoints)."""
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    order = np.argsort(x)
    x, w = x[order], w[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.asarray(np.interp(np.asarray(q, dtype=float), cdf, x), dtype=float)


def marginal_table(parameters: tuple[Parameter, ...], posterior: pd.DataFrame) -> pd.DataFrame:
    """One row per parameter: prior, posterior summary, width ratio and ``identified``."""
    w = posterior["weight"].to_numpy(dtype=float)
    rows = []
    for p in parameters:
        x = posterior[p.path].to_numpy(dtype=float)
        q = weighted_quantile(x, w, [0.025, 0.05, 0.5, 0.95, 0.975])
        mean = float(np.average(x, weights=w))
        sd = float(math.sqrt(np.average((x - mean) ** 2, weights=w)))
        prior_low, prior_high = p.prior.interval(0.9)
        ratio = _width(p, q[1], q[3]) / _width(p, prior_low, prior_high)
        rows.append(
            {
                "parameter": p.path,
                "prior": str(p.prior),
                "prior_p5": prior_low,
                "prior_p95": prior_high,
                "mean": mean,
                "median": float(q[2]),
                "sd": sd,
                "p2_5": float(q[0]),
                "p5": float(q[1]),
                "p95": float(q[3]),
                "p97_5": float(q[4]),
                "width_ratio": ratio,
                "identified": bool(ratio < UNIDENTIFIED),
            }
        )
    return pd.DataFrame(rows)


def _width(p: Parameter, low: float, high: float) -> float:
    a, b = p.prior.to_scale([low, high])
    return float(b - a)


def correlation_table(parameters: tuple[Parameter, ...], posterior: pd.DataFrame) -> pd.DataFrame:
    """Weighted correlation of every pair of parameters (``a``, ``b``, ``correlation``)."""
    w = posterior["weight"].to_numpy(dtype=float)
    rows = []
    for p, r in itertools.combinations(parameters, 2):
        x = posterior[p.path].to_numpy(dtype=float)
        y = posterior[r.path].to_numpy(dtype=float)
        cov = np.cov(np.vstack([x, y]), aweights=w)
        denom = math.sqrt(cov[0, 0] * cov[1, 1])
        rows.append(
            {"a": p.path, "b": r.path, "correlation": cov[0, 1] / denom if denom > 0 else math.nan}
        )
    return pd.DataFrame(rows, columns=["a", "b", "correlation"])


def predictive_table(observations: Observations, draws: pd.DataFrame) -> pd.DataFrame:
    """Posterior predictive check of every observation against the predictive draws.

    ``draws`` has one column per observation name (the simulated value in each posterior
    draw). Columns: the observation, its observed value and sd, the simulated mean and
    80 % / 95 % interval of the model's value, the 95 % interval of the replicated report
    (model value plus the report's error), the tail probability of the observed value
    (``p_value``, two-sided) and ``covered`` (``p_value >= 0.05``).
    """
    rows = []
    for o in observations:
        sim = draws[o.name].to_numpy(dtype=float)
        sim = sim[np.isfinite(sim)]
        sd = o.scale
        below = float(np.mean(sps.norm.cdf((o.value - sim) / sd))) if len(sim) else math.nan
        p_value = 2 * min(below, 1 - below)
        low, high = _mixture_interval(sim, sd, 0.95)
        q = np.quantile(sim, [0.5, 0.1, 0.9, 0.025, 0.975]) if len(sim) else [math.nan] * 5
        rows.append(
            {
                "observation": o.name,
                "metric": o.metric,
                "share_of": o.share_of or "",
                "date": o.date.isoformat(),
                "observed": o.value,
                "sd": sd,
                "draws": len(sim),
                "mean": float(sim.mean()) if len(sim) else math.nan,
                "median": float(q[0]),
                "p10": float(q[1]),
                "p90": float(q[2]),
                "p2_5": float(q[3]),
                "p97_5": float(q[4]),
                "report_p2_5": low,
                "report_p97_5": high,
                "p_value": p_value,
                "covered": bool(p_value >= 0.05),
            }
        )
    return pd.DataFrame(rows)


def _mixture_interval(centres: NDArray[np.float64], sd: float, level: float) -> tuple[float, float]:
    """Central interval of an equal-weight mixture of normals N(centre, sd^2)."""
    if len(centres) == 0:
        return math.nan, math.nan

    def cdf_minus(x: float, p: float) -> Any:
        return np.mean(sps.norm.cdf((x - centres) / sd)) - p

    lo, hi = float(centres.min()) - 10 * sd, float(centres.max()) + 10 * sd
    tail = (1 - level) / 2
    return (
        float(optimize.brentq(cdf_minus, lo, hi, args=(tail,))),
        float(optimize.brentq(cdf_minus, lo, hi, args=(1 - tail,))),
    )


def warnings_for(marginals: pd.DataFrame, correlations: pd.DataFrame) -> list[str]:
    """Plain-words warnings: parameters the data cannot identify, strong correlations."""
    out = []
    for _, row in marginals[~marginals["identified"]].iterrows():
        out.append(
            f"{row['parameter']}: the observations hardly inform it (its 90 % credible interval "
            f"is {row['width_ratio']:.0%} as wide as the prior's); the posterior is mostly the prior"
        )
    for _, row in correlations.iterrows():
        if abs(row["correlation"]) >= 0.7:
            out.append(
                f"{row['a']} and {row['b']} are strongly correlated (r = {row['correlation']:+.2f}): "
                "the data pin down a combination of them, not each one"
            )
    return out
