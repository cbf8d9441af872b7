"""Notebooks in a real JupyterLab, in a real browser, with no network.

The test starts JupyterLab (``jupyter lab --no-browser`` on a free loopback port, with a token
of its own, configuration, runtime and workspace folders in a temporary directory, no update
check, no news, no extension manager reaching out), opens a notebook in headless Chromium that
resolves no host name but the loopback (:mod:`browser`), runs all cells with JupyterLab's own
"Run All Cells" command, saves, and asserts that the notebook raised nothing, that every chart
output was drawn by vega-embed (an SVG with its marks), that the console logged no error and
that the page fetched nothing from outside the server. One notebook is run — 01, the fastest — the
others are drawn from their HTML export in ``test_notebooks.py``. Then a
notebook whose output was made elsewhere (untrusted: JupyterLab strips its scripts) is opened,
and its static chart must show. Screenshots of every chart go to ``tests/artifacts/jupyterlab/``.

The notebooks are copied to a temporary folder (beside a link to ``data/``), so JupyterLab's
saving never touches the committed, output-free notebooks.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import (
    ARTIFACTS,
    CHARTS_SETTLED_JS,
    DevTools,
    chart_states,
    console_errors,
    requested_urls,
    skip_without_chromium,
)

ROOT = Path(__file__).resolve().parents[1]
#: The notebook run in JupyterLab, the fastest (its bubble chart with labels and leader lines,
#: its stacked bars under a line); every notebook's charts are drawn from its HTML export in
#: test_notebooks.py. Drawing in JupyterLab is the same for every chart: the output's script
#: runs when JupyterLab attaches it.
LAB_NOTEBOOK = "01_portfolio_overview.ipynb"
#: JavaScript: open nothing new; run every cell of the notebook in view, then save it. Sets
#: ``window.__pmoRun`` to ``done`` or to the error.
RUN_ALL_JS = """(async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  window.__pmoRun = "running";
  app.commands.execute("notebook:run-all-cells")
    .then(() => app.commands.execute("docmanager:save"))
    .then(() => { window.__pmoRun = "done"; }, (err) => { window.__pmoRun = "error: " + err; });
  return true;
})()"""
#: JavaScript: true once JupyterLab shows the notebook (file name) and its kernel session exists.
NOTEBOOK_OPEN_JS = (
    "!!(window.jupyterapp && window.jupyterapp.shell.currentWidget"
    " && window.jupyterapp.shell.currentWidget.sessionContext"
    " && window.jupyterapp.shell.currentWidget.context.path === 'notebooks/%s')"
)


@dataclass
class Lab:
    """A running JupyterLab: its URL, token and the folder it serves."""

    url: str
    token: str
    root: Path

    def notebook_url(self, name: str) -> str:
        """The notebook ``name`` alone in a fresh workspace of its own (``reset``)."""
        workspace = Path(name).stem.replace("_", "-")
        return (
            f"{self.url}/lab/workspaces/{workspace}/tree/notebooks/{name}?reset&token={self.token}"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab stopped: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer in 120 s: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def chromium() -> str:
    return skip_without_chromium("JupyterLab")


@pytest.fixture
def lab(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    (root / "data").symlink_to(ROOT / "data")
    port, token = _free_port(), secrets.token_hex(16)
    private = {name: root / f".{name}" for name in ("config", "runtime", "ipython", "ws", "user")}
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(private["config"]),
        "JUPYTER_RUNTIME_DIR": str(private["runtime"]),
        "IPYTHONDIR": str(private["ipython"]),
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",  # CI runs as root
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to run the notebook
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.workspaces_dir={private['ws']}",
        f"--LabApp.user_settings_dir={private['user']}",
    ]
    log = root / "jupyterlab.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{url}/api/status?token={token}", process, log)
        yield Lab(url, token, root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _outputs(path: Path) -> list[dict]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [
        output
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    ]


def _is_chart(output: dict) -> bool:
    return str("".join(output.get("data", {}).get("text/plain", ""))).startswith("alt.")


def _screenshots(browser: DevTools, stem: str, n: int) -> None:
    folder = ARTIFACTS / "jupyterlab"
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        browser.screenshot_element(
            ".jp-OutputArea-output .pmo-chart", k, folder / f"{stem}_{k + 1}.png"
        )


def _run_all(chromium: str, lab: Lab, name: str, profile: Path) -> tuple[str, list[dict], DevTools]:
    """Open notebook ``name`` in JupyterLab, run all cells, save; the run's outcome, the state
    of every chart drawn, and the (closed) browser with its events."""
    browser = DevTools(chromium, profile)
    try:
        browser.open(lab.notebook_url(name), width=1400, height=1000)
        browser.wait_for(NOTEBOOK_OPEN_JS % name, timeout=120)
        browser.evaluate(RUN_ALL_JS, timeout=120)
        browser.wait_for("window.__pmoRun !== 'running'", timeout=600)
        run = str(browser.evaluate("window.__pmoRun"))
        browser.wait_for(CHARTS_SETTLED_JS, timeout=60)
        charts = chart_states(browser)
        _screenshots(browser, Path(name).stem, len(charts))
    finally:
        browser.close()
    return run, charts, browser


def _open_untrusted(chromium: str, lab: Lab, profile: Path) -> tuple[list[dict], DevTools]:
    """Open a notebook whose chart output was made elsewhere (not signed, so untrusted); the
    state of its chart once the static image has loaded."""
    import altair as alt
    import nbformat
    import pandas as pd

    from pmo_analytics.charts import offline_renderer

    frame = pd.DataFrame({"quarter": ["2027Q1", "2027Q2", "2027Q3"], "cost": [3.0, 5.0, 4.0]})
    spec = alt.Chart(frame).mark_bar().encode(x="quarter:O", y="cost:Q").to_dict()
    bundle = {**offline_renderer(spec), "text/plain": "alt.Chart(...)"}
    notebook = nbformat.v4.new_notebook()
    output = nbformat.v4.new_output("execute_result", bundle, execution_count=1)
    notebook.cells = [nbformat.v4.new_code_cell("chart", execution_count=1, outputs=[output])]
    nbformat.write(notebook, lab.root / "notebooks" / "untrusted.ipynb")
    browser = DevTools(chromium, profile)
    try:
        browser.open(lab.notebook_url("untrusted.ipynb"), width=1400, height=1000)
        browser.wait_for(NOTEBOOK_OPEN_JS % "untrusted.ipynb", timeout=120)
        browser.wait_for(
            "Array.from(document.querySelectorAll('.jp-OutputArea-output .pmo-chart img'))"
            ".some(i => i.complete && i.naturalWidth > 100)",
            timeout=60,
        )
        charts = chart_states(browser)
        _screenshots(browser, "untrusted", len(charts))
    finally:
        browser.close()
    return charts, browser


def test_jupyterlab_draws_every_chart_offline_and_the_static_chart_when_untrusted(
    chromium: str, lab: Lab, tmp_path: Path
) -> None:
    run, charts, browser = _run_all(chromium, lab, LAB_NOTEBOOK, tmp_path / "run")
    assert run == "done", run
    outputs = _outputs(lab.root / "notebooks" / LAB_NOTEBOOK)
    raised = [o for o in outputs if o["output_type"] == "error"]
    assert not raised, raised
    expected = sum(_is_chart(o) for o in outputs)
    assert expected > 0 and len(charts) == expected, (expected, charts)
    for chart in charts:
        assert chart["state"] == "drawn" and chart["svgs"] == 1, (chart, browser.stderr[-2000:])
        assert chart["shapes"] > 5 and chart["width"] > 100, chart
    assert not console_errors(browser.events)
    outside = [
        u for u in requested_urls(browser.events) if not u.startswith((lab.url, "data:", "blob:"))
    ]
    assert not outside, outside

    # JupyterLab sanitises an untrusted output (no script, no data- attributes): the static
    # PNG stays, loaded (the wait in _open_untrusted) and nothing was drawn over it
    charts, browser = _open_untrusted(chromium, lab, tmp_path / "untrusted")
    assert [(c["images"], c["svgs"]) for c in charts] == [(1, 0)], charts
    assert not console_errors(browser.events)
