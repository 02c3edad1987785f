"""A small Chrome DevTools Protocol client for headless Chromium, over a pipe, with no network.

Used by the browser test (tests/test_browser.py), the page-weight tool (book/tools/page_weight.py)
and the screenshot tool (book/tools/screenshots.py). It needs Debian's ``chromium`` (or
``CHROMIUM=/path/to/chrome``) and nothing else: Chromium is started with
``--remote-debugging-pipe`` and speaks JSON messages separated by NUL bytes on file descriptors
3 (commands in) and 4 (replies and events out), the way Puppeteer's ``pipe: true`` does. No
websocket library, no driver download, no browser download.

Every host name resolves to nothing and a dead proxy catches the rest (only 127.0.0.1, where a
test may serve the site itself, is reachable), so a page that needs the network fails visibly
(a failed request) instead of passing by accident.

    with Browser() as browser:
        page = browser.new_page(width=390, height=844, mobile=True)
        page.goto(Path("_build/html/en/index.html").as_uri())
        page.eval("document.title")
        page.console_errors, page.failed_requests      # collected since goto

Reference: https://chromedevtools.github.io/devtools-protocol/
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OFFLINE_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--disable-extensions", "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--hide-scrollbars", "--mute-audio", "--disable-dev-shm-usage",
    # no network: no name resolves (127.0.0.1 aside, for a test's own local server), and
    # anything by IP goes to a port nobody listens on
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
    # pages open each other from disk (file://) with require.js
    "--allow-file-access-from-files",
]


class BrowserError(RuntimeError):
    """Chromium is missing, died, or answered a command with an error."""


def find_chromium() -> str | None:
    """The Chromium executable: $CHROMIUM, else chromium / chromium-browser / google-chrome on PATH."""
    for cand in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if cand and shutil.which(cand):
            return shutil.which(cand)
    return None


def _high_fd(fd: int) -> int:
    """Move fd above 9 so that the child's dup2 onto 3 and 4 cannot clobber it."""
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


class Browser:
    """One headless Chromium process, driven over --remote-debugging-pipe."""

    def __init__(self, executable: str | None = None, extra_flags: list[str] | None = None,
                 timeout: float = 30.0) -> None:
        exe = executable or find_chromium()
        if exe is None:
            raise BrowserError("no chromium found (apt-get install chromium, or set CHROMIUM=)")
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="gan4nlp-cdp-")
        to_chrome_r, to_chrome_w = (_high_fd(fd) for fd in os.pipe())
        from_chrome_r, from_chrome_w = (_high_fd(fd) for fd in os.pipe())

        def child_fds() -> None:  # runs in the child between fork and exec
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        cmd = [exe, *OFFLINE_FLAGS, *(extra_flags or []), "--remote-debugging-pipe",
               f"--user-data-dir={self._profile.name}", "about:blank"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=child_fds, pass_fds=(3, 4))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._out = os.fdopen(to_chrome_w, "wb", buffering=0)
        self._in = os.fdopen(from_chrome_r, "rb", buffering=0)
        self._next_id = 0
        self._lock = threading.Lock()
        self._replies: dict[int, queue.Queue] = {}
        self._listeners: dict[str | None, list] = {}
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self.version = self.send("Browser.getVersion")["product"]

    # -- transport ---------------------------------------------------------------------------
    def _read_loop(self) -> None:
        buf = b""
        while True:
            try:
                chunk = self._in.read(1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                for q in list(self._replies.values()):
                    q.put({"error": {"message": "chromium closed the pipe"}})
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    q = self._replies.get(msg["id"])
                    if q is not None:
                        q.put(msg)
                else:
                    for listener in list(self._listeners.get(msg.get("sessionId"), [])):
                        listener(msg["method"], msg.get("params", {}))

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float | None = None) -> dict:
        with self._lock:
            self._next_id += 1
            mid = self._next_id
            q: queue.Queue = queue.Queue()
            self._replies[mid] = q
        msg: dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        try:
            self._out.write(json.dumps(msg).encode() + b"\0")
        except (BrokenPipeError, OSError) as e:
            raise BrowserError(f"chromium is gone ({e})") from None
        try:
            reply = q.get(timeout=timeout or self.timeout)
        except queue.Empty:
            raise BrowserError(f"no answer to {method} in {timeout or self.timeout:.0f} s") from None
        finally:
            self._replies.pop(mid, None)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def listen(self, session: str | None, listener) -> None:
        self._listeners.setdefault(session, []).append(listener)

    # -- pages -------------------------------------------------------------------------------
    def new_page(self, width: int = 1280, height: int = 900, mobile: bool = False) -> "Page":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, session)
        page.set_viewport(width, height, mobile)
        return page

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close", timeout=5)
                except BrowserError:
                    pass
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        finally:
            for f in (self._out, self._in):
                try:
                    f.close()
                except OSError:
                    pass
            self._profile.cleanup()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class Request:
    url: str
    type: str = ""
    status: int | None = None
    bytes: int = 0            # encoded bytes received (what a reader downloads)
    failed: str | None = None  # errorText of a failed load


@dataclass
class Page:
    """A tab. Records console errors, uncaught exceptions and every request since `goto`."""

    browser: Browser
    target: str
    session: str
    console_errors: list[str] = field(default_factory=list)
    requests: dict[str, Request] = field(default_factory=dict)
    _events: "queue.Queue[tuple[str, dict]]" = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        self.browser.listen(self.session, self._on_event)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def send(self, method: str, params: dict | None = None, timeout: float | None = None) -> dict:
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def set_viewport(self, width: int, height: int, mobile: bool = False) -> None:
        self.width, self.height, self.mobile = width, height, mobile
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        self.send("Emulation.setTouchEmulationEnabled", {"enabled": mobile})

    # -- events ------------------------------------------------------------------------------
    def _on_event(self, method: str, p: dict) -> None:
        if method == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            text = (d.get("exception") or {}).get("description") or d.get("text", "")
            self.console_errors.append(f"uncaught: {text.splitlines()[0] if text else d}"
                                       f" ({d.get('url', '')}:{d.get('lineNumber', '')})")
        elif method == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            self.console_errors.append(f"console.{p['type']}: {args}")
        elif method == "Log.entryAdded" and p["entry"]["level"] == "error":
            e = p["entry"]
            self.console_errors.append(f"log ({e.get('source')}): {e.get('text')} {e.get('url', '')}".rstrip())
        elif method == "Network.requestWillBeSent":
            self.requests[p["requestId"]] = Request(p["request"]["url"], p.get("type", ""))
        elif method == "Network.responseReceived":
            r = self.requests.setdefault(p["requestId"], Request(p["response"]["url"]))
            r.status = p["response"].get("status")
            r.type = p.get("type", r.type)
        elif method == "Network.loadingFinished":
            r = self.requests.get(p["requestId"])
            if r is not None:
                r.bytes = int(p.get("encodedDataLength", 0))
        elif method == "Network.loadingFailed":
            r = self.requests.setdefault(p["requestId"], Request("?"))
            r.failed = p.get("errorText", "failed")
        self._events.put((method, p))

    @property
    def failed_requests(self) -> list[str]:
        bad = []
        for r in self.requests.values():
            if r.url.startswith("data:"):
                continue
            if r.failed or (r.status or 0) >= 400:
                bad.append(f"{r.url} ({r.failed or r.status})")
        return bad

    def file_sizes(self) -> dict[str, int]:
        """Bytes of every file:// resource the page loaded (from disk: the size a server sends)."""
        from urllib.parse import unquote, urlparse
        sizes = {}
        for r in self.requests.values():
            if r.url.startswith("file://"):
                path = Path(unquote(urlparse(r.url).path))
                if path.is_file():
                    sizes[str(path)] = path.stat().st_size
        return sizes

    # -- navigation and evaluation -----------------------------------------------------------
    def goto(self, url: str, timeout: float = 60.0) -> None:
        self.console_errors.clear()
        self.requests.clear()
        while not self._events.empty():
            self._events.get_nowait()
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"{url} did not finish loading in {timeout:.0f} s")
            try:
                method, _ = self._events.get(timeout=left)
            except queue.Empty:
                continue
            if method == "Page.loadEventFired":
                return

    def eval(self, expression: str, await_promise: bool = False, timeout: float | None = None) -> Any:
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": await_promise, "userGesture": True},
                      timeout=timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise BrowserError(f"JS error: {(d.get('exception') or {}).get('description') or d.get('text')}")
        return r["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30.0, interval: float = 0.1,
                 await_promise: bool = False) -> Any:
        """Poll a JS expression until it is truthy; return its value (None on timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.eval(expression, await_promise=await_promise)
            if value:
                return value
            if time.monotonic() > deadline:
                return None
            time.sleep(interval)

    def press(self, key: str, code: str | None = None, key_code: int | None = None) -> None:
        """Press and release a key in the focused element (e.g. "ArrowRight", "Home", "End")."""
        codes = {"ArrowRight": 39, "ArrowLeft": 37, "ArrowUp": 38, "ArrowDown": 40,
                 "Home": 36, "End": 35, "PageUp": 33, "PageDown": 34, "Enter": 13}
        kc = key_code or codes.get(key, 0)
        base = {"key": key, "code": code or key, "windowsVirtualKeyCode": kc, "nativeVirtualKeyCode": kc}
        self.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", **base})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **base})

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            w, h = self.eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": max(w, self.width), "height": min(h, 16000), "scale": 1}
        data = self.send("Page.captureScreenshot", params, timeout=60)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.browser.send("Target.closeTarget", {"targetId": self.target}, timeout=5)
        except BrowserError:
            pass


# A page is settled when MathJax has typeset and every widget view has been rendered.
SETTLED_JS = """(() => {
  const mj = window.MathJax;
  const mathDone = !document.querySelector('.math') || (mj && mj.startup && mj.startup.document
                   && document.querySelector('mjx-container'));
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  const rendered = [...views].every((s) => {
    const prev = s.previousElementSibling;
    return prev && prev.classList.contains('widget-subarea') && prev.children.length > 0;
  });
  return Boolean(mathDone && rendered && document.readyState === 'complete');
})()"""
