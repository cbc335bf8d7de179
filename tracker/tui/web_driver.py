"""Textual's web driver (the one textual-serve runs the TUI with) writing whole packets.

Textual's WebDriver frames everything it sends textual-serve as packets on the pipe to it
(display output from the app's thread, a file download's chunks from its input thread) and
writes each packet with one ``os.write``. A write larger than the pipe holds is not atomic: when
textual-serve reads slowly (a loaded server), the two threads' packets interleave, textual-serve
reads a length from the middle of a packet and the session stops, mid-download (seen in
tests/serve on a loaded machine: the bundle's download started, then nothing for five
minutes). A ``os.write`` may also write less than it was given. Here one packet is written at a
time, all of it.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from textual.drivers.web_driver import WebDriver


class WholePacketWriter:
    """Writes each packet to ``fileno`` whole, one packet at a time, from any thread."""

    def __init__(self, fileno: int) -> None:
        self._fileno = fileno
        self._lock = threading.Lock()

    def __call__(self, packet: bytes) -> None:
        with self._lock:
            rest = memoryview(packet)
            while rest:
                rest = rest[os.write(self._fileno, rest) :]


class WholePacketWebDriver(WebDriver):
    """WebDriver whose packets never interleave (WholePacketWriter)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Textual sends every packet through this one instance attribute.
        self._write = WholePacketWriter(self.fileno)
