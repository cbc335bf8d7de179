"""Projections: current state derived from the events, written in the same transaction.

Every projection can be rebuilt from the event log alone (``rebuild``); ``audit verify``
compares the stored projections with a fresh rebuild.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, text, update

from tracker.domain.case import CaseSummary
from tracker.domain.goals import GOALS_SET
from tracker.store.caserows import (
    CASE_COLUMNS,
    CASE_EVENT_KINDS,
    CaseRowValues,
    RawCaseEvent,
    case_row,
    case_rows,
    gather,
)
from tracker.store.engine import driver_change, driver_rows, schema_prefix
from tracker.store.eventlog import (
    ChainRow,
    Event,
    KeptEvents,
    event_row,
    iter_events,
    row_event,
)
from tracker.store.payload import parse_payload
from tracker.store.schema import PROJECTION_TABLES, cases, code_lists, goals, insatser

# System event kinds (case event kinds come from the domain).
REGISTER_CREATED = "register_created"
INSATS_ADDED = "insats_added"
INSATS_RENAMED = "insats_renamed"  # {"id": 2, "name": "new", "previous": "old"}
INSATS_CLOSED = "insats_closed"  # {"id": 2, "on": "2026-12-31"}
CODE_LIST_SET = "code_list_set"

_CASE_EVENTS = "SELECT seq, kind, payload FROM {schema}events WHERE case_code = ? ORDER BY seq"


def case_raw_events(connection: Connection, code: str) -> list[RawCaseEvent]:
    """One case's events (seq, kind, payload) in seq order, corrections included."""
    rows = driver_rows(connection, _CASE_EVENTS, (code,))
    return [(seq, kind, parse_payload(payload or "{}")) for seq, kind, payload in rows]


_CASES_EVENTS = text(
    "SELECT case_code, seq, kind, payload FROM events"
    " WHERE case_code IN (SELECT value FROM json_each(:codes)) ORDER BY case_code, seq"
)


def cases_raw_events(connection: Connection, codes: Iterable[str]) -> dict[str, list[RawCaseEvent]]:
    """Many cases' events in one statement (the codes travel as one JSON array): every code
    asked for is a key, with an empty list when the register has no event for it."""
    wanted = list(dict.fromkeys(codes))
    found: dict[str, list[RawCaseEvent]] = {code: [] for code in wanted}
    if wanted:
        rows = connection.execute(_CASES_EVENTS, {"codes": json.dumps(wanted)})
        for code, seq, kind, payload in rows:
            found[code].append((seq, kind, parse_payload(payload or "{}")))
    return found


# Plain driver statements for the bulk writes: SQLAlchemy's executemany processes every row's
# parameters in Python, which cost more than the rows themselves (a rebuild writes 20,000).
_DELETE_CASE = "DELETE FROM {schema}cases WHERE code = ?"
_INSERT_CASE = (
    f"INSERT INTO {{schema}}cases ({', '.join(CASE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(CASE_COLUMNS))})"
)


# A case keeps its row, changed in place, while its insats stays the same (every save but a
# correction of the insats): deleting and inserting it would also move its entries in the code
# and insats indexes, more pages written and synced per save.
_KEPT_CASE_COLUMNS = ("code", "insats_id")
_UPDATE_CASE = (
    "UPDATE {schema}cases SET "
    + ", ".join(f"{column} = ?" for column in CASE_COLUMNS if column not in _KEPT_CASE_COLUMNS)
    + " WHERE code = ? AND insats_id = ?"
)
_UPDATE_VALUES = tuple(
    index for index, column in enumerate(CASE_COLUMNS) if column not in _KEPT_CASE_COLUMNS
)
_INSATS_ID = CASE_COLUMNS.index("insats_id")


def refresh_case(
    connection: Connection,
    code: str,
    today: date,
    raw: list[RawCaseEvent] | None = None,
    summary: CaseSummary | None = None,
) -> None:
    """Recompute one case's row from its events (``raw``, when the caller already has them;
    ``summary``, when the caller has also summarised them, as summarize_case would)."""
    if raw is None:
        raw = case_raw_events(connection, code)
    row = case_row(code, raw, today, summary)
    if row is not None:
        values = [row[index] for index in _UPDATE_VALUES]
        if driver_change(connection, _UPDATE_CASE, (*values, code, row[_INSATS_ID])) == 1:
            return
    _replace_rows(connection, [code], [row] if row is not None else [])


def refresh_cases(
    connection: Connection,
    raw_by_code: Mapping[str, list[RawCaseEvent]],
    today: date,
    *,
    replace: bool = True,
) -> None:
    """Recompute many cases' rows at once (two bulk statements): for batches of writes.
    ``replace=False`` when the cases have no row yet (a rebuild, after emptying the table)."""
    if not raw_by_code:
        return
    rows = [case_row(code, raw, today) for code, raw in raw_by_code.items()]
    _replace_rows(
        connection, list(raw_by_code) if replace else [], [row for row in rows if row is not None]
    )


def _replace_rows(connection: Connection, codes: list[str], rows: list[CaseRowValues]) -> None:
    """Delete the rows of ``codes``, then insert ``rows``."""
    schema = schema_prefix(connection)
    if codes:
        connection.exec_driver_sql(_DELETE_CASE.format(schema=schema), [(code,) for code in codes])
    if rows:
        connection.exec_driver_sql(_INSERT_CASE.format(schema=schema), rows)


def apply(
    connection: Connection,
    event: Event,
    today: date,
    case_raw: list[RawCaseEvent] | None = None,
    case_summary: CaseSummary | None = None,
) -> None:
    """Update the projections for one newly appended event.

    ``case_raw``: the case's events including this one, when the caller keeps them at hand;
    ``case_summary``: their summary (summarize_case of their effective events), when the
    caller has derived it already.
    """
    payload = event.payload or {}
    if event.kind == INSATS_ADDED:
        connection.execute(
            insatser.insert().values(id=payload["id"], name=payload["name"], added_seq=event.seq)
        )
    elif event.kind == INSATS_RENAMED:
        connection.execute(
            update(insatser).where(insatser.c.id == payload["id"]).values(name=payload["name"])
        )
    elif event.kind == INSATS_CLOSED:
        connection.execute(
            update(insatser)
            .where(insatser.c.id == payload["id"])
            .values(closed_on=payload["on"], closed_seq=event.seq)
        )
    elif event.kind == CODE_LIST_SET:
        connection.execute(delete(code_lists).where(code_lists.c.name == payload["name"]))
        connection.execute(
            code_lists.insert().values(
                name=payload["name"],
                version=payload["version"],
                content=json.dumps(payload["content"], ensure_ascii=False, sort_keys=True),
                set_seq=event.seq,
            )
        )
    elif event.kind == GOALS_SET:
        connection.execute(
            delete(goals).where(
                (goals.c.insats_id == payload["insats"]) & (goals.c.metric == payload["metric"])
            )
        )
        connection.execute(
            goals.insert().values(
                insats_id=payload["insats"],
                metric=payload["metric"],
                target=payload["target"],
                set_seq=event.seq,
            )
        )
    elif event.kind in CASE_EVENT_KINDS and event.case_code:
        refresh_case(connection, event.case_code, today, case_raw, case_summary)


class Replay:
    """The projections rebuilt from the log: fed every event in seq order (``add``, or
    ``add_all`` with the rows ``eventlog.verify_chain`` keeps), then ``write`` throws the
    stored projections away and writes the rebuilt ones, or ``drifted`` compares them with the
    stored ones. Each case is projected once, from its events gathered on the way."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.case_events: dict[str, list[RawCaseEvent]] = {}
        self.system_events: list[Event] = []

    def add(self, row: ChainRow, payload: dict[str, Any] | None) -> None:
        self.add_all([(row, payload)])

    def add_all(self, kept: KeptEvents) -> None:
        """``add`` for every row the chain walk kept."""
        for row, payload in gather(kept, self.case_events):
            self.system_events.append(row_event(row, payload))

    def write(self, connection: Connection) -> None:
        """Replace the stored projections with the rebuilt ones (all cases' rows in two
        statements)."""
        self._write_system_tables(connection)
        cases_by_code = dict(sorted(self.case_events.items()))
        refresh_cases(connection, cases_by_code, self.today, replace=False)

    def drifted(self, connection: Connection) -> list[str]:
        """The projection tables whose stored rows differ from the rebuilt ones. Leaves the
        projections emptied and partly rebuilt: for a transaction that is rolled back.

        The cases table, tens of thousands of rows, is compared in memory. Rows equal in
        Python are equal as SQLite would store them; when they differ, the rebuilt rows are
        written and read back, so that a value SQLite converts on the way in (a level given as
        "3" in an integer column) is not taken for drift."""
        stored = snapshot(connection)
        rebuilt_cases = case_rows(self.case_events, self.today)
        self._write_system_tables(connection)
        rebuilt = snapshot(connection)
        if rebuilt_cases != stored[cases.name]:
            _replace_rows(connection, [], rebuilt_cases)
            rebuilt = snapshot(connection)
        else:
            rebuilt[cases.name] = rebuilt_cases
        return [name for name in stored if stored[name] != rebuilt[name]]

    def _write_system_tables(self, connection: Connection) -> None:
        """Empty every projection table, then replay the events that are not a case's."""
        for table in PROJECTION_TABLES:
            connection.execute(delete(table))
        for event in self.system_events:
            apply(connection, event, self.today)


def rebuild(connection: Connection, today: date) -> None:
    """Throw the projections away and replay every event."""
    replay = Replay(today)
    for event in iter_events(connection):
        replay.add(event_row(event), event.payload)
    replay.write(connection)


def snapshot(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table's rows in primary-key order, for comparing stored state with a
    rebuild (read through the driver: the cases table holds a row per participant)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in PROJECTION_TABLES:
        columns = ", ".join(column.name for column in table.columns)
        order = ", ".join(column.name for column in table.primary_key)
        found[table.name] = driver_rows(
            connection, f"SELECT {columns} FROM {{schema}}{table.name} ORDER BY {order}"
        )
    return found
