"""The report in a real browser: headless Chromium opens report.html with no network, draws every
chart (vega-embed's SVG in each chart container proves the inlined JavaScript ran), logs no
console error and no warning (Vega logs a spec it has to correct, such as an order channel on a
nominal field, as a console warning), requests nothing but the file itself, runs none of the
user text as script, and prints to PDF. Screenshots (screen and print media) and the PDF go to
tests/artifacts/.

Chromium is driven over the DevTools protocol through a pipe (``--remote-debugging-pipe``), so
no extra package is needed. Where Debian's ``chromium`` is absent the test is skipped with a
message (``.ci/run`` installs it).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from report_helpers import nasty_plan, nasty_portfolio

import pmo_analytics as pa
from pmo_analytics.report.html import CHART_IDS

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


class DevTools:
    """A headless Chromium driven over the DevTools protocol on fds 3 (in) and 4 (out)."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child: the pipe ends become fds 3 and 4
            high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--hide-scrollbars",
            "--mute-audio",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
        ]
        self.process = subprocess.Popen(
            [binary, *flags],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=wire,
            pass_fds=(3, 4),
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._buffer = b""
        self.events: list[dict] = []
        self.session: str | None = None

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, *, timeout: float = 30.0) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method} failed: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def evaluate(self, expression: str) -> object:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, *, width: int = 1280, height: int = 900) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        # a dialog would block the page: record that one was asked for instead
        self.send(
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": "window.alert = function () { window.__alerted = true; };"},
        )
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        self.send("Page.navigate", {"url": url})

    def wait_for(self, expression: str, *, timeout: float = 30.0) -> object:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            errors = console_errors(self.events)
            if errors:  # the page broke: say how, rather than wait for the time-out
                raise AssertionError(f"the page logged errors: {errors}")
            time.sleep(0.1)
        raise TimeoutError(f"the page never satisfied {expression!r}")

    def screenshot(self, path: Path) -> None:
        height = self.evaluate("document.documentElement.scrollHeight")
        width = self.evaluate("document.documentElement.scrollWidth")
        shot = self.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
        )
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> str:
        try:
            os.write(
                self._to_browser, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0"
            )
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self._to_browser)
            os.close(self._from_browser)
        return self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""


def console_errors(events: list[dict]) -> list[str]:
    """Console errors, uncaught exceptions and error log entries among DevTools events."""
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            errors.append(details.get("exception", {}).get("description") or details.get("text"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(params["entry"].get("text", ""))
    return errors


def console_warnings(events: list[dict]) -> list[str]:
    """Console warnings (Vega's logger writes ``WARN`` and the message) and warning log entries
    among DevTools events."""
    warnings = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") == "warning":
            warnings.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif method == "Log.entryAdded" and params["entry"].get("level") == "warning":
            warnings.append(params["entry"].get("text", ""))
    return warnings


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = _chromium()
    if binary is None:
        pytest.skip(
            "chromium is not installed, so the report's browser check is skipped "
            "(install Debian's chromium: apt-get install chromium; .ci/run does)"
        )
    return binary


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
    requests = [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert requests == [report_file.as_uri()], requests
    dialogs = [e for e in browser.events if e.get("method") == "Page.javascriptDialogOpening"]
    assert not dialogs and not alert_ran
    assert overflow <= 1, overflow
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    assert pdf.startswith(b"%PDF") and len(pages) >= 3, len(pages)
