"""The base of the read models that services hand the TUI and CLI: typed, immutable, built
from database rows by column name (no field-by-field constructor to keep in step with a table).

Plain pydantic models rather than SQLModel ones: a read model is no table, and pydantic's own
validation is about twice as fast as SQLModel's for the case list's thousands of rows (SQLModel
adds a Python layer to ``model_validate``). Validation turns the stored ISO date text into
``date`` and checks the types on the way out of the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Row


class ReadModel(BaseModel):
    """A row as the TUI and CLI read it: attributes, never keys. Columns without a field are
    ignored, so a query may select more than the model shows."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def from_rows(cls, rows: Sequence[Row[Any]]) -> list[Self]:
        """One model per row. The column names are read once: pairing them with each row is
        faster than the row's own mapping (or attribute access) for thousands of rows."""
        if not rows:
            return []
        names = rows[0]._fields
        return [cls.model_validate(dict(zip(names, row, strict=True))) for row in rows]

    @classmethod
    def from_row(cls, row: Row[Any], **computed: Any) -> Self:
        """The model of one row, with the fields computed from it in ``computed``."""
        return cls.model_validate(dict(zip(row._fields, row, strict=True), **computed))
