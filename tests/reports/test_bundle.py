"""export_bundle on a demo register: contents, manifest, signature, audit record, roles,
the threshold setting and the förbund's name."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bundle_support import NOW, PERIOD, DemoRegister, demo_register
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from support import synthetic_personnummer

from tracker.domain.errors import RuleError
from tracker.domain.periods import Period
from tracker.i18n import t
from tracker.reports import bundle as bundle_module
from tracker.reports import suppression
from tracker.reports.bundle import (
    MANIFEST,
    MANIFEST_SCHEMA,
    REPORT,
    SIGNATURE,
    canonical_json,
    export_bundle,
    read_bundle,
    verify_bundle,
)
from tracker.reports.info import FORMATS
from tracker.reports.tables import report_tables, write_csv
from tracker.services import registers, reports
from tracker.services.session import PermissionDenied, ServiceError
from tracker.stats.report import build_report
from tracker.store.eventlog import iter_events

BOARD_FORMATS = ("json", "csv")  # quick bundles; the full one is built once per module


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRegister]:
    with demo_register(tmp_path_factory.mktemp("bundle")) as register:
        yield register


@pytest.fixture(scope="module")
def full_bundle(demo: DemoRegister) -> Path:
    with demo.login() as session:
        return export_bundle(session, Period.parse(PERIOD), out_dir=demo.folder / "full", now=NOW)


def _events(demo: DemoRegister, kind: str) -> list[Any]:
    with demo.login() as session, session.read() as connection:
        return [event for event in iter_events(connection) if event.kind == kind]


def test_the_bundle_holds_every_format_and_the_manifest_hashes_them(
    demo: DemoRegister, full_bundle: Path
) -> None:
    # A demo register's bundle says so in its name.
    assert re.fullmatch(r"DEMO_2026H1_alla_20261120T093015\.zip", full_bundle.name)
    bundle = read_bundle(full_bundle)
    with demo.login() as session:
        public = registers.public_key(session)
        lists_report = bundle.report
    csv_names = set(write_csv(report_tables(lists_report)))
    assert csv_names and all(name.startswith("csv/") for name in csv_names)
    expected = {REPORT, "report.pdf", "report.xlsx", MANIFEST, SIGNATURE, *csv_names}
    with zipfile.ZipFile(full_bundle) as archive:
        names = archive.namelist()
    assert set(names) == expected and len(names) == len(expected)
    assert names[0] == REPORT and names[-2:] == [MANIFEST, SIGNATURE]
    assert bundle.members["report.pdf"].startswith(b"%PDF")
    assert bundle.members["report.xlsx"].startswith(b"PK")

    manifest = bundle.manifest
    assert manifest["schema"] == MANIFEST_SCHEMA
    assert set(manifest["files"]) == expected - {MANIFEST, SIGNATURE}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(bundle.members[name]).hexdigest() == digest
    assert manifest["period"] == Period.parse(PERIOD).to_dict()
    assert manifest["insatser"] == bundle.report["insatser"]
    assert manifest["threshold"] == 5 == bundle.report["suppression"]["threshold"]
    assert manifest["audit_head"] == bundle.report["as_of"]
    assert manifest["generated_at"] == "2026-11-20T09:30:15Z"
    assert manifest["signer"] == {
        "algorithm": "Ed25519",
        "public_key": public.base64,
        "fingerprint": public.fingerprint,
        "rotations": [],  # the register authority was never handed over
    }
    assert manifest["demo"] is True
    assert manifest["formats"] == list(FORMATS)
    # The exact bytes the contract fixes.
    assert bundle.members[MANIFEST] == canonical_json(manifest)
    assert (
        bundle.members[REPORT]
        == (json.dumps(bundle.report, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    )


def test_the_signature_verifies_with_the_registers_public_key(
    demo: DemoRegister, full_bundle: Path
) -> None:
    bundle = read_bundle(full_bundle)
    with demo.login() as session:
        public = registers.public_key(session)
    signature = bundle.members[SIGNATURE]
    assert len(signature) == 64  # raw Ed25519 signature, not base64
    # Raises InvalidSignature if it does not hold.
    Ed25519PublicKey.from_public_bytes(public.raw).verify(signature, bundle.members[MANIFEST])
    result = verify_bundle(full_bundle, public.base64)
    assert result.ok, result.problems
    assert result.facts is not None and result.facts.signer_fingerprint == public.fingerprint
    assert verify_bundle(full_bundle, public.fingerprint).ok


def test_every_export_is_recorded_after_its_figures(demo: DemoRegister, tmp_path: Path) -> None:
    before = len(_events(demo, reports.REPORT_EXPORTED))
    with demo.login() as session:
        path = export_bundle(
            session,
            Period.parse(PERIOD),
            ["Samordningsteam Sala"],
            formats=BOARD_FORMATS,
            out_dir=tmp_path,
        )
    exported = _events(demo, reports.REPORT_EXPORTED)
    assert len(exported) == before + 1
    event = exported[-1]
    bundle = read_bundle(path)
    assert event.user == "demo"
    assert event.payload == {
        "period": PERIOD,
        "insatser": ["Samordningsteam Sala"],
        "threshold": 5,
        "selection": ["Samordningsteam Sala"],
        "frozen": event.payload["frozen"],  # another test may have exported 2026H1 Sala first
        "bundle": path.name,
        "manifest_sha256": hashlib.sha256(bundle.members[MANIFEST]).hexdigest(),
        "formats": ["json", "csv"],
        "as_of": bundle.manifest["audit_head"]["seq"],
    }
    # The figures come from the head before the record of their export.
    assert bundle.manifest["audit_head"]["seq"] < event.seq
    assert path.name.startswith("DEMO_2026H1_samordningsteam-sala_")
    assert set(bundle.manifest["files"]) == {REPORT, *(n for n in bundle.members if "csv/" in n)}


def _small_counts(
    part: dict[str, Any], threshold: int, *, goals: bool = False
) -> list[tuple[str, ...]]:
    """Every published count 0 < n < threshold in a report part (counts, breakdowns, the
    shares' numerators and denominators; with ``goals``, the goals' counts instead)."""
    found = []

    def check(where: tuple[str, ...], value: object) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold:
            found.append(where)

    if goals:
        for goal in part["goals"]:
            check(("goals", goal["metric"], "num"), goal["num"])
            check(("goals", goal["metric"], "den"), goal["den"])
        return found
    for metric, row in part["counts"].items():
        for column, value in row.items():
            check(("counts", metric, column), value)
    for name, table in part["breakdowns"].items():
        for code, row in table.items():
            for column, value in row.items():
                check(("breakdowns", name, code, column), value)
    for name, by_column in part["shares"].items():
        for column, share in by_column.items():
            check(("shares", name, column, "num"), share["num"])
            check(("shares", name, column, "den"), share["den"])
    return found


@pytest.fixture(scope="module")
def small_insats_bundle(demo: DemoRegister) -> tuple[Path, dict[str, Any]]:
    """A bundle of one small insats (its cells are small: suppression has work to do) and the
    same report unsuppressed."""
    with demo.login() as session:
        path = export_bundle(
            session,
            Period.parse(PERIOD),
            ["Samordningsteam Heby"],
            formats=BOARD_FORMATS,
            out_dir=demo.folder / "small",
        )
        raw_report = build_report(session, Period.parse(PERIOD), ["Samordningsteam Heby"])
    return path, raw_report


def test_a_suppressed_bundle_publishes_no_small_count(
    small_insats_bundle: tuple[Path, dict[str, Any]],
) -> None:
    path, raw_report = small_insats_bundle
    report = read_bundle(path).report
    assert _small_counts(raw_report, 5), "the demo insats should have small counts to hide"
    assert _small_counts(report, 5) == []
    assert _small_counts(report["comparison"], 5) == []
    # The small insats's breakdowns of small groups are hidden, not shown with telling zeros.
    assert '".."' in read_bundle(path).members[REPORT].decode()


def test_a_suppressed_bundle_publishes_no_small_goal_count(
    small_insats_bundle: tuple[Path, dict[str, Any]],
) -> None:
    path, raw_report = small_insats_bundle
    assert _small_counts(raw_report, 5, goals=True)
    assert _small_counts(read_bundle(path).report, 5, goals=True) == []


def test_staff_may_not_export_unsuppressed_and_nothing_is_written(
    demo: DemoRegister, tmp_path: Path
) -> None:
    before = len(_events(demo, reports.REPORT_EXPORTED))
    with demo.login("sam") as session, pytest.raises(PermissionDenied) as refused:
        export_bundle(
            session,
            Period.parse(PERIOD),
            suppression=False,
            formats=BOARD_FORMATS,
            out_dir=tmp_path,
        )
    assert refused.value.key == "report.unsuppressed_refused"
    with demo.login("sam") as session:
        assert not reports.may_export_unsuppressed(session)
    assert "sam" in refused.value.message("sv")
    assert list(tmp_path.iterdir()) == []
    assert len(_events(demo, reports.REPORT_EXPORTED)) == before
    # A suppressed export is open to staff too.
    with demo.login("sam") as session:
        assert export_bundle(
            session, Period.parse(PERIOD), formats=BOARD_FORMATS, out_dir=tmp_path
        ).exists()


@pytest.mark.parametrize("user", ["rita", "demo"])
def test_reviewers_and_coordinators_may_export_unsuppressed(
    demo: DemoRegister, tmp_path: Path, user: str
) -> None:
    with demo.login(user) as session:
        assert reports.may_export_unsuppressed(session)
        path = export_bundle(
            session,
            Period.parse(PERIOD),
            suppression=False,
            formats=BOARD_FORMATS,
            out_dir=tmp_path,
        )
    bundle = read_bundle(path)
    assert bundle.manifest["threshold"] is None
    assert bundle.report["suppression"] is None
    assert not any(isinstance(v, str) for v in bundle.report["counts"]["exits"].values())
    result = verify_bundle(path)
    assert result.ok and result.facts is not None and result.facts.internal
    event = _events(demo, reports.REPORT_EXPORTED)[-1]
    assert event.user == user and event.payload["threshold"] is None


def test_the_threshold_setting(demo: DemoRegister, tmp_path: Path) -> None:
    # The services' copies of metrics.md's values are the suppression module's.
    assert reports.DEFAULT_SUPPRESSION_THRESHOLD == suppression.DEFAULT_THRESHOLD
    assert reports.MIN_SUPPRESSION_THRESHOLD == suppression.MIN_THRESHOLD
    with demo.login("sam") as session:
        assert reports.suppression_threshold(session) == 5
        with pytest.raises(PermissionDenied):
            reports.set_suppression_threshold(session, 4)
    with demo.login("rita") as session, pytest.raises(PermissionDenied):
        reports.set_suppression_threshold(session, 4)
    with demo.login() as session:
        for bad, key in (
            (2, "report.threshold_too_low"),
            ("0", "report.threshold_too_low"),
            ("fem", "report.threshold_invalid"),
            (101, "report.threshold_too_high"),
        ):
            with pytest.raises(ServiceError) as refused:
                reports.set_suppression_threshold(session, bad)
            assert refused.value.key == key
        assert "3" in t("report.threshold_too_low", "sv", minimum=3)
        assert reports.suppression_threshold(session) == 5
        try:
            assert reports.set_suppression_threshold(session, "7") == 7
            assert reports.suppression_threshold(session) == 7
            path = export_bundle(
                session, Period.parse(PERIOD), formats=BOARD_FORMATS, out_dir=tmp_path
            )
        finally:
            reports.set_suppression_threshold(session, 5)
    changes = _events(demo, reports.SUPPRESSION_THRESHOLD_SET)
    assert [e.payload for e in changes[-2:]] == [
        {"threshold": 7, "previous": 5},
        {"threshold": 5, "previous": 7},
    ]
    bundle = read_bundle(path)
    assert bundle.manifest["threshold"] == 7 == bundle.report["suppression"]["threshold"]
    assert _small_counts(bundle.report, 7) == []


def test_the_forbund_is_a_logged_register_setting(demo: DemoRegister, tmp_path: Path) -> None:
    name = "Samordningsförbundet Exempel"
    with demo.login("sam") as staff, pytest.raises(PermissionDenied):
        reports.set_forbund(staff, name)
    with demo.login() as session:
        # Checked like every other text: no personnummer, nothing a spreadsheet runs.
        with pytest.raises(RuleError):
            reports.set_forbund(session, f"Förbund {synthetic_personnummer()}")
        for formula in ('=HYPERLINK("http://x")', "+46 8 123", "-1", "@SUM(A1)"):
            with pytest.raises(ServiceError) as refused:
                reports.set_forbund(session, formula)
            assert refused.value.key == "report.forbund_formula"
        with pytest.raises(RuleError):
            export_bundle(
                session,
                Period.parse(PERIOD),
                formats=["json"],
                out_dir=tmp_path,
                forbund=f"Förbund {synthetic_personnummer()}",
            )
        assert list(tmp_path.iterdir()) == []
        assert reports.set_forbund(session, f"  {name}  ") == name
        assert reports.forbund(session) == name
        setting = export_bundle(session, Period.parse(PERIOD), formats=["json"], out_dir=tmp_path)
        # --forbund names this report's förbund only; the setting stays.
        override = export_bundle(
            session,
            Period.parse(PERIOD),
            formats=["json"],
            out_dir=tmp_path,
            forbund="Förbundet Annat",
            now=NOW,
        )
        assert reports.forbund(session) == name
    assert read_bundle(setting).manifest["forbund"] == name
    assert read_bundle(override).manifest["forbund"] == "Förbundet Annat"
    changes = _events(demo, reports.FORBUND_SET)
    assert changes[-1].payload == {"forbund": name, "previous": None}
    assert len(changes) == 1  # the refused names and the override wrote nothing


def test_the_same_second_never_overwrites(demo: DemoRegister, tmp_path: Path) -> None:
    with demo.login() as session:
        paths = [
            export_bundle(
                session, Period.parse(PERIOD), formats=["json"], out_dir=tmp_path, now=NOW
            )
            for _ in range(2)
        ]
    assert paths[0].name == "DEMO_2026H1_alla_20261120T093015.zip"
    assert paths[1].name == "DEMO_2026H1_alla_20261120T093015-2.zip"
    assert all(verify_bundle(path).ok for path in paths)


def test_bad_requests_write_nothing(demo: DemoRegister, tmp_path: Path) -> None:
    before = len(_events(demo, reports.REPORT_EXPORTED))
    with demo.login() as session:
        with pytest.raises(ServiceError) as unknown_format:
            export_bundle(session, Period.parse(PERIOD), formats=["docx"], out_dir=tmp_path)
        assert unknown_format.value.key == "report.unknown_format"
        with pytest.raises(ServiceError) as unknown_insats:
            export_bundle(session, Period.parse(PERIOD), ["Ingen sådan"], out_dir=tmp_path)
        assert unknown_insats.value.key == "service.unknown_insats"
    assert list(tmp_path.iterdir()) == []
    assert len(_events(demo, reports.REPORT_EXPORTED)) == before


def test_a_failed_write_records_no_export(
    demo: DemoRegister, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit record and the file go together: a full disk leaves neither."""

    def full_disk(path: Path, data: bytes, mode: int = 0o600) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle_module, "write_atomic", full_disk)
    before = len(_events(demo, reports.REPORT_EXPORTED))
    with demo.login() as session, pytest.raises(OSError):
        export_bundle(session, Period.parse(PERIOD), formats=["json"], out_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert len(_events(demo, reports.REPORT_EXPORTED)) == before


def test_progress_counts_up_to_its_total(demo: DemoRegister, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    with demo.login() as session:
        export_bundle(
            session,
            Period.parse(PERIOD),
            formats=BOARD_FORMATS,
            out_dir=tmp_path,
            progress=lambda done, total: calls.append((done, total)),
        )
    totals = {total for _, total in calls}
    assert len(totals) == 1
    total = totals.pop()
    assert [done for done, _ in calls] == list(range(total + 1))
