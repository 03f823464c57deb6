"""One look for every plot: a colour-blind-safe palette, readable fonts, a light grid.

Every plot function runs inside :func:`styled` (a :func:`matplotlib.rc_context`), so the
style never leaks into the caller's pyplot settings, and draws on a fresh :class:`PlotFigure`:
a :class:`matplotlib.figure.Figure` that pyplot does not know (nothing to close by hand, no
figure leaks in a script) and that shows itself as an image in Jupyter with no
``%matplotlib`` magic (``_repr_png_``).
Helpers here name outcomes with their units, draw target lines, and scale money.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from typing import Any, Final, ParamSpec, cast

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..metrics import COMPANY_METRICS, COST_LABELS, METRIC_LABELS

__all__ = [
    "BAND",
    "PALETTE",
    "RC",
    "TARGET",
    "PlotFigure",
    "money_scale",
    "new_figure",
    "outcome_label",
    "outcome_unit",
    "styled",
    "target_hline",
    "target_vline",
]

#: Okabe-Ito: distinguishable with every common colour-vision deficiency, and in greyscale.
PALETTE: Final = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Colour of quantile bands and central lines.
BAND: Final = PALETTE[0]
#: Colour of targets, promises and observed values.
TARGET: Final = PALETTE[5]
GRID: Final = "#dddddd"

#: Matplotlib settings applied while a plot is drawn.
RC: Final[dict[str, Any]] = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "lines.linewidth": 1.8,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
}

P = ParamSpec("P")


def styled(func: Callable[P, Figure]) -> Callable[P, Figure]:
    """Run a plot function under :data:`RC` (the caller's settings are untouched)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with mpl.rc_context(cast(Any, RC)):
            return func(*args, **kwargs)

    return wrapper


class PlotFigure(Figure):
    """A Figure that Jupyter (IPython) displays as a PNG image, with no magic needed.

    Without pyplot a plain Figure prints as ``<Figure size 850x460 with 1 Axes>`` in a
    notebook; this one gives IPython its image (``_repr_png_``). Where the inline backend is
    active, IPython's own figure printer takes precedence and the image appears once.
    """

    #: Resolution of the image a notebook shows (dots per inch).
    NOTEBOOK_DPI: Final = 100

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=self.NOTEBOOK_DPI, bbox_inches="tight")
        return buffer.getvalue()


def new_figure(
    rows: int = 1, cols: int = 1, size: tuple[float, float] = (8.0, 4.5), **kwargs: Any
) -> tuple[Figure, list[Axes]]:
    """A constrained-layout :class:`PlotFigure` (not known to pyplot) and its flat axes."""
    fig = PlotFigure(figsize=size, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, **kwargs)
    flat = [ax for row in axes for ax in row]
    for ax in flat:
        ax.grid(True, color=GRID, linewidth=0.6)
    return fig, flat


def outcome_unit(outcome: str, targets: Sequence[str] = ()) -> str:
    """The unit of an outcome column: citizens, companies, DKK, weeks, % or share."""
    bare = outcome.removeprefix("probability:")
    if bare in targets or outcome.startswith("probability:"):
        return "%"
    if outcome in COMPANY_METRICS:
        return "companies"
    if outcome in METRIC_LABELS or outcome == "sustained_jobs":
        return "citizens"
    if outcome.startswith(("queue_",)):
        return "citizens"
    if outcome.startswith(("cost:", "saving:")):
        return "DKK"
    if outcome.startswith("wait_"):
        return "weeks"
    return "share" if outcome.startswith("utilisation_") else "value"


def outcome_label(outcome: str, targets: Sequence[str] = ()) -> str:
    """A readable name of an outcome, without its unit."""
    bare = outcome.removeprefix("probability:")
    if bare in targets or outcome.startswith("probability:"):
        return f"probability of reaching {bare}"
    if outcome == "sustained_jobs":
        return "jobs held 26 weeks"
    return METRIC_LABELS.get(outcome, COST_LABELS.get(outcome, outcome))


def money_scale(values: Sequence[float] | np.ndarray) -> tuple[float, str]:
    """``(divisor, unit)``: mio DKK from a million up, k DKK from a thousand, else DKK."""
    x = np.abs(np.asarray(values, dtype=float))
    size = float(np.nanmax(x)) if x.size and np.isfinite(x).any() else 0.0
    if size >= 1e6:
        return 1e6, "mio DKK"
    if size >= 1e3:
        return 1e3, "k DKK"
    return 1.0, "DKK"


def target_hline(ax: Axes, value: float, label: str) -> Line2D:
    """A horizontal target line (dashed, in :data:`TARGET`), labelled for the legend."""
    return ax.axhline(value, color=TARGET, linestyle="--", linewidth=1.5, label=label, zorder=4)


def target_vline(ax: Axes, value: Any, label: str, linestyle: str = "--") -> Line2D:
    """A vertical target line (a value or a date), labelled for the legend."""
    return ax.axvline(
        value, color=TARGET, linestyle=linestyle, linewidth=1.5, label=label, zorder=4
    )
