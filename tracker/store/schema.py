"""The tables, each defined once, as SQLModel classes (design.md names SQLModel as the data
layer). Migrations (store/migrations) create and change them; a test checks that a freshly
migrated database equals these classes (Alembic's autogenerate finds no difference), so a new
column is written here and in its migration, nowhere else.

Queries use SQLAlchemy Core on the tables (``events = StoredEvent.__table__``): the event
log's writer, the statistics read, the importer and the audit walk are measured hot paths and
stay off ORM sessions. The classes give the columns their Python types. ``Stored…`` names the
row as stored (dates as ISO text); the read models that services hand the TUI and CLI (typed
dates, joined names) live with the service that returns them (tracker.services.models).

Every column names its SQL type (``sa_type``): SQLModel would map ``str`` to VARCHAR, while the
migrations made TEXT columns.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, LargeBinary, Table, Text
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata

# Keys that are assigned by the code (event sequence numbers, insats ids), never by SQLite.
_ASSIGNED_KEY = {"autoincrement": False}


class StoredMeta(SQLModel, table=True):
    """Key/value facts about the register (database id, settings)."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True, sa_type=Text)
    value: str = Field(sa_type=Text)


class StoredEvent(SQLModel, table=True):
    """The append-only, hash-chained event log (design.md property 2). Triggers refuse UPDATE
    and DELETE. case_code is an index copied from the payload (which the chain covers via its
    hash)."""

    __tablename__ = "events"

    seq: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs=_ASSIGNED_KEY)
    recorded_at: str = Field(sa_type=Text)
    user: str = Field(sa_type=Text)
    # Indexed: every login reads the membership events (tracker.store.trust) by kind.
    kind: str = Field(index=True, sa_type=Text)
    case_code: str | None = Field(default=None, index=True, sa_type=Text)
    payload: str | None = Field(default=None, sa_type=Text)
    payload_hash: str = Field(sa_type=Text)
    chain_hash: str = Field(sa_type=Text)
    # The author's Ed25519 signature over the chain hash (base64); see tracker.store.trust.
    signature: str | None = Field(default=None, sa_type=Text)


class PurgedEvent(SQLModel, table=True):
    """Which events retention erased (payload and case code set to NULL by a ``purge`` event,
    the chain untouched). Append-only; the events table's update trigger allows the erasure only
    for the events listed here."""

    __tablename__ = "purged_events"

    seq: int = Field(primary_key=True, foreign_key="events.seq", sa_type=Integer)
    purge_seq: int = Field(sa_type=Integer)


# Projections: current state, rebuilt from the events on demand.


class StoredInsats(SQLModel, table=True):
    """An insats; closed insatser take no new cases after closed_on (``insats_closed``)."""

    __tablename__ = "insatser"

    id: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs=_ASSIGNED_KEY)
    name: str = Field(unique=True, sa_type=Text)
    added_seq: int = Field(sa_type=Integer)
    closed_on: str | None = Field(default=None, sa_type=Text)
    closed_seq: int | None = Field(default=None, sa_type=Integer)


class StoredCodeList(SQLModel, table=True):
    """The current version of a code list, its content as JSON."""

    __tablename__ = "code_lists"

    name: str = Field(primary_key=True, sa_type=Text)
    version: int = Field(sa_type=Integer)
    content: str = Field(sa_type=Text)
    set_seq: int = Field(sa_type=Integer)


class StoredCase(SQLModel, table=True):
    """One case's summary as the case list shows it (dates as ISO text)."""

    __tablename__ = "cases"

    code: str = Field(primary_key=True, sa_type=Text)
    insats_id: int = Field(foreign_key="insatser.id", index=True, sa_type=Integer)
    gender: str = Field(sa_type=Text)
    status: str = Field(sa_type=Text)
    application_date: str | None = Field(default=None, sa_type=Text)
    start_date: str | None = Field(default=None, sa_type=Text)
    non_start_date: str | None = Field(default=None, sa_type=Text)
    exit_date: str | None = Field(default=None, sa_type=Text)
    start_level: int | None = Field(default=None, sa_type=Integer)
    current_level: int | None = Field(default=None, sa_type=Integer)
    last_event_date: str | None = Field(default=None, sa_type=Text)
    next_follow_up_due: str | None = Field(default=None, sa_type=Text)
    last_seq: int = Field(sa_type=Integer)


class StoredGoal(SQLModel, table=True):
    """Board goals per insats and share (metrics.md, "Goals"); from ``goals_set`` events. An
    insats without a row for a metric has the default goal (tracker.domain.goals)."""

    __tablename__ = "goals"

    insats_id: int = Field(primary_key=True, foreign_key="insatser.id", sa_type=Integer)
    metric: str = Field(primary_key=True, sa_type=Text)
    target: float = Field(sa_type=Float)
    set_seq: int = Field(sa_type=Integer)


class StoredSigningKey(SQLModel, table=True):
    """The Ed25519 key that signs export bundles; it lives only inside the encrypted database."""

    __tablename__ = "signing_key"

    id: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs=_ASSIGNED_KEY)
    private_key: bytes = Field(sa_type=LargeBinary)
    public_key: bytes = Field(sa_type=LargeBinary)
    created_seq: int = Field(sa_type=Integer)


def _table(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


# The tables for Core queries, under the names the store, services and tests use.
meta = _table(StoredMeta)
events = _table(StoredEvent)
purged_events = _table(PurgedEvent)
insatser = _table(StoredInsats)
code_lists = _table(StoredCodeList)
cases = _table(StoredCase)
goals = _table(StoredGoal)
signing_key = _table(StoredSigningKey)

# Deleted in this order by a rebuild: rows that point at an insats go before the insatser.
PROJECTION_TABLES = (cases, goals, code_lists, insatser)
