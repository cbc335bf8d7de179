"""The demo register: built through the use cases on a real encrypted file, reproducibly."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tracker.domain.case import CORRECTION, RETRACTION
from tracker.services import audit, cases, registers
from tracker.services.demo import COUNTY_SCALE, DemoSummary, _team_names, build_demo
from tracker.services.session import ServiceError, Session
from tracker.store import keyfile
from tracker.store.eventlog import iter_events
from tracker.store.keyfile import KdfParams

TODAY = date(2026, 11, 20)
SEED = 7
PARTICIPANTS = 60


pytestmark = pytest.mark.usefixtures("cheap_kdf")


def _build(path: Path, **kwargs: object) -> DemoSummary:
    options: dict[str, object] = {"participants": PARTICIPANTS, "seed": SEED, "today": TODAY}
    options.update(kwargs)
    return build_demo(path, **options)  # type: ignore[arg-type]


def _open(path: Path) -> Session:
    return registers.open_session(
        path, user="demo", passphrase=registers.DEMO_PASSPHRASE, today=lambda: TODAY
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoSummary, Session]]:
    """One demo shared by the read-only tests (building it is the slow part)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keyfile, "DEFAULT_KDF", KdfParams(8, 1, 1))
        patch.setattr(keyfile, "KDF_FLOOR", KdfParams(8, 1, 1))
        summary = _build(tmp_path_factory.mktemp("demo") / "demo.db")
        session = _open(summary.db_path)
    try:
        yield summary, session
    finally:
        session.close()


def _views(session: Session) -> list[cases.CaseView]:
    return [cases.get_case(session, row.code) for row in cases.list_cases(session)]


def test_the_summary_describes_the_register(demo: tuple[DemoSummary, Session]) -> None:
    summary, session = demo
    assert summary.participants == PARTICIPANTS
    assert len(summary.insatser) == 3
    assert registers.is_demo(session)
    rows = cases.list_cases(session)
    assert len(rows) == PARTICIPANTS
    assert {row.insats for row in rows} <= set(summary.insatser)
    with session.read() as connection:
        logged = list(iter_events(connection))
    assert summary.head_seq == logged[-1].seq == len(logged)
    assert summary.events == sum(1 for event in logged if event.case_code is not None)


def test_every_status_occurs(demo: tuple[DemoSummary, Session]) -> None:
    _summary, session = demo
    statuses = Counter(row.status for row in cases.list_cases(session))
    assert set(statuses) == {"application", "active", "non_start", "exited"}


def test_the_case_shape_is_realistic(demo: tuple[DemoSummary, Session]) -> None:
    _summary, session = demo
    views = _views(session)
    kinds = Counter(event.kind for view in views for event in view.events)
    assert kinds["follow_up"] > 0
    assert kinds["step"] > kinds["start"]
    assert kinds["application"] >= 0.8 * len(views)  # most cases open with an application
    follow_ups = {e.months for view in views for e in view.events if e.kind == "follow_up"}
    assert follow_ups == {6, 18}
    assert {view.gender for view in views} >= {"kvinna", "man"}


def test_no_event_is_after_today(demo: tuple[DemoSummary, Session]) -> None:
    _summary, session = demo
    assert max(event.date for view in _views(session) for event in view.events) <= TODAY


def test_corrections_and_retractions_are_logged(demo: tuple[DemoSummary, Session]) -> None:
    _summary, session = demo
    with session.read() as connection:
        logged = list(iter_events(connection))
    reasons = Counter(
        (event.kind, (event.payload or {}).get("reason"))
        for event in logged
        if event.kind in (CORRECTION, RETRACTION)
    )
    assert reasons[(CORRECTION, "fel_niva")] >= 1
    assert reasons[(RETRACTION, "dubblett")] >= 1


def test_the_audit_passes(demo: tuple[DemoSummary, Session]) -> None:
    _summary, session = demo
    assert audit.verify(session).ok


def test_the_same_seed_gives_the_same_register(
    tmp_path: Path, demo: tuple[DemoSummary, Session]
) -> None:
    first, first_session = demo
    second = _build(tmp_path / "again.db")
    assert second.events == first.events and second.head_seq == first.head_seq
    with _open(second.db_path) as session:
        codes = [row.code for row in cases.list_cases(session)]
    assert codes == [row.code for row in cases.list_cases(first_session)]


def test_another_seed_gives_other_codes(tmp_path: Path) -> None:
    one = _build(tmp_path / "one.db", participants=5, seed=1)
    two = _build(tmp_path / "two.db", participants=5, seed=2)
    with _open(one.db_path) as a, _open(two.db_path) as b:
        assert {r.code for r in cases.list_cases(a)} != {r.code for r in cases.list_cases(b)}


def test_progress_is_reported_up_to_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    _build(
        tmp_path / "demo.db",
        participants=20,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[0] == (0, 20) and calls[-1] == (20, 20)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_an_existing_path_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    path.write_bytes(b"not a register \x00\x01")
    with pytest.raises(ServiceError) as refused:
        _build(path)
    assert refused.value.key == "service.register_exists"
    assert path.read_bytes() == b"not a register \x00\x01"
    assert not keyfile.keyfile_path(path).exists()


def test_an_existing_demo_is_refused_and_left_untouched(tmp_path: Path) -> None:
    summary = _build(tmp_path / "demo.db", participants=5)
    before = summary.db_path.read_bytes(), keyfile.keyfile_path(summary.db_path).read_bytes()
    with pytest.raises(ServiceError):
        _build(summary.db_path, participants=5)
    after = summary.db_path.read_bytes(), keyfile.keyfile_path(summary.db_path).read_bytes()
    assert after == before


def test_a_county_scale_demo_has_ten_teams() -> None:
    # The team count depends only on the size; building 5,000 cases here would be too slow.
    assert len(_team_names(COUNTY_SCALE)) == 10
    assert len(_team_names(COUNTY_SCALE - 1)) == 4
    assert len(_team_names(300)) == 3


def test_a_failed_build_leaves_nothing_behind(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(cases, "log_step", broken)
    path = tmp_path / "demo.db"
    with pytest.raises(RuntimeError):
        _build(path, participants=20)
    assert sorted(tmp_path.iterdir()) == []
