"""The explorer's page: Panel widgets and layout, reading only the view model.

One :class:`ExplorerPage` per open browser tab. It shows the scenario chooser, a slider
per lever (the important ones open, the rest in collapsed sections, each with its unit and
its source or assumption beside it), the verdict cards, the key figures, a fan chart, the
difference from the original setting, "what would it take" and the report download. It
computes nothing itself: every number comes from a :class:`~.view.View` or
:class:`~.view.GoalView` that a :class:`Computation` (the session, given by the app) hands
back, so this module imports no simulating function (``tests/test_layers.py`` checks it).

Slow work runs off the server's event loop (in a thread) with a loading indicator; a
slider reports its value when released (``value_throttled``), and a newer setting
overtakes one still waiting. A mistake (an impossible combination, a bad link) shows the
command line's one-line message beside the control it is about, never a traceback; the
last valid setting stays in the page's link (the address bar), which is all the state a
page keeps beyond its tab.
"""

from __future__ import annotations

import asyncio
import html
import tempfile
from collections.abc import Callable, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any, Protocol

import panel as pn

from ..errors import ScenarioError
from ..scenario import Scenario
from .state import (
    SCENARIO_KEY,
    LeverSpec,
    Settings,
    error_text,
    is_about,
    lever_specs,
    parse_link,
    settings_of,
)
from .view import GoalView, View

__all__ = ["CSS", "GOAL_PROBABILITIES", "Computation", "ExplorerPage"]

#: The probabilities "what would it take" offers.
GOAL_PROBABILITIES = (0.5, 0.66, 0.8, 0.9, 0.95)

#: A slider's title (its label and value) wraps: a long label cut at the width hid the value.
SLIDER_CSS = ":host .bk-slider-title { white-space: normal; overflow-wrap: anywhere; }"
CSS = """
.verdicts { display: flex; gap: 12px; flex-wrap: wrap; margin: 0; padding: 0; }
.verdict { list-style: none; border-radius: 8px; padding: 10px 14px; min-width: 220px;
  max-width: 320px; border-left: 6px solid #888; background: #f6f6f6; }
.verdict.likely { border-color: #1b7837; } .verdict.unlikely { border-color: #b2182b; }
.verdict.uncertain { border-color: #e08214; }
.verdict .promise { font-weight: 600; margin: 0 0 4px 0; }
.verdict .chance { font-size: 1.9em; font-weight: 700; margin: 0; }
.verdict .words, .verdict .detail { margin: 2px 0; font-size: 0.9em; }
.keyfacts { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 10px; }
.keyfact { border: 1px solid #ddd; border-radius: 8px; padding: 8px 12px; max-width: 320px; }
.keyfact .value { font-size: 1.4em; font-weight: 700; margin: 0; }
.keyfact .label, .keyfact .detail { margin: 2px 0; font-size: 0.85em; }
.lever-origin { font-size: 0.8em; color: #555; margin: -6px 0 6px 0; }
.problem { color: #b2182b; font-weight: 600; font-size: 0.9em; }
.basis, .note { font-size: 0.9em; color: #333; }
"""


class Computation(Protocol):
    """What the page needs from a session (see :class:`.session.Session`)."""

    def view(self, settings: Settings, shown: str | None = None) -> View:
        """Run ``settings`` and describe the result."""
        ...

    def what_would_it_take(self, target: str, probability: float, lever: str) -> GoalView:
        """The smallest ``lever`` value that reaches ``target`` with ``probability``."""
        ...

    def write_report(self, path: str | Path) -> Path:
        """Write the report of the last setting shown to ``path``."""
        ...


class ExplorerPage:
    """The page of one browser tab.

    Parameters
    ----------
    scenarios : mapping
        The scenarios offered, by key (a file's stem), as written in their files.
    session : callable
        ``session(scenario, key)``: a new :class:`Computation` for a chosen scenario.
    query : str
        The link's query string (``scenario=KEY&PATH=VALUE...``), restored on load.
    replications : int
        Replications per setting (said on the page).
    """

    def __init__(
        self,
        scenarios: Mapping[str, Scenario],
        session: Callable[[Scenario, str], Computation],
        query: str = "",
        replications: int = 0,
    ) -> None:
        self.scenarios = dict(scenarios)
        self.make_session = session
        self.replications = replications
        self.generation = 0
        self.lock = asyncio.Lock()
        self.last_moved: str | None = None
        self.shown_target: str | None = None  # the target the fan chart shows
        self.location = pn.state.location  # this tab's address bar (None in a notebook)
        link_problem = ""
        try:
            settings = parse_link(query, self.scenarios)
        except ScenarioError as exc:
            link_problem = error_text(exc)
            key = dict(_pairs(query)).get(SCENARIO_KEY, "")
            settings = Settings(key if key in self.scenarios else next(iter(self.scenarios)))
        self.settings = settings
        self.session = self.make_session(self.scenarios[settings.scenario], settings.scenario)
        self.specs: list[LeverSpec] = lever_specs(self.scenarios[settings.scenario])

        self.chooser = pn.widgets.Select(
            label="Programme",
            options={s.name: k for k, s in self.scenarios.items()},
            value=settings.scenario,
            width=480,
            css_classes=["chooser"],
        )
        self.chooser.param.watch(self._chosen, "value")
        self.link_problem = _html(
            _problem_html(link_problem), css_classes=["link-problem"], visible=bool(link_problem)
        )
        self.status = _html("", css_classes=["status"])
        self.header = _html("", css_classes=["header"], sizing_mode="stretch_width")
        self.cards = _html("", css_classes=["cards"], sizing_mode="stretch_width")
        self.figure = pn.pane.Matplotlib(
            None, dpi=96, tight=True, format="png", width=760, css_classes=["fan"]
        )
        self.differences = _html("", css_classes=["differences"], width=760)
        self.results = pn.Column(
            self.header, self.cards, self.figure, self.differences, sizing_mode="stretch_width"
        )
        self.levers = pn.Column(width=400, css_classes=["levers"])
        self.sliders: dict[str, Any] = {}
        self.problems: dict[str, pn.pane.HTML] = {}
        self.target = pn.widgets.Select(label="Target", width=190, css_classes=["goal-target"])
        self.probability = pn.widgets.Select(
            label="Probability",
            options={f"{p:.0%}": p for p in GOAL_PROBABILITIES},
            value=0.8,
            width=100,
        )
        self.goal_lever = pn.widgets.Select(label="Lever to move", width=220)
        self.goal_button = pn.widgets.Button(
            label="What would it take?", color="primary", css_classes=["goal-button"]
        )
        self.goal_button.on_click(self._goal)
        self.target.param.watch(self._target_chosen, "value")
        self.goal_answer = _html("", css_classes=["goal-answer"], width=760)
        self.download = pn.widgets.FileDownload(
            callback=self._report,
            filename=f"{settings.scenario}_report.html",
            label="Download the full report (HTML)",
            color="success",
            css_classes=["download"],
        )
        self._build_levers(settings)
        goal = pn.Column(
            _html("<h3>What would it take?</h3>"),
            pn.Row(self.target, self.probability, self.goal_lever),
            self.goal_button,
            self.goal_answer,
        )
        self.layout = pn.Column(
            _html("<h1>labour_sim explorer: is the target realistic, at what cost?</h1>"),
            pn.Row(self.chooser, self.download),
            self.link_problem,
            self.status,
            pn.Row(self.levers, pn.Column(self.results, goal, sizing_mode="stretch_width")),
            sizing_mode="stretch_width",
        )

    # -- building ----------------------------------------------------------------------
    def _build_levers(self, settings: Settings) -> None:
        """The important levers' sliders, and a collapsed section for each other section.

        A section's sliders are built when it is first opened (or at once when the link
        moved one of its levers): a page with every lever built is slow to load.
        """
        values = settings.as_dict()
        self.sliders, self.problems = {}, {}
        sections: dict[str, list[LeverSpec]] = {}
        for spec in self.specs:
            if not spec.important:
                sections.setdefault(spec.section, []).append(spec)
        cards: list[Any] = [_html("<h3>Levers</h3>")]
        for spec in self.specs:
            if spec.important:
                cards += self._lever(spec, values.get(spec.path, spec.value))
        for section, specs in sections.items():
            card = pn.Card(
                title=f"More: {section}", collapsed=True, width=390,
                css_classes=["section-" + section],
            )  # fmt: skip
            if any(s.path in values for s in specs):
                self._fill(card, specs, values)
            else:
                card.param.watch(
                    lambda e, c=card, ss=specs: self._fill(c, ss, {}), "collapsed", onlychanged=True
                )
            cards.append(card)
        self.levers.objects = cards
        self.goal_lever.options = [s.path for s in self.specs if s.important]
        if "staff.mentors" in self.goal_lever.options:
            self.goal_lever.value = "staff.mentors"

    def _fill(self, card: pn.Card, specs: list[LeverSpec], values: dict[str, Any]) -> None:
        """Build the sliders of a collapsed section (once)."""
        if card.objects:
            return
        widgets: list[Any] = []
        for spec in specs:
            widgets += self._lever(spec, values.get(spec.path, spec.value))
        card.objects = widgets

    def _lever(self, spec: LeverSpec, value: float) -> list[Any]:
        """A lever's slider, its path and origin, and the place for its problem."""
        low, high = min(spec.low, value), max(spec.high, value)
        cls = pn.widgets.IntSlider if spec.whole else pn.widgets.FloatSlider
        slider = cls(
            label=f"{spec.label} ({spec.unit})",
            start=int(low) if spec.whole else low,
            end=int(high) if spec.whole else high,
            step=int(spec.step) if spec.whole else spec.step,
            value=value,
            width=360,
            css_classes=["lever", "lever-" + _css(spec.path)],
            stylesheets=[SLIDER_CSS],
        )
        slider.param.watch(self._moved, "value_throttled")
        problem = _html(
            "", visible=False, width=360, css_classes=["problem-for-" + _css(spec.path)]
        )
        origin = _html(
            f'<p class="lever-origin">{html.escape(spec.path)}: {html.escape(spec.origin)}</p>',
            width=360,
        )
        self.sliders[spec.path], self.problems[spec.path] = slider, problem
        return [slider, origin, problem]

    def panel(self) -> pn.Column:
        """The page's layout (served, or shown in a notebook)."""
        pn.state.onload(self._first)
        return self.layout

    # -- events ------------------------------------------------------------------------
    async def _first(self) -> None:
        await self._update(self.settings)

    async def _moved(self, event: Any) -> None:
        self.last_moved = next((p for p, s in self.sliders.items() if s is event.obj), None)
        changes = {p: s.value for p, s in self.sliders.items()}
        try:
            settings = settings_of(
                self.scenarios[self.settings.scenario], self.settings.scenario, changes, self.specs
            )
        except ScenarioError as exc:
            self._show_problems(exc)
            return
        self._show_problems(None)
        self.link_problem.visible = False  # the link's mistake is no longer the setting
        await self._update(settings)

    async def _chosen(self, event: Any) -> None:
        key = str(event.new)
        self.settings = Settings(key)
        self.session = self.make_session(self.scenarios[key], key)
        self.specs = lever_specs(self.scenarios[key])
        self.download.filename = f"{key}_report.html"
        self.goal_answer.object = ""
        self.link_problem.visible = False
        self._build_levers(self.settings)
        await self._update(self.settings)

    async def _target_chosen(self, event: Any) -> None:
        if event.new is not None and event.new != self.shown_target:
            await self._update(self.settings)

    async def _update(self, settings: Settings) -> None:
        """Run ``settings`` off the event loop and show it; a newer setting overtakes it."""
        self.generation += 1
        mine = self.generation
        self.status.object = _status(f"running {self.replications:,} replications ...")
        self.results.loading = True
        try:
            async with self.lock:
                if mine != self.generation:
                    return  # a newer setting is waiting
                shown = self.target.value
                view = await asyncio.get_running_loop().run_in_executor(
                    None, self.session.view, settings, shown
                )
        except ScenarioError as exc:
            self._show_problems(exc)
            self.status.object = ""
            return
        finally:
            if mine == self.generation:
                self.results.loading = False
        if mine != self.generation:
            return
        self.settings = settings
        self._show(view)

    def _show(self, view: View) -> None:
        head, _, rest = view.basis.partition(" ")
        self.header.object = (
            f"<h2>{html.escape(view.title)}</h2>"
            f'<p class="basis"><strong>{html.escape(head)}</strong> {html.escape(rest)}</p>'
            f'<p class="note">{html.escape(view.note)}</p>'
            f'<p class="changes">Levers moved: {html.escape(view.changes)} '
            f'(<a href="?{html.escape(view.link)}">link to this setting</a>)</p>'
        )
        self.cards.object = _cards_html(view)
        old = self.figure.object
        self.figure.object = view.figure
        if old is not None:
            old.clf()
        self.differences.object = (
            '<h3>Difference from the original setting</h3><p class="note">Paired on '
            "common random numbers (mean [95 % interval]); in the chart the dashed black "
            "line is the original setting's median.</p><ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in view.differences)
            + "</ul>"
            if view.differences
            else "<h3>Difference from the original setting</h3>"
            "<p>No lever moved: this is the scenario as written.</p>"
        )
        targets = [c.target for c in view.cards]
        self.shown_target = view.shown
        if list(self.target.options) != targets:
            self.target.options = targets
        self.target.value = view.shown
        self.status.object = _status(f"updated in {view.seconds:.1f} s")
        if self.location is not None:  # the address bar: the link restores the setting
            self.location.search = f"?{view.link}"

    def _show_problems(self, error: ScenarioError | None) -> None:
        for pane in self.problems.values():
            pane.object, pane.visible = "", False
        if error is None:
            self.status.object = ""
            return
        where = f" in {error.origin}" if error.origin else ""
        for problem in error.problems:
            levers = [p for p in self.sliders if is_about(problem.path, p)]
            if not levers and self.last_moved is not None:
                levers = [self.last_moved]
            for path in levers:
                pane = self.problems[path]
                pane.object = (pane.object or "") + _problem_html(f"{problem}{where}")
                pane.visible = True
        self.status.object = _problem_html(error_text(error) + " (not run: change the setting)")

    async def _goal(self, event: Any) -> None:
        target, lever = self.target.value, self.goal_lever.value
        if target is None or lever is None:
            return
        self.goal_answer.object = _status(
            f"searching {lever} for {target} ({self.replications:,} replications per value) ..."
        )
        self.goal_button.disabled = True
        self.goal_answer.loading = True
        try:
            answer = await asyncio.get_running_loop().run_in_executor(
                None, self.session.what_would_it_take, target, float(self.probability.value), lever
            )
        except ScenarioError as exc:
            self.goal_answer.object = _problem_html(error_text(exc))
            return
        finally:
            self.goal_button.disabled = False
            self.goal_answer.loading = False
        self.goal_answer.object = (
            f"<p><strong>{html.escape(answer.question)}</strong></p>"
            + "".join(f"<p>{html.escape(line)}</p>" for line in answer.lines)
            + f'<p class="note">searched in {answer.seconds:.0f} s</p>'
        )

    def _report(self) -> BytesIO:
        with tempfile.TemporaryDirectory(prefix="labour-sim-explore-") as folder:
            path = self.session.write_report(Path(folder) / "report.html")
            return BytesIO(path.read_bytes())


def _html(text: str, **options: Any) -> pn.pane.HTML:
    """An HTML pane styled by :data:`CSS` (each pane has its own shadow root)."""
    return pn.pane.HTML(text, stylesheets=[CSS], **options)


def _pairs(query: str) -> list[tuple[str, str]]:
    import urllib.parse

    return urllib.parse.parse_qsl(query.removeprefix("?"), keep_blank_values=True)


def _css(path: str) -> str:
    """A lever's path as part of a CSS class: ``staff.mentors`` -> ``staff-mentors``."""
    return path.replace(".", "-")


def _problem_html(text: str) -> str:
    return f'<p class="problem" role="alert">{html.escape(text)}</p>' if text else ""


def _status(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def _cards_html(view: View) -> str:
    cards = "".join(
        f'<li class="verdict {c.kind}" data-target="{html.escape(c.target)}">'
        f'<p class="promise">{html.escape(c.promise)}</p>'
        f'<p class="chance">{html.escape(c.chance)}</p>'
        f'<p class="words">{html.escape(c.words)}</p>'
        f'<p class="detail">{html.escape(c.detail)}</p></li>'
        for c in view.cards
    )
    facts = "".join(
        f'<div class="keyfact"><p class="value">{html.escape(f.value)}</p>'
        f'<p class="label">{html.escape(f.label)}</p>'
        f'<p class="detail">{html.escape(f.detail)}</p></div>'
        for f in view.facts
    )
    verdicts = f'<ul class="verdicts">{cards}</ul>' if cards else "<p>No targets.</p>"
    payers = (
        '<p class="payers" id="payers"><strong>Net cost against business as usual:</strong> '
        f"{html.escape(view.payers)}</p>"
    )
    return f'<section id="verdict">{verdicts}<div class="keyfacts">{facts}</div>{payers}</section>'
