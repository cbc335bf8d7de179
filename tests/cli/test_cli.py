"""End-to-end tests of the real command line (interfaces.md) on real SQLCipher files.

Every command runs as ``python -m tracker`` in a subprocess, with its own working directory, an
environment without any inherited TRACKER_* variable, stdin closed (so nothing is interactive),
and the production Argon2id cost. Each login costs a second or two, so the registers are shared:
one CLI-initialised register and one demo register per module; tests that change something work
on copies. Independent commands of one test run side by side (``cli_parallel``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlcipher3
from support import synthetic_personnummer

from tracker.i18n import t
from tracker.services import cases, registers
from tracker.store import engine, keyfile

pytestmark = pytest.mark.cli

INSATS = "Samordningsteam Sala"
INSATS_2 = "Samordningsteam Heby"
ANNA_PASSPHRASE = "korrekt häst batteri zebra"
BO_PASSPHRASE = "bo cyklar till jobbet"
NEW_PASSPHRASE = "en helt ny lösenfras"
RECOVERY_RE = re.compile(r"(?<![0-9-])([0-9]{6}(?:-[0-9]{6}){7})(?![0-9-])")
TIMEOUT = 180


# --- running the CLI ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    code: int
    out: str
    err: str


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(extra or {})
    return env


def _start(
    args: Sequence[str], cwd: Path, env: Mapping[str, str] | None, program: Sequence[str]
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*program, *args],
        cwd=cwd,
        env=_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _finish(process: subprocess.Popen[bytes], args: Sequence[str]) -> Run:
    out, err = process.communicate(timeout=TIMEOUT)
    return Run(tuple(args), process.returncode, out.decode("utf-8"), err.decode("utf-8"))


MODULE = (sys.executable, "-m", "tracker")


def cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, program: Sequence[str] = MODULE
) -> Run:
    return _finish(_start(args, cwd, env, program), args)


Call = (
    tuple[Sequence[str], Mapping[str, str] | None]
    | tuple[Sequence[str], Mapping[str, str] | None, Path]
)


def cli_parallel(cwd: Path, *calls: Call) -> list[Run]:
    """Independent commands side by side (each login spends its Argon2id time in parallel).

    A call is ``(args, env)`` or ``(args, env, cwd)`` to run it somewhere else than ``cwd``."""
    started = [
        (_start(call[0], call[2] if len(call) == 3 else cwd, call[1], MODULE), call[0])
        for call in calls
    ]
    return [_finish(process, args) for process, args in started]


def login(user: str, passphrase: str, **extra: str) -> dict[str, str]:
    return {"TRACKER_USER": user, "TRACKER_PASSPHRASE": passphrase, **extra}


def assert_one_line_failure(run: Run, code: int) -> str:
    """The documented failure shape: the exit code, nothing on stdout, one line on stderr."""
    assert run.code == code, run
    assert run.out == "", run
    assert "Traceback" not in run.err, run
    lines = run.err.splitlines()
    assert len(lines) == 1, run
    assert lines[0].strip(), run
    return lines[0]


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.err and "Traceback" not in run.out, run


# --- files -------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its hash: shows any write, new file or leftover."""
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_register(db: Path, into: Path) -> Path:
    """A copy of a (closed, checkpointed) register and its key file under ``into/db/``."""
    assert not Path(f"{db}-wal").exists(), "copy only a closed register"
    target = into / "db" / db.name
    target.parent.mkdir(parents=True)
    shutil.copy2(db, target)
    shutil.copy2(keyfile.keyfile_path(db), keyfile.keyfile_path(target))
    return target


def encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def key_forms(data_key: bytes) -> list[bytes]:
    return [
        data_key,
        data_key.hex().encode(),
        data_key.hex().upper().encode(),
        base64.b64encode(data_key),
        base64.urlsafe_b64encode(data_key),
        base64.b64encode(data_key).rstrip(b"="),
    ]


def data_key_of(db: Path, user: str, passphrase: str) -> bytes:
    unlocked = keyfile.unlock(keyfile.keyfile_path(db), user, passphrase)
    try:
        return bytes(unlocked.data_key)
    finally:
        unlocked.wipe()


# --- shared registers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Initialised:
    cwd: Path
    db: Path
    init: Run
    recovery_key: str
    data_key: bytes
    codes: tuple[str, ...]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Initialised:
    """``tracker init`` in an empty folder, then three cases added in-process (point 8)."""
    cwd = tmp_path_factory.mktemp("init")
    run = cli(
        "init",
        "--user",
        "anna",
        "--insats",
        INSATS,
        "--insats",
        INSATS_2,
        cwd=cwd,
        env={"TRACKER_NEW_PASSPHRASE": ANNA_PASSPHRASE},
    )
    assert run.code == 0, run
    keys = RECOVERY_RE.findall(run.out)
    assert len(keys) == 1, run
    db = cwd / "db" / "tracker.db"
    on = date.today() - timedelta(days=10)
    with registers.open_session(db, user="anna", passphrase=ANNA_PASSPHRASE) as session:
        codes = tuple(
            cases.register_application(
                session, insats=INSATS, gender=gender, on=on, referrer="af"
            ).code
            for gender in ("kvinna", "man", "ej_angivet")
        )
    return Initialised(cwd, db, run, keys[0], data_key_of(db, "anna", ANNA_PASSPHRASE), codes)


@pytest.fixture(scope="module")
def two_users(base: Initialised, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of ``base`` where anna has added bo as staff (through the CLI)."""
    cwd = tmp_path_factory.mktemp("two_users")
    db = copy_register(base.db, cwd)
    run = cli(
        "key",
        "add",
        "--user",
        "bo",
        "--role",
        "staff",
        cwd=cwd,
        env=login("anna", ANNA_PASSPHRASE, TRACKER_NEW_PASSPHRASE=BO_PASSPHRASE),
    )
    assert run.code == 0, run
    assert "bo" in run.out
    return db


@dataclass(frozen=True)
class Demo:
    cwd: Path
    db: Path
    run: Run
    data_key: bytes


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``tracker demo`` without --db: the register lands in db/demo.db under the cwd."""
    cwd = tmp_path_factory.mktemp("demo")
    run = cli("demo", "--participants", "60", "--seed", "7", cwd=cwd)
    assert run.code == 0, run
    db = cwd / "db" / "demo.db"
    return Demo(cwd, db, run, data_key_of(db, "demo", "demo"))


@pytest.fixture
def raw_demo(demo: Demo, tmp_path: Path) -> Iterator[tuple[Path, sqlcipher3.Connection]]:
    """A copy of the demo register and a raw keyed connection to it, triggers still in place."""
    db = copy_register(demo.db, tmp_path)
    connection = engine.connect(db, demo.data_key)
    try:
        yield db, connection
    finally:
        connection.close()


def drop_append_only_triggers(connection: sqlcipher3.Connection) -> None:
    connection.execute("DROP TRIGGER events_append_only_update")
    connection.execute("DROP TRIGGER events_append_only_delete")


def middle_case_event(connection: sqlcipher3.Connection) -> tuple[int, str]:
    (count,) = connection.execute("SELECT count(*) FROM events").fetchone()
    return connection.execute(
        "SELECT seq, payload FROM events WHERE seq >= ? AND case_code IS NOT NULL "
        "AND payload LIKE '%\"date\"%' ORDER BY seq LIMIT 1",
        (count // 2,),
    ).fetchone()


# --- 1 and 9: help, usage, entry points ---------------------------------------------------------


def test_help_lists_commands_and_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    top, key, unknown = cli_parallel(
        tmp_path, (["--help"], None), (["key", "--help"], None), (["frobnicate"], None)
    )
    assert top.code == 0, top
    for command in ("init", "demo", "key", "recover", "audit"):
        assert re.search(rf"^\s+{command}\b", top.out, re.MULTILINE), (command, top.out)
    assert key.code == 0, key
    for command in ("list", "add", "remove", "passwd", "public"):
        assert re.search(rf"^\s+{command}\b", key.out, re.MULTILINE), (command, key.out)
    assert unknown.code == 2, unknown
    assert unknown.out == ""
    assert "frobnicate" in unknown.err
    assert_no_traceback(unknown)
    assert list(tmp_path.iterdir()) == []


def test_console_script_works_like_python_dash_m(tmp_path: Path) -> None:
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    assert script is not None, "the tracker console script is not installed next to python"
    via_script = cli("--help", cwd=tmp_path, program=[script])
    via_module = cli("--help", cwd=tmp_path)
    assert via_script.code == 0, via_script
    assert via_script.out == via_module.out


# --- 2: init ------------------------------------------------------------------------------------


def test_init_prints_a_well_formed_recovery_key_once(base: Initialised) -> None:
    groups = base.recovery_key.split("-")
    assert len(groups) == 8
    for group in groups:
        assert len(group) == 6 and group.isdigit()
        assert int(group) % 11 == 0 and int(group) < 65536 * 11
    assert base.init.out.count(base.recovery_key) == 1
    assert base.recovery_key not in base.init.err
    assert "anna" in base.init.out and str(Path("db") / "tracker.db") in base.init.out


def test_init_creates_encrypted_private_files_under_cwd(base: Initialised) -> None:
    folder = base.cwd / "db"
    names = {p.name for p in folder.iterdir()}
    assert {"tracker.db", "tracker.db.keys"} <= names
    assert names <= {"tracker.db", "tracker.db.keys", "tracker.db-wal", "tracker.db-shm"}, names
    assert not base.db.read_bytes().startswith(b"SQLite format 3")
    if os.name == "posix":
        for path in (base.db, keyfile.keyfile_path(base.db)):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_no_plain_text_in_the_database_files(base: Initialised) -> None:
    files = [p for p in (base.cwd / "db").iterdir() if p.name.startswith("tracker.db")]
    secrets = [
        *encodings(INSATS),
        *encodings(INSATS_2),
        *(c.encode() for c in base.codes),
        b"register_created",
        b"user_added",
    ]
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret not in content, (path.name, secret)


def test_key_file_holds_no_key_material_in_clear(base: Initialised) -> None:
    keys = keyfile.keyfile_path(base.db)
    document = json.loads(keys.read_text(encoding="utf-8"))
    assert {slot["kind"] for slot in document["slots"]} == {"user", "recovery"}
    for path in (base.db, keys):
        content = path.read_bytes()
        for form in key_forms(base.data_key):
            assert form not in content, (path.name, form[:8])
        assert base.recovery_key.encode() not in content
        assert base.recovery_key.replace("-", "").encode() not in content
        assert ANNA_PASSPHRASE.encode() not in content


def test_init_refuses_existing_register_and_bad_input(base: Initialised, tmp_path: Path) -> None:
    short_dir, pn_dir = tmp_path / "short", tmp_path / "pn"
    short_dir.mkdir()
    pn_dir.mkdir()
    number = synthetic_personnummer()
    before = snapshot(base.cwd)
    new = {"TRACKER_NEW_PASSPHRASE": NEW_PASSPHRASE}
    args = ["init", "--user", "anna", "--insats"]
    again, short, pn = cli_parallel(
        base.cwd,
        ([*args, INSATS], new),
        ([*args, INSATS], {"TRACKER_NEW_PASSPHRASE": "kort"}, short_dir),
        ([*args, f"Team {number}"], new, pn_dir),
    )

    assert_one_line_failure(again, 1)
    assert snapshot(base.cwd) == before
    assert_one_line_failure(short, 1)
    assert list(short_dir.iterdir()) == []
    assert_one_line_failure(pn, 1)
    assert number not in pn.err and number.replace("-", "") not in pn.err
    assert list(pn_dir.iterdir()) == []


# --- 3: logging in ------------------------------------------------------------------------------


def test_wrong_passphrase_and_unknown_user_fail_alike_and_write_nothing(
    base: Initialised, tmp_path: Path
) -> None:
    before = snapshot(base.cwd)
    wrong, unknown, english = cli_parallel(
        base.cwd,
        (["audit", "verify"], login("anna", "wrong")),
        (["audit", "verify"], login("nobody", ANNA_PASSPHRASE)),
        (["--lang", "en", "audit", "verify"], login("anna", "wrong")),
    )
    swedish_line = assert_one_line_failure(wrong, 3)
    assert swedish_line == t("keyfile.wrong_credentials", "sv")
    assert "lösenfras" in swedish_line
    assert assert_one_line_failure(unknown, 3) == swedish_line
    english_line = assert_one_line_failure(english, 3)
    assert english_line == t("keyfile.wrong_credentials", "en")
    assert "passphrase" in english_line and english_line != swedish_line
    assert snapshot(base.cwd) == before


def test_no_login_without_terminal_is_a_clear_error(base: Initialised) -> None:
    run = cli("audit", "verify", cwd=base.cwd)
    line = assert_one_line_failure(run, 1)
    assert "TRACKER_USER" in line and "TRACKER_PASSPHRASE" in line


def test_passphrase_file_logs_in(base: Initialised, tmp_path: Path) -> None:
    secret = tmp_path / "passphrase.txt"
    secret.write_text(ANNA_PASSPHRASE + "\n", encoding="utf-8")
    run = cli(
        "audit",
        "verify",
        cwd=base.cwd,
        env={"TRACKER_USER": "anna", "TRACKER_PASSPHRASE_FILE": str(secret)},
    )
    assert run.code == 0, run
    assert re.search(r"#\d+ [0-9a-f]{64}", run.out), run


# --- 4: users and keys --------------------------------------------------------------------------


def test_two_users_open_list_and_only_coordinators_add(two_users: Path) -> None:
    cwd = two_users.parent.parent
    keys = keyfile.keyfile_path(two_users)
    keys_before = sha256(keys)
    anna, bo, listing, staff_add = cli_parallel(
        cwd,
        (["audit", "verify"], login("anna", ANNA_PASSPHRASE)),
        (["audit", "verify"], login("bo", BO_PASSPHRASE)),
        (["key", "list"], login("bo", BO_PASSPHRASE)),
        (
            ["key", "add", "--user", "cecilia", "--role", "coordinator"],
            login("bo", BO_PASSPHRASE, TRACKER_NEW_PASSPHRASE=NEW_PASSPHRASE),
        ),
    )
    assert anna.code == 0, anna
    assert bo.code == 0, bo

    assert listing.code == 0, listing
    rows = {line.split()[0]: line for line in listing.out.splitlines()[1:] if line.strip()}
    assert set(rows) == {"anna", "bo"}, listing.out
    assert t("role.coordinator", "sv") in rows["anna"]
    assert t("role.staff", "sv") in rows["bo"]

    line = assert_one_line_failure(staff_add, 1)
    assert "bo" in line and t("role.staff", "sv") in line  # refused for the role
    assert sha256(keys) == keys_before
    assert keyfile.load_keyfile(keys).users() == ["anna", "bo"]


def test_key_public_prints_the_register_authority_and_fingerprint(base: Initialised) -> None:
    public = cli("key", "public", cwd=base.cwd, env=login("anna", ANNA_PASSPHRASE))
    assert public.code == 0, public
    key_b64 = re.search(r"([A-Za-z0-9+/]{43}=)", public.out)
    fingerprint = re.search(r"((?:[0-9a-f]{4}:){3,}[0-9a-f]{4})", public.out)
    assert key_b64 and fingerprint, public.out
    assert len(base64.b64decode(key_b64.group(1), validate=True)) == 32
    connection = engine.connect(base.db, base.data_key)
    try:
        (payload,) = connection.execute(
            "SELECT payload FROM events WHERE kind = 'authority_set'"
        ).fetchone()
    finally:
        connection.close()
    assert json.loads(payload) == {
        "authority": key_b64.group(1),
        "fingerprint": fingerprint.group(1),
    }


def test_remove_user_and_last_coordinator(two_users: Path, tmp_path: Path) -> None:
    db = copy_register(two_users, tmp_path)
    removed = cli("key", "remove", "--user", "bo", cwd=tmp_path, env=login("anna", ANNA_PASSPHRASE))
    assert removed.code == 0, removed
    keys = keyfile.keyfile_path(db)
    keys_before = sha256(keys)
    bo, anna_self, anna = cli_parallel(
        tmp_path,
        (["audit", "verify"], login("bo", BO_PASSPHRASE)),
        (["key", "remove", "--user", "anna"], login("anna", ANNA_PASSPHRASE)),
        (["audit", "verify"], login("anna", ANNA_PASSPHRASE)),
    )
    assert_one_line_failure(bo, 3)
    line = assert_one_line_failure(anna_self, 1)
    assert "anna" in line
    assert anna.code == 0, anna
    assert sha256(keys) == keys_before
    assert keyfile.load_keyfile(keys).users() == ["anna"]


def test_passwd_replaces_the_passphrase(base: Initialised, tmp_path: Path) -> None:
    copy_register(base.db, tmp_path)
    changed = cli(
        "key",
        "passwd",
        cwd=tmp_path,
        env=login("anna", ANNA_PASSPHRASE, TRACKER_NEW_PASSPHRASE=NEW_PASSPHRASE),
    )
    assert changed.code == 0, changed
    old, new = cli_parallel(
        tmp_path,
        (["audit", "verify"], login("anna", ANNA_PASSPHRASE)),
        (["audit", "verify"], login("anna", NEW_PASSPHRASE)),
    )
    assert_one_line_failure(old, 3)
    assert new.code == 0, new


def test_recover_with_the_printed_recovery_key(base: Initialised, tmp_path: Path) -> None:
    db = copy_register(base.db, tmp_path)
    groups = base.recovery_key.split("-")
    digit = groups[2][3]
    groups[2] = groups[2][:3] + str((int(digit) + 1) % 10) + groups[2][4:]
    mistyped = "-".join(groups)
    foreign = keyfile.format_recovery_key(os.urandom(16))
    before = snapshot(tmp_path)
    recover = ["recover", "--user", "anna"]
    typo, wrong = cli_parallel(
        tmp_path,
        (recover, {"TRACKER_RECOVERY_KEY": mistyped, "TRACKER_NEW_PASSPHRASE": NEW_PASSPHRASE}),
        (recover, {"TRACKER_RECOVERY_KEY": foreign, "TRACKER_NEW_PASSPHRASE": NEW_PASSPHRASE}),
    )
    line = assert_one_line_failure(typo, 1)
    assert re.search(r"\b3\b", line), line  # names the mistyped group
    assert mistyped not in line
    assert_one_line_failure(wrong, 3)
    assert snapshot(tmp_path) == before

    recovered = cli(
        *recover,
        cwd=tmp_path,
        env={"TRACKER_RECOVERY_KEY": base.recovery_key, "TRACKER_NEW_PASSPHRASE": NEW_PASSPHRASE},
    )
    assert recovered.code == 0, recovered
    assert base.recovery_key not in recovered.out + recovered.err
    old, new = cli_parallel(
        tmp_path,
        (["audit", "verify"], login("anna", ANNA_PASSPHRASE)),
        (["audit", "verify"], login("anna", NEW_PASSPHRASE)),
    )
    assert_one_line_failure(old, 3)
    assert new.code == 0, new
    connection = engine.connect(db, base.data_key)
    try:
        kinds = [k for (k,) in connection.execute("SELECT kind FROM events ORDER BY seq")]
    finally:
        connection.close()
    assert kinds[-1] == "passphrase_recovered"


# --- 5: a tampered key file ---------------------------------------------------------------------


def _edit_keyfile(db: Path, edit: object) -> None:
    keys = keyfile.keyfile_path(db)
    document = json.loads(keys.read_text(encoding="utf-8"))
    edit(document)  # type: ignore[operator]
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    keys.write_text(text, encoding="utf-8")


def test_edited_key_file_is_refused_for_everyone(two_users: Path, tmp_path: Path) -> None:
    """Any edit makes the file one the log never recorded (roles are not in it at all)."""
    db = copy_register(two_users, tmp_path)

    def backdate_bo(document: dict) -> None:  # type: ignore[type-arg]
        (slot,) = [s for s in document["slots"] if s["user"] == "bo"]
        assert "role" not in slot
        slot["created"] = "2001-01-01T00:00:00Z"

    _edit_keyfile(db, backdate_bo)
    before = snapshot(tmp_path)
    bo, anna = cli_parallel(
        tmp_path,
        (["audit", "verify"], login("bo", BO_PASSPHRASE)),
        (["audit", "verify"], login("anna", ANNA_PASSPHRASE)),
    )
    assert "registrets logg" in assert_one_line_failure(bo, 4)
    assert_one_line_failure(anna, 4)
    assert snapshot(tmp_path) == before


def test_slot_copied_from_another_register_is_detected(
    two_users: Path, demo: Demo, tmp_path: Path
) -> None:
    db = copy_register(two_users, tmp_path)
    foreign = json.loads(keyfile.keyfile_path(demo.db).read_text(encoding="utf-8"))
    (demo_slot,) = [s for s in foreign["slots"] if s["user"] == "demo"]
    _edit_keyfile(db, lambda document: document["slots"].append(demo_slot))
    before = snapshot(tmp_path)
    intruder, anna = cli_parallel(
        tmp_path,
        (["audit", "verify"], login("demo", "demo")),
        (["audit", "verify"], login("anna", ANNA_PASSPHRASE)),
    )
    # The copied slot is bound to the other register's id, so it opens nothing here: to its
    # holder that is indistinguishable from a wrong passphrase (3). Everybody else sees a key
    # file the log never recorded (4).
    assert_one_line_failure(intruder, 3)
    assert_one_line_failure(anna, 4)
    assert snapshot(tmp_path) == before


# --- 6: demo ------------------------------------------------------------------------------------


def test_demo_register_opens_with_demo_login_and_is_never_overwritten(demo: Demo) -> None:
    assert {p.name for p in (demo.cwd / "db").iterdir()} == {"demo.db", "demo.db.keys"}
    assert "DEMO" in demo.run.out
    before = snapshot(demo.cwd)
    verify, again = cli_parallel(
        demo.cwd,
        (["--db", str(Path("db") / "demo.db"), "audit", "verify"], login("demo", "demo")),
        (["demo", "--participants", "60", "--seed", "7"], None),
    )
    assert verify.code == 0, verify
    connection = engine.connect(demo.db, demo.data_key)
    try:
        seq, chain_hash = connection.execute(
            "SELECT seq, chain_hash FROM events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        codes = [code for (code,) in connection.execute("SELECT code FROM cases")]
    finally:
        connection.close()
    assert f"#{seq} {chain_hash}" in verify.out, verify.out
    assert_one_line_failure(again, 1)
    assert snapshot(demo.cwd) == before
    content = demo.db.read_bytes()
    assert not content.startswith(b"SQLite format 3")
    assert len(codes) == 60
    for secret in [*encodings(INSATS), *(c.encode() for c in codes)]:
        assert secret not in content


# --- 7: tampering with the event log ------------------------------------------------------------


def test_event_log_refuses_update_and_delete(
    raw_demo: tuple[Path, sqlcipher3.Connection],
) -> None:
    _, connection = raw_demo
    seq, payload = middle_case_event(connection)
    with pytest.raises(sqlcipher3.DatabaseError, match="append-only"):
        connection.execute("UPDATE events SET payload = '{}' WHERE seq = ?", (seq,))
    with pytest.raises(sqlcipher3.DatabaseError, match="append-only"):
        connection.execute("DELETE FROM events WHERE seq = ?", (seq,))
    assert connection.execute("SELECT payload FROM events WHERE seq = ?", (seq,)).fetchone() == (
        payload,
    )


@dataclass(frozen=True)
class Tampered:
    altered_seq: int
    altered: Run
    deleted_seq: int
    deleted: Run
    damaged: Run


@pytest.fixture(scope="module")
def tampered(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Tampered:
    """``audit verify`` on three damaged copies of the demo register (run side by side)."""
    root = tmp_path_factory.mktemp("tampered")
    altered_dir, deleted_dir, damaged_dir = (root / n for n in ("alt", "del", "dmg"))
    for folder in (altered_dir, deleted_dir, damaged_dir):
        folder.mkdir()

    # (a) one middle event's payload changed, still valid canonical JSON, same case code
    altered = copy_register(demo.db, altered_dir)
    connection = engine.connect(altered, demo.data_key)
    try:
        drop_append_only_triggers(connection)
        altered_seq, payload = middle_case_event(connection)
        body = json.loads(payload)
        body["date"] = (date.fromisoformat(body["date"]) - timedelta(days=1)).isoformat()
        connection.execute(
            "UPDATE events SET payload = ? WHERE seq = ?",
            (json.dumps(body, sort_keys=True, separators=(",", ":")), altered_seq),
        )
    finally:
        connection.close()

    # (b) one middle event deleted
    deleted = copy_register(demo.db, deleted_dir)
    connection = engine.connect(deleted, demo.data_key)
    try:
        drop_append_only_triggers(connection)
        deleted_seq, _ = middle_case_event(connection)
        connection.execute("DELETE FROM events WHERE seq = ?", (deleted_seq,))
    finally:
        connection.close()

    # (c) one byte flipped in the middle of a page in the middle of the file
    damaged = copy_register(demo.db, damaged_dir)
    content = bytearray(damaged.read_bytes())
    page = 4096
    content[(len(content) // page // 2) * page + page // 2] ^= 0xFF
    damaged.write_bytes(bytes(content))

    demo_login = login("demo", "demo")
    alt_run, del_run, dmg_run = cli_parallel(
        root,
        (["--db", str(altered), "audit", "verify"], demo_login),
        (["audit", "verify"], {**demo_login, "TRACKER_DB": str(deleted)}),  # the env var form
        (["--db", str(damaged), "audit", "verify"], demo_login),
    )
    return Tampered(altered_seq, alt_run, deleted_seq, del_run, dmg_run)


@pytest.mark.parametrize("case", ["altered", "deleted"])
def test_audit_verify_names_the_altered_or_deleted_event(tampered: Tampered, case: str) -> None:
    run: Run = getattr(tampered, case)
    seq: int = getattr(tampered, f"{case}_seq")
    assert run.code == 4, run
    assert run.out == ""
    assert_no_traceback(run)
    lines = run.err.splitlines()
    assert len(lines) == 1, run
    assert re.search(rf"#{seq}\b", lines[0]), (seq, run.err)


def test_audit_verify_reports_a_damaged_page_as_damage(tampered: Tampered) -> None:
    run = tampered.damaged
    assert run.code == 4, run
    assert run.out == ""
    assert_no_traceback(run)
    assert t("cli.unexpected", "sv", kind="DatabaseError") not in run.err
    assert "skadad" in run.err


def test_demo_refuses_a_negative_participant_count_clearly(tmp_path: Path) -> None:
    run = cli("demo", "--participants", "-5", cwd=tmp_path)
    assert run.code in (1, 2), run
    assert_no_traceback(run)
    assert "ValueError" not in run.err
    assert list(tmp_path.rglob("*.db*")) == []
