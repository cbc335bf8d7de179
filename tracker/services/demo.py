"""A synthetic demo register: realistic, reproducible, and written only through the use cases.

``build_demo`` creates a register marked as demo (user ``demo``, passphrase ``demo``) and fills
it with made-up participants whose shape follows a real half-year report (Samordningsteam
Västerås 2022, see domain.md): about 30 % of applications end without a start, about 70 % of
measurable exits have made a step, most exits go on to job-seeking or another party's insats.

Every case is first *planned* as a list of dated actions, then the actions of all cases are
replayed in date order through the case services (tracker.services.cases). Going through the
services means the demo obeys exactly the rules real data obeys, and replaying in date order
makes the event log read like a real one (sequence numbers roughly follow the calendar).
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tracker.domain.codelists import DEFAULT_LADDER
from tracker.domain.dates import add_months
from tracker.services import cases
from tracker.services.registers import DEMO_PASSPHRASE, create_register, open_session
from tracker.services.reports import CELL_KEY_SECRET_META
from tracker.services.session import Session
from tracker.store.eventlog import head
from tracker.store.keyfile import keyfile_path
from tracker.store.schema import events

DEMO_USER = "demo"
YEARS = 3
COUNTY_SCALE = 5000  # from this many participants the demo spreads over ten teams

# Actions per write transaction: a few hundred cases' worth. One transaction per case would
# pay a commit (and an fsync) per event; one for everything would hold 20,000 cases in memory.
_BATCH_ACTIONS = 2000

# Team names: synthetic Samordningsteam named after Västmanland/Uppsala municipalities. The
# weights make teams unequal in size, as real ones are.
_TEAMS: tuple[tuple[str, int], ...] = (
    ("Samordningsteam Sala", 5),
    ("Samordningsteam Heby", 3),
    ("Samordningsteam Norrby", 4),
    ("Samordningsteam Fagersta", 3),
    ("Samordningsteam Köping", 4),
    ("Samordningsteam Arboga", 2),
    ("Samordningsteam Surahammar", 2),
    ("Samordningsteam Hallstahammar", 3),
    ("Samordningsteam Norberg", 1),
    ("Samordningsteam Kungsör", 2),
)

# Weighted code lists. The weights are rough proportions (the Västerås report and what teams
# describe), not statistics; codes are the default code lists' (tracker.domain.codelists).
_GENDERS = (("kvinna", 55), ("man", 43), ("ej_angivet", 2))
_REFERRERS = (("af", 30), ("fk", 27), ("kommun", 20), ("region", 13), ("egen", 7), ("annan", 3))
_NON_START_REASONS = (
    ("atertagen", 35),
    ("uteblev", 22),
    ("ordinarie_insats", 14),
    ("kan_ej_tillgodogora", 8),
    ("medicinsk_behandling", 8),
    ("ohalsa", 9),
    ("annat", 4),
)
_MEETINGS = (("flerpartsmote", 40), ("enskilt", 33), ("telefon_digitalt", 20), ("annat", 7))
_START_LEVELS = ((1, 30), (2, 45), (3, 25))
# Exit destinations differ with the outcome: people who moved up mostly go on to job-seeking
# or work; the rest mostly to another party's insats or out of work-oriented rehabilitation.
# Mixed 70/30 this gives about 38 % job-seeking, 7 % work, 4 % studies, as in the report.
_DESTINATIONS_STEP_UP = (
    ("arbetssokande", 45),
    ("annan_insats", 18),
    ("forvarvsarbete", 10),
    ("studier", 6),
    ("arbete_med_stod", 6),
    ("ovrigt", 8),
    ("ej_redo", 4),
    ("daglig_verksamhet", 3),
)
_DESTINATIONS_NO_STEP = (
    ("annan_insats", 35),
    ("ej_redo", 30),
    ("arbetssokande", 20),
    ("ovrigt", 10),
    ("daglig_verksamhet", 5),
)

_DIRECT_START = 0.08  # cases opened at start, without an application
_NON_START = 0.30
_SLOW_DECISION = 0.04  # applications left waiting two to five months
_STEP_UP = 0.70
_EXIT_LEVEL_SET = 0.90  # exits without a level are not measurable (28 of 31 in the report)
_FOLLOW_UP_RECORDED = {6: 0.85, 18: 0.75}
_FOLLOW_UP_HELD = {6: 0.80, 18: 0.85}
_CORRECTED_SHARE = 0.015  # steps logged at the wrong level, then corrected (fel_niva)
_RETRACTED_SHARE = 0.01  # steps logged twice, the copy retracted (dubblett)
_MIN_FOR_EVERY_STATUS = 20  # from this size the newest case is kept pending (see _plan)

_LOWEST = DEFAULT_LADDER.lowest
_HIGHEST = DEFAULT_LADDER.highest
_MONTH_DAYS = 30.44


@dataclass(frozen=True)
class DemoSummary:
    """What ``build_demo`` made: ``events`` counts case events, ``head_seq`` the whole chain."""

    db_path: Path
    participants: int
    events: int
    insatser: tuple[str, ...]
    head_seq: int


@dataclass
class _Action:
    """One planned use-case call of one case. ``args`` are the service's keyword arguments."""

    on: date
    kind: str
    args: dict[str, Any] = field(default_factory=dict)
    # Set on steps that a later correction or retraction refers to, and on those actions.
    tag: str | None = None


@dataclass
class _Plan:
    insats: str
    gender: str
    actions: list[_Action]


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, int]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _workday(day: date, lo: date, hi: date) -> date:
    """Move a weekend date to the nearest weekday inside [lo, hi]; unchanged if none fits.

    Staff log meetings on working days; the bounds keep the case's order rules intact.
    """
    weekday = day.weekday()
    if weekday < 5:
        return day
    friday = day - timedelta(days=weekday - 4)
    monday = day + timedelta(days=7 - weekday)
    for candidate in (monday, friday) if weekday == 6 else (friday, monday):
        if lo <= candidate <= hi:
            return candidate
    return day


def _season_weight(day: date) -> float:
    """Relative number of new applications on ``day``: few at weekends, in July and at Christmas."""
    if day.weekday() >= 5:
        return 0.03
    if day.month == 7:
        return 0.35
    if (
        day.month in (6, 8)
        or (day.month == 12 and day.day > 18)
        or (day.month == 1 and day.day < 7)
    ):
        return 0.75
    return 1.0


def _opening_dates(rng: random.Random, n: int, first: date, last: date) -> list[date]:
    """``n`` opening dates over [first, last], following the seasonal rhythm.

    Stratified (one uniform draw per n-th of the cumulative weight) so that even a small demo
    has an even flow of new cases, including some in the last weeks.
    """
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    cumulative: list[float] = []
    total = 0.0
    for day in days:
        total += _season_weight(day)
        cumulative.append(total)
    return [
        days[min(bisect.bisect_left(cumulative, (i + rng.random()) / n * total), len(days) - 1)]
        for i in range(n)
    ]


def _clamp(level: int) -> int:
    return max(_LOWEST, min(_HIGHEST, level))


def _outcome(rng: random.Random, start_level: int) -> tuple[bool, str, int]:
    """Whether the case will end with a step up, its destination, and its exit level."""
    if start_level < _HIGHEST and rng.random() < _STEP_UP:
        destination = _pick(rng, _DESTINATIONS_STEP_UP)
        if destination in ("forvarvsarbete", "studier"):
            target = _HIGHEST
        elif destination == "arbete_med_stod":
            target = rng.choice((6, 7))
        elif destination == "arbetssokande":
            target = 6 if rng.random() < 0.7 else 5
        elif destination == "annan_insats":
            target = start_level + rng.choice((1, 1, 2))
        else:
            target = start_level + 1
        return True, destination, _clamp(max(start_level + 1, target))
    destination = _pick(rng, _DESTINATIONS_NO_STEP)
    final = start_level - 1 if rng.random() < 0.3 else start_level
    return False, destination, _clamp(final)


def _step_level(rng: random.Random, start_level: int, final: int, progress: float) -> int:
    """The level at a meeting ``progress`` (0–1) of the way through the stay.

    Movement is front-loaded (square root) and noisy: people sometimes fall back or get ahead
    of the plan, and with few meetings a big move shows up as a skipped level.
    """
    level = round(start_level + (final - start_level) * progress**0.5)
    draw = rng.random()
    if draw < 0.10:
        level -= 1
    elif draw < 0.18:
        level += 1
    return _clamp(level)


def _follow_up_level(rng: random.Random, months: int, reference: int) -> int:
    """A follow-up level that mostly holds the exit level, sometimes lower."""
    if rng.random() < _FOLLOW_UP_HELD[months] or reference == _LOWEST:
        return _clamp(reference + (1 if rng.random() < 0.3 else 0))
    return _clamp(reference - rng.choice((1, 1, 2)))


def _plan_enrolment(
    rng: random.Random, started: date, actions: list[_Action], kind_args: dict[str, Any]
) -> None:
    """Append start, steps, exit and follow-ups for a case enrolled on ``started``."""
    start_level: int = _pick(rng, _START_LEVELS)
    actions.append(_Action(started, "start", {**kind_args, "level": start_level}))
    step_up, destination, final = _outcome(rng, start_level)
    interrupted = rng.random() < (0.12 if step_up else 0.45)
    months = rng.triangular(3, 14, 4) if interrupted else rng.triangular(3, 24, 8)
    stay = max(90, round(months * _MONTH_DAYS))
    left = started + timedelta(days=stay)
    left = _workday(left, started + timedelta(days=1), left + timedelta(days=3))

    day = started + timedelta(days=rng.randint(7, 35))
    level = start_level
    while day < left:
        progress = (day - started).days / stay
        level = _step_level(rng, start_level, final, progress)
        meeting = None if rng.random() < 0.05 else _pick(rng, _MEETINGS)
        on = _workday(day, started, left - timedelta(days=1))
        actions.append(_Action(on, "step", {"level": level, "meeting": meeting}))
        day += timedelta(days=rng.randint(14, 56))

    exit_level = final if rng.random() < _EXIT_LEVEL_SET else None
    handover = rng.random() < (0.45 if destination in ("forvarvsarbete", "studier") else 0.88)
    actions.append(
        _Action(
            left,
            "exit",
            {
                "destination": destination,
                "exit_kind": "avbruten" if interrupted else "avslutad",
                "handover": handover,
                "level": exit_level,
            },
        )
    )
    reference = exit_level if exit_level is not None else level
    for months_after in (6, 18):
        if rng.random() >= _FOLLOW_UP_RECORDED[months_after]:
            continue  # never followed up: counts as missing once due
        due = add_months(left, months_after)
        late = rng.random() < 0.2
        on = due + timedelta(days=rng.randint(15, 50) if late else rng.randint(-5, 14))
        on = _workday(on, left + timedelta(days=1), on + timedelta(days=3))
        level = _follow_up_level(rng, months_after, reference)
        actions.append(_Action(on, "follow_up", {"months": months_after, "level": level}))


def _plan_case(
    rng: random.Random, opened: date, insats: str, gender: str, *, keep_pending: bool
) -> _Plan:
    """Every action the case will ever have, some possibly after today (dropped by the caller)."""
    actions: list[_Action] = []
    opening = {"insats": insats, "gender": gender}
    if not keep_pending and rng.random() < _DIRECT_START:
        _plan_enrolment(rng, opened, actions, opening)
        return _Plan(insats, gender, actions)

    actions.append(_Action(opened, "application", {**opening, "referrer": _pick(rng, _REFERRERS)}))
    if keep_pending:
        return _Plan(insats, gender, actions)
    slow = rng.random() < _SLOW_DECISION
    if rng.random() < _NON_START:
        delay = rng.randint(60, 150) if slow else rng.randint(7, 56)
        on = opened + timedelta(days=delay)
        actions.append(_Action(on, "non_start", {"reason": _pick(rng, _NON_START_REASONS)}))
    else:
        delay = rng.randint(60, 150) if slow else rng.randint(0, 42)
        planned = opened + timedelta(days=delay)
        started = _workday(planned, opened, planned + timedelta(days=3))
        _plan_enrolment(rng, started, actions, {})
    return _Plan(insats, gender, actions)


def _add_mistakes(rng: random.Random, plans: list[_Plan]) -> None:
    """A handful of realistic slips, each fixed the way staff fix them.

    A step logged at the wrong level and then corrected (``fel_niva``), and a step logged twice
    whose copy is retracted (``dubblett``). Both leave the case's effective events as planned.
    """
    steps = [
        (plan, index)
        for plan in plans
        for index, action in enumerate(plan.actions)
        if action.kind == "step"
    ]
    if not steps:
        return
    n = len(plans)
    corrected = max(1, round(n * _CORRECTED_SHARE))
    retracted = max(1, round(n * _RETRACTED_SHARE))
    chosen = rng.sample(steps, min(len(steps), corrected + retracted))
    # The sample is random, so its first `corrected` entries become corrections. Insert from
    # the highest index down so the other chosen indexes of the same case stay valid.
    jobs = [(index, number, plan) for number, (plan, index) in enumerate(chosen)]
    for index, number, plan in sorted(jobs, key=lambda job: -job[0]):
        step = plan.actions[index]
        tag = f"mistake{number}"
        right = step.args["level"]
        if number < corrected:
            step.tag = tag
            wrong = right + 1 if right < _HIGHEST else right - 1
            step.args = {**step.args, "level": wrong}
            fix = _Action(step.on, "correct", {"reason": "fel_niva", "level": right}, tag)
            plan.actions.insert(index + 1, fix)
        else:
            # The copy is the one retracted; the original stays.
            copy = _Action(step.on, "step", dict(step.args), tag)
            undo = _Action(step.on, "retract", {"reason": "dubblett"}, tag)
            plan.actions[index + 1 : index + 1] = [copy, undo]


def _plan(
    rng: random.Random, participants: int, insatser: Sequence[str], today: date
) -> list[_Plan]:
    first = add_months(today, -12 * YEARS) + timedelta(days=1)
    opened = _opening_dates(rng, participants, first, today)
    weights = dict(_TEAMS)
    team_weights = [weights[name] for name in insatser]
    plans = []
    for index, day in enumerate(opened):
        insats = rng.choices(insatser, team_weights)[0]
        gender = _pick(rng, _GENDERS)
        # The newest case stays an undecided application so that even a small demo shows
        # every status; in a large demo the last weeks hold many pending ones anyway.
        keep_pending = participants >= _MIN_FOR_EVERY_STATUS and index == participants - 1
        plans.append(_plan_case(rng, day, insats, gender, keep_pending=keep_pending))
    for plan in plans:
        # What lies in the future has not happened yet: pending applications, open cases,
        # follow-ups not yet due. Dropping a suffix keeps every case valid.
        plan.actions = [action for action in plan.actions if action.on <= today]
    _add_mistakes(rng, plans)  # after the cut: only steps that happened
    return plans


def _team_names(participants: int) -> tuple[str, ...]:
    if participants >= COUNTY_SCALE:
        count = 10
    elif participants >= 1000:
        count = 4
    else:
        count = 3
    return tuple(name for name, _weight in _TEAMS[:count])


def _run(
    session: Session, action: _Action, code: str | None, seq: int | None, rng: random.Random
) -> cases.CaseView | None:
    """Make one planned use-case call; returns the case as it now is (None if it emptied)."""
    on, args = action.on, action.args
    if action.kind == "application":
        return cases.register_application(session, on=on, rng=rng, **args)
    if action.kind == "start":
        return cases.start(session, on=on, code=code, rng=rng, **args)
    # Every other action comes after its case's opening one (same-day order is plan order).
    assert code is not None
    if action.kind == "non_start":
        return cases.non_start(session, code=code, on=on, **args)
    if action.kind == "step":
        return cases.log_step(session, code=code, on=on, **args)
    if action.kind == "exit":
        return cases.exit_case(session, code=code, on=on, **args)
    if action.kind == "follow_up":
        return cases.follow_up(session, code=code, on=on, **args)
    assert seq is not None
    if action.kind == "correct":
        return cases.correct(session, code=code, seq=seq, **args)
    if action.kind == "retract":
        return cases.retract(session, code=code, seq=seq, **args)
    raise ValueError(f"unknown demo action {action.kind}")


def _write(
    session: Session,
    plans: list[_Plan],
    rng: random.Random,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Replay every planned action in date order, in batches of one transaction each."""
    participants = len(plans)
    # Same-day actions keep case order and, within a case, plan order.
    queue = sorted(
        (action.on, case_index, order, action)
        for case_index, plan in enumerate(plans)
        for order, action in enumerate(plan.actions)
    )
    codes: list[str | None] = [None] * participants
    # (case, tag) -> seq of the step that a later correction or retraction refers to.
    tagged_seq: dict[tuple[int, str], int] = {}
    total = len(queue)
    if progress:
        progress(0, participants)
    for begin in range(0, total, _BATCH_ACTIONS):
        with session.batch():
            for _on, case_index, _order, action in queue[begin : begin + _BATCH_ACTIONS]:
                key = (case_index, action.tag or "")
                refers = action.kind in ("correct", "retract")
                seq = tagged_seq[key] if refers else None
                view = _run(session, action, codes[case_index], seq, rng)
                if view is None:
                    continue
                codes[case_index] = view.code
                if action.tag is not None and not refers:
                    tagged_seq[key] = view.last_seq  # the step just appended
        if progress:
            # Progress in participants, pro rata to the actions written: the actions of all
            # cases are interleaved by date, so whole cases finish unevenly.
            progress(participants * min(total, begin + _BATCH_ACTIONS) // total, participants)


def build_demo(
    db_path: Path,
    *,
    participants: int = 300,
    seed: int | None = None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Create a demo register at ``db_path`` with ``participants`` synthetic cases.

    Refuses an existing path (the ServiceError of ``create_register``). The same ``seed`` and
    ``today`` give the same participant codes and events. ``progress(done, total)`` is called
    once per batch with participants written so far. If generation fails, the half-built
    register and its key file are removed again: they were created here, and a partial demo
    would only mislead.
    """
    if participants < 0:
        raise ValueError("participants must not be negative")
    day = today or date.today()

    def clock() -> date:
        # The services ask for "today" through a clock; the demo's stays fixed while it runs.
        return day

    rng = random.Random(seed)
    insatser = _team_names(participants)
    create_register(
        db_path,
        user=DEMO_USER,
        passphrase=DEMO_PASSPHRASE,
        insatser=insatser,
        demo=True,
        today=clock,
    )
    try:
        plans = _plan(rng, participants, insatser, day)
        with open_session(
            db_path, user=DEMO_USER, passphrase=DEMO_PASSPHRASE, today=clock
        ) as session:
            _write(session, plans, rng, progress)
            if seed is not None:
                # A seeded demo is reproducible down to its published (perturbed) figures; an
                # unseeded one gets a random secret on its first board report, like any register.
                secret = hashlib.sha256(f"tracker demo cell key {seed}".encode()).hexdigest()
                session.register.write_meta(CELL_KEY_SECRET_META, secret)
            # Fold the WAL into the file so the demo can be copied as one file right away.
            session.register.checkpoint()
            with session.read() as connection:
                case_events = connection.execute(
                    select(func.count()).select_from(events).where(events.c.case_code.is_not(None))
                ).scalar_one()
                head_seq = head(connection).seq
    except BaseException:
        _remove(db_path)
        raise
    return DemoSummary(db_path, participants, case_events, insatser, head_seq)


def _remove(db_path: Path) -> None:
    for path in (
        db_path,
        db_path.with_name(db_path.name + "-wal"),
        db_path.with_name(db_path.name + "-shm"),
        keyfile_path(db_path),
    ):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


__all__ = ["COUNTY_SCALE", "DEMO_USER", "DemoSummary", "build_demo"]
