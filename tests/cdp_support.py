"""A small Chrome DevTools protocol client over aiohttp's websocket, for a headless Chromium.

Enough to open a page, type keys into it, read what the served terminal printed (the websocket
frames the page receives) and receive downloads; no browser download, no extra package.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

ANSI = re.compile(
    rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[@-Z\\-_])"
)
KEYS = {
    "enter": ("Enter", 13, "\r"),
    "tab": ("Tab", 9, ""),
    "up": ("ArrowUp", 38, ""),
    "down": ("ArrowDown", 40, ""),
    "escape": ("Escape", 27, ""),
}


class Browser:
    """A headless Chromium started on a free DevTools port, with one page."""

    def __init__(self, binary: str, profile: Path, downloads: Path) -> None:
        self.binary, self.profile, self.downloads = binary, profile, downloads
        self.process: subprocess.Popen[bytes] | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.http: aiohttp.ClientSession | None = None
        self.next_id = 0
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-popup-blocking",
                "--ignore-certificate-errors",
                "--no-first-run",
                "--window-size=1400,1000",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = self.profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and len(port_file.read_text().split()) >= 2:
                break
            await asyncio.sleep(0.1)
        port, path = port_file.read_text().split()[:2]
        self.http = aiohttp.ClientSession()
        self.ws = await self.http.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0)
        self.reader = asyncio.create_task(self._read())
        await self.send(
            "Browser.setDownloadBehavior",
            behavior="allow",
            downloadPath=str(self.downloads),
            eventsEnabled=True,
        )

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            else:
                self.events.append(data)

    async def send(self, method: str, session: str | None = None, **params: Any) -> Any:
        assert self.ws is not None
        self.next_id += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        await self.ws.send_str(json.dumps(message))
        reply = await asyncio.wait_for(future, 60)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def open(self, url: str) -> Page:
        target = await self.send("Target.createTarget", url="about:blank")
        attached = await self.send(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        page = Page(self, attached["sessionId"])
        await self.send("Network.enable", page.session)
        await self.send("Page.enable", page.session)
        await self.send("Page.navigate", page.session, url=url)
        return page

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.http is not None:
            await self.http.close()
        if self.reader is not None:
            self.reader.cancel()
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)

    async def wait_download(self, timeout: float = 120) -> Path:
        for _ in range(int(timeout * 10)):
            if any(
                e.get("method") == "Browser.downloadProgress"
                and e["params"].get("state") == "completed"
                for e in self.events
            ):
                files = [p for p in self.downloads.iterdir() if p.suffix == ".zip"]
                if files:
                    return files[0]
            await asyncio.sleep(0.1)
        raise AssertionError("no download completed")


class Page:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser, self.session = browser, session
        self.seen = 0  # frames before this index were read by an earlier wait

    def frames(self) -> list[bytes]:
        return [
            base64.b64decode(e["params"]["response"]["payloadData"])
            if e["params"]["response"].get("opcode") == 2
            else e["params"]["response"]["payloadData"].encode("utf-8")
            for e in self.browser.events
            if e.get("method") == "Network.webSocketFrameReceived"
            and e.get("sessionId") == self.session
        ]

    def screen_text(self, since: int = 0) -> str:
        raw = b"".join(self.frames()[since:])
        return ANSI.sub(b"", raw).decode("utf-8", "ignore")

    async def wait_for(self, text: str, timeout: float = 120) -> None:
        """Wait until the terminal printed ``text`` (after the last wait's mark)."""
        for _ in range(int(timeout * 10)):
            if text in self.screen_text(self.seen):
                self.seen = len(self.frames())
                return
            await asyncio.sleep(0.1)
        tail = self.screen_text()[-3000:]
        raise AssertionError(f"the page never showed {text!r}; it showed: {tail!r}")

    async def evaluate(self, expression: str) -> Any:
        result = await self.browser.send(
            "Runtime.evaluate", self.session, expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    async def press(self, *keys: str) -> None:
        """Keys as Pilot names them: a character, or enter/tab/up/down/escape/ctrl+<letter>."""
        await self.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        for key in keys:
            modifiers = 0
            if key.startswith("ctrl+"):
                modifiers, key = 2, key[5:]
            if key in KEYS:
                name, code, text = KEYS[key]
                params = {"key": name, "code": name, "windowsVirtualKeyCode": code}
            else:
                name, code, text = key, ord(key.upper()), key
                params = {"key": key, "code": f"Key{key.upper()}", "windowsVirtualKeyCode": code}
            if modifiers:
                text = ""
            down = {"type": "keyDown" if text else "rawKeyDown", "modifiers": modifiers}
            await self.browser.send(
                "Input.dispatchKeyEvent", self.session, **down, **params, text=text
            )
            await self.browser.send(
                "Input.dispatchKeyEvent", self.session, type="keyUp", modifiers=modifiers, **params
            )
            await asyncio.sleep(0.05)

    async def type(self, text: str) -> None:
        await self.press(*text)


def profile_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="tracker-chromium-"))
