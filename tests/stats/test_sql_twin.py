"""The pandas engine and the independent SQL twin agree on every count, cell by cell.

Each example builds a register of random cases through the case services (random, often
invalid use cases: the services refuse what breaks the rules, corrections and retractions
included), then compares both implementations: with every date of the register as a period's
first and as its last day, and for random periods (anchored next to the register's dates,
named, or arbitrary), insats selections and ``as_of`` sequence numbers. 20 registers give
about a thousand comparisons.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import INSATSER, PASSPHRASE, TODAY

from tracker.domain.dates import last_day_of_month
from tracker.domain.errors import RuleError
from tracker.domain.periods import Period
from tracker.services import cases, registers
from tracker.services.session import ServiceError, Session
from tracker.stats.engine import COLUMNS, compute
from tracker.stats.facts import StatsFacts, read_facts
from tracker.stats.sql_twin import twin_counts

FIRST_DAY = date(2024, 1, 1)
SPAN = (TODAY - FIRST_DAY).days
GENDERS = ("kvinna", "man", "ej_angivet")
REASONS = ("atertagen", "uteblev", "ohalsa")
DESTINATIONS = ("studier", "arbetssokande", "annan_insats", "forvarvsarbete")
EXIT_KINDS = ("avslutad", "avbruten")
MISSED_REASONS = ("kunde_inte_nas", "avbojde", "avliden_flyttat", "annat")
NAMED_PERIODS = ("2024", "2024Q4", "2025H1", "2025H2", "2025Q2", "2026H1", "2026Q3", "2026")

levels = st.one_of(st.none(), st.integers(1, 7))
gaps = st.integers(-10, 200)  # days after the previous event; a few land before it (refused)

# One case's life: opening, decision, steps, exit, follow-ups, then corrections/retractions.
# Dates run forward from a random opening day, so most actions are valid, some are refused
# (before an earlier event, or after today), as when staff make mistakes.
case_plans = st.fixed_dictionaries(
    {
        "open_day": st.integers(0, SPAN - 250),
        "direct": st.booleans(),
        "who": st.integers(0, 100),
        "decision": st.sampled_from(["start", "start", "start", "non_start", "none"]),
        "decision_gap": gaps,
        "start_level": levels,
        "steps": st.lists(st.tuples(gaps, st.integers(1, 7)), max_size=3),
        "exit": st.one_of(
            st.tuples(st.integers(0, 300), levels, st.integers(0, 100)),
            st.none(),
            st.tuples(st.integers(0, 300), levels, st.integers(0, 100)),
        ),
        # level 0: the follow-up was closed as not made (with a reason, no level)
        "follow_ups": st.lists(
            st.tuples(st.sampled_from([6, 18]), st.integers(-90, 120), st.integers(0, 7)),
            max_size=2,
        ),
        # a returning participant: days after the exit, via a new application or a start,
        # and whether the second episode exits too
        "comeback": st.one_of(
            st.none(), st.tuples(st.integers(-20, 300), st.booleans(), levels, st.booleans())
        ),
        "fixes": st.lists(
            st.tuples(
                st.sampled_from(["date", "level", "gender", "insats", "handover", "retract"]),
                st.integers(0, 20),  # which event
                st.integers(-60, 60),  # date shift / value pick
            ),
            max_size=2,
        ),
    }
)
registers_plans = st.lists(case_plans, min_size=6, max_size=12)

# A period is named, a random range, or anchored on a date of the register itself (a day of
# some event or follow-up due date as its first or last day, or just beside it), so the edges
# of every definition (on the first day, on the last, the day after) are really exercised.
period_specs = st.one_of(
    st.tuples(st.just("named"), st.sampled_from(NAMED_PERIODS), st.just(0), st.just(0)),
    st.tuples(st.just("range"), st.integers(0, SPAN), st.integers(0, 500), st.just(0)),
    st.tuples(
        st.just("anchor"),
        st.integers(0, 1000),  # which date of the register
        st.integers(0, 400),  # length in days
        st.sampled_from(["first", "last", "after", "before"]),
    ),
)
checks = st.lists(
    st.tuples(
        period_specs,
        st.floats(0, 1),  # as_of as a fraction of the register's own events
        st.sampled_from([None, [INSATSER[0]], [INSATSER[1]]]),
    ),
    min_size=7,
    max_size=7,
)

_DATE_COLUMNS = (
    "application",
    "start",
    "non_start",
    "exit",
    "followup_6m",
    "followup_18m",
    "due_6m",
    "due_18m",
    "followup_6m_missed",
    "followup_18m_missed",
)


def _register_dates(facts: StatsFacts) -> list[date]:
    values = [facts.cases[column].dropna() for column in _DATE_COLUMNS]
    values.append(facts.levels["date"])
    return sorted({stamp.date() for series in values for stamp in series})


def _period(spec: tuple[str, Any, int, Any], dates: list[date]) -> Period:
    kind, a, b, c = spec
    if kind == "named":
        return Period.parse(a)
    if kind == "range" or not dates:
        first = FIRST_DAY + timedelta(days=a if kind == "range" else 0)
        return Period.between(first, first + timedelta(days=b))
    anchor = dates[a % len(dates)]
    length = timedelta(days=b)
    if c == "first":
        return Period.between(anchor, anchor + length)
    if c == "after":
        return Period.between(anchor + timedelta(days=1), anchor + timedelta(days=1) + length)
    if c == "last":
        return Period.between(anchor - length, anchor)
    return Period.between(anchor - timedelta(days=1) - length, anchor - timedelta(days=1))


def _pick(choice: int, options: tuple[Any, ...]) -> Any:
    return options[choice % len(options)]


def _attempt(action: Any, *args: Any, **kwargs: Any) -> bool:
    """Run a use case; False when the rules refused it (then nothing was written)."""
    try:
        action(*args, **kwargs)
    except (RuleError, ServiceError):
        return False
    return True


def _run_case(session: Session, plan: dict[str, Any]) -> str | None:
    on = FIRST_DAY + timedelta(days=plan["open_day"])
    who = plan["who"]
    insats, gender = _pick(who, INSATSER), _pick(who // 2, GENDERS)
    try:
        if plan["direct"]:
            code = cases.start(
                session, on=on, level=plan["start_level"], insats=insats, gender=gender
            ).code
        else:
            code = cases.register_application(
                session, insats=insats, gender=gender, on=on, referrer="af"
            ).code
    except (RuleError, ServiceError):
        return None
    if not plan["direct"]:
        on += timedelta(days=plan["decision_gap"])
        if plan["decision"] == "start":
            _attempt(cases.start, session, code=code, on=on, level=plan["start_level"])
        elif plan["decision"] == "non_start":
            reason = _pick(who, REASONS)
            _attempt(cases.non_start, session, code=code, on=on, reason=reason)
    for gap, level in plan["steps"]:
        on += timedelta(days=gap)
        _attempt(cases.log_step, session, code=code, on=on, level=level)
    if plan["exit"] is not None:
        gap, level, pick = plan["exit"]
        on += timedelta(days=gap)
        if pick % 4 == 0:
            # Many exits fall on a month's end, where "+ 6 calendar months" must clip.
            on = on.replace(day=last_day_of_month(on.year, on.month))
        _attempt(
            cases.exit_case,
            session,
            code=code,
            on=on,
            destination=_pick(pick, DESTINATIONS),
            exit_kind=_pick(pick // 4, EXIT_KINDS),
            handover=pick % 3 != 0,
            level=level,
        )
        exit_day = on
        for months, gap, level in plan["follow_ups"]:
            due = exit_day + timedelta(days=round(months * 30.4) + gap)
            if level == 0:
                reason = _pick(gap, MISSED_REASONS)
                _attempt(cases.follow_up, session, code=code, on=due, months=months, reason=reason)
            else:
                _attempt(cases.follow_up, session, code=code, on=due, months=months, level=level)
        if plan["comeback"] is not None:
            gap, via_application, level, exits_again = plan["comeback"]
            on = exit_day + timedelta(days=gap)
            if via_application:
                _attempt(
                    cases.register_application,
                    session,
                    insats=insats,
                    gender=gender,
                    on=on,
                    referrer="egen",
                    code=code,
                )
                on += timedelta(days=10)
            _attempt(cases.start, session, code=code, on=on, level=level)
            if exits_again:
                _attempt(
                    cases.exit_case,
                    session,
                    code=code,
                    on=on + timedelta(days=90),
                    destination="studier",
                    exit_kind="avslutad",
                    handover=True,
                    level=level,
                )
    return code


def _run_fixes(session: Session, code: str, fixes: list[tuple[str, int, int]]) -> None:
    for what, which, value in fixes:
        events = cases.get_case(session, code).events
        if not events:
            return
        target = events[which % len(events)]
        if what == "retract":
            _attempt(cases.retract, session, code=code, seq=target.seq, reason="felregistrering")
            continue
        changes: dict[str, Any] = {
            "date": {"date": target.date + timedelta(days=value)},
            "level": {"level": _pick(value, (None, 1, 2, 3, 4, 5, 6, 7))},
            "gender": {"gender": _pick(value, GENDERS)},
            "insats": {"insats": _pick(value, INSATSER)},
            "handover": {"handover": value % 2 == 0},
        }[what]
        _attempt(cases.correct, session, code=code, seq=target.seq, reason="annat", **changes)


def _assert_same(engine: dict[str, Any], twin: dict[str, Any], context: object) -> None:
    for name, cells in engine["counts"].items():
        assert set(twin["counts"][name]) <= set(COLUMNS), (name, context)
        for col in COLUMNS:
            assert cells[col] == twin["counts"][name].get(col, 0), (name, col, context)
    for breakdown, by_code in engine["breakdowns"].items():
        twin_codes = twin["breakdowns"][breakdown]
        for code in set(by_code) | set(twin_codes):
            for col in COLUMNS:
                ours = by_code.get(code, {}).get(col, 0)
                assert ours == twin_codes.get(code, {}).get(col, 0), (breakdown, code, col, context)


@pytest.fixture
def template(tmp_path: Path, cheap_kdf: object) -> Path:
    """One empty register, copied for each example (creating one per example is slower)."""
    path = tmp_path / "template" / "r.db"
    registers.create_register(
        path, user="anna", passphrase=PASSPHRASE, insatser=INSATSER, today=lambda: TODAY
    )
    return path


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plans=registers_plans, comparisons=checks)
def test_engine_and_sql_twin_agree_cell_by_cell(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    plans: list[dict[str, Any]],
    comparisons: list[tuple[tuple[str, Any, int, Any], float, list[str] | None]],
) -> None:
    folder = tmp_path_factory.mktemp("register")
    path = folder / "r.db"
    shutil.copy(template, path)
    shutil.copy(template.with_name("r.db.keys"), folder / "r.db.keys")
    with registers.open_session(
        path, user="anna", passphrase=PASSPHRASE, today=lambda: TODAY
    ) as session:
        with session.read() as connection:
            base = read_facts(connection).as_of  # the register's own set-up events
        opened = [(_run_case(session, plan), plan["fixes"]) for plan in plans]
        # Corrections and retractions come later, as when mistakes are found afterwards.
        for code, fixes in opened:
            if code is not None:
                _run_fixes(session, code, fixes)
        with session.read() as connection:
            at_head = read_facts(connection)
            head, dates = at_head.as_of, _register_dates(at_head)
            # Every date of the register as a period's first and as its last day, at the head.
            edges = [
                (Period.between(day, day + timedelta(days=45)), head, None) for day in dates
            ] + [(Period.between(day - timedelta(days=45), day), head, None) for day in dates]
            randomised = [
                (_period(spec, dates), base + round(fraction * (head - base)), insatser)
                for spec, fraction, insatser in comparisons
            ]
            facts_at = {head: at_head}
            for period, as_of, insatser in [*edges, *randomised]:
                if as_of not in facts_at:
                    facts_at[as_of] = read_facts(connection, as_of)
                facts = facts_at[as_of]
                ids = facts.insats_ids(insatser)
                engine = compute(facts, period, ids)
                twin = twin_counts(
                    connection, first=period.first, last=period.last, insats_ids=ids, as_of=as_of
                )
                _assert_same(engine, twin, (period, as_of, insatser))
