"""An independent second computation of metrics.md's counts and breakdowns, in plain SQL.

Written from metrics.md, not from the pandas engine (tracker.stats.engine): it applies
corrections and retractions itself, in SQL, straight over the ``events`` table. A property test
(tests/stats/test_sql_twin.py) builds random registers and checks that both always agree cell
by cell, for random periods and ``as_of`` values. It is a cross-check, not a second product:
reports come from the engine.

Rules it encodes (architecture.md and metrics.md):
- A ``correction`` {"replaces": seq, "event": {…}} replaces an event's facts; a correction of
  a correction corrects the same original; the latest correction still in force wins.
- A ``retraction`` {"retracts": seq} removes an original event, or undoes one correction.
- A case's insats and gender are the latest ones given on any of its events (the opening
  event, or a correction of it).
- Each episode of a participant (``episode`` in the payload, 1 when absent) is a case.
- A follow-up with a ``reason`` was closed as not made: it is no follow-up, and the missing
  follow-up's reason is that reason when it is dated on or before the last day.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

_CASE_FACTS = """
WITH RECURSIVE
raw AS (
    SELECT seq, kind, case_code, payload FROM events
    WHERE seq <= :as_of AND case_code IS NOT NULL AND payload IS NOT NULL
),
correction AS (
    SELECT seq, CAST(json_extract(payload, '$.replaces') AS INTEGER) AS replaces,
           json_extract(payload, '$.event') AS body
    FROM raw WHERE kind = 'correction'
),
-- follow a correction of a correction back to the original event
resolved(seq, target) AS (
    SELECT seq, replaces FROM correction
    UNION ALL
    SELECT resolved.seq, correction.replaces
    FROM resolved JOIN correction ON correction.seq = resolved.target
),
retracted AS (
    SELECT CAST(json_extract(payload, '$.retracts') AS INTEGER) AS seq
    FROM raw WHERE kind = 'retraction' AND json_extract(payload, '$.retracts') IS NOT NULL
),
correction_in_force AS (
    SELECT target, max(seq) AS seq FROM resolved
    WHERE target NOT IN (SELECT seq FROM correction)
      AND seq NOT IN (SELECT seq FROM retracted)
    GROUP BY target
),
effective AS (
    SELECT original.seq, original.case_code, original.kind,
           coalesce(correction.body, original.payload) AS body
    FROM raw AS original
    LEFT JOIN correction_in_force ON correction_in_force.target = original.seq
    LEFT JOIN correction ON correction.seq = correction_in_force.seq
    WHERE original.kind IN ('application', 'start', 'non_start', 'step', 'exit', 'follow_up')
      AND original.seq NOT IN (SELECT seq FROM retracted)
),
event AS (
    SELECT case_code, seq, kind,
           json_extract(body, '$.date') AS day,
           json_extract(body, '$.level') AS level,
           json_extract(body, '$.reason') AS reason,
           json_extract(body, '$.destination') AS destination,
           json_extract(body, '$.exit_kind') AS exit_kind,
           json_extract(body, '$.handover') AS handover,
           json_extract(body, '$.months') AS months,
           coalesce(json_extract(body, '$.episode'), 1) AS episode,
           kind = 'follow_up' AND json_extract(body, '$.reason') IS NOT NULL AS not_made,
           CASE kind WHEN 'application' THEN 0 WHEN 'start' THEN 1 WHEN 'non_start' THEN 2
                     WHEN 'step' THEN 3 WHEN 'exit' THEN 4 ELSE 5 END AS kind_order
    FROM effective
),
-- the first event of each kind (and follow-up length) in case order: date, kind, seq
first_event AS (
    SELECT * FROM (
        SELECT event.*, row_number() OVER (
            PARTITION BY case_code, episode, kind, coalesce(months, 0), not_made
            ORDER BY day, seq
        ) AS n
        FROM event WHERE day IS NOT NULL
    ) WHERE n = 1
),
attribute AS (
    SELECT case_code, seq,
           coalesce(json_extract(payload, '$.insats'), json_extract(payload, '$.event.insats'))
               AS insats,
           coalesce(json_extract(payload, '$.gender'), json_extract(payload, '$.event.gender'))
               AS gender
    FROM raw
),
case_insats AS (
    SELECT case_code, insats FROM (
        SELECT case_code, insats,
               row_number() OVER (PARTITION BY case_code ORDER BY seq DESC) AS n
        FROM attribute WHERE insats IS NOT NULL
    ) WHERE n = 1
),
case_gender AS (
    SELECT case_code, gender FROM (
        SELECT case_code, gender,
               row_number() OVER (PARTITION BY case_code ORDER BY seq DESC) AS n
        FROM attribute WHERE gender IS NOT NULL
    ) WHERE n = 1
),
-- latest ladder level dated on or before the period's last day (exit wins on its own day)
latest_level AS (
    SELECT case_code, episode, level FROM (
        SELECT case_code, episode, level, row_number() OVER (
            PARTITION BY case_code, episode ORDER BY day DESC, kind_order DESC, seq DESC
        ) AS n
        FROM event
        WHERE kind IN ('start', 'step', 'exit') AND level IS NOT NULL AND day <= :last
    ) WHERE n = 1
),
case_row AS (
    SELECT case_insats.case_code, first_event.episode, case_gender.gender,
        max(CASE WHEN kind = 'application' THEN day END) AS application,
        max(CASE WHEN kind = 'start' THEN day END) AS start,
        max(CASE WHEN kind = 'start' THEN level END) AS start_level,
        max(CASE WHEN kind = 'non_start' THEN day END) AS non_start,
        max(CASE WHEN kind = 'non_start' THEN reason END) AS reason,
        max(CASE WHEN kind = 'exit' THEN day END) AS exit,
        max(CASE WHEN kind = 'exit' THEN level END) AS exit_level,
        max(CASE WHEN kind = 'exit' THEN destination END) AS destination,
        max(CASE WHEN kind = 'exit' THEN exit_kind END) AS exit_kind,
        max(CASE WHEN kind = 'exit' THEN handover END) AS handover,
        max(CASE WHEN kind = 'follow_up' AND months = 6 AND NOT not_made THEN day END)
            AS followup_6m,
        max(CASE WHEN kind = 'follow_up' AND months = 6 AND NOT not_made THEN level END)
            AS followup_6m_level,
        max(CASE WHEN kind = 'follow_up' AND months = 18 AND NOT not_made THEN day END)
            AS followup_18m,
        max(CASE WHEN kind = 'follow_up' AND months = 18 AND NOT not_made THEN level END)
            AS followup_18m_level,
        max(CASE WHEN kind = 'follow_up' AND months = 6 AND not_made THEN day END)
            AS missed_6m,
        max(CASE WHEN kind = 'follow_up' AND months = 6 AND not_made THEN reason END)
            AS missed_6m_reason,
        max(CASE WHEN kind = 'follow_up' AND months = 18 AND not_made THEN day END)
            AS missed_18m,
        max(CASE WHEN kind = 'follow_up' AND months = 18 AND not_made THEN reason END)
            AS missed_18m_reason
    FROM case_insats
    JOIN case_gender ON case_gender.case_code = case_insats.case_code
    JOIN first_event ON first_event.case_code = case_insats.case_code
    WHERE case_insats.insats IN (SELECT value FROM json_each(:insats))
    GROUP BY case_insats.case_code, first_event.episode
),
-- exit + N calendar months, clipped to the month's end (08-31 + 6 months = 02-28)
fact AS (
    SELECT case_row.*, latest_level.level AS latest_level,
        min(date(exit, 'start of month', '+6 months',
                 '+' || (CAST(strftime('%d', exit) AS INTEGER) - 1) || ' days'),
            date(exit, 'start of month', '+7 months', '-1 day')) AS due_6m,
        min(date(exit, 'start of month', '+18 months',
                 '+' || (CAST(strftime('%d', exit) AS INTEGER) - 1) || ' days'),
            date(exit, 'start of month', '+19 months', '-1 day')) AS due_18m
    FROM case_row LEFT JOIN latest_level
        ON latest_level.case_code = case_row.case_code AND latest_level.episode = case_row.episode
    WHERE application IS NOT NULL OR start IS NOT NULL
),
-- every case twice: once under its gender, once under 'total'
cell AS (
    SELECT fact.*, CASE split.split_by WHEN 'gender' THEN gender ELSE 'total' END AS col
    FROM fact, (SELECT 'gender' AS split_by UNION ALL SELECT 'total') AS split
)
"""

# Each count of metrics.md as a condition on one case (SQL's NULL comparisons are never true,
# and coalesce(…, 0) turns "unknown" into "no").
_IN_P = "{0} BETWEEN :first AND :last"
_CONDITIONS: dict[str, str] = {
    "contacts": "coalesce(application, start) <= :last "
    "AND (coalesce(non_start, exit) IS NULL OR coalesce(non_start, exit) >= :first)",
    "applications": _IN_P.format("application"),
    "started": _IN_P.format("start"),
    "not_started": _IN_P.format("non_start"),
    "pending_at_end": "application <= :last AND NOT coalesce(start <= :last, 0) "
    "AND NOT coalesce(non_start <= :last, 0)",
    "enrolled": "start <= :last AND (exit IS NULL OR exit >= :first)",
    "active_at_end": "start <= :last AND (exit IS NULL OR exit > :last)",
    "active_step_up": "start <= :last AND (exit IS NULL OR exit >= :first) "
    "AND latest_level > start_level",
    "exits": _IN_P.format("exit"),
    "exits_handover": _IN_P.format("exit") + " AND handover = 1",
    "exits_measurable": _IN_P.format("exit")
    + " AND start_level IS NOT NULL AND exit_level IS NOT NULL",
    "step_up": _IN_P.format("exit") + " AND exit_level > start_level",
    "followup_6m": _IN_P.format("followup_6m"),
    "followup_6m_held": _IN_P.format("followup_6m") + " AND followup_6m_level >= exit_level",
    "followup_6m_missing": _IN_P.format("due_6m") + " AND NOT coalesce(followup_6m <= :last, 0)",
    "followup_18m": _IN_P.format("followup_18m"),
    "followup_18m_held": _IN_P.format("followup_18m") + " AND followup_18m_level >= exit_level",
    "followup_18m_missing": _IN_P.format("due_18m") + " AND NOT coalesce(followup_18m <= :last, 0)",
}

_COUNTS = text(
    _CASE_FACTS
    + "SELECT col, "
    + ", ".join(f"coalesce(sum({rule}), 0) AS {name}" for name, rule in _CONDITIONS.items())
    + " FROM cell GROUP BY col"
)

_BREAKDOWNS = text(
    _CASE_FACTS
    + f"""
SELECT 'not_started_by_reason', reason, col, count(*) FROM cell
WHERE {_IN_P.format("non_start")} GROUP BY reason, col
UNION ALL
SELECT 'exits_by_destination', destination, col, count(*) FROM cell
WHERE {_IN_P.format("exit")} GROUP BY destination, col
UNION ALL
SELECT 'exits_by_kind', exit_kind, col, count(*) FROM cell
WHERE {_IN_P.format("exit")} GROUP BY exit_kind, col
UNION ALL
SELECT 'followup_6m_missing_by_reason',
       CASE WHEN missed_6m <= :last THEN missed_6m_reason ELSE 'ej_registrerad' END AS code,
       col, count(*) FROM cell
WHERE {_CONDITIONS["followup_6m_missing"]} GROUP BY code, col
UNION ALL
SELECT 'followup_18m_missing_by_reason',
       CASE WHEN missed_18m <= :last THEN missed_18m_reason ELSE 'ej_registrerad' END AS code,
       col, count(*) FROM cell
WHERE {_CONDITIONS["followup_18m_missing"]} GROUP BY code, col
"""
)


def twin_counts(
    connection: Connection, *, first: date, last: date, insats_ids: Sequence[int], as_of: int
) -> dict[str, Any]:
    """``{"counts": {id: {col: n}}, "breakdowns": {id: {code: {col: n}}}}``, where ``col`` is a
    gender or ``total``; genders and codes without a case are left out."""
    params = {
        "first": first.isoformat(),
        "last": last.isoformat(),
        "insats": json.dumps(list(insats_ids)),
        "as_of": as_of,
    }
    counts: dict[str, dict[str, int]] = {name: {} for name in _CONDITIONS}
    for row in connection.execute(_COUNTS, params).mappings():
        for name in _CONDITIONS:
            counts[name][row["col"]] = int(row[name])
    breakdowns: dict[str, dict[str, dict[str, int]]] = {
        "not_started_by_reason": {},
        "exits_by_destination": {},
        "exits_by_kind": {},
        "followup_6m_missing_by_reason": {},
        "followup_18m_missing_by_reason": {},
    }
    for breakdown, code, col, n in connection.execute(_BREAKDOWNS, params):
        breakdowns[breakdown].setdefault(code, {})[col] = int(n)
    return {"counts": counts, "breakdowns": breakdowns}
