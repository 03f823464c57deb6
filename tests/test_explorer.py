"""The scenario explorer: its link (state), its computation (session) and the page in Chromium.

The state and session tests run on the Koege scenario (five citizens, so a setting runs in
a fraction of a second); the browser test starts ``labour-sim explore`` as a server on a
free port, drives the page in headless Chromium, and stops the server with Ctrl-C (SIGINT).
Set ``LABOUR_SIM_EXPLORER_SCREENSHOT=docs/explorer.png`` to keep the page's screenshot (the
README's); otherwise it goes to the test's temporary folder.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import labour_sim as ls
from labour_sim.cli import main
from labour_sim.experiments import Comparison, paired_differences
from labour_sim.explorer import session as session_module
from labour_sim.explorer.session import (
    PAYERS_SEE,
    Options,
    Session,
    difference_lines,
    lever_value,
)
from labour_sim.explorer.state import (
    SOURCED_BAND,
    Settings,
    error_text,
    format_link,
    lever_specs,
    parse_link,
    problems_by_lever,
    settings_of,
)

ROOT = Path(__file__).resolve().parents[1]
KOEGE = ROOT / "scenarios" / "koege_taettere_paa_job.toml"
LOLLAND = ROOT / "scenarios" / "lolland_falster.toml"
KEY = "koege_taettere_paa_job"
REPLICATIONS = 60
SEED = 11


@pytest.fixture(scope="module")
def koege() -> ls.Scenario:
    return ls.load_scenario(KOEGE)


@pytest.fixture(scope="module")
def offered(koege: ls.Scenario) -> dict[str, ls.Scenario]:
    return {KEY: koege, "lolland_falster": ls.load_scenario(LOLLAND)}


# -- state: the levers and the link ----------------------------------------------------------
def test_each_lever_gets_a_slider_within_its_bounds(koege: ls.Scenario) -> None:
    specs = {s.path: s for s in lever_specs(koege)}
    levers = koege.levers().set_index("path")
    mentors = specs["staff.mentors"]
    assert mentors.whole and mentors.step == 1 and mentors.important
    assert next(iter(specs)) == "staff.mentors"  # the important levers come first
    for path, spec in specs.items():
        row = levers.loc[path]
        assert spec.low <= spec.value <= spec.high, path
        assert spec.unit == row["unit"]
        if row["origin"] == "assumption" and row["low"] < row["high"]:
            assert (spec.low, spec.high) == (
                min(row["low"], spec.value), max(row["high"], spec.value)
            ), path  # fmt: skip
        if row["origin"] == "assumption":
            assert spec.origin.startswith("assumption: ")
        else:
            assert spec.origin == f"source: {row['source']}"
            if spec.value > 0 and not spec.whole:
                assert spec.low >= SOURCED_BAND[0] * spec.value - 1e-12, path
        if row["unit"] in ("probability", "share"):
            assert spec.high <= 1, path
    assert not any(p.startswith("targets.") for p in specs)


def test_a_link_round_trips(offered: dict[str, ls.Scenario], koege: ls.Scenario) -> None:
    settings = settings_of(
        koege, KEY, {"staff.mentors": 3, "placement.mentor_multiplier": 1.5, "staff.caseworkers": 1}
    )
    assert settings.changes == (("staff.mentors", 3), ("placement.mentor_multiplier", 1.5))
    link = format_link(settings)
    assert link == f"scenario={KEY}&staff.mentors=3&placement.mentor_multiplier=1.5"
    assert parse_link("?" + link, offered) == settings
    assert parse_link("", offered) == Settings(KEY)  # no link: the first scenario as written
    assert parse_link("scenario=lolland_falster", offered) == Settings("lolland_falster")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"scenario={KEY}&staff.mentors=4.5",
         "staff.mentors: expected a whole number; got '4.5' in the link"),
        (f"scenario={KEY}&staff.mentors=many",
         "staff.mentors: expected a whole number; got 'many' in the link"),
        (f"scenario={KEY}&placement.mentor_multiplier=nan",
         "placement.mentor_multiplier: expected a finite number; got 'nan' in the link"),
        (f"scenario={KEY}&staff.mentors=3&staff.mentors=4",
         "staff.mentors: expected one value; got '3' and '4' in the link"),
        ("scenario=atlantis",
         f"scenario: expected one of {KEY}, lolland_falster; got 'atlantis' in the link"),
        (f"scenario={KEY}&staff.wizards=2",
         "staff.wizards: expected a lever of Taettere paa job, Koege (a path scenario.levers() "
         "lists); got 'staff.wizards=2' in the link"),
        (f"scenario={KEY}&targets.paid_1_of_5.threshold=0",
         "targets.paid_1_of_5.threshold: expected a lever of"),
        ("scenario=", "scenario: expected one of"),
        ("scenario", "link: expected a query string"),
        ("a=b=c&&", "link: expected a query string like scenario=NAME&staff.mentors=40"),
    ],
)  # fmt: skip
def test_a_bad_link_names_its_field(
    offered: dict[str, ls.Scenario], query: str, message: str
) -> None:
    with pytest.raises(ls.ScenarioError) as caught:
        parse_link(query, offered)
    assert error_text(caught.value).startswith(message)
    assert "\n" not in error_text(caught.value)


def test_an_impossible_combination_is_the_command_lines_message(
    offered: dict[str, ls.Scenario], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ls.ScenarioError) as caught:
        parse_link(f"scenario={KEY}&companies.initial=20", offered)
    text = error_text(caught.value)
    assert text.startswith("companies.initial: expected at most max_companies (8); got 20")
    code = main(["compare", str(KOEGE), "--set", "companies.initial=20", "-n", "1"])
    assert code == 2
    cli_line = capsys.readouterr().err.strip().removeprefix("labour-sim: ")
    assert cli_line == text  # the same one line
    specs = [s.path for s in lever_specs(offered[KEY])]
    assert list(problems_by_lever(caught.value, specs)) == ["companies.initial"]


def test_a_problem_of_several_levers_is_under_each(koege: ls.Scenario) -> None:
    with pytest.raises(ls.ScenarioError) as caught:
        settings_of(koege, KEY, {"groups.under_30_long_term.share": 0.5})
    assert str(caught.value).startswith("groups.*.share: expected shares that sum to 1")
    by_lever = problems_by_lever(caught.value, [s.path for s in lever_specs(koege)])
    assert list(by_lever) == ["groups.under_30_long_term.share"]


# -- session: the computation ----------------------------------------------------------------
@pytest.fixture(scope="module")
def session(koege: ls.Scenario) -> Session:
    return Session(koege, KEY, Options(replications=REPLICATIONS, seed=SEED, workers=1))


def test_more_mentors_change_the_probability_deterministically(
    session: Session, koege: ls.Scenario
) -> None:
    original = session.view(Settings(KEY))
    assert [c.target for c in original.cards] == [t.name for t in koege.targets]
    assert original.differences == () and original.changes.startswith("none")
    fewer = Settings(KEY, (("staff.mentors", 2),))
    changed = session.view(fewer)
    assert [c.probability for c in changed.cards] != [c.probability for c in original.cards]
    again = Session(koege, KEY, session.options).view(fewer)  # a new page, the same numbers
    assert [c.chance for c in again.cards] == [c.chance for c in changed.cards]
    assert [c.detail for c in again.cards] == [c.detail for c in changed.cards]
    assert changed.link == f"scenario={KEY}&staff.mentors=2"
    assert f"{REPLICATIONS:,} replications per setting" in changed.note
    assert changed.payers.startswith("to ") and "municipality" in changed.payers
    # The page has no business-case section: the line points to the report it downloads.
    assert changed.payers.endswith(PAYERS_SEE) and "“The business case" not in changed.payers
    assert "Monte Carlo noise" in changed.note


def test_a_large_lever_value_reads_as_a_number_not_an_exponent(session: Session) -> None:
    view = session.view(Settings(KEY, (("costs.caseworker_dkk_per_year", 600_000.0),)))
    assert view.changes == "costs.caseworker_dkk_per_year = 600,000", view.changes
    assert lever_value(42_260_000) == "42,260,000" and lever_value(3.65) == "3.65"


def test_the_difference_is_paired_on_common_random_numbers(
    session: Session, koege: ls.Scenario
) -> None:
    view = session.view(Settings(KEY, (("staff.mentors", 2),)))
    paired = ls.compare(
        koege, koege.with_changes({"staff.mentors": 2}), REPLICATIONS, SEED,
        execution=ls.Execution(workers=1, progress=False, engine="fast"),
    )  # fmt: skip
    assert view.differences == difference_lines(paired)
    assert any(line.startswith("chance of reaching attached_2_of_5") for line in view.differences)


def test_the_fan_charts_legend_names_the_original_settings_median(session: Session) -> None:
    view = session.view(Settings(KEY, (("staff.mentors", 2),)))
    (legend,) = view.figure.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert "original setting: median" in labels, labels
    assert "median" in labels and "mean" in labels  # the fan's own entries stay


def test_a_targets_difference_names_its_promise_and_no_zero_width_interval(
    session: Session,
) -> None:
    view = session.view(Settings(KEY, (("staff.mentors", 2),)))
    promise = "2 ever attached to the labour market (ordinary work, flexjob or education)"
    assert any(
        line.startswith(f"chance of reaching attached_2_of_5, {promise} by 2023-11-30: ")
        for line in view.differences
    ), view.differences
    # Every pair the same (none reaches it in either setting, or all): said, not "[+0.0, +0.0]".
    assert session.current is not None
    original, results = session.original, session.current[2]
    paired = paired_differences(original.replications, results.replications)
    reached = paired["outcome"].str.startswith("reached:")
    for column in ("mean_a", "mean_b", "difference", "ci_low", "ci_high"):
        paired.loc[reached, column] = 0.0
    paired.loc[paired["outcome"] == "reached:paid_1_of_5", ["mean_a", "ci_low", "ci_high"]] = 1.0
    paired.loc[paired["outcome"] == "reached:paid_1_of_5", ["difference", "mean_b"]] = [-1.0, 0.0]
    lines = [line for line in difference_lines(Comparison(original, results, paired))
             if line.startswith("chance")]  # fmt: skip
    assert lines[0].endswith(
        f"0% -> 0%, difference +0.0 points (the same in all {REPLICATIONS} paired replications)"
    ), lines
    assert lines[1].endswith(
        f"100% -> 0%, difference -100.0 points (the same change in all {REPLICATIONS} "
        "paired replications)"
    ), lines
    assert not any("[+0.0, +0.0]" in line or "[-100.0, -100.0]" in line for line in lines)


def test_what_would_it_take_on_the_current_setting(session: Session) -> None:
    session.view(Settings(KEY, (("staff.mentors", 3),)))
    goal = session.what_would_it_take("paid_1_of_5", 0.5, "staff.mentors")
    promise = "1 ever in paid work (ordinary, small job or flexjob) by 2023-11-30"
    assert goal.question.startswith(f"What would it take to reach {promise} with 50% ")
    assert "moving mentors from" in goal.question
    (line,) = goal.lines  # the report's sentence: the lever in words, now at 3
    assert line.startswith(promise) and "mentors" in line and "(now 3)" in line, line
    with pytest.raises(ls.ScenarioError, match=r"^lever: expected a lever of the scenario"):
        session.what_would_it_take("paid_1_of_5", 0.5, "staff.wizards")
    with pytest.raises(ls.ScenarioError, match=r"paid_99"):
        session.what_would_it_take("paid_99", 0.5, "staff.mentors")


# -- the page in a real browser ---------------------------------------------------------------
@dataclass
class Server:
    """The explorer served from a thread of this process (the engine is warm here)."""

    address: str = ""
    stop: Callable[[], None] | None = None
    thread: threading.Thread | None = None


@pytest.fixture
def server(koege: ls.Scenario, capsys: pytest.CaptureFixture[str]) -> Iterator[Server]:
    """``serve`` (what ``labour-sim explore`` runs) on Koege, on a free port of 127.0.0.1."""
    pytest.importorskip("panel", reason="the explore extra (panel) is not installed")
    from labour_sim.explorer.app import free_port, serve

    served = Server()
    started = threading.Event()

    def on_start(address: str, stop: Callable[[], None]) -> None:
        served.address, served.stop = address, stop
        started.set()

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        options = Options(replications=REPLICATIONS, workers=1)
        serve({KEY: koege}, options, port=free_port(), open_browser=False, on_start=on_start)

    served.thread = threading.Thread(target=run, daemon=True)
    served.thread.start()
    assert started.wait(60), "the server did not start"
    assert served.address.startswith("http://127.0.0.1:")
    try:
        yield served
    finally:
        if served.thread.is_alive() and served.stop is not None:
            served.stop()
            served.thread.join(20)


def test_a_page_is_built_only_for_the_servers_own_address(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A page elsewhere whose name points at 127.0.0.1 (DNS rebinding) names its own host:
    # it gets a refusal, and no page (no simulation) is built for it.
    from labour_sim.explorer import app

    built: list[str] = []
    real = app.explorer
    monkeypatch.setattr(app, "explorer", lambda *a, **k: built.append("page") or real(*a, **k))
    port = int(server.address.rstrip("/").rsplit(":", 1)[1])
    for host in (f"attacker.example:{port}", f"127.0.0.1:{port}", f"localhost:{port}"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", "/", headers={"Host": host})
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 200, host
        assert built == ([] if host.startswith("attacker") else ["page"]), host
        built.clear()


@pytest.mark.slow
def test_the_explorer_in_chromium(
    browser: Any,
    server: Server,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    address = server.address
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # A bad link: the command line's one-line message, no traceback; the scenario as written.
    page.goto(address + f"?scenario={KEY}&staff.mentors=many", wait_until="load")
    problem = page.locator(".link-problem .problem")
    problem.wait_for(timeout=60_000)
    assert problem.inner_text() == "staff.mentors: expected a whole number; got 'many' in the link"
    chance = page.locator('.verdict[data-target="attached_2_of_5"] .chance')
    chance.wait_for(timeout=60_000)
    before = chance.inner_text()

    # Every slider's title shows its whole label and value (a long label once hid the value).
    titles = page.locator(".lever .bk-slider-title")
    assert titles.count() > 0
    clipped = titles.evaluate_all(
        "ts => ts.filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.innerText)"
    )
    assert clipped == [], clipped

    started = time.perf_counter()
    page.locator(".lever-staff-mentors .noUi-handle").focus()
    page.keyboard.press("Home")  # the fewest mentors the slider offers (2)
    _wait_for_change(page, chance, before)
    seconds = time.perf_counter() - started
    print(f"\nthe probability changed {before} -> {chance.inner_text()} in {seconds:.1f} s")
    page.wait_for_url("**staff.mentors=2**", timeout=10_000)  # the link holds the setting
    differences = page.locator(".differences li")  # (in the pane's shadow root)
    assert "chance of reaching attached_2_of_5" in " ".join(differences.all_inner_texts())
    assert "municipality" in page.locator("#payers").inner_text()  # the payers' net

    def no_run(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the report ran a simulation")

    with monkeypatch.context() as patched:  # the server runs in this process
        patched.setattr(session_module, "run_experiment", no_run)
        with page.expect_download(timeout=60_000) as download:
            page.locator(".download button, .download a").first.click()
        report = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Taettere paa job, Koege" in report and 'id="verdict"' in report
    assert "staff.mentors=2" in report  # its footer says how to get this setting back
    assert 'id="payers"' in report and "Net cost against business as usual" in report

    screenshot = Path(os.environ.get("LABOUR_SIM_EXPLORER_SCREENSHOT") or tmp_path / "e.png")
    page.screenshot(path=str(screenshot), full_page=False)
    assert screenshot.stat().st_size > 10_000

    # An impossible setting: the one-line message beside the slider that caused it.
    page.get_by_text("More: groups").click()
    page.locator(".lever-groups-under_30_long_term-share .noUi-handle").focus()
    page.keyboard.press("Home")
    beside = page.locator(".problem-for-groups-under_30_long_term-share .problem")
    beside.wait_for(timeout=30_000)
    assert beside.inner_text().startswith("groups.*.share: expected shares that sum to 1; got ")
    assert "Traceback" not in page.content()
    assert problems == []
    context.close()

    assert server.stop is not None and server.thread is not None
    server.stop()  # as Ctrl-C does: the server stops cleanly
    server.thread.join(20)
    assert not server.thread.is_alive()
    out = capsys.readouterr().out
    assert f"at {address} ({REPLICATIONS} replications per setting" in out
    assert out.rstrip().endswith("labour-sim explore: stopped")


def _wait_for_change(page: Any, locator: Any, before: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while locator.inner_text() == before:
        assert time.monotonic() < deadline, f"the probability stayed {before}"
        page.wait_for_timeout(100)
