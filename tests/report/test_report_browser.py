"""The report in a real browser: headless Chromium opens report.html with no network, draws every
chart (vega-embed's SVG in each chart container proves the inlined JavaScript ran), logs no
console error and no warning (Vega logs a spec it has to correct, such as an order channel on a
nominal field, as a console warning), requests nothing but the file itself, runs none of the
user text as script, and prints to PDF. Screenshots (screen and print media) and the PDF go to
tests/artifacts/.

Chromium is driven over the DevTools protocol (:mod:`browser`); where Debian's ``chromium`` is
absent the test is skipped with a message (``.ci/run`` installs it).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from browser import (
    ARTIFACTS,
    DevTools,
    console_errors,
    console_warnings,
    requested_urls,
    skip_without_chromium,
)
from report_helpers import nasty_plan, nasty_portfolio

import pmo_analytics as pa
from pmo_analytics.report.html import CHART_IDS


@pytest.fixture(scope="module")
def chromium() -> str:
    return skip_without_chromium("the report")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    from pmo_analytics.explore.frontier import efficient_frontier
    from pmo_analytics.explore.scenario_runs import run_scenarios

    portfolio, plan = nasty_portfolio(), nasty_plan()
    # the real scenario comparison and frontier, as a run would pass them
    comparison = run_scenarios(
        portfolio, [{"name": "<b>Budget -10%</b>", "budget": {"scale": 0.9}}]
    )
    frontier = efficient_frontier(portfolio, budget_scales=[0.8, 1.0])
    path = tmp_path_factory.mktemp("report") / "report.html"
    pa.write_report(plan, path, comparison=comparison, frontier=frontier, explain=3)
    return path


def test_report_renders_offline_without_console_errors_or_warnings(chromium, report_file, tmp_path):
    browser = DevTools(chromium, tmp_path / "profile")
    try:
        browser.open(report_file.as_uri())
        browser.wait_for("document.body && document.body.getAttribute('data-charts') === 'done'")
        charts = json.loads(
            browser.evaluate(
                "JSON.stringify(Array.from(document.querySelectorAll('.pmo-chart')).map(e => ({"
                "id: e.id, marks: e.querySelectorAll('svg.marks').length,"
                "shapes: e.querySelectorAll('svg path, svg rect, svg line').length,"
                "width: e.getBoundingClientRect().width})))"
            )
        )
        ARTIFACTS.mkdir(exist_ok=True)
        browser.screenshot(ARTIFACTS / "report.png")
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 794, "height": 1123, "deviceScaleFactor": 1, "mobile": False},
        )
        browser.send("Emulation.setEmulatedMedia", {"media": "print"})
        browser.screenshot(ARTIFACTS / "report_print.png")
        # printed on A4, every chart fits the page width (scaled, not cut off)
        overflow = browser.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('.pmo-chart svg.marks')).map(s =>"
            " s.getBoundingClientRect().right - document.body.getBoundingClientRect().right))"
        )
        pdf = base64.b64decode(
            browser.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})[
                "data"
            ]
        )
        (ARTIFACTS / "report.pdf").write_bytes(pdf)
        alert_ran = browser.evaluate("window.__alerted === true")
    finally:
        stderr = browser.close()

    assert [c["id"] for c in charts] == list(CHART_IDS), charts
    for chart in charts:
        assert chart["marks"] == 1 and chart["shapes"] > 5, (chart, stderr[-2000:])
    errors = console_errors(browser.events)
    assert not errors, errors
    warnings = console_warnings(browser.events)
    assert not warnings, warnings
    requests = requested_urls(browser.events)
    assert requests == [report_file.as_uri()], requests
    dialogs = [e for e in browser.events if e.get("method") == "Page.javascriptDialogOpening"]
    assert not dialogs and not alert_ran
    assert overflow <= 1, overflow
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    assert pdf.startswith(b"%PDF") and len(pages) >= 3, len(pages)
