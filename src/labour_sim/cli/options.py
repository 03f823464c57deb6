"""What every ``labour-sim`` command shares: argument types, option groups, the executor.

Argument types turn a bad value into one usage line (exit code 2). :func:`execution`
builds the :class:`~labour_sim.Execution` of a command from its options, and
:func:`dask_client` connects to a Dask scheduler when ``--scheduler`` is given.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from ..calibration import DEFAULT_DRIFT
from ..errors import ScenarioError
from ..experiments import DEFAULT_SEED, Execution
from ..experiments.store import TABLE_FORMATS
from ..replication import ENGINES

__all__ = [
    "EXIT_OK",
    "EXIT_USAGE",
    "Parser",
    "add_execution_options",
    "add_format_option",
    "add_out_options",
    "add_seed_option",
    "add_size_options",
    "dask_client",
    "drift_sd",
    "execution",
    "finite",
    "half_width",
    "positive_int",
    "probability",
    "seed",
    "whole_number",
    "write_or_print",
]

EXIT_OK, EXIT_USAGE = 0, 2


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (and exit code 2)."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` as one usage line and exit with code 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
        return value

    return parse


positive_int = whole_number(1)
#: A seed: numpy's SeedSequence takes whole numbers >= 0.
seed = whole_number(0)


def finite(text: str) -> float:
    """An argparse type: a finite number (no ``inf`` or ``nan``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _fraction(text: str, low: float, high: float, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low < value < high:
        raise argparse.ArgumentTypeError(
            f"expected {what} between {low:g} and {high:g}, got {text!r}"
        )
    return value


def add_calibration_options(parser: argparse.ArgumentParser, what: str) -> None:
    """``--calibration DIR`` and ``--drift SD``: run ``what`` on the calibrated model."""
    parser.add_argument(
        "--calibration", type=Path, metavar="DIR",
        help=f"a folder written by labour-sim calibrate: {what} (each replication at its own "
        "posterior draw); without it, the scenario as written",
    )  # fmt: skip
    parser.add_argument(
        "--drift", type=drift_sd, metavar="SD",  # None: not given (an error without --calibration)
        help=f"with --calibration: sd of the yearly log change of hiring after the last "
        f"observation (default {DEFAULT_DRIFT:g}, an assumption; 0: calibrated rates hold)",
    )  # fmt: skip


def drift_sd(text: str) -> float:
    """An argparse type: a standard deviation of a yearly log change, 0 to 1."""
    value = finite(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}")
    return value


def half_width(text: str) -> float:
    """An argparse type: an interval half-width in (0, 0.5)."""
    return _fraction(text, 0.0, 0.5, "a half-width")


def probability(text: str) -> float:
    """An argparse type: a probability in (0, 1)."""
    return _fraction(text, 0.0, 1.0, "a probability")


def add_size_options(
    parser: argparse.ArgumentParser, *, precision: bool = False, default_replications: int = 1000
) -> None:
    """``--replications`` (or ``--precision``) and ``--seed``."""
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--replications", "-n", type=positive_int, default=default_replications,
        help=f"default {default_replications}",
    )  # fmt: skip
    if precision:
        size.add_argument(
            "--precision", type=half_width, metavar="EPS",
            help="instead of -n: run until every target probability is known to +-EPS",
        )  # fmt: skip
    add_seed_option(parser)


def add_seed_option(parser: argparse.ArgumentParser) -> None:
    """``--seed`` (a whole number >= 0)."""
    parser.add_argument("--seed", type=seed, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}")


def add_execution_options(parser: argparse.ArgumentParser) -> None:
    """``--workers``, ``--scheduler`` and ``--quiet``."""
    parser.add_argument(
        "--workers", type=positive_int, help="local worker processes (default: all cores)"
    )
    parser.add_argument(
        "--scheduler", metavar="ADDR", help="run on a Dask cluster, e.g. tcp://host:8786"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    parser.add_argument(
        "--engine", choices=ENGINES, default="auto",
        help="auto (default) and fast: the compiled engine; des: the SimPy reference "
        "(same numbers, slower)",
    )  # fmt: skip


def add_out_options(
    parser: argparse.ArgumentParser, what: str = "result folder (resumable)"
) -> None:
    """``--out`` and ``--overwrite``."""
    parser.add_argument("--out", type=Path, help=what)
    parser.add_argument(
        "--overwrite", action="store_true", help="replace a different run found in --out"
    )
    add_format_option(parser)


def add_format_option(parser: argparse.ArgumentParser) -> None:
    """``--format parquet|csv|xlsx``: the format of the result tables written to ``--out``."""
    parser.add_argument(
        "--format", choices=TABLE_FORMATS, default="parquet", dest="table_format",
        help="format of the result tables in --out: parquet (default; keeps every type), "
        "csv or xlsx (Excel)",
    )  # fmt: skip


def execution(args: argparse.Namespace, client: Any, *, out: bool = True) -> Execution:
    """The :class:`Execution` of a command's options (``out=False``: the command saves)."""
    return Execution(
        workers=getattr(args, "workers", None),
        executor=client,
        out=getattr(args, "out", None) if out else None,
        overwrite=bool(getattr(args, "overwrite", False)),
        progress=not getattr(args, "quiet", False),
        engine=getattr(args, "engine", "auto"),
        table_format=getattr(args, "table_format", "parquet"),
    )


@contextmanager
def dask_client(address: str | None) -> Iterator[Any]:
    """A Dask client connected to ``address``, or ``None`` for local processes."""
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise ScenarioError.single(
            "--scheduler", "dask installed (pip install 'labour_sim[dask]')", address
        ) from None
    try:
        client = Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScenarioError.single(
            "--scheduler", "the address of a running Dask scheduler", f"{address} ({exc})"
        ) from None
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]


def write_or_print(text: str, out: Path | None) -> None:
    """Write ``text`` to ``out`` (folders created), or print it when there is none."""
    if out is None:
        print(text, end="")
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"written to {out}")
