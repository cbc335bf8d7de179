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

# Payload fields read by SQLite (->> gives SQL values: text, integer, 1/0 for true/false),
# each only for the kinds that carry it: most events are steps, which need date and level.
_FIELDS = ("date", "level", "reason", "destination", "exit_kind", "handover", "months")
_ATTRIBUTES = ("insats", "gender")
_KINDS_WITH: dict[str, tuple[str, ...]] = {
    "date": CASE_KINDS,
    "level": (START, STEP, EXIT, FOLLOW_UP),
    "reason": (NON_START,),
    "destination": (EXIT,),
    "exit_kind": (EXIT,),
    "handover": (EXIT,),
    "months": (FOLLOW_UP,),
    "insats": (APPLICATION, START),  # the opening event
    "gender": (APPLICATION, START),
}


def _extract(name: str) -> str:
    kinds = ", ".join(f"'{kind}'" for kind in _KINDS_WITH[name])
    return f"CASE WHEN kind IN ({kinds}) THEN payload ->> '$.{name}' END AS {name}"


_READ = text(
    "SELECT seq, kind, case_code, "
    + ", ".join(_extract(name) for name in (*_FIELDS, *_ATTRIBUTES))
    + f", CASE WHEN case_code IS NULL OR kind IN ('{CORRECTION}', '{RETRACTION}') "
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
    # The driver's own cursor: plain tuples, without a Row object per event (3x faster here).
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(_READ.text, {"as_of": as_of})
        rows = cursor.fetchall()
    finally:
        cursor.close()
    head_row = connection.execute(_HEAD, {"as_of": as_of}).first()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in _COLUMNS]
    frame = pd.DataFrame(
        {
            name: pd.Series(values, dtype=object)
            for name, values in zip(_COLUMNS, columns, strict=True)
        }
    )
    return build_facts(frame, as_of, head_row.chain_hash if head_row else "0" * 64)


def build_facts(frame: pd.DataFrame, as_of: int, head_hash: str) -> StatsFacts:
    """Pure part of ``read_facts``: from the rows of the one query to the facts."""
    is_case = frame["case_code"].notna().to_numpy()
    insatser, code_lists, goals = _system_state(frame[~is_case])

    # Integer case ids from here on: sorting and matching ints is much faster than strings.
    case_ids, case_codes = pd.factorize(frame["case_code"])
    kind = frame["kind"].to_numpy(dtype=object)
    kind_order = frame["kind"].map(KIND_ORDER).to_numpy(dtype=float)
    is_fix = (kind == CORRECTION) | (kind == RETRACTION)
    touched = np.isin(case_ids, np.unique(case_ids[is_fix & is_case]))
    plain = is_case & ~touched & ~np.isnan(kind_order)

    events = pd.DataFrame(
        {
            "case_id": case_ids[plain],
            "seq": frame["seq"].to_numpy()[plain].astype(np.int64),
            "kind_order": kind_order[plain].astype(np.int64),
            **{name: frame[name].to_numpy(dtype=object)[plain] for name in _FIELDS},
        }
    )
    # Insats and gender: the latest values given on the case's events (case_attributes).
    opening = frame.loc[plain, ["insats", "gender"]].assign(case_id=case_ids[plain])
    opening = opening[opening["insats"].notna() | opening["gender"].notna()]
    attributes = opening.groupby("case_id")[list(_ATTRIBUTES)].last()
    if touched.any():
        fixed_events, fixed_attributes = _apply_corrections(frame[touched], case_ids[touched])
        events = pd.concat([events, fixed_events], ignore_index=True)
        attributes = pd.concat([attributes, fixed_attributes])

    events = events[events["date"].notna()]
    events = events.assign(date=pd.to_datetime(events["date"], format="%Y-%m-%d"))
    order = np.lexsort(
        (
            events["seq"].to_numpy(),
            events["kind_order"].to_numpy(),
            events["date"].to_numpy(),
            events["case_id"].to_numpy(),
        )
    )
    events = events.iloc[order].reset_index(drop=True)

    cases = _case_table(events, attributes)
    cases.index = pd.Index(case_codes[cases.index.to_numpy()], name="case_code")
    kept = np.isin(events["case_id"].to_numpy(), cases["case_id"].to_numpy())
    levels = events.loc[
        kept
        & np.isin(events["kind_order"].to_numpy(), [KIND_ORDER[k] for k in (START, STEP, EXIT)])
        & events["level"].notna().to_numpy(),
        ["case_id", "date", "kind_order", "seq", "level"],
    ].reset_index(drop=True)
    levels["level"] = pd.to_numeric(levels["level"]).astype(float)
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


def _apply_corrections(
    rows: pd.DataFrame, case_ids: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Effective events and attributes of cases with corrections or retractions (the domain's
    rules, applied case by case: these are few)."""
    raw_by_case: dict[int, list[tuple[int, str, Mapping[str, Any]]]] = {}
    names = (*_FIELDS, *_ATTRIBUTES)
    columns = [rows[name].to_numpy(dtype=object) for name in ("seq", "kind", *names, "payload")]
    for case_id, (seq, kind, *values, payload_text) in zip(
        case_ids, zip(*columns, strict=True), strict=True
    ):
        if kind in (CORRECTION, RETRACTION):
            if payload_text is None:  # erased by retention: nothing left to apply
                continue
            payload: Mapping[str, Any] = json.loads(payload_text)
        else:
            payload = {
                name: value
                for name, value in zip(names, values, strict=True)
                if value is not None and value == value  # not NaN
            }
        raw_by_case.setdefault(int(case_id), []).append((int(seq), kind, payload))

    event_rows: list[tuple[Any, ...]] = []
    attribute_rows: dict[int, tuple[Any, Any]] = {}
    for case_id, raw in raw_by_case.items():
        attributes = case_attributes(raw)
        if attributes is not None:
            attribute_rows[case_id] = (attributes.insats_id, attributes.gender)
        dated = [item for item in raw if item[1] not in CASE_KINDS or "date" in item[2]]
        for event in effective_events(dated):
            event_rows.append(
                (
                    case_id,
                    event.seq,
                    KIND_ORDER[event.kind],
                    event.date.isoformat(),
                    event.level,
                    event.reason,
                    event.destination,
                    event.exit_kind,
                    None if event.handover is None else int(event.handover),
                    event.months,
                )
            )
    events = pd.DataFrame(
        event_rows, columns=["case_id", "seq", "kind_order", *_FIELDS], dtype=object
    )
    events = events.astype({"case_id": np.int64, "seq": np.int64, "kind_order": np.int64})
    attributes_frame = pd.DataFrame.from_dict(
        attribute_rows, orient="index", columns=list(_ATTRIBUTES)
    )
    attributes_frame.index.name = "case_id"
    return events, attributes_frame


def _first_of(events: pd.DataFrame, kind: str, columns: Mapping[str, str]) -> pd.DataFrame:
    # A valid case has at most one of each; the first in case order is the one that counts.
    chosen = events[events["kind_order"].to_numpy() == KIND_ORDER[kind]]
    chosen = chosen.drop_duplicates("case_id")
    return chosen.set_index("case_id")[list(columns)].rename(columns=columns)


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
    months = pd.to_numeric(events["months"]).to_numpy()
    for length in (6, 18):
        parts.append(
            _first_of(
                events[months == length],
                FOLLOW_UP,
                {"date": f"followup_{length}m", "level": f"followup_{length}m_level"},
            )
        )
    cases = attributes.join(parts, how="left")
    # A case whose every event was retracted has no interval and counts nowhere.
    cases = cases[cases["application"].notna() | cases["start"].notna()]
    cases = cases[cases["insats"].notna() & cases["gender"].notna()].copy()
    cases["case_id"] = cases.index.to_numpy()
    cases["insats"] = cases["insats"].astype(np.int64)
    for column in ("start_level", "exit_level", "followup_6m_level", "followup_18m_level"):
        # Plain floats: NaN (missing) compares False, which is what every rule wants.
        cases[column] = pd.to_numeric(cases[column]).astype(float)
    cases["handover"] = pd.to_numeric(cases["handover"]).astype(float)
    for length in (6, 18):
        # Calendar months, clipped to the month's end like tracker.domain.dates.add_months.
        cases[f"due_{length}m"] = cases["exit"] + pd.DateOffset(months=length)
    return cases
