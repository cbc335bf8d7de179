"""`tracker serve` in a real headless Chromium (Debian's package; installed here when missing
and we are root, as in CI): log in as demo, log a step with the terminal's keys, export a
report and receive the zip as a download that `tracker verify` accepts; two sessions at once;
the same over HTTPS with a self-signed certificate; no plain HTTP on a non-loopback address.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cdp_support import Browser, Page
from cli_support import run_cli, start_cli

CHROMIUM = "/usr/bin/chromium"
DEMO_ENV = {"TRACKER_USER": "demo", "TRACKER_PASSPHRASE": "demo"}


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; installed with apt-get when missing and we are root (CI)."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("Chromium is missing and only root with apt-get installs it here")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # First from the package lists as they are; if that fails, refresh them once and retry.
    for refresh in (False, True):
        if refresh:
            subprocess.run(["apt-get", "update", "-q"], env=env, timeout=600, capture_output=True)
        install = ["apt-get", "install", "-y", "-q", "chromium"]
        subprocess.run(install, env=env, timeout=900, check=False, capture_output=True)
        if Path(CHROMIUM).exists():
            return CHROMIUM
    pytest.skip("apt-get could not install chromium")


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo register, made once by the unmodified program: ``tracker serve`` starts each
    browser session as ``python -m tracker`` (production code), so every CLI run here is at the
    production key-derivation cost too (a cheap register would be refused: tests/cli_support.py).
    """
    folder = tmp_path_factory.mktemp("served")
    run = run_cli(
        "demo",
        "--db",
        "demo.db",
        "--participants",
        "90",
        "--seed",
        "7",
        cwd=folder,
        env={},
        production=True,
    )
    assert run.code == 0, run.err
    return folder / "demo.db"


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """Each test's own copy (the served sessions write to it)."""
    for source in demo_template.parent.glob("demo.db*"):  # the database and its key file
        shutil.copyfile(source, tmp_path / source.name)
    return tmp_path / "demo.db"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        assert server.poll() is None, server.communicate()
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("tracker serve never listened")


@pytest.fixture
def serve(demo_db: Path) -> Iterator[Callable[..., int]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(*options: str) -> int:
        port = _free_port()
        server = start_cli(
            ["--db", str(demo_db), "serve", "--port", str(port), *options],
            demo_db.parent,
            {},
            production=True,
        )
        started.append(server)
        _wait_listening(port, server)
        return port

    yield start
    for server in started:
        server.terminate()
        server.wait(timeout=60)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def _log_in(page: Page) -> None:
    await page.wait_for("Lösenfras")
    await asyncio.sleep(3)  # the form takes focus after it is drawn
    await page.type("demo")
    await page.press("tab")
    await page.type("demo")
    await page.press("enter")
    await page.wait_for("Deltagare")


async def _log_a_step(page: Page) -> None:
    """On the active cases, the terminal's fast path: s, one level up, Enter."""
    await page.press("1")
    await asyncio.sleep(1)
    for _ in range(6):
        mark = len(page.frames())
        await page.press("s")
        await asyncio.sleep(1.5)
        await page.press("up", "enter")
        for _ in range(50):
            if "Steg sparat" in page.screen_text(mark):
                page.seen = len(page.frames())
                return
            await asyncio.sleep(0.1)
        await page.press("escape", "escape", "down")  # not this one: the next case
    shown = " ".join(page.screen_text().split())
    raise AssertionError(f"no step was saved: {shown[-6000:]}")


def _head(db: Path) -> int:
    """The log's head once `audit verify` accepts the whole chain (exit 0); polled, as the
    served sessions close their register a moment after their browser tab has gone."""
    for _ in range(30):
        run = run_cli(
            "--db", str(db), "audit", "verify", cwd=db.parent, env=DEMO_ENV, production=True
        )
        if run.code == 0:
            return int(re.search(r"(\d+) händelser", run.out).group(1))
        time.sleep(2)
    raise AssertionError(run.out + run.err)


async def _browser_flow(chromium: str, tmp_path: Path, url: str, db: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    profile = tmp_path / "profile"
    profile.mkdir()
    browser = Browser(chromium, profile, downloads)
    await browser.start()
    try:
        page = await browser.open(url)
        title = None
        for _ in range(100):
            title = await page.evaluate("document.title")
            if title:
                break
            await asyncio.sleep(0.1)
        assert title == "tracker – Samordningsteamets register"
        await _log_in(page)
        await _log_a_step(page)
        await page.press("r")
        await page.wait_for("Rapporter")
        await asyncio.sleep(2)
        await page.press("ctrl+e")
        await page.wait_for("Rapporten är sparad", timeout=300)
        bundle = await browser.wait_download()
        run = run_cli("verify", str(bundle), cwd=tmp_path, env={})
        assert run.code == 0, run.out + run.err

        # Two sessions at once, each its own login, each logs a step.
        first, second = await browser.open(url), await browser.open(url)
        await asyncio.gather(_log_in(first), _log_in(second))
        await asyncio.gather(_log_a_step(first), _log_a_step(second))
    finally:
        await browser.close()


def test_a_browser_logs_a_step_and_downloads_a_verified_bundle(
    chromium: str, serve: Callable[..., int], demo_db: Path, tmp_path: Path
) -> None:
    port = serve()
    before = _head(demo_db)
    asyncio.run(_browser_flow(chromium, tmp_path, f"http://127.0.0.1:{port}/", demo_db))
    # One step, the export's record, and the two concurrent sessions' steps: all in the log.
    assert _head(demo_db) == before + 4


def test_the_same_over_https_with_a_self_signed_certificate(
    chromium: str, serve: Callable[..., int], demo_db: Path, tmp_path: Path
) -> None:
    cert, key = _self_signed(tmp_path)
    port = serve("--tls-cert", str(cert), "--tls-key", str(key))
    before = _head(demo_db)
    asyncio.run(_browser_flow(chromium, tmp_path, f"https://127.0.0.1:{port}/", demo_db))
    assert _head(demo_db) == before + 4


def test_plain_http_on_every_address_is_refused(demo_db: Path) -> None:
    run = run_cli(
        "--db",
        str(demo_db),
        "serve",
        "--host",
        "0.0.0.0",
        cwd=demo_db.parent,
        env={},
        production=True,
    )
    assert run.code == 2
    assert "Vägrar att visa registret okrypterat på 0.0.0.0" in run.err
    assert "--tls-cert" in run.err and "Traceback" not in run.err
