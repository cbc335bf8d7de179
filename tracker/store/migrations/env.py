"""Alembic environment: always runs on the already keyed connection handed over by the store.

The target metadata is SQLModel's, filled by the table classes of tracker.store.schema, so that
``alembic revision --autogenerate`` (and the model-vs-migration test) compare against them."""

from alembic import context
from sqlmodel import SQLModel

import tracker.store.schema  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata)
with context.begin_transaction():
    context.run_migrations()
