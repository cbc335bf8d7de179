"""Insatser over time: a coordinator adds, renames and closes an insats (team), as events.

A closed insats takes no new cases dated after its closing day, but its cases stay, and
reports of the periods it was active count them as before. A rename changes the name shown
everywhere (reports made earlier keep the name they were made with).
"""

from __future__ import annotations

from datetime import date

from pydantic.dataclasses import dataclass as pydantic_dataclass
from sqlalchemy import select

from tracker.domain.errors import RuleError
from tracker.domain.personnummer import check_name
from tracker.services.models import from_rows
from tracker.services.registers import add_insatser
from tracker.services.session import ROLE_COORDINATOR, NotFound, ServiceError, Session
from tracker.store.projections import INSATS_CLOSED, INSATS_RENAMED
from tracker.store.schema import insatser


@pydantic_dataclass(frozen=True)
class Insats:
    """An insats as the insatser screen and ``tracker insats list`` show it."""

    id: int
    name: str
    closed_on: date | None

    def open_on(self, day: date) -> bool:
        return self.closed_on is None or day <= self.closed_on


def list_insatser(session: Session) -> list[Insats]:
    """Every insats, open and closed, in the order they were added."""
    with session.read() as connection:
        rows = connection.execute(select(insatser).order_by(insatser.c.id)).all()
    return from_rows(Insats, rows)


def _find(session: Session, name: str) -> Insats:
    for insats in list_insatser(session):
        if insats.name == name.strip():
            return insats
    raise NotFound("service.unknown_insats", insats=name)


def _checked(name: str) -> str:
    violation = check_name(name, "insats")
    if violation:
        raise RuleError([violation])
    return name.strip()


def add_insats(session: Session, name: str) -> Insats:
    """A coordinator adds an insats (a new team)."""
    add_insatser(session, [name])
    return _find(session, name)


def rename_insats(session: Session, name: str, new_name: str) -> Insats:
    session.require_role(ROLE_COORDINATOR)
    insats = _find(session, name)
    checked = _checked(new_name)
    if checked == insats.name:
        raise ServiceError("service.nothing_changed")
    if any(other.name == checked for other in list_insatser(session)):
        raise ServiceError("service.insats_exists", insats=checked)
    with session.transaction() as tx:
        tx.append(INSATS_RENAMED, {"id": insats.id, "name": checked, "previous": insats.name})
    return _find(session, checked)


def close_insats(session: Session, name: str, on: date) -> Insats:
    """Close an insats as of ``on`` (its last day): no new cases dated after it."""
    session.require_role(ROLE_COORDINATOR)
    insats = _find(session, name)
    if insats.closed_on is not None:
        raise ServiceError("insats.already_closed", insats=insats.name, on=insats.closed_on)
    with session.transaction() as tx:
        tx.append(INSATS_CLOSED, {"id": insats.id, "on": on.isoformat()})
    return _find(session, insats.name)
