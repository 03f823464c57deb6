"""Serve the explorer: one page per browser tab, on 127.0.0.1 only.

:func:`serve` starts a Panel (Bokeh/Tornado) server that answers on the loopback address
only, prints its address and runs until Ctrl-C or SIGTERM, then stops cleanly. A page is
built only for a request that names the server's own address (``127.0.0.1:PORT`` or
``localhost:PORT``) as its host, and its live connection only from such a page: a web page
elsewhere whose name is made to point at 127.0.0.1 (DNS rebinding) gets a one-line refusal
and starts no simulation. Each tab
gets its own :class:`~.page.ExplorerPage` and :class:`~.session.Session`, restored from the
link's query string; the server keeps nothing between tabs. In a notebook,
:func:`explorer` gives the same page as a Panel object (``pn.extension()`` first).
"""

from __future__ import annotations

import signal
import socket
import threading
import urllib.parse
import webbrowser
from collections.abc import Callable, Mapping
from typing import Any

import panel as pn

from ..experiments import run_experiment
from ..scenario import Scenario
from .page import ExplorerPage
from .session import Options, Session

__all__ = ["HOST", "explorer", "free_port", "serve", "warm_up"]

#: The only address the server listens on.
HOST = "127.0.0.1"


def explorer(
    scenarios: Mapping[str, Scenario], options: Options | None = None, query: str = ""
) -> pn.Column:
    """The explorer page for ``scenarios`` (by key), e.g. to show in a notebook."""
    options = options or Options()
    page = ExplorerPage(
        scenarios,
        lambda scenario, key: Session(scenario, key, options),
        query=query,
        replications=options.replications,
    )
    return page.panel()


def _query() -> str:
    """The query string of the request that opened this tab."""
    args: dict[str, list[bytes]] = dict(pn.state.session_args or {})
    return urllib.parse.urlencode(
        [(k, v.decode("utf-8", "replace")) for k, values in args.items() for v in values]
    )


def warm_up(scenario: Scenario, options: Options) -> None:
    """Run one replication, so the compiled engine is loaded before the first page asks."""
    run_experiment(scenario, 1, options.seed, execution=options.execution())


def free_port() -> int:
    """A port free on :data:`HOST` now (the operating system's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def serve(
    scenarios: Mapping[str, Scenario],
    options: Options | None = None,
    *,
    port: int = 5006,
    open_browser: bool = True,
    on_start: Callable[[str, Callable[[], None]], None] | None = None,
) -> None:
    """Serve the explorer on ``http://127.0.0.1:PORT/`` until interrupted.

    Parameters
    ----------
    scenarios : mapping
        The scenarios offered, by key (the file's stem; the link's ``scenario=``).
    options : Options, optional
        Replications per setting, seed, workers and engine of every session.
    port : int, default 5006
        The port; 0 picks a free one.
    open_browser : bool, default True
        Open the address in the default web browser.
    on_start : callable, optional
        ``on_start(address, stop)`` once the server listens; ``stop()`` (callable from any
        thread) stops it as Ctrl-C does. To run the server in a thread (tests), give that
        thread an event loop first (``asyncio.set_event_loop(asyncio.new_event_loop())``).
    """
    options = options or Options()
    port = port or free_port()
    warm_up(next(iter(scenarios.values())), options)

    hosts = (f"{HOST}:{port}", f"localhost:{port}")

    def page() -> Any:
        host = dict(pn.state.headers or {}).get("Host", "")
        if host not in hosts:
            return pn.pane.Markdown(
                f"labour-sim explore answers at http://{HOST}:{port}/ only, "
                f"not for the host {host!r}."
            )
        return explorer(scenarios, options, _query())

    server = pn.serve(
        {"/": page},
        port=port,
        address=HOST,
        allow_websocket_origin=list(hosts),
        show=False,
        start=False,
        title="labour_sim explorer",
        verbose=False,
    )
    address = f"http://{HOST}:{port}/"
    print(
        f"labour-sim explore: {len(scenarios)} scenario{'s' if len(scenarios) != 1 else ''} "
        f"at {address} ({options.replications:,} replications per setting; Ctrl-C stops)",
        flush=True,
    )
    loop = server.io_loop
    if threading.current_thread() is threading.main_thread():  # signals reach only it
        signal.signal(signal.SIGTERM, lambda *_: loop.add_callback_from_signal(loop.stop))
    server.start()
    if open_browser:
        loop.add_callback(lambda: webbrowser.open(address))
    if on_start is not None:
        on_start(address, lambda: loop.add_callback(loop.stop))
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        print("labour-sim explore: stopped", flush=True)
