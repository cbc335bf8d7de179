"""Import events from a spreadsheet (interfaces.md, "Import format"), and export them back.

The whole file is validated before anything is written: every cell (personnummer, codes,
dates, levels), the agreement of rows about one participant, and the case rules of the domain
on each participant's complete event list, the register's existing events included. Only a
file without a single problem is written, through the same case services staff use, in one
batch transaction: all of it or nothing. Rows equal to an event the case already has, and
repeated rows, are skipped, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import operator
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from tracker.domain.case import (
    APPLICATION,
    CASE_KINDS,
    EXIT,
    FOLLOW_UP,
    NON_START,
    START,
    STEP,
    CaseEvent,
    case_warnings,
    check_case,
    effective_events,
    episode_for,
)
from tracker.domain.codelists import CodeList
from tracker.domain.errors import RuleError, Violation
from tracker.domain.participant_code import code_problem, normalize_code
from tracker.domain.personnummer import check_free_text
from tracker.i18n import get_language, t
from tracker.services import cases
from tracker.services.session import (
    Lists,
    PermissionDenied,
    ServiceError,
    Session,
    Transaction,
    insats_ids,
)
from tracker.store.caserows import RawCaseEvent, case_attributes
from tracker.store.eventlog import iter_events
from tracker.store.projections import cases_raw_events

# --- the format ----------------------------------------------------------------------------

# Internal column name -> (Swedish header, English alias), in the order of interfaces.md.
COLUMNS: dict[str, tuple[str, str]] = {
    "participant": ("deltagare", "participant"),
    "gender": ("kön", "gender"),
    "insats": ("insats", "insats"),
    "event": ("händelse", "event"),
    "date": ("datum", "date"),
    "level": ("nivå", "level"),
    "reason": ("orsak", "reason"),
    "referrer": ("part", "referrer"),
    "meeting": ("mötestyp", "meeting"),
    "exit_kind": ("avslutstyp", "exit_kind"),
    "handover": ("ordinarie_insats", "handover"),
    "months": ("månader", "months"),
    # A correction row: the event it replaces (``#Nr`` as the timeline shows it, or the date
    # of the event of this kind), and why; the rest of the row is the event as it should be.
    "corrects": ("rättar", "corrects"),
    "correction_reason": ("rättelseorsak", "correction_reason"),
}
REQUIRED_COLUMNS = ("participant", "event", "date")

# Event kind as written in the file (Swedish, or the English kind name) -> domain kind.
KIND_NAMES: dict[str, str] = {
    "ansökan": APPLICATION,
    "start": START,
    "ej_start": NON_START,
    "steg": STEP,
    "avslut": EXIT,
    "uppföljning": FOLLOW_UP,
    **{kind: kind for kind in CASE_KINDS},
}
SWEDISH_KIND = {kind: name for name, kind in list(KIND_NAMES.items())[:6]}

# Which columns carry facts for which kind; a value anywhere else is refused rather than
# silently dropped (it is most likely in the wrong column).
_FACT_COLUMNS: dict[str, frozenset[str]] = {
    APPLICATION: frozenset({"referrer"}),
    START: frozenset({"level"}),
    NON_START: frozenset({"reason"}),
    STEP: frozenset({"level", "meeting"}),
    EXIT: frozenset({"level", "reason", "exit_kind", "handover"}),
    FOLLOW_UP: frozenset({"level", "months", "reason"}),  # reason: why it was not made
}
_ALL_FACT_COLUMNS = frozenset().union(*_FACT_COLUMNS.values())

# A domain violation's field -> the file column holding that value.
_FIELD_COLUMN = {
    "level": "level",
    "referrer": "referrer",
    "reason": "reason",
    "destination": "reason",
    "meeting": "meeting",
    "exit_kind": "exit_kind",
    "handover": "handover",
    "months": "months",
    "date": "date",
    "correction_reason": "correction_reason",
    "kind": "event",
    "code": "participant",
    "insats": "insats",
    "gender": "gender",
}

_YES = frozenset({"ja", "yes", "j", "y", "true", "1"})
_NO = frozenset({"nej", "no", "n", "false", "0"})
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?: 00:00:00)?")  # XLSX date cells read as text
# Only cells that could hold a personnummer need the (slower, exact) detector: nine digits with
# at most one character between them, or anything outside ASCII (full-width digits and odd
# dashes become ASCII under the detector's NFKC normalisation).
_SUSPECT = re.compile(r"\d(?:\D?\d){8}|[^\x00-\x7f]")
_EVENT_NUMBER = re.compile(r"#?([0-9]{1,12})")
_DEFAULT_CORRECTION_REASON = "annat"
_SEQ_BASE = 10**15  # stand-in seqs for file rows, above any real seq, so rule breaks map back
_PROGRESS_EVERY = 500


def column_header(column: str, lang: str | None = None) -> str:
    """The header of ``column`` as the documentation shows it (Swedish, or English alias)."""
    swedish, english = COLUMNS[column]
    return english if (lang or get_language()) == "en" else swedish


def column_letter(position: int) -> str:
    """The spreadsheet's name for the column at ``position`` (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file: where (row as the spreadsheet shows it), and why."""

    row: int  # 1 is the header row
    column: str | None  # the header as written in the file, or the documented one
    value: str | None  # None when there is nothing to show or the cell must not be echoed
    violation: Violation
    refused: bool = False  # the cell looked like a personnummer: never shown

    def message(self, lang: str | None = None) -> str:
        reason = self._echoed_violation().message(lang)
        column = echo(self.column) if self.column is not None else None  # headers too
        if self.refused:
            return t("import.problem_refused", lang, row=self.row, column=column, reason=reason)
        if column is None:
            return t("import.problem_row", lang, row=self.row, reason=reason)
        if not self.value:
            return t("import.problem_cell", lang, row=self.row, column=column, reason=reason)
        return t(
            "import.problem_value",
            lang,
            row=self.row,
            column=column,
            value=echo(self.value),
            reason=reason,
        )

    def _echoed_violation(self) -> Violation:
        """The violation with any parameter taken from the cell cut like the cell itself."""
        cell = self.value or ""
        params = {
            name: echo(param) if isinstance(param, str) and param and param in cell else param
            for name, param in self.violation.params.items()
        }
        return Violation(self.violation.key, params, self.violation.field)


def echo(value: str) -> str:
    """A cell value as it may be shown back: control characters replaced, cut to ECHO_CHARS."""
    printable = "".join(char if char.isprintable() else "?" for char in value[: ECHO_CHARS + 1])
    return printable if len(printable) <= ECHO_CHARS else printable[: ECHO_CHARS - 1] + "…"


class ImportRejected(Exception):
    """The file has problems: nothing was written. Carries every problem found, in row order."""

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.row, p.column or ""))
        super().__init__(f"{len(self.problems)} problems")


@dataclass
class ImportSummary:
    """What an import wrote (or, with ``dry_run``, would write)."""

    rows: int = 0
    cases_created: int = 0
    events_by_kind: Counter[str] = field(default_factory=Counter)
    events_by_insats: Counter[str] = field(default_factory=Counter)
    corrections: int = 0  # correction rows written (or, dry, to be written)
    # What looked wrong without breaking a rule (imported anyway): (row, warning), row order.
    warnings: list[tuple[int, Violation]] = field(default_factory=list)
    already_present: int = 0  # rows equal to an event the case already has
    duplicates_in_file: int = 0  # rows repeating an earlier row of the file
    dry_run: bool = False

    @property
    def events_written(self) -> int:
        return sum(self.events_by_kind.values())


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportTable:
    """A sheet as text: the header cells and the data rows (row 2 onward, blank rows kept)."""

    header: list[str]
    rows: list[tuple[str, ...]]


# Bounds for a file from outside: a team's yearly import is a few thousand rows, the largest
# register we measure ~165,000 (docs/performance.md). Anything past these is refused with a
# message before it can take minutes or gigabytes.
MAX_IMPORT_BYTES = 100 * 1024 * 1024
MAX_IMPORT_ROWS = 500_000
MAX_IMPORT_COLUMNS = 50
# What the parts of an XLSX file may unpack to, together (a zip bomb is refused unopened).
MAX_XLSX_UNPACKED_BYTES = 1024 * 1024 * 1024
# An echoed cell value is cut to this many characters (a 10 MB cell prints one short line).
ECHO_CHARS = 40


def read_table(path: Path) -> ImportTable:
    """Read a CSV (UTF-8, with or without BOM; comma or semicolon) or the first XLSX sheet.

    Every cell is read as text so codes, dates and levels arrive exactly as written. Files over
    the size, row or column limits are refused with a message (ServiceError).
    """
    suffix = path.suffix.lower()
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise ServiceError(
            "import.too_large", path=str(path), limit=MAX_IMPORT_BYTES // (1024 * 1024)
        )
    if suffix in (".xlsx", ".xlsm"):
        frames: Iterable[pd.DataFrame] = [pd.DataFrame(_read_xlsx(path), dtype=object)]
    elif suffix in (".csv", ".txt"):
        frames = _read_csv(path)
    else:
        raise ServiceError("import.unsupported_format", path=str(path))
    # Column by column into one tuple per row: a file's cells repeat (the same code, date,
    # insats on many rows), so each distinct text is one string object shared by its cells.
    # A CSV arrives in chunks, each dropped once its texts are taken.
    columns: list[list[str]] = []
    known: list[dict[Any, str]] = []
    for chunk in frames:
        if not columns:
            columns = [[] for _ in chunk.columns]
            known = [{} for _ in chunk.columns]
        for position, name in enumerate(chunk.columns):
            _texts(chunk[name].tolist(), known[position], columns[position])
    if not columns or not columns[0]:
        raise ServiceError("import.empty_file", path=str(path))
    rows = list(zip(*columns, strict=True))
    del columns, known
    return ImportTable(list(rows[0]), rows[1:])


def _texts(cells: list[Any], known: dict[Any, str], texts: list[str]) -> None:
    for cell in cells:
        text = known.get(cell)
        if text is None:
            text = known[cell] = _text(cell)
        texts.append(text)


def _too_many(path: Path, what: str) -> ServiceError:
    limit = MAX_IMPORT_ROWS if what == "rows" else MAX_IMPORT_COLUMNS
    return ServiceError(f"import.too_many_{what}", path=str(path), limit=limit)


def _read_xlsx(path: Path) -> list[list[Any]]:
    """The first sheet's rows, streamed (openpyxl read-only, XML parsed by defusedxml), with
    the sheet's own claim of its size ignored and the row and column limits applied."""
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise ServiceError("import.unreadable_xlsx", path=str(path))
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # a file may claim A1:XFD1048576 for one cell
            rows: list[list[Any]] = []
            width = 0
            for row in sheet.iter_rows(values_only=True):
                cells = list(row)
                while cells and cells[-1] is None:
                    cells.pop()
                if len(cells) > MAX_IMPORT_COLUMNS:
                    raise _too_many(path, "columns")
                if len(rows) > MAX_IMPORT_ROWS:
                    raise _too_many(path, "rows")
                rows.append([_xlsx_value(cell) for cell in cells])
                width = max(width, len(cells))
        finally:
            workbook.close()
    except (ServiceError, FileNotFoundError):
        raise
    except Exception as error:
        # An XLSX file is a zip of XML parts: a damaged, renamed or hostile file (bad deflate
        # data, malformed or entity-laden XML, odd cell types) fails in many ways, all of which
        # mean the same to the user.
        raise ServiceError("import.unreadable_xlsx", path=str(path)) from error
    while rows and not any(rows[-1]):
        rows.pop()
    return [row + [""] * (width - len(row)) for row in rows]


def _xlsx_value(cell: Any) -> Any:
    # As pandas read them: whole numbers without ".0", empty cells empty.
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell


def _text(cell: Any) -> str:
    # NFC: Excel on a Mac may write "ö" as "o" plus a combining mark.
    return unicodedata.normalize("NFC", str(cell)).strip() if cell is not None else ""


# Rows per chunk of a CSV: pandas' frame of a chunk holds every cell as its own string, so a
# whole 250,000-row file read at once would cost more memory than the rest of the import.
_CSV_CHUNK_ROWS = 20_000


def _read_csv(path: Path) -> Iterator[pd.DataFrame]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError("import.not_utf8", path=str(path)) from error
    if not text.strip():
        raise ServiceError("import.empty_file", path=str(path))
    if text.count("\n") > MAX_IMPORT_ROWS + 1:
        raise _too_many(path, "rows")
    first_line = text.split("\n", 1)[0]
    if max(first_line.count(","), first_line.count(";")) >= MAX_IMPORT_COLUMNS:
        raise _too_many(path, "columns")
    del text  # checked: pandas reads the file itself, without a second copy in memory
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;").delimiter
    except csv.Error:
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return _csv_chunks(path, delimiter)


def _csv_chunks(path: Path, delimiter: str) -> Iterator[pd.DataFrame]:
    try:
        with pd.read_csv(
            path,
            encoding="utf-8-sig",
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            chunksize=_CSV_CHUNK_ROWS,
        ) as reader:
            yield from reader
    except pd.errors.EmptyDataError as error:  # only separators, quotes or blank lines
        raise ServiceError("import.empty_file", path=str(path)) from error
    except pd.errors.ParserError as error:
        match = re.search(r"line (\d+)", str(error))
        row = match.group(1) if match else "?"
        raise ServiceError("import.csv_malformed", path=str(path), row=row) from error


# --- parsing rows --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    number: int  # as the spreadsheet shows it
    code: str
    event: CaseEvent  # seq: a stand-in pointing back at this row
    gender: str | None
    insats: str | None
    corrects: tuple[str, Any] | None = None  # ("seq", n) or ("date", day): what it replaces
    correction_reason: str | None = None


class _Lookup:
    """Codes of one list by code, Swedish label or English label (case-insensitive)."""

    def __init__(self, code_list: CodeList) -> None:
        self.by_text: dict[str, str] = {}
        for entry in code_list.entries:
            for text in (entry.label_en, entry.label_sv):
                self.by_text.setdefault(_fold(text), entry.code)
        for entry in code_list.entries:  # codes win over labels
            self.by_text[_fold(entry.code)] = entry.code

    def __call__(self, text: str) -> str:
        # An unknown value passes through: the domain rules name it in their own message.
        return self.by_text.get(_fold(text), text)


@functools.lru_cache(maxsize=8192)  # a file repeats its dates: one object for each
def _date(text: str) -> date:
    return date.fromisoformat(text)


@functools.lru_cache(maxsize=8192)  # a file repeats its kinds, genders and codes row after row
def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


class _Parser:
    """Turns the table's rows into case events, collecting every problem on the way."""

    def __init__(
        self, table: ImportTable, session_lists: Lists, insats_names: Iterable[str]
    ) -> None:
        self.table = table
        self.problems: list[ImportProblem] = []
        self.ladder = session_lists.ladder
        lists = session_lists.code_lists
        self.lookups = {
            name: _Lookup(lists[name])
            for name in (
                "gender",
                "referrer",
                "meeting_type",
                "exit_destination",
                "exit_kind",
                "non_start_reason",
                "follow_up_missed_reason",
                "correction_reason",
            )
        }
        self.insatser = {_fold(name): name for name in insats_names}
        self.index: dict[str, int] = {}  # column -> position in the row
        self.headers: dict[str, str] = {}  # column -> header as written
        self.code_problems: dict[str, Violation | None] = {}
        self.codes: dict[str, str] = {}

    # headers

    def read_header(self) -> bool:
        aliases = {name: column for column, names in COLUMNS.items() for name in names}
        for position, header in enumerate(self.table.header):
            if not header:
                if any(position < len(row) and row[position] for row in self.table.rows):
                    self.add(
                        1, column_letter(position), None, Violation("import.header_missing", {})
                    )
                continue
            refused = check_free_text(header, "header")
            if refused is not None:
                self.problems.append(
                    ImportProblem(1, column_letter(position), None, refused, refused=True)
                )
                continue
            column = aliases.get(_fold(header))
            if column is None:
                allowed = ", ".join(names[0] for names in COLUMNS.values())
                self.add(1, header, None, Violation("import.unknown_header", {"allowed": allowed}))
            elif column in self.index:
                self.add(1, header, None, Violation("import.duplicate_header", {}))
            else:
                self.index[column] = position
                self.headers[column] = header
        for column in REQUIRED_COLUMNS:
            if column not in self.index:
                self.add(
                    1,
                    None,
                    None,
                    Violation("import.missing_column", {"column": self.header_of(column)}),
                )
        return not self.problems

    def header_of(self, column: str) -> str:
        return self.headers.get(column) or column_header(column)

    def add(self, row: int, column: str | None, value: str | None, violation: Violation) -> None:
        self.problems.append(ImportProblem(row, column, value, violation))

    # cells

    def refused_cells(self) -> set[tuple[int, int]]:
        """(row index, position) of every cell shaped like a personnummer, reported once each."""
        refused: set[tuple[int, int]] = set()
        width = max((len(row) for row in self.table.rows), default=0)
        for position in range(width):
            # Distinct texts first: a column repeats its values, the detector runs once each.
            texts = {row[position] for row in self.table.rows if position < len(row)}
            suspects = {
                text: violation
                for text in texts
                if _SUSPECT.search(text) and (violation := check_free_text(text, "cell"))
            }
            if not suspects:
                continue
            header = self.table.header[position] if position < len(self.table.header) else ""
            if check_free_text(header, "header") is not None:
                header = ""  # never name a column by a refused header
            for row_index, row in enumerate(self.table.rows):
                if position < len(row) and row[position] in suspects:
                    refused.add((row_index, position))
                    self.problems.append(
                        ImportProblem(
                            row_index + 2,
                            header or column_letter(position),
                            None,
                            suspects[row[position]],
                            True,
                        )
                    )
        return refused

    def rows(self) -> tuple[list[_Row], set[int]]:
        """The parsed rows, and the numbers of rows with a problem of their own."""
        refused = self.refused_cells()
        parsed: list[_Row] = []
        bad_rows: set[int] = {row for row, _ in refused}
        for row_index, cells in enumerate(self.table.rows):
            if not any(cells):
                continue  # a blank line between blocks of rows
            number = row_index + 2
            if row_index in bad_rows:
                continue
            before = len(self.problems)
            row = self._row(number, cells)
            if row is None or len(self.problems) > before:
                bad_rows.add(row_index)
            else:
                parsed.append(row)
        return parsed, {index + 2 for index in bad_rows}

    def cell(self, cells: Sequence[str], column: str) -> str:
        position = self.index.get(column)
        return cells[position] if position is not None and position < len(cells) else ""

    def _row(self, number: int, cells: Sequence[str]) -> _Row | None:
        # Every row is as long as the header (read_table), so each column's cell is there.
        value = dict(zip(self.index, map(cells.__getitem__, self.index.values()), strict=True))

        def problem(column: str, key: str, **params: object) -> None:
            self.add(number, self.header_of(column), value.get(column), Violation(key, params))

        for column in REQUIRED_COLUMNS:
            if not value[column]:
                problem(column, "import.value_required")

        # One string per participant, shared by all of its rows (a file has many rows each).
        code = normalize_code(value["participant"])
        code = self.codes.setdefault(code, code)
        if code:
            # A participant has many rows: check each code once.
            if code not in self.code_problems:
                self.code_problems[code] = code_problem(code)
            code_violation = self.code_problems[code]
            if code_violation is not None:
                self.add(number, self.header_of("participant"), code, code_violation)

        kind = KIND_NAMES.get(_fold(value["event"])) if value["event"] else None
        if value["event"] and kind is None:
            problem("event", "import.unknown_kind")

        on: date | None = None
        if value["date"]:
            match = _DATE.fullmatch(value["date"])
            try:
                on = _date(match.group(1)) if match else None
            except ValueError:
                on = None
            if on is None:
                problem("date", "import.bad_date")

        gender = None
        if value.get("gender"):
            gender = self.lookups["gender"](value["gender"])
            if gender not in self.lookups["gender"].by_text.values():
                problem("gender", "service.unknown_gender", gender=value["gender"])
        insats = None
        if value.get("insats"):
            insats = self.insatser.get(_fold(value["insats"]))
            if insats is None:
                problem("insats", "service.unknown_insats", insats=value["insats"])

        facts: dict[str, Any] = {}
        if kind is not None:
            for column in _ALL_FACT_COLUMNS & set(self.index):
                if value[column] and column not in _FACT_COLUMNS[kind]:
                    problem(column, "import.not_applicable", kind=SWEDISH_KIND[kind])
            facts = self._facts(kind, value, problem)

        corrects: tuple[str, Any] | None = None
        if value.get("corrects"):
            text = value["corrects"].strip()
            as_number = _EVENT_NUMBER.fullmatch(text)
            as_date = _DATE.fullmatch(text)
            if as_number:
                corrects = ("seq", int(as_number.group(1)))
            elif as_date:
                try:
                    corrects = ("date", date.fromisoformat(as_date.group(1)))
                except ValueError:
                    problem("corrects", "import.bad_corrects")
            else:
                problem("corrects", "import.bad_corrects")
        correction_reason = None
        if value.get("correction_reason"):
            correction_reason = self.lookups["correction_reason"](value["correction_reason"])
            if correction_reason not in self.lookups["correction_reason"].by_text.values():
                problem(
                    "correction_reason",
                    "service.unknown_correction_reason",
                    reason=value["correction_reason"],
                )
            if corrects is None:
                problem("correction_reason", "import.reason_without_corrects")

        if kind is None or on is None or not code:
            return None
        event = CaseEvent(kind, on, seq=_SEQ_BASE + number, **facts)
        return _Row(number, code, event, gender, insats, corrects, correction_reason)

    def _facts(
        self, kind: str, value: Mapping[str, str], problem: Callable[..., None]
    ) -> dict[str, Any]:
        facts: dict[str, Any] = {}
        if value.get("level") and "level" in _FACT_COLUMNS[kind]:
            level = _integer(value["level"])
            if level is None:
                problem("level", "import.bad_level")
            else:
                facts["level"] = level  # whether it is on the ladder: the domain rules say
        if kind == APPLICATION and value.get("referrer"):
            facts["referrer"] = self.lookups["referrer"](value["referrer"])
        if kind == NON_START and value.get("reason"):
            facts["reason"] = self.lookups["non_start_reason"](value["reason"])
        if kind == STEP and value.get("meeting"):
            facts["meeting"] = self.lookups["meeting_type"](value["meeting"])
        if kind == EXIT:
            if value.get("reason"):
                facts["destination"] = self.lookups["exit_destination"](value["reason"])
            if value.get("exit_kind"):
                facts["exit_kind"] = self.lookups["exit_kind"](value["exit_kind"])
            if value.get("handover"):
                answer = _fold(value["handover"])
                if answer in _YES:
                    facts["handover"] = True
                elif answer in _NO:
                    facts["handover"] = False
                else:
                    problem("handover", "import.bad_handover")
        if kind == FOLLOW_UP and value.get("reason"):
            facts["reason"] = self.lookups["follow_up_missed_reason"](value["reason"])
        if kind == FOLLOW_UP and value.get("months"):
            months = _integer(value["months"])
            if months is None:
                problem("months", "import.bad_months")
            else:
                facts["months"] = months
        return facts


def _integer(text: str) -> int | None:
    """A whole number as written, also "3.0" (how a spreadsheet may store the number 3)."""
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


# --- checking cases ------------------------------------------------------------------------


@dataclass
class _CasePlan:
    """One participant's new events (case order) and what the case needs to be opened."""

    code: str
    new: bool
    insats: str
    gender: str
    rows: list[_Row]
    # correction rows: (row, the seq it replaces, the changed fields)
    fixes: list[tuple[_Row, int, dict[str, Any]]] = field(default_factory=list)


def _plan_cases(
    parser: _Parser,
    rows: list[_Row],
    bad_rows: set[int],
    tx: Transaction,
    summary: ImportSummary,
) -> list[_CasePlan]:
    """Check each participant's rows against each other, the register and the case rules."""
    lists = tx.lists
    today = tx.session.today()
    by_code: dict[str, list[_Row]] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    # Participants with a broken row are not checked as cases: their case is incomplete, and
    # rule breaks that follow from the broken row would only confuse.
    broken_codes = {
        normalize_code(parser.cell(parser.table.rows[number - 2], "participant"))
        for number in bad_rows
    }
    # The register's events for every code of the file, in one statement.
    existing_by_code = cases_raw_events(
        tx.connection, (c for c in by_code if c not in broken_codes)
    )
    plans: list[_CasePlan] = []
    for code, code_rows in by_code.items():
        if code in broken_codes:
            continue
        raw = existing_by_code[code]
        fix_rows = [row for row in code_rows if row.corrects is not None]
        fixed = _plan_fixes(parser, code, fix_rows, raw, tx, summary)
        if fixed is None:
            continue
        candidate, fixes, after = fixed
        plain_rows = [row for row in code_rows if row.corrects is None]
        plan = _check_participant(parser, code, plain_rows, raw, tx, summary, after)
        if plan is None or not (plan.rows or fixes):
            continue
        plan.fixes = fixes
        # Each new row joins the episode it would join if staff typed it in case order: an
        # application after an exit opens the next one (a returning participant).
        placed = []
        for row in plan.rows:
            event = row.event
            episode = episode_for(candidate, event.kind, event.months)
            if episode != event.episode:  # copies only where it changes: memory per row
                event = event._replace(episode=episode)
                row = dataclasses.replace(row, event=event)
            for warning in case_warnings(candidate, event, ladder=lists.ladder):
                summary.warnings.append((row.number, warning))
            candidate.append(event)
            placed.append(row)
        plan.rows = placed
        violations = check_case(candidate, ladder=lists.ladder, lists=lists.code_lists, today=today)
        if violations:
            numbers = {row.event.seq: row for row in plan.rows}
            numbers.update({seq: row for row, seq, _changes in fixes})
            first_row = plan.rows[0] if plan.rows else fixes[0][0]
            for violation in violations:
                _report_rule(parser, violation, numbers, first_row)
            continue
        plans.append(plan)
    # Writing appends to the planned cases without reading them again.
    tx.preload_cases({plan.code: existing_by_code[plan.code] for plan in plans})
    return plans


def _plan_fixes(
    parser: _Parser,
    code: str,
    fix_rows: list[_Row],
    raw: list[RawCaseEvent],
    tx: Transaction,
    summary: ImportSummary,
) -> tuple[list[CaseEvent], list[tuple[_Row, int, dict[str, Any]]], dict[str, str]] | None:
    """The case's effective events with the file's corrections applied, the corrections to
    write, and the gender/insats they set; None when a correction row points at nothing."""
    events = effective_events(raw)
    attributes = case_attributes(raw) if raw else None
    after: dict[str, str] = {}
    if attributes is not None:
        after = {"gender": attributes.gender, "insats": tx.insats_names[attributes.insats_id]}
    fixes: list[tuple[_Row, int, dict[str, Any]]] = []
    ok = True
    for row in fix_rows:
        target = _correction_target(parser, code, row, events)
        if target is None:
            ok = False
            continue
        corrected = row.event._replace(seq=target.seq, episode=target.episode)
        changes = {
            name: getattr(corrected, name)
            for name in _FACT_FIELDS
            if name != "kind" and getattr(corrected, name) != getattr(target, name)
        }
        for name in ("gender", "insats"):
            value = getattr(row, name)
            if value is not None and value != after.get(name):
                changes[name] = after[name] = value
        if not changes:
            summary.already_present += 1
            continue
        events = [corrected if e.seq == target.seq else e for e in events]
        fixes.append((row, target.seq, changes))  # type: ignore[arg-type]
    return (events, fixes, after) if ok else None


def _correction_target(
    parser: _Parser, code: str, row: _Row, events: list[CaseEvent]
) -> CaseEvent | None:
    """The register's event a correction row replaces (by number, or by kind and date)."""
    how, what = row.corrects  # type: ignore[misc]
    if how == "seq":
        found = [e for e in events if e.seq == what]
    else:
        found = [e for e in events if e.kind == row.event.kind and e.date == what]
    header = parser.header_of("corrects")
    cell = parser.cell(parser.table.rows[row.number - 2], "corrects")
    if len(found) != 1:
        key = "import.corrects_ambiguous" if found else "import.corrects_nothing"
        parser.add(row.number, header, cell, Violation(key, {"code": code}))
        return None
    if found[0].kind != row.event.kind:
        kind = SWEDISH_KIND[found[0].kind]
        parser.add(
            row.number, header, cell, Violation("import.corrects_other_kind", {"kind": kind})
        )
        return None
    return found[0]


def _check_participant(
    parser: _Parser,
    code: str,
    code_rows: list[_Row],
    raw: list[RawCaseEvent],
    tx: Transaction,
    summary: ImportSummary,
    corrected: Mapping[str, str] | None = None,
) -> _CasePlan | None:
    """Agreement on gender and insats, and which rows are new; None when something disagrees.

    ``corrected``: the gender and insats after the file's corrections (they win).
    """
    attributes = case_attributes(raw) if raw else None
    known: dict[str, str | None] = {"gender": None, "insats": None}
    if attributes is not None:
        known = {"gender": attributes.gender, "insats": tx.insats_names[attributes.insats_id]}
    known.update(corrected or {})
    ok = True
    for column in ("gender", "insats"):
        first_row: _Row | None = None
        for row in code_rows:
            value = getattr(row, column)
            if value is None:
                continue
            if known[column] is None:
                known[column], first_row = value, row
            elif value != known[column]:
                ok = False
                if attributes is not None and first_row is None:
                    key, params = "import.differs_from_register", {"existing": known[column]}
                else:
                    key = "import.rows_disagree"
                    params = {"first": first_row.number if first_row else 0}
                parser.add(
                    row.number,
                    parser.header_of(column),
                    parser.cell(parser.table.rows[row.number - 2], column),
                    Violation(key, {"code": code, **params}),
                )
        if known[column] is None:
            ok = False
            parser.add(
                code_rows[0].number,
                parser.header_of(column),
                None,
                Violation("import.attribute_missing", {"code": code}),
            )
    if not ok:
        return None
    existing = {_facts(event) for event in effective_events(raw)}
    seen: set[tuple[Any, ...]] = set()
    new_rows: list[_Row] = []
    for row in code_rows:
        facts = _facts(row.event)
        if facts in existing:
            summary.already_present += 1
        elif facts in seen:
            summary.duplicates_in_file += 1
        else:
            seen.add(facts)
            new_rows.append(row)
    new_rows.sort(key=_row_order)
    return _CasePlan(code, not raw, known["insats"] or "", known["gender"] or "", new_rows)


# The episode is where a row lands, not what it says: a row repeating an event of episode 2
# is the same event.
_FACT_FIELDS = tuple(name for name in CaseEvent._fields if name not in ("seq", "episode"))


_fact_values = operator.attrgetter(*_FACT_FIELDS)


def _facts(event: CaseEvent) -> tuple[Any, ...]:
    """What makes two events the same: everything but the seq."""
    return _fact_values(event)  # type: ignore[no-any-return]


def _row_order(row: _Row) -> tuple[date, int, int]:
    return (row.event.date, CASE_KINDS.index(row.event.kind), row.number)


def _report_rule(
    parser: _Parser, violation: Violation, rows: Mapping[Any, _Row], fallback: _Row
) -> None:
    """A broken case rule, pointed at the file row it is about (or the participant's first)."""
    row = rows.get(violation.params.get("seq"), fallback)
    params = {k: v for k, v in violation.params.items() if k != "seq"}
    column = _FIELD_COLUMN.get(violation.field or "")
    header = parser.header_of(column) if column else None
    value = parser.cell(parser.table.rows[row.number - 2], column) if column else None
    parser.add(row.number, header, value, Violation(violation.key, params, violation.field))


# --- the use case --------------------------------------------------------------------------


def import_file(
    session: Session,
    path: Path,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Validate ``path`` completely, then write its events (unless ``dry_run``).

    Raises ImportRejected listing every problem (nothing written), or ServiceError when the
    file cannot be read at all or the user may not import.
    """
    try:
        session.require_writer()
    except PermissionDenied as error:
        raise PermissionDenied(
            "import.role_refused", user=session.actor.user, role=t(f"role.{session.actor.role}")
        ) from error
    table = read_table(path)
    summary = ImportSummary(rows=sum(1 for row in table.rows if any(row)), dry_run=dry_run)
    with session.batch() as tx:
        parser = _Parser(table, tx.lists, insats_ids(tx.connection))
        if not parser.read_header():
            raise ImportRejected(parser.problems)
        rows, bad_rows = parser.rows()
        plans = _plan_cases(parser, rows, bad_rows, tx, summary)
        if parser.problems:
            raise ImportRejected(parser.problems)
        # Nothing is reported from here on: the file's cells and parsed rows can go.
        del rows
        table.rows.clear()
        for plan in plans:
            summary.cases_created += plan.new
            summary.corrections += len(plan.fixes)
            for row in plan.rows:
                summary.events_by_kind[row.event.kind] += 1
                summary.events_by_insats[plan.insats] += 1
        if dry_run:
            return summary
        _write(session, plans, summary.events_written, progress)
    return summary


def _write(
    session: Session,
    plans: list[_CasePlan],
    total: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Each planned case's new events, inside the caller's batch.

    The plan has checked each participant's complete case, so the events go in through
    ``cases.append_checked`` (the use cases' payloads, without checking each event again); the
    batch writes them in chunks, and each plan is dropped once written.
    """
    done = 0
    if progress:
        progress(0, total)
    plans.reverse()  # popped from the end: written in plan order, each forgotten after
    with session.transaction() as tx:
        while plans:
            plan = plans.pop()
            opening = (plan.insats, plan.gender) if plan.new else None
            try:
                for row, seq, changes in plan.fixes:
                    # Before the new rows: each correction is checked on the case as it stands.
                    cases.correct(
                        session,
                        code=plan.code,
                        seq=seq,
                        reason=row.correction_reason or _DEFAULT_CORRECTION_REASON,
                        changes=changes,
                    )
                cases.append_checked(
                    tx, plan.code, (row.event for row in plan.rows), opening=opening
                )
            except (RuleError, ServiceError) as error:
                # Validation above makes this unreachable; if it happens, name the case's row.
                violations = (
                    error.violations
                    if isinstance(error, RuleError)
                    else [Violation(error.key, error.params)]
                )
                first = plan.rows[0] if plan.rows else plan.fixes[0][0]
                raise ImportRejected(
                    ImportProblem(first.number, None, None, v) for v in violations
                ) from error
            before, done = done, done + len(plan.rows)
            if progress and (done // _PROGRESS_EVERY > before // _PROGRESS_EVERY or done == total):
                progress(done, total)


# --- export --------------------------------------------------------------------------------


def export_rows(session: Session) -> list[dict[str, str]]:
    """Every case's effective events as import rows (Swedish headers, codes), case by case."""
    by_case: dict[str, list[RawCaseEvent]] = {}
    with session.read() as connection:
        names = {insats_id: name for name, insats_id in insats_ids(connection).items()}
        for event in iter_events(connection):
            if event.case_code is not None:
                by_case.setdefault(event.case_code, []).append(
                    (event.seq, event.kind, event.payload or {})
                )
    rows: list[dict[str, str]] = []
    for code in sorted(by_case):
        raw = by_case[code]
        attributes = case_attributes(raw)
        if attributes is None:
            continue
        for event in effective_events(raw):
            rows.append(_export_row(code, names[attributes.insats_id], attributes.gender, event))
    return rows


def _export_row(code: str, insats: str, gender: str, event: CaseEvent) -> dict[str, str]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    handover = "" if event.handover is None else ("ja" if event.handover else "nej")
    return {
        "deltagare": code,
        "kön": gender,
        "insats": insats,
        "händelse": SWEDISH_KIND[event.kind],
        "datum": event.date.isoformat(),
        "nivå": text(event.level),
        "orsak": text(event.reason if event.kind in (NON_START, FOLLOW_UP) else event.destination),
        "part": text(event.referrer),
        "mötestyp": text(event.meeting),
        "avslutstyp": text(event.exit_kind),
        "ordinarie_insats": handover,
        "månader": text(event.months),
    }


def export_events_csv(session: Session, target: Path | TextIO) -> int:
    """Write the register's effective case events in the import format; returns the rows.

    Importing the file into a register with the same insatser rebuilds the same cases.
    """
    rows = export_rows(session)
    fieldnames = [names[0] for names in COLUMNS.values()]
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="") as stream:
            _write_csv(stream, fieldnames, rows)
    else:
        _write_csv(target, fieldnames, rows)
    return len(rows)


def _write_csv(stream: TextIO, fieldnames: list[str], rows: list[dict[str, str]]) -> None:
    writer = csv.DictWriter(stream, fieldnames=fieldnames)
    writer.writeheader()
    writer.writerows(rows)


__all__ = [
    "COLUMNS",
    "ImportProblem",
    "ImportRejected",
    "ImportSummary",
    "ImportTable",
    "column_header",
    "export_events_csv",
    "export_rows",
    "import_file",
    "read_table",
]
