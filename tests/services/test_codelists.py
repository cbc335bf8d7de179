"""Publishing new versions of code lists and the ladder."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from tracker.domain.codelists import CodeEntry, LadderLevel
from tracker.domain.errors import RuleError
from tracker.services import audit, cases, codelists
from tracker.services.session import ServiceError, Session


def test_defaults_are_stored_in_the_register(session: Session) -> None:
    lists = codelists.current_lists(session)
    assert lists.ladder.numbers == (1, 2, 3, 4, 5, 6, 7)
    assert "atertagen" in lists.code_lists["non_start_reason"]
    assert set(lists.code_lists) >= {"gender", "referrer", "meeting_type", "exit_destination"}


def test_a_new_ladder_level_can_be_used_at_once(session: Session) -> None:
    ladder = codelists.current_lists(session).ladder
    extended = dataclasses.replace(
        ladder,
        version=ladder.version + 1,
        levels=(*ladder.levels, LadderLevel(8, "Egen försörjning", "Self-supporting")),
    )
    codelists.publish(session, extended)
    assert codelists.current_lists(session).ladder.highest == 8
    code = cases.start(
        session, on=date(2026, 1, 5), level=1, insats="Samordningsteam Sala", gender="man"
    ).code
    assert (
        cases.log_step(session, code=code, on=date(2026, 2, 1), level=8).summary.current_level == 8
    )
    assert audit.verify(session).ok


def test_renumbering_or_skipping_versions_is_refused(session: Session) -> None:
    reasons = codelists.current_lists(session).code_lists["non_start_reason"]
    shortened = dataclasses.replace(
        reasons, version=reasons.version + 1, entries=reasons.entries[1:]
    )
    with pytest.raises(RuleError) as error:
        codelists.publish(session, shortened)
    assert [v.key for v in error.value.violations] == ["domain.codelist_code_removed"]
    skipped = dataclasses.replace(reasons, version=reasons.version + 2)
    with pytest.raises(RuleError):
        codelists.publish(session, skipped)
    renamed = dataclasses.replace(
        reasons,
        name="okand_lista",
        version=2,
        entries=(*reasons.entries, CodeEntry("ny", "Ny", "New")),
    )
    with pytest.raises(ServiceError):
        codelists.publish(session, renamed)
    assert codelists.current_lists(session).code_lists["non_start_reason"] == reasons
