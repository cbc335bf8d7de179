"""``tracker serve``: the same Textual app served to web browsers with textual-serve.

Each browser tab opens a websocket; textual-serve starts ``tracker`` (the terminal UI, same
register and language) as its own process for it, so every tab has its own login, roles,
auto-lock and time-outs, and the register never leaves this host. This module adds what a
shared team server needs on top: TLS from the same aiohttp server, a limit on concurrent
sessions (in all and per client address), a limit on new sessions per client address and
minute (each session's login screen already slows down repeated wrong passphrases, so this
bounds how fast one address can retry by opening new tabs), a Swedish page without assets from
the internet, and a server log without participant data (only counts and addresses).
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import ssl
import sys
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from tracker.i18n import t

log = logging.getLogger("tracker.serve")

TEMPLATES = Path(__file__).parent / "serve_templates"
MAX_SESSIONS = 16
MAX_SESSIONS_PER_ADDRESS = 8
NEW_SESSIONS_PER_ADDRESS_PER_MINUTE = 20


def tracker_command(db: Path, lang: str) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, this register."""
    parts = [sys.executable, "-m", "tracker", "--db", str(db.resolve()), "--lang", lang]
    return " ".join(shlex.quote(part) for part in parts)


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert), str(key))
    return context


class TrackerServer(Server):
    """textual-serve's Server with TLS, session limits and a Swedish, self-contained page."""

    def __init__(
        self,
        command: str,
        host: str,
        port: int,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_sessions: int = MAX_SESSIONS,
        max_sessions_per_address: int = MAX_SESSIONS_PER_ADDRESS,
    ) -> None:
        scheme = "https" if ssl_context else "http"
        super().__init__(
            command,
            host=host,
            port=port,
            title=t("serve.title"),
            public_url=f"{scheme}://{host}:{port}",
            templates_path=TEMPLATES,
        )
        self.ssl_context = ssl_context
        self.max_sessions = max_sessions
        self.max_sessions_per_address = max_sessions_per_address
        self.sessions: dict[str, int] = defaultdict(int)
        self.recent_starts: dict[str, deque[float]] = defaultdict(deque)

    def initialize_logging(self) -> None:
        # Plain lines on stderr; textual-serve's own logger only at warnings (it would log
        # download names at debug). Nothing a session shows is ever logged here.
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        logging.getLogger("textual-serve").setLevel(logging.WARNING)
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        log.info(t("serve.started", url=self.public_url))

    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        import signal

        try:
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        except NotImplementedError:  # Windows: Ctrl+C still ends run_app
            pass
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            ssl_context=self.ssl_context,
            handle_signals=False,
            loop=loop,
            print=lambda *args: None,
            access_log=None,
        )

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        # URLs relative to how the browser reached us (0.0.0.0 or a proxy's name are not
        # addresses a browser can use).
        scheme = "wss" if request.secure else "ws"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{scheme}://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": t("serve.title")},
            "intro": t("serve.intro"),
            "closed": t("serve.closed"),
            "restart": t("serve.restart"),
        }

    def _admit(self, address: str) -> str | None:
        """Why a new session from ``address`` is refused, or None when it may start."""
        now = time.monotonic()
        starts = self.recent_starts[address]
        while starts and now - starts[0] > 60:
            starts.popleft()
        if sum(self.sessions.values()) >= self.max_sessions:
            return "serve.too_many_sessions"
        if self.sessions[address] >= self.max_sessions_per_address:
            return "serve.too_many_sessions_address"
        if len(starts) >= NEW_SESSIONS_PER_ADDRESS_PER_MINUTE:
            return "serve.too_many_starts"
        starts.append(now)
        return None

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        address = request.remote or "?"
        refusal = self._admit(address)
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if refusal:
            log.warning(t("serve.refused_log", address=address, reason=t(refusal)))
            await websocket.close(message=t(refusal).encode("utf-8"))
            return websocket
        self.sessions[address] += 1
        log.info(t("serve.session_started", address=address, count=sum(self.sessions.values())))
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        try:
            app_service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # the kind only: an exception's text could carry anything
            log.error(t("serve.session_failed", kind=type(error).__name__))
        finally:
            if app_service is not None:
                await app_service.stop()
            self.sessions[address] -= 1
            if not self.sessions[address]:
                del self.sessions[address]
            log.info(t("serve.session_ended", address=address))
        return websocket
