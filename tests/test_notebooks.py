"""Every notebook runs, and its HTML export draws every chart with no network.

Each notebook in ``notebooks/`` is executed once, top to bottom, in a real kernel (nbclient, as
nbmake would), so any cell that raises fails the test. The executed notebook is exported to HTML
with nbconvert's default (lab) template, as "Save and Export Notebook As… HTML" does, and opened
in headless Chromium with no network (:mod:`browser`): every chart output of the notebook (an
altair chart, whose plain-text form starts with ``alt.``) must be drawn by vega-embed — an SVG
with its marks — and the page may log no error but nbconvert's own template's failures to fetch
require.js and MathJax from a CDN (neither draws charts). The executed notebooks, their HTML
and a screenshot of each chart are left in ``tests/artifacts/notebooks/``. Where Chromium is
absent the notebooks still run; only the drawing check is skipped, with a message.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pytest
from browser import (
    ARTIFACTS,
    CHARTS_SETTLED_JS,
    DevTools,
    chart_states,
    chromium_binary,
    console_errors,
    requested_urls,
)

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
#: A call of a chart function in a notebook cell (``pa.charts.roadmap_chart(``).
CHART_CALL = re.compile(r"\bpa\.charts\.\w+_(?:chart|heatmap)\(")


def execute(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` executed top to bottom in a fresh kernel, in its folder."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


def chart_outputs(notebook: nbformat.NotebookNode) -> int:
    """How many outputs of the notebook show an altair chart (whatever the renderer)."""
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if str(output.get("data", {}).get("text/plain", "")).startswith("alt.")
    )


def template_urls() -> set[str]:
    """What nbconvert's HTML template itself fetches from a CDN (require.js, MathJax)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    return {exporter.require_js_url, exporter.mathjax_url}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_its_html_export_draws_every_chart_offline(path: Path, tmp_path: Path):
    from nbconvert import HTMLExporter

    started = time.monotonic()
    notebook = execute(path)
    seconds = time.monotonic() - started
    calls = sum(
        len(CHART_CALL.findall(cell.source)) for cell in notebook.cells if cell.cell_type == "code"
    )
    expected = chart_outputs(notebook)
    assert expected == calls, f"{expected} chart outputs for {calls} chart calls"
    folder = ARTIFACTS / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / path.name)
    page = folder / f"{path.stem}.html"
    page.write_text(HTMLExporter().from_notebook_node(notebook)[0], encoding="utf-8")

    binary = chromium_binary()
    if binary is None:
        pytest.skip(
            f"{path.name} ran ({seconds:.0f} s) and was exported to HTML; chromium is not "
            "installed, so whether the export draws its charts is not checked "
            "(apt-get install chromium; .ci/run does)"
        )
    allowed = template_urls()
    browser = DevTools(binary, tmp_path / "profile")
    browser.ignore_urls = allowed
    try:
        browser.open(page.as_uri())
        browser.wait_for("document.readyState === 'complete'")
        browser.wait_for(CHARTS_SETTLED_JS, timeout=60)
        charts = chart_states(browser)
        for k in range(len(charts)):
            browser.screenshot_element(".pmo-chart", k, folder / f"{path.stem}_chart{k + 1}.png")
    finally:
        stderr = browser.close()

    assert len(charts) == expected, charts
    for chart in charts:
        assert chart["state"] == "drawn" and chart["svgs"] == 1, (chart, stderr[-2000:])
        assert chart["shapes"] > 5, chart
    assert not console_errors(browser.events, ignore_urls=allowed)
    fetched = {u for u in requested_urls(browser.events) if not u.startswith(("file:", "data:"))}
    assert fetched <= allowed, fetched - allowed
