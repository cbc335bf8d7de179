"""One read of the event log as of a sequence number, turned into per-case facts.

Everything a report needs is a function of the events with ``seq <= as_of``: the cases (after
corrections and retractions), the insatser, the code lists and the goals in force at that
point. So a figure computed today from a bundle's audit head is the figure it had then.

The event table is read once. SQLite's JSON operators pull the few payload fields statistics
need, so only corrections, retractions and system events have their whole payload parsed in
Python; cases touched by a correction or retraction go through the domain's
``effective_events`` exactly as the case view does, the rest are taken as written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, text

from tracker.domain.case import (
    APPLICATION,
    CASE_KINDS,
    CORRECTION,
    EXIT,
    FOLLOW_UP,
    NON_START,
    RETRACTION,
    START,
    STEP,
    effective_events,
)
from tracker.domain.codelists import CodeList
from tracker.domain.goals import GOALS_SET
from tracker.services.session import LADDER_LIST, ServiceError
from tracker.store.projections import CODE_LIST_SET, INSATS_ADDED, case_attributes

# Payload fields read by SQLite (->> gives SQL values: text, integer, 1/0 for true/false).
_FIELDS = ("date", "level", "reason", "destination", "exit_kind", "handover", "months")
_ATTRIBUTES = ("insats", "gender")

_READ = text(
    "SELECT seq, kind, case_code, "
    + ", ".join(f"payload ->> '$.{name}' AS {name}" for name in (*_FIELDS, *_ATTRIBUTES))
    + ", CASE WHEN case_code IS NULL OR kind IN (:correction, :retraction) "
    "THEN payload END AS payload "
    "FROM events WHERE seq <= :as_of ORDER BY seq"
)
_COLUMNS = ("seq", "kind", "case_code", *_FIELDS, *_ATTRIBUTES, "payload")
_HEAD = text("SELECT seq, chain_hash FROM events WHERE seq <= :as_of ORDER BY seq DESC LIMIT 1")
_LAST_SEQ = text("SELECT max(seq) FROM events")

KIND_ORDER = {kind: index for index, kind in enumerate(CASE_KINDS)}


@dataclass
class StatsFacts:
    """The register as of ``as_of``: one row per case, plus what reports name and compare.

    ``cases`` (index: participant code) has ``insats`` (id), ``gender`` and, per case kind,
    dates and fields: ``application``, ``start``/``start_level``, ``non_start``/``reason``,
    ``exit``/``exit_level``/``destination``/``exit_kind``/``handover``, ``due_6m``/``due_18m``
    (exit + 6/18 calendar months), ``followup_6m``/``followup_6m_level`` and the same for 18.
    ``levels`` holds every dated ladder level (start, step, exit) in case order.
    """

    as_of: int
    head_hash: str
    cases: pd.DataFrame
    levels: pd.DataFrame
    insatser: dict[int, str]  # id -> name, as of as_of
    code_lists: dict[str, CodeList]
    goals: dict[tuple[int, str], float] = field(default_factory=dict)  # set goals only

    def insats_ids(self, names: list[str] | tuple[str, ...] | None) -> list[int]:
        """Ids of the named insatser (all when None); NotFound-style error for an unknown one."""
        by_name = {name: insats_id for insats_id, name in self.insatser.items()}
        if names is None:
            return sorted(self.insatser)
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise ServiceError("service.unknown_insats", insats=unknown[0])
        return sorted({by_name[name] for name in names})


def head_seq(connection: Connection) -> int:
    """The newest sequence number (0 for an empty log)."""
    return connection.execute(_LAST_SEQ).scalar() or 0


def read_facts(connection: Connection, as_of: int | None = None) -> StatsFacts:
    """Read the events with ``seq <= as_of`` (default: all) and build the per-case facts."""
    last = head_seq(connection)
    if as_of is None:
        as_of = last
    if not 0 <= as_of <= last:
        raise ServiceError("stats.as_of_out_of_range", seq=as_of, head=last)
    rows = connection.execute(
        _READ, {"as_of": as_of, "correction": CORRECTION, "retraction": RETRACTION}
    ).all()
    head_row = connection.execute(_HEAD, {"as_of": as_of}).first()
    frame = pd.DataFrame.from_records(rows, columns=list(_COLUMNS))
    return build_facts(frame, as_of, head_row.chain_hash if head_row else "0" * 64)


def build_facts(frame: pd.DataFrame, as_of: int, head_hash: str) -> StatsFacts:
    """Pure part of ``read_facts``: from the rows of the one query to the facts."""
    system = frame[frame["case_code"].isna()]
    insatser, code_lists, goals = _system_state(system)

    case_rows = frame[frame["case_code"].notna()]
    touched = case_rows["kind"].isin((CORRECTION, RETRACTION))
    touched_codes = set(case_rows.loc[touched, "case_code"])
    in_touched = case_rows["case_code"].isin(touched_codes)
    plain = case_rows[~in_touched & case_rows["kind"].isin(CASE_KINDS)]

    # Insats and gender: the latest values given on the case's events (case_attributes).
    attributes = plain.groupby("case_code")[list(_ATTRIBUTES)].last()
    events = plain[["case_code", "seq", "kind", *_FIELDS]]
    if touched_codes:
        fixed_events, fixed_attributes = _apply_corrections(case_rows[in_touched])
        events = pd.concat([events, fixed_events], ignore_index=True)
        attributes = pd.concat([attributes, fixed_attributes])
    events = events[events["date"].notna()].copy()
    events["date"] = pd.to_datetime(events["date"], format="%Y-%m-%d")
    events["kind_order"] = events["kind"].map(KIND_ORDER)
    events = events.sort_values(["case_code", "date", "kind_order", "seq"], kind="stable")

    cases = _case_table(events, attributes)
    levels = events.loc[
        events["kind"].isin((START, STEP, EXIT)) & events["level"].notna(),
        ["case_code", "date", "kind_order", "seq", "level"],
    ]
    levels = levels[levels["case_code"].isin(cases.index)].reset_index(drop=True)
    return StatsFacts(as_of, head_hash, cases, levels, insatser, code_lists, goals)


def _system_state(
    system: pd.DataFrame,
) -> tuple[dict[int, str], dict[str, CodeList], dict[tuple[int, str], float]]:
    insatser: dict[int, str] = {}
    code_lists: dict[str, CodeList] = {}
    goals: dict[tuple[int, str], float] = {}
    for kind, payload_text in zip(system["kind"], system["payload"], strict=True):
        if payload_text is None or kind not in (INSATS_ADDED, CODE_LIST_SET, GOALS_SET):
            continue
        payload = json.loads(payload_text)
        if kind == INSATS_ADDED:
            insatser[int(payload["id"])] = payload["name"]
        elif kind == CODE_LIST_SET and payload["name"] != LADDER_LIST:
            code_lists[payload["name"]] = CodeList.from_dict(payload["content"])
        elif kind == GOALS_SET:
            goals[(int(payload["insats"]), payload["metric"])] = float(payload["target"])
    return insatser, code_lists, goals


def _apply_corrections(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Effective events and attributes of cases with corrections or retractions (the domain's
    rules, applied case by case: these are few)."""
    raw_by_case: dict[str, list[tuple[int, str, Mapping[str, Any]]]] = {}
    for row in rows.itertuples(index=False):
        if row.kind in (CORRECTION, RETRACTION):
            if row.payload is None:  # erased by retention: nothing left to apply
                continue
            payload: Mapping[str, Any] = json.loads(row.payload)
        else:
            payload = {
                name: value
                for name in (*_FIELDS, *_ATTRIBUTES)
                if (value := getattr(row, name)) is not None and value == value  # not NaN
            }
        raw_by_case.setdefault(row.case_code, []).append((int(row.seq), row.kind, payload))

    event_rows: list[dict[str, Any]] = []
    attribute_rows: dict[str, dict[str, Any]] = {}
    for code, raw in raw_by_case.items():
        attributes = case_attributes(raw)
        attribute_rows[code] = {
            "insats": attributes.insats_id if attributes else None,
            "gender": attributes.gender if attributes else None,
        }
        dated = [item for item in raw if item[1] not in CASE_KINDS or "date" in item[2]]
        for event in effective_events(dated):
            event_rows.append(
                {
                    "case_code": code,
                    "seq": event.seq,
                    "kind": event.kind,
                    "date": event.date.isoformat(),
                    "level": event.level,
                    "reason": event.reason,
                    "destination": event.destination,
                    "exit_kind": event.exit_kind,
                    "handover": None if event.handover is None else int(event.handover),
                    "months": event.months,
                }
            )
    events = pd.DataFrame(event_rows, columns=["case_code", "seq", "kind", *_FIELDS])
    attributes_frame = pd.DataFrame.from_dict(
        attribute_rows, orient="index", columns=list(_ATTRIBUTES)
    )
    attributes_frame.index.name = "case_code"
    return events, attributes_frame


def _first_of(events: pd.DataFrame, kind: str, columns: Mapping[str, str]) -> pd.DataFrame:
    # A valid case has at most one of each; the first in case order is the one that counts.
    chosen = events[events["kind"] == kind].drop_duplicates("case_code")
    return chosen.set_index("case_code")[list(columns)].rename(columns=columns)


def _case_table(events: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    parts = [
        _first_of(events, APPLICATION, {"date": "application"}),
        _first_of(events, START, {"date": "start", "level": "start_level"}),
        _first_of(events, NON_START, {"date": "non_start", "reason": "reason"}),
        _first_of(
            events,
            EXIT,
            {
                "date": "exit",
                "level": "exit_level",
                "destination": "destination",
                "exit_kind": "exit_kind",
                "handover": "handover",
            },
        ),
    ]
    follow_ups = events[events["kind"] == FOLLOW_UP]
    for months in (6, 18):
        parts.append(
            _first_of(
                follow_ups[follow_ups["months"] == months],
                FOLLOW_UP,
                {"date": f"followup_{months}m", "level": f"followup_{months}m_level"},
            )
        )
    cases = attributes.join(parts, how="left")
    # A case whose every event was retracted has no interval and counts nowhere.
    cases = cases[cases["application"].notna() | cases["start"].notna()]
    cases = cases[cases["insats"].notna() & cases["gender"].notna()].copy()
    cases["insats"] = cases["insats"].astype(np.int64)
    for column in ("start_level", "exit_level", "followup_6m_level", "followup_18m_level"):
        # Plain floats: NaN (missing) compares False, which is what every rule wants.
        cases[column] = pd.to_numeric(cases[column]).astype(float)
    cases["handover"] = pd.to_numeric(cases["handover"]).astype(float)
    for months in (6, 18):
        # Calendar months, clipped to the month's end like tracker.domain.dates.add_months.
        cases[f"due_{months}m"] = cases["exit"] + pd.DateOffset(months=months)
    return cases
