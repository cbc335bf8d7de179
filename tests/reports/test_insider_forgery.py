"""Issue 12, attack 1: a colleague with an ordinary slot rebuilds a bundle whose PDF, XLSX and CSV
say something report.json does not, and signs it with whatever key she holds. ``verify --key``
with the register's pinned fingerprint refuses it, and ``audit recount`` exits 4 naming the
member that differs."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from bundle_support import NOW, PASSPHRASES, PERIOD, DemoRegister, demo_register

from tracker import cli
from tracker.domain.periods import Period
from tracker.reports.bundle import (
    MANIFEST,
    SIGNATURE,
    canonical_json,
    canonical_zip,
    export_bundle,
    read_bundle,
    sha256,
)
from tracker.reports.recount import render_members
from tracker.services import registers
from tracker.services import reports as report_service
from tracker.store import keyfile
from tracker.store.signing import PublicKey


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRegister]:
    with demo_register(tmp_path_factory.mktemp("forgery"), participants=60) as register:
        yield register


@pytest.fixture(autouse=True)
def cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyfile, "DEFAULT_KDF", keyfile.KdfParams(8, 1, 1))
    monkeypatch.setattr(keyfile, "KDF_FLOOR", keyfile.KdfParams(8, 1, 1))


def _board_bundle(demo: DemoRegister, folder: Path) -> tuple[Path, str]:
    """A coordinator's export, and the fingerprint the reviewers pinned."""
    with demo.login("demo") as coordinator:
        path = export_bundle(coordinator, Period.parse(PERIOD), out_dir=folder, now=NOW)
        pin = registers.public_key(coordinator).fingerprint
    return path, pin


def _forge(demo: DemoRegister, path: Path, user: str) -> str:
    """What ``user`` can do with her slot: render PDF, XLSX and CSV from a report with a figure
    raised (report.json untouched), fix the manifest's hashes and sign with the key she can use
    (tracker's own export signing for her session). Returns the member names changed."""
    bundle = read_bundle(path)
    lie = copy.deepcopy(bundle.report)
    name = next(n for n, row in lie["counts"].items() if isinstance(row["total"], int))
    lie["counts"][name]["total"] += 42
    with demo.login(user) as session:
        forged = render_members(session, bundle, lie)
        public = report_service.public_key(session)
        members = dict(bundle.members)
        changed = sorted(m for m, data in forged.items() if members.get(m) != data)
        members.update(forged)
        manifest = json.loads(json.dumps(bundle.manifest))
        for member in changed:
            manifest["files"][member] = sha256(members[member])
        manifest["signer"] = {
            **manifest["signer"],
            "public_key": public.base64,
            "fingerprint": public.fingerprint,
        }
        members[MANIFEST] = canonical_json(manifest)
        members[SIGNATURE] = report_service.sign(session, members[MANIFEST])
    generated_at = datetime.fromisoformat(manifest["generated_at"].replace("Z", "+00:00"))
    path.write_bytes(canonical_zip(members, generated_at))
    return ", ".join(changed)


@pytest.mark.parametrize("forger", ["sam", "rita"])
def test_a_forged_pdf_bundle_is_refused_by_verify_key_and_recount(
    demo: DemoRegister,
    tmp_path: Path,
    forger: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, pin = _board_bundle(demo, tmp_path)
    assert cli.main(["verify", str(path), "--key", pin]) == 0
    changed = _forge(demo, path, forger)
    assert "report.pdf" in changed and "report.xlsx" in changed
    capsys.readouterr()

    assert cli.main(["verify", str(path)]) == 0  # on its own the forgery is a valid bundle
    assert cli.main(["verify", str(path), "--key", pin]) == 4
    assert "manifest.sig" in capsys.readouterr().err

    monkeypatch.setenv("TRACKER_USER", "rita")
    monkeypatch.setenv("TRACKER_PASSPHRASE", PASSPHRASES["rita"])
    assert cli.main(["--db", str(demo.path), "audit", "recount", str(path)]) == 4
    err = capsys.readouterr().err
    assert "report.pdf" in err and "report.xlsx" in err
    assert "inte signerat med det här registrets nyckel" in err


def test_a_coordinator_bundle_recounts_clean(
    demo: DemoRegister, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    path, _ = _board_bundle(demo, tmp_path)
    monkeypatch.setenv("TRACKER_USER", "rita")
    monkeypatch.setenv("TRACKER_PASSPHRASE", PASSPHRASES["rita"])
    assert cli.main(["--db", str(demo.path), "audit", "recount", str(path)]) == 0
    assert "stämmer med registret" in capsys.readouterr().out


def test_staff_and_reviewers_hold_no_register_authority(demo: DemoRegister) -> None:
    for user in ("sam", "rita"):
        with demo.login(user) as session:
            assert session.authority is None
            assert report_service.public_key(session) != registers.public_key(session)
    with demo.login("demo") as coordinator:
        assert coordinator.authority is not None


def test_a_pin_follows_the_authority_when_a_coordinator_leaves(
    demo: DemoRegister, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    cora = ("cora", "cora samordnar en tid")
    with demo.login("demo") as coordinator:
        registers.add_user(
            coordinator,
            passphrase=PASSPHRASES["demo"],
            user=cora[0],
            role="coordinator",
            new_passphrase=cora[1],
        )
    first, pin = _board_bundle(demo, tmp_path / "first")
    with registers.open_session(demo.path, user=cora[0], passphrase=cora[1]) as session:
        kept = session.authority  # what cora could copy before she leaves
        assert kept is not None
    with demo.login("demo") as coordinator:
        registers.remove_user(coordinator, passphrase=PASSPHRASES["demo"], user="cora")
        assert registers.public_key(coordinator).fingerprint != pin
    later, _ = _board_bundle(demo, tmp_path / "later")
    capsys.readouterr()
    assert cli.main(["verify", str(later), "--key", pin]) == 0  # the pin follows the hand-over
    assert "efterträdare" in capsys.readouterr().out

    # Cora signs a bundle of the register's newer head with the authority she kept: her old key
    # is the reviewer's pin itself, so only the register can tell (recount: retired key).
    bundle = read_bundle(later)
    members = dict(bundle.members)
    manifest = json.loads(json.dumps(bundle.manifest))
    old = PublicKey(kept.public_key().public_bytes_raw())
    manifest["signer"] = {**manifest["signer"], "public_key": old.base64,
                          "fingerprint": old.fingerprint, "rotations": []}  # fmt: skip
    members[MANIFEST] = canonical_json(manifest)
    members[SIGNATURE] = kept.sign(members[MANIFEST])
    generated_at = datetime.fromisoformat(manifest["generated_at"].replace("Z", "+00:00"))
    later.write_bytes(canonical_zip(members, generated_at))
    monkeypatch.setenv("TRACKER_USER", "rita")
    monkeypatch.setenv("TRACKER_PASSPHRASE", PASSPHRASES["rita"])
    assert cli.main(["--db", str(demo.path), "audit", "recount", str(later)]) == 4
    assert "inte signerat med det här registrets nyckel" in capsys.readouterr().err
    capsys.readouterr()
    # A bundle the old authority signed while it was the authority still recounts.
    assert cli.main(["--db", str(demo.path), "audit", "recount", str(first)]) == 0
