"""The ``labour-sim`` command line.

* :mod:`.main`        the parser and :func:`main` (one line, exit code 2, for user mistakes)
* :mod:`.options`     shared argument types, option groups, the executor choice
* :mod:`.validate`    ``validate`` (scenario, observation and calibration set-up files)
* :mod:`.run`         ``run``, ``compare``, ``budget``, ``table``, ``schema``
* :mod:`.levers`      ``sweep``, ``sensitivity``, ``what-would-it-take``
* :mod:`.calibration` ``calibrate``, ``forecast``
* :mod:`.report`      ``report``
"""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
