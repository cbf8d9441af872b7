"""A headless Chromium for the browser tests, driven over the DevTools protocol.

Chromium is driven through a pipe (``--remote-debugging-pipe``), so no extra package is needed.
It starts with no network but the loopback (``--host-resolver-rules``: every other host name
fails to resolve), as on an analyst's locked-down laptop. Where Debian's ``chromium`` is absent
the tests that need it are skipped with a message (``.ci/run`` installs it).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Collection
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: Every host name but the loopback's fails to resolve: the browser has no network.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"


def chromium_binary() -> str | None:
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
            OFFLINE,
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
        ]
        profile.mkdir(parents=True, exist_ok=True)
        self._stderr = (profile / "chromium-stderr.log").open("w+b")  # a pipe could fill up
        self.process = subprocess.Popen(
            [binary, *flags],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
            preexec_fn=wire,
            pass_fds=(3, 4),
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._buffer = b""
        self.events: list[dict] = []
        self.session: str | None = None
        #: Resources whose failure to load does not count as a page error in :meth:`wait_for`.
        self.ignore_urls: Collection[str] = ()
        #: What Chromium wrote to stderr, once closed.
        self.stderr = ""

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

    def evaluate(self, expression: str, *, timeout: float = 30.0) -> object:
        """The value of a JavaScript ``expression`` (a promise is awaited)."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout=timeout,
        )
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
            errors = console_errors(self.events, ignore_urls=self.ignore_urls)
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

    def screenshot_element(self, selector: str, index: int, path: Path) -> None:
        """Screenshot of the ``index``-th element matching the CSS ``selector``."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelectorAll({json.dumps(selector)})[{index}];"
            " e.scrollIntoView({block: 'start'});"
            " const r = e.getBoundingClientRect();"
            " return {x: r.left + window.scrollX, y: r.top + window.scrollY,"
            " width: Math.max(r.width, 1), height: Math.max(r.height, 1)}; })()"
        )
        shot = self.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": {**box, "scale": 1}},
        )
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> str:
        """Close the browser; its stderr (the last 20,000 characters)."""
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
        self._stderr.seek(0)
        self.stderr = self._stderr.read().decode(errors="replace")[-20000:]
        self._stderr.close()
        return self.stderr


def console_errors(events: list[dict], *, ignore_urls: Collection[str] = ()) -> list[str]:
    """Console errors, uncaught exceptions and error log entries among DevTools events; log
    entries about a resource in ``ignore_urls`` (that failed to load) are left out."""
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
            if params["entry"].get("url") not in ignore_urls:
                errors.append(f"{params['entry'].get('text', '')} ({params['entry'].get('url')})")
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


def requested_urls(events: list[dict]) -> list[str]:
    """URLs of every request the page made, in order."""
    return [
        e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
    ]


def skip_without_chromium(what: str) -> str:
    """The chromium binary, or skip the test saying ``what`` is not checked."""
    binary = chromium_binary()
    if binary is None:
        pytest.skip(
            f"chromium is not installed, so {what} is not checked in a browser "
            "(install Debian's chromium: apt-get install chromium; .ci/run does)"
        )
    return binary


#: JavaScript: the state of every chart the pmo_analytics renderer put in the page — whether
#: vega-embed drew it (``data-pmo-chart``), its SVG (``svg.marks``) and how many shapes it has.
CHART_STATES_JS = """JSON.stringify(Array.from(document.querySelectorAll('.pmo-chart')).map(e => ({
  state: e.getAttribute('data-pmo-chart'),
  svgs: e.querySelectorAll('svg.marks').length,
  shapes: e.querySelectorAll('svg.marks path, svg.marks rect, svg.marks line').length,
  images: e.querySelectorAll('img').length,
  width: e.getBoundingClientRect().width
})))"""
#: JavaScript: true once every chart of the page has settled (drawn or failed).
CHARTS_SETTLED_JS = (
    "Array.from(document.querySelectorAll('.pmo-chart'))"
    ".every(e => e.getAttribute('data-pmo-chart') !== 'static')"
)


def chart_states(browser: DevTools) -> list[dict]:
    """:data:`CHART_STATES_JS` evaluated in the page."""
    return json.loads(browser.evaluate(CHART_STATES_JS))


def failed_loads(events: list[dict]) -> list[dict]:
    """Requests that failed, with their URL and error text."""
    urls = {
        e["params"]["requestId"]: e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
    }
    return [
        {"url": urls.get(e["params"]["requestId"], "?"), "error": e["params"].get("errorText")}
        for e in events
        if e.get("method") == "Network.loadingFailed"
    ]
