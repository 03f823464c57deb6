"""The one error type a user mistake raises, and the problems it lists.

A :class:`ScenarioError` carries every :class:`Problem` found, not just the first, so a user
fixes a scenario file in one pass. The command line prints ``str(error)`` without a
traceback and exits with code 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Problem", "ScenarioError", "short"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with user input.

    Attributes
    ----------
    path : str
        Dotted path of the field, e.g. ``placement.outcomes.ordinary.value``.
    expected : str
        What the field should hold.
    given : str
        What it holds (a short representation).
    """

    path: str
    expected: str
    given: str

    def __post_init__(self) -> None:
        # An empty key ("" = 1 is valid TOML) or an empty value must still be visible.
        if not self.path:
            object.__setattr__(self, "path", '""')
        if not self.given:
            object.__setattr__(self, "given", "an empty string")

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}; got {self.given}"


class ScenarioError(ValueError):
    """Invalid user input: a scenario, a change, an observation file or an option."""

    def __init__(self, problems: Iterable[Problem], origin: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.origin = origin
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" in {self.origin}" if self.origin else ""
        n = len(self.problems)
        if n == 1:  # one problem, one line
            return f"{self.problems[0]}{where}"
        head = f"{n} problem{'s' if n != 1 else ''}{where}:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])

    @classmethod
    def single(
        cls, path: str, expected: str, given: object, origin: str | None = None
    ) -> ScenarioError:
        """Build an error with one problem."""
        return cls([Problem(path, expected, short(given))], origin)


def short(value: object, limit: int = 80) -> str:
    """``repr(value)``, cut to ``limit`` characters (for one-line errors)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
