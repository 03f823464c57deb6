r"""The ``labour-sim`` command line: one parser, one place where user mistakes are caught.

Every user mistake (a missing file, a malformed scenario, a bad option) prints one clear
message and exits with code 2, never a traceback: :class:`~labour_sim.ScenarioError` from
the library, and, from the file system, errors on the user's files (missing, unreadable,
unwritable) and input nested too deeply to read. Long runs show a progress bar.

Examples
--------
::

    labour-sim validate scenarios/lolland_falster.toml
    labour-sim validate scenarios/observations/lolland_falster_midterm.toml
    labour-sim run scenarios/lolland_falster.toml --replications 1000 --out out/lf
    labour-sim run scenarios/lolland_falster.toml --precision 0.01
    labour-sim compare scenarios/lolland_falster.toml --set companies.slots_per_company=2
    labour-sim budget scenarios/lolland_falster.toml --target ordinary_550 \
        --lever staff.mentors --low 10 --high 200 --step 10
    labour-sim report scenarios/lolland_falster.toml --out out/lf.html
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ..errors import ScenarioError
from ..version import __version__
from . import business, calibration, explore, levers, report, run, validate
from .options import EXIT_USAGE, Parser

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``labour-sim`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except ScenarioError as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # the reader went away (| head): not a user's file, no message
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # a user's file or folder: missing, unreadable, unwritable, full
        where = exc.filename if exc.filename is not None else "a file"
        return _fail(f"{where}: {exc.strerror or exc} (check the path and its permissions)")
    except RecursionError:
        return _fail("an input file is nested too deeply to read")
    except KeyboardInterrupt:
        print("labour-sim: interrupted", file=sys.stderr)
        return 130
    return code


def _fail(message: str) -> int:
    """Print one line (the first of a multi-problem message is its count) and exit 2."""
    print(f"labour-sim: {message}", file=sys.stderr)
    return EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    """The ``labour-sim`` parser with every command registered."""
    parser = Parser(
        prog="labour-sim",
        description="Is an inclusion programme's target realistic, and at what cost?",
        epilog=__doc__.split("::", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (validate, run, calibration, levers, report, business, explore):
        group.add_commands(sub)
    parser.set_defaults(commands=tuple(sub.choices))  # the command names, for tests and docs
    return parser
