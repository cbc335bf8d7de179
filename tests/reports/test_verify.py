"""verify_bundle: any changed byte of a bundle is found and named; no database is needed."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from bundle_support import (
    NOW,
    PERIOD,
    DemoRegister,
    demo_register,
    flipped,
    member_offsets,
    rezipped,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tracker.domain.periods import Period
from tracker.i18n import t
from tracker.reports.bundle import (
    MANIFEST,
    REPORT,
    SIGNATURE,
    BundleError,
    canonical_json,
    canonical_zip,
    export_bundle,
    read_bundle,
    verify_bundle,
)
from tracker.services import registers
from tracker.store import signing


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRegister]:
    with demo_register(tmp_path_factory.mktemp("verify")) as register:
        yield register


@pytest.fixture(scope="module")
def bundle_bytes(demo: DemoRegister) -> bytes:
    """A bundle with every format, so every kind of member is tampered with."""
    with demo.login() as session:
        path = export_bundle(session, Period.parse(PERIOD), out_dir=demo.folder / "out", now=NOW)
    return path.read_bytes()


@pytest.fixture(scope="module")
def public(demo: DemoRegister) -> signing.PublicKey:
    with demo.login() as session:
        return registers.public_key(session)


def _verify(tmp_path: Path, data: bytes, key: str | None = None) -> list[str]:
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    result = verify_bundle(path, key)
    assert result.ok == (not result.problems)
    return result.problems


def test_an_untouched_bundle_verifies(
    tmp_path: Path, bundle_bytes: bytes, public: signing.PublicKey
) -> None:
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle_bytes)
    result = verify_bundle(path)
    assert result.ok, result.problems
    facts = result.facts
    assert facts is not None
    bundle = read_bundle(path)
    assert facts.signer_fingerprint == public.fingerprint
    assert facts.period == Period.parse(PERIOD).to_dict()
    assert (facts.audit_seq, facts.audit_hash) == bundle.audit_head
    assert facts.audit_seq == bundle.report["as_of"]["seq"]
    assert facts.threshold == 5 and not facts.internal
    assert facts.file_count == len(bundle.members) - 2
    assert facts.demo
    assert verify_bundle(path, public.base64).ok
    assert verify_bundle(path, public.fingerprint.upper()).ok


def test_one_flipped_byte_in_any_member_is_named(tmp_path: Path, bundle_bytes: bytes) -> None:
    spans = member_offsets(bundle_bytes)
    assert {REPORT, MANIFEST, SIGNATURE, "report.pdf", "report.xlsx"} <= set(spans)
    for name, (start, length) in spans.items():
        for offset in (start, start + length // 2, start + length - 1):
            problems = _verify(tmp_path, flipped(bundle_bytes, offset))
            assert problems, f"a changed byte in {name} went unnoticed"
            assert any(name in problem for problem in problems), (name, problems)


def test_a_forged_member_with_valid_checksums_is_named(tmp_path: Path, bundle_bytes: bytes) -> None:
    """A forger who rewrites a member and the zip's own checksums is caught by the manifest."""
    original = read_bundle(_write(tmp_path, bundle_bytes))
    report = json.loads(original.members[REPORT])
    report["counts"]["exits"]["total"] += 1
    for name, content in (
        (REPORT, canonical_json(report)),
        ("csv/flow.csv", original.members["csv/flow.csv"] + b"\n"),
        ("report.pdf", original.members["report.pdf"].replace(b"%PDF", b"%PDX", 1)),
    ):
        problems = _verify(tmp_path, rezipped(bundle_bytes, {name: content}))
        assert problems == [t("verify.member_changed", member=name)]


def test_a_rewritten_manifest_breaks_the_signature(tmp_path: Path, bundle_bytes: bytes) -> None:
    original = read_bundle(_write(tmp_path, bundle_bytes))
    forged = dict(original.manifest, threshold=3)
    problems = _verify(tmp_path, rezipped(bundle_bytes, {MANIFEST: canonical_json(forged)}))
    assert t("verify.signature_invalid", member=SIGNATURE) in problems


def test_a_bundle_re_signed_by_another_key_fails_the_pin(
    tmp_path: Path, bundle_bytes: bytes, public: signing.PublicKey
) -> None:
    """A forger with a key of their own can make a self-consistent bundle; pinning the
    register's key is what stops them."""
    original = read_bundle(_write(tmp_path, bundle_bytes))
    private_raw, other = signing.generate()
    manifest = dict(original.manifest)
    manifest["signer"] = {
        "algorithm": "Ed25519",
        "public_key": other.base64,
        "fingerprint": other.fingerprint,
    }
    manifest_bytes = canonical_json(manifest)
    signature = Ed25519PrivateKey.from_private_bytes(private_raw).sign(manifest_bytes)
    members = dict(original.members, **{MANIFEST: manifest_bytes, SIGNATURE: signature})
    forged = _canonical(members, original.manifest["generated_at"])
    assert _verify(tmp_path, forged) == []  # self-consistent: only a pin can tell
    for pin in (public.base64, public.fingerprint):
        problems = _verify(tmp_path, forged, pin)
        assert problems == [
            t("verify.key_mismatch", fingerprint=other.fingerprint, member=SIGNATURE)
        ]


def test_missing_and_extra_members_are_named(tmp_path: Path, bundle_bytes: bytes) -> None:
    problems = _verify(tmp_path, rezipped(bundle_bytes, {"csv/flow.csv": None}))
    assert problems == [t("verify.member_missing", member="csv/flow.csv")]
    problems = _verify(tmp_path, rezipped(bundle_bytes, {"extra.txt": b"not in the manifest"}))
    assert problems == [t("verify.member_extra", member="extra.txt")]
    problems = _verify(tmp_path, rezipped(bundle_bytes, {SIGNATURE: None}))
    assert problems == [t("verify.member_missing", member=SIGNATURE)]
    problems = _verify(tmp_path, rezipped(bundle_bytes, {MANIFEST: None}))
    assert problems == [t("verify.member_missing", member=MANIFEST)]


def test_every_byte_outside_the_members_is_covered_too(demo: DemoRegister, tmp_path: Path) -> None:
    """Headers, dates, flags, the directory: one flipped bit anywhere fails verification
    (a json-only bundle keeps the number of single-byte variants small)."""
    with demo.login() as session:
        path = export_bundle(
            session, Period.parse(PERIOD), formats=["json", "csv"], out_dir=tmp_path / "small"
        )
    data = path.read_bytes()
    spans = member_offsets(data)
    inside = {offset for start, length in spans.values() for offset in range(start, start + length)}
    outside = [offset for offset in range(len(data)) if offset not in inside]
    end_of_directory = data.rfind(b"PK\x05\x06")
    (directory_start,) = struct.unpack("<I", data[end_of_directory + 16 : end_of_directory + 20])
    assert 0 in outside and directory_start in outside and len(data) - 1 in outside
    for offset in outside:
        assert _verify(tmp_path, flipped(data, offset)), f"byte {offset} went unnoticed"


def test_a_changed_date_in_a_header_is_found(tmp_path: Path, bundle_bytes: bytes) -> None:
    """Every member intact, only the container changed: named as such."""
    archive = zipfile.ZipFile(io.BytesIO(bundle_bytes))
    first = archive.infolist()[0]
    date_offset = first.header_offset + 12  # the local header's modification date
    problems = _verify(tmp_path, flipped(bundle_bytes, date_offset))
    assert problems == [t("verify.container_changed")]


def test_what_is_not_a_bundle_at_all(tmp_path: Path) -> None:
    with pytest.raises(BundleError) as missing:
        verify_bundle(tmp_path / "none.zip")
    assert missing.value.key == "verify.no_file"
    text = tmp_path / "notes.zip"
    text.write_text("inte en zip-fil", encoding="utf-8")
    with pytest.raises(BundleError) as not_zip:
        verify_bundle(text)
    assert not_zip.value.key == "verify.not_a_zip"
    with pytest.raises(BundleError):
        read_bundle(text)
    with pytest.raises(BundleError) as bad_pin:
        verify_bundle(text, "inte en nyckel")
    assert bad_pin.value.key == "verify.pin_invalid"


def test_a_truncated_bundle_is_a_failed_verification(tmp_path: Path, bundle_bytes: bytes) -> None:
    problems = _verify(tmp_path, bundle_bytes[: len(bundle_bytes) // 2])
    assert problems == [t("verify.zip_damaged")]


def _write(folder: Path, data: bytes) -> Path:
    path = folder / "original.zip"
    path.write_bytes(data)
    return path


def _canonical(members: dict[str, bytes], generated_at: str) -> bytes:
    return canonical_zip(members, datetime.fromisoformat(generated_at))
