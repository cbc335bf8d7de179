"""tracker serve's admission rules and address checks, without a network."""

from __future__ import annotations

from pathlib import Path

from tracker.tui import serve


def _server(**limits: int) -> serve.TrackerServer:
    return serve.TrackerServer("true", "127.0.0.1", 8000, **limits)


def test_sessions_are_limited_in_all_and_per_address() -> None:
    server = _server(max_sessions=3, max_sessions_per_address=2)
    for address in ("10.0.0.1", "10.0.0.1"):
        assert server._admit(address) is None
        server.sessions[address] += 1
    assert server._admit("10.0.0.1") == "serve.too_many_sessions_address"
    assert server._admit("10.0.0.2") is None
    server.sessions["10.0.0.2"] += 1
    assert server._admit("10.0.0.3") == "serve.too_many_sessions"


def test_new_sessions_per_address_and_minute_are_limited() -> None:
    server = _server(max_sessions=1000, max_sessions_per_address=1000)
    for _ in range(serve.NEW_SESSIONS_PER_ADDRESS_PER_MINUTE):
        assert server._admit("10.0.0.9") is None
    assert server._admit("10.0.0.9") == "serve.too_many_starts"
    assert server._admit("10.0.0.8") is None


def test_only_loopback_counts_as_this_computer() -> None:
    assert serve.is_loopback("127.0.0.1") and serve.is_loopback("::1")
    assert serve.is_loopback("localhost")
    assert not serve.is_loopback("0.0.0.0") and not serve.is_loopback("192.168.1.5")
    assert not serve.is_loopback("example.org")


def test_each_tab_runs_this_python_on_the_same_register(tmp_path: Path) -> None:
    command = serve.tracker_command(tmp_path / "my db.db", "en")
    assert "-m tracker --db" in command and "'" in command and command.endswith("--lang en")
