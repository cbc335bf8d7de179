"""One read of the event log as of a sequence number, turned into per-case facts.

Everything a report needs is a function of the events with ``seq <= as_of``: the cases (after
corrections and retractions), the insatser, the code lists and the goals in force at that
point. So a figure computed today from a bundle's audit head is the figure it had then.

The event table is read once, in one statement that scans it once. SQLite's JSON operators pull
the few payload fields statistics need from the case events and serialise them as delimited
text, which pandas parses in C: no Python object per event (three times faster than fetching
rows). Corrections, retractions and system events come whole, as one JSON array. Cases touched
by a correction or retraction go through the domain's ``effective_events`` and
``case_attributes``, exactly as the case view does; the rest are taken as written.
"""

from __future__ import annotations

import io
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
from tracker.domain.codelists import FOLLOW_UP_MISSED_REASON, CodeList
from tracker.domain.goals import GOALS_SET
from tracker.services.session import LADDER_LIST, ServiceError
from tracker.store.caserows import case_attributes
from tracker.store.projections import CODE_LIST_SET, INSATS_ADDED, INSATS_RENAMED

# Payload fields read by SQLite (->> gives SQL values: text, integer, 1/0 for true/false),
# each only for the kinds that carry it: most events are steps, which need date and level.
_FIELDS = ("date", "level", "reason", "destination", "exit_kind", "handover", "months", "episode")
_ATTRIBUTES = ("insats", "gender")
_KINDS_WITH: dict[str, tuple[str, ...]] = {
    "date": CASE_KINDS,
    "level": (START, STEP, EXIT, FOLLOW_UP),
    "reason": (NON_START, FOLLOW_UP),  # a follow-up's: why it was not made
    "destination": (EXIT,),
    "exit_kind": (EXIT,),
    "handover": (EXIT,),
    "months": (FOLLOW_UP,),
    "episode": CASE_KINDS,
    "insats": (APPLICATION, START),  # the opening event
    "gender": (APPLICATION, START),
}
# Field separator of the text form: the ASCII unit separator, which no code, date or
# participant code can contain (codes are [a-z0-9_], participant codes [A-Z0-9-]).
_SEPARATOR = "\x1f"
_CSV_COLUMNS = ("seq", "kind_order", "case_code", *_FIELDS, *_ATTRIBUTES)
_CSV_TYPES = {
    "seq": "int64",
    "kind_order": "int64",
    "case_code": object,
    "date": object,
    "level": "float64",
    "reason": object,
    "destination": object,
    "exit_kind": object,
    "handover": "float64",
    "months": "float64",
    "episode": "float64",
    "insats": "float64",
    "gender": object,
}


def _extract(name: str) -> str:
    kinds = ", ".join(f"'{kind}'" for kind in _KINDS_WITH[name])
    return f"coalesce(CASE WHEN kind IN ({kinds}) THEN payload ->> '$.{name}' END, '')"


_KIND_ORDER_SQL = (
    "CASE kind "
    + " ".join(f"WHEN '{kind}' THEN {index}" for index, kind in enumerate(CASE_KINDS))
    + " END"
)
_CASE_KINDS_SQL = ", ".join(f"'{kind}'" for kind in CASE_KINDS)
_READ = text(
    "SELECT group_concat("
    + " || char(31) || ".join(
        ["seq", _KIND_ORDER_SQL, "case_code", *(_extract(n) for n in (*_FIELDS, *_ATTRIBUTES))]
    )
    + f", char(10)) FILTER (WHERE case_code IS NOT NULL AND kind IN ({_CASE_KINDS_SQL})), "
    "json_group_array(json_array(seq, kind, case_code, json(payload))) "
    f"FILTER (WHERE case_code IS NULL OR kind IN ('{CORRECTION}', '{RETRACTION}')) "
    "FROM events WHERE seq <= :as_of"
)
_HEAD = text("SELECT seq, chain_hash FROM events WHERE seq <= :as_of ORDER BY seq DESC LIMIT 1")
_LAST_SEQ = text("SELECT max(seq) FROM events")
_PURGED_BEFORE = text("SELECT max(payload ->> '$.closed_before') FROM events WHERE kind = 'purge'")

KIND_ORDER = {kind: index for index, kind in enumerate(CASE_KINDS)}
# A participant's episodes are counted as cases of their own (metrics.md): each gets the key
# code_id * EPISODE_SPAN + episode - 1, and the label "CODE" for the first, "CODE#2", ... after.
EPISODE_SPAN = 4096


@dataclass
class StatsFacts:
    """The register as of ``as_of``: one row per case, plus what reports name and compare.

    ``cases`` (index: participant code, ``CODE#2`` … for a returning participant's later
    episodes, each counted as a case) has ``insats`` (id), ``gender`` and, per case kind,
    dates and fields: ``application``, ``start``/``start_level``, ``non_start``/``reason``,
    ``exit``/``exit_level``/``destination``/``exit_kind``/``handover``, ``due_6m``/``due_18m``
    (exit + 6/18 calendar months), ``followup_6m``/``followup_6m_level`` (a follow-up made),
    ``followup_6m_missed``/``followup_6m_missed_reason`` (one closed as not made), and the
    same for 18.
    ``levels`` holds every dated ladder level (start, step, exit) in case order.
    """

    as_of: int
    head_hash: str
    cases: pd.DataFrame
    levels: pd.DataFrame
    insatser: dict[int, str]  # id -> name, as of as_of
    code_lists: dict[str, CodeList]
    goals: dict[tuple[int, str], float] = field(default_factory=dict)  # set goals only
    # The latest purge's cut-off (ISO date), whatever as_of: a purge erases events of any age,
    # so periods starting before it have lost cases even as of an earlier event.
    purged_before: str | None = None

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
    case_text, others = connection.execute(_READ, {"as_of": as_of}).one()
    head_row = connection.execute(_HEAD, {"as_of": as_of}).first()
    frame = pd.read_csv(
        # A register without case events still parses: one header line and no rows.
        io.StringIO(_SEPARATOR.join(_CSV_COLUMNS) + "\n" + (case_text or "")),
        sep=_SEPARATOR,
        header=0,
        dtype=_CSV_TYPES,
        keep_default_na=False,  # only an empty field is missing: no code is read as NaN
        na_values=[""],
    )
    special = [tuple(item) for item in json.loads(others or "[]")]
    facts = build_facts(frame, special, as_of, head_row.chain_hash if head_row else "0" * 64)
    facts.purged_before = connection.execute(_PURGED_BEFORE).scalar()
    return facts


SpecialEvent = tuple[int, str, str | None, dict[str, Any] | None]


def build_facts(
    frame: pd.DataFrame, special: list[SpecialEvent], as_of: int, head_hash: str
) -> StatsFacts:
    """Pure part of ``read_facts``: ``frame`` holds the case events' fields (one row each),
    ``special`` the corrections, retractions and system events as (seq, kind, case, payload)."""
    insatser, code_lists, goals = _system_state(special)
    fixes = [event for event in special if event[2] is not None]

    # Integer case ids from here on: sorting and matching ints is much faster than strings.
    case_ids, case_codes = pd.factorize(frame["case_code"])
    touched_codes = {event[2] for event in fixes}
    touched = frame["case_code"].isin(touched_codes).to_numpy()
    plain = ~touched

    events = pd.DataFrame(
        {
            "case_id": case_ids[plain],
            "seq": frame["seq"].to_numpy()[plain],
            "kind_order": frame["kind_order"].to_numpy()[plain],
            **{name: frame[name].to_numpy()[plain] for name in _FIELDS},
        }
    )
    # Insats and gender: the latest values given on the case's events (case_attributes).
    opening = frame.loc[plain, ["insats", "gender"]].assign(case_id=case_ids[plain])
    opening = opening[opening["insats"].notna() | opening["gender"].notna()]
    attributes = opening.groupby("case_id")[list(_ATTRIBUTES)].last()
    if touched.any():
        code_to_id = {code: index for index, code in enumerate(case_codes)}
        fixed_events, fixed_attributes = _apply_corrections(frame[touched], fixes, code_to_id)
        events = pd.concat([events, fixed_events], ignore_index=True)
        attributes = pd.concat([attributes, fixed_attributes])

    # From here on a case is an episode: the key keeps the code's id and adds the episode.
    episode = pd.to_numeric(events["episode"]).fillna(1).to_numpy(dtype=np.int64)
    events = events.assign(case_id=events["case_id"].to_numpy() * EPISODE_SPAN + episode - 1)
    keys = np.unique(events["case_id"].to_numpy())
    attributes = attributes.reindex(keys // EPISODE_SPAN).set_axis(pd.Index(keys, name="case_id"))
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
    key = cases.index.to_numpy()
    labels = np.asarray(case_codes[key // EPISODE_SPAN], dtype=object)
    later = key % EPISODE_SPAN > 0  # rare: only returning participants need a new label
    if later.any():
        numbers = (key[later] % EPISODE_SPAN + 1).astype(str).astype(object)
        labels[later] = labels[later] + "#" + numbers
    cases.index = pd.Index(labels, name="case_code", dtype=object)
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
    special: list[SpecialEvent],
) -> tuple[dict[int, str], dict[str, CodeList], dict[tuple[int, str], float]]:
    insatser: dict[int, str] = {}
    code_lists: dict[str, CodeList] = {}
    goals: dict[tuple[int, str], float] = {}
    for _seq, kind, case_code, payload in special:
        if case_code is not None or payload is None:
            continue
        if kind in (INSATS_ADDED, INSATS_RENAMED):  # a renamed insats has its newest name
            insatser[int(payload["id"])] = payload["name"]
        elif kind == CODE_LIST_SET and payload["name"] != LADDER_LIST:
            code_lists[payload["name"]] = CodeList.from_dict(payload["content"])
        elif kind == GOALS_SET:
            goals[(int(payload["insats"]), payload["metric"])] = float(payload["target"])
    # As the session does: the default until a coordinator publishes a version.
    code_lists.setdefault(FOLLOW_UP_MISSED_REASON.name, FOLLOW_UP_MISSED_REASON)
    return insatser, code_lists, goals


def _apply_corrections(
    rows: pd.DataFrame, fixes: list[SpecialEvent], code_to_id: Mapping[str, int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Effective events and attributes of cases with corrections or retractions (the domain's
    rules, applied case by case: these are few)."""
    raw_by_case: dict[str, list[tuple[int, str, Mapping[str, Any]]]] = {}
    names = (*_FIELDS, *_ATTRIBUTES)
    columns = [rows[name].to_numpy(dtype=object) for name in ("seq", "kind_order", *names)]
    codes = rows["case_code"].to_numpy(dtype=object)
    for code, (seq, kind_order, *values) in zip(codes, zip(*columns, strict=True), strict=True):
        payload = {
            name: _python_value(name, value)
            for name, value in zip(names, values, strict=True)
            if value is not None and value == value  # not NaN
        }
        raw_by_case.setdefault(code, []).append((int(seq), CASE_KINDS[kind_order], payload))
    for seq, kind, code, body in fixes:
        if body is not None:  # a payload erased by retention has nothing left to apply
            raw_by_case.setdefault(code, []).append((seq, kind, body))  # type: ignore[arg-type]

    event_rows: list[tuple[Any, ...]] = []
    attribute_rows: dict[int, tuple[Any, Any]] = {}
    for code, raw in raw_by_case.items():
        if code not in code_to_id:  # only corrections left: the case has no events of its own
            continue
        case_id = code_to_id[code]
        raw.sort(key=lambda item: item[0])
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
                    event.episode,
                )
            )
    events = pd.DataFrame(
        event_rows, columns=["case_id", "seq", "kind_order", *_FIELDS], dtype=object
    )
    events = events.astype(
        {
            "case_id": np.int64,
            "seq": np.int64,
            "kind_order": np.int64,
            "level": "float64",
            "handover": "float64",
            "months": "float64",
            "episode": "float64",
        }
    )
    attributes_frame = pd.DataFrame.from_dict(
        attribute_rows, orient="index", columns=list(_ATTRIBUTES)
    )
    attributes_frame.index.name = "case_id"
    return events, attributes_frame


def _python_value(name: str, value: Any) -> Any:
    # The text form gives floats for numeric fields; the domain wants ints (and a bool).
    if name in ("level", "months", "insats", "episode"):
        return int(value)
    if name == "handover":
        return bool(value)
    return value


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
    # A follow-up with a reason was closed as not made: it counts as missing, with its reason.
    missed = events["reason"].notna().to_numpy() & (
        events["kind_order"].to_numpy() == KIND_ORDER[FOLLOW_UP]
    )
    for length in (6, 18):
        parts.append(
            _first_of(
                events[(months == length) & ~missed],
                FOLLOW_UP,
                {"date": f"followup_{length}m", "level": f"followup_{length}m_level"},
            )
        )
        parts.append(
            _first_of(
                events[(months == length) & missed],
                FOLLOW_UP,
                {
                    "date": f"followup_{length}m_missed",
                    "reason": f"followup_{length}m_missed_reason",
                },
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
