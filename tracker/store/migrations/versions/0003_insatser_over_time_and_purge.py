"""Insatser over time (closed date) and retention (purged events).

- ``insatser.closed_on``/``closed_seq``: an insats closed by an ``insats_closed`` event takes no
  new cases after that date but stays in reports of the periods it was active.
- ``purged_events``: which events a ``purge`` erased (their payload and participant code). The
  event log's update trigger now lets exactly that through, and only for events listed here:
  payload and case code set to NULL, every other column (and so the chain) unchanged.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY = "SELECT RAISE(ABORT, 'the event log is append-only')"


def upgrade() -> None:
    op.add_column("insatser", sa.Column("closed_on", sa.Text))
    op.add_column("insatser", sa.Column("closed_seq", sa.Integer))
    op.create_table(
        "purged_events",
        sa.Column("seq", sa.Integer, sa.ForeignKey("events.seq"), primary_key=True),
        sa.Column("purge_seq", sa.Integer, nullable=False),
    )
    op.execute("DROP TRIGGER events_append_only_update")
    op.execute(
        "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
        "WHEN NOT (OLD.payload IS NOT NULL AND NEW.payload IS NULL AND NEW.case_code IS NULL "
        "AND NEW.seq = OLD.seq AND NEW.recorded_at = OLD.recorded_at AND NEW.user = OLD.user "
        "AND NEW.kind = OLD.kind AND NEW.payload_hash = OLD.payload_hash "
        "AND NEW.chain_hash = OLD.chain_hash "
        "AND EXISTS (SELECT 1 FROM purged_events WHERE purged_events.seq = OLD.seq)) "
        f"BEGIN {APPEND_ONLY}; END"
    )
    for statement in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER purged_events_append_only_{statement.lower()} "
            f"BEFORE {statement} ON purged_events "
            "BEGIN SELECT RAISE(ABORT, 'the purge record is append-only'); END"
        )
