"""Board goals per insats: the ``goals`` projection of ``goals_set`` events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("insats_id", sa.Integer, sa.ForeignKey("insatser.id"), primary_key=True),
        sa.Column("metric", sa.Text, primary_key=True),
        sa.Column("target", sa.Float, nullable=False),
        sa.Column("set_seq", sa.Integer, nullable=False),
    )
