"""``labour-sim explore``: the scenario explorer in the browser (needs the ``explore`` extra).

:func:`add_commands` registers the subcommand. The scenarios are loaded (and validated)
before the server starts, so a bad file is one line and exit code 2, as everywhere.

Examples
--------
::

    labour-sim explore                                   # every shipped scenario
    labour-sim explore scenarios/lolland_falster.toml --port 5006 --no-browser
"""

from __future__ import annotations

import argparse
import errno
from pathlib import Path

from ..errors import Problem, ScenarioError
from ..explorer.session import DEFAULT_REPLICATIONS, Options
from ..scenario import Scenario, load_scenario
from ..scenario.files import scenarios as shipped
from .options import EXIT_OK, add_seed_option, positive_int, whole_number

__all__ = ["add_commands"]

MAX_PORT = 65535
#: Errors binding the port: what the port should be, and what it is.
_BIND_ERRORS = {
    errno.EADDRINUSE: ("a free port (choose another with --port)", "in use (another explorer?)"),
    errno.EACCES: (
        "a port you may listen on (choose another with --port)",
        "not allowed (ports below 1024 need administrator rights)",
    ),
}


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``explore`` subcommand on ``sub``."""
    exp = sub.add_parser(
        "explore",
        help="move a programme's levers in the browser and see the verdict change",
        description="Start the scenario explorer: a local web page (127.0.0.1 only) with a "
        "slider per lever, the verdict cards, a fan chart, the difference from the "
        "original setting, 'what would it take' and the report download.",
        epilog="""examples:
  labour-sim explore
  labour-sim explore scenarios/lolland_falster.toml
  labour-sim explore scenarios/*.toml --port 8080 --replications 200 --no-browser

Needs the explore extra: pip install 'labour_sim[explore]'. Every setting runs the same
replications on --seed (common random numbers); the page's link holds the setting.""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exp.add_argument(
        "scenario", nargs="*", help="scenario TOML files (default: every shipped scenario)"
    )
    exp.add_argument(
        "--port", type=whole_number(0), default=5006, help="default 5006; 0: a free port"
    )
    exp.add_argument(
        "--replications", "-n", type=positive_int, default=DEFAULT_REPLICATIONS,
        help=f"replications per setting (default {DEFAULT_REPLICATIONS}: an update of "
        "Lolland-Falster in about 2 s)",
    )  # fmt: skip
    add_seed_option(exp)
    exp.add_argument(
        "--workers", type=positive_int, default=1,
        help="worker processes per update (default 1: in the server, where the compiled "
        "engine stays loaded; more start a pool at each update)",
    )  # fmt: skip
    exp.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    exp.set_defaults(func=_explore)


def _explore(args: argparse.Namespace) -> int:
    if args.port > MAX_PORT:
        raise ScenarioError.single("--port", f"a port number 0 to {MAX_PORT}", args.port)
    files = [Path(f) for f in args.scenario] or _shipped()
    scenarios: dict[str, Scenario] = {}
    for file in files:
        key = file.stem
        if key in scenarios:
            raise ScenarioError.single("scenario", "files with different names", str(file))
        scenarios[key] = load_scenario(file)
    try:
        from ..explorer.app import serve  # Panel: the optional explore extra
    except ImportError as exc:
        raise ScenarioError.single(
            "explore", "panel installed (pip install 'labour_sim[explore]')", str(exc)
        ) from None
    options = Options(replications=args.replications, seed=args.seed, workers=args.workers)
    try:
        serve(scenarios, options, port=args.port, open_browser=not args.no_browser)
    except OSError as exc:
        # The server's bind (no file name): the command line's mapping of OSError is for
        # the user's files, so a taken or forbidden port is named here.
        if exc.filename is not None or exc.errno not in _BIND_ERRORS:
            raise
        expected, what = _BIND_ERRORS[exc.errno]
        raise ScenarioError([Problem("--port", expected, f"{args.port}, {what}")]) from None
    return EXIT_OK


def _shipped() -> list[Path]:
    table = shipped()
    return [Path(p) for p in table.loc[table["kind"] == "scenario", "path"]]
