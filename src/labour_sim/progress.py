"""The one progress bar: text on standard error, in a terminal and in a notebook alike.

Every long run (replications, calibration generations, goal searches) shows its progress
through :func:`progress_bar`. It is tqdm's text bar, not its notebook widget
(``tqdm.auto`` picks the widget whenever ipywidgets is installed): a widget's saved output
is its first frame, so a notebook that was run and saved showed every bar frozen at 0 %
when opened again. A text bar redraws itself in place on standard error, and what a saved
notebook keeps is its last state ("100 %" and the time taken, or nothing for a bar that
clears itself).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm.std import tqdm

__all__ = ["FIRST_USE", "note_if_slow", "progress_bar", "progress_note"]

#: Said when the first replications of a run are slow to come back (:func:`note_if_slow`).
FIRST_USE = (
    "note: no replication has finished yet. If this is the first run on this machine (or "
    "after an upgrade), the compiled engine is being built, once, for up to about half a "
    "minute; later runs load it from disk."
)


def progress_bar(
    *, desc: str, unit: str, total: int | None = None, enabled: bool = True, leave: bool = True
) -> tqdm:
    """A text progress bar on standard error.

    Parameters
    ----------
    desc : str
        What is counted, shown before the bar ("replications", "generation 2/8").
    unit : str
        The unit of one step ("rep", "accepted", "setting").
    total : int, optional
        Steps expected; ``None`` when not known (a count with no bar). A total of 0
        shows nothing.
    enabled : bool
        ``False`` shows nothing (``Execution(progress=False)``).
    leave : bool
        Keep the finished bar on screen (``True``) or clear it.
    """
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        leave=leave,
        file=sys.stderr,
        dynamic_ncols=True,
        disable=not enabled or total == 0,
    )


def progress_note(message: str) -> None:
    """One line on standard error that does not break a bar being drawn."""
    tqdm.write(message, file=sys.stderr)


@contextmanager
def note_if_slow(
    message: str, seconds: float = 5.0, enabled: bool = True
) -> Iterator[Callable[[], None]]:
    """Say ``message`` (:func:`progress_note`) if the block has not called ``done`` in time.

    Yields ``done``, to call when the awaited thing has happened (the first replications
    are back); leaving the block calls it too. ``enabled=False`` says nothing.
    """
    timer = threading.Timer(seconds, progress_note, args=(message,))
    timer.daemon = True
    if enabled:
        timer.start()
    try:
        yield timer.cancel
    finally:
        timer.cancel()
