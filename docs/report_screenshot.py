"""Screenshot the first screen of a report (1280 x 800) for the README: ``make screenshot``.

Usage: ``python docs/report_screenshot.py REPORT.html OUT.png``. Needs the dev extras
(Playwright) and a Chromium: Debian's ``/usr/bin/chromium`` if installed, else the one
``playwright install chromium`` downloads.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}


def screenshot(report: Path, out: Path) -> Path:
    """Write the first screen of ``report`` at 1280 x 800 to ``out`` (PNG)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM) if CHROMIUM.exists() else None,
            headless=True,
            args=["--no-sandbox"],
        )
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(report.resolve().as_uri(), wait_until="load")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
        finally:
            browser.close()
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python docs/report_screenshot.py REPORT.html OUT.png")
    print(f"first screen written to {screenshot(Path(sys.argv[1]), Path(sys.argv[2]))}")
