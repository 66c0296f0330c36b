"""A small client of the Chrome DevTools protocol over a WebSocket (the `websockets` package),
enough for the dashboard's browser test: launch headless Chromium, call methods, collect
console messages, exceptions and network requests, evaluate JavaScript, press keys, move the
mouse and take screenshots."""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

from websockets.sync.client import connect


class CDPError(RuntimeError):
    pass


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """Headless Chromium on a private profile, its DevTools port chosen by the browser."""

    def __init__(self, binary, width=1280, height=900):
        self.profile = tempfile.mkdtemp(prefix="cg-chromium-")
        args = [
            binary, "--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-default-apps", "--metrics-recording-only", "--mute-audio",
            "--hide-scrollbars", "--force-color-profile=srgb", "--lang=en-US",
            f"--window-size={width},{height}", f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
        ]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox.
        self.process = subprocess.Popen(args + ["about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
                break
            if self.process.poll() is not None:
                raise CDPError("chromium exited at start")
            time.sleep(0.1)
        else:
            raise CDPError("chromium did not open its DevTools port")
        self.port = int(open(port_file).read().split("\n")[0])

    def page(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list") as answer:
            targets = json.load(answer)
        page = next(t for t in targets if t["type"] == "page")
        return Page(page["webSocketDebuggerUrl"])

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    """One page: methods, its events (console, exceptions, log entries, requests)."""

    def __init__(self, url):
        self.ws = connect(url, max_size=None, open_timeout=30)
        self.next_id = 0
        self.console_errors = []
        self.requests = []
        self.responses = {}

    def _handle(self, message):
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.console_errors.append({"kind": "console", "text": text})
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text")
            self.console_errors.append({"kind": "exception", "text": text})
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.console_errors.append({"kind": "log", "text": entry.get("text"), "url": entry.get("url", ""), "source": entry.get("source")})
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Network.webSocketCreated":
            self.requests.append(params["url"])
        elif method == "Network.responseReceived":
            self.responses[params["response"]["url"]] = params["response"]["status"]

    def call(self, method, params=None, timeout=60):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        deadline = time.time() + timeout
        while True:
            remaining = deadline - time.time()
            if remaining <= 0:
                raise CDPError(f"{method}: no answer in {timeout} s")
            message = json.loads(self.ws.recv(timeout=remaining))
            if message.get("id") == ident:
                if "error" in message:
                    raise CDPError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._handle(message)

    def pump(self, seconds):
        """Reads events for `seconds`."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                self._handle(json.loads(self.ws.recv(timeout=max(0.01, deadline - time.time()))))
            except TimeoutError:
                return

    def evaluate(self, expression, timeout=60):
        """The value of `expression` (awaited when a promise); a thrown error raises CDPError."""
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True,
                                                 "userGesture": True}, timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise CDPError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def wait_for(self, expression, timeout=60, what=None):
        """Polls `expression` until it is truthy (in JavaScript's sense: an element counts)."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.evaluate(f"!!({expression})")
            if last:
                return last
            self.pump(0.2)
        raise CDPError(f"timed out after {timeout} s waiting for {what or expression} (last: {last!r})")

    def navigate(self, url):
        self.call("Page.navigate", {"url": url})

    def key(self, key, code, key_code, shift=False):
        modifiers = 8 if shift else 0
        for kind in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": key_code,
                                                 "modifiers": modifiers})

    def type_text(self, text):
        self.call("Input.insertText", {"text": text})

    def mouse_move(self, x, y):
        self.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})

    def screenshot(self, path, full_page=True):
        params = {"format": "png"}
        if full_page:
            metrics = self.call("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params.update({"captureBeyondViewport": True,
                           "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}})
        data = self.call("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))

    def close(self):
        self.ws.close()
