"""Key file (tracker.keys/2): per-user key pairs, the data key wrapped to each, the recovery
key, version 1 files, the pending-file protocol and atomic writes, on real files."""

from __future__ import annotations

import base64
import json
import os
import stat
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from legacy_support import write_v1_keyfile

import tracker.store.atomic as atomic
import tracker.store.keyfile as kf
from tracker.i18n import CATALOG, placeholders

# Captured at import, before the fixture below swaps in cheap parameters.
REAL_DEFAULT_KDF = kf.DEFAULT_KDF
REAL_KDF_FLOOR = kf.KDF_FLOOR
CHEAP = kf.KdfParams(memory_cost=8, iterations=1, lanes=1)

DB_ID = "0123456789abcdef0123456789abcdef"
OTHER_DB_ID = "fedcba9876543210fedcba9876543210"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at production cost takes most of a second; the logic is the same when cheap."""
    monkeypatch.setattr(kf, "DEFAULT_KDF", CHEAP)
    monkeypatch.setattr(kf, "KDF_FLOOR", CHEAP)


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, bytearray, str]:
    """A key file for anna; returns (path, data key, recovery key)."""
    path = tmp_path / "register.db.keys"
    data_key = kf.new_data_key()
    built = kf.create_keyfile(path, DB_ID, data_key, "anna", "anna lösen")
    return path, data_key, built.recovery_key


def _doc(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def _save(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, indent=2), "utf-8")


def _slot(doc: dict, user: str) -> dict:
    return next(s for s in doc["slots"] if s["user"] == user)


def _store(keyfile: kf.KeyFile) -> None:
    keyfile.path.write_bytes(keyfile.encode())


def _add(path: Path, user: str, passphrase: str, authority: bool = False) -> kf.Identity:
    """Add ``user`` to the file at ``path`` the way a coordinator does (anna's data key)."""
    anna = kf.unlock(path, "anna", "anna lösen")
    new, identity = kf.with_user(
        anna.keyfile, anna.data_key, user, passphrase, anna.authority if authority else None
    )
    _store(new)
    return identity


# --- create and unlock -------------------------------------------------------------------------


def test_create_then_unlock(keys: tuple[Path, bytearray, str]) -> None:
    path, data_key, _ = keys
    unlocked = kf.unlock(path, "anna", "anna lösen")
    assert unlocked.data_key == data_key
    assert unlocked.user == "anna"
    assert unlocked.authority is not None and unlocked.identity is not None
    assert unlocked.keyfile.database_id == DB_ID
    doc = _doc(path)
    assert doc["format"] == "tracker.keys/2"
    assert [s["kind"] for s in doc["slots"]] == ["user", "recovery"]
    assert "role" not in _slot(doc, "anna")  # roles live in the log
    assert _slot(doc, "anna")["kdf"]["name"] == "argon2id"
    assert kf.digest(path.read_bytes()) == unlocked.keyfile.digest


def test_users_listed_without_unlocking(keys: tuple[Path, bytearray, str]) -> None:
    path, _, _ = keys
    assert kf.load_keyfile(path).users() == ["anna"]


def test_create_refuses_existing_file(keys: tuple[Path, bytearray, str]) -> None:
    path, data_key, _ = keys
    before = path.read_bytes()
    with pytest.raises(kf.KeyFileExists):
        kf.create_keyfile(path, DB_ID, data_key, "bo", "x")
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("user", "passphrase"),
    [("anna", "wrong"), ("anna", ""), ("nobody", "anna lösen"), ("ANNA", "anna lösen")],
)
def test_wrong_credentials_are_one_error_and_write_nothing(
    keys: tuple[Path, bytearray, str], user: str, passphrase: str
) -> None:
    path, _, _ = keys
    before = path.read_bytes()
    with pytest.raises(kf.WrongCredentials) as info:
        kf.unlock(path, user, passphrase)
    assert info.value.params == {}
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == [path.name]


def test_passphrase_is_nfc_normalised(tmp_path: Path) -> None:
    path = tmp_path / "db.keys"
    composed = "gåsö"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    kf.create_keyfile(path, DB_ID, kf.new_data_key(), "anna", composed)
    assert kf.unlock(path, "anna", decomposed).user == "anna"


def test_file_mode_is_0600(keys: tuple[Path, bytearray, str]) -> None:
    if os.name == "nt":
        pytest.skip("POSIX permissions")
    path, _, _ = keys
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    anna = kf.unlock(path, "anna", "anna lösen")
    new, _ = kf.with_user(anna.keyfile, anna.data_key, "bo", "bo lösen")
    kf.write_pending(path, new.encode())
    kf.apply_pending(path, kf.digest(new.encode()))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_key_material_in_clear(keys: tuple[Path, bytearray, str]) -> None:
    path, data_key, recovery = keys
    anna = kf.unlock(path, "anna", "anna lösen")
    raw = path.read_bytes()
    secrets_ = [
        bytes(data_key),
        anna.identity.x25519.private_bytes_raw(),
        anna.identity.ed25519.private_bytes_raw(),
        anna.authority.private_bytes_raw(),
    ]
    for key in secrets_:
        for form in (
            key,
            key.hex().encode(),
            key.hex().upper().encode(),
            base64.b64encode(key),
            base64.urlsafe_b64encode(key),
            base64.b64encode(key).rstrip(b"="),
        ):
            assert form not in raw
    for form in ("anna lösen".encode(), recovery.encode(), recovery.replace("-", "").encode()):
        assert form not in raw


def test_secrets_hidden_from_repr_and_messages(keys: tuple[Path, bytearray, str]) -> None:
    path, data_key, _ = keys
    unlocked = kf.unlock(path, "anna", "anna lösen")
    shown = repr(unlocked) + str(unlocked) + repr(unlocked.identity) + repr(unlocked.keyfile)
    assert data_key.hex() not in shown
    assert "data_key=<hidden>" in shown
    assert repr(bytes(data_key)) not in shown
    with pytest.raises(kf.WrongCredentials) as info:
        kf.unlock(path, "anna", "a very secret guess")
    for text in (str(info.value), repr(info.value), info.value.message("en")):
        assert "a very secret guess" not in text


def test_wipe_zeroes_key_in_place(keys: tuple[Path, bytearray, str]) -> None:
    path, _, _ = keys
    with kf.unlock(path, "anna", "anna lösen") as unlocked:
        buffer = unlocked.data_key
        assert any(buffer)
    assert buffer == bytearray(32)


# --- slots -------------------------------------------------------------------------------------


def test_add_remove_and_change_passphrase(keys: tuple[Path, bytearray, str]) -> None:
    path, data_key, _ = keys
    bo_identity = _add(path, "bo", "bo lösen")
    _add(path, "cecilia", "cecilia lösen", authority=True)
    assert kf.load_keyfile(path).users() == ["anna", "bo", "cecilia"]

    bo = kf.unlock(path, "bo", "bo lösen")
    assert bo.data_key == data_key and bo.authority is None
    assert bo.identity.ed25519_public == bo_identity.ed25519_public
    cecilia = kf.unlock(path, "cecilia", "cecilia lösen")
    anna = kf.unlock(path, "anna", "anna lösen")
    assert cecilia.authority.private_bytes_raw() == anna.authority.private_bytes_raw()

    old_slot = _slot(_doc(path), "bo")
    _store(kf.with_passphrase(kf.load_keyfile(path), bo, "nytt lösen"))
    new_slot = _slot(_doc(path), "bo")
    assert new_slot["id"] == old_slot["id"]
    assert new_slot["public"] == old_slot["public"]  # the same key pairs
    assert new_slot["kdf"]["salt"] != old_slot["kdf"]["salt"]
    assert new_slot["data_key"] == old_slot["data_key"]
    with pytest.raises(kf.WrongCredentials):
        kf.unlock(path, "bo", "bo lösen")
    assert kf.unlock(path, "bo", "nytt lösen").data_key == data_key

    _store(kf.without_user(kf.load_keyfile(path), "bo"))
    with pytest.raises(kf.WrongCredentials):
        kf.unlock(path, "bo", "nytt lösen")
    assert kf.unlock(path, "anna", "anna lösen").data_key == data_key


def test_slot_errors(keys: tuple[Path, bytearray, str]) -> None:
    path, _, _ = keys
    anna = kf.unlock(path, "anna", "anna lösen")
    with pytest.raises(kf.SlotExists):
        kf.with_user(anna.keyfile, anna.data_key, "anna", "x")
    with pytest.raises(kf.SlotNotFound):
        kf.without_user(anna.keyfile, "bo")
    with pytest.raises(kf.SlotNotFound):
        kf.with_user(anna.keyfile, anna.data_key, "bo", "x", replacing=True)
    with pytest.raises(kf.EmptyPassphrase):
        kf.with_user(anna.keyfile, anna.data_key, "bo", "")


@pytest.mark.parametrize(
    "name", ["", "Anna", "Åsa", "anna lind", "ü", "a" * 33, "anna/../x", "a:b", "å" * 33]
)
def test_invalid_user_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(kf.InvalidUserName):
        kf.create_keyfile(tmp_path / "k", DB_ID, kf.new_data_key(), name, "x")
    assert not (tmp_path / "k").exists()


@pytest.mark.parametrize(
    "name", ["a", "anna", "anna.lind", "a_b-c", "x" * 32, "007", "åsa", "örjan", "märta", "josé"]
)
def test_valid_user_names(name: str) -> None:
    assert kf.validate_user_name(name) == name


def test_user_names_are_nfc_so_a_decomposed_å_is_the_same_name(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "åsa")
    assert decomposed != "åsa" and len(decomposed) == 4
    assert kf.validate_user_name(decomposed) == "åsa"
    path = tmp_path / "k"
    kf.create_keyfile(path, DB_ID, kf.new_data_key(), "åsa", "åsas lösen")
    assert kf.unlock(path, "åsa", "åsas lösen").user == "åsa"


def test_authority_follows_the_coordinators(keys: tuple[Path, bytearray, str]) -> None:
    path, _, recovery = keys
    _add(path, "bo", "bo lösen")
    anna = kf.unlock(path, "anna", "anna lösen")
    _store(kf.with_authority(anna.keyfile, {"bo"}, anna.authority))
    assert kf.unlock(path, "bo", "bo lösen").authority is not None
    assert kf.unlock(path, "anna", "anna lösen").authority is None
    assert kf.unlock_with_recovery(path, recovery).authority is not None


# --- recovery ----------------------------------------------------------------------------------


def test_recovery_unlock_gives_new_keys_for_a_user(keys: tuple[Path, bytearray, str]) -> None:
    path, data_key, recovery = keys
    old = kf.unlock(path, "anna", "anna lösen").identity.ed25519_public
    rescued = kf.unlock_with_recovery(path, recovery)
    assert (rescued.user, rescued.data_key) == (None, data_key)
    new, identity = kf.with_user(
        rescued.keyfile, rescued.data_key, "anna", "nytt efter glömt", replacing=True
    )
    _store(new)
    with pytest.raises(kf.WrongCredentials):
        kf.unlock(path, "anna", "anna lösen")
    anna = kf.unlock(path, "anna", "nytt efter glömt")
    assert anna.identity.ed25519_public == identity.ed25519_public != old
    # The recovery slot is untouched and still works.
    assert kf.unlock_with_recovery(path, recovery).data_key == data_key


@pytest.mark.parametrize("style", ["dashes", "spaces", "none", "padded"])
def test_recovery_key_input_styles(keys: tuple[Path, bytearray, str], style: str) -> None:
    path, data_key, recovery = keys
    typed = {
        "dashes": recovery,
        "spaces": recovery.replace("-", " "),
        "none": recovery.replace("-", ""),
        "padded": f"  {recovery.replace('-', ' - ')}\n",
    }[style]
    assert kf.unlock_with_recovery(path, typed).data_key == data_key


def test_recovery_key_format() -> None:
    raw, text = kf.generate_recovery_key()
    groups = text.split("-")
    assert len(raw) == 16
    assert len(groups) == 8
    for group in groups:
        assert len(group) == 6
        assert group.isdigit()
        assert int(group) % 11 == 0
        assert int(group) < 720896
        assert kf.recovery_group_ok(group)
    assert kf.parse_recovery_key(text) == raw


@given(st.binary(min_size=16, max_size=16))
def test_recovery_key_round_trip(raw: bytes) -> None:
    assert kf.parse_recovery_key(kf.format_recovery_key(raw)) == raw


@given(
    value=st.integers(min_value=0, max_value=65535),
    position=st.integers(min_value=0, max_value=5),
    digit=st.sampled_from("0123456789"),
)
def test_one_digit_typo_is_caught_in_its_group(value: int, position: int, digit: str) -> None:
    group = f"{value * 11:06d}"
    typo = group[:position] + digit + group[position + 1 :]
    if typo != group:
        assert not kf.recovery_group_ok(typo)


@given(value=st.integers(min_value=0, max_value=65535), position=st.integers(0, 4))
def test_swapped_neighbours_are_caught(value: int, position: int) -> None:
    group = f"{value * 11:06d}"
    chars = list(group)
    chars[position], chars[position + 1] = chars[position + 1], chars[position]
    swapped = "".join(chars)
    if swapped != group:
        assert not kf.recovery_group_ok(swapped)


@given(
    raw=st.binary(min_size=16, max_size=16),
    group=st.integers(min_value=0, max_value=7),
    position=st.integers(min_value=0, max_value=5),
    delta=st.integers(min_value=1, max_value=9),
    separator=st.sampled_from(["-", " ", ""]),
)
def test_parse_names_the_mistyped_group(
    raw: bytes, group: int, position: int, delta: int, separator: str
) -> None:
    groups = kf.format_recovery_key(raw).split("-")
    digits = list(groups[group])
    digits[position] = str((int(digits[position]) + delta) % 10)
    groups[group] = "".join(digits)
    with pytest.raises(kf.InvalidRecoveryKey) as info:
        kf.parse_recovery_key(separator.join(groups))
    assert info.value.group == group + 1
    assert info.value.params == {"group": group + 1}


def test_recovery_key_wrong_length_or_wrong_key(keys: tuple[Path, bytearray, str]) -> None:
    path, _, recovery = keys
    groups = recovery.split("-")
    with pytest.raises(kf.InvalidRecoveryKey) as info:
        kf.parse_recovery_key("-".join(groups[:7]))
    assert info.value.group is None
    assert info.value.key == "keyfile.recovery_key_length"
    with pytest.raises(kf.InvalidRecoveryKey) as info:
        kf.parse_recovery_key("-".join([*groups, groups[0]]))
    assert info.value.group is None
    # A missing digit in group 3 is blamed on group 3 when groups are separated.
    short = [*groups]
    short[2] = short[2][:5]
    with pytest.raises(kf.InvalidRecoveryKey) as info:
        kf.parse_recovery_key("-".join(short))
    assert info.value.group == 3
    # Well formed, but not this register's key.
    _, other = kf.generate_recovery_key()
    before = path.read_bytes()
    with pytest.raises(kf.InvalidRecoveryKey) as info:
        kf.unlock_with_recovery(path, other)
    assert info.value.key == "keyfile.recovery_key_wrong"
    assert path.read_bytes() == before


# --- rekey -------------------------------------------------------------------------------------


def test_rekeyed_file_wraps_the_new_key_to_everyone_without_their_passphrase(
    keys: tuple[Path, bytearray, str],
) -> None:
    path, old_key, old_recovery = keys
    _add(path, "bo", "bo lösen")
    anna = kf.unlock(path, "anna", "anna lösen")
    new_key = kf.new_data_key()
    new, recovery, _ = kf.rekeyed(anna.keyfile, new_key, anna.authority)
    _store(new)
    assert kf.unlock(path, "bo", "bo lösen").data_key == new_key
    assert kf.unlock(path, "anna", "anna lösen").data_key == new_key
    assert kf.unlock_with_recovery(path, recovery).data_key == new_key
    with pytest.raises(kf.InvalidRecoveryKey):
        kf.unlock_with_recovery(path, old_recovery)
    assert new_key != old_key


# --- KDF parameters ----------------------------------------------------------------------------


def test_real_defaults_meet_the_floor() -> None:
    assert kf.KdfParams(262144, 3, 4) == REAL_DEFAULT_KDF
    assert kf.KdfParams(65536, 2, 1) == REAL_KDF_FLOOR
    assert REAL_DEFAULT_KDF.at_least(REAL_KDF_FLOOR)


def test_weak_slot_is_refused(
    keys: tuple[Path, bytearray, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path, _, recovery = keys  # made with cheap parameters
    monkeypatch.setattr(kf, "KDF_FLOOR", REAL_KDF_FLOOR)
    with pytest.raises(kf.WeakKdfError) as info:
        kf.unlock(path, "anna", "anna lösen")
    assert info.value.params["memory_cost"] == CHEAP.memory_cost
    with pytest.raises(kf.WeakKdfError):
        kf.unlock_with_recovery(path, recovery)
    with pytest.raises(kf.WeakKdfError):
        kf.create_keyfile(tmp_path / "new.keys", DB_ID, kf.new_data_key(), "a", "x")
    assert not (tmp_path / "new.keys").exists()


@pytest.mark.parametrize("dimension", ["memory_cost", "iterations", "lanes"])
def test_floor_applies_to_every_dimension(
    keys: tuple[Path, bytearray, str], monkeypatch: pytest.MonkeyPatch, dimension: str
) -> None:
    path, _, _ = keys
    floor = {"memory_cost": CHEAP.memory_cost, "iterations": 1, "lanes": 1}
    floor[dimension] += 1
    monkeypatch.setattr(kf, "KDF_FLOOR", kf.KdfParams(**floor))
    with pytest.raises(kf.WeakKdfError):
        kf.unlock(path, "anna", "anna lösen")


# --- tampering (the log catches the rest: tests/services/test_trust.py) ------------------------


@pytest.mark.parametrize(
    "edit",
    [
        lambda slot: slot["public"].update(ed25519=slot["public"]["x25519"]),
        lambda slot: slot["kdf"].update(iterations=2),
        lambda slot: slot.update(user="eve"),
        lambda slot: slot["data_key"].update(nonce=slot["nonce"]),
    ],
)
def test_edited_slot_does_not_open(keys: tuple[Path, bytearray, str], edit) -> None:
    path, _, _ = keys
    doc = _doc(path)
    edit(_slot(doc, "anna"))
    _save(path, doc)
    user = "eve" if _doc(path)["slots"][0]["user"] == "eve" else "anna"
    with pytest.raises((kf.WrongCredentials, kf.KeyFileTampered)):
        kf.unlock(path, user, "anna lösen")


def test_edited_database_id_breaks_every_slot(keys: tuple[Path, bytearray, str]) -> None:
    path, _, recovery = keys
    doc = _doc(path)
    doc["database_id"] = OTHER_DB_ID
    _save(path, doc)
    with pytest.raises(kf.WrongCredentials):
        kf.unlock(path, "anna", "anna lösen")
    with pytest.raises(kf.InvalidRecoveryKey):
        kf.unlock_with_recovery(path, recovery)


def test_slot_moved_to_another_database(tmp_path: Path) -> None:
    """Even the same data key under another database id must not open a copied slot."""
    data_key = kf.new_data_key()
    ours, theirs = tmp_path / "ours.keys", tmp_path / "theirs.keys"
    kf.create_keyfile(ours, DB_ID, data_key, "anna", "anna lösen")
    kf.create_keyfile(theirs, OTHER_DB_ID, data_key, "bo", "bo lösen")
    doc = _doc(ours)
    doc["slots"].append(_slot(_doc(theirs), "bo"))
    _save(ours, doc)
    with pytest.raises(kf.WrongCredentials):
        kf.unlock(ours, "bo", "bo lösen")


def test_data_key_swapped_in_from_another_slot_is_tampering(tmp_path: Path) -> None:
    """Wrapping is bound to the slot: another slot's wrapped data key does not fit."""
    path = tmp_path / "db.keys"
    kf.create_keyfile(path, DB_ID, kf.new_data_key(), "anna", "anna lösen")
    _add(path, "bo", "bo lösen")
    doc = _doc(path)
    _slot(doc, "bo")["data_key"] = _slot(doc, "anna")["data_key"]
    _save(path, doc)
    with pytest.raises(kf.KeyFileTampered):
        kf.unlock(path, "bo", "bo lösen")


# --- version 1 files ---------------------------------------------------------------------------


def test_version_1_file_opens_and_offers_its_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "db.keys"
    data_key = kf.new_data_key()
    recovery_raw, recovery_text = kf.generate_recovery_key()
    write_v1_keyfile(
        path, DB_ID, data_key, [("anna", "coordinator", "anna lösen"), ("bo", "staff", "bo l")],
        recovery_raw,
    )  # fmt: skip
    loaded = kf.load_keyfile(path)
    assert loaded.version == 1 and loaded.users() == ["anna", "bo"]
    anna = kf.unlock(path, "anna", "anna lösen")
    assert anna.data_key == data_key and anna.role == "coordinator"
    assert anna.upgraded is not None
    _store(anna.upgraded)
    upgraded = kf.load_keyfile(path)
    assert upgraded.version == 2
    assert [s.user for s in upgraded.slots] == ["anna"]
    assert [s.user for s in upgraded.legacy] == ["bo", None]
    again = kf.unlock(path, "anna", "anna lösen")  # same passphrase, now a version 2 slot
    assert again.identity.ed25519_public == anna.identity.ed25519_public
    assert again.upgraded is None
    bo = kf.unlock(path, "bo", "bo l")  # a legacy slot keeps working until bo logs in
    assert bo.data_key == data_key and bo.role == "staff"
    assert kf.unlock_with_recovery(path, recovery_text).data_key == data_key


def test_version_1_mac_still_catches_edits(tmp_path: Path) -> None:
    path = tmp_path / "db.keys"
    write_v1_keyfile(
        path, DB_ID, kf.new_data_key(), [("anna", "coordinator", "anna lösen")],
        kf.generate_recovery_key()[0],
    )  # fmt: skip
    doc = _doc(path)
    doc["created"] = "2001-01-01T00:00:00Z"
    _save(path, doc)
    with pytest.raises(kf.KeyFileTampered):
        kf.unlock(path, "anna", "anna lösen")


def test_version_1_role_edited_on_own_slot_is_tampering(tmp_path: Path) -> None:
    path = tmp_path / "db.keys"
    write_v1_keyfile(
        path, DB_ID, kf.new_data_key(),
        [("anna", "coordinator", "anna lösen"), ("rita", "reviewer", "rita lösen")],
        kf.generate_recovery_key()[0],
    )  # fmt: skip
    doc = _doc(path)
    _slot(doc, "rita")["role"] = "coordinator"
    _save(path, doc)
    with pytest.raises(kf.KeyFileTampered):
        kf.unlock(path, "rita", "rita lösen")


# --- the pending file --------------------------------------------------------------------------


def test_pending_file_is_applied_only_when_recorded(keys: tuple[Path, bytearray, str]) -> None:
    path, data_key, _ = keys
    before = path.read_bytes()
    anna = kf.unlock(path, "anna", "anna lösen")
    new, _ = kf.with_user(anna.keyfile, data_key, "bo", "bo lösen")
    data = new.encode()
    kf.write_pending(path, data)
    (path.parent / f".{path.name}.0123abcd.tmp").write_bytes(b"half")
    # Not recorded: the pending file and the temporary file go, the key file stays.
    assert kf.settle_pending(path, {"0" * 64}) is False
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == [path.name]
    # Recorded: it goes into place.
    kf.write_pending(path, data)
    assert kf.settle_pending(path, {kf.digest(data)}) is True
    assert path.read_bytes() == data
    assert sorted(os.listdir(path.parent)) == [path.name]


def test_apply_pending_after_another_process_applied_it(keys: tuple[Path, bytearray, str]) -> None:
    path, data_key, _ = keys
    anna = kf.unlock(path, "anna", "anna lösen")
    data = kf.with_user(anna.keyfile, data_key, "bo", "bo lösen")[0].encode()
    kf.write_pending(path, data)
    kf.settle_pending(path, {kf.digest(data)})
    kf.apply_pending(path, kf.digest(data))  # nothing left to do, and no error
    assert path.read_bytes() == data


# --- damaged files -----------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(kf.KeyFileMissing) as info:
        kf.unlock(tmp_path / "nope.keys", "anna", "x")
    assert str(tmp_path / "nope.keys") in info.value.message("en")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b'{"format": ',
        b"\xff\xfe garbage",
        b"[]",
        b"null",
        b'{"format": "tracker.keys/2"}',
        b'{"format": "tracker.keys/3"}',
        b"[" * 100_000,
    ],
)
def test_corrupt_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "db.keys"
    path.write_bytes(content)
    with pytest.raises(kf.KeyFileCorrupt):
        kf.unlock(path, "anna", "x")


def _corrupt_wrong_format(doc: dict) -> None:
    doc["format"] = "tracker.keys/9"


def _corrupt_memory_type(doc: dict) -> None:
    doc["slots"][0]["kdf"]["memory_cost"] = "8"


def _corrupt_lanes_bool(doc: dict) -> None:
    doc["slots"][0]["kdf"]["lanes"] = True


def _corrupt_nonce(doc: dict) -> None:
    doc["slots"][0]["nonce"] = "not base64!"


def _corrupt_public(doc: dict) -> None:
    doc["slots"][0]["public"]["x25519"] = "AAAA"


def _corrupt_extra_field(doc: dict) -> None:
    doc["slots"][0]["note"] = "hi"


def _corrupt_role_field(doc: dict) -> None:
    doc["slots"][0]["role"] = "coordinator"


def _corrupt_missing_legacy(doc: dict) -> None:
    del doc["legacy_slots"]


def _corrupt_no_recovery(doc: dict) -> None:
    doc["slots"] = [s for s in doc["slots"] if s["kind"] != "recovery"]


def _corrupt_duplicate_user(doc: dict) -> None:
    doc["slots"].append({**doc["slots"][0], "id": "00000000000000ff"})


def _corrupt_huge_memory(doc: dict) -> None:
    doc["slots"][0]["kdf"]["memory_cost"] = 2**40


@pytest.mark.parametrize(
    "corrupt",
    [
        _corrupt_wrong_format,
        _corrupt_memory_type,
        _corrupt_lanes_bool,
        _corrupt_nonce,
        _corrupt_public,
        _corrupt_extra_field,
        _corrupt_role_field,
        _corrupt_missing_legacy,
        _corrupt_no_recovery,
        _corrupt_duplicate_user,
        _corrupt_huge_memory,
    ],
)
def test_structurally_wrong_file_is_corrupt(keys: tuple[Path, bytearray, str], corrupt) -> None:
    path, _, _ = keys
    doc = _doc(path)
    corrupt(doc)
    _save(path, doc)
    with pytest.raises(kf.KeyFileCorrupt):
        kf.load_keyfile(path)


def test_duplicate_json_keys_are_corrupt(keys: tuple[Path, bytearray, str]) -> None:
    path, _, _ = keys
    text = path.read_text("utf-8")
    path.write_text(text.replace('"kind": "user"', '"kind": "user", "kind": "user"'))
    with pytest.raises(kf.KeyFileCorrupt):
        kf.load_keyfile(path)


# --- atomic writes -----------------------------------------------------------------------------


def test_write_atomic_replaces_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "file"
    atomic.write_atomic(target, b"one")
    atomic.write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.listdir(tmp_path) == ["file"]
    if os.name != "nt":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        atomic.write_atomic(target, b"three", mode=0o640)
        assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_write_atomic_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "file"
    atomic.write_atomic(target, b"old")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    # A scoped patch: undo() would also revert the cheap-KDF fixture.
    with monkeypatch.context() as patch, pytest.raises(OSError):
        patch.setattr(atomic.os, failing, boom)
        atomic.write_atomic(target, b"new content")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file"]


@pytest.mark.skipif(
    os.name == "nt" or (hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="needs POSIX permissions that apply to this user",
)
def test_write_atomic_read_only_directory(tmp_path: Path) -> None:
    target = tmp_path / "file"
    atomic.write_atomic(target, b"old")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(PermissionError):
            atomic.write_atomic(target, b"new")
    finally:
        tmp_path.chmod(0o700)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file"]


# --- messages ----------------------------------------------------------------------------------


def test_keyfile_messages_exist_in_both_languages() -> None:
    keys = [k for k in CATALOG if k.startswith("keyfile.")]
    assert keys
    for key in keys:
        assert placeholders(CATALOG[key]["sv"]) == placeholders(CATALOG[key]["en"]), key


@pytest.mark.parametrize(
    "error",
    [
        kf.WrongCredentials(),
        kf.KeyFileMissing(Path("x.keys")),
        kf.KeyFileExists(Path("x.keys")),
        kf.KeyFileCorrupt(Path("x.keys"), "detail"),
        kf.KeyFileTampered(Path("x.keys")),
        kf.KeyFileTampered(Path("x.keys"), user="anna"),
        kf.KeyFileNotBacked(Path("x.keys"), "anna", "file"),
        kf.KeyFileNotBacked(Path("x.keys"), "anna", "user"),
        kf.KeyFileNotBacked(Path("x.keys"), "anna", "role"),
        kf.KeyFileNotBacked(Path("x.keys"), "anna", "keys"),
        kf.KeyFileNotBacked(Path("x.keys"), "anna", "log", 12),
        kf.WeakKdfError(CHEAP, REAL_KDF_FLOOR),
        kf.InvalidRecoveryKey(group=3),
        kf.InvalidRecoveryKey(),
        kf.InvalidRecoveryKey(mismatch=True),
        kf.SlotExists("anna"),
        kf.SlotNotFound("anna"),
        kf.LastCoordinator("anna"),
        kf.InvalidUserName("Anna"),
        kf.InvalidRole("admin"),
        kf.EmptyPassphrase(),
    ],
)
def test_every_error_renders_in_both_languages(error: kf.KeyFileError) -> None:
    assert isinstance(error, kf.KeyFileError)
    assert error.key.startswith("keyfile.")
    for lang in ("sv", "en"):
        text = error.message(lang)
        assert text and "{" not in text


def test_keyfile_path_is_beside_the_database() -> None:
    assert kf.keyfile_path(Path("db") / "team.db") == Path("db") / "team.db.keys"
