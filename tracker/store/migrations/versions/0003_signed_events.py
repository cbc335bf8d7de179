"""Signed events: each event may carry its author's Ed25519 signature over its chain hash.

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


def upgrade() -> None:
    # ADD COLUMN touches no row, so the append-only triggers stay as they are.
    op.add_column("events", sa.Column("signature", sa.Text))
