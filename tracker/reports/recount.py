"""``tracker audit recount``: recompute a signed bundle's figures from the register and compare.

A reviewer with a key slot checks, in this order:

1. the bundle verifies (signature and every file hash) and was signed by THIS register's key,
   for this register's database id;
2. the register's audit chain verifies now and still holds the bundle's audit head: the event
   with the head's seq exists and has exactly the head's chain hash (so a truncated or
   rewritten history is caught);
3. every figure of report.json, recomputed as of that head (and suppressed with the bundle's
   threshold), is equal cell by cell;
4. what the events registered after the head change when the report is computed today, and
   which of those events can touch the period at all. Late entries are expected: they are
   listed, never counted as a failure.

The figures are read from the log twice (as of the head and as of now), whatever the size of the
report: ``load_facts`` once each, ``report_from_facts`` for the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from tracker import __version__
from tracker.domain.case import CASE_KINDS, CORRECTION, RETRACTION, kind_label
from tracker.domain.goals import GOALS_SET
from tracker.domain.periods import Period
from tracker.i18n import CATALOG, get_language, t
from tracker.reports.bundle import (
    MANIFEST,
    WRITERS,
    Bundle,
    RenderInput,
    VerifyResult,
    read_bundle,
    sha256,
    verify_bundle,
)
from tracker.reports.cellkey import METHOD as CELL_KEY
from tracker.reports.cellkey import protect_report, report_cell_keys
from tracker.reports.info import ReportInfo
from tracker.reports.suppression import check_threshold, suppress_report
from tracker.services import registers
from tracker.services import reports as report_service
from tracker.services.reports import REPORT_EXPORTED
from tracker.services.session import ServiceError, Session
from tracker.stats.facts import StatsFacts
from tracker.stats.report import load_facts, report_from_facts
from tracker.store.eventlog import GENESIS_HASH, Head, verify_chain
from tracker.store.projections import CODE_LIST_SET
from tracker.store.schema import events

# Register-wide events that change what a report says: goal targets and code lists.
REPORT_WIDE_KINDS = (GOALS_SET, CODE_LIST_SET)
# Which goal fields a difference names, in the order a reader takes them in.
GOAL_FIELDS = (
    "target",
    "source",
    "value",
    "num",
    "den",
    "met",
    "comparison_value",
    "comparison_met",
)
PERCENT_FIELDS = ("target", "value", "comparison_value")
VERDICT_FIELDS = ("met", "comparison_met")


class _Missing:
    """A cell one side has and the other lacks (a new code in a breakdown, say)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

Cell = tuple[str, ...]


class RecountRefused(Exception):
    """The bundle or the register cannot be recounted; ``message`` says why (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellDifference:
    """One cell whose two values differ: ``before`` is the report's (or the head's),
    ``after`` the recount's (or today's)."""

    cell: Cell  # ("counts", "exits", "kvinna"), ("comparison", "shares", …), ("goals", m, f)
    before: Any
    after: Any
    names: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def place(self) -> str:
        """The cell in words: "Avslutade, kvinna"."""
        return describe_cell(self.cell, self.names)

    @property
    def before_text(self) -> str:
        return format_value(self.cell, self.before)

    @property
    def after_text(self) -> str:
        return format_value(self.cell, self.after)


@dataclass(frozen=True)
class LaterEvent:
    """An event registered after the bundle's audit head that can touch the report's period."""

    seq: int
    recorded_at: str
    kind: str
    case_code: str | None
    dated: date | None  # the event's own date (a correction's new date); None when it has none

    @property
    def kind_text(self) -> str:
        key = f"domain.kind.{self.kind}"
        if key in CATALOG:
            return kind_label(self.kind)
        key = f"recount.kind.{self.kind}"
        return t(key) if key in CATALOG else self.kind


@dataclass
class RecountResult:
    """What ``recount`` found. ``ok`` decides the exit code: later changes never do."""

    bundle: Path | None
    problems: list[str] = field(default_factory=list)  # why the bundle or chain failed (step 1–2)
    # Members that do not say what report.json says, and a manifest the register never logged
    # as exported: the figures are still recounted, the verdict is "differs".
    member_problems: list[str] = field(default_factory=list)
    period: Period | None = None
    insatser: list[str] = field(default_factory=list)
    threshold: int | None = None  # None: an unsuppressed bundle
    method: str | None = None  # "cell-key", or "threshold" (bundles made before it)
    head: Head | None = None  # the bundle's audit head
    signer_fingerprint: str | None = None
    cells_compared: int = 0  # how many cells the bundle's report holds
    differences: list[CellDifference] = field(default_factory=list)  # report vs recount at head
    current_head: Head | None = None
    later_changes: list[CellDifference] = field(default_factory=list)  # head → now, unsuppressed
    later_events_total: int = 0
    later_events: list[LaterEvent] = field(default_factory=list)  # those that can touch the period

    @property
    def verified(self) -> bool:
        """The bundle and the chain checked out, so the recount could run."""
        return not self.problems

    @property
    def identical(self) -> bool:
        """Every figure of the bundle was recomputed to the same value."""
        return self.verified and not self.differences

    @property
    def ok(self) -> bool:
        return self.identical and not self.member_problems


# --- the recount -----------------------------------------------------------------------------


def recount(session: Session, path: Path) -> RecountResult:
    """Verify the bundle at ``path`` against this register, then recount it (module docstring).

    BundleError (like ``verify_bundle``) when the file is missing or is not a zip at all.
    """
    result = RecountResult(bundle=path)
    verified = verify_bundle(path)
    if verified.facts is not None:
        result.signer_fingerprint = verified.facts.signer_fingerprint
    exported = None
    if verified.ok:
        bundle = read_bundle(path)
        exported = export_seq(session, bundle)
        result.member_problems = rendering_problems(session, bundle)
        if exported is None:
            result.member_problems.append(t("recount.not_exported", member=MANIFEST))
    result.problems = bundle_problems(session, verified, exported)
    if result.problems:
        return result
    return recount_report(session, read_bundle(path).report, result)


def bundle_problems(
    session: Session, verified: VerifyResult, exported: int | None = None
) -> list[str]:
    """Step 1: why a verified bundle cannot be trusted by this register (empty when it can):
    it must be signed by the key that was the register authority when the export was logged
    (``exported``, its seq; the newest authority when there is no such event), for this
    database. A retired authority (a departed coordinator may keep it) signs nothing after its
    hand-over."""
    if not verified.ok or verified.facts is None:
        return list(verified.problems) or [t("recount.bundle_invalid")]
    problems = []
    with session.read() as connection:
        newest = connection.execute(select(events.c.seq).order_by(events.c.seq.desc())).scalar()
    at = exported if exported is not None else int(newest or 0)
    if verified.facts.public_key != registers.authority_at(session, at):
        own_key = registers.public_key(session)
        problems.append(t("recount.other_key", fingerprint=own_key.fingerprint))
    if verified.facts.database_id != session.register.meta("database_id"):
        problems.append(t("recount.other_database"))
    return problems


def export_seq(session: Session, bundle: Bundle) -> int | None:
    """The seq of the ``report_exported`` event that logged exactly this manifest (its SHA-256):
    a bundle assembled outside tracker has none."""
    digest = sha256(bundle.members[MANIFEST])
    with session.read() as connection:
        rows = connection.execute(
            select(events.c.seq, events.c.payload).where(events.c.kind == REPORT_EXPORTED)
        )
        for seq, text in rows:
            if _payload(text).get("manifest_sha256") == digest:
                return int(seq)
    return None


def render_members(
    session: Session, bundle: Bundle, report: Mapping[str, Any] | None = None
) -> dict[str, bytes]:
    """The members tracker writes for ``report`` (default: the bundle's report.json), with the
    code lists as of the bundle's head and the manifest's facts, in the manifest's formats."""
    from tracker.reports.tables import report_tables

    manifest, facts = bundle.manifest, bundle.facts
    period, insatser, head, _ = report_inputs(bundle.report)
    then = load_facts(session, head.seq)
    # report.json is stored with sorted keys; the writers follow the order the statistics give
    # (code-list order), so the values are laid out in the order of a recount at the head.
    try:
        recounted = report_from_facts(then, period, insatser)
    except ServiceError as error:
        raise RecountRefused(error.message()) from error
    template = _protected(session, bundle.report, then, recounted)
    report = _ordered_like(bundle.report if report is None else report, template)
    lang = str(manifest.get("lang") or get_language())
    info = ReportInfo(
        forbund=facts.forbund,
        generated_at=datetime.fromisoformat(facts.generated_at),
        signer_fingerprint=facts.signer_fingerprint,
        demo=facts.demo,
        threshold=facts.threshold,
        tool_version=str(manifest["tool_version"]),
        database_id=facts.database_id,
    )
    content = RenderInput(
        report, report_tables(report, lang, code_lists=then.code_lists), info, lang
    )
    members: dict[str, bytes] = {}
    for name in manifest.get("formats") or []:
        writer = WRITERS.get(str(name))
        if writer is not None:
            members.update(writer(content))
    return members


def _ordered_like(value: Any, template: Any) -> Any:
    """``value`` with every mapping's keys in ``template``'s order (keys it lacks after)."""
    if isinstance(value, Mapping):
        order = list(template) if isinstance(template, Mapping) else []
        keys = [k for k in order if k in value] + [k for k in value if k not in order]
        inner = template if isinstance(template, Mapping) else {}
        return {k: _ordered_like(value[k], inner.get(k)) for k in keys}
    if isinstance(value, list):
        items = template if isinstance(template, list) else []
        return [_ordered_like(v, items[i] if i < len(items) else None) for i, v in enumerate(value)]
    return value


def rendering_problems(session: Session, bundle: Bundle) -> list[str]:
    """What the board reads must say what report.json says: every CSV, the XLSX and the PDF are
    rendered again from report.json and compared byte for byte with the bundle's members."""
    if bundle.manifest.get("tool_version") != __version__:
        return [t("recount.other_version", version=str(bundle.manifest.get("tool_version")))]
    try:
        rendered = render_members(session, bundle)
    except RecountRefused as refused:
        return [refused.message]
    return [
        t("recount.member_differs", member=member)
        for member, data in sorted(rendered.items())
        if bundle.members.get(member) != data
    ]


def recount_report(
    session: Session, report: Mapping[str, Any], result: RecountResult | None = None
) -> RecountResult:
    """Steps 2–4 for a report.json dictionary that has already been verified."""
    result = result if result is not None else RecountResult(bundle=None)
    try:
        period, insatser, head, threshold = report_inputs(report)
    except RecountRefused as refused:
        result.problems.append(refused.message)
        return result
    result.period, result.insatser, result.head, result.threshold = (
        period,
        insatser,
        head,
        threshold,
    )
    if threshold is not None:
        result.method = protection_method(report)

    with session.read() as connection:
        result.problems.extend(chain_problems(connection, head))
    if result.problems:
        return result

    then = load_facts(session, head.seq)
    try:
        recounted = report_from_facts(then, period, insatser)
    except ServiceError as error:  # an insats the register did not have at the head
        result.problems.append(error.message())
        return result
    published = _protected(session, report, then, recounted)
    names = cell_names(then, period)
    result.differences = compare_reports(report, published, names)
    result.cells_compared = len(report_cells(report))

    now = load_facts(session)
    result.current_head = Head(now.as_of, now.head_hash)
    if now.as_of != head.seq:
        today = report_from_facts(now, period, insatser)
        names = {**names, **cell_names(now, period)}
        result.later_changes = compare_reports(recounted, today, names)
        with session.read() as connection:
            total, touching = later_events(connection, head.seq, period, insatser, then, now)
        result.later_events_total, result.later_events = total, touching
    return result


def _protected(
    session: Session,
    report: Mapping[str, Any],
    facts: StatsFacts,
    recounted: dict[str, Any],
) -> dict[str, Any]:
    """The recount protected the way the bundle says it was: the cell-key method with the
    register's secret, or (bundles made before it) threshold suppression; or not at all."""
    period, insatser, _head, threshold = report_inputs(report)
    if threshold is None:
        return recounted
    if protection_method(report) != CELL_KEY:
        return suppress_report(recounted, threshold)
    keys = report_cell_keys(facts, period, insatser, report_service.cell_key_secret(session))
    return protect_report(recounted, keys, threshold)


def protection_method(report: Mapping[str, Any]) -> str:
    """How a board report was protected: its own statement; none means threshold suppression
    (every bundle before the cell-key method)."""
    return str(report["suppression"].get("method", "threshold"))


def report_inputs(report: Mapping[str, Any]) -> tuple[Period, list[str], Head, int | None]:
    """The report's own statement of what it was computed from."""
    try:
        raw_period = report["period"]
        period = Period(
            str(raw_period["label"]),
            date.fromisoformat(raw_period["first"]),
            date.fromisoformat(raw_period["last"]),
        )
        insatser = [str(name) for name in report["insatser"]]
        head = Head(int(report["as_of"]["seq"]), str(report["as_of"]["hash"]))
        suppression = report["suppression"]
        threshold = None if suppression is None else check_threshold(suppression["threshold"])
    except (KeyError, TypeError, ValueError) as error:
        raise RecountRefused(t("recount.report_unreadable")) from error
    return period, insatser, head, threshold


def chain_problems(connection: Connection, head: Head) -> list[str]:
    """Step 2: the chain verifies now, and its event ``head.seq`` has exactly ``head.hash``."""
    chain = verify_chain(connection)
    if not chain.ok:
        return [
            t(
                "recount.chain_broken",
                seq=chain.first_bad_seq,
                problem=t(chain.problem or "store.chain_link"),
            )
        ]
    if head.seq > chain.head.seq:
        return [t("recount.head_missing", seq=head.seq, last=chain.head.seq)]
    if chain_hash_at(connection, head.seq) != head.hash:
        return [t("recount.head_rewritten", seq=head.seq)]
    return []


def chain_hash_at(connection: Connection, seq: int) -> str | None:
    if seq == 0:
        return GENESIS_HASH
    return connection.execute(
        select(events.c.chain_hash).where(events.c.seq == seq)
    ).scalar_one_or_none()


# --- comparing cell by cell ------------------------------------------------------------------


def report_cells(report: Mapping[str, Any]) -> dict[Cell, Any]:
    """Every figure of a report by its address, the comparison period's under "comparison"."""
    cells = _part_cells(report, ())
    for goal in report.get("goals") or []:
        metric = str(goal.get("metric"))
        for name in GOAL_FIELDS:
            if name in goal:
                cells[("goals", metric, name)] = goal[name]
    comparison = report.get("comparison")
    if isinstance(comparison, Mapping):
        cells.update(_part_cells(comparison, ("comparison",)))
    return cells


def _part_cells(part: Mapping[str, Any], prefix: Cell) -> dict[Cell, Any]:
    cells: dict[Cell, Any] = {}
    for section in ("counts", "shares", "figures"):
        for name, row in (part.get(section) or {}).items():
            for column, value in row.items():
                cells[(*prefix, section, name, column)] = value
    for name, table in (part.get("breakdowns") or {}).items():
        for code, row in table.items():
            for column, value in row.items():
                cells[(*prefix, "breakdowns", name, code, column)] = value
    return cells


def compare_reports(
    before: Mapping[str, Any], after: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> list[CellDifference]:
    """The cells whose values differ, in the order of ``before`` (then cells only ``after`` has)."""
    old, new = report_cells(before), report_cells(after)
    # A breakdown a bundle does not carry at all was added to the tool after it was made
    # (the follow-ups missing by reason): not a difference in what the bundle published.
    old_tables = {cell[: cell.index("breakdowns") + 2] for cell in old if "breakdowns" in cell}
    differences = []
    for cell in [*old, *(c for c in new if c not in old)]:
        if (
            cell not in old
            and "breakdowns" in cell
            and cell[: cell.index("breakdowns") + 2] not in old_tables
        ):
            continue
        a, b = old.get(cell, MISSING), new.get(cell, MISSING)
        if not _same(a, b):
            differences.append(CellDifference(cell, a, b, names or {}))
    return differences


def _same(a: Any, b: Any) -> bool:
    # JSON keeps 0.714 as 0.714 and 3 as 3; a bool is never a count.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if a is MISSING or b is MISSING:
        return a is b
    return a == b


# --- naming cells in words -------------------------------------------------------------------


def cell_names(facts: StatsFacts, period: Period) -> dict[str, str]:
    """Labels of the codes and the comparison period a report of ``facts`` can name."""
    names = {"comparison_period": period.comparison().label}
    for list_name, code_list in facts.code_lists.items():
        for code in code_list.codes:
            names[f"{list_name}.{code}"] = code_list.label(code)
    return names


_BREAKDOWN_LISTS = {
    "not_started_by_reason": "non_start_reason",
    "exits_by_destination": "exit_destination",
    "exits_by_kind": "exit_kind",
}


def _metric(name: str) -> str:
    key = f"stats.metric.{name}"
    return t(key) if key in CATALOG else name


def _column(column: str) -> str:
    key = f"stats.col.{column}"
    return t(key) if key in CATALOG else column


def _code(list_name: str, code: str, names: Mapping[str, str]) -> str:
    return names.get(f"{list_name}.{code}", code)


def describe_cell(cell: Cell, names: Mapping[str, str] | None = None) -> str:
    """A cell in the words of ``tracker stats``: "Avslutade, kvinna"."""
    names = names or {}
    if cell and cell[0] == "comparison":
        label = names.get("comparison_period", "")
        return t("recount.place_comparison", period=label, place=describe_cell(cell[1:], names))
    section, rest = cell[0], cell[1:]
    if section == "goals" and len(rest) == 2:
        metric, name = rest
        return t("recount.place_goal", metric=_metric(metric), field=t(f"recount.goal.{name}"))
    if section == "breakdowns" and len(rest) == 3:
        name, code, column = rest
        code_text = _code(_BREAKDOWN_LISTS.get(name, ""), code, names)
        return t("recount.place_code", metric=_metric(name), code=code_text, column=_column(column))
    if section == "shares" and len(rest) == 2 and rest[0].startswith("destination_share."):
        code = rest[0].split(".", 1)[1]
        return t(
            "recount.place_code",
            metric=_metric("destination_share"),
            code=_code("exit_destination", code, names),
            column=_column(rest[1]),
        )
    if len(rest) == 2:
        return t("recount.place", metric=_metric(rest[0]), column=_column(rest[1]))
    return " / ".join(cell)


def _number(value: float) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",") if get_language() == "sv" else text


def _percent(value: Any) -> str:
    if value is None:
        return t("stats.no_value")
    if isinstance(value, str):
        return value
    return f"{_number(round(float(value) * 100, 1))} %"


def format_value(cell: Cell, value: Any) -> str:
    """A cell's value as the reader knows it: counts as numbers or marks, shares as
    "71,4 % (20/28)", goal verdicts in words, an absent cell as "saknas"."""
    if value is MISSING:
        return t("recount.missing")
    if value is None:
        return t("stats.no_value")
    field_name = cell[-1]
    in_goals = cell[0] == "goals"
    if in_goals and field_name in VERDICT_FIELDS:
        return t("stats.goal_met") if value else t("stats.goal_not_met")
    if in_goals and field_name in PERCENT_FIELDS:
        return _percent(value)
    if in_goals and field_name == "source" and f"tables.goal_source.{value}" in CATALOG:
        return t(f"tables.goal_source.{value}")
    if isinstance(value, Mapping) and {"num", "den", "value"} <= set(value):
        return f"{_percent(value['value'])} ({value['num']}/{value['den']})"
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


# --- the events after the head ---------------------------------------------------------------


def later_events(
    connection: Connection,
    after_seq: int,
    period: Period,
    insatser: Sequence[str],
    then: StatsFacts,
    now: StatsFacts,
) -> tuple[int, list[LaterEvent]]:
    """How many events came after ``after_seq``, and those of them that can touch the report.

    No metric of a period depends on anything dated after its last day (metrics.md), so a case
    event can touch the report when one of its dates (for a correction or retraction: the
    corrected event's too) is on or before the last day, or when it moved its case to another
    insats or gender; and, either way, only when the case's life (from its application to 18
    months after its exit) meets the comparison period or the period. Goals of the report's
    insatser and code lists touch it too.
    """
    rows = list(
        connection.execute(
            select(
                events.c.seq,
                events.c.recorded_at,
                events.c.kind,
                events.c.case_code,
                events.c.payload,
            )
            .where(events.c.seq > after_seq)
            .order_by(events.c.seq)
        )
    )
    payloads = {row.seq: _payload(row.payload) for row in rows}
    _fetch_targets(connection, payloads)
    window = Period.between(period.comparison().first, period.last)
    insats_ids = {i for i, name in now.insatser.items() if name in set(insatser)}
    moved = _moved_cases(then, now)
    in_window = _cases_in_window(then, window) | _cases_in_window(now, window)
    known = set(then.cases.index) | set(now.cases.index)

    touching = []
    for row in rows:
        payload = payloads[row.seq]
        if row.case_code is None:
            if row.kind not in REPORT_WIDE_KINDS:
                continue
            if row.kind == GOALS_SET and int(payload.get("insats", -1)) not in insats_ids:
                continue
            touching.append(LaterEvent(row.seq, row.recorded_at, row.kind, None, None))
            continue
        if row.kind not in (*CASE_KINDS, CORRECTION, RETRACTION):
            continue
        dates = _dates(row.seq, payloads)
        early = not dates or any(d <= period.last for d in dates)
        code = row.case_code
        case_touches = code in in_window or code not in known
        if case_touches and (early or code in moved):
            own = _own_date(payloads.get(row.seq, {}))
            touching.append(LaterEvent(row.seq, row.recorded_at, row.kind, code, own))
    return len(rows), touching


def _payload(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


def _target(payload: Mapping[str, Any]) -> int | None:
    for key in ("replaces", "retracts"):
        if key in payload:
            return int(payload[key])
    return None


def _fetch_targets(connection: Connection, payloads: dict[int, dict[str, Any]]) -> None:
    """Add the payloads of corrected and retracted events (and theirs) that are not there yet."""
    wanted = {_target(p) for p in payloads.values()} - {None} - set(payloads)
    while wanted:
        found = connection.execute(
            select(events.c.seq, events.c.payload).where(events.c.seq.in_(wanted))
        )
        for seq, text in found:
            payloads[seq] = _payload(text)
        missing = {s for s in wanted if s not in payloads}
        for seq in missing:
            payloads[seq] = {}
        wanted = {_target(payloads[s]) for s in wanted} - {None} - set(payloads)


def _own_date(payload: Mapping[str, Any]) -> date | None:
    raw = payload.get("date", (payload.get("event") or {}).get("date"))
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _dates(seq: int, payloads: Mapping[int, Mapping[str, Any]]) -> list[date]:
    """The event's date and, following corrections and retractions back, their targets'."""
    found: list[date] = []
    seen: set[int] = set()
    current: int | None = seq
    while current is not None and current not in seen and current in payloads:
        seen.add(current)
        own = _own_date(payloads[current])
        if own is not None:
            found.append(own)
        current = _target(payloads[current])
    return found


def _moved_cases(then: StatsFacts, now: StatsFacts) -> set[str]:
    """Cases whose insats or gender differs between the two readings."""
    both = then.cases.index.intersection(now.cases.index)
    columns = ["insats", "gender"]
    old = then.cases.loc[both, columns]
    new = now.cases.loc[both, columns]
    changed = (old != new).any(axis=1)
    return set(changed[changed].index)


def _cases_in_window(facts: StatsFacts, window: Period) -> set[str]:
    """Cases whose life, from application (or start) to 18 months after the exit (or the
    non-start), meets ``window``; open cases reach to today."""
    cases = facts.cases
    if cases.empty:
        return set()
    first = cases[["application", "start"]].min(axis=1)
    last = cases[["non_start", "exit", "due_18m", "followup_6m", "followup_18m"]].max(axis=1)
    closed = cases["exit"].notna() | cases["non_start"].notna()
    begins_in_time = first <= pd.Timestamp(window.last)
    ends_in_time = ~closed | (last >= pd.Timestamp(window.first))
    return set(cases.index[(begins_in_time & ends_in_time).to_numpy()])
