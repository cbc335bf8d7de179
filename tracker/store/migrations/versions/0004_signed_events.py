"""Signed events: each event may carry its author's Ed25519 signature over its chain hash;
events indexed by kind.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = "SELECT RAISE(ABORT, 'the event log is append-only')"


def upgrade() -> None:
    # ADD COLUMN touches no row.
    op.add_column("events", sa.Column("signature", sa.Text))
    # Every login reads the membership events by kind.
    op.create_index("ix_events_kind", "events", ["kind"])
    # The purge may erase a payload and nothing else: the signature stays too.
    op.execute("DROP TRIGGER events_append_only_update")
    op.execute(
        "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
        "WHEN NOT (OLD.payload IS NOT NULL AND NEW.payload IS NULL AND NEW.case_code IS NULL "
        "AND NEW.seq = OLD.seq AND NEW.recorded_at = OLD.recorded_at AND NEW.user = OLD.user "
        "AND NEW.kind = OLD.kind AND NEW.payload_hash = OLD.payload_hash "
        "AND NEW.chain_hash = OLD.chain_hash AND NEW.signature IS OLD.signature "
        "AND EXISTS (SELECT 1 FROM purged_events WHERE purged_events.seq = OLD.seq)) "
        f"BEGIN {APPEND_ONLY}; END"
    )
