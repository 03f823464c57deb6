"""The report in a real browser: headless Chromium (Debian's), driven by Playwright.

The ``browser`` fixture (``conftest.py``) installs Chromium with apt-get when it is missing
and skips, saying why, only when that install fails.

One browser session checks the first screen at 1280 x 800 (every answer on it, no block
over another), that no figure overlaps a neighbour, and the printed PDF (at most
:data:`MOST_PAGES` A4 pages, none ending with a heading; pages read with pypdf).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from labour_sim.report import write_report
from shared_inputs import Inputs

VIEWPORT = {"width": 1280, "height": 800}
#: The printed report's length limit (A4 pages).
MOST_PAGES = 12
#: The screenshot of the first screen beside the README's description of the report.
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "report_first_screen.png"
#: What the first screen must show without scrolling (element ids and their content).
FIRST_SCREEN = {
    "verdict": "likely",
    "basis": "Uncalibrated.",
    "bottleneck": "No capacity binds",
    "what-it-takes": "out of reach by one lever",
    "cost-per-sustained-job": "programme cost per additional job held 26 weeks",
    "payers": "municipality",
    "disagreement": "2 of 4 figures reported",
    "intervals": "they exclude the uncertainty of the",
}

#: Bounding boxes of the visible children of each element matching a selector (a 1 px box,
#: such as a heading hidden for screen readers only, is not visible), as
#: ``[[selector index, [[x, y, width, height, tag], ...]], ...]`` (page coordinates).
_CHILD_BOXES = """selectors => selectors.flatMap((sel, k) =>
  Array.from(document.querySelectorAll(sel)).map(parent => [k,
    Array.from(parent.children).map(c => {
      const r = c.getBoundingClientRect(), st = getComputedStyle(c);
      return [r.x + scrollX, r.y + scrollY, r.width, r.height, c.tagName.toLowerCase(),
              st.visibility !== "hidden" && st.display !== "none" && r.width > 1 && r.height > 1];
    }).filter(b => b[5])]))"""


@pytest.fixture(scope="module")
def report(inputs: Inputs, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Lolland-Falster report, from the inputs the report tests use (built once)."""
    path = tmp_path_factory.mktemp("browser") / "lolland.html"
    return write_report(
        inputs.scenario, path, inputs.results,
        sensitivity=inputs.sensitivity, evaluation=inputs.evaluation,
        observations=inputs.observations, business=inputs.business, goals=inputs.goals,
    )  # fmt: skip


@pytest.mark.slow
def test_report_renders_in_chromium(
    browser: Any, report: Path, tmp_path: Path, record_property: Any
) -> None:
    context = browser.new_context(viewport=VIEWPORT, offline=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(report.as_uri(), wait_until="load")

    images = page.evaluate(
        "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
    )
    assert len(images) >= 6
    assert all(done and width > 0 and len(alt) > 20 for done, width, alt in images), images
    assert problems == []
    assert all(url.startswith(("file:", "data:")) for url in requested), requested

    # The first screen answers without scrolling: each block in full inside 1280 x 800.
    for key, words in FIRST_SCREEN.items():
        block = page.locator(f"#{key}")
        assert block.is_visible(), key
        box = block.bounding_box()
        assert box is not None and box["y"] >= 0, key
        assert box["y"] + box["height"] <= VIEWPORT["height"], (key, box)
        assert words in block.inner_text(), (key, block.inner_text())
    # No block over another: siblings in the first screen, and figures and their parts.
    containers = ["header", "#verdict", "#verdict .verdicts", "#verdict .keyfacts",
                  "#verdict .answers", "section.chapter", ".pair", "figure"]  # fmt: skip
    for k, boxes in page.evaluate(_CHILD_BOXES, containers):
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not _overlap(a, b), (containers[k], a, b)

    screenshot = tmp_path / "report_first_screen.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000
    record_property("screenshot", str(screenshot))
    print(f"\nfirst screen of the report: {screenshot}")
    assert SCREENSHOT.is_file() and SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # The print stylesheet: no contents list, at most MOST_PAGES A4 pages, no orphan heading.
    headings = {
        " ".join(t.split())
        for t in page.evaluate(
            "Array.from(document.querySelectorAll('h1, h2, h3, h4')).map(h => h.innerText)"
        )
    }
    page.emulate_media(media="print")
    assert not page.locator("nav.toc").is_visible()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
    context.close()
    pages = [p.extract_text() for p in PdfReader(str(pdf)).pages]
    assert len(pages) <= MOST_PAGES, len(pages)
    for number, text in enumerate(pages[:-1], start=1):
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        assert lines and not _is_heading(lines[-1], headings), (number, lines[-1])


def _overlap(a: list[Any], b: list[Any], slack: float = 0.5) -> bool:
    """Whether two boxes ``[x, y, width, height, ...]`` overlap by more than ``slack`` px."""
    return (
        min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]) > slack
        and min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]) > slack
    )


def _is_heading(line: str, headings: set[str]) -> bool:
    """A page's last line is a heading, or the end of one that wrapped (three words or more)."""
    return line in headings or (len(line.split()) >= 3 and any(h.endswith(line) for h in headings))
