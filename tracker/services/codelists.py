"""Code lists and the ladder in force: read them, and let a coordinator publish a new version."""

from __future__ import annotations

from tracker.domain.codelists import CodeList, Ladder, check_new_version
from tracker.domain.errors import RuleError
from tracker.services.session import (
    LADDER_LIST,
    ROLE_COORDINATOR,
    Lists,
    ServiceError,
    Session,
    read_lists,
)
from tracker.store.projections import CODE_LIST_SET


def current_lists(session: Session) -> Lists:
    with session.read() as connection:
        return read_lists(connection)


def publish(session: Session, new: CodeList | Ladder) -> None:
    """Publish a new version of a code list or the ladder.

    It must be exactly one version newer and keep every existing code and level number, so
    events logged under the old version keep their meaning (lists are never renumbered).
    """
    session.require_role(ROLE_COORDINATOR)
    with session.transaction() as tx:
        lists = tx.lists
        name = LADDER_LIST if isinstance(new, Ladder) else new.name
        old = lists.ladder if isinstance(new, Ladder) else lists.code_lists.get(new.name)
        if old is None:
            raise ServiceError("service.unknown_code_list", name=name)
        violations = check_new_version(old, new)
        if violations:
            raise RuleError(violations)
        tx.append(CODE_LIST_SET, {"name": name, "version": new.version, "content": new.to_dict()})
