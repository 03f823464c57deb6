"""The report in a real browser: headless Chromium (Debian's), driven by Playwright.

The ``browser`` fixture (``conftest.py``) installs Chromium with apt-get when it is missing
and skips, saying why, only when that install fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from labour_sim.report import write_report
from shared_inputs import Inputs

VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def report(inputs: Inputs, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Lolland-Falster report, from the inputs the report tests use (built once)."""
    path = tmp_path_factory.mktemp("browser") / "lolland.html"
    return write_report(
        inputs.scenario, path, inputs.results,
        sensitivity=inputs.sensitivity, evaluation=inputs.evaluation,
        observations=inputs.observations,
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

    verdict = page.locator("#verdict .verdicts")
    assert verdict.is_visible()
    box = verdict.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], box
    cost = page.locator("#cost-per-sustained-job")
    cost_box = cost.bounding_box()
    assert cost_box is not None and cost_box["y"] + cost_box["height"] <= VIEWPORT["height"]
    assert "programme cost per additional job held 26 weeks" in cost.inner_text()

    screenshot = tmp_path / "report_first_screen.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000
    record_property("screenshot", str(screenshot))
    print(f"\nfirst screen of the report: {screenshot}")

    # The print stylesheet: no contents list, and the page prints to a PDF.
    page.emulate_media(media="print")
    assert not page.locator("nav.toc").is_visible()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
    context.close()
