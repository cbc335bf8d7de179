"""Under `tracker serve` the web driver writes each packet whole, one at a time (a real pipe,
real threads, a reader slower than the writers, as on a loaded server)."""

from __future__ import annotations

import os
import struct
import threading
import time
from pathlib import Path

import pytest
from textual import constants
from textual.drivers.web_driver import WebDriver

from tracker.tui.app import TrackerApp
from tracker.tui.web_driver import WholePacketWebDriver, WholePacketWriter

PACKET_BYTES = 200_000  # three times what a Linux pipe holds
PACKETS_PER_THREAD = 12


def _packet(tag: bytes, number: int) -> bytes:
    body = bytes([number]) * PACKET_BYTES
    return tag + struct.pack(">I", len(body)) + body


def _read_slowly(fileno: int, into: bytearray) -> None:
    while chunk := os.read(fileno, 4096):
        into += chunk
        time.sleep(0.0002)


def test_two_threads_packets_arrive_whole_through_a_slow_pipe() -> None:
    reading, writing = os.pipe()
    received = bytearray()
    reader = threading.Thread(target=_read_slowly, args=(reading, received))
    reader.start()
    write = WholePacketWriter(writing)

    def send(tag: bytes) -> None:
        for number in range(PACKETS_PER_THREAD):
            write(_packet(tag, number))

    writers = [threading.Thread(target=send, args=(tag,)) for tag in (b"D", b"P")]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    os.close(writing)
    reader.join()
    os.close(reading)

    seen: dict[bytes, list[int]] = {b"D": [], b"P": []}
    at = 0
    while at < len(received):
        tag = bytes(received[at : at + 1])
        (size,) = struct.unpack(">I", received[at + 1 : at + 5])
        body = received[at + 5 : at + 5 + size]
        assert tag in seen and size == PACKET_BYTES
        assert body == bytes([body[0]]) * size  # not a byte of the other thread's packets
        seen[tag].append(body[0])
        at += 5 + size
    assert seen == {tag: list(range(PACKETS_PER_THREAD)) for tag in seen}


def test_under_textual_serve_the_app_runs_the_whole_packet_driver(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = TrackerApp(tmp_path / "register.db")
    assert app.get_driver_class() is not WholePacketWebDriver  # a terminal: Textual's choice
    monkeypatch.setattr(constants, "DRIVER", "textual.drivers.web_driver:WebDriver")
    driver_class = TrackerApp(tmp_path / "register.db").get_driver_class()
    assert driver_class is WholePacketWebDriver and issubclass(driver_class, WebDriver)
