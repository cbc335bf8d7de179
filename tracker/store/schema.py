"""Table definitions used by queries. Migrations (store/migrations) create and change them;
a test checks that a freshly migrated database matches these definitions."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, LargeBinary, MetaData, Table, Text

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

# The append-only, hash-chained event log (design.md property 2). Triggers refuse UPDATE and
# DELETE. case_code is an index copied from the payload (which the chain covers via its hash).
events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("recorded_at", Text, nullable=False),
    Column("user", Text, nullable=False),
    # Indexed: every login reads the membership events (tracker.store.trust) by kind.
    Column("kind", Text, nullable=False, index=True),
    Column("case_code", Text, index=True),
    Column("payload", Text),
    Column("payload_hash", Text, nullable=False),
    Column("chain_hash", Text, nullable=False),
    # The author's Ed25519 signature over the chain hash (base64); see tracker.store.trust.
    Column("signature", Text),
)

# Which events retention erased (payload and case code set to NULL by a ``purge`` event, the
# chain untouched). Append-only; the events table's update trigger allows the erasure only for
# the events listed here.
purged_events = Table(
    "purged_events",
    metadata,
    Column("seq", Integer, ForeignKey("events.seq"), primary_key=True),
    Column("purge_seq", Integer, nullable=False),
)

# Projections: current state, rebuilt from the events on demand.
insatser = Table(
    "insatser",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False, unique=True),
    Column("added_seq", Integer, nullable=False),
    # Closed insatser take no new cases after closed_on (an ``insats_closed`` event).
    Column("closed_on", Text),
    Column("closed_seq", Integer),
)

code_lists = Table(
    "code_lists",
    metadata,
    Column("name", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("content", Text, nullable=False),
    Column("set_seq", Integer, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("code", Text, primary_key=True),
    Column("insats_id", Integer, ForeignKey("insatser.id"), nullable=False, index=True),
    Column("gender", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("application_date", Text),
    Column("start_date", Text),
    Column("non_start_date", Text),
    Column("exit_date", Text),
    Column("start_level", Integer),
    Column("current_level", Integer),
    Column("last_event_date", Text),
    Column("next_follow_up_due", Text),
    Column("last_seq", Integer, nullable=False),
)

# Board goals per insats and share (metrics.md, "Goals"); from ``goals_set`` events. An insats
# without a row for a metric has the default goal (tracker.domain.goals.DEFAULT_GOALS).
goals = Table(
    "goals",
    metadata,
    Column("insats_id", Integer, ForeignKey("insatser.id"), primary_key=True),
    Column("metric", Text, primary_key=True),
    Column("target", Float, nullable=False),
    Column("set_seq", Integer, nullable=False),
)

# The Ed25519 key that signs export bundles; it lives only inside the encrypted database.
signing_key = Table(
    "signing_key",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("private_key", LargeBinary, nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("created_seq", Integer, nullable=False),
)

# Deleted in this order by a rebuild: rows that point at an insats go before the insatser.
PROJECTION_TABLES = (cases, goals, code_lists, insatser)
