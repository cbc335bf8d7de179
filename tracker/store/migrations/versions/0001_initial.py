"""First schema: meta, the event log with its append-only triggers, projections, signing key.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("recorded_at", sa.Text, nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("case_code", sa.Text),
        sa.Column("payload", sa.Text),
        sa.Column("payload_hash", sa.Text, nullable=False),
        sa.Column("chain_hash", sa.Text, nullable=False),
    )
    op.create_index("ix_events_case_code", "events", ["case_code"])
    op.execute(
        "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END"
    )
    op.create_table(
        "insatser",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("added_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "code_lists",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("set_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("insats_id", sa.Integer, sa.ForeignKey("insatser.id"), nullable=False),
        sa.Column("gender", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("application_date", sa.Text),
        sa.Column("start_date", sa.Text),
        sa.Column("non_start_date", sa.Text),
        sa.Column("exit_date", sa.Text),
        sa.Column("start_level", sa.Integer),
        sa.Column("current_level", sa.Integer),
        sa.Column("last_event_date", sa.Text),
        sa.Column("next_follow_up_due", sa.Text),
        sa.Column("last_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_cases_insats_id", "cases", ["insats_id"])
    op.create_table(
        "signing_key",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("private_key", sa.LargeBinary, nullable=False),
        sa.Column("public_key", sa.LargeBinary, nullable=False),
        sa.Column("created_seq", sa.Integer, nullable=False),
    )
