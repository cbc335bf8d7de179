"""The command line (interfaces.md): parses, prompts, prints, exits with the documented codes.

Exit codes: 0 success · 1 error (one clear line, no traceback unless --debug) · 2 usage ·
3 wrong user or passphrase · 4 a verification found a difference (or the register is damaged) ·
5 the register is busy (another write held it past the wait limit) · 6 the disk is full ·
7 the register cannot be written (read-only file system or permissions).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import __version__
from tracker.i18n import CATALOG, LANGUAGES, get_language, set_language, t

# Start-up rule (docs/architecture.md, "The command line"): at module level this file imports
# only the standard library and tracker.i18n, so `tracker --help` and a usage error cost no
# more than Python and argparse. Every command handler imports what it needs (services, store,
# domain, pandas, ...) inside its own body; tests/cli/test_startup.py keeps it that way.
if TYPE_CHECKING:
    from threading import Thread

    from tracker.domain.periods import Period
    from tracker.reports.recount import RecountResult
    from tracker.services.session import Session

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_CREDENTIALS = 3
EXIT_VERIFICATION = 4
EXIT_BUSY = 5
EXIT_DISK_FULL = 6
EXIT_READ_ONLY = 7

DEFAULT_DB = Path("db") / "tracker.db"
DEFAULT_DEMO_DB = Path("db") / "demo.db"


class CliError(Exception):
    """A failure the command line reports as one line and an exit code."""

    def __init__(self, key: str, code: int = EXIT_ERROR, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.code = code
        self.params = params


# --- input -----------------------------------------------------------------------------------


def _interactive() -> bool:
    return sys.stdin.isatty()


def _login_user() -> str:
    user = os.environ.get("TRACKER_USER")
    if user:
        return user
    if _interactive():
        return input(t("cli.prompt_user")).strip()
    raise CliError("cli.no_login")


def _utf8_passphrase(value: str, source: str) -> str:
    """``value`` unless it holds bytes that were not UTF-8 (Python keeps them as surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise CliError("cli.passphrase_not_utf8", source=source) from None
    return value


def _login_passphrase() -> str:
    if "TRACKER_PASSPHRASE" in os.environ:
        return _utf8_passphrase(os.environ["TRACKER_PASSPHRASE"], "TRACKER_PASSPHRASE")
    passphrase_file = os.environ.get("TRACKER_PASSPHRASE_FILE")
    if passphrase_file:
        try:
            return Path(passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise CliError("cli.passphrase_not_utf8", source=passphrase_file) from None
        except OSError as error:
            raise CliError("cli.passphrase_file_unreadable", path=passphrase_file) from error
    if _interactive():
        return getpass.getpass(t("cli.prompt_passphrase"))
    raise CliError("cli.no_login")


def _new_passphrase() -> str:
    from tracker.services import registers

    if _interactive():
        first = getpass.getpass(t("cli.prompt_new_passphrase"))
        registers.check_new_passphrase(first)
        if getpass.getpass(t("cli.prompt_repeat_passphrase")) != first:
            raise CliError("cli.passphrases_differ")
        return first
    if "TRACKER_NEW_PASSPHRASE" in os.environ:
        return _utf8_passphrase(os.environ["TRACKER_NEW_PASSPHRASE"], "TRACKER_NEW_PASSPHRASE")
    raise CliError("cli.no_new_passphrase")


def _recovery_key() -> str:
    if "TRACKER_RECOVERY_KEY" in os.environ:
        return os.environ["TRACKER_RECOVERY_KEY"]
    if _interactive():
        return input(t("cli.prompt_recovery_key"))
    raise CliError("cli.no_recovery_key")


def _db_path(args: argparse.Namespace, default: Path = DEFAULT_DB) -> Path:
    """--db, else $TRACKER_DB, else the settings file's ``db`` (for the register, not the
    demo), else ``default`` under the current folder."""
    from tracker.services import locations

    if args.db:
        return Path(args.db)
    if os.environ.get("TRACKER_DB"):
        return Path(os.environ["TRACKER_DB"])
    if default == DEFAULT_DB:
        from tracker.services import locations

        configured = locations.configured_db()
        if configured is not None:
            return configured
    return default


def _login(args: argparse.Namespace, *, read_only: bool = False) -> tuple[Session, str]:
    """Open a session for the user from the environment or the prompt; also returns the
    passphrase for commands that must re-derive the key to change the key file.

    ``read_only`` for commands that only read: the register is opened without any write."""
    from tracker.services import registers
    from tracker.store import engine

    engine.busy_listener = _show_busy_wait
    path = _db_path(args)
    if not path.exists():
        raise CliError("service.no_register", path=str(path))
    user = _login_user()
    passphrase = _login_passphrase()
    session = registers.open_session(path, user=user, passphrase=passphrase, read_only=read_only)
    return session, passphrase


def _import_in_background(*modules: str, warm: Callable[[], object] | None = None) -> Thread:
    """Start importing ``modules`` on another thread, then call ``warm``; return the thread
    (join it before going on).

    Logging in spends most of a second in Argon2id, which releases the GIL: a command that
    will need heavy libraries after the login loads them meanwhile, on a free core. Only
    libraries the login itself does not import, so the two threads never import the same
    modules; a failed import or warm-up is left for the command's own code to report."""
    import importlib
    import threading

    def load() -> None:
        try:
            for name in modules:
                importlib.import_module(name)
            if warm is not None:
                warm()
        except Exception:
            return

    thread = threading.Thread(target=load, name="imports", daemon=True)
    thread.start()
    return thread


_BUSY_LINE_EVERY = 5  # seconds
_busy_lines_shown: set[int] = set()


def _show_busy_wait(waited: float, limit: float) -> None:
    """The progress line while a write waits for another process's lock (every 5 s)."""
    step = int(waited) // _BUSY_LINE_EVERY
    if step not in _busy_lines_shown:
        _busy_lines_shown.add(step)
        print(t("store.busy_waiting", waited=int(waited), limit=int(limit)), file=sys.stderr)


def _out(text: str = "") -> None:
    print(text)


def _printable(text: str) -> str:
    """``text`` with terminal control characters (escape sequences, bells) shown as "?"."""
    return "".join(char if char.isprintable() or char == "\n" else "?" for char in str(text))


def _safe_out(text: str = "") -> None:
    """Print what came from a file (a bundle's manifest): never a terminal escape sequence."""
    print(_printable(text))


# --- commands --------------------------------------------------------------------------------


def _require_terminal() -> None:
    # Under `tracker serve` textual-serve runs the TUI on pipes with its web driver named.
    if os.environ.get("TEXTUAL_DRIVER", "").startswith("textual.drivers.web_driver"):
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CliError("tui.needs_terminal")


def _run_tui(path: Path, *, demo: bool = False, debug: bool = False) -> int:
    """The terminal UI on ``path`` (login, or the first-run wizard when there is no register);
    ``demo`` marks the login screen DEMO before anyone has logged in; ``debug`` lets a crash
    print Textual's traceback (with local variables)."""
    _require_terminal()
    from tracker.tui.app import TrackerApp  # Textual loads only when the TUI is asked for

    TrackerApp(path, lang=get_language(), demo=demo, debug=debug).run()
    return EXIT_OK


def cmd_none(args: argparse.Namespace) -> int:
    return _run_tui(_db_path(args), debug=args.debug)


def cmd_serve(args: argparse.Namespace) -> int:
    """The TUI in web browsers; loopback by default, anything else needs TLS or --insecure."""
    if bool(args.tls_cert) != bool(args.tls_key):
        raise CliError("serve.tls_pair", EXIT_USAGE)
    path = _db_path(args)
    if not path.exists():
        raise CliError("service.no_register", path=str(path))
    from tracker.tui import serve

    if not args.tls_cert and not serve.is_loopback(args.host):
        if not args.insecure:
            raise CliError("serve.needs_tls", EXIT_USAGE, host=args.host)
        print(t("serve.insecure_warning", host=args.host), file=sys.stderr)
    context = None
    if args.tls_cert:
        try:
            context = serve.tls_context(Path(args.tls_cert), Path(args.tls_key))
        except (OSError, ValueError) as error:
            raise CliError("serve.tls_unreadable", cert=args.tls_cert, key=args.tls_key) from error
    command = serve.tracker_command(path, get_language())
    serve.TrackerServer(command, args.host, args.port, ssl_context=context).serve()
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from tracker.services import registers

    path = _db_path(args)
    registers.check_no_register(path)  # before asking for a passphrase
    passphrase = _new_passphrase()
    recovery_key = registers.create_register(
        path, user=args.user, passphrase=passphrase, insatser=args.insats, forbund=args.forbund
    )
    _out(t("cli.init_done", path=str(path), user=args.user))
    _show_recovery_key(recovery_key)
    from tracker.services import locations

    if locations.inside_program_folder(path):
        _warn(t("backup.inside_program_folder", path=str(path)))
    return EXIT_OK


def _progress_printer(label: str) -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def cmd_demo(args: argparse.Namespace) -> int:
    from tracker.services import demo, registers  # loaded only when asked for
    from tracker.store import keyfile

    path = _db_path(args, DEFAULT_DEMO_DB)
    if path.exists() or keyfile.keyfile_path(path).exists():
        # Never overwritten; but "--open" opens an existing demo, as the guide promises.
        if not args.open:
            raise CliError("cli.demo_exists", path=str(path))
        if not (path.exists() and registers.opens_as_demo(path)):
            raise CliError("cli.demo_not_demo", path=str(path))
        return _run_tui(path, demo=True, debug=args.debug)
    if args.open:
        _require_terminal()  # before building, not after
    summary = demo.build_demo(
        path,
        participants=args.participants,
        seed=args.seed,
        progress=_progress_printer(t("cli.demo_progress")),
    )
    _out(
        t(
            "cli.demo_done",
            path=str(path),
            participants=summary.participants,
            events=summary.head_seq,
            insatser=", ".join(summary.insatser),
        )
    )
    _out(t("cli.demo_login", user="demo", passphrase=registers.DEMO_PASSPHRASE))
    if args.open:
        return _run_tui(path, demo=True, debug=args.debug)
    return EXIT_OK


def cmd_key_list(args: argparse.Namespace) -> int:
    from tracker.services import registers

    session, _ = _login(args, read_only=True)
    with session:
        users = registers.list_users(session)
    header = (t("cli.col_user"), t("cli.col_role"), t("cli.col_created"))
    rows = [(slot.user, t(f"role.{slot.role}"), slot.created[:10]) for slot in users]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(2)]
    for row in (header, *rows):
        _out(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}")
    return EXIT_OK


def cmd_key_add(args: argparse.Namespace) -> int:
    from tracker.services import registers

    session, passphrase = _login(args)
    with session:
        session.require_role(registers.ROLE_COORDINATOR)
        new_passphrase = _new_passphrase()
        registers.add_user(
            session,
            passphrase=passphrase,
            user=args.user,
            role=args.role,
            new_passphrase=new_passphrase,
        )
    _out(t("cli.key_added", user=args.user, role=t(f"role.{args.role}")))
    return EXIT_OK


def _show_recovery_key(recovery_key: str) -> None:
    _out()
    _out(t("cli.recovery_key_heading"))
    _out(f"    {recovery_key}")
    _out(t("cli.recovery_key_advice"))


def _rekey(session: Session, passphrase: str, reason: str) -> str:
    from tracker.services.rekey import rekey

    return rekey(session, passphrase=passphrase, reason=reason)


def cmd_key_remove(args: argparse.Namespace) -> int:
    from tracker.services import registers
    from tracker.services.session import ServiceError
    from tracker.store.database import RegisterInUse

    session, passphrase = _login(args)
    with session:
        registers.remove_user(session, passphrase=passphrase, user=args.user)
        if args.no_rekey:
            why = t("cli.no_rekey_asked")
        else:
            try:
                recovery_key = _rekey(session, passphrase, "user_removed")
            except (ServiceError, RegisterInUse) as error:
                why = (
                    error.message()
                    if isinstance(error, ServiceError)
                    else t("store.register_in_use")
                )
            else:
                _out(t("cli.key_removed", user=args.user))
                _show_recovery_key(recovery_key)
                return EXIT_OK
    print(t("cli.key_removed_not_rekeyed", user=args.user, reason=why), file=sys.stderr)
    return EXIT_ERROR


def cmd_key_role(args: argparse.Namespace) -> int:
    from tracker.services import registers

    session, passphrase = _login(args)
    with session:
        registers.change_role(session, passphrase=passphrase, user=args.user, role=args.role)
    _out(t("cli.role_changed", user=args.user, role=t(f"role.{args.role}")))
    return EXIT_OK


def cmd_rekey(args: argparse.Namespace) -> int:
    session, passphrase = _login(args)
    with session:
        recovery_key = _rekey(session, passphrase, "rekey")
    _out(t("cli.rekey_done", path=str(_db_path(args))))
    _show_recovery_key(recovery_key)
    return EXIT_OK


def cmd_key_passwd(args: argparse.Namespace) -> int:
    from tracker.services import registers

    session, passphrase = _login(args)
    with session:
        new_passphrase = _new_passphrase()
        registers.change_passphrase(session, passphrase=passphrase, new_passphrase=new_passphrase)
        user = session.actor.user
    _out(t("cli.passphrase_changed", user=user))
    return EXIT_OK


def cmd_key_public(args: argparse.Namespace) -> int:
    from tracker.services import registers

    session, _ = _login(args, read_only=True)
    with session:
        public = registers.public_key(session)
    _out(t("cli.public_key", key=public.base64))
    _out(t("cli.fingerprint", fingerprint=public.fingerprint))
    return EXIT_OK


def cmd_recover(args: argparse.Namespace) -> int:
    from tracker.services import registers

    path = _db_path(args)
    if not path.exists():
        raise CliError("service.no_register", path=str(path))
    user = args.user or _login_user()
    recovery_key = _recovery_key()
    new_passphrase = _new_passphrase()
    registers.recover(path, recovery_key=recovery_key, user=user, new_passphrase=new_passphrase)
    _out(t("cli.recovered", user=user))
    return EXIT_OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from tracker.services import audit, registers

    expected = audit.parse_expectation(args.expect) if args.expect else None
    session, _ = _login(args, read_only=True)
    with session:
        report = audit.verify(session, expected)
        demo = registers.is_demo(session)
    for problem in report.integrity_problems:
        print(t("cli.audit_integrity", problem=problem), file=sys.stderr)
    if report.chain is not None and not report.chain.ok:
        print(
            t(
                "cli.audit_chain_broken",
                seq=report.chain.first_bad_seq,
                problem=t(report.chain.problem or "store.chain_link"),
            ),
            file=sys.stderr,
        )
    signatures = report.signatures
    if signatures is not None and not signatures.ok:
        print(
            t(
                "cli.audit_signature_broken",
                seq=signatures.first_bad_seq,
                problem=t(
                    signatures.problem or "trust.bad_signature", user=signatures.problem_user
                ),
            ),
            file=sys.stderr,
        )
    if report.expected is not None and not report.expectation_met:
        if report.expected_found is None:
            last = report.chain.head.seq if report.chain is not None else 0
            print(
                t("cli.audit_expect_missing", seq=report.expected.seq, last=last),
                file=sys.stderr,
            )
        else:
            print(t("cli.audit_expect_changed", seq=report.expected.seq), file=sys.stderr)
    for table in report.drifted_tables:
        print(t("cli.audit_projection_drift", table=table), file=sys.stderr)
    if not report.ok or report.chain is None:
        return EXIT_VERIFICATION
    if demo:
        _out(t("cli.demo_marker"))
    if report.chain.purged_range is not None:
        first, last = report.chain.purged_range
        _out(t("cli.audit_purged", count=report.chain.purged, first=first, last=last))
    _out(
        t(
            "cli.audit_ok",
            count=report.chain.count,
            seq=report.chain.head.seq,
            hash=report.chain.head.hash,
        )
    )
    return EXIT_OK


# --- backup and restore ----------------------------------------------------------------------


def _size(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def _local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _warn(text: str) -> None:
    print(text, file=sys.stderr)


def _location_warnings(db_path: Path, folder: Path) -> None:
    from tracker.services import locations

    if locations.inside_program_folder(db_path):
        _warn(t("backup.inside_program_folder", path=str(db_path)))
    elif locations.inside_program_folder(folder):
        _warn(t("backup.inside_program_folder", path=str(folder)))
    elif locations.same_disk(db_path, folder):
        _warn(t("backup.beside_register"))


def cmd_backup(args: argparse.Namespace) -> int:
    from tracker.services import backups

    session, _ = _login(args)
    with session:
        result = backups.make_backup(session, Path(args.out) if args.out else None)
    header = result.backup.header
    _out(t("backup.done", path=str(result.backup.path)))
    _out(
        t("backup.head", seq=header.head_seq, hash=header.head_hash, size=_size(result.backup.size))
    )
    if result.removed:
        _out(
            t(
                "backup.rotated",
                count=len(result.removed),
                keep_last=result.settings.keep_last,
                keep_monthly=result.settings.keep_monthly,
            )
        )
    _location_warnings(session.db_path, result.backup.path.parent)
    return EXIT_OK


def cmd_backup_list(args: argparse.Namespace) -> int:
    from tracker.services import backups

    session, _ = _login(args)
    with session:
        found, unreadable, folder = backups.register_backups(
            session, Path(args.out) if args.out else None
        )
        last = backups.last_backup(session)
    if not found:
        _out(t("backup.list_empty", folder=str(folder)))
    else:
        _out(t("backup.list_heading", folder=str(folder)))
        for backup in found:
            header = backup.header
            row = t(
                "backup.list_row",
                time=_local_time(header.created),
                seq=header.head_seq,
                hash=header.head_hash[:12],
                size=_size(backup.size),
                name=backup.path.name,
            )
            _out(f"  {row}")
    for path in unreadable:
        _warn(t("backup.list_unreadable", path=str(path)))
    if last is None:
        _out(t("backup.never"))
    else:
        _out(t("backup.last", time=_local_time(last.at), seq=last.seq))
    return EXIT_OK


def cmd_backup_settings(args: argparse.Namespace) -> int:
    from tracker.services import backups

    session, _ = _login(args)
    with session:
        settings = backups.set_backup_settings(
            session,
            folder=Path(args.folder) if args.folder else None,
            keep_last=args.keep_last,
            keep_monthly=args.keep_monthly,
            remind_days=args.remind_days,
        )
    _out(t("backup.settings_folder", folder=str(settings.folder)))
    _out(
        t(
            "backup.settings_rotation",
            keep_last=settings.keep_last,
            keep_monthly=settings.keep_monthly,
        )
    )
    _out(t("backup.settings_remind", days=settings.remind_days))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from tracker.services import backups
    from tracker.store.database import SCHEMA_HEAD

    backup_file = Path(args.file)
    if not backup_file.is_file():
        raise CliError("restore.no_file", path=str(backup_file))
    # Only an explicit --db replaces a register; otherwise a register already at the usual
    # place stays untouched and the backup is restored beside it.
    target = _db_path(args)
    user = _login_user()
    passphrase = _login_passphrase()
    result = backups.restore(
        backup_file,
        target,
        user=user,
        passphrase=passphrase,
        force=args.force,
        keep_existing=not args.db,
    )
    _out(t("restore.done", path=str(result.path)))
    _out(
        t("restore.head", seq=result.head.seq, hash=result.head.hash, time=_local_time(result.made))
    )
    if result.path != target:
        _out(t("restore.beside", existing=str(target), path=str(result.path)))
    for path in result.replaced:
        _out(t("restore.replaced_kept", path=str(path)))
    if result.migrated_from != SCHEMA_HEAD:
        _out(t("restore.migrated", schema=result.migrated_from))
    return EXIT_OK


# --- insatser over time ----------------------------------------------------------------------


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("stats.date_format")) from None


def cmd_insats_list(args: argparse.Namespace) -> int:
    from tracker.services import insatser

    session, _ = _login(args)
    with session:
        found = insatser.list_insatser(session)
    for insats in found:
        if insats.closed_on is None:
            _out(t("insats.row_open", name=insats.name))
        else:
            _out(t("insats.row_closed", name=insats.name, on=insats.closed_on.isoformat()))
    return EXIT_OK


def cmd_insats_add(args: argparse.Namespace) -> int:
    from tracker.services import insatser

    session, _ = _login(args)
    with session:
        added = insatser.add_insats(session, args.name)
    _out(t("insats.added", name=added.name))
    return EXIT_OK


def cmd_insats_rename(args: argparse.Namespace) -> int:
    from tracker.services import insatser

    session, _ = _login(args)
    with session:
        renamed = insatser.rename_insats(session, args.name, args.new_name)
    _out(t("insats.renamed", previous=args.name, name=renamed.name))
    return EXIT_OK


def cmd_insats_close(args: argparse.Namespace) -> int:
    from tracker.services import insatser

    session, _ = _login(args)
    with session:
        closed = insatser.close_insats(session, args.name, args.on or session.today())
    _out(t("insats.closed", name=closed.name, on=str(closed.closed_on)))
    return EXIT_OK


def cmd_audit_head(args: argparse.Namespace) -> int:
    from tracker.services import audit
    from tracker.store.atomic import write_atomic

    session, _ = _login(args)
    with session:
        head = audit.signed_head(session)
    data = (json.dumps(head, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    if args.out:
        target = Path(args.out)
        if target.exists():
            raise CliError("audit.head_exists", path=str(target))
        write_atomic(target, data, mode=0o644)
        _out(t("cli.audit_head_written", path=str(target), seq=head["seq"], hash=head["hash"]))
    else:
        sys.stdout.write(data.decode())


# --- gallring (retention) --------------------------------------------------------------------


def cmd_purge(args: argparse.Namespace) -> int:
    from tracker.services import purge

    session, _ = _login(args)
    with session:
        closed_before = args.closed_before or purge.retention_cutoff(session)
        if closed_before is None:
            raise CliError("purge.no_date", EXIT_USAGE)
        summary = purge.purge(session, closed_before, dry_run=args.dry_run)
    key = "purge.dry_run" if summary.dry_run else "purge.done"
    _out(t(key, cases=summary.cases, events=summary.events, before=closed_before.isoformat()))
    if not summary.dry_run and summary.cases:
        _out(t("purge.backups_still_hold"))
    return EXIT_OK


def cmd_purge_retention(args: argparse.Namespace) -> int:
    from tracker.services import purge

    session, _ = _login(args)
    with session:
        if args.years is not None:
            purge.set_retention(session, args.years)
        years = purge.retention_years(session)
        cutoff = purge.retention_cutoff(session)
    if years is None:
        _out(t("purge.retention_none"))
    else:
        _out(t("purge.retention_years", years=years, before=str(cutoff)))
    return EXIT_OK


# --- parser ----------------------------------------------------------------------------------


# --- import commands -------------------------------------------------------------------------

# Enough to fix a file in one go; a file with thousands of problems is usually one wrong column.
IMPORT_PROBLEMS_SHOWN = 200


def cmd_import(args: argparse.Namespace) -> int:
    from tracker.domain.case import CASE_KINDS, kind_label
    from tracker.services import importer, registers  # pandas is only loaded when asked for

    path = Path(args.file)
    if not path.is_file():
        # A folder or a device exists but is no file to read: say so, not that it is missing.
        raise CliError("import.not_a_file" if path.exists() else "import.no_file", path=str(path))
    session, _ = _login(args)
    with session:
        try:
            summary = importer.import_file(
                session,
                path,
                dry_run=args.dry_run,
                progress=_progress_printer(t("import.progress")),
            )
        except importer.ImportRejected as rejected:
            problems = rejected.problems
            print(t("import.rejected", count=len(problems), path=str(path)), file=sys.stderr)
            for problem in problems[:IMPORT_PROBLEMS_SHOWN]:
                print(problem.message(), file=sys.stderr)
            if len(problems) > IMPORT_PROBLEMS_SHOWN:
                more = len(problems) - IMPORT_PROBLEMS_SHOWN
                print(t("import.more_problems", count=more), file=sys.stderr)
            return EXIT_ERROR
        demo = registers.is_demo(session)
    if demo:
        _out(t("cli.demo_marker"))
    done_key = "import.dry_run_done" if summary.dry_run else "import.done"
    _out(t(done_key, path=str(path), events=summary.events_written, rows=summary.rows))
    _out(t("import.summary_cases", count=summary.cases_created))
    if summary.corrections:
        _out(t("import.summary_corrections", count=summary.corrections))
    if summary.events_by_kind:
        _out(t("import.summary_kinds"))
        by_kind = sorted(summary.events_by_kind.items(), key=lambda i: CASE_KINDS.index(i[0]))
        for kind, count in by_kind:
            _out(t("import.summary_line", name=kind_label(kind), count=count))
        _out(t("import.summary_insatser"))
        for name, count in sorted(summary.events_by_insats.items()):
            _out(t("import.summary_line", name=name, count=count))
    if summary.already_present:
        _out(t("import.already_present", count=summary.already_present))
    if summary.duplicates_in_file:
        _out(t("import.duplicates_in_file", count=summary.duplicates_in_file))
    if summary.warnings:
        _out(t("import.warnings", count=len(summary.warnings)))
        for number, warning in sorted(summary.warnings, key=lambda item: item[0]):
            _out(t("import.problem_row", row=number, reason=warning.message()))
    return EXIT_OK


# --- stats and goals commands ----------------------------------------------------------------


def _stats_period(args: argparse.Namespace) -> Period:
    from tracker.domain.periods import Period

    explicit = args.from_date is not None or args.to_date is not None
    if args.period and explicit:
        raise CliError("stats.period_twice", EXIT_USAGE)
    if args.period:
        return Period.parse(args.period)
    if args.from_date is None or args.to_date is None:
        raise CliError("stats.period_required", EXIT_USAGE)
    try:
        first, last = date.fromisoformat(args.from_date), date.fromisoformat(args.to_date)
    except ValueError:
        raise CliError("stats.date_format", EXIT_USAGE) from None
    return Period.between(first, last)


def _as_of(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(t("stats.as_of_format"))
    return value


def _percent(value: float | None) -> str:
    if value is None:
        return t("stats.no_value")
    return f"{round(value * 100)} %"


def _share_text(cell: dict[str, Any]) -> str:
    return f"{_percent(cell['value'])} ({cell['num']}/{cell['den']})"


def _plain(value: object) -> str:
    if value is None:
        return t("stats.no_value")
    # Swedish writes a decimal comma (a median of an even count can end in .5).
    return str(value).replace(".", ",") if get_language() == "sv" else str(value)


def _stats_table(report: dict[str, Any], lists: Any) -> list[str]:
    """The report as aligned text: one row per metric, gender columns, total, comparison."""
    from tracker.stats.engine import BREAKDOWNS, COLUMNS, COUNTS, FIGURES, NOT_RECORDED, SHARES

    comparison = report["comparison"]
    header = [
        t("stats.col_metric"),
        *(t(f"stats.col.{col}") for col in COLUMNS),
        t("stats.col_comparison", label=report["comparison_period"]["label"]),
    ]
    rows: list[list[str] | str] = []

    def code_label(list_name: str, code: str) -> str:
        if code == NOT_RECORDED:
            return t("stats.not_recorded")
        code_list = lists.code_lists.get(list_name)
        return code_list.label(code) if code_list is not None and code in code_list else code

    rows.append(t("stats.section_counts"))
    for name in COUNTS:
        cells = report["counts"][name]
        earlier = comparison["counts"][name]["total"]
        rows.append([t(f"stats.metric.{name}"), *(str(cells[c]) for c in COLUMNS), str(earlier)])
    for breakdown, (list_name, _column, _parent) in BREAKDOWNS.items():
        rows.append(t(f"stats.metric.{breakdown}"))
        for code, cells in report["breakdowns"][breakdown].items():
            earlier = comparison["breakdowns"][breakdown].get(code, {}).get("total", 0)
            label = f"  {code_label(list_name, code)}"
            rows.append([label, *(str(cells[c]) for c in COLUMNS), str(earlier)])
    rows.append(t("stats.section_shares"))
    for name in SHARES:
        cells = report["shares"][name]
        earlier = comparison["shares"][name]["total"]
        rows.append(
            [
                t(f"stats.metric.{name}"),
                *(_share_text(cells[c]) for c in COLUMNS),
                _share_text(earlier),
            ]
        )
    rows.append(t("stats.metric.destination_share"))
    for name, cells in report["shares"].items():
        if name.startswith("destination_share."):
            code = name.split(".", 1)[1]
            earlier = comparison["shares"].get(name, {}).get("total")
            rows.append(
                [
                    f"  {code_label('exit_destination', code)}",
                    *(_share_text(cells[c]) for c in COLUMNS),
                    _share_text(earlier) if earlier else t("stats.no_value"),
                ]
            )
    rows.append(t("stats.section_figures"))
    for name in FIGURES:
        cells = report["figures"][name]
        earlier = comparison["figures"][name]["total"]
        rows.append(
            [t(f"stats.metric.{name}"), *(_plain(cells[c]) for c in COLUMNS), _plain(earlier)]
        )

    table_rows = [row for row in rows if isinstance(row, list)]
    widths = [max(len(row[i]) for row in (header, *table_rows)) for i in range(len(header))]

    def line(row: list[str]) -> str:
        first = f"{row[0]:<{widths[0]}}"
        rest = "  ".join(f"{cell:>{widths[i + 1]}}" for i, cell in enumerate(row[1:]))
        return f"{first}  {rest}".rstrip()

    out = [line(header), "-" * len(line(header))]
    for row in rows:
        out.append(line(row) if isinstance(row, list) else f"\n{row}")
    return out


def _goal_lines(report: dict[str, Any]) -> list[str]:
    lines = []
    for goal in report["goals"]:
        if goal["met"] is None:
            verdict = t("stats.goal_no_data")
        else:
            verdict = t("stats.goal_met") if goal["met"] else t("stats.goal_not_met")
        value = _percent(goal["value"])
        if goal["den"]:
            value = f"{value} ({goal['num']}/{goal['den']})"
        line_key = "stats.goal_line" if goal.get("source") == "set" else "stats.goal_line_default"
        lines.append(
            t(
                line_key,
                metric=t(f"stats.metric.{goal['metric']}"),
                target=_percent(goal["target"]),
                value=value,
                verdict=verdict,
                comparison=_percent(goal["comparison_value"]),
            )
        )
    return lines


def cmd_stats(args: argparse.Namespace) -> int:
    from tracker.services import registers
    from tracker.services.codelists import current_lists
    from tracker.stats.report import build_report

    period = _stats_period(args)
    session, _ = _login(args, read_only=True)
    with session:
        today = session.today()
        period.check_not_future(today)
        report = build_report(session, period, args.insats, args.as_of)
        lists = current_lists(session)
        demo = registers.is_demo(session)
    if "purged" in report:
        _warn(t("purge.comparison_incomplete", before=report["purged"]["before"]))
    if args.json:
        _out(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK
    if demo:
        _out(t("cli.demo_marker"))
    _out(
        t(
            "stats.heading",
            period=report["period"]["label"],
            first=report["period"]["first"],
            last=report["period"]["last"],
            insatser=", ".join(report["insatser"]),
        )
    )
    _out(t("stats.as_of_line", seq=report["as_of"]["seq"]))
    if not period.has_ended(today):
        _out(t("tables.mark.preliminary", last=period.last.isoformat()))
    _out()
    for text in _stats_table(report, lists):
        _out(text)
    _out()
    _out(t("stats.section_goals"))
    for text in _goal_lines(report):
        _out(f"  {text}")
    if any(goal.get("source") != "set" for goal in report["goals"]):
        _out(t("stats.goals_how_to_set", insats=report["insatser"][0]))
    return EXIT_OK


def cmd_goals(args: argparse.Namespace) -> int:
    from tracker.services import goals

    session, _ = _login(args, read_only=True)
    with session:
        listed = goals.list_goals(session, args.insats)
    header = (
        t("stats.col_insats"),
        t("stats.col_metric"),
        t("stats.col_goal"),
        t("stats.col_source"),
    )
    rows = [
        (
            goal.insats,
            t(f"stats.metric.{goal.metric}"),
            _percent(goal.target),
            t("stats.goals_default") if goal.is_default else t("stats.goals_set_by"),
        )
        for goal in listed
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(3)]
    for row in (header, *rows):
        _out(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}")
    defaults = [goal for goal in listed if goal.is_default]
    if defaults:
        _out()
        _out(t("stats.goals_how_to_set", insats=defaults[0].insats))
    return EXIT_OK


def cmd_goals_set(args: argparse.Namespace) -> int:
    from tracker.domain.goals import check_goal_metric, parse_target
    from tracker.services import goals

    check_goal_metric(args.metric)
    target = parse_target(args.target)
    session, _ = _login(args)
    with session:
        goal = goals.set_goal(session, insats=args.insats, metric=args.metric, target=target)
    _out(
        t(
            "stats.goals_set_done",
            metric=t(f"stats.metric.{goal.metric}"),
            insats=goal.insats,
            target=_percent(goal.target),
        )
    )
    return EXIT_OK


# --- recount command -------------------------------------------------------------------------

# Enough to see what happened; the full list is in the register (tracker audit verify, the TUI).
RECOUNT_LINES_SHOWN = 100


def _shown(lines: Sequence[str]) -> list[str]:
    """At most RECOUNT_LINES_SHOWN lines, indented, and how many more there are."""
    shown = [f"  {line}" for line in lines[:RECOUNT_LINES_SHOWN]]
    if len(lines) > RECOUNT_LINES_SHOWN:
        shown.append(f"  {t('recount.more', count=len(lines) - RECOUNT_LINES_SHOWN)}")
    return shown


def _recount_lines(result: RecountResult) -> list[str]:
    """What the recount found, in the order it checked (docs/granskning.md, "Räkna om")."""
    period, head = result.period, result.head
    lines = [
        t(
            "recount.heading",
            path=str(result.bundle),
            period=period.label,
            first=period.first.isoformat(),
            last=period.last.isoformat(),
            insatser=", ".join(result.insatser),
        ),
        t("recount.checked", fingerprint=result.signer_fingerprint or "–"),
        t("recount.chain_ok", seq=head.seq, hash=head.hash),
        t(
            "recount.suppressed",
            threshold=result.threshold,
            method=t(f"recount.method.{result.method}"),
        )
        if result.threshold is not None
        else t("recount.unsuppressed"),
        "",
    ]
    if result.differences:
        lines.append(t("recount.differences", count=len(result.differences), seq=head.seq))
        lines += _shown(
            [
                t(
                    "recount.difference_line",
                    place=d.place,
                    reported=d.before_text,
                    recounted=d.after_text,
                )
                for d in result.differences
            ]
        )
    else:
        lines.append(t("recount.identical", count=result.cells_compared, seq=head.seq))
    lines.append("")
    if not result.later_events_total:
        lines.append(t("recount.no_later_events"))
    else:
        lines.append(
            t(
                "recount.later_heading",
                total=result.later_events_total,
                seq=result.current_head.seq,
                touching=len(result.later_events),
            )
        )
        if result.later_changes:
            lines.append(t("recount.later_changes", count=len(result.later_changes)))
            lines += _shown(
                [
                    t(
                        "recount.later_change_line",
                        place=d.place,
                        before=d.before_text,
                        after=d.after_text,
                    )
                    for d in result.later_changes
                ]
            )
        else:
            lines.append(t("recount.later_no_changes"))
        if result.later_events:
            lines.append(t("recount.later_events"))
            lines += _shown(
                [
                    t(
                        "recount.later_event_line",
                        seq=event.seq,
                        recorded=event.recorded_at[:16].replace("T", " "),
                        kind=event.kind_text,
                        date=event.dated.isoformat() if event.dated else "–",
                        code=event.case_code or "–",
                    )
                    for event in result.later_events
                ]
            )
        if result.later_changes or result.later_events:
            lines.append(t("recount.later_note"))
    lines.append("")
    if result.member_problems:
        lines.append(t("recount.members_heading", count=len(result.member_problems)))
        lines += _shown(result.member_problems)
        lines.append("")
    lines.append(t("recount.verdict_ok" if result.ok else "recount.verdict_differs"))
    return lines


def cmd_audit_recount(args: argparse.Namespace) -> int:
    from tracker.reports.recount import recount  # pandas is only loaded when asked for
    from tracker.services import registers

    path = Path(args.bundle)
    if not path.is_file():
        raise CliError("recount.no_file", path=str(path))
    session, _ = _login(args, read_only=True)
    with session:
        result = recount(session, path)
        demo = registers.is_demo(session)
    if not result.verified:
        print(t("recount.failed"), file=sys.stderr)
        for problem in [*result.problems, *result.member_problems]:
            print(f"  {_printable(problem)}", file=sys.stderr)
        return EXIT_VERIFICATION
    if demo:
        _out(t("cli.demo_marker"))
    for line in _recount_lines(result):
        _safe_out(line)
    return EXIT_OK if result.ok else EXIT_VERIFICATION


# --- report and verify commands --------------------------------------------------------------


def _formats(text: str) -> tuple[str, ...]:
    """``--format xlsx,pdf``: the formats named, checked against the ones the bundle knows."""
    from tracker.reports.info import FORMATS

    names = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    if not names:
        raise argparse.ArgumentTypeError(t("report.bad_format_list"))
    unknown = [name for name in names if name not in FORMATS]
    if unknown:
        raise argparse.ArgumentTypeError(
            t("report.unknown_format", format=unknown[0], formats=",".join(FORMATS))
        )
    return names


def _pinned_key(text: str) -> str:
    """``--key``: a base64 public key or a fingerprint (a usage error otherwise)."""
    from tracker.reports.bundle import BundleError, check_pin

    try:
        check_pin(text)
    except BundleError as error:
        raise argparse.ArgumentTypeError(error.message()) from None
    return text


def _register_pdf_fonts() -> None:
    from tracker.reports.fonts import register_fonts

    register_fonts()


def cmd_report(args: argparse.Namespace) -> int:
    from tracker.reports.bundle import DEFAULT_OUT_DIR, export_bundle
    from tracker.reports.info import FORMATS
    from tracker.services import registers

    period = _stats_period(args)
    # The writers' libraries (pandas, openpyxl, ReportLab) and the PDF's fonts load while the
    # key is derived.
    imports = _import_in_background(
        "pandas", "openpyxl", "reportlab.pdfgen.canvas", warm=_register_pdf_fonts
    )
    try:
        session, _ = _login(args)
    finally:
        imports.join()  # also when the login fails: never exit in the middle of an import
    with session:
        path = export_bundle(
            session,
            period,
            args.insats,
            formats=args.format or FORMATS,
            out_dir=Path(args.out) if args.out else DEFAULT_OUT_DIR,
            suppression=not args.no_suppression,
            forbund=args.forbund,
            progress=_progress_printer(t("report.progress")),
        )
        demo = registers.is_demo(session)
        from tracker.services import purge

        purged_before = purge.purged_before(session)
    if purged_before is not None and period.comparison().first < purged_before:
        _warn(t("purge.comparison_incomplete", before=purged_before.isoformat()))
    # stdout carries only the path, for scripts; the marks go to stderr.
    if demo:
        print(t("cli.demo_marker"), file=sys.stderr)
    if args.no_suppression:
        print(t("report.internal_warning"), file=sys.stderr)
    print(t("report.done", path=str(path)), file=sys.stderr)
    _out(str(path))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from tracker.reports.bundle import verify_bundle

    result = verify_bundle(Path(args.bundle), args.key)
    if not result.ok or result.facts is None:
        print(t("verify.failed", count=len(result.problems), path=args.bundle), file=sys.stderr)
        for problem in result.problems:
            print(f"  {_printable(problem)}", file=sys.stderr)
        return EXIT_VERIFICATION
    facts = result.facts
    if facts.demo:
        _safe_out(t("cli.demo_marker"))
    _safe_out(t("verify.ok", path=args.bundle))
    if facts.preliminary:
        _safe_out(f"  {t('verify.preliminary')}")
    signer_key = "verify.signer_pinned" if args.key else "verify.signer"
    if result.rotated:
        signer_key = "verify.signer_rotated"
    _safe_out(f"  {t(signer_key, fingerprint=facts.signer_fingerprint)}")
    _safe_out(f"  {t('verify.period', **facts.period)}")
    _safe_out(f"  {t('verify.insatser', insatser=', '.join(facts.insatser))}")
    if facts.forbund:
        _safe_out(f"  {t('verify.forbund', forbund=facts.forbund)}")
    _safe_out(f"  {t('verify.audit_head', seq=facts.audit_seq, hash=facts.audit_hash)}")
    if facts.threshold is None:
        _safe_out(f"  {t('verify.internal')}")
    else:
        _safe_out(f"  {t('verify.threshold', threshold=facts.threshold)}")
    _safe_out(f"  {t('verify.generated', moment=facts.generated_at)}")
    _safe_out(f"  {t('verify.files', count=facts.file_count)}")
    return EXIT_OK


def cmd_suppression(args: argparse.Namespace) -> int:
    from tracker.services import reports

    session, _ = _login(args, read_only=True)
    with session:
        threshold = reports.suppression_threshold(session)
    _out(t("report.threshold_show", threshold=threshold, below=threshold - 1))
    return EXIT_OK


def cmd_suppression_set(args: argparse.Namespace) -> int:
    from tracker.services import reports

    reports.parse_threshold(args.threshold)  # a bad number is refused before the login
    session, _ = _login(args)
    with session:
        threshold = reports.set_suppression_threshold(session, args.threshold)
    _out(t("report.threshold_set_done", threshold=threshold))
    return EXIT_OK


def cmd_forbund(args: argparse.Namespace) -> int:
    from tracker.services import reports

    session, _ = _login(args, read_only=True)
    with session:
        name = reports.forbund(session)
    _out(t("report.forbund_show", forbund=name) if name else t("report.forbund_unset"))
    return EXIT_OK


def cmd_forbund_set(args: argparse.Namespace) -> int:
    from tracker.services import reports

    reports.check_forbund(args.name)  # a bad name is refused before the login
    session, _ = _login(args)
    with session:
        name = reports.set_forbund(session, args.name)
    _out(t("report.forbund_set_done", forbund=name))
    return EXIT_OK


def _role(text: str) -> str:
    """A role by its code (staff, coordinator, reviewer) or its name in either language."""
    from tracker.store import keyfile

    for role in keyfile.ROLES:
        if text.strip().lower() in {role, t(f"role.{role}", "sv"), t(f"role.{role}", "en")}:
            return role
    raise argparse.ArgumentTypeError(t("service.unknown_role", role=text))


def _positive_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(t("cli.positive_count", value=text))
    return value


class _LiteralHelpFormatter(argparse.HelpFormatter):
    """Help texts printed as written: argparse would %-format them, and a catalog text such as
    "80 %" is not a format (it raised "ValueError: incomplete format"). No help uses %(…)s."""

    def _expand_help(self, action: argparse.Action) -> str:
        return self._get_help_string(action) or ""


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line in the chosen language, exit code 2, and help
    texts taken literally (every command and subcommand, also those added later)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _LiteralHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(t("cli.usage_error", detail=message), file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    # Accepted both before and after the command: the subcommand copies must not
    # overwrite what was given before it, hence SUPPRESS there.
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--db", metavar="PATH", default=default, help=t("cli.help_db"))
    parser.add_argument("--lang", choices=LANGUAGES, default=default, help=t("cli.help_lang"))
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help=t("cli.help_debug"),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tracker", description=t("cli.description"))
    parser.add_argument(
        "--version",
        action="version",
        version=f"tracker {__version__}",
        help=t("cli.argparse.version"),
    )
    _global_options(parser, suppress=False)
    parser.set_defaults(handler=cmd_none)
    commands = parser.add_subparsers(
        title=t("cli.commands"), metavar="COMMAND", parser_class=_Parser
    )

    def command(
        name: str,
        handler: Callable[[argparse.Namespace], int],
        help_key: str,
        where: argparse._SubParsersAction = commands,
    ) -> argparse.ArgumentParser:  # type: ignore[type-arg]
        sub = where.add_parser(name, help=t(help_key), description=t(help_key))
        _global_options(sub, suppress=True)
        sub.set_defaults(handler=handler)
        return sub

    init = command("init", cmd_init, "cli.help_init")
    init.add_argument("--user", required=True, help=t("cli.help_init_user"))
    init.add_argument(
        "--insats", required=True, action="append", metavar="NAME", help=t("cli.help_insats")
    )
    init.add_argument("--forbund", metavar="NAME", help=t("report.help_forbund_name"))

    demo = command("demo", cmd_demo, "cli.help_demo")
    demo.add_argument(
        "--participants",
        type=_positive_count,
        default=300,
        metavar="N",
        help=t("cli.help_participants"),
    )
    demo.add_argument("--seed", type=int, default=None, metavar="N", help=t("cli.help_seed"))
    demo.add_argument("--open", action="store_true", help=t("cli.help_open"))

    key = command("key", cmd_none, "cli.help_key")
    key_commands = key.add_subparsers(
        title=t("cli.commands"), metavar="COMMAND", parser_class=_Parser, required=True
    )
    command("list", cmd_key_list, "cli.help_key_list", key_commands)
    add = command("add", cmd_key_add, "cli.help_key_add", key_commands)
    add.add_argument("--user", required=True, help=t("cli.help_key_user"))
    add.add_argument("--role", required=True, type=_role, metavar="ROLE", help=t("cli.help_role"))
    remove = command("remove", cmd_key_remove, "cli.help_key_remove", key_commands)
    remove.add_argument("--user", required=True, help=t("cli.help_key_user"))
    remove.add_argument("--no-rekey", action="store_true", help=t("cli.help_no_rekey"))
    role = command("role", cmd_key_role, "cli.help_key_role", key_commands)
    role.add_argument("--user", required=True, help=t("cli.help_key_user"))
    role.add_argument("--role", required=True, type=_role, metavar="ROLE", help=t("cli.help_role"))
    command("rekey", cmd_rekey, "cli.help_rekey")
    command("passwd", cmd_key_passwd, "cli.help_key_passwd", key_commands)
    command("public", cmd_key_public, "cli.help_key_public", key_commands)

    recover = command("recover", cmd_recover, "cli.help_recover")
    recover.add_argument("--user", help=t("cli.help_recover_user"))

    audit_parser = command("audit", cmd_none, "cli.help_audit")
    audit_commands = audit_parser.add_subparsers(
        title=t("cli.commands"), metavar="COMMAND", parser_class=_Parser, required=True
    )
    audit_verify = command("verify", cmd_audit_verify, "cli.help_audit_verify", audit_commands)
    audit_verify.add_argument("--expect", metavar="SEQ:HASH", help=t("cli.help_expect"))
    audit_head = command("head", cmd_audit_head, "cli.help_audit_head", audit_commands)
    audit_head.add_argument("--out", metavar="FILE", help=t("cli.help_audit_head_out"))
    recount_parser = command("recount", cmd_audit_recount, "recount.help", audit_commands)
    recount_parser.add_argument("bundle", metavar="BUNDLE", help=t("recount.help_bundle"))

    # --- serve ---
    serve_parser = command("serve", cmd_serve, "serve.help")
    serve_parser.add_argument("--host", default="127.0.0.1", help=t("serve.help_host"))
    serve_parser.add_argument("--port", type=int, default=8000, help=t("serve.help_port"))
    serve_parser.add_argument("--tls-cert", metavar="FILE", help=t("serve.help_tls_cert"))
    serve_parser.add_argument("--tls-key", metavar="FILE", help=t("serve.help_tls_key"))
    serve_parser.add_argument("--insecure", action="store_true", help=t("serve.help_insecure"))

    # --- import ---
    import_parser = command("import", cmd_import, "import.help")
    import_parser.add_argument("file", metavar="FILE", help=t("import.help_file"))
    import_parser.add_argument("--dry-run", action="store_true", help=t("import.help_dry_run"))

    # --- stats and goals ---
    stats = command("stats", cmd_stats, "stats.help_stats")
    stats.add_argument("--period", metavar="P", help=t("stats.help_period"))
    stats.add_argument("--from", dest="from_date", metavar="DATE", help=t("stats.help_from"))
    stats.add_argument("--to", dest="to_date", metavar="DATE", help=t("stats.help_to"))
    stats.add_argument("--insats", action="append", metavar="NAME", help=t("stats.help_insats"))
    stats.add_argument("--as-of", type=_as_of, metavar="SEQ", help=t("stats.help_as_of"))
    stats.add_argument("--json", action="store_true", help=t("stats.help_json"))

    goals_parser = command("goals", cmd_goals, "stats.help_goals")
    goals_parser.add_argument("--insats", metavar="NAME", help=t("stats.help_goals_insats"))
    goals_commands = goals_parser.add_subparsers(
        title=t("cli.commands"), metavar="COMMAND", parser_class=_Parser
    )
    goals_set = command("set", cmd_goals_set, "stats.help_goals_set", goals_commands)
    goals_set.add_argument("--insats", required=True, metavar="NAME", help=t("stats.help_insats"))
    goals_set.add_argument(
        "--metric", required=True, metavar="METRIC", help=t("stats.help_goal_metric")
    )
    goals_set.add_argument(
        "--target", required=True, metavar="TARGET", help=t("stats.help_goal_target")
    )

    # --- report and verify ---
    report = command("report", cmd_report, "report.help")
    report.add_argument("--period", metavar="P", help=t("report.help_period"))
    report.add_argument("--from", dest="from_date", metavar="DATE", help=t("report.help_from"))
    report.add_argument("--to", dest="to_date", metavar="DATE", help=t("report.help_to"))
    report.add_argument("--insats", action="append", metavar="NAME", help=t("report.help_insats"))
    report.add_argument("--format", type=_formats, metavar="FORMATS", help=t("report.help_format"))
    report.add_argument("--out", metavar="DIR", help=t("report.help_out"))
    report.add_argument(
        "--no-suppression", action="store_true", help=t("report.help_no_suppression")
    )
    report.add_argument("--forbund", metavar="NAME", help=t("report.help_forbund"))
    verify = command("verify", cmd_verify, "verify.help")
    verify.add_argument("bundle", metavar="BUNDLE", help=t("verify.help_bundle"))
    verify.add_argument("--key", type=_pinned_key, metavar="KEY", help=t("verify.help_key"))
    suppression = command("suppression", cmd_suppression, "report.help_suppression")
    suppression_commands = suppression.add_subparsers(
        title=t("cli.commands"), metavar="COMMAND", parser_class=_Parser
    )
    suppression_set = command(
        "set", cmd_suppression_set, "report.help_suppression_set", suppression_commands
    )
    suppression_set.add_argument("threshold", metavar="N", help=t("report.help_threshold_value"))
    forbund = command("forbund", cmd_forbund, "report.help_forbund_show")
    forbund_commands = forbund.add_subparsers(
        title=t("cli.commands"), metavar="COMMAND", parser_class=_Parser
    )
    forbund_set = command("set", cmd_forbund_set, "report.help_forbund_set", forbund_commands)
    forbund_set.add_argument("name", metavar="NAME", help=t("report.help_forbund_name"))

    # --- backup and restore ---
    backup_parser = command("backup", cmd_backup, "backup.help")
    backup_parser.add_argument("--out", metavar="DIR", help=t("backup.help_out"))
    backup_commands = backup_parser.add_subparsers(
        title=t("cli.commands"), metavar="COMMAND", parser_class=_Parser
    )
    backup_list = command("list", cmd_backup_list, "backup.help_list", backup_commands)
    backup_list.add_argument("--out", metavar="DIR", help=t("backup.help_out"))
    backup_settings = command(
        "settings", cmd_backup_settings, "backup.help_settings", backup_commands
    )
    backup_settings.add_argument("--folder", metavar="DIR", help=t("backup.help_folder"))
    backup_settings.add_argument("--keep-last", metavar="N", help=t("backup.help_keep_last"))
    backup_settings.add_argument("--keep-monthly", metavar="N", help=t("backup.help_keep_monthly"))
    backup_settings.add_argument("--remind-days", metavar="N", help=t("backup.help_remind_days"))
    restore_parser = command("restore", cmd_restore, "restore.help")
    restore_parser.add_argument("file", metavar="FILE", help=t("restore.help_file"))
    restore_parser.add_argument("--force", action="store_true", help=t("restore.help_force"))

    # --- insatser over time ---
    insats_parser = command("insats", cmd_insats_list, "insats.help")
    insats_commands = insats_parser.add_subparsers(
        title=t("cli.commands"), metavar="COMMAND", parser_class=_Parser
    )
    command("list", cmd_insats_list, "insats.help_list", insats_commands)
    insats_add = command("add", cmd_insats_add, "insats.help_add", insats_commands)
    insats_add.add_argument("name", metavar="NAME", help=t("insats.help_name"))
    insats_rename = command("rename", cmd_insats_rename, "insats.help_rename", insats_commands)
    insats_rename.add_argument("name", metavar="NAME", help=t("insats.help_name"))
    insats_rename.add_argument("new_name", metavar="NEW_NAME", help=t("insats.help_new_name"))
    insats_close = command("close", cmd_insats_close, "insats.help_close", insats_commands)
    insats_close.add_argument("name", metavar="NAME", help=t("insats.help_name"))
    insats_close.add_argument("--on", type=_iso_date, metavar="DATE", help=t("insats.help_on"))

    # --- gallring ---
    purge_parser = command("purge", cmd_purge, "purge.help")
    purge_parser.add_argument(
        "--closed-before", type=_iso_date, metavar="DATE", help=t("purge.help_closed_before")
    )
    purge_parser.add_argument("--dry-run", action="store_true", help=t("purge.help_dry_run"))
    purge_commands = purge_parser.add_subparsers(
        title=t("cli.commands"), metavar="COMMAND", parser_class=_Parser
    )
    retention = command("retention", cmd_purge_retention, "purge.help_retention", purge_commands)
    retention.add_argument("--years", metavar="N", help=t("purge.help_years"))

    return parser


_ARGPARSE_MESSAGE_IDS = {
    entry["en"]: key for key, entry in CATALOG.items() if key.startswith("cli.argparse.")
}


def _argparse_gettext(message: str) -> str:
    """argparse's own words in the chosen language (it looks ``_`` up at call time)."""
    key = _ARGPARSE_MESSAGE_IDS.get(message)
    return CATALOG[key][get_language()] if key else message


def _choose_language(argv: Sequence[str]) -> None:
    """The language must be known before the parser (its help texts) is built."""
    lang = os.environ.get("TRACKER_LANG", "sv")
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            lang = argv[index + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    set_language(lang if lang in LANGUAGES else "sv")
    argparse._ = _argparse_gettext  # type: ignore[attr-defined]


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    _choose_language(arguments)
    args = build_parser().parse_args(arguments)
    try:
        return args.handler(args)
    except BrokenPipeError:
        return _reader_gone()
    except Exception as error:
        if args.debug:
            raise
        return _report(error, _db_path(args))
    except KeyboardInterrupt:
        return _fail(t("cli.interrupted"), 130)
    finally:
        if argv is None:  # the program itself (not a caller in process): it ends now
            _end_without_final_collection()


def _end_without_final_collection() -> None:
    """Let the interpreter's shutdown skip its final garbage collection over every object
    pandas, SQLAlchemy and openpyxl made (0.2–0.3 s of a command's wall time): they are moved
    to the collector's permanent generation. Exit handlers still run and files still close;
    the command has closed its register and written its files before this."""
    import gc

    gc.freeze()


def _reader_gone() -> int:
    """The reader of our output left (``tracker stats | head``): stop quietly, as Unix tools
    do. Further output goes nowhere, so Python's flush at exit cannot complain either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_ERROR


def _report(error: Exception, db_path: Path) -> int:
    """One clear line (or one per broken rule) on stderr, and the documented exit code."""
    # Imported here, not at start-up: only a failed command pays for them.
    from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

    from tracker.domain.errors import RuleError
    from tracker.services.session import ServiceError
    from tracker.store import keyfile
    from tracker.store.backup import BackupDamaged
    from tracker.store.database import NotATrackerDatabase, RegisterInUse
    from tracker.store.engine import WrongDataKey
    from tracker.store.errors import classify
    from tracker.store.filesystem import NetworkFileSystemError

    if isinstance(error, CliError):
        return _fail(t(error.key, **error.params), error.code)
    if isinstance(error, RuleError):
        return _fail("\n".join(v.message() for v in error.violations), EXIT_ERROR)
    if isinstance(error, keyfile.WrongCredentials):
        return _fail(error.message(), EXIT_CREDENTIALS)
    if isinstance(error, keyfile.InvalidRecoveryKey) and error.key == "keyfile.recovery_key_wrong":
        return _fail(error.message(), EXIT_CREDENTIALS)  # well formed, but not this register's
    if isinstance(error, keyfile.KeyFileTampered):
        return _fail(error.message(), EXIT_VERIFICATION)
    if isinstance(error, BackupDamaged):
        return _fail(t(error.key, **error.params), EXIT_VERIFICATION)
    if isinstance(error, keyfile.KeyFileError | ServiceError | NetworkFileSystemError):
        return _fail(error.message(), EXIT_ERROR)
    if isinstance(error, RegisterInUse):
        return _fail(t("store.register_in_use"), EXIT_ERROR)
    if isinstance(error, WrongDataKey | NotATrackerDatabase):
        return _fail(t("store.database_key_mismatch"), EXIT_VERIFICATION)
    store_error = classify(error, db_path)
    if store_error is not None:
        # Busy, disk full, read-only, I/O and damage each have their own message and exit code.
        return _fail(store_error.message(), store_error.exit_code)
    if isinstance(error, SQLAlchemyDatabaseError):
        return _fail(t("cli.database_damaged"), EXIT_VERIFICATION)
    if isinstance(error, OSError):
        return _fail(t("cli.os_error", detail=error.strerror or type(error).__name__), EXIT_ERROR)
    # Never print the exception text: it could carry anything, secrets included.
    return _fail(t("cli.unexpected", kind=type(error).__name__), EXIT_ERROR)


if __name__ == "__main__":
    raise SystemExit(main())
