"""``labour-sim validate``: check any file labour_sim reads, as what it is.

Scenario files, observation files (``scenarios/observations/*.toml``) and calibration set-up
files (``scenarios/calibration/*.toml``) are told apart by their content
(:func:`~labour_sim.scenario.files.file_kind`) and each is validated by its own loader, so an
observation file is never judged as a scenario. A base that scenarios extend
(``scenarios/base/denmark.toml``) is valid when every scenario beside it that extends it is.
``ok`` and what was checked, or every problem (exit code 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..calibration import load_observations, load_setup
from ..errors import ScenarioError
from ..scenario import load_scenario, scenario_cautions
from ..scenario.files import file_kind
from ..scenario.loader import read_toml
from .options import EXIT_OK, EXIT_USAGE

__all__ = ["add_commands", "validate_file"]


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``validate``."""
    validate = sub.add_parser(
        "validate",
        help="check a scenario, observation or calibration set-up file; print 'ok' or the problems",
        description="Check a scenario, observation or calibration set-up file (told apart by "
        "content) and print 'ok' with what was checked, or every problem.",
        epilog="""examples:
  labour-sim validate scenarios/lolland_falster.toml
  labour-sim validate scenarios/observations/lolland_falster_midterm.toml --scenario scenarios/lolland_falster.toml
  labour-sim validate scenarios/calibration/lolland_falster_midterm.toml
  labour-sim validate scenarios/*.toml scenarios/*/*.toml      # every shipped file""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument(
        "files", nargs="+", metavar="FILE",
        help="scenario, observation or calibration set-up TOML file (several: one line each)",
    )  # fmt: skip
    validate.add_argument(
        "--scenario",
        metavar="FILE",
        help="for an observation file: also check its dates against this scenario",
    )
    validate.set_defaults(func=_validate)


def _validate(args: argparse.Namespace) -> int:
    if len(args.files) == 1:  # one file: its problems are the command's one message
        print(validate_file(args.files[0], args.scenario))
        return EXIT_OK
    code = EXIT_OK
    for path in args.files:
        try:
            # one line a file: a scenario's cautions follow its "ok" on the same line
            print(f"{path}: {validate_file(path, args.scenario).replace(chr(10), '; ')}")
        except ScenarioError as exc:
            print(f"labour-sim: {exc}", file=sys.stderr)
            code = EXIT_USAGE
    return code


def validate_file(path: str, scenario: str | None = None) -> str:
    """Validate ``path`` as the kind of file it is; ``"ok (...)"`` saying what was checked.

    Raises
    ------
    ScenarioError
        Every problem found, by the loader of the file's kind.
    """
    data, _ = read_toml(path)
    kind = file_kind(data)
    if kind == "observations":
        against = load_scenario(scenario) if scenario else None
        observations = load_observations(path, against)
        checked = f" against {against.name}" if against else ""
        return f"ok (observation file: {_count(len(observations), 'observation')}{checked})"
    if kind == "calibration":
        setup = load_setup(path)
        base, observations = setup.inputs()  # the scenario, observations and priors together
        return (
            f"ok (calibration set-up: {base.name}; {_count(len(observations), 'observation')} "
            f"from {_count(len(setup.observations), 'file')}; {_count(len(setup.priors), 'prior')})"
        )
    extending = _extending(Path(path)) if "name" not in data else []
    if extending:  # a base: valid when every scenario built on it is
        names = [load_scenario(p).name for p in extending]
        return f"ok (base of {_count(len(names), 'scenario')}: {'; '.join(names)})"
    loaded = load_scenario(path)
    cautions = "".join(f"\ncaution: {c}" for c in scenario_cautions(loaded))
    return f"ok (scenario: {loaded.name}){cautions}"


def _extending(base: Path) -> list[Path]:
    """The scenario files beside or above ``base`` whose ``extends`` names it."""
    target = base.resolve()
    found = []
    for folder in dict.fromkeys((base.parent, base.parent.parent)):
        for path in sorted(folder.glob("*.toml")):
            try:
                data, _ = read_toml(path)
            except ScenarioError:
                continue  # not readable: it cannot be told to extend the base
            named = data.get("extends")
            if isinstance(named, str) and (path.parent / named).resolve() == target:
                found.append(path)
    return found


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
