"""The signed export bundle (interfaces.md, "Report bundle"): build it, read it, verify it.

A bundle is one zip file holding ``report.json``, the chosen formats (``report.pdf``,
``report.xlsx``, ``csv/<table>.csv``), ``manifest.json`` (schema ``tracker.manifest/1``: the
facts and the SHA-256 of every other file) and ``manifest.sig``: the register's Ed25519
signature over manifest.json's exact bytes, stored as the raw 64 bytes (so ``openssl pkeyutl
-verify -rawin`` can check it too, see docs/granskning.md).

The zip is canonical: members in a fixed order, stored uncompressed, every member dated by the
manifest's ``generated_at``, fixed attributes. Verification therefore does not stop at the
members' hashes: it rebuilds the container from the verified members and compares byte for
byte, so a change to any byte of the file (a header's date, a flag, the directory) is found,
not only a change to a member's content. Stored members also keep the bytes independent of
the zlib version on the reviewer's machine.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import __version__
from tracker.domain.periods import Period
from tracker.i18n import get_language, t
from tracker.reports.info import FORMATS, ReportInfo
from tracker.reports.signature import (
    BadPublicKey,
    decode_public_key,
    follows_rotation,
    matches_pin,
    signature_valid,
)
from tracker.services import registers
from tracker.services import reports as report_service
from tracker.services.codelists import current_lists
from tracker.services.session import ServiceError, Session
from tracker.store.atomic import make_private_directory, write_atomic
from tracker.store.signing import PublicKey

if TYPE_CHECKING:
    from tracker.reports.tables import ReportTable

# The writers (pandas, openpyxl, matplotlib) and the statistics are imported where they are
# used: verifying a bundle needs none of them and should start in a blink.

MANIFEST_SCHEMA = "tracker.manifest/1"
REPORT = "report.json"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNATURE_ALGORITHM = "Ed25519"
DEFAULT_OUT_DIR = Path("exports")
PRELIMINARY_NAME = "preliminar"  # in the file name of a bundle whose period has not ended

# A bundle is a few megabytes; anything far larger is not ours (and is not read into memory).
MAX_BUNDLE_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 500
# Zip's local-file and end-of-central-directory signatures: a file with neither is not a zip
# at all (exit 1); one with either is a damaged bundle (exit 4). One changed byte cannot
# remove both, so any single-byte change of a bundle is reported as a failed verification.
_LOCAL_HEADER = b"PK\x03\x04"
_END_OF_DIRECTORY = b"PK\x05\x06"
_END_SEARCH = 22 + 65535


def canonical_json(value: Any) -> bytes:
    """The exact bytes of report.json and manifest.json (sorted keys, UTF-8, final newline)."""
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the formats ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Content:
    """What every format writer gets."""

    report: Mapping[str, Any]
    tables: Sequence[ReportTable]
    info: ReportInfo
    lang: str


# What the writers take, for rendering a bundle's members again (tracker audit recount).
RenderInput = _Content


def _json_files(content: _Content) -> dict[str, bytes]:
    return {REPORT: canonical_json(content.report)}


def _csv_files(content: _Content) -> dict[str, bytes]:
    from tracker.reports.tables import write_csv

    return write_csv(content.tables)


def _xlsx_files(content: _Content) -> dict[str, bytes]:
    from tracker.reports.tables import write_xlsx

    return {"report.xlsx": write_xlsx(content.report, content.tables, content.info, content.lang)}


def _pdf_files(content: _Content) -> dict[str, bytes]:
    from tracker.reports.pdf import write_pdf

    return {"report.pdf": write_pdf(content.report, content.tables, content.info, content.lang)}


# The one place that says which writer makes which files. report.json is always written.
WRITERS: dict[str, Callable[[_Content], dict[str, bytes]]] = {
    "json": _json_files,
    "csv": _csv_files,
    "xlsx": _xlsx_files,
    "pdf": _pdf_files,
}
assert set(WRITERS) == set(FORMATS)


def check_formats(formats: Collection[str]) -> tuple[str, ...]:
    """The chosen formats in FORMATS order, json always included; unknown ones refused."""
    chosen = {name.strip().lower() for name in formats if name.strip()}
    unknown = sorted(chosen - set(FORMATS))
    if unknown:
        raise ServiceError("report.unknown_format", format=unknown[0], formats=", ".join(FORMATS))
    return tuple(name for name in FORMATS if name in chosen or name == "json")


def _member_order(name: str) -> tuple[int, str]:
    """The canonical member order: report.json, pdf, xlsx, csv files, manifest, signature."""
    fixed = {REPORT: 0, "report.pdf": 1, "report.xlsx": 2, MANIFEST: 8, SIGNATURE: 9}
    if name in fixed:
        return fixed[name], name
    return (3 if name.startswith("csv/") else 7), name


def canonical_zip(members: Mapping[str, bytes], moment: datetime) -> bytes:
    """The canonical zip of ``members``: fixed order, stored, dated ``moment`` (UTC)."""
    stamp = moment.astimezone(UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(members, key=_member_order):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # the same bytes whatever system wrote them
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()


# --- names ------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    """A file-safe ASCII slug: å→a, spaces and other signs → -, lower case."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def bundle_name(
    period: Period,
    insatser: Sequence[str] | None,
    moment: datetime,
    *,
    demo: bool = False,
    preliminary: bool = False,
) -> str:
    """``<period>_<insats-slug>_<YYYYMMDDTHHMMSS>.zip`` (UTC); all insatser: ``alla``; a demo
    register's bundle starts with ``DEMO_`` so it is never taken for a real one; a period that
    has not ended: ``<period>_<insats-slug>_preliminar_<…>.zip``."""
    period_part = re.sub(r"[^A-Za-z0-9-]+", "-", period.label.replace("..", "--"))
    if insatser:
        insats_part = "+".join(_slug(name) for name in insatser)[:80].rstrip("+-")
    else:
        insats_part = "alla"
    stamp = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    if preliminary:
        insats_part = f"{insats_part}_{PRELIMINARY_NAME}"
    name = f"{period_part}_{insats_part}_{stamp}.zip"
    return f"DEMO_{name}" if demo else name


def _free_path(out_dir: Path, name: str) -> Path:
    """``name`` in ``out_dir``, or name-2.zip, name-3.zip… when an export of the same second
    already lies there (never overwritten)."""
    path = out_dir / name
    number = 2
    while path.exists():
        path = out_dir / f"{name.removesuffix('.zip')}-{number}.zip"
        number += 1
    return path


# --- export -----------------------------------------------------------------------------------


def export_bundle(
    session: Session,
    period: Period,
    insatser: Sequence[str] | None = None,
    *,
    formats: Collection[str] = FORMATS,
    out_dir: Path = DEFAULT_OUT_DIR,
    suppression: bool = True,
    forbund: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    lang: str | None = None,
) -> Path:
    """Compute the report for ``period`` and write the signed bundle; returns the zip's path.

    ``suppression=False`` (figures as they are, marked INTERNT) is for coordinators and
    reviewers only. Every export is recorded in the audit log (``report_exported``) after the
    figures are computed, so the manifest's audit head is the one the figures came from; the
    record and the file are written together (a failed write records nothing).
    ``forbund``: the förbund's name for this report's title page, instead of the register's
    setting (``tracker forbund set``), which it leaves as it is.
    """
    from tracker.reports.cellkey import protect_report, report_cell_keys
    from tracker.reports.tables import report_tables
    from tracker.stats.report import load_facts, report_from_facts

    lang = lang or get_language()
    chosen = check_formats(formats)
    if not suppression:
        report_service.require_unsuppressed_allowed(session)
    forbund_name = report_service.check_forbund(forbund) if forbund is not None else None
    names = list(insatser) if insatser else None
    total = 3 + len(chosen)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    today = session.today()
    period.check_not_future(today)  # nothing to report, and a signature would say otherwise
    preliminary = not period.has_ended(today)
    if progress is not None:
        progress(0, total)
    generated_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    threshold = report_service.suppression_threshold(session) if suppression else None
    # A closed period's board figures are frozen at its first board export (metrics.md).
    frozen = report_service.frozen_head(session, period, names) if suppression else None
    facts = load_facts(session, frozen)
    raw = report_from_facts(facts, period, names)
    step()
    if threshold is not None:
        keys = report_cell_keys(facts, period, names, report_service.cell_key_secret(session))
        report = protect_report(raw, keys, threshold)
    else:
        report = raw
    report = {**report, "preliminary": preliminary}
    public = report_service.public_key(session)
    info = ReportInfo(
        preliminary=preliminary,
        forbund=forbund_name or report_service.forbund(session),
        generated_at=generated_at,
        signer_fingerprint=public.fingerprint,
        demo=registers.is_demo(session),
        threshold=threshold,
        tool_version=__version__,
        database_id=session.register.meta("database_id") or "",
    )
    lists = current_lists(session)
    tables = report_tables(report, lang, code_lists=lists.code_lists)
    step()
    content = _Content(report, tables, info, lang)
    members: dict[str, bytes] = {}
    for name in chosen:
        members.update(WRITERS[name](content))
        step()

    manifest = {
        "schema": MANIFEST_SCHEMA,
        "period": report["period"],
        "comparison_period": report["comparison_period"],
        "insatser": report["insatser"],
        "threshold": threshold,
        "protection": report["suppression"],
        "generated_at": generated_at.isoformat().replace("+00:00", "Z"),
        "tool_version": __version__,
        "database_id": info.database_id,
        "audit_head": dict(report["as_of"]),
        "files": {name: sha256(data) for name, data in sorted(members.items())},
        "signer": {
            "algorithm": SIGNATURE_ALGORITHM,
            "public_key": public.base64,
            "fingerprint": public.fingerprint,
            # How this key took over from earlier register authorities (empty for a staff or
            # reviewer export, which is signed with the user's own key).
            "rotations": registers.authority_rotations(session)
            if public == registers.public_key(session)
            else [],
        },
        "forbund": info.forbund,
        "demo": info.demo,
        "preliminary": preliminary,
        "formats": list(chosen),
        "lang": lang,
    }
    manifest_bytes = canonical_json(manifest)
    members[MANIFEST] = manifest_bytes
    members[SIGNATURE] = report_service.sign(session, manifest_bytes)
    data = canonical_zip(members, generated_at)

    out_dir = Path(out_dir)
    make_private_directory(out_dir)  # bundles of a register: owner only, whatever the umask
    name = bundle_name(
        period,
        names and report["insatser"],
        generated_at,
        demo=info.demo,
        preliminary=preliminary,
    )
    path = _free_path(out_dir, name)
    payload = {
        "period": period.label,
        "insatser": report["insatser"],
        "threshold": threshold,
        "selection": report_service.export_selection(names),
        "frozen": frozen is not None,
        "bundle": path.name,
        "manifest_sha256": sha256(manifest_bytes),
        "formats": list(chosen),
        "as_of": report["as_of"]["seq"],
    }
    written = False

    def write() -> None:
        nonlocal written
        # A board bundle is made to be shared; an INTERNT one stays readable by its owner only.
        write_atomic(path, data, mode=0o644 if threshold is not None else 0o600)
        written = True

    try:
        report_service.record_export(session, payload, write)
    except BaseException:
        if written:  # the record did not commit: no bundle without its audit entry
            path.unlink(missing_ok=True)
        raise
    step()
    return path


# --- reading and verifying --------------------------------------------------------------------


class BundleError(ServiceError):
    """The file cannot be taken as a bundle at all: missing, unreadable, not a zip."""


@dataclass(frozen=True)
class ManifestFacts:
    """What a manifest states, as verify prints it."""

    signer_fingerprint: str
    public_key: str
    period: Mapping[str, Any]
    insatser: list[str]
    audit_seq: int
    audit_hash: str
    threshold: int | None  # None: unsuppressed (INTERNT)
    generated_at: str
    database_id: str
    demo: bool
    forbund: str | None
    file_count: int  # the files the manifest lists (manifest.json and .sig not counted)
    rotations: list[dict[str, Any]] = field(default_factory=list)
    preliminary: bool = False  # the period had not ended when the bundle was made

    @property
    def internal(self) -> bool:
        return self.threshold is None


@dataclass(frozen=True)
class Bundle:
    path: Path
    manifest: dict[str, Any]
    report: dict[str, Any]
    members: dict[str, bytes]  # every member, manifest.json and manifest.sig included

    @property
    def facts(self) -> ManifestFacts:
        return _facts(self.manifest)

    @property
    def threshold(self) -> int | None:
        return self.manifest.get("threshold")

    @property
    def audit_head(self) -> tuple[int, str]:
        head = self.manifest["audit_head"]
        return head["seq"], head["hash"]


@dataclass
class VerifyResult:
    problems: list[str] = field(default_factory=list)  # translated, each naming its member
    facts: ManifestFacts | None = None  # what the manifest states (trust it only when ok)
    rotated: bool = False  # signed by a successor of the pinned key (a rotated authority)

    @property
    def ok(self) -> bool:
        return not self.problems and self.facts is not None


def _facts(manifest: Mapping[str, Any]) -> ManifestFacts:
    """The manifest's facts; KeyError/TypeError/ValueError when a field is missing or wrong."""
    signer = manifest["signer"]
    head = manifest["audit_head"]
    threshold = manifest["threshold"]
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int)):
        raise ValueError("threshold")
    if not isinstance(manifest["files"], dict) or not isinstance(manifest["insatser"], list):
        raise TypeError("files")
    period = {key: str(manifest["period"][key]) for key in ("label", "first", "last")}
    return ManifestFacts(
        signer_fingerprint=str(signer["fingerprint"]),
        public_key=str(signer["public_key"]),
        period=period,
        insatser=[str(name) for name in manifest["insatser"]],
        audit_seq=int(head["seq"]),
        audit_hash=str(head["hash"]),
        threshold=threshold,
        generated_at=str(manifest["generated_at"]),
        database_id=str(manifest["database_id"]),
        demo=bool(manifest["demo"]),
        forbund=manifest.get("forbund"),
        file_count=len(manifest["files"]),
        rotations=[dict(r) for r in signer.get("rotations") or [] if isinstance(r, dict)],
        # Bundles made before the mark existed are final: their periods had ended.
        preliminary=bool(manifest.get("preliminary", False)),
    )


def _read_file(path: Path) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise BundleError("verify.no_file", path=str(path))
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise BundleError("verify.too_large", path=str(path))
        data = path.read_bytes()
    except OSError as error:
        raise BundleError("verify.unreadable", path=str(path)) from error
    if not (data.startswith(_LOCAL_HEADER) or _END_OF_DIRECTORY in data[-_END_SEARCH:]):
        raise BundleError("verify.not_a_zip", path=str(path))
    return data


def _shown(name: str) -> str:
    """A member name from an untrusted zip, safe to print (no control characters)."""
    return "".join(char if char.isprintable() else "?" for char in name)[:200]


def _open_members(
    data: bytes, problems: list[str], damaged: set[str] | None = None
) -> dict[str, bytes] | None:
    """Every member's bytes; each member that cannot be read is a problem naming it (and its
    name goes into ``damaged``).

    None when the zip's directory itself cannot be read.
    """
    damaged = set() if damaged is None else damaged
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # any failure to parse untrusted bytes means "damaged"
        problems.append(t("verify.zip_damaged"))
        return None
    members: dict[str, bytes] = {}
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            problems.append(t("verify.zip_damaged"))
            return None
        if _overlapping(infos, len(data)):
            # Members that share bytes (or claim more than the file holds) would make each
            # read repeat the same data: a 4 MB zip could then cost gigabytes to check.
            problems.append(t("verify.zip_overlapping"))
            return None
        for info in infos:
            name = info.filename
            if name in members:
                problems.append(t("verify.member_duplicate", member=_shown(name)))
                continue
            if info.compress_type != zipfile.ZIP_STORED or info.file_size > MAX_BUNDLE_BYTES:
                # Never inflate what the tracker did not write (a zip bomb is not a bundle).
                problems.append(t("verify.member_damaged", member=_shown(name)))
                damaged.add(name)
                continue
            try:
                members[name] = archive.read(info)
            except Exception:  # bad CRC, bad header, "encrypted" flag: damaged
                problems.append(t("verify.member_damaged", member=_shown(name)))
                damaged.add(name)
    return members


def _overlapping(infos: list[zipfile.ZipInfo], archive_size: int) -> bool:
    """True when members' stored bytes overlap or together exceed the archive itself."""
    if sum(info.compress_size for info in infos) > archive_size:
        return True
    end = 0
    for info in sorted(infos, key=lambda member: member.header_offset):
        if info.header_offset < end:
            return True
        # The local header: 30 fixed bytes, the name and the extra field (at least as in the
        # central directory; the check only needs a lower bound).
        end = info.header_offset + 30 + len(info.orig_filename.encode()) + info.compress_size
    return end > archive_size


def _load_json(data: bytes) -> Any:
    """Parsed JSON; a document nested too deeply to parse is a ValueError like any bad one."""
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError:
        raise ValueError("nested too deeply") from None


def read_bundle(path: Path) -> Bundle:
    """A bundle's manifest, report and members, read WITHOUT checking them (verify first).

    BundleError when the file is missing, not a zip, damaged, or lacks manifest or report.
    """
    data = _read_file(path)
    problems: list[str] = []
    members = _open_members(data, problems)
    if members is None or problems:
        raise BundleError("verify.unreadable_bundle", path=str(path))
    try:
        manifest = _load_json(members[MANIFEST])
        report = _load_json(members[REPORT])
    except (KeyError, UnicodeDecodeError, ValueError):
        raise BundleError("verify.unreadable_bundle", path=str(path)) from None
    if not isinstance(manifest, dict) or not isinstance(report, dict):
        raise BundleError("verify.unreadable_bundle", path=str(path))
    return Bundle(Path(path), manifest, report, members)


def check_pin(expected_public_key: str) -> None:
    """Refuse a ``--key`` that is neither a base64 public key nor a fingerprint, up front."""
    try:
        matches_pin(PublicKey(bytes(32)), expected_public_key)
    except BadPublicKey:
        raise BundleError("verify.pin_invalid") from None


def verify_bundle(path: Path, expected_public_key: str | None = None) -> VerifyResult:
    """Check a bundle without any database: the signature over manifest.json's exact bytes,
    every member's SHA-256 against the manifest, no missing or extra member, an undamaged zip
    in its canonical form; with ``expected_public_key`` (base64 key or fingerprint) also that
    the bundle was signed by that key.

    BundleError (not a result) when the file is missing or is not a zip at all; every other
    failure is a problem in the result, translated and naming the member.
    """
    if expected_public_key is not None:
        check_pin(expected_public_key)
    data = _read_file(path)
    result = VerifyResult()
    damaged: set[str] = set()
    members = _open_members(data, result.problems, damaged)
    if members is None:
        return result
    manifest_bytes = members.get(MANIFEST)
    if manifest_bytes is None:
        if MANIFEST not in damaged:
            result.problems.append(t("verify.member_missing", member=MANIFEST))
        return result
    try:
        manifest = _load_json(manifest_bytes)
        if not isinstance(manifest, dict) or manifest.get("schema") != MANIFEST_SCHEMA:
            raise ValueError("schema")
        facts = _facts(manifest)
        public = decode_public_key(facts.public_key)
        generated_at = datetime.fromisoformat(facts.generated_at)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        result.problems.append(t("verify.manifest_invalid", member=MANIFEST))
        return result
    result.facts = facts

    signature = members.get(SIGNATURE)
    if signature is None:
        if SIGNATURE not in damaged:
            result.problems.append(t("verify.member_missing", member=SIGNATURE))
    elif not signature_valid(public, manifest_bytes, signature):
        result.problems.append(t("verify.signature_invalid", member=SIGNATURE))
    if public.fingerprint != facts.signer_fingerprint:
        result.problems.append(t("verify.manifest_invalid", member=MANIFEST))
    if expected_public_key is not None and not matches_pin(public, expected_public_key):
        if follows_rotation(expected_public_key, public, facts.rotations, facts.database_id):
            result.rotated = True
        else:
            result.problems.append(
                t("verify.key_mismatch", fingerprint=public.fingerprint, member=SIGNATURE)
            )

    listed: dict[str, Any] = manifest["files"]
    for name, digest in sorted(listed.items()):
        if name not in members:
            if name not in damaged:  # a damaged member is reported as such already
                result.problems.append(t("verify.member_missing", member=_shown(name)))
        elif sha256(members[name]) != digest:
            result.problems.append(t("verify.member_changed", member=_shown(name)))
    for name in sorted(set(members) - set(listed) - {MANIFEST, SIGNATURE}):
        result.problems.append(t("verify.member_extra", member=_shown(name)))

    if not result.problems:
        _check_report(members, manifest, result.problems)
    if not result.problems and canonical_zip(members, generated_at) != data:
        # Every member is intact, yet the file differs from the canonical zip of them:
        # a header, a date or the directory was changed.
        result.problems.append(t("verify.container_changed"))
    return result


def _check_report(
    members: Mapping[str, bytes], manifest: Mapping[str, Any], problems: list[str]
) -> None:
    """report.json must state what the signed manifest states (same period, head, threshold)."""
    try:
        report = _load_json(members[REPORT])
        suppression = report.get("suppression")
        threshold = suppression.get("threshold") if isinstance(suppression, dict) else None
        consistent = (
            report.get("period") == manifest["period"]
            and report.get("as_of") == manifest["audit_head"]
            and report.get("insatser") == manifest["insatser"]
            and threshold == manifest["threshold"]
        )
    except (KeyError, UnicodeDecodeError, ValueError, AttributeError):
        consistent = False
    if not consistent:
        problems.append(t("verify.report_mismatch", member=REPORT))


__all__ = [
    "DEFAULT_OUT_DIR",
    "MANIFEST",
    "MANIFEST_SCHEMA",
    "REPORT",
    "SIGNATURE",
    "WRITERS",
    "Bundle",
    "BundleError",
    "ManifestFacts",
    "RenderInput",
    "VerifyResult",
    "bundle_name",
    "canonical_json",
    "canonical_zip",
    "check_formats",
    "check_pin",
    "export_bundle",
    "read_bundle",
    "verify_bundle",
]
